"""The reminders pass (bot/flows/reminders.py) against the fake Slack over HTTP, in process
with the clock moved: a series' next reminder once one has posted (in the thread only),
one too far ahead waits, Slack's `time_in_past`, a lost channel and a full channel."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.flows import reminders
from bot.flows.reminder_budget import ChannelBudget
from bot.posting import Poster
from bot.settings import Settings
from bot.store import SQLiteStore
from bot.store.rows import iso, meeting_from_row, recurrence_json
from tests.fakes.slack import DEFAULT_CHANNEL, SlackAnswer
from zoom import Recurrence
from zoom.models import DAILY

MEETING = 81234567890


@dataclass
class Parts:
    store: SQLiteStore
    poster: Poster
    settings: Settings = field(default_factory=lambda: Settings("xoxb-1", "s", "a", "c", "x"))


@pytest.fixture
async def parts(fake_slack, tmp_path: Path):
    store = SQLiteStore(tmp_path / "zoombot.db")
    slack = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=5)
    async with aiohttp.ClientSession() as http:
        yield Parts(store, Poster(slack, http, store=store))
    store.close()


@pytest.fixture
def clock(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(reminders, "clock", lambda: now[0])
    return now


async def record(parts: Parts, start: datetime, *, daily: bool, zoom_id: int = MEETING) -> None:
    await parts.store.record_meeting(
        {
            "zoom_id": zoom_id,
            "topic": "Standup",
            "type": 8 if daily else 2,
            "start_time": iso(start),
            "duration": 15,
            "timezone": "UTC",
            "recurrence": recurrence_json(
                Recurrence(type=DAILY, repeat_interval=1, end_times=10) if daily else None
            ),
            "requester": "U0ANA",
            "channel": DEFAULT_CHANNEL,
            "message_ts": "1790000000.000100",
            "join_url": f"https://zoom.example/j/{zoom_id}",
        }
    )


async def test_a_series_gets_the_next_starts_reminder_once_one_has_posted(fake_slack, parts, clock):
    first = (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0)
    await record(parts, first, daily=True)
    meeting = meeting_from_row(await parts.store.meeting(MEETING))
    await reminders.plan(parts, meeting, 10)
    await reminders.after_post(parts, MEETING)
    [one] = fake_slack.scheduled_messages()
    assert one["post_at"] == int((first - timedelta(minutes=10)).timestamp())
    assert one["reply_broadcast"] is True and one["thread_ts"] == "1790000000.000100"
    assert await reminders.keep_up(parts) == 0  # nothing due yet
    fake_slack.post_scheduled(one["id"])  # Slack posts it at its time
    clock[0] = one["post_at"] + reminders.AFTER_POST_AT + 1
    assert await reminders.keep_up(parts) == 1
    [two] = fake_slack.scheduled_messages()
    assert two["post_at"] == int((first + timedelta(days=1, minutes=-10)).timestamp())
    assert two["reply_broadcast"] is False  # later ones only in the thread
    assert fake_slack.calls_to("chat.deleteScheduledMessage") == []  # the posted one is gone


async def test_a_reminder_more_than_120_days_ahead_waits(fake_slack, parts, clock):
    start = datetime.now(UTC) + timedelta(days=200)
    await record(parts, start, daily=False)
    meeting = meeting_from_row(await parts.store.meeting(MEETING))
    await reminders.plan(parts, meeting, 10)
    await reminders.after_post(parts, MEETING)
    assert fake_slack.calls_to("chat.scheduleMessage") == []
    row = await parts.store.reminder(MEETING)
    assert row["state"] == "pending"
    assert row["check_at"] < (start - timedelta(days=100)).timestamp()


async def test_slack_saying_time_in_past_is_tried_again_and_a_lost_channel_ends_it(
    fake_slack, parts, clock
):
    start = datetime.now(UTC) + timedelta(hours=2)
    await record(parts, start, daily=False)
    meeting = meeting_from_row(await parts.store.meeting(MEETING))
    await reminders.plan(parts, meeting, 10)
    fake_slack.script(
        "chat.scheduleMessage", SlackAnswer(body={"ok": False, "error": "time_in_past"})
    )
    await reminders.after_post(parts, MEETING)
    row = await parts.store.reminder(MEETING)
    assert row["state"] == "pending" and row["last_error"] == "time_in_past"
    clock[0] += reminders.MIN_LEAD + 1
    fake_slack.script(
        "chat.scheduleMessage", SlackAnswer(body={"ok": False, "error": "channel_not_found"})
    )
    assert await reminders.keep_up(parts) == 1
    assert (await parts.store.reminder(MEETING))["state"] == "done"
    assert fake_slack.scheduled_messages() == []


async def test_delete_and_reschedule(fake_slack, parts, clock):
    start = datetime.now(UTC) + timedelta(hours=3)
    await record(parts, start, daily=False)
    meeting = meeting_from_row(await parts.store.meeting(MEETING))
    await reminders.plan(parts, meeting, 15)
    await reminders.after_post(parts, MEETING)
    [one] = fake_slack.scheduled_messages()
    # Moved an hour later (the mover updates the row, then calls the hook).
    await parts.store.update_meeting(MEETING, start_time=iso(start + timedelta(hours=1)))
    await reminders.reschedule_reminders(parts, {"zoom_id": MEETING})
    [two] = fake_slack.scheduled_messages()
    assert two["id"] != one["id"]
    assert two["post_at"] == int((start + timedelta(minutes=45)).timestamp())
    assert await reminders.delete_reminders(parts, MEETING) is True
    assert fake_slack.scheduled_messages() == []
    assert await reminders.delete_reminders(parts, MEETING) is False  # twice is fine


async def test_a_channel_slack_calls_full_is_not_asked_again_for_the_same_minute(
    fake_slack, parts, clock, monkeypatch
):
    """Slack schedules at most 30 messages in a channel within 5 minutes: zoombot counts the
    ones it scheduled, so the 31st and 32nd reminders for the same minute are not asked for
    at all, and a deleted one makes room again."""
    monkeypatch.setattr(reminders, "budget", ChannelBudget())
    start = (datetime.now(UTC) + timedelta(hours=5)).replace(second=0, microsecond=0)
    ids = [MEETING + n for n in range(32)]
    for zoom_id in ids:
        await record(parts, start, daily=False, zoom_id=zoom_id)
        meeting = meeting_from_row(await parts.store.meeting(zoom_id))
        assert await reminders.plan(parts, meeting, 10)
        await reminders.after_post(parts, zoom_id)
    assert len(fake_slack.scheduled_messages()) == 30
    assert len(fake_slack.calls_to("chat.scheduleMessage")) == 30
    for zoom_id in ids[30:]:
        row = await parts.store.reminder(zoom_id)
        assert row["state"] == "done" and "restricted_too_many" in row["last_error"]
    # A meeting made now for that minute in that channel is planned without one.
    planned = reminders.to_do(meeting, 10, DEFAULT_CHANNEL)
    assert planned["state"] == "done" and "restricted_too_many" in planned["last_error"]
    assert reminders.to_do(meeting, 10, "C0ELSEWHERE")["state"] == "pending"
    assert await reminders.delete_reminders(parts, ids[0]) is True
    await record(parts, start, daily=False, zoom_id=MEETING + 99)
    meeting = meeting_from_row(await parts.store.meeting(MEETING + 99))
    await reminders.plan(parts, meeting, 10)
    await reminders.after_post(parts, MEETING + 99)
    assert len(fake_slack.calls_to("chat.scheduleMessage")) == 31
    assert (await parts.store.reminder(MEETING + 99))["state"] == "scheduled"


async def test_a_channel_others_filled_is_asked_once_then_believed(
    fake_slack, parts, clock, monkeypatch
):
    """Messages zoombot did not schedule (another app, an earlier run) fill the channel:
    Slack's refusal of the first reminder is believed for the same minute, so the second is
    not asked for."""
    monkeypatch.setattr(reminders, "budget", ChannelBudget())
    start = (datetime.now(UTC) + timedelta(hours=5)).replace(second=0, microsecond=0)
    other = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=5)
    post_at = int((start - timedelta(minutes=10)).timestamp())
    for n in range(30):
        await other.chat_scheduleMessage(channel=DEFAULT_CHANNEL, post_at=post_at, text=f"{n}")
    asked = len(fake_slack.calls_to("chat.scheduleMessage"))
    for zoom_id in (MEETING, MEETING + 1):
        await record(parts, start, daily=False, zoom_id=zoom_id)
        meeting = meeting_from_row(await parts.store.meeting(zoom_id))
        assert await reminders.plan(parts, meeting, 10)
        await reminders.after_post(parts, zoom_id)
        row = await parts.store.reminder(zoom_id)
        assert row["state"] == "done" and "restricted_too_many" in row["last_error"]
    assert len(fake_slack.calls_to("chat.scheduleMessage")) == asked + 1
