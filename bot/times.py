"""Times as zoombot stores and receives them."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_utc(value: str | None) -> datetime | None:
    """An ISO 8601 time (`Z` or an offset) as an aware datetime; naive means UTC; empty is None."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
