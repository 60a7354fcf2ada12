"""The modal keeps what the text said: a recurrence read from `/zoom schedule …` is offered
as read (several weekdays, the last Friday, until/for) and used unless the person changes it;
a start in the second pass of a fall-back hour reaches Zoom as the right hour."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from bot.render import submitted, views
from tests.app.support import wait_created
from tests.fakes.slack_requests import view_submission
from zoom import Recurrence


def open_modal(sender, fake_slack, user: str, text: str) -> dict:
    sender.command(f"schedule {text}", user)
    fake_slack.wait_for("views.open")
    return fake_slack.last_view()


def repeat_element(view: dict) -> dict:
    return next(b for b in view["blocks"] if b["block_id"] == "repeat")["element"]


def submit(sender, user: str, view: dict, **fill) -> dict:
    fill.setdefault("start", int(time.time()) + 2 * 86400)
    payload = view_submission(user=user, view=view, fill=fill)
    assert sender.interactive(payload).status_code == 200


def test_several_weekdays_are_kept(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id, "every monday and wednesday 3pm Sync")
    element = repeat_element(view)
    assert element["initial_option"]["value"] == views.AS_READ
    label = element["initial_option"]["text"]["text"]
    assert "Monday" in label and "Wednesday" in label
    submit(sender, ana.slack_id, view)
    [create] = wait_created(fake_zoom)
    recurrence = create.body["recurrence"]
    assert recurrence["type"] == 2 and recurrence["weekly_days"] == "2,4"


def test_the_last_friday_and_an_end_date_are_kept(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_modal(
        sender, fake_slack, ana.slack_id, "last friday of the month 4pm Demo until march 31"
    )
    submit(sender, ana.slack_id, view)
    [create] = wait_created(fake_zoom)
    recurrence = create.body["recurrence"]
    assert recurrence["type"] == 3
    assert recurrence["monthly_week"] == -1 and recurrence["monthly_week_day"] == 6
    assert "monthly_day" not in recurrence
    assert recurrence["end_date_time"][5:10] in ("03-31", "04-01")
    assert "end_times" not in recurrence


def test_for_six_weeks_is_six_times(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id, "every tuesday 10am Class for 6 weeks")
    submit(sender, ana.slack_id, view)
    [create] = wait_created(fake_zoom)
    assert create.body["recurrence"]["end_times"] == 6


def test_a_changed_repeat_field_wins_over_the_reading(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id, "every monday and wednesday 3pm Sync")
    submit(sender, ana.slack_id, view, repeat="daily")
    [create] = wait_created(fake_zoom)
    assert create.body["recurrence"]["type"] == 1


def test_without_a_recurrence_the_modal_offers_only_its_own_choices(sender, fake_slack, person):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id, "tomorrow 3pm Once")
    element = repeat_element(view)
    assert element["initial_option"]["value"] == "none"
    assert views.AS_READ not in json.dumps(element["options"])
    assert "recurrence" not in json.loads(view["private_metadata"])


def test_as_read_without_a_recurrence_in_the_metadata_is_no_repeat():
    view = {
        "private_metadata": json.dumps({"tz": "UTC"}),
        "state": {"values": {"repeat": {"value": {"selected_option": {"value": "as_read"}}}}},
    }
    assert submitted.read_submission(view).repeat == "none"


def test_a_series_from_the_metadata_is_capped_at_50():
    data = {"type": 1, "repeat_interval": 1, "end_times": 400}
    assert views.recurrence_from_json(data) == Recurrence(type=1, repeat_interval=1, end_times=50)
    assert views.recurrence_from_json({"type": 9}) is None
    assert views.recurrence_from_json({"bogus": 1}) is None
    assert all(n <= views.MAX_SERIES for n in views.SERIES_LENGTH.values())


def test_the_second_pass_of_a_fall_back_hour_goes_to_zoom_in_utc():
    # 2030-11-03 01:30 happens twice in New York; 06:30 UTC is the second (EST) one.
    second = datetime(2030, 11, 3, 6, 30, tzinfo=UTC)
    sub = submitted.Submission(
        topic="Late",
        start=second,
        duration=30,
        repeat="none",
        channel="C1",
        alt_host_ids=(),
        agenda="",
        options=frozenset(),
        metadata={"tz": "America/New_York"},
    )
    request = submitted.meeting_from_submission(sub)
    assert (request.start_time, request.timezone) == ("2030-11-03T06:30:00", "UTC")
    first = submitted.meeting_from_submission(
        submitted.Submission(**{**sub.__dict__, "start": datetime(2030, 11, 3, 5, 30, tzinfo=UTC)})
    )
    assert (first.start_time, first.timezone) == ("2030-11-03T01:30:00", "America/New_York")
