"""Meetings that require registration, end to end over HTTP: made from the modal, the channel
message shows Register instead of the join link, Slack users register through it and get
their own link privately (at once, or once the host approves them from the thread)."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.app.live_support import action_ids, blocks_of
from tests.app.support import eventually, posts_to, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import block_actions, view_submission
from tests.openapi import validate_request

REGISTRANTS = "/meetings/{meetingId}/registrants"
STATUS = "/meetings/{meetingId}/registrants/status"
QUESTIONS = "/meetings/{meetingId}/registrants/questions"


def schedule_with_registration(
    sender, fake_slack, fake_zoom, user: str, approval: str, **fill: Any
) -> tuple[int, dict]:
    """Make a meeting from the modal with "Require registration" set to `approval`; returns
    its id and its channel post's params (once the post is in the channel)."""
    sender.command("schedule", user)
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    payload = view_submission(
        user=user,
        view=view,
        fill={
            "topic": "Town hall",
            "start": int(time.time()) + 86400,
            "registration": approval,
            **fill,
        },
    )
    assert sender.interactive(payload).status_code == 200
    [create] = wait_created(fake_zoom)
    meeting_id = eventually(lambda: next(iter(fake_zoom.meetings), None))
    post = eventually(
        lambda: next(
            (p for p in posts_to(fake_slack, DEFAULT_CHANNEL) if str(meeting_id) in str(p.params)),
            None,
        ),
        what="the channel post",
    )
    validate_request("meetingCreate", create.body)
    return int(meeting_id), post


def channel_ts(fake_slack, meeting_id: int) -> str:
    message = next(
        m
        for m in fake_slack.channel_messages(DEFAULT_CHANNEL)
        if str(meeting_id) in json.dumps(m.get("blocks"))
    )
    return message["ts"]


def press(sender, fake_slack, user: str, action_id: str, value: str, ts: str) -> str:
    """Press a button as `user` on message `ts`; returns the response_url of the press."""
    response_url = fake_slack.new_response_url()
    payload = block_actions(
        user=user,
        actions=[{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
        channel=DEFAULT_CHANNEL,
        message={"type": "message", "ts": ts, "text": ""},
        response_url=response_url,
    )
    payload["container"] = {"type": "message", "message_ts": ts, "channel_id": DEFAULT_CHANNEL}
    assert sender.interactive(payload).status_code == 200
    return response_url


def private_to(fake_slack, url: str, needle: str) -> str:
    body = fake_slack.wait_for_response(url, lambda b: needle in json.dumps(b), timeout=8)
    return json.dumps(body)


def approval_requests(fake_slack, ts: str) -> list[dict]:
    return [
        c.params
        for c in fake_slack.calls_to("chat.postMessage")
        if c.params.get("thread_ts") == ts and "approve_registrant" in json.dumps(c.params)
    ]


def said_to(fake_slack, user: str, needle: str) -> bool:
    for method in ("chat.postEphemeral", "chat.postMessage"):
        for call in fake_slack.calls_to(method):
            target = call.params.get("user") if method == "chat.postEphemeral" else None
            target = target or call.params.get("channel")
            if target == user and needle in json.dumps(call.params):
                return True
    return False


def test_manual_approval_two_register_and_the_host_approves_one(
    sender, fake_slack, fake_zoom, person
):
    ana, bo, cy = person(), person(), person()
    meeting_id, post = schedule_with_registration(
        sender,
        fake_slack,
        fake_zoom,
        ana.slack_id,
        "manual",
        registration_questions="Your team?\nWhat should we cover?",
    )
    assert fake_zoom.meetings[meeting_id]["settings"]["approval_type"] == 1
    ids = action_ids(blocks_of(post.params))
    assert "register_meeting" in ids and "join_meeting" not in ids
    join_url = fake_zoom.meetings[meeting_id]["join_url"]
    assert join_url.split("?")[0] not in json.dumps(post.params)
    questions = eventually(lambda: fake_zoom.registrant_questions(meeting_id))
    assert [q["title"] for q in questions["custom_questions"]] == [
        "Your team?",
        "What should we cover?",
    ]
    validate_request("meetingRegistrantQuestionUpdate", fake_zoom.requests_to(QUESTIONS)[0].body)
    ts = channel_ts(fake_slack, meeting_id)

    # Two people register: each waits, privately told so; the thread asks the host.
    for someone in (bo, cy):
        url = press(sender, fake_slack, someone.slack_id, "register_meeting", str(meeting_id), ts)
        assert "waiting for the host" in private_to(fake_slack, url, "waiting")
    people = {p["email"]: p for p in fake_zoom.registrants(meeting_id)}
    assert set(people) == {bo.email, cy.email}
    assert {p["status"] for p in people.values()} == {"pending"}
    for call in fake_zoom.requests_to(REGISTRANTS, "POST"):
        validate_request("meetingRegistrantCreate", call.body)
    requests = eventually(
        lambda: (lambda r: r if len(r) == 2 else None)(approval_requests(fake_slack, ts))
    )
    bo_request = next(r for r in requests if bo.slack_id in json.dumps(r))
    value = next(
        e["value"]
        for b in blocks_of(bo_request)
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "approve_registrant"
    )
    request_ts = next(
        m["ts"]
        for m in fake_slack.channel_messages(DEFAULT_CHANNEL)
        if "approve_registrant" in json.dumps(m.get("blocks")) and bo.slack_id in json.dumps(m)
    )

    # Cy may not approve (not the requester, not the host); Ana may.
    url = press(sender, fake_slack, cy.slack_id, "approve_registrant", value, request_ts)
    assert "Only the person who created" in private_to(fake_slack, url, "Only")
    assert fake_zoom.requests_to(STATUS) == []
    press(sender, fake_slack, ana.slack_id, "approve_registrant", value, request_ts)
    eventually(lambda: said_to(fake_slack, bo.slack_id, "tk="), what="Bo's own link, privately")
    statuses = {p["email"]: p["status"] for p in fake_zoom.registrants(meeting_id)}
    assert statuses == {bo.email: "approved", cy.email: "pending"}
    validate_request("meetingRegistrantStatus", fake_zoom.requests_to(STATUS, "PUT")[0].body)
    updated = eventually(
        lambda: next(
            (
                c
                for c in fake_slack.calls_to("chat.update")
                if c.params.get("ts") == request_ts and "was approved" in json.dumps(c.params)
            ),
            None,
        ),
        what="the approval message updated",
    )
    assert "approve_registrant" not in json.dumps(updated.params)
    assert not said_to(fake_slack, cy.slack_id, "tk=")


def test_automatic_approval_gives_the_link_at_once_and_only_once(
    app, sender, fake_slack, fake_zoom, person
):
    ana, bo = person(), person()
    meeting_id, _ = schedule_with_registration(
        sender, fake_slack, fake_zoom, ana.slack_id, "automatic"
    )
    assert fake_zoom.meetings[meeting_id]["settings"]["approval_type"] == 0
    ts = channel_ts(fake_slack, meeting_id)
    url = press(sender, fake_slack, bo.slack_id, "register_meeting", str(meeting_id), ts)
    note = private_to(fake_slack, url, "tk=")
    [registrant] = fake_zoom.registrants(meeting_id)
    assert registrant["status"] == "approved" and registrant["join_url"] in note
    assert approval_requests(fake_slack, ts) == []
    # Pressed again: the same link, no second registration.
    url = press(sender, fake_slack, bo.slack_id, "register_meeting", str(meeting_id), ts)
    assert registrant["join_url"] in private_to(fake_slack, url, "tk=")
    assert len(fake_zoom.requests_to(REGISTRANTS, "POST")) == 1
    token = registrant["join_url"].split("tk=")[1]
    assert token not in app.logs()  # their own link is redacted from every log line


def test_a_series_can_require_registration_for_each_occurrence(
    sender, fake_slack, fake_zoom, person
):
    ana, bo = person(), person()
    meeting_id, _ = schedule_with_registration(
        sender,
        fake_slack,
        fake_zoom,
        ana.slack_id,
        "automatic",
        repeat="weekly",
        registration_each=["each_occurrence"],
    )
    settings = fake_zoom.meetings[meeting_id]["settings"]
    assert settings["registration_type"] == 2
    ts = channel_ts(fake_slack, meeting_id)
    url = press(sender, fake_slack, bo.slack_id, "register_meeting", str(meeting_id), ts)
    private_to(fake_slack, url, "tk=")
    [call] = fake_zoom.requests_to(REGISTRANTS, "POST")
    first = fake_zoom.meetings[meeting_id]["occurrences"][0]["occurrence_id"]
    assert call.query.get("occurrence_ids") == first


def test_a_meeting_without_registration_keeps_its_join_button(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    _, post = schedule_with_registration(sender, fake_slack, fake_zoom, ana.slack_id, "off")
    ids = action_ids(blocks_of(post.params))
    assert "join_meeting" in ids and "register_meeting" not in ids


def test_a_zoom_refusal_is_a_private_sentence_in_registration_words(
    sender, fake_slack, fake_zoom, person
):
    from tests.fakes.zoom import Answer

    ana, bo = person(), person()
    meeting_id, _ = schedule_with_registration(
        sender, fake_slack, fake_zoom, ana.slack_id, "automatic"
    )
    fake_zoom.script(
        "POST",
        REGISTRANTS,
        Answer(status=400, body={"code": 3043, "message": "Meeting has reached capacity."}),
    )
    ts = channel_ts(fake_slack, meeting_id)
    url = press(sender, fake_slack, bo.slack_id, "register_meeting", str(meeting_id), ts)
    said = private_to(fake_slack, url, "not registered")
    assert "tk=" not in said
    assert fake_zoom.registrants(meeting_id) == []
