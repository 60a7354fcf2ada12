"""Issue 11, "acknowledged means answered", from outside: every acknowledged request ends in
something its requester sees (their meeting, or a private sentence that nothing was made,
with a reference), across crashes, a locked store, demotions to guest and absurd forms."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.app.support import creates, eventually, posts_to, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import (
    SlackSender,
    block_actions,
    datetime_value,
    event_callback,
    plain_text_value,
    view_submission,
)


def database(app_env: dict[str, str]) -> str:
    return app_env["DATABASE_URL"].removeprefix("sqlite:///")


def request_rows(path: str) -> list[dict]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM requests ORDER BY created_at")]


# -- a crash between the ack and Zoom --------------------------------------------------------


def test_a_command_acknowledged_before_a_crash_is_answered_after_the_restart(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    env = {**app_env, "ZOOMBOT_RECONCILE_AFTER": "0"}
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        # Slack is slow to say who Ana is: the flow is still before Zoom when the app dies.
        fake_slack.latency = 5.0
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            trigger = fake_slack.new_trigger_id()
            acked = sender.command("tomorrow 3pm Crash review", ana.slack_id, trigger_id=trigger)
            assert acked.status_code == 200
            url = sender.last_response_url
            process.stop(sig=signal.SIGKILL)
            # Recorded before the ack, with where to answer; Zoom never asked.
            [row] = request_rows(database(app_env))
            assert row["state"] == "claimed" and row["create_started_at"] is None
            assert row["requester"] == ana.slack_id and row["response_url"] == url
            fake_slack.latency = 0.0
            process.start()
            told = fake_slack.wait_for_response(url, lambda b: "nothing was made" in b["text"])
            assert told["response_type"] == "ephemeral"
            assert "ZB-" in told["text"]
            assert "/zoom" in told["text"]  # how to try again
            assert creates(fake_zoom) == []
            # The key is free: the very same command (same trigger id) now goes through.
            eventually(
                lambda: request_rows(database(app_env))[0]["state"] == "failed",
                what="the key freed",
            )
            sender.command("tomorrow 3pm Crash review", ana.slack_id, trigger_id=trigger)
            wait_created(fake_zoom)
            eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
    finally:
        fake_slack.latency = 0.0
        process.stop()


def test_an_old_request_left_by_a_crash_is_answered_in_the_channel_privately(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    """Past the response_url's 30 minutes: an ephemeral message (or a DM) instead."""
    ana = person()
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        fake_slack.latency = 5.0
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            assert sender.command("tomorrow 3pm Old one", ana.slack_id).status_code == 200
        process.stop(sig=signal.SIGKILL)
        fake_slack.latency = 0.0
        with sqlite3.connect(database(app_env)) as db:
            db.execute("UPDATE requests SET created_at = created_at - 3600")
        process.start()
        private = eventually(
            lambda: [
                c
                for c in fake_slack.calls
                if c.method in ("chat.postEphemeral", "chat.postMessage")
                and ana.slack_id in (c.params.get("user"), c.params.get("channel"))
                and "nothing was made" in json.dumps(c.params)
            ],
            what="the private answer",
        )
        assert private[0].status == 200
        assert fake_slack.responses() == []  # the expired response_url was not used
        assert creates(fake_zoom) == []
    finally:
        fake_slack.latency = 0.0
        process.stop()


def test_a_store_that_cannot_be_written_is_a_refusal_with_a_reference(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    process = AppProcess({**app_env, "ZOOMBOT_SLACK_TIMEOUT": "20"}, cwd=tmp_path).start()
    lock = sqlite3.connect(database(app_env), isolation_level=None, timeout=10)
    try:
        with SlackSender(
            process.url, fake_slack.signing_secret, fake=fake_slack, timeout=20
        ) as sender:
            # Another writer holds the database: every write fails ("database is locked").
            lock.execute("BEGIN EXCLUSIVE")
            acked = sender.command("tomorrow 3pm Locked out", ana.slack_id)
            assert acked.status_code == 200
            told = fake_slack.wait_for_response(
                sender.last_response_url,
                lambda b: "cannot save anything" in b.get("text", ""),
                timeout=20,
            )
            assert "nothing was created" in told["text"] and "ZB-" in told["text"]
            assert creates(fake_zoom) == []
    finally:
        lock.close()
        process.stop()
    assert "Traceback" not in process.logs()


# -- guests ----------------------------------------------------------------------------------


def refused_as_guest(fake_slack, url: str) -> bool:
    return any("Guests" in b.get("text", "") for b in fake_slack.responses(url))


def test_a_user_made_a_guest_is_refused_within_the_guest_check_age(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    process = AppProcess({**app_env, "ZOOMBOT_GUEST_CHECK_AGE": "1"}, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("tomorrow 3pm Before", ana.slack_id)
            wait_created(fake_zoom)
            # Demoted in Slack; no event reaches the app.
            fake_slack.add_user(ana.slack_id, name=ana.name, email=ana.email, is_restricted=True)
            deadline = time.monotonic() + 10
            while True:
                sender.command("tomorrow 4pm After", ana.slack_id)
                url = sender.last_response_url
                answered = eventually(
                    lambda: fake_slack.responses(url), what="an answer", timeout=10
                )
                if refused_as_guest(fake_slack, url):
                    break
                assert "Guests" not in json.dumps(answered)
                assert time.monotonic() < deadline, "still creating meetings as a guest"
    finally:
        process.stop()


def test_a_user_change_event_makes_a_guest_refused_at_once(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    # The default check age (60 s): only the event can make the next command a refusal.
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("tomorrow 3pm Before", ana.slack_id)
            wait_created(fake_zoom)
            demoted = fake_slack.add_user(
                ana.slack_id, name=ana.name, email=ana.email, is_restricted=True
            )
            assert sender.event({"type": "user_change", "user": demoted}).status_code == 200
            eventually(lambda: "event:user_change" in process.logs(), what="the event handled")
            sender.command("tomorrow 4pm After", ana.slack_id)
            eventually(
                lambda: refused_as_guest(fake_slack, sender.last_response_url),
                what="the refusal",
            )
            assert len(creates(fake_zoom)) == 1
    finally:
        process.stop()


def test_a_malformed_user_change_event_is_ignored(sender, fake_slack, person):
    for user in (None, "U123", {"name": "no id"}, [1, 2]):
        body = event_callback({"type": "user_change", "user": user})
        assert sender.event(body).status_code == 200


# -- absurd form values ----------------------------------------------------------------------


def open_form(sender, fake_slack, who) -> dict:
    sender.command("schedule", who.slack_id)
    fake_slack.wait_for("views.open")
    return fake_slack.last_view()


def submitted_values(view: dict, **overrides: dict) -> dict:
    """The form's state as Slack would send it, with `overrides` by block id."""
    from tests.fakes.slack_requests import view_state

    values = view_state(view, {"topic": "Absurd", "start": int(time.time()) + 86400})
    for block, element in overrides.items():
        values[block] = {"value": element}
    return values


ABSURD = {
    "start is letters": {"start": {**datetime_value(None), "selected_date_time": "abc"}},
    "start is 1e20": {"start": {**datetime_value(None), "selected_date_time": 1e20}},
    "start is negative": {"start": {**datetime_value(None), "selected_date_time": -5}},
    "start is a list": {"start": {**datetime_value(None), "selected_date_time": [1]}},
    "duration of 25 h": {
        "duration": {
            "type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "1500"},
        }
    },
    "duration of 10^30": {
        "duration": {
            "type": "static_select",
            "selected_option": {"value": "1" + "0" * 30},
        }
    },
}


@pytest.mark.parametrize("values", ABSURD.values(), ids=ABSURD.keys())
def test_absurd_form_values_are_field_errors(sender, fake_slack, fake_zoom, person, values):
    ana = person()
    view = open_form(sender, fake_slack, ana)
    payload = view_submission(user=ana.slack_id, view=view, values=submitted_values(view, **values))
    answer = sender.interactive(payload)
    assert answer.status_code == 200
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) & {"start", "duration"}
    assert creates(fake_zoom) == []


@pytest.mark.parametrize(
    "state",
    [
        {"values": []},
        {"values": "abc"},
        {"values": {"topic": "x", "start": [1, 2]}},
        {"values": {"topic": {"value": 5}}},
        "not a state",
        None,
    ],
    ids=["list", "string", "blocks-not-dicts", "element-not-dict", "state-string", "none"],
)
def test_state_values_of_the_wrong_type_are_field_errors(
    sender, fake_slack, fake_zoom, person, state
):
    ana = person()
    view = open_form(sender, fake_slack, ana)
    payload = view_submission(user=ana.slack_id, view=view, values={})
    payload["view"]["state"] = state
    answer = sender.interactive(payload)
    assert answer.status_code == 200
    assert answer.json()["response_action"] == "errors"
    assert creates(fake_zoom) == []


def test_a_nul_in_the_topic_never_reaches_zoom(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_form(sender, fake_slack, ana)
    values = submitted_values(view, topic=plain_text_value("Plan\x00ning\x1b[31m"))
    answer = sender.interactive(view_submission(user=ana.slack_id, view=view, values=values))
    assert answer.status_code == 200
    [create] = wait_created(fake_zoom)
    assert "\x00" not in json.dumps(create.body) and "\x1b" not in json.dumps(create.body)
    assert create.body["topic"] == "Planning[31m"


def test_a_topic_of_only_control_characters_is_a_field_error(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_form(sender, fake_slack, ana)
    values = submitted_values(view, topic=plain_text_value("\x00\x00\x07"))
    answer = sender.interactive(view_submission(user=ana.slack_id, view=view, values=values))
    assert answer.json() == {
        "response_action": "errors",
        "errors": {"topic": "Give the meeting a topic."},
    }
    assert creates(fake_zoom) == []


@pytest.mark.parametrize("actions", [[], None, "x", [{}], [{"action_id": 5}]])
def test_block_actions_with_no_usable_action_are_not_an_error(
    sender, app, fake_slack, fake_zoom, person, actions
):
    ana = person()
    payload = block_actions(user=ana.slack_id, actions=[])
    payload["actions"] = actions
    answer = sender.interactive(payload)
    assert answer.status_code < 500
    assert creates(fake_zoom) == []


# -- the flow's own past-start check ---------------------------------------------------------


def test_a_start_that_passed_while_the_flow_ran_is_refused(sender, fake_slack, fake_zoom, person):
    """The form accepts a start up to a minute ago (the picker has minutes, the person took
    their time); by the time the flow has read who the person is (Slack slow here) it is more
    than a minute ago, and the flow itself refuses: no meeting in the past reaches Zoom."""
    member, ana = person(), person()
    # Opened by someone else: Ana's profile is first read by the flow itself.
    view = open_form(sender, fake_slack, member)
    start = int(time.time()) - 55
    values = submitted_values(view, start=datetime_value(start))
    fake_slack.latency = 6.0  # users.info: the flow's clock moves past the minute
    try:
        answer = sender.interactive(view_submission(user=ana.slack_id, view=view, values=values))
        assert answer.status_code == 200 and not answer.content.strip(b"{} ")  # accepted
        eventually(
            lambda: "already passed" in json.dumps(fake_slack.responses()),
            what="the refusal",
            timeout=20,
        )
    finally:
        fake_slack.latency = 0.0
    assert creates(fake_zoom) == []
    assert "ZB-" in json.dumps(fake_slack.responses())
