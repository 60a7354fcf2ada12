"""Skipping one occurrence of a series (issue 15): `/zoom skip standup dec 24` (a word of its
topic), `/zoom skip <ID> dec 24`, and the Skip one… button's modal (a choice of the next
occurrences). Zoom deletes the occurrence (`DELETE /meetings/{id}?occurrence_id=…`); the
store keeps it as skipped, and the series' message strikes it through. The checks and their
order are bot/flows/move.py's; a second skip of the same occurrence changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.errors import Refused
from bot.flows import changes, followups
from bot.flows.answers import Outcome, OutcomeKind, guarded
from bot.flows.manage import LAST, parse_meeting_id
from bot.flows.services import Services
from bot.reading.moves import read_day
from bot.reading.results import Refusal
from bot.render import move as view
from bot.render import sentences
from bot.render.words import escape
from bot.store.protocol import OccurrenceChange
from bot.store.rows import iso, meeting_from_row, occurrences_json
from zoom import Meeting, Occurrence, ZoomClient, ZoomError


async def skip(
    services: Services,
    requester: str,
    *,
    target: str,
    day: str | None,
    occurrence_id: str | None,
    channel: str | None,
    response_url: str | None,
    key: str,
) -> Outcome:
    """Skip the occurrence of the series `target` names (an ID, `last`, or words of its
    topic) on `day`, or the one `occurrence_id` names (the modal)."""

    async def work() -> Outcome:
        if not await changes.first_time(services, key):
            return Outcome(OutcomeKind.UNCHANGED, "repeated request")
        meeting_id = await find_series(services, requester, target, channel)
        doing = "skip meetings of this series"
        async with changes.changing(services, requester, meeting_id, doing) as meeting:
            if not view.is_recurring(meeting):
                raise Refused(
                    "That meeting is not a series: cancel it with "
                    f"`/zoom cancel {meeting_id}`, or move it with `/zoom move {meeting_id} to …`.",
                    "not a series",
                )
            now = services.clock()
            zone = meeting.timezone or "UTC"
            zoom = await services.zoom_for_meeting(meeting.host_id, requester)
            fresh = await zoom.get_meeting(meeting_id)
            occurrence = _chosen(fresh.occurrences, day, occurrence_id, zone, now)
            if occurrence is None:
                on = read_day(day or "", zone, now)
                shown = on if isinstance(on, date) else now.date()
                raise Refused(changes.no_occurrence(meeting, fresh, shown, now), "no occurrence")
            first = changes.original_start(occurrence) or occurrence.start_time
            assert first is not None
            if occurrence.status == "deleted":
                message = view.skipped_message(meeting.topic, first, already=True)
                await changes.tell(services, requester, message, channel, response_url)
                return Outcome(OutcomeKind.UNCHANGED, "already skipped", meeting_id=meeting_id)
            await _delete(zoom, meeting_id, occurrence.occurrence_id)
            listed = tuple(
                Occurrence(o.occurrence_id, o.start_time, o.duration, "deleted")
                if o.occurrence_id == occurrence.occurrence_id
                else o
                for o in fresh.occurrences
            )
            await services.store.update_meeting(meeting_id, occurrences=occurrences_json(listed))
            await services.store.change_occurrence(
                OccurrenceChange(
                    meeting_id=meeting_id,
                    occurrence_id=occurrence.occurrence_id,
                    kind=view.ChangeKind.SKIPPED,
                    original_start=iso(first),
                    new_start=None,
                    new_duration=None,
                    changed_by=requester,
                    changed_at=iso(now),
                )
            )
            await changes.refresh(services, meeting_id)
            start = occurrence.start_time or first
            message = view.skipped_message(meeting.topic, start, already=False)
            await changes.tell(services, requester, message, channel, response_url)
            followup = followups.on_cancelled(
                services, meeting, occurrence_id=occurrence.occurrence_id
            )
            await changes.run_followup(services, followup)
            return Outcome(OutcomeKind.SKIPPED, meeting_id=meeting_id)

    return await guarded(services, requester, channel, response_url, work, sentences.SKIP)


async def _delete(zoom: ZoomClient, meeting_id: int, occurrence_id: str) -> None:
    """Delete the occurrence in Zoom. A retry after an attempt that timed out but did the
    delete gets "Invalid occurrence_id" (3000): when Zoom now lists it deleted, it is done."""
    try:
        await zoom.delete_meeting(meeting_id, occurrence_id=occurrence_id)
    except ZoomError as error:
        if error.code != 3000:
            raise
        again = await zoom.get_meeting(meeting_id)
        if not any(
            o.occurrence_id == occurrence_id and o.status == "deleted" for o in again.occurrences
        ):
            raise


def _chosen(
    occurrences: tuple[Occurrence, ...],
    day: str | None,
    occurrence_id: str | None,
    zone: str,
    now: datetime,
) -> Occurrence | None:
    if occurrence_id is not None:
        return next((o for o in occurrences if o.occurrence_id == occurrence_id), None)
    on = read_day(day or "", zone, now)
    if isinstance(on, Refusal):
        raise Refused(on.message, "unreadable day")
    return changes.occurrence_on(occurrences, on, zone)


async def find_series(services: Services, requester: str, target: str, channel: str | None) -> int:
    """The series `target` names: its ID, `last`, or words of its topic (the requester's
    upcoming series, in this channel first)."""
    if target.strip().lower() in LAST:
        return await changes.last_in_channel(services, requester, channel, series_only=True)
    meeting_id = parse_meeting_id(target)
    if meeting_id is not None:
        return meeting_id
    words = target.lower().split()
    for where in (channel, None) if channel else (None,):
        rows = await changes.upcoming_rows(services, requester, where)
        found = [
            row
            for row in rows
            if view.is_recurring(meeting_from_row(row))
            and all(w in str(row.get("topic") or "").lower() for w in words)
        ]
        if found:
            return int(found[0]["zoom_id"])
    raise Refused(
        f"You have no upcoming series called “{escape(target)}” made by zoombot. Name it by a "
        "word of its topic or its ID, like `/zoom skip standup dec 24` (`/zoom list` shows "
        "yours).",
        "no such series",
    )


async def open_skip(services: Services, pressed: changes.Pressed) -> Outcome:
    """The Skip one… button: the same checks as a skip, then a choice of the next
    occurrences (from the stored series, not skipped ones)."""

    async def modal(meeting: Meeting, now: datetime) -> dict[str, Any]:
        earlier = view.changes_from(await services.store.occurrence_changes(meeting.id))
        choices = _choices(meeting, earlier, now)
        if not choices:
            raise Refused("That series has no meeting ahead to skip.", "nothing ahead")
        return view.skip_modal(meeting, choices, pressed.channel)

    doing = "skip meetings of this series"
    return await changes.open_modal(services, pressed, "skip", doing, sentences.SKIP, modal)


def _choices(meeting: Meeting, earlier: view.Changes, now: datetime) -> list[tuple[str, datetime]]:
    """(occurrence_id, start) of the next occurrences not skipped."""
    listed = [
        (o.occurrence_id, o.start_time)
        for o in meeting.occurrences
        if o.start_time is not None
        and o.start_time >= now
        and o.status != "deleted"
        and o.occurrence_id not in earlier.skipped_ids
    ]
    if listed or meeting.occurrences:
        return sorted(listed, key=lambda pair: pair[1])[: view.SKIP_CHOICES]
    starts = view.upcoming(meeting, earlier, now, view.SKIP_CHOICES)
    # Zoom names an occurrence by its first start in epoch milliseconds.
    return [(str(int(s.timestamp() * 1000)), s) for s, gone in starts if not gone]
