"""The pure parts of the Slack Call card (bot/render/calls.py): calls.add's arguments, the
people of a call, its block in the meeting's message, its duration; and when calls are
registered at all (`follows_zoom`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.flows.calls import follows_zoom
from bot.render import calls
from bot.render import meeting as rendered
from bot.store import rows
from tests.app.test_live_rendering import meeting, settings
from zoom import Participant

STARTED = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
JOIN = "https://zoom.example/j/81234567890?pwd=abc&uname=x"


def row(**changes) -> dict:
    base = {
        "zoom_id": 81234567890,
        "topic": "Design review",
        "requester": "U0ANA",
        "join_url": JOIN,
        "show_passcode": 1,
    }
    return {**base, **changes}


def test_calls_add_arguments_name_the_meeting_and_who_asked():
    args = calls.call_arguments(row(), started=STARTED, run=1)
    assert args.as_kwargs() == {
        "external_unique_id": "81234567890",
        "join_url": JOIN,
        "title": "Design review",
        "created_by": "U0ANA",
        "date_start": int(STARTED.timestamp()),
        "external_display_id": "812 3456 7890",
    }


def test_the_join_url_hides_the_passcode_when_the_message_does():
    args = calls.call_arguments(row(show_passcode=0), started=STARTED, run=1)
    assert "pwd" not in args.join_url and "uname=x" in args.join_url


def test_a_later_run_gets_an_id_of_its_own():
    assert calls.external_id(81234567890, 1) == "81234567890"
    assert calls.external_id(81234567890, 2) == "81234567890-2"
    assert calls.call_arguments(row(topic=None), started=STARTED, run=3).title == "Zoom meeting"


def test_a_person_is_a_slack_user_or_an_external_one():
    ana = Participant(user_id="16000001", user_name="Ana", participant_uuid="P-1", email="a@x")
    assert calls.call_user(ana, "U0ANA") == {"slack_id": "U0ANA"}
    assert calls.call_user(ana, None) == {"external_id": "P-1", "display_name": "Ana"}
    nameless = Participant(user_id="16000002", user_name="  ")
    assert calls.call_user(nameless, None) == {"external_id": "16000002", "display_name": "Guest"}
    long = Participant(user_id="1", user_name="x" * 500)
    assert len(calls.call_user(long, None)["display_name"]) == calls.MAX_DISPLAY_NAME


def test_duration_in_whole_seconds_never_negative():
    assert calls.duration_seconds(STARTED, STARTED + timedelta(minutes=25, seconds=3)) == 1503
    assert calls.duration_seconds(STARTED, STARTED - timedelta(seconds=5)) == 0
    assert calls.duration_seconds(None, STARTED) is None


def test_the_message_carries_the_call_last_and_not_once_cancelled():
    m = meeting()
    stored = rows.meeting_columns(m, host_name="Ana", show_passcode=True)
    base = {"zoom_id": m.id, "requester": "U0ANA", **stored}
    now = STARTED
    plain = rendered.render_meeting(settings(), m, {**base, "status": "live"}, 2, now)
    with_call = rendered.render_meeting(
        settings(), m, {**base, "status": "live"}, 2, now, call_id="R0CALL"
    )
    assert with_call["blocks"] == [*plain["blocks"], {"type": "call", "call_id": "R0CALL"}]
    assert with_call["text"] == plain["text"]
    cancelled = rendered.render_meeting(
        settings(), m, {**base, "status": "cancelled"}, None, now, call_id="R0CALL"
    )
    assert all(b["type"] != "call" for b in cancelled["blocks"])
    assert calls.with_call(plain, None) is plain


def test_calls_only_when_zoom_events_reach_the_app():
    assert not follows_zoom(settings())
    assert follows_zoom(settings(zoom_webhook_secret_token="s"))
    assert follows_zoom(settings(zoom_events="websocket"))
    assert follows_zoom(settings(zoom_oauth_webhook_secret_token="s"))
    assert not follows_zoom(settings(zoom_events="websocket", zoom_account_id=""))
