"""`/zoom me` end to end (issue 16): the requester's personal meeting room from Zoom
(`GET /users/{id}`: `pmi`, `personal_meeting_url`), and the Home tab preference that makes
`/zoom now` post it instead of creating an instant meeting."""

from __future__ import annotations

import json

from tests.app.support import creates, eventually, posts_to, wait_created
from tests.app.test_connect_zoom_e2e import oauth_only_app  # noqa: F401 - a fixture
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


def test_with_only_connected_accounts_me_and_join_use_the_persons_own_zoom(
    oauth_only_app,  # noqa: F811 - the fixture imported above
    fake_slack,
    fake_zoom,
    person,
) -> None:
    """No account app (issue 14's "Connect your Zoom" alone): `/zoom me` asks Zoom as the
    person (`GET /users/me`), and `/zoom join` looks their meeting up with their token."""
    from tests.app.test_connect_zoom_e2e import connect, said_to
    from tests.fakes.slack_requests import SlackSender

    dee = person(zoom=False)
    user = fake_zoom.add_user("dee@example.net")
    with SlackSender(oauth_only_app.url, fake_slack.signing_secret, fake=fake_slack) as slack:
        slack.command("me", dee.slack_id)
        said_to(fake_slack, dee.slack_id, "connect")
        connect(slack, fake_slack, fake_zoom, dee.slack_id, "dee@example.net")
        slack.command("me", dee.slack_id)
        body = json.dumps(room_post(fake_slack, user["pmi"]).params)
        assert user["personal_meeting_url"].split("?")[0] in body
        slack.command("tomorrow 3pm Own review", dee.slack_id)
        [made] = eventually(lambda: list(fake_zoom.meetings.values()), what="the meeting")
        before = len(posts_to(fake_slack, DEFAULT_CHANNEL))
        slack.command(f"join {made['id']}", dee.slack_id)
        card = eventually(
            lambda: [
                p
                for p in posts_to(fake_slack, DEFAULT_CHANNEL)[before:]
                if "/zoom join" in json.dumps(p.params)
            ],
            what="the join card",
        )[0]
        assert "Own review" in json.dumps(card.params)
