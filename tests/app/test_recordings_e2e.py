"""Recordings and summaries back in the meeting's thread, end to end: signed Zoom events at the
app (a subprocess) over HTTP, the summary fetched from the fake Zoom, the replies read from
the fake Slack. Each is posted once, however often Zoom repeats the event."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.app.live_support import Posted, make_meeting
from tests.app.support import eventually
from tests.conftest import wait_until_idle
from tests.fakes.app_process import AppProcess, make_app_env
from tests.fakes.slack_requests import SlackSender

SUMMARY = "/meetings/{meetingUUID}/meeting_summary"
SUMMARY_SCOPE = "meeting_summary:read:admin"


def thread_replies(fake_slack, posted: Posted) -> list[dict]:
    return [
        c.params
        for c in fake_slack.calls_to("chat.postMessage")
        if c.params.get("thread_ts") == posted.ts and c.status
    ]


def text_of(params: dict) -> str:
    blocks = params.get("blocks")
    return str(params.get("text")) + (blocks if isinstance(blocks, str) else json.dumps(blocks))


def settle(app: AppProcess, fake_zoom, events_url: str, body: dict) -> None:
    answer = fake_zoom.send_event(events_url, body)
    assert answer.status_code == 200
    wait_until_idle(app)


# -- the module's app: recordings on, summaries off (the defaults) --------------------------------


def test_a_recording_is_posted_in_the_thread_once_however_often_zoom_repeats_it(
    app, sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Design review")
    body = fake_zoom.complete_recording(posted.meeting_id, passcode="Rec*1234")
    events = app.url + "/zoom/events"
    assert fake_zoom.send_event(events, body).status_code == 200
    reply = eventually(lambda: next(iter(thread_replies(fake_slack, posted)), None))
    shown = text_of(reply)
    share_url = body["payload"]["object"]["share_url"]
    assert "recording of Design review is ready" in shown and share_url in shown
    assert "Rec*1234" in shown  # the meeting's passcode may be shown here (the default)
    assert reply["channel"] == posted.channel
    # The same delivery again, and the same recording sent anew (a new event_ts): no repeat.
    settle(app, fake_zoom, events, body)
    settle(app, fake_zoom, events, {**body, "event_ts": body["event_ts"] + 5000})
    assert len(thread_replies(fake_slack, posted)) == 1
    # The channel message itself is left as it was.
    assert fake_slack.calls_to("chat.update") == []
    assert "Rec*1234" not in app.logs()  # Slack's client logs what it sends: redacted


def test_summaries_are_off_by_default(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 4pm Retro")
    settle(app, fake_zoom, app.url + "/zoom/events", fake_zoom.complete_summary(posted.meeting_id))
    app.wait_for_log("ZOOMBOT_POST_SUMMARIES is off")
    assert thread_replies(fake_slack, posted) == []
    assert fake_zoom.requests_to(SUMMARY) == []


def test_events_for_meetings_zoombot_did_not_make_change_nothing(app, sender, fake_zoom):
    fake_zoom.add_user("someone@example.com")
    body = fake_zoom.event_body("recording.completed", 81234567890, share_url="https://x.test/r")
    settle(app, fake_zoom, app.url + "/zoom/events", body)
    app.wait_for_log("recording.completed meeting=81234567890: ignored: not a meeting")


# -- an app with summaries on and the passcode kept out of the channel -----------------------------


@pytest.fixture(scope="module")
def summaries_app(fake_slack_server, fake_zoom_server, tmp_path_factory) -> Iterator[AppProcess]:
    workdir = tmp_path_factory.mktemp("summaries")
    env = make_app_env(
        fake_slack_server,
        fake_zoom_server,
        workdir,
        ZOOMBOT_POST_SUMMARIES="true",
        ZOOMBOT_POST_PASSCODE="false",
    )
    process = AppProcess(env, cwd=workdir).start()
    yield process
    process.stop()


@pytest.fixture
def summaries_sender(summaries_app, fake_slack) -> Iterator[SlackSender]:
    with SlackSender(summaries_app.url, fake_slack.signing_secret, fake=fake_slack) as s:
        yield s
    wait_until_idle(summaries_app)


def with_summary_scope(fake_zoom) -> None:
    # The app holds a token issued before: revoked, so its next call gets one with the scope.
    fake_zoom.scopes = (*fake_zoom.scopes, SUMMARY_SCOPE)
    fake_zoom.revoke_tokens()


def test_a_summary_is_posted_collapsed_once(
    summaries_app, summaries_sender, fake_slack, fake_zoom, person
):
    with_summary_scope(fake_zoom)
    ana = person()
    posted = make_meeting(
        summaries_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 9am Plan"
    )
    body = fake_zoom.complete_summary(
        posted.meeting_id,
        overview="We chose the second design. " * 30,
        next_steps=("Ana drafts the spec", "Bo books the room", "Cy checks the budget", "Di"),
        details=(("Design", "The second design won on cost."),),
        uuid="/ab//runUuid==",  # Zoom asks for such a uuid to be encoded twice
    )
    events = summaries_app.url + "/zoom/events"
    assert fake_zoom.send_event(events, body).status_code == 200
    replies = eventually(
        lambda: (lambda found: found if len(found) >= 2 else None)(
            thread_replies(fake_slack, posted)
        ),
        what="the summary and its details in the thread",
    )
    short, full = text_of(replies[0]), text_of(replies[1])
    assert "Summary of Plan" in short and "Ana drafts the spec" in short
    assert "Di" not in short.split("Next steps")[1]  # only the first three steps up front
    assert "full summary is the next reply" in short
    assert "The second design won on cost." in full and "Cy checks the budget" in full
    assert len(fake_zoom.requests_to(SUMMARY)) == 1
    # Repeated, and sent anew: nothing more posted, nothing more fetched.
    settle(summaries_app, fake_zoom, events, body)
    settle(summaries_app, fake_zoom, events, {**body, "event_ts": body["event_ts"] + 1})
    assert len(thread_replies(fake_slack, posted)) == 2
    assert len(fake_zoom.requests_to(SUMMARY)) == 1


def test_without_the_summary_feature_one_quiet_log_line_and_nothing_posted(
    summaries_app, summaries_sender, fake_slack, fake_zoom, person
):
    fake_zoom.revoke_tokens()  # the scope is not among the fake's defaults
    ana = person()
    posted = make_meeting(
        summaries_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 10am Sync"
    )
    body = fake_zoom.complete_summary(posted.meeting_id)
    settle(summaries_app, fake_zoom, summaries_app.url + "/zoom/events", body)
    logs = summaries_app.wait_for_log("summary not posted: the Zoom account or app lacks")
    assert logs.count("summary not posted") == 1
    assert thread_replies(fake_slack, posted) == []


def test_a_summary_zoom_does_not_have_is_not_posted(
    summaries_app, summaries_sender, fake_slack, fake_zoom, person
):
    with_summary_scope(fake_zoom)
    ana = person()
    posted = make_meeting(
        summaries_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow noon Lunch"
    )
    body = fake_zoom.complete_summary(posted.meeting_id)
    body["payload"]["object"]["meeting_uuid"] = "aRunWithoutSummary=="
    settle(summaries_app, fake_zoom, summaries_app.url + "/zoom/events", body)
    summaries_app.wait_for_log(
        f"meeting.summary_completed meeting={posted.meeting_id}: summary not posted"
    )
    assert thread_replies(fake_slack, posted) == []


def test_the_recording_passcode_stays_out_of_a_channel_that_may_not_see_passcodes(
    summaries_app, summaries_sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(
        summaries_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 2pm Demo"
    )
    body = fake_zoom.complete_recording(posted.meeting_id, passcode="Sec-9876")
    assert fake_zoom.send_event(summaries_app.url + "/zoom/events", body).status_code == 200
    reply = eventually(lambda: next(iter(thread_replies(fake_slack, posted)), None))
    assert "Sec-9876" not in text_of(reply)
    assert "sent to <@" in text_of(reply)
    private = eventually(
        lambda: next(
            (
                c
                for c in fake_slack.calls_to("chat.postMessage")
                if c.params.get("channel") == ana.slack_id and "Sec-9876" in text_of(c.params)
            ),
            None,
        ),
        what="the passcode sent privately",
    )
    assert private is not None
    assert "Sec-9876" not in summaries_app.logs()
