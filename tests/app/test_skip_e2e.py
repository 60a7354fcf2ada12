"""One occurrence of a series end to end (issue 15): `/zoom skip <topic word> <day>`, `/zoom
skip <ID> <day>`, the Skip one… button, `/zoom move <ID> on <day> to 11am`, and the series'
message listing its next three occurrences with the skipped ones struck through. Over real
HTTP against the fakes; PATCH bodies are checked against Zoom's OpenAPI document."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.app.live_support import current_blocks, make_meeting, wait_update
from tests.app.support import MEETING, eventually
from tests.app.test_move_e2e import answer, ephemeral, patches, press
from tests.fakes.slack_requests import view_submission
from tests.openapi import validate_request


@pytest.fixture(autouse=True)
def zoom_checks_patch_bodies(fake_zoom):
    """The fake Zoom refuses a PATCH body that Zoom's OpenAPI document does not allow."""
    fake_zoom.body_check = validate_request
    yield
    fake_zoom.body_check = None


def occurrences(fake_zoom, meeting_id: int) -> list[dict]:
    return fake_zoom.meetings[meeting_id]["occurrences"]


def start_of(occurrence: dict) -> datetime:
    return datetime.fromisoformat(occurrence["start_time"].replace("Z", "+00:00"))


def day_words(occurrence: dict, tz: str) -> str:
    """`Dec 3` for the occurrence's local day."""
    local = start_of(occurrence).astimezone(ZoneInfo(tz))
    return f"{local:%b} {local.day}"


def deletes(fake_zoom, meeting_id: int) -> list:
    return [r for r in fake_zoom.requests_to(MEETING, "DELETE") if str(meeting_id) in r.path]


def series(sender, fake_slack, fake_zoom, person, topic: str = "Standup"):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, f"every day at 9am {topic}")
    assert len(occurrences(fake_zoom, posted.meeting_id)) >= 4
    return ana, posted


def next_field(blocks: list[dict]) -> str:
    return next(
        f["text"]
        for b in blocks
        if b.get("type") == "section"
        for f in b.get("fields", [])
        if f["text"].startswith("*Next*")
    )


def test_skip_by_topic_word_strikes_it_through_and_a_repeat_changes_nothing(
    sender, fake_slack, fake_zoom, person
):
    ana, posted = series(sender, fake_slack, fake_zoom, person)
    second = occurrences(fake_zoom, posted.meeting_id)[1]
    sender.command(f"skip standup {day_words(second, ana.tz)}", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "Skipped")
    [delete] = deletes(fake_zoom, posted.meeting_id)
    assert delete.query == {"occurrence_id": second["occurrence_id"]}
    assert occurrences(fake_zoom, posted.meeting_id)[1]["status"] == "deleted"
    blocks = wait_update(fake_slack, posted, "skipped")
    listed = next_field(blocks).splitlines()[1:]
    assert len(listed) == 3  # the next three, the skipped one among them, struck through
    struck = [line for line in listed if line.startswith("~")]
    assert len(struck) == 1
    assert f"<!date^{int(start_of(second).timestamp())}^" in struck[0]
    # The same skip again (by ID this time): nothing more is deleted.
    sender.command(f"skip {posted.meeting_id} {day_words(second, ana.tz)}", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "already skipped")
    assert len(deletes(fake_zoom, posted.meeting_id)) == 1


def test_skip_one_button_offers_the_next_occurrences(sender, fake_slack, fake_zoom, person):
    ana, posted = series(sender, fake_slack, fake_zoom, person, "Daily sync")
    assert "skip_occurrence" in json.dumps(current_blocks(fake_slack, posted))
    press(sender, fake_slack, posted, ana.slack_id, "skip_occurrence")
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    assert view["callback_id"] == "skip_occurrence_modal"
    select = next(b for b in view["blocks"] if b.get("type") == "input")["element"]
    third = occurrences(fake_zoom, posted.meeting_id)[2]
    assert third["occurrence_id"] in [o["value"] for o in select["options"]]
    payload = view_submission(
        user=ana.slack_id, view=view, fill={"occurrence": third["occurrence_id"]}
    )
    assert sender.interactive(payload).status_code == 200
    sender.interactive(payload)  # delivered twice: skipped once
    ephemeral(fake_slack, ana.slack_id, "Skipped")
    eventually(lambda: occurrences(fake_zoom, posted.meeting_id)[2]["status"] == "deleted")
    wait_update(fake_slack, posted, "skipped")
    assert len(deletes(fake_zoom, posted.meeting_id)) == 1


def test_someone_else_may_not_skip(sender, fake_slack, fake_zoom, person):
    ana, posted = series(sender, fake_slack, fake_zoom, person)
    bo = person()
    url = press(sender, fake_slack, posted, bo.slack_id, "skip_occurrence")
    refusal = answer(fake_slack, url, "can skip meetings of this series")
    assert ana.mention in refusal["text"]
    second = occurrences(fake_zoom, posted.meeting_id)[1]
    sender.command(f"skip {posted.meeting_id} {day_words(second, ana.tz)}", bo.slack_id)
    answer(fake_slack, sender.last_response_url, "can skip")
    assert deletes(fake_zoom, posted.meeting_id) == []


def test_move_one_occurrence(sender, fake_slack, fake_zoom, person):
    ana, posted = series(sender, fake_slack, fake_zoom, person, "Team sync")
    second = occurrences(fake_zoom, posted.meeting_id)[1]
    day = day_words(second, ana.tz)
    sender.command(f"move {posted.meeting_id} on {day} to 11am", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "Moved")
    [patch] = patches(fake_zoom, posted.meeting_id)
    assert patch.query == {"occurrence_id": second["occurrence_id"]}
    moved = occurrences(fake_zoom, posted.meeting_id)[1]
    local = start_of(moved).astimezone(ZoneInfo(ana.tz))
    assert (local.hour, local.minute) == (11, 0)
    assert f"{local:%b} {local.day}" == day
    # The rest of the series stays at 9.
    others = [o for i, o in enumerate(occurrences(fake_zoom, posted.meeting_id)) if i != 1]
    assert all(start_of(o).astimezone(ZoneInfo(ana.tz)).hour == 9 for o in others)
    blocks = wait_update(fake_slack, posted, f"<!date^{int(start_of(moved).timestamp())}^")
    assert "~" not in next_field(blocks)


def test_a_day_without_a_meeting_is_a_clear_sentence(sender, fake_slack, fake_zoom, person):
    ana, posted = series(sender, fake_slack, fake_zoom, person, "Weekly")
    last = occurrences(fake_zoom, posted.meeting_id)[-1]
    far = start_of(last).astimezone(ZoneInfo(ana.tz))
    sender.command(f"skip weekly {far:%b} {far.day} {far.year + 1}", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "has no meeting on")
    assert deletes(fake_zoom, posted.meeting_id) == []


def test_reschedule_on_a_series_moves_one_of_its_meetings(sender, fake_slack, fake_zoom, person):
    ana, posted = series(sender, fake_slack, fake_zoom, person, "Planning")
    third = occurrences(fake_zoom, posted.meeting_id)[2]
    press(sender, fake_slack, posted, ana.slack_id, "reschedule_meeting")
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    assert view["callback_id"] == "reschedule_meeting_modal"
    when = f"{day_words(third, ana.tz)} to 10:30am"
    sender.interactive(view_submission(user=ana.slack_id, view=view, fill={"when": when}))
    ephemeral(fake_slack, ana.slack_id, "Moved")
    [patch] = patches(fake_zoom, posted.meeting_id)
    assert patch.query == {"occurrence_id": third["occurrence_id"]}
    local = start_of(occurrences(fake_zoom, posted.meeting_id)[2]).astimezone(ZoneInfo(ana.tz))
    assert (local.hour, local.minute) == (10, 30)


def test_zooms_update_event_for_one_occurrence_keeps_the_series(
    app, sender, fake_slack, fake_zoom, person
):
    ana, posted = series(sender, fake_slack, fake_zoom, person, "Echo")
    second = occurrences(fake_zoom, posted.meeting_id)[1]
    series_start = fake_zoom.meetings[posted.meeting_id]["start_time"]
    sender.command(f"move {posted.meeting_id} on {day_words(second, ana.tz)} to 11am", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "Moved")
    moved = occurrences(fake_zoom, posted.meeting_id)[1]
    # Zoom tells of it naming only that occurrence (and its new start).
    body = fake_zoom.event_body(
        "meeting.updated",
        posted.meeting_id,
        start_time=moved["start_time"],
        occurrences=[{"occurrence_id": moved["occurrence_id"], "start_time": moved["start_time"]}],
    )
    assert fake_zoom.send_event(sender.app_url + "/zoom/events", body).status_code == 200
    eventually(
        lambda: f"zoom event meeting.updated meeting={posted.meeting_id}" in app.logs(),
        what="the updated event handled",
    )
    blocks = current_blocks(fake_slack, posted)
    assert len(next_field(blocks).splitlines()[1:]) == 3
    first = datetime.fromisoformat(series_start.replace("Z", "+00:00"))
    assert f"<!date^{int(first.timestamp())}^" in json.dumps(blocks)  # When: the series' own
