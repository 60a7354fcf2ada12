"""The pure parts of recordings, summaries and registration: what the thread replies say, the
modal's registration fields read back, and the Register button in place of Join."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.render import messages, submitted, views
from bot.render import recordings as rec
from bot.render import registration as reg
from bot.render.submitted import meeting_from_submission, read_submission
from bot.render.views import ModalDefaults
from zoom import Meeting
from zoom.registrants import ApprovalType, MeetingSummary

NOW = datetime(2031, 3, 4, 12, 0, tzinfo=UTC)


def test_the_recording_reply_shows_the_passcode_only_where_allowed() -> None:
    url = "https://us06web.zoom.us/rec/share/abc?pwd=SECRET"
    shown = json.dumps(rec.recording_message("Q&A", url, "P@ss1", show_passcode=True, requester=""))
    assert "P@ss1" in shown and "pwd=SECRET" in shown and "Q&amp;A" in shown
    hidden = json.dumps(
        rec.recording_message("Q&A", url, "P@ss1", show_passcode=False, requester="U1")
    )
    assert "P@ss1" not in hidden and "SECRET" not in hidden and "<@U1>" in hidden


def test_a_long_summary_is_cut_up_front_and_whole_in_the_next_reply() -> None:
    summary = MeetingSummary(
        "u",
        overview="word " * 200,
        next_steps=("one", "two", "three", "four <!channel>"),
        details=(("Topic", "Details here"),),
    )
    short = json.dumps(rec.summary_message("Plan", summary), ensure_ascii=False)
    assert "four" not in short and "…" in short and "next reply" in short
    full = json.dumps(rec.summary_details_message("Plan", summary))
    assert "four &lt;!channel&gt;" in full and "Details here" in full
    small = MeetingSummary("u", overview="Short.", next_steps=("one",))
    assert not rec.has_more(small)
    assert "next reply" not in json.dumps(rec.summary_message("Plan", small))


def _submitted(values: dict) -> submitted.Submission:
    view = views.schedule_modal(ModalDefaults(start=NOW + timedelta(days=1)), {"tz": "UTC"})
    base = {
        "topic": {"value": {"type": "plain_text_input", "value": "Town hall"}},
        "start": {
            "value": {
                "type": "datetimepicker",
                "selected_date_time": int((NOW + timedelta(days=1)).timestamp()),
            }
        },
        "repeat": {"value": {"type": "static_select", "selected_option": {"value": "weekly"}}},
    }
    view["state"] = {"values": {**base, **values}}
    return read_submission(view)


def test_the_modal_reads_manual_approval_per_occurrence_and_questions() -> None:
    submission = _submitted(
        {
            "registration": {
                "value": {"type": "static_select", "selected_option": {"value": "manual"}}
            },
            "registration_each": {
                "value": {"type": "checkboxes", "selected_options": [{"value": reg.EACH}]}
            },
            "registration_questions": {
                "value": {"type": "plain_text_input", "value": "Team?\n\n  Goals?  \n"}
            },
        }
    )
    assert submission.registration == reg.RegistrationChoice(
        ApprovalType.MANUAL, True, ("Team?", "Goals?")
    )
    settings = meeting_from_submission(submission).settings
    assert settings is not None
    assert settings.approval_type == 1 and settings.registration_type == 2


def test_no_registration_by_default_and_once_for_a_series_unless_asked() -> None:
    assert _submitted({}).registration is None
    request = meeting_from_submission(_submitted({}))
    assert request.settings is not None and request.settings.approval_type is None
    automatic = _submitted(
        {
            "registration": {
                "value": {"type": "static_select", "selected_option": {"value": "automatic"}}
            }
        }
    )
    settings = meeting_from_submission(automatic).settings
    assert settings is not None
    assert settings.approval_type == 0 and settings.registration_type == 1


def test_a_registering_meeting_shows_register_and_no_join_link() -> None:
    meeting = Meeting(
        id=81234567890,
        uuid="u",
        topic="Town hall",
        type=2,
        start_time=NOW,
        duration=30,
        timezone="UTC",
        join_url="https://us06web.zoom.us/j/81234567890?pwd=abc",
    )
    message = messages.meeting_message(
        meeting, host_name="Ana", requester_id="U1", show_passcode=True, register=True
    )
    shown = json.dumps(message)
    assert "register_meeting" in shown and "join_meeting" not in shown
    assert "/j/81234567890" not in shown


def test_approve_buttons_carry_meeting_and_registrant() -> None:
    message = reg.approval_request("Town hall", "U2", 81234567890, "r-1")
    value = message["blocks"][1]["elements"][0]["value"]
    assert reg.read_approval(value) == (81234567890, "r-1")
    assert reg.read_approval("nonsense") is None
    assert reg.read_approval(json.dumps({"m": "x", "r": "y"})) is None
