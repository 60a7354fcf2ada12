"""Room for reminders in a channel: Slack schedules at most 30 messages in one channel
within 5 minutes and refuses the rest (`restricted_too_many`).

`ChannelBudget` counts the reminders this process has scheduled (or is scheduling) in each
channel, so a call Slack must refuse is never made (`chat.scheduleMessage` is rate limited
too), and remembers Slack's own refusals, which also count what other apps, other instances
or an earlier run scheduled, for `REFUSED_FOR` seconds. Post times are whole epoch seconds.
"""

from __future__ import annotations

import bisect

LIMIT = 30  # scheduled messages Slack holds in one channel …
WINDOW = 300  # … within this many seconds either side of a post time
REFUSED_FOR = 300.0  # seconds a refusal for a channel and post time is believed


class ChannelBudget:
    """Scheduled reminders per channel, and Slack's recent refusals. Not thread-safe (the
    event loop's)."""

    def __init__(self) -> None:
        self._held: dict[str, list[int]] = {}  # channel -> post times, sorted
        self._refused: dict[tuple[str, int], float] = {}  # (channel, post time) -> until

    def has_room(self, channel: str, post_at: int, now: float) -> bool:
        """Whether Slack would take one more reminder posting at `post_at` (holds nothing)."""
        if self._refused.get((channel, post_at), 0.0) > now:
            return False
        held = self._held.get(channel)
        if not held:
            return True
        del held[: bisect.bisect_right(held, now)]  # posted already: Slack holds them no more
        near = bisect.bisect_left(held, post_at + WINDOW) - bisect.bisect_right(
            held, post_at - WINDOW
        )
        return near < LIMIT

    def take(self, channel: str, post_at: int, now: float) -> bool:
        """Hold a place for a reminder posting at `post_at`; False (nothing held) when Slack
        would refuse it."""
        if not self.has_room(channel, post_at, now):
            return False
        bisect.insort(self._held.setdefault(channel, []), post_at)
        return True

    def give_back(self, channel: str, post_at: int) -> None:
        """The place held for `post_at` is free again (the call failed, or the reminder was
        deleted)."""
        held = self._held.get(channel)
        if held:
            i = bisect.bisect_left(held, post_at)
            if i < len(held) and held[i] == post_at:
                del held[i]
            if not held:
                del self._held[channel]

    def refused(self, channel: str, post_at: int, now: float) -> None:
        """Slack said the channel is full around `post_at`: not asked again for a while."""
        self.give_back(channel, post_at)
        for key in [key for key, until in self._refused.items() if until <= now]:
            del self._refused[key]
        self._refused[(channel, post_at)] = now + REFUSED_FOR

    def freed(self, channel: str, post_at: int | None) -> None:
        """A reminder scheduled in the channel was deleted: its place, and any place Slack
        refused there, may be taken again."""
        if post_at is not None:
            self.give_back(channel, post_at)
        for key in [key for key in self._refused if key[0] == channel]:
            del self._refused[key]
