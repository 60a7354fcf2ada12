"""Every Zoom failure has its sentence."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import sentences
from zoom import (
    DailyLimitReached,
    MeetingNotFound,
    UserNotFound,
    ZoomAuthError,
    ZoomError,
    ZoomRateLimited,
    ZoomUnavailable,
    ZoomValidationError,
)

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)


def say(error: ZoomError, tz: str = "America/Denver") -> str:
    return sentences.sentence_for(error, tz=tz, now=NOW)


def test_unknown_user_says_how_to_link():
    assert "/zoom link" in say(UserNotFound("User does not exist", status=404, code=1001))


def test_not_allowed_to_host():
    text = say(ZoomValidationError("not allowed", status=400, code=3161))
    assert "not allowed to host" in text


def test_validation_names_the_field():
    error = ZoomValidationError(
        "Validation Failed.",
        status=400,
        code=300,
        errors=[{"field": "start_time", "message": "bad"}],
    )
    assert "`start_time`" in say(error)


def test_daily_limit_says_when_it_resets_in_the_users_zone():
    error = DailyLimitReached("daily", status=429, resets_at=datetime(2030, 3, 5, 0, 0, tzinfo=UTC))
    text = say(error, tz="America/Denver")
    assert "midnight UTC" in text and "17:00" in text and "MST" in text
    # An invalid zone falls back to UTC rather than failing.
    assert "00:00" in say(error, tz="Nowhere/Else")


def test_rate_limited_auth_unavailable_and_gone():
    assert "slow down" in say(ZoomRateLimited("busy", status=429, retry_after=5))
    auth = say(ZoomAuthError("bad creds", status=401, code=124))
    assert "credentials and scopes" in auth
    assert say(ZoomUnavailable("down", status=503)).startswith(
        "Zoom is not answering; nothing was created"
    )
    assert "no such meeting" in say(MeetingNotFound("gone", status=404, code=3001))
    assert "Zoom refused" in say(ZoomError("odd", status=418))


def test_sentences_carry_no_secrets():
    error = ZoomAuthError("invalid client_secret=zoom-secret-test", status=401)
    assert "zoom-secret-test" not in say(error)
