"""Every Zoom failure has its sentence."""

from __future__ import annotations

from datetime import UTC, datetime

import zoom
from bot.render import sentences, words

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)


def say(error: zoom.ZoomError, tz: str = "America/Denver") -> str:
    return sentences.sentence_for(error, tz=tz, now=NOW)


def test_unknown_user_says_how_to_link():
    assert "/zoom link" in say(zoom.UserNotFound("User does not exist", status=404, code=1001))


def test_not_allowed_to_host():
    text = say(zoom.ZoomValidationError("not allowed", status=400, code=3161))
    assert "not allowed to host" in text


def test_validation_names_the_field():
    error = zoom.ZoomValidationError(
        "Validation Failed.",
        status=400,
        code=300,
        errors=[{"field": "start_time", "message": "bad"}],
    )
    assert "`start_time`" in say(error)


def test_daily_limit_says_when_it_resets_in_the_users_zone():
    error = zoom.DailyLimitReached(
        "daily", status=429, resets_at=datetime(2030, 3, 5, 0, 0, tzinfo=UTC)
    )
    text = say(error, tz="America/Denver")
    assert "midnight UTC" in text and "17:00" in text and "MST" in text
    # An invalid zone falls back to UTC rather than failing.
    assert "00:00" in say(error, tz="Nowhere/Else")


def test_rate_limited_auth_unavailable_and_gone():
    assert "slow down" in say(zoom.ZoomRateLimited("busy", status=429, retry_after=5))
    auth = say(zoom.ZoomAuthError("bad creds", status=401, code=124))
    assert "credentials and scopes" in auth
    assert say(zoom.ZoomUnavailable("down", status=503)).startswith(
        "Zoom is not answering; nothing was created"
    )
    assert "no such meeting" in say(zoom.MeetingNotFound("gone", status=404, code=3001))
    assert "Zoom refused" in say(zoom.ZoomError("odd", status=418))


def test_sentences_carry_no_secrets():
    error = zoom.ZoomAuthError("invalid client_secret=zoom-secret-test", status=401)
    assert "zoom-secret-test" not in say(error)


CANCEL_FAILURES = [
    zoom.ZoomUnavailable("down", status=503),
    zoom.ZoomRateLimited("busy", status=429, retry_after=5),
    zoom.ZoomAuthError("bad creds", status=401, code=124),
    zoom.ZoomValidationError("Invalid field.", status=400, code=300, errors=[]),
    zoom.ZoomError("Odd", status=400, code=9999),
]


def test_cancel_failures_say_the_meeting_was_not_cancelled():
    for error in CANCEL_FAILURES:
        text = sentences.sentence_for(error, tz="UTC", now=NOW, operation=sentences.CANCEL)
        assert "not cancelled" in text, text
        assert "created" not in text, text


def test_list_failures_say_the_list_failed():
    for error in CANCEL_FAILURES:
        text = sentences.sentence_for(error, tz="UTC", now=NOW, operation=sentences.LIST)
        assert "could not list your meetings" in text, text
        assert "created" not in text, text


def test_unavailable_on_cancel_reads_as_the_reviewer_asked():
    text = sentences.sentence_for(
        zoom.ZoomUnavailable("down", status=503), tz="UTC", now=NOW, operation=sentences.CANCEL
    )
    assert text == "Zoom is not answering; the meeting was not cancelled. Try again in a minute."


def test_zone_and_quoting_are_the_shared_helpers():
    from bot.render import submitted

    assert sentences._quoted is words.escape
    assert sentences._zone is submitted.zone
