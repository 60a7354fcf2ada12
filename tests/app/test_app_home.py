"""The Home tab end to end: published on app_home_opened with the person's meetings, host and
preferences; preferences changed there change the next meeting; Cancel from it."""

from __future__ import annotations

import json

from tests.app.live_support import current_blocks, make_meeting
from tests.app.support import CREATE, MEETING, eventually
from tests.fakes.slack_requests import SlackSender, block_actions


def open_home(sender: SlackSender, user: str) -> None:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME0001", "tab": "home"}
    assert sender.event(event).status_code == 200


def published(fake_slack, user: str, count: int = 1) -> dict:
    """The `count`-th views.publish for `user` (waits for it), as a dict view."""
    calls = eventually(
        lambda: (
            found
            if len(
                found := [
                    c for c in fake_slack.calls_to("views.publish") if c.params["user_id"] == user
                ]
            )
            >= count
            else None
        ),
        what=f"{count} views.publish for {user}",
    )
    view = calls[count - 1].params["view"]
    return json.loads(view) if isinstance(view, str) else view


def home_action(sender, user: str, action: dict) -> None:
    view = {"id": "V0HOME", "type": "home", "hash": "h"}
    payload = block_actions(user=user, actions=[action], view=view, response_url=None)
    assert sender.interactive(payload).status_code == 200


def test_home_lists_meetings_host_and_preferences(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Roadmap")
    open_home(sender, ana.slack_id)
    view = published(fake_slack, ana.slack_id)
    text = json.dumps(view)
    assert view["type"] == "home"
    assert "Roadmap" in text
    assert fake_zoom.meetings[posted.meeting_id]["join_url"] in text
    assert '"action_id": "cancel_meeting"' in text
    assert ana.email in text and "/zoom link you@company.com" in text
    assert '"action_id": "pref_duration"' in text and '"action_id": "pref_options"' in text
    assert fake_zoom.meetings[posted.meeting_id]["start_url"] not in text


def test_a_default_duration_chosen_at_home_makes_the_next_meeting_that_long(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    home_action(
        sender,
        ana.slack_id,
        {
            "type": "static_select",
            "action_id": "pref_duration",
            "block_id": "pref_duration_block",
            "selected_option": {"text": {"type": "plain_text", "text": "45"}, "value": "45"},
        },
    )
    view = published(fake_slack, ana.slack_id)
    select = next(b for b in view["blocks"] if b.get("block_id") == "pref_duration_block")
    assert select["accessory"]["initial_option"]["value"] == "45"
    make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Longer")
    [create] = fake_zoom.requests_to(CREATE, "POST")
    assert create.body["duration"] == 45


def test_passcode_and_waiting_room_preferences_apply_to_the_next_meeting(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    # Checkboxes: nothing ticked = waiting room off and the passcode kept out of the channel.
    home_action(
        sender,
        ana.slack_id,
        {
            "type": "checkboxes",
            "action_id": "pref_options",
            "block_id": "pref_options_block",
            "selected_options": [],
        },
    )
    view = published(fake_slack, ana.slack_id)
    options = next(b for b in view["blocks"] if b.get("block_id") == "pref_options_block")
    assert "initial_options" not in options["accessory"]
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Private")
    held = fake_zoom.meetings[posted.meeting_id]
    [create] = fake_zoom.requests_to(CREATE, "POST")
    assert create.body["settings"]["waiting_room"] is False
    assert held["password"] not in json.dumps(current_blocks(fake_slack, posted))
    private = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Created" in b["text"]
    )
    assert held["password"] in json.dumps(private)


def test_someone_elses_preferences_do_not_apply(sender, fake_slack, fake_zoom, person):
    ana, bo = person(), person()
    home_action(
        sender,
        ana.slack_id,
        {
            "type": "static_select",
            "action_id": "pref_duration",
            "selected_option": {"text": {"type": "plain_text", "text": "90"}, "value": "90"},
        },
    )
    published(fake_slack, ana.slack_id)
    make_meeting(sender, fake_slack, fake_zoom, bo.slack_id, "tomorrow 3pm Default")
    [create] = fake_zoom.requests_to(CREATE, "POST")
    assert create.body["duration"] == 30


def test_cancel_from_home_deletes_it_and_republishes_without_it(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Homeward")
    open_home(sender, ana.slack_id)
    assert "Homeward" in json.dumps(published(fake_slack, ana.slack_id))
    home_action(
        sender,
        ana.slack_id,
        {"type": "button", "action_id": "cancel_meeting", "value": str(posted.meeting_id)},
    )
    eventually(
        lambda: any(
            str(posted.meeting_id) in r.path for r in fake_zoom.requests_to(MEETING, "DELETE")
        ),
        what="DELETE from the Home tab",
    )
    after = published(fake_slack, ana.slack_id, 2)
    assert "Homeward" not in json.dumps(after)
    assert "No upcoming meetings" in json.dumps(after)
    # The channel message says it too.
    assert f"*Cancelled* by <@{ana.slack_id}>" in json.dumps(current_blocks(fake_slack, posted))
