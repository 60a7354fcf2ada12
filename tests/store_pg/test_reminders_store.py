"""The reminders' store methods (bot/flows/reminders.py) answer the same on SQLite and
PostgreSQL: rows, due reminders, participants' names."""

from __future__ import annotations

from typing import Any

from bot.store import SQLiteStore
from tests.store_pg.conftest import Clock


async def scenario(store: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    await store.save_reminder(81234567890, minutes=10, state="pending", check_at=100.0)
    await store.save_reminder(81234567891, minutes=5, state="pending", check_at=300.0)
    await store.save_reminder(81234567892, minutes=0, state="done", check_at=50.0)
    row = await store.reminder(81234567890)
    out.append(("reminder", {k: v for k, v in row.items() if k != "updated_at"}))
    out.append(("missing", await store.reminder(1)))
    await store.save_reminder(
        81234567890, state="scheduled", scheduled_message_id="Q1", post_at=1.5e9, channel="C1"
    )
    row = await store.reminder(81234567890)
    out.append(("changed", {k: v for k, v in row.items() if k != "updated_at"}))
    due = await store.due_reminders(200.0)
    out.append(("due", [r["meeting_id"] for r in due]))
    out.append(("all due", [r["meeting_id"] for r in await store.due_reminders(1000.0)]))
    await store.participant_joined(81234567890, "p1", "2026-12-01T10:00:00Z")
    await store.participant_joined(81234567890, "p2", "2026-12-01T10:01:00Z")
    await store.participant_joined(81234567890, "p3", "2026-12-01T10:02:00Z")
    await store.name_participant(81234567890, "p2", "Bo")
    await store.name_participant(81234567890, "p1", "Ana")
    out.append(("names", await store.participant_names(81234567890)))
    await store.set_preferences("U1", reminder_minutes=30)
    prefs = await store.preferences("U1")
    out.append(("pref", prefs["reminder_minutes"]))
    return out


async def test_the_reminder_methods_answer_as_the_sqlite_store_does(open_pg, tmp_path):
    sqlite = SQLiteStore(tmp_path / "zoombot.db", clock=Clock())
    try:
        want = await scenario(sqlite)
    finally:
        await sqlite.aclose()
    got = await scenario(await open_pg(clock=Clock()))
    assert got == want
    assert [(type(v), v) for _, v in got] == [(type(v), v) for _, v in want]
    assert dict(want)["due"] == [81234567890] and dict(want)["names"] == ["Ana", "Bo"]
