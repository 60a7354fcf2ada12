"""zoom_timezone(): a name on Zoom's list for every zone a Slack user may have."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from zoom import MeetingRequest
from zoom.timezones import ZOOM_TIMEZONES, zoom_timezone

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.mark.parametrize("name", ["America/Denver", "Europe/Berlin", "Asia/Kolkata", "UTC"])
def test_a_name_zoom_knows_is_kept(name: str) -> None:
    assert zoom_timezone(name, around=NOW) == name


@pytest.mark.parametrize(
    "name",
    ["America/Boise", "Europe/Kyiv", "Australia/Melbourne", "America/Detroit", "America/Nuuk"],
)
def test_a_name_zoom_lacks_maps_to_one_with_the_same_clock_through_both_changes(
    name: str,
) -> None:
    mapped = zoom_timezone(name, around=NOW)
    assert mapped in ZOOM_TIMEZONES and mapped != name
    # The same wall clock at every hour of the next year, daylight-saving changes included.
    for hours in range(0, 24 * 365, 1):
        moment = NOW + timedelta(hours=hours)
        assert moment.astimezone(ZoneInfo(name)).utcoffset() == (
            moment.astimezone(ZoneInfo(mapped)).utcoffset()
        )


def test_a_zone_with_no_equal_on_zooms_list_gives_none() -> None:
    # Chatham keeps UTC+12:45/+13:45: nothing on Zoom's list does.
    assert zoom_timezone("Pacific/Chatham", around=NOW) is None


def test_an_unknown_name_gives_none() -> None:
    assert zoom_timezone("Mars/Olympus", around=NOW) is None
    assert zoom_timezone("../../etc/passwd", around=NOW) is None


async def test_the_client_sends_a_zone_zoom_knows_with_the_same_clock(
    make_zoom, fake_zoom, host
) -> None:
    zoom = make_zoom()
    request = MeetingRequest(
        topic="Boise sync", start_time="2027-07-01T09:00:00", timezone="America/Boise"
    )
    meeting = await zoom.create_meeting(host["email"], request)
    [create] = fake_zoom.requests_to("/users/{userId}/meetings", "POST")
    assert create.body["timezone"] == "America/Edmonton"
    assert create.body["start_time"] == "2027-07-01T09:00:00"
    # The same instant Boise's 9:00 is (MDT, UTC-6).
    assert meeting.start_time == datetime(2027, 7, 1, 15, tzinfo=UTC)


async def test_the_client_sends_utc_when_zoom_has_no_zone_with_that_clock(
    make_zoom, fake_zoom, host
) -> None:
    zoom = make_zoom()
    request = MeetingRequest(
        topic="Chatham sync", start_time="2027-07-01T09:00:00", timezone="Pacific/Chatham"
    )
    meeting = await zoom.create_meeting(host["email"], request)
    [create] = fake_zoom.requests_to("/users/{userId}/meetings", "POST")
    expected = datetime(2027, 7, 1, 9, tzinfo=ZoneInfo("Pacific/Chatham")).astimezone(UTC)
    assert create.body["start_time"] == expected.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert create.body["timezone"] == "UTC"
    assert meeting.start_time == expected
