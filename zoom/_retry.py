"""How long to wait before trying Zoom again: `Retry-After` in its three forms, and backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from `now` (aware), or None when `value` is absent or unreadable.

    Zoom sends seconds ("2"), an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT") or an ISO
    date-time ("2025-09-10T12:00:00Z"). A moment already past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    moment: datetime | None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def backoff(
    attempt: int, *, base: float = 0.5, cap: float = 8.0, rand: random.Random | None = None
) -> float:
    """Capped exponential backoff for retry number `attempt` (1 = first), with jitter: a wait
    between half and all of `min(cap, base * 2**(attempt-1))`."""
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    # Jitter spreads a burst of clients over the window instead of retrying in lock-step;
    # it is not security-sensitive.
    return (rand or random).uniform(ceiling / 2, ceiling)


def next_midnight_utc(now: datetime) -> datetime:
    """The next 00:00 UTC after `now`: when Zoom's per-host daily limit resets."""
    today = now.astimezone(UTC).date()
    return datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
