"""What else follows a meeting's move or cancellation (issue 15): the hook the move and skip
flows call once the change is made in Zoom, stored and shown. Empty for now: the reminders
(`chat.scheduleMessage`, branch `remind`) fill it to move or delete what they scheduled.

Contract: called after the Zoom change succeeded and the store holds the new state (`meeting`
is `meeting_from_row` of the updated row); never raises (a failure here must not undo or
hide the move: log it); may be slow (it runs after the requester's answer is sent).
"""

from __future__ import annotations

from datetime import datetime

from bot.flows.services import Services
from zoom import Meeting


async def on_moved(
    services: Services,
    meeting: Meeting,
    old_start: datetime | None,
    *,
    occurrence_id: str | None = None,
) -> None:
    """`meeting` now starts at `meeting.start_time` instead of `old_start`; with
    `occurrence_id`, only that occurrence of the series moved (to the start the store's
    `occurrence_changes` row for it says)."""
    return None


async def on_cancelled(
    services: Services, meeting: Meeting, *, occurrence_id: str | None = None
) -> None:
    """`meeting` was cancelled; with `occurrence_id`, only that occurrence was skipped."""
    return None
