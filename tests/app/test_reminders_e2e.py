"""Reminders end to end over real HTTP, the app as a subprocess: scheduled in Slack
(`chat.scheduleMessage`) in the meeting's thread when the meeting is posted, 10 minutes
before by default, the person's Home tab choice, the modal's override; deleted when the
meeting is cancelled; a series' next start's; and kept (once) across restarts."""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.app.live_support import make_meeting
from tests.app.support import eventually, posts_to, wait_created
from tests.app.test_app_home import home_action, published
from tests.app.test_modal_e2e import in_a_day, open_modal
from tests.conftest import wait_until_idle
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL, SlackAnswer
from tests.fakes.slack_requests import SlackSender, view_submission


def start_of(fake_zoom, meeting_id: int) -> datetime:
    text = fake_zoom.meetings[meeting_id]["start_time"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def scheduled(fake_slack, count: int = 1) -> list[dict]:
    return eventually(
        lambda: (
            found if len(found := fake_slack.scheduled_messages(DEFAULT_CHANNEL)) >= count else None
        ),
        what=f"{count} scheduled reminder(s)",
    )


def blocks(message: dict) -> list[dict]:
    value = message.get("blocks")
    return json.loads(value) if isinstance(value, str) else list(value or [])


def test_a_meeting_gets_a_reminder_ten_minutes_before_in_its_thread(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Roadmap")
    [reminder] = scheduled(fake_slack)
    start = start_of(fake_zoom, posted.meeting_id)
    assert reminder["post_at"] == int((start - timedelta(minutes=10)).timestamp())
    assert reminder["thread_ts"] == posted.ts
    assert reminder["reply_broadcast"] is True  # the first one is shown in the channel too
    assert "Roadmap" in reminder["text"] and "10 minutes" in reminder["text"]
    [button] = [e for b in blocks(reminder) if b["type"] == "actions" for e in b["elements"]]
    assert button["text"]["text"] == "Join"
    assert str(posted.meeting_id) in button["url"]
    # The same link as the channel message's Join (with its passcode only where that shows it).
    message = fake_slack.message(posted.channel, posted.ts)
    [join] = [
        e
        for b in blocks(message)
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "join_meeting"
    ]
    assert button["url"] == join["url"]
    assert fake_zoom.meetings[posted.meeting_id]["start_url"] not in json.dumps(reminder)


def test_the_home_tab_choice_of_thirty_minutes_applies_to_the_next_meeting(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    home_action(
        sender,
        ana.slack_id,
        {
            "type": "static_select",
            "action_id": "pref_reminder",
            "block_id": "pref_reminder_block",
            "selected_option": {"text": {"type": "plain_text", "text": "30"}, "value": "30"},
        },
    )
    view = published(fake_slack, ana.slack_id)
    select = next(b for b in view["blocks"] if b.get("block_id") == "pref_reminder_block")
    assert select["accessory"]["initial_option"]["value"] == "30"
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 4pm Planning")
    [reminder] = scheduled(fake_slack)
    start = start_of(fake_zoom, posted.meeting_id)
    assert reminder["post_at"] == int((start - timedelta(minutes=30)).timestamp())
    assert "30 minutes" in reminder["text"]


def test_the_modal_can_turn_the_reminder_off_for_one_meeting(
    app, sender, fake_slack, fake_zoom, person
):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id, "Retro")
    assert any(b.get("block_id") == "reminder" for b in view["blocks"])
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={"topic": "Retro", "start": in_a_day(), "reminder": "0"},
    )
    assert sender.interactive(payload).status_code == 200
    wait_created(fake_zoom)
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
    eventually(
        lambda: [r for r in fake_slack.responses() if "Created" in str(r.get("text"))],
        what="the confirmation",
    )
    wait_until_idle(app)  # the reminder would have been scheduled by now
    assert fake_slack.calls_to("chat.scheduleMessage") == []
    assert fake_slack.scheduled_messages() == []


def test_the_modal_override_of_fifteen_minutes(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id, "Sync")
    start = in_a_day()
    payload = view_submission(
        user=ana.slack_id, view=view, fill={"topic": "Sync", "start": start, "reminder": "15"}
    )
    assert sender.interactive(payload).status_code == 200
    [reminder] = scheduled(fake_slack)
    assert reminder["post_at"] == start // 60 * 60 - 15 * 60


def test_cancelling_deletes_the_scheduled_reminder(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Doomed")
    [reminder] = scheduled(fake_slack)
    sender.command(f"cancel {posted.meeting_id}", ana.slack_id)
    eventually(lambda: fake_slack.scheduled_messages() == [], what="the reminder deleted")
    [call] = fake_slack.calls_to("chat.deleteScheduledMessage")
    assert call.params["scheduled_message_id"] == reminder["id"]


def test_a_meeting_deleted_in_zoom_loses_its_reminder(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Gone")
    scheduled(fake_slack)
    event = fake_zoom.cancel_meeting(posted.meeting_id)
    assert fake_zoom.send_event(app.url + "/zoom/events", event).status_code == 200
    eventually(lambda: fake_slack.scheduled_messages() == [], what="the reminder deleted")


def test_a_series_gets_its_next_starts_reminder_when_the_first_is_too_close(
    sender, fake_slack, fake_zoom, person
):
    ana = person(tz="America/Denver")
    soon = (datetime.now(ZoneInfo("America/Denver")) + timedelta(minutes=6)).replace(
        second=0, microsecond=0
    )
    clock = soon.strftime("%-I:%M%p").lower()
    posted = make_meeting(
        sender, fake_slack, fake_zoom, ana.slack_id, f"every day at {clock} Standup"
    )
    [reminder] = scheduled(fake_slack)
    first = start_of(fake_zoom, posted.meeting_id)
    assert first == soon.astimezone(UTC)
    # Ten minutes before the first start has passed: the reminder is the next day's.
    assert reminder["post_at"] == int((first + timedelta(days=1, minutes=-10)).timestamp())
    assert reminder["thread_ts"] == posted.ts


def test_a_reminder_survives_a_restart_and_one_cut_short_is_scheduled_at_the_next_start(
    app_env, tmp_path, fake_slack, fake_zoom, person
):
    ana = person()
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Kept")
            [kept] = scheduled(fake_slack)
            # The next one: Slack is slow to answer chat.scheduleMessage, and the app is
            # killed meanwhile: the post is made, the reminder is not.
            fake_slack.script(
                "chat.scheduleMessage",
                SlackAnswer(body={"ok": False, "error": "internal_error"}, delay=30),
            )
            sender.command("tomorrow 5pm Cut short", ana.slack_id)
            eventually(
                lambda: len(fake_slack.calls_to("chat.scheduleMessage")) >= 2,
                what="the second chat.scheduleMessage on its way",
            )
        process.stop(signal.SIGKILL)
        assert [m["id"] for m in fake_slack.scheduled_messages()] == [kept["id"]]
        process.start()
        both = scheduled(fake_slack, 2)
        assert kept["id"] in [m["id"] for m in both]
        assert {m["text"].split(" starts")[0] for m in both} == {
            "Reminder: Kept",
            "Reminder: Cut short",
        }
        # And a restart schedules nothing twice.
        process.stop()
        process.start()
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("tomorrow 6pm Third", ana.slack_id)
            scheduled(fake_slack, 3)
        assert len(fake_slack.scheduled_messages()) == 3
    finally:
        process.stop()


def test_a_reminder_scheduled_then_moved_then_deleted(app, sender, fake_slack, fake_zoom, person):
    """The meeting moves in Zoom (`meeting.updated`; bot/flows/reminders.py's
    `reschedule_reminders` is also the hook a move from Slack calls), then is cancelled."""
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Moving")
    [first] = scheduled(fake_slack)
    moved = (datetime.now(UTC) + timedelta(days=3)).replace(
        hour=17, minute=30, second=0, microsecond=0
    )
    body = fake_zoom.event_body(
        "meeting.updated", posted.meeting_id, start_time=moved.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    assert fake_zoom.send_event(app.url + "/zoom/events", body).status_code == 200
    want = int((moved - timedelta(minutes=10)).timestamp())

    def moved_reminder() -> list[dict] | None:
        found = fake_slack.scheduled_messages()
        return found if [m["post_at"] for m in found] == [want] else None

    [second] = eventually(moved_reminder, what="the reminder moved")
    assert second["id"] != first["id"] and second["thread_ts"] == posted.ts
    [deleted] = fake_slack.calls_to("chat.deleteScheduledMessage")
    assert deleted.params["scheduled_message_id"] == first["id"]
    sender.command(f"cancel {posted.meeting_id}", ana.slack_id)
    eventually(lambda: fake_slack.scheduled_messages() == [], what="the reminder deleted")


def test_the_workspace_default_set_by_the_admin(app_env, tmp_path, fake_slack, fake_zoom, person):
    """ZOOMBOT_DEFAULT_REMINDER: 0 turns reminders off for whoever chose nothing; a person's
    own Home tab choice still applies."""
    ana, ben = person(), person()
    env = {**app_env, "ZOOMBOT_DEFAULT_REMINDER": "0"}
    with AppProcess(env, cwd=tmp_path) as process:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Quiet")
            home_action(
                sender,
                ben.slack_id,
                {
                    "type": "static_select",
                    "action_id": "pref_reminder",
                    "block_id": "pref_reminder_block",
                    "selected_option": {"text": {"type": "plain_text", "text": "5"}, "value": "5"},
                },
            )
            published(fake_slack, ben.slack_id)
            posted = make_meeting(sender, fake_slack, fake_zoom, ben.slack_id, "tomorrow 4pm Ben")
            [reminder] = scheduled(fake_slack)
        wait_until_idle(process)
    assert reminder["thread_ts"] == posted.ts and "Ben" in reminder["text"]
    start = start_of(fake_zoom, posted.meeting_id)
    assert reminder["post_at"] == int((start - timedelta(minutes=5)).timestamp())
    assert len(fake_slack.calls_to("chat.scheduleMessage")) == 1  # none asked for Ana's
