"""A person's own defaults for the meetings they make, over the workspace's (the admin's).

Pure: `preferences_from(settings, row)` merges a stored `preferences` row (bot/store.py)
over the settings. The scheduling flow reads them for every meeting; the Home tab edits them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.settings import Settings

# The default durations the Home tab offers (minutes).
DURATIONS = (15, 30, 45, 60, 90, 120)
# Reminders before a scheduled meeting (minutes; 0 = off) the Home tab and the modal offer
# (bot/flows/reminders.py); the workspace's default is ZOOMBOT_DEFAULT_REMINDER.
REMINDERS = (0, 5, 10, 15, 30)


@dataclass(frozen=True)
class Preferences:
    """What a person's meetings get unless they say otherwise.

    `duration` (minutes) when the text or form gives none; `waiting_room` on or off;
    `post_passcode`: whether the passcode is shown in the channel message (else only to
    the requester, privately). `own` names the ones the person chose themselves."""

    duration: int
    waiting_room: bool
    post_passcode: bool
    own: frozenset[str] = frozenset()
    # Minutes before a scheduled meeting its reminder is posted in the thread; 0 = off.
    reminder: int = Settings.default_reminder


def preferences_from(settings: Settings, row: Mapping[str, Any] | None) -> Preferences:
    """The person's stored choices where they made one, else the workspace defaults."""
    row = row or {}
    own = frozenset(
        name for name in ("duration", "waiting_room", "post_passcode") if row.get(name) is not None
    )
    duration = row.get("duration")
    waiting_room = row.get("waiting_room")
    post_passcode = row.get("post_passcode")
    reminder = row.get("reminder_minutes")
    return Preferences(
        duration=int(duration) if duration is not None else settings.default_duration,
        waiting_room=bool(waiting_room) if waiting_room is not None else settings.waiting_room,
        post_passcode=(
            bool(post_passcode) if post_passcode is not None else settings.post_passcode
        ),
        own=own,
        reminder=int(reminder) if reminder is not None else settings.default_reminder,
    )
