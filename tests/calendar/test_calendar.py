"""Calendar entries for meetings (bot.render.calendar): Google link, .ics, RRULEs, occurrences.

The RRULEs are checked by expanding them with python-dateutil (dateparser depends on it)
and comparing with next_occurrences, and next_occurrences is checked against FakeZoom's own
occurrences, which stand in for Zoom's answer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from bot.render.calendar import (
    escape_text,
    fold,
    google_calendar_url,
    ics,
    next_occurrences,
    rrule,
)
from tests.fakes.zoom import FakeZoom
from zoom import Meeting, MeetingRequest, Occurrence, Recurrence, ZoomClient

NEW_YORK = ZoneInfo("America/New_York")
JOIN_URL = "https://us06web.zoom.us/j/85749364211?pwd=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0"
DETAILS = f"Join Zoom: {JOIN_URL}\nPasscode: 4k;7,x\\9"


def meeting(**fields: Any) -> Meeting:
    values: dict[str, Any] = {
        "id": 85749364211,
        "uuid": "4444AAAiAAAAAiAiAiiAii==",
        "topic": "Design review",
        "type": 2,
        "start_time": datetime(2025, 11, 3, 14, 0, tzinfo=UTC),
        "duration": 45,
        "timezone": "America/New_York",
        "join_url": JOIN_URL,
        "created_at": datetime(2025, 10, 1, 12, 0, tzinfo=UTC),
    }
    values.update(fields)
    return Meeting(**values)


def weekly_standup(meeting_fields: dict[str, Any] | None = None, **recurrence: Any) -> Meeting:
    """Mondays and Wednesdays at 9:00 New York time, 6 times, from Monday 27 October 2025."""
    rule = {"type": 2, "weekly_days": "2,4", "end_times": 6, **recurrence}
    return meeting(
        topic="Standup",
        type=8,
        start_time=datetime(2025, 10, 27, 13, 0, tzinfo=UTC),  # 9:00 EDT
        duration=15,
        recurrence=Recurrence(**rule),
        **(meeting_fields or {}),
    )


# -- rrule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recurrence", "expected"),
    [
        (Recurrence(type=1, repeat_interval=1, end_times=5), "FREQ=DAILY;COUNT=5"),
        (Recurrence(type=1, repeat_interval=3, end_times=5), "FREQ=DAILY;INTERVAL=3;COUNT=5"),
        (
            Recurrence(type=2, weekly_days="2,3,4,5,6", end_times=20),
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=20",
        ),
        (
            Recurrence(type=2, repeat_interval=2, weekly_days="7,1", end_times=4),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,SA;COUNT=4",
        ),
        (
            Recurrence(type=2, weekly_days="3", end_date_time="2025-12-31T23:59:00Z"),
            "FREQ=WEEKLY;BYDAY=TU;UNTIL=20251231T235900Z",
        ),
        (Recurrence(type=3, monthly_day=15, end_times=12), "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12"),
        (
            Recurrence(type=3, repeat_interval=2, monthly_day=31, end_times=3),
            "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;COUNT=3",
        ),
        (
            Recurrence(type=3, monthly_week=2, monthly_week_day=3, end_times=6),
            "FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
        ),
        (
            Recurrence(type=3, monthly_week=-1, monthly_week_day=6, end_times=6),
            "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6",
        ),
        (Recurrence(type=2, weekly_days="2"), "FREQ=WEEKLY;BYDAY=MO"),  # open-ended
    ],
)
def test_rrule_for_each_kind_of_recurrence(recurrence: Recurrence, expected: str) -> None:
    assert rrule(recurrence) == expected


def test_no_rrule_without_a_recurrence_with_a_fixed_time() -> None:
    assert rrule(None) is None
    assert rrule(Recurrence(type=4)) is None


RULES = [
    Recurrence(type=1, repeat_interval=1, end_times=10),
    Recurrence(type=1, repeat_interval=4, end_times=10),
    Recurrence(type=2, weekly_days="2,4", end_times=12),
    Recurrence(type=2, repeat_interval=2, weekly_days="1,3,6", end_times=12),
    Recurrence(type=2, weekly_days="2,3,4,5,6", end_date_time="2025-12-05T20:00:00Z"),
    Recurrence(type=3, monthly_day=15, end_times=8),
    Recurrence(type=3, monthly_day=31, end_times=8),
    Recurrence(type=3, repeat_interval=3, monthly_day=30, end_times=6),
    Recurrence(type=3, monthly_week=1, monthly_week_day=2, end_times=8),
    Recurrence(type=3, monthly_week=-1, monthly_week_day=6, end_times=8),
    Recurrence(type=3, repeat_interval=2, monthly_week=4, monthly_week_day=5, end_times=5),
]


@pytest.mark.parametrize("recurrence", RULES, ids=lambda r: rrule(r))
def test_the_rrule_expands_to_the_same_occurrences(recurrence: Recurrence) -> None:
    # dateutil, as calendar apps do, starts from DTSTART: the first occurrence.
    first = datetime(2025, 10, 30, 9, 0, tzinfo=NEW_YORK)  # a Thursday, before the DST end
    ours = next_occurrences(recurrence, first, "America/New_York", 60)
    assert ours, "no occurrences"
    rule = rrule(recurrence)
    assert rule is not None
    theirs = list(rrulestr(rule, dtstart=ours[0]))
    assert [t.replace(tzinfo=None) for t in theirs] == [o.replace(tzinfo=None) for o in ours]


# -- next_occurrences ---------------------------------------------------------------------------


def test_weekly_nine_in_new_york_stays_nine_across_the_november_change() -> None:
    rule = Recurrence(type=2, weekly_days="2", end_times=4)  # Mondays
    first = datetime(2025, 10, 20, 9, 0, tzinfo=NEW_YORK)
    starts = next_occurrences(rule, first, "America/New_York", 10)
    assert [s.date().isoformat() for s in starts] == [
        "2025-10-20",
        "2025-10-27",
        "2025-11-03",
        "2025-11-10",
    ]
    assert all((s.hour, s.minute) == (9, 0) for s in starts)
    assert all(s.tzinfo is not None for s in starts)
    utc_hours = [s.astimezone(UTC).hour for s in starts]
    assert utc_hours == [13, 13, 14, 14]  # EDT, then EST


def test_daily_across_the_march_change_keeps_the_wall_clock_time() -> None:
    rule = Recurrence(type=1, end_times=4)
    first = datetime(2026, 3, 6, 8, 30, tzinfo=UTC)  # 3:30 in New York (EST)
    starts = next_occurrences(rule, first, "America/New_York", 4)
    assert [(s.day, s.hour, s.minute) for s in starts] == [
        (6, 3, 30),
        (7, 3, 30),
        (8, 3, 30),  # 2:00 jumps to 3:00 this day; 3:30 exists
        (9, 3, 30),
    ]
    # One hour was skipped (same-zone subtraction in Python is wall-clock: compare in UTC).
    assert starts[-1].astimezone(UTC) - starts[0].astimezone(UTC) == timedelta(days=3, hours=-1)


def test_a_time_in_another_zone_is_read_as_the_meeting_zone_wall_clock() -> None:
    rule = Recurrence(type=2, weekly_days="2", end_times=3)
    first = datetime(2025, 10, 27, 14, 0, tzinfo=ZoneInfo("Europe/London"))  # 10:00 in NY
    starts = next_occurrences(rule, first, "America/New_York", 3)
    assert [s.hour for s in starts] == [10, 10, 10]
    assert starts[0].tzinfo == NEW_YORK


def test_the_first_start_counts_only_on_a_day_the_rule_names() -> None:
    rule = Recurrence(type=2, weekly_days="2,4", end_times=3)  # Mon, Wed
    first = datetime(2025, 10, 28, 9, 0, tzinfo=NEW_YORK)  # a Tuesday
    starts = next_occurrences(rule, first, "America/New_York", 5)
    assert [s.strftime("%a %d") for s in starts] == ["Wed 29", "Mon 03", "Wed 05"]


def test_end_times_count_and_after() -> None:
    rule = Recurrence(type=1, end_times=5)
    first = datetime(2025, 11, 1, 9, 0, tzinfo=NEW_YORK)
    assert len(next_occurrences(rule, first, "America/New_York", 50)) == 5
    assert len(next_occurrences(rule, first, "America/New_York", 2)) == 2
    later = next_occurrences(
        rule, first, "America/New_York", 10, after=datetime(2025, 11, 3, 12, 0, tzinfo=NEW_YORK)
    )
    assert [s.day for s in later] == [4, 5]  # end_times still counts from the first
    assert next_occurrences(rule, first, "America/New_York", 0) == []


def test_end_date_time_is_the_last_moment_an_occurrence_may_start() -> None:
    rule = Recurrence(type=1, end_date_time="2025-11-04T14:00:00Z")  # 9:00 EST on the 4th
    first = datetime(2025, 11, 1, 9, 0, tzinfo=NEW_YORK)
    assert [s.day for s in next_occurrences(rule, first, "America/New_York", 10)] == [1, 2, 3, 4]
    rule = Recurrence(type=1, end_date_time="2025-11-04T13:59:59Z")
    assert [s.day for s in next_occurrences(rule, first, "America/New_York", 10)] == [1, 2, 3]


def test_monthly_on_the_31st_falls_on_the_last_day_of_short_months() -> None:
    rule = Recurrence(type=3, monthly_day=31, end_times=4)
    first = datetime(2026, 1, 31, 9, 0, tzinfo=NEW_YORK)
    starts = next_occurrences(rule, first, "America/New_York", 4)
    assert [s.date().isoformat() for s in starts] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]


def test_monthly_by_week_and_weekday() -> None:
    last_friday = Recurrence(type=3, monthly_week=-1, monthly_week_day=6, end_times=3)
    first = datetime(2025, 11, 1, 16, 0, tzinfo=NEW_YORK)
    starts = next_occurrences(last_friday, first, "America/New_York", 3)
    assert [s.date().isoformat() for s in starts] == ["2025-11-28", "2025-12-26", "2026-01-30"]
    second_tuesday = Recurrence(type=3, monthly_week=2, monthly_week_day=3, end_times=2)
    starts = next_occurrences(second_tuesday, first, "America/New_York", 2)
    assert [s.date().isoformat() for s in starts] == ["2025-11-11", "2025-12-09"]


@pytest.mark.parametrize("recurrence", RULES, ids=lambda r: rrule(r))
async def test_next_occurrences_agree_with_the_occurrences_zoom_lists(
    fake_zoom: FakeZoom, zoom: ZoomClient, recurrence: Recurrence
) -> None:
    host = fake_zoom.add_user("cal@example.com", timezone="America/New_York")
    request = MeetingRequest(
        topic="Series",
        type=8,
        start_time="2025-10-30T09:00:00",
        timezone="America/New_York",
        duration=30,
        recurrence=recurrence,
    )
    created = await zoom.create_meeting(host["id"], request)
    listed = [o.start_time for o in created.occurrences]
    assert created.start_time is not None
    ours = next_occurrences(recurrence, created.start_time, "America/New_York", 60)
    assert [o.astimezone(UTC) for o in ours] == listed


# -- Google Calendar ------------------------------------------------------------------------------


def query(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    parsed = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in parsed.values()), parsed
    return {k: v[0] for k, v in parsed.items()}


def test_google_link_for_a_one_off_meeting() -> None:
    fields = query(google_calendar_url(meeting(topic="Design review & co"), details=DETAILS))
    assert fields == {
        "action": "TEMPLATE",
        "text": "Design review & co",
        "dates": "20251103T140000Z/20251103T144500Z",
        "details": DETAILS,
        "location": JOIN_URL,
        "ctz": "America/New_York",
    }


def test_google_link_for_a_recurring_meeting_starts_at_the_first_occurrence() -> None:
    fields = query(google_calendar_url(weekly_standup(), details="Join"))
    assert fields["recur"] == "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6"
    assert fields["dates"] == "20251027T130000Z/20251027T131500Z"
    listed = weekly_standup(
        {
            "occurrences": (
                Occurrence("1", datetime(2025, 10, 29, 13, 0, tzinfo=UTC), 15),
                Occurrence("2", datetime(2025, 11, 3, 14, 0, tzinfo=UTC), 15),
            )
        }
    )
    assert query(google_calendar_url(listed, details="Join"))["dates"].startswith(
        "20251029T130000Z/"
    )


def test_google_link_without_a_start_or_zone() -> None:
    fields = query(google_calendar_url(meeting(start_time=None, timezone=None), details="x"))
    assert "dates" not in fields and "ctz" not in fields
    assert "recur" not in fields


def test_google_link_uses_the_default_duration_when_zoom_gave_none() -> None:
    fields = query(google_calendar_url(meeting(duration=None), details="x"))
    assert fields["dates"] == "20251103T140000Z/20251103T150000Z"


# -- iCalendar ----------------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    """Content lines as RFC 5545 defines them, checking the physical lines on the way."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\n" not in line and "\r" not in line
        assert len(line.encode()) <= 75, line
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def properties(text: str, component: str = "VEVENT") -> dict[str, str]:
    """`NAME[;PARAMS]` -> value for the lines inside the first `component`."""
    lines = unfold(text)
    start = lines.index(f"BEGIN:{component}")
    end = lines.index(f"END:{component}")
    found: dict[str, str] = {}
    for line in lines[start + 1 : end]:
        if line.startswith(("BEGIN:", "END:")):
            continue
        name, _, value = line.partition(":")
        found[name] = value
    return found


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_ics_for_a_one_off_meeting() -> None:
    text = ics(meeting(), details=DETAILS)
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-1] == "END:VCALENDAR"
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == 1 and "BEGIN:VTIMEZONE" not in lines
    event = properties(text)
    assert event["UID"] == "zoom-85749364211@zoombot"
    assert event["DTSTAMP"] == "20251001T120000Z"
    assert event["DTSTART"] == "20251103T140000Z"
    assert event["DTEND"] == "20251103T144500Z"
    assert event["SUMMARY"] == "Design review"
    assert unescape(event["DESCRIPTION"]) == DETAILS
    assert unescape(event["LOCATION"]) == JOIN_URL
    assert event["URL"] == JOIN_URL
    assert "RRULE" not in event


def test_ics_uid_is_stable_and_the_domain_is_the_callers() -> None:
    one = properties(ics(meeting(), details="a", uid_domain="example.com"))
    two = properties(ics(meeting(topic="Renamed"), details="b", uid_domain="example.com"))
    assert one["UID"] == two["UID"] == "zoom-85749364211@example.com"
    stamped = properties(
        ics(meeting(), details="a", stamp=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    )
    assert stamped["DTSTAMP"] == "20300102T030405Z"


def test_ics_escapes_text() -> None:
    topic = 'Plan; budget, "Q4" \\ review\nsecond line'
    event = properties(ics(meeting(topic=topic), details=DETAILS))
    assert event["SUMMARY"] == 'Plan\\; budget\\, "Q4" \\\\ review\\nsecond line'
    assert unescape(event["SUMMARY"]) == topic
    assert unescape(event["DESCRIPTION"]) == DETAILS
    assert escape_text("a\r\nb\rc") == "a\\nb\\nc"


def test_ics_folds_long_lines_at_75_octets_without_splitting_characters() -> None:
    details = "Agenda: " + "Überprüfung der Ergebnisse 📅 " * 12
    text = ics(meeting(), details=details)
    physical = text.split("\r\n")
    assert max(len(p.encode()) for p in physical) >= 72  # folded late, not early
    assert sum(p.startswith(" ") for p in physical) >= 5
    for line in physical:
        line.encode().decode("utf-8")  # each physical line is whole characters
    assert unescape(properties(text)["DESCRIPTION"]) == details


def test_fold_exactly() -> None:
    assert fold("A" * 75) == "A" * 75
    assert fold("A" * 76) == "A" * 75 + "\r\n " + "A"
    assert fold("A" * 150) == "A" * 75 + "\r\n " + "A" * 74 + "\r\n " + "A"
    folded = fold("é" * 40)  # 2 octets each: 37 fit in 75 octets (74), then 37 in 74
    assert folded.split("\r\n ") == ["é" * 37, "é" * 3]


def test_ics_for_a_recurring_meeting_keeps_its_wall_clock_time_across_dst() -> None:
    text = ics(weekly_standup(), details="Join")
    event = properties(text)
    assert event["RRULE"] == "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6"
    assert event["DTSTART;TZID=America/New_York"] == "20251027T090000"
    assert event["DTEND;TZID=America/New_York"] == "20251027T091500"
    zone = properties(text, "VTIMEZONE")
    assert zone["TZID"] == "America/New_York"
    lines = unfold(text)
    assert "BEGIN:STANDARD" in lines  # the November change is described
    assert "TZOFFSETTO:-0500" in lines and "TZOFFSETFROM:-0400" in lines
    # Expanded as a calendar would, from the local DTSTART: 9:00 every time.
    start = datetime(2025, 10, 27, 9, 0, tzinfo=NEW_YORK)
    expanded = list(rrulestr(event["RRULE"], dtstart=start))
    assert [e.hour for e in expanded] == [9] * 6
    ours = next_occurrences(weekly_standup().recurrence, start, "America/New_York", 6)  # type: ignore[arg-type]
    assert expanded == ours


def test_ics_until_stays_in_utc() -> None:
    series = weekly_standup(end_times=None, end_date_time="2025-12-01T15:00:00Z")
    event = properties(ics(series, details="x"))
    assert event["RRULE"] == "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20251201T150000Z"


def test_ics_recurring_in_utc_needs_no_vtimezone() -> None:
    text = ics(weekly_standup({"timezone": "UTC"}), details="x")
    assert "BEGIN:VTIMEZONE" not in unfold(text)
    assert properties(text)["DTSTART"] == "20251027T130000Z"


def test_ics_needs_a_start_time() -> None:
    with pytest.raises(ValueError, match="start time"):
        ics(meeting(start_time=None), details="x")
