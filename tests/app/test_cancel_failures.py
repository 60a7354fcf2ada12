"""A cancel that Zoom fails is answered in the words of a cancel (never "nothing was
created"); a meeting Zoom already deleted (3001) is marked cancelled and its message says so."""

from __future__ import annotations

import json

from tests.app.live_support import action_ids, current_blocks, make_meeting, wait_update
from tests.app.support import MEETING
from tests.fakes.zoom import Answer


def test_zoom_not_answering_a_cancel_says_the_meeting_was_not_cancelled(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Keep")
    fake_zoom.script("DELETE", MEETING, *[Answer(status=503) for _ in range(5)])
    sender.command(f"cancel {posted.meeting_id}", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "ZB-" in b.get("text", ""), timeout=15
    )
    text = answer["text"]
    assert "Zoom is not answering; the meeting was not cancelled" in text
    assert "created" not in text
    assert posted.meeting_id in fake_zoom.meetings
    assert "cancel_meeting" in action_ids(current_blocks(fake_slack, posted))


def test_a_meeting_already_deleted_in_zoom_is_marked_cancelled(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Gone")
    body = {"code": 3001, "message": f"Meeting {posted.meeting_id} is not found or has expired."}
    fake_zoom.script("DELETE", MEETING, Answer(status=404, body=body))
    sender.command(f"cancel {posted.meeting_id}", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "already deleted in Zoom" in b.get("text", "")
    )
    assert "ZB-" not in answer["text"]
    blocks = wait_update(fake_slack, posted, "*Cancelled* in Zoom")
    assert action_ids(blocks) == []
    # Cancelling it again is refused as already cancelled.
    sender.command(f"cancel {posted.meeting_id}", ana.slack_id)
    again = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "already cancelled" in b.get("text", "")
    )
    assert "ZB-" in json.dumps(again)
