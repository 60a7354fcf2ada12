"""`/zoom me` end to end (issue 16): the requester's personal meeting room from Zoom
(`GET /users/{id}`: `pmi`, `personal_meeting_url`), and the Home tab preference that makes
`/zoom now` post it instead of creating an instant meeting."""

from __future__ import annotations

import json

from tests.app.support import creates, eventually, posts_to, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import block_actions
from tests.openapi import validate_response


def room_post(fake_slack, pmi: int):
    return eventually(
        lambda: next(
            (
                p
                for p in posts_to(fake_slack, DEFAULT_CHANNEL)
                if "personal room" in json.dumps(p.params)
            ),
            None,
        ),
        what="the personal room card",
    )


def test_me_posts_the_personal_room(sender, fake_slack, fake_zoom, person):
    ana = person()
    user = fake_zoom.users[ana.zoom_id]
    validate_response("user", "200", user)
    sender.command("me", ana.slack_id)
    body = json.dumps(room_post(fake_slack, user["pmi"]).params)
    url = user["personal_meeting_url"]
    assert url.split("?")[0] in body
    assert not creates(fake_zoom)


def test_me_without_a_zoom_account_says_so(sender, fake_slack, person):
    bo = person(zoom=False)
    sender.command("me", bo.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url)
    assert "personal room" in json.dumps(answer)
    assert not posts_to(fake_slack, DEFAULT_CHANNEL)


def choose_personal_room(sender, fake_slack, user: str, on: bool) -> None:
    option = {"text": {"type": "plain_text", "text": "x"}, "value": "use_pmi"}
    payload = block_actions(
        user=user,
        actions=[
            {
                "type": "checkboxes",
                "action_id": "pref_personal_room",
                "block_id": "pref_personal_room_block",
                "selected_options": [option] if on else [],
            }
        ],
        view={"id": "V0HOME", "type": "home"},
    )
    assert sender.interactive(payload).status_code == 200


def test_the_home_preference_makes_now_post_the_personal_room(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    choose_personal_room(sender, fake_slack, ana.slack_id, True)
    home = eventually(
        lambda: [
            c
            for c in fake_slack.calls_to("views.publish")
            if "pref_personal_room" in json.dumps(c.params)
            and "initial_options" in json.dumps(c.params)
        ],
        what="the Home tab with the box ticked",
    )
    assert home
    sender.command("now", ana.slack_id)
    room_post(fake_slack, fake_zoom.users[ana.zoom_id]["pmi"])
    assert not creates(fake_zoom)
    # Unticked: `/zoom now` creates an instant meeting again.
    choose_personal_room(sender, fake_slack, ana.slack_id, False)
    eventually(lambda: len(fake_slack.calls_to("views.publish")) >= 2, what="second publish")
    sender.command("now", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.body["type"] == 1
