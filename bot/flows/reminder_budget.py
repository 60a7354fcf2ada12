"""Room for reminders in a channel: Slack schedules at most 30 messages in one channel
within 5 minutes and refuses the rest (`restricted_too_many`).

`ChannelBudget` holds a place for each meeting's reminder from the moment it is planned
(before the meeting is posted) until it is deleted, fails or posts, so a call Slack must
refuse is never made (`chat.scheduleMessage` is rate limited too). It also remembers Slack's
own refusals, which count what other apps, other instances or an earlier run scheduled, for
`REFUSED_FOR` seconds. Post times are whole epoch seconds.
"""

from __future__ import annotations

import bisect

LIMIT = 30  # scheduled messages Slack holds in one channel …
WINDOW = 300  # … within this many seconds either side of a post time
REFUSED_FOR = 300.0  # seconds a refusal for a channel and post time is believed


class ChannelBudget:
    """One place per meeting's reminder, per channel, and Slack's recent refusals. Not
    thread-safe (the event loop's)."""

    def __init__(self) -> None:
        self._held: dict[str, list[tuple[int, int]]] = {}  # channel -> (post time, meeting)
        self._places: dict[int, tuple[str, int]] = {}  # meeting -> (channel, post time)
        self._refused: dict[tuple[str, int], float] = {}  # (channel, post time) -> until

    def take(self, meeting_id: int, channel: str, post_at: int, now: float) -> bool:
        """Hold the meeting's place for a reminder in `channel` at `post_at` (a place it
        holds already is kept; one elsewhere is given back). False, holding nothing, when
        Slack would refuse it."""
        if self._places.get(meeting_id) == (channel, post_at):
            return True
        self.give_back(meeting_id)
        if self._refused.get((channel, post_at), 0.0) > now:
            return False
        held = self._held.setdefault(channel, [])
        gone = bisect.bisect_right(held, (int(now), float("inf")))
        for _, posted in held[:gone]:  # posted already: Slack holds them no more
            self._places.pop(posted, None)
        del held[:gone]
        near = bisect.bisect_left(held, (post_at + WINDOW,)) - bisect.bisect_right(
            held, (post_at - WINDOW, float("inf"))
        )
        if near >= LIMIT:
            return False
        bisect.insort(held, (post_at, meeting_id))
        self._places[meeting_id] = (channel, post_at)
        return True

    def give_back(self, meeting_id: int) -> None:
        """The meeting's place is free again (its call failed, it was deleted, it ended)."""
        place = self._places.pop(meeting_id, None)
        if place is None:
            return
        channel, post_at = place
        held = self._held.get(channel, [])
        i = bisect.bisect_left(held, (post_at, meeting_id))
        if i < len(held) and held[i] == (post_at, meeting_id):
            del held[i]
        if not held:
            self._held.pop(channel, None)

    def refused(self, meeting_id: int, channel: str, post_at: int, now: float) -> None:
        """Slack said the channel is full around `post_at`: not asked again for a while."""
        self.give_back(meeting_id)
        for key in [key for key, until in self._refused.items() if until <= now]:
            del self._refused[key]
        self._refused[(channel, post_at)] = now + REFUSED_FOR

    def freed(self, meeting_id: int, channel: str) -> None:
        """The meeting's scheduled reminder was deleted: its place, and any place Slack
        refused in the channel, may be taken again."""
        self.give_back(meeting_id)
        for key in [key for key in self._refused if key[0] == channel]:
            del self._refused[key]
