"""After a meeting ends, end to end (the app as a subprocess, Zoom's signed events over
HTTP): the ended message says who joined and how long it ran, and its "Schedule a
follow-up" button opens the form pre-filled with the same topic, length and channel a week
later; submitting it makes the follow-up."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.app.live_support import Posted, action_ids, make_meeting, wait_update
from tests.app.support import eventually, posts_to, wait_created
from tests.app.test_modal_e2e import in_a_day, open_modal
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import block_actions, view_submission


def end_with(fake_zoom, url: str, meeting_id: int, names: list[str], minutes: int) -> datetime:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes)
    fake_zoom.send_event(url, fake_zoom.start_meeting(meeting_id, at=start))
    for name in names:
        fake_zoom.send_event(url, fake_zoom.join_meeting(meeting_id, name))
    fake_zoom.send_event(
        url, fake_zoom.end_meeting(meeting_id, at=start + timedelta(minutes=minutes))
    )
    return start


def test_the_ended_message_shows_who_joined_and_how_long_and_offers_a_follow_up(
    app, sender, fake_slack, fake_zoom, person
):
    ana, bo = person(), person()
    posted = make_meeting(
        sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Design review for 45 min"
    )
    url = app.url + "/zoom/events"
    end_with(fake_zoom, url, posted.meeting_id, ["Ana Lima", "Bo <Chen>"], 42)
    ended = wait_update(fake_slack, posted, "Schedule a follow-up")
    text = json.dumps(ended)
    assert "Ana Lima" in text and "Bo &lt;Chen&gt;" in text  # names escaped
    assert "Ran* 42 minutes" in text
    assert action_ids(ended) == ["schedule_followup"]

    # Bo (not the organiser) clicks it: the form opens for Bo, pre-filled.
    button = next(e for b in ended if b["type"] == "actions" for e in b["elements"])
    payload = block_actions(
        user=bo.slack_id,
        actions=[{**button, "block_id": "followup_actions", "type": "button"}],
    )
    assert sender.interactive(payload).status_code == 200
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["topic"]["element"]["initial_value"] == "Design review"
    assert blocks["duration"]["element"]["initial_option"]["value"] == "45"
    scheduled = fake_zoom.meetings[posted.meeting_id]["start_time"].replace("Z", "+00:00")
    week_later = datetime.fromisoformat(scheduled) + timedelta(days=7)
    assert blocks["start"]["element"]["initial_date_time"] == int(week_later.timestamp())
    assert blocks["channel"]["element"]["initial_conversation"] == posted.channel
    agenda = blocks["agenda"]["element"]["initial_value"]
    assert "Follow-up of Design review" in agenda and "Ana Lima" in agenda

    submitted = view_submission(user=bo.slack_id, view=view)
    assert sender.interactive(submitted).status_code == 200
    creates = wait_created(fake_zoom, 2)
    body = creates[-1].body
    assert body["topic"] == "Design review" and body["duration"] == 45


def test_a_follow_up_of_a_meeting_zoombot_forgot_is_a_private_sentence(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    payload = block_actions(
        user=ana.slack_id,
        actions=[
            {
                "type": "button",
                "action_id": "schedule_followup",
                "block_id": "followup_actions",
                "value": "81234567899",
            }
        ],
        response_url=None,
    )
    assert sender.interactive(payload).status_code == 200
    fake_slack.wait_for(
        "chat.postEphemeral", lambda c: "no record of that meeting" in json.dumps(c.params)
    )


def test_the_follow_up_keeps_the_alternative_hosts_chosen_in_the_form(
    app, sender, fake_slack, fake_zoom, person
):
    ana, bo = person(), person()
    view = open_modal(sender, fake_slack, ana.slack_id, "Planning")
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={
            "topic": "Planning",
            "start": in_a_day(),
            "duration": "60",
            "alt_hosts": [bo.slack_id],
        },
    )
    assert sender.interactive(payload).status_code == 200
    wait_created(fake_zoom)
    meeting_id = int(next(iter(fake_zoom.meetings)))
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")[0]
    eventually(  # the confirmation comes once the post's ts is stored
        lambda: [r for r in fake_slack.responses() if "Created" in str(r.get("text"))],
        what="the confirmation",
    )
    posted = Posted(meeting_id, DEFAULT_CHANNEL, post.answer["ts"], ana.slack_id)
    end_with(fake_zoom, app.url + "/zoom/events", meeting_id, ["Bo"], 30)
    ended = wait_update(fake_slack, posted, "Schedule a follow-up")
    button = next(e for b in ended if b["type"] == "actions" for e in b["elements"])
    opened = len(fake_slack.calls_to("views.open"))
    click = block_actions(user=ana.slack_id, actions=[{**button, "block_id": "followup_actions"}])
    assert sender.interactive(click).status_code == 200
    eventually(lambda: len(fake_slack.calls_to("views.open")) > opened, what="the form")
    blocks = {b.get("block_id"): b for b in fake_slack.last_view()["blocks"]}
    assert blocks["alt_hosts"]["element"]["initial_users"] == [bo.slack_id]
    assert blocks["duration"]["element"]["initial_option"]["value"] == "60"
