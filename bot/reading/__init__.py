"""Reading `/zoom` text into a Zoom meeting request.

    from bot.reading import read_request, Reading, Refusal, warm_up

`read_request(text, tz, now)` is pure: the text, the user's IANA zone and "now" in, a
`Reading` (a `zoom.MeetingRequest` plus the guesses made) or a `Refusal` (a sentence for
the user) out. `warm_up()` pays the first-call costs so no Slack request does.
"""

from __future__ import annotations

from datetime import datetime

from bot.reading.leftovers import mentions_time
from bot.reading.reader import read_request
from bot.reading.results import Reading, Refusal

_WARM_UP_PHRASES = (
    "Design review tomorrow 3pm for 45 min",
    "standup every weekday at 9:30 until Dec 19",
    "offsite on October 1 at 9am ET",
    "launch on 9/30 at 3pm",
    "in 20 minutes quick sync",
    "retro 2025-09-26 09:00 Europe/Berlin",
)


def warm_up() -> None:
    """Compile the patterns and load the zone data by reading a few phrases; later calls
    then cost well under a millisecond typically."""
    now = datetime(2025, 1, 6, 9, 0)
    for text in _WARM_UP_PHRASES:
        read_request(text, "America/New_York", now)


__all__ = ["Reading", "Refusal", "mentions_time", "read_request", "warm_up"]
