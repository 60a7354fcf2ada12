"""Moving a meeting (issue 15): `/zoom move <ID|last> to thu 3pm`, `/zoom push last 30 min`,
`/zoom move <ID> on dec 24 to 11am` (one occurrence of a series), and the Reschedule button's
modal, whose one text field is read the same way (bot/reading/moves.py).

Each runs inside the one guard (bot/flows/answers.py): a failure is a private sentence. What
every change does, in order: a repeat of the same Slack request (`key`) changes nothing; the
meeting is found (`last` = the requester's latest upcoming meeting in this channel); only its
requester or its host may change it; a cancelled, live or finished meeting is not moved; Zoom
is changed (`PATCH /meetings/{id}`, with `occurrence_id` for one occurrence), then the store
(the meeting's row and an `occurrence_changes` row), then the channel message (re-rendered
from the store, so its calendar links follow), then the requester is told, then
`followups.on_moved` runs. Skipping one occurrence is bot/flows/skip.py; both use the
helpers in bot/flows/changes.py.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime
from typing import Any

from bot.errors import Refused
from bot.flows import followups
from bot.flows.answers import Outcome, OutcomeKind, guarded
from bot.flows.changes import (
    Pressed,
    changing,
    find_meeting,
    first_time,
    no_occurrence,
    occurrence_on,
    open_modal,
    original_start,
    refresh,
    run_followup,
    tell,
    zoom_time,
)
from bot.flows.services import Services
from bot.reading.moves import Verb, read_change, read_day, split_command, split_occurrence
from bot.reading.results import Refusal
from bot.render import move as view
from bot.render import sentences
from bot.store.protocol import OccurrenceChange
from bot.store.rows import iso, occurrences_json
from zoom import Meeting

log = logging.getLogger("zoombot.scheduling")

USAGE = (
    "Tell me which meeting and when: `/zoom move last to thu 3pm`, `/zoom push last 30 min`, "
    "`/zoom move 812 3456 7890 to same time next week`, or for one meeting of a series "
    "`/zoom move 812 3456 7890 on dec 24 to 11am` and `/zoom skip standup dec 24`."
)


async def command(
    services: Services,
    requester: str,
    sub: str,
    rest: str,
    response_url: str | None,
    channel: str | None,
    key: str,
) -> Outcome:
    """`/zoom move|reschedule|push|skip …` (the listener checked `split_command` matches)."""
    from bot.flows import skip

    parsed = split_command(sub, rest)
    if parsed is None:

        async def usage() -> Outcome:
            raise Refused(USAGE, "unreadable command")

        return await guarded(services, requester, channel, response_url, usage, sentences.MOVE)
    if parsed.verb is Verb.SKIP:
        return await skip.skip(
            services,
            requester,
            target=parsed.target,
            day=parsed.day,
            occurrence_id=None,
            channel=channel,
            response_url=response_url,
            key=key,
        )
    return await move(
        services,
        requester,
        target=parsed.target,
        text=parsed.change,
        day=parsed.day,
        channel=channel,
        response_url=response_url,
        key=key,
    )


async def move(
    services: Services,
    requester: str,
    *,
    target: str,
    text: str,
    day: str | None,
    channel: str | None,
    response_url: str | None,
    key: str,
) -> Outcome:
    """Move the meeting `target` names (its ID or `last`), or with `day` its occurrence that
    day, as `text` says."""

    async def work() -> Outcome:
        if not await first_time(services, key):
            return Outcome(OutcomeKind.UNCHANGED, "repeated request")
        meeting_id = await find_meeting(services, requester, target, channel)
        async with changing(services, requester, meeting_id, "move this meeting") as meeting:
            one = split_occurrence(text) if day is None and view.is_recurring(meeting) else None
            if one is not None:  # the Reschedule field of a series: "dec 24 to 11am"
                return await _move_occurrence(
                    services, requester, meeting, one[1], one[0], channel, response_url
                )
            if day is not None:
                return await _move_occurrence(
                    services, requester, meeting, text, day, channel, response_url
                )
            return await _move_meeting(services, requester, meeting, text, channel, response_url)

    return await guarded(services, requester, channel, response_url, work, sentences.MOVE)


async def _read_move(
    services: Services,
    requester: str,
    text: str,
    start: datetime,
    duration: int,
    zone: str,
    now: datetime,
    on_day: date | None = None,
) -> tuple[datetime, int, str]:
    """The new start and length `text` asks for (what it leaves out stays) and how it was
    read ("pushed 30 minutes"); raises Refused when it cannot be read."""
    change = read_change(
        text,
        start=start,
        duration=duration,
        zone=zone,
        user_zone=await services.requester_zone(requester, fallback=zone),
        now=now,
        on_day=on_day,
    )
    if isinstance(change, Refusal):
        raise Refused(change.message, "unreadable change")
    return change.start or start, change.duration or duration, change.how


async def _move_meeting(
    services: Services,
    requester: str,
    meeting: Meeting,
    text: str,
    channel: str | None,
    response_url: str | None,
) -> Outcome:
    if view.is_recurring(meeting):
        raise Refused(
            "This is a series: move one of its meetings with "
            f"`/zoom move {meeting.id} on dec 24 to 11am` (or Reschedule: `dec 24 to 11am`), "
            f"or skip one with `/zoom skip {meeting.id} dec 24`.",
            "series",
        )
    assert meeting.start_time is not None  # check_open refused instant meetings
    now = services.clock()
    zone = meeting.timezone or "UTC"
    duration = meeting.duration or 30
    new_start, new_duration, how = await _read_move(
        services, requester, text, meeting.start_time, duration, zone, now
    )
    if new_start == meeting.start_time and new_duration == duration:
        await tell(services, requester, view.unchanged_message(meeting), channel, response_url)
        return Outcome(OutcomeKind.UNCHANGED, "same time", meeting_id=meeting.id)
    body: dict[str, Any] = {}
    if new_start != meeting.start_time:
        body["start_time"] = zoom_time(new_start)
    if new_duration != duration:
        body["duration"] = new_duration
    zoom = await services.zoom_for_meeting(meeting.host_id, requester)
    await zoom.update_meeting(meeting.id, body)
    await services.store.update_meeting(
        meeting.id, start_time=iso(new_start), duration=new_duration
    )
    if new_start != meeting.start_time:
        await services.store.change_occurrence(
            OccurrenceChange(
                meeting_id=meeting.id,
                occurrence_id=view.WHOLE_MEETING,
                kind=view.ChangeKind.MOVED,
                original_start=iso(meeting.start_time),
                new_start=iso(new_start),
                new_duration=new_duration,
                changed_by=requester,
                changed_at=iso(now),
            )
        )
    moved = dataclasses.replace(meeting, start_time=new_start, duration=new_duration)
    await refresh(services, meeting.id)
    if new_start == meeting.start_time:
        answer = view.length_message(moved)
    else:
        answer = view.moved_message(moved, meeting.start_time, how)
    await tell(services, requester, answer, channel, response_url)
    await run_followup(services, followups.on_moved(services, moved, meeting.start_time))
    return Outcome(OutcomeKind.MOVED, meeting_id=meeting.id)


async def _move_occurrence(
    services: Services,
    requester: str,
    meeting: Meeting,
    text: str,
    day_text: str,
    channel: str | None,
    response_url: str | None,
) -> Outcome:
    if not view.is_recurring(meeting):
        raise Refused(
            f"That meeting is not a series: move it with `/zoom move {meeting.id} to …`.",
            "not a series",
        )
    now = services.clock()
    zone = meeting.timezone or "UTC"
    day = read_day(day_text, zone, now)
    if isinstance(day, Refusal):
        raise Refused(day.message, "unreadable day")
    zoom = await services.zoom_for_meeting(meeting.host_id, requester)
    fresh = await zoom.get_meeting(meeting.id)
    occurrence = occurrence_on(fresh.occurrences, day, zone)
    if occurrence is None or occurrence.start_time is None:
        raise Refused(no_occurrence(meeting, fresh, day, now), "no occurrence that day")
    duration = occurrence.duration or meeting.duration or 30
    new_start, new_duration, how = await _read_move(
        services, requester, text, occurrence.start_time, duration, zone, now, on_day=day
    )
    if new_start == occurrence.start_time and new_duration == duration:
        shown = dataclasses.replace(meeting, start_time=new_start, duration=new_duration)
        await tell(services, requester, view.unchanged_message(shown), channel, response_url)
        return Outcome(OutcomeKind.UNCHANGED, "same time", meeting_id=meeting.id)
    body: dict[str, Any] = {"start_time": zoom_time(new_start)}
    if new_duration != duration:
        body["duration"] = new_duration
    await zoom.update_meeting(meeting.id, body, occurrence_id=occurrence.occurrence_id)
    listed = tuple(
        dataclasses.replace(o, start_time=new_start, duration=new_duration)
        if o.occurrence_id == occurrence.occurrence_id
        else o
        for o in fresh.occurrences
    )
    await services.store.update_meeting(meeting.id, occurrences=occurrences_json(listed))
    await services.store.change_occurrence(
        OccurrenceChange(
            meeting_id=meeting.id,
            occurrence_id=occurrence.occurrence_id,
            kind=view.ChangeKind.MOVED,
            original_start=iso(original_start(occurrence)),
            new_start=iso(new_start),
            new_duration=new_duration,
            changed_by=requester,
            changed_at=iso(now),
        )
    )
    await refresh(services, meeting.id)
    shown = dataclasses.replace(meeting, start_time=new_start, duration=new_duration)
    answer = view.moved_message(shown, occurrence.start_time, how, occurrence=True)
    await tell(services, requester, answer, channel, response_url)
    await run_followup(
        services,
        followups.on_moved(
            services, shown, occurrence.start_time, occurrence_id=occurrence.occurrence_id
        ),
    )
    return Outcome(OutcomeKind.MOVED, "occurrence", meeting_id=meeting.id)


async def open_reschedule(services: Services, pressed: Pressed) -> Outcome:
    """The Reschedule button: the same checks as a move, then its modal (one text field;
    for a series, one of its meetings: "dec 24 to 11am")."""

    async def modal(meeting: Meeting, now: datetime) -> dict[str, Any]:
        return view.reschedule_modal(meeting, pressed.channel)

    return await open_modal(
        services, pressed, "reschedule", "move this meeting", sentences.MOVE, modal
    )
