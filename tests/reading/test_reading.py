"""read_request beyond the corpus: guesses, topics, zones, "now", and the dry run."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import dry_run
from bot.reading import Reading, Refusal, read_request, warm_up
from tests.reading.corpus import REPO_ROOT

DENVER_NOW = datetime(2025, 9, 9, 11, 0)


def read(text: str, tz: str = "America/Denver", now: datetime = DENVER_NOW, **kw) -> Reading:
    result = read_request(text, tz, now, **kw)
    assert isinstance(result, Reading), result
    return result


def refusal(text: str, tz: str = "America/Denver", now: datetime = DENVER_NOW) -> str:
    result = read_request(text, tz, now)
    assert isinstance(result, Refusal), result
    return result.message


def test_guesses_say_what_was_assumed() -> None:
    guesses = read("huddle at 3").guesses
    assert "read 3 as 3 PM, today (Tue, Sep 9)" in guesses
    assert "no length given: 30 minutes" in guesses


def test_explicit_length_and_am_pm_need_no_guess() -> None:
    # Only the note saying how the time was read: nothing was assumed.
    assert read("huddle at 3pm for 45 min").guesses == ("read 3pm as 3 PM, today (Tue, Sep 9)",)


def test_zone_guess_names_the_region_and_its_daylight_saving() -> None:
    result = read("planning at 9:00 CET on June 5", "Europe/London", datetime(2025, 3, 6, 15))
    assert result.request.timezone == "Europe/Paris"
    assert "read CET as Paris time (CEST on Thu, Jun 5)" in result.guesses


def test_ambiguous_fall_back_time_is_the_first_and_says_so() -> None:
    result = read("backup at 1:30am tomorrow", "America/New_York", datetime(2025, 11, 1, 12))
    assert result.request.start_time == "2025-11-02T01:30:00"
    assert any("happens twice" in g and "EDT" in g for g in result.guesses)


def test_spring_forward_gap_is_refused_with_a_time_that_exists() -> None:
    message = refusal("sync tomorrow at 2:30am", "America/Los_Angeles", datetime(2025, 3, 8, 20))
    assert "does not exist" in message and "`3:30am`" in message


def test_defaults_are_configurable() -> None:
    result = read("sync at 3pm", default_duration=45, default_topic="Team call")
    assert result.request.duration == 45
    assert "no length given: 45 minutes" in result.guesses
    assert read("3pm", default_topic="Team call").request.topic == "Team call"
    assert read("", default_topic="Team call").request.topic == "Team call"


def test_instant_meeting_is_type_and_topic_only() -> None:
    assert read("Hiring sync").request.to_json() == {"type": 1, "topic": "Hiring sync"}
    assert read("asap").request.to_json() == {"type": 1, "topic": "Zoom meeting"}


def test_aware_now_in_any_zone_is_the_same_instant() -> None:
    naive = read("sync at 4pm").request
    aware = datetime(2025, 9, 9, 17, 0, tzinfo=UTC)  # 11:00 in Denver
    assert read("sync at 4pm", now=aware).request == naive
    tokyo = aware.astimezone(ZoneInfo("Asia/Tokyo"))
    assert read("sync at 4pm", now=tokyo).request == naive


def test_unknown_user_zone_is_refused() -> None:
    for zone in ("Not/AZone", "", "../etc/passwd", "Europe"):
        assert "time zone" in refusal("sync at 3pm", zone)


def test_relative_start_is_elapsed_time_across_spring_forward() -> None:
    result = read("in 24 hours", "America/New_York", datetime(2025, 3, 8, 12))
    assert result.request.start_time == "2025-03-09T13:00:00"
    start = result.request.starts_at()
    assert start is not None
    before = datetime(2025, 3, 8, 12, tzinfo=ZoneInfo("America/New_York"))
    # Same-zone subtraction in Python is wall-clock: 25 hours on the clock, 24 real ones.
    assert (start - before).total_seconds() == 25 * 3600
    assert (start.astimezone(UTC) - before.astimezone(UTC)).total_seconds() == 24 * 3600


@pytest.mark.parametrize(
    "text",
    ["Q3 planning", "Sprint 42 kickoff", "top 10 risks", "1:1 with Sam", "v2.0 walkthrough",
     "3 customers", "2024 budget", "ticket #3456", "May standup notes", "March madness",
     "Release 3.2 retro", "24/7 support rotation"],
)  # fmt: skip
def test_numbers_that_are_not_times_stay_in_the_topic(text: str) -> None:
    assert read(text).request.to_json() == {"type": 1, "topic": text}
    scheduled = read(f"{text} tomorrow at 3pm").request
    assert scheduled.topic == text and scheduled.start_time == "2025-09-10T15:00:00"


def test_dangling_connectors_are_trimmed() -> None:
    assert read("review on, tomorrow at 3pm - ").request.topic == "review"
    assert read("at 3pm: design crit").request.topic == "design crit"
    assert read("sync with Bob at 3pm about budget").request.topic == "sync with Bob about budget"


def test_topic_is_cut_to_200_characters_at_a_word() -> None:
    words = " ".join(f"word{i}" for i in range(80))
    topic = read(f"{words} tomorrow at 3pm").request.topic
    assert len(topic) <= 200
    assert topic.endswith("…")
    assert topic[:-1].split()[-1] in words.split()


def test_named_zone_uses_that_zones_calendar_date() -> None:
    # 20:00 in Denver is already 11:00 tomorrow in Tokyo; "today 3pm JST" is still ahead.
    result = read("sync today at 3pm JST", now=datetime(2025, 9, 9, 20, 0))
    assert result.request.start_time == "2025-09-10T15:00:00"
    assert result.request.timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("friday", ["“friday”", "no time", "`/zoom friday 3pm"]),
        ("sync at 13:75", ["“13:75”", "75"]),
        ("sync on Apr 31 at 9", ["“Apr 31”", "30 days"]),
        ("sync last monday at 10", ["“last monday”", "past"]),
        ("sync at 3pm Europe/Atlantis", ["“Europe/Atlantis”", "time zone"]),
        ("offsite tomorrow at 9am for 2 days", ["“for 2 days”", "24 hours"]),
        ("review every year at 10am", ["“every year”", "yearly"]),
        ("sync every monday at 10am 60 times", ["60", "50"]),
        ("sync today at 9am", ["“today”", "passed"]),
    ],
)
def test_refusals_say_what_was_read_and_what_to_type(text: str, words: list[str]) -> None:
    message = refusal(text)
    for word in words:
        assert word in message, (word, message)


def test_warm_up_runs_and_reading_still_works() -> None:
    warm_up()
    assert read("sync at 3pm").request.start_time == "2025-09-09T15:00:00"


def test_dry_run_prints_zooms_body_and_notes(capsys: pytest.CaptureFixture[str]) -> None:
    code = dry_run.main(["huddle at 4", "--tz", "America/Denver", "--now", "2025-09-09T11:00"])
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out) == {
        "topic": "huddle", "type": 2, "start_time": "2025-09-09T16:00:00",
        "timezone": "America/Denver", "duration": 30,
    }  # fmt: skip
    assert "note: read 4 as 4 PM, today (Tue, Sep 9)" in err.splitlines()


def test_dry_run_instant(capsys: pytest.CaptureFixture[str]) -> None:
    assert dry_run.main(["Hiring", "sync"]) == 0
    assert json.loads(capsys.readouterr().out) == {"type": 1, "topic": "Hiring sync"}


def test_dry_run_refusal_goes_to_stderr_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert dry_run.main(["friday", "--now", "2025-09-09T11:00"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "no time" in err


def test_dry_run_through_app_py_needs_no_settings_or_network() -> None:
    # A fresh process with an empty environment: no Slack or Zoom variables at all.
    completed = subprocess.run(
        [sys.executable, "-c",
         "import sys, app; code = app.main(sys.argv[1:]);"
         " assert 'bot.settings' not in sys.modules; sys.exit(code)",
         "parse", "partner call 4pm ET", "--tz", "America/Denver", "--now", "2025-09-09T11:00"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    body = json.loads(completed.stdout)
    assert body["timezone"] == "America/New_York"
    assert body["start_time"] == "2025-09-09T16:00:00"
