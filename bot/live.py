"""Live meetings: Zoom's webhook events keep the channel message true after it is posted.

What a caller may rely on:

- `render_meeting(settings, row, participants)` is the channel message for a stored meeting
  row, in whatever state the store says (posted, live, ended, cancelled), through the one
  renderer `bot.messages.meeting_message`. `render_new` is the same for a meeting just
  created (the first post). The passcode appears in the message and in its calendar links
  only when the meeting's `show_passcode` says so; the start_url never.
- `refresh_message(store, poster, settings, meeting_id)` re-renders a meeting's posted
  message from the store and `chat.update`s it (through `Poster`, with its retries). Updates
  of one meeting, and the handling of its Zoom events, are serialised (one lock per meeting,
  dropped when idle), and each renders the latest stored state, so the last one to run
  shows everything.
- `LiveMeetings.accept(event)` handles one verified Zoom event in a tracked background task
  (the webhook is answered first): events for meetings zoombot did not create are ignored; a
  delivery whose `delivery_key` was seen before changes nothing. `drain()` waits for them.
- The routes `POST /zoom/events` and `GET /calendar/{meeting_id}.ics` are in bot/web/.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from bot.posting import Poster, PostFailed
from bot.render import calendar, messages
from bot.settings import Settings
from bot.store import Store
from zoom import EventKind, Meeting, Occurrence, Recurrence, ZoomEvent

log = logging.getLogger("zoombot.live")

# How many upcoming occurrences a recurring meeting's message lists.
NEXT_OCCURRENCES = 3
OUTLOOK_COMPOSE_URL = "https://outlook.office.com/calendar/0/deeplink/compose"
RECURRING_TYPES = (3, 8)


# -- stored rows ↔ meetings --------------------------------------------------------------------


def iso(moment: datetime) -> str:
    """An aware datetime as the store keeps times: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat()


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def recurrence_json(recurrence: Recurrence | None) -> str | None:
    return json.dumps(asdict(recurrence)) if recurrence is not None else None


def occurrences_json(occurrences: tuple[Occurrence, ...]) -> str | None:
    if not occurrences:
        return None
    return json.dumps(
        [
            {
                "occurrence_id": o.occurrence_id,
                "start_time": iso(o.start_time) if o.start_time else None,
                "duration": o.duration,
                "status": o.status,
            }
            for o in occurrences
        ]
    )


def meeting_columns(meeting: Meeting, *, host_name: str, show_passcode: bool) -> dict[str, Any]:
    """The columns `render_meeting` needs beyond what the flow records anyway."""
    return {
        "join_url": meeting.join_url,
        "passcode": meeting.password,
        "show_passcode": int(show_passcode),
        "host_name": host_name,
        "recurrence": recurrence_json(meeting.recurrence),
        "occurrences": occurrences_json(meeting.occurrences),
    }


def meeting_from_row(row: Mapping[str, Any]) -> Meeting:
    """A stored meeting row as a `zoom.Meeting` (start_url always empty)."""
    recurrence = None
    if row.get("recurrence"):
        recurrence = Recurrence(**json.loads(row["recurrence"]))
    occurrences = tuple(
        Occurrence(
            occurrence_id=str(o["occurrence_id"]),
            start_time=_time(o.get("start_time")),
            duration=o.get("duration"),
            status=o.get("status"),
        )
        for o in json.loads(row.get("occurrences") or "[]")
    )
    return Meeting(
        id=int(row["zoom_id"]),
        uuid=row.get("uuid") or "",
        topic=row.get("topic") or "Zoom meeting",
        type=int(row.get("type") or 2),
        start_time=_time(row.get("start_time")),
        duration=row.get("duration"),
        timezone=row.get("timezone"),
        join_url=row.get("join_url") or "",
        password=row.get("passcode"),
        host_id=row.get("host_zoom_id"),
        host_email=row.get("host_email"),
        recurrence=recurrence,
        occurrences=occurrences,
    )


def state_from_row(row: Mapping[str, Any], participants: int | None) -> messages.LiveState:
    status = row.get("status")
    return messages.LiveState(
        status=status,
        started_at=_time(row.get("started_at")),
        ended_at=_time(row.get("ended_at")),
        participants=participants if status == "live" else None,
        cancelled_by=row.get("cancelled_by"),
    )


# -- calendar links ----------------------------------------------------------------------------


def ics_signature(key: bytes, meeting_id: int) -> str:
    """The `sig` of a meeting's .ics URL: HMAC-SHA256 of the id under the calendar key (the
    store's `secret("calendar")`, `settings.calendar_key`). Refuses an empty key."""
    if not key:
        raise ValueError("the calendar key is empty")
    message = f"calendar:{int(meeting_id)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def ics_url(settings: Settings, meeting_id: int) -> str | None:
    """Where the app serves the meeting's .ics, or None without ZOOMBOT_PUBLIC_URL (or
    without a calendar key)."""
    if not settings.public_url or not settings.calendar_key:
        return None
    sig = ics_signature(settings.calendar_key, meeting_id)
    return f"{settings.public_url}/calendar/{int(meeting_id)}.ics?sig={sig}"


def shown_meeting(meeting: Meeting, *, show_passcode: bool) -> Meeting:
    """`meeting` as it may be shown to a channel: without the passcode, nor the `pwd` in its
    join URL, unless `show_passcode`."""
    if show_passcode:
        return meeting
    return dataclasses.replace(
        meeting,
        join_url=messages.join_url_without_passcode(meeting.join_url),
        password=None,
    )


def calendar_details(meeting: Meeting, *, include_passcode: bool) -> str:
    """The event's description: the join link, the meeting ID and (if allowed) the passcode;
    without `include_passcode` the join link carries no `pwd` either."""
    meeting = shown_meeting(meeting, show_passcode=include_passcode)
    lines = [f"Join Zoom meeting: {meeting.join_url}"]
    lines.append(f"Meeting ID: {messages.format_meeting_id(meeting.id)}")
    if include_passcode and meeting.password:
        lines.append(f"Passcode: {meeting.password}")
    return "\n".join(lines)


def outlook_url(meeting: Meeting, *, details: str) -> str | None:
    """Outlook on the web's compose link for a one-off meeting (it takes no recurrence)."""
    if meeting.type in RECURRING_TYPES or meeting.start_time is None:
        return None
    end = meeting.start_time + timedelta(minutes=meeting.duration or calendar.DEFAULT_DURATION)
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": meeting.topic,
        "startdt": meeting.start_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": details,
        "location": meeting.join_url,
    }
    return OUTLOOK_COMPOSE_URL + "?" + urlencode(params, quote_via=quote)


def calendar_links(settings: Settings, meeting: Meeting, *, show_passcode: bool):
    """Google and Outlook links, and the .ics link when ZOOMBOT_PUBLIC_URL is set. None for
    an instant or no-fixed-time meeting (nothing to put in a calendar)."""
    if meeting.type == 1 or (meeting.start_time is None and not meeting.occurrences):
        return None
    meeting = shown_meeting(meeting, show_passcode=show_passcode)
    details = calendar_details(meeting, include_passcode=show_passcode)
    return messages.CalendarLinks(
        google=calendar.google_calendar_url(meeting, details=details),
        ics=ics_url(settings, meeting.id),
        outlook=outlook_url(meeting, details=details),
    )


def next_starts(meeting: Meeting, now: datetime, count: int = NEXT_OCCURRENCES) -> list[datetime]:
    """The next starts of a recurring meeting: Zoom's `occurrences` when it listed them (not
    deleted ones), else computed from its recurrence. Empty for a one-off meeting."""
    if meeting.type not in RECURRING_TYPES:
        return []
    listed = sorted(
        o.start_time
        for o in meeting.occurrences
        if o.start_time is not None and o.status != "deleted" and o.start_time >= now
    )
    if meeting.occurrences:
        return listed[:count]
    if meeting.recurrence is None or meeting.start_time is None:
        return []
    return calendar.next_occurrences(
        meeting.recurrence, meeting.start_time, meeting.timezone or "UTC", count, after=now
    )


# -- rendering -----------------------------------------------------------------------------------


def render_new(
    settings: Settings,
    meeting: Meeting,
    *,
    host_name: str,
    requester_id: str,
    show_passcode: bool,
    now: datetime,
) -> messages.Message:
    """The first post of a meeting just created."""
    return messages.meeting_message(
        meeting,
        host_name=host_name,
        requester_id=requester_id,
        show_passcode=show_passcode,
        calendar=calendar_links(settings, meeting, show_passcode=show_passcode),
        next_starts=next_starts(meeting, now),
    )


def render_meeting(
    settings: Settings, row: Mapping[str, Any], participants: int | None, now: datetime
) -> messages.Message:
    """The channel message for a stored meeting row in its stored state."""
    meeting = meeting_from_row(row)
    show = bool(row.get("show_passcode")) if row.get("show_passcode") is not None else False
    return messages.meeting_message(
        meeting,
        host_name=row.get("host_name") or row.get("host_email") or "Zoom",
        requester_id=row.get("requester") or "",
        show_passcode=show,
        state=state_from_row(row, participants),
        calendar=calendar_links(settings, meeting, show_passcode=show),
        next_starts=next_starts(meeting, now),
    )


class _MeetingLocks:
    """One asyncio.Lock per meeting id, held while anything updates that meeting's row or
    message; a lock is dropped once nobody holds or waits for it, so the table stays as
    small as the number of meetings busy right now."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def hold(self, meeting_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(meeting_id, (asyncio.Lock(), 0))
        self._locks[meeting_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[meeting_id]
            if users <= 1:
                del self._locks[meeting_id]
            else:
                self._locks[meeting_id] = (lock, users - 1)


_locks = _MeetingLocks()


async def refresh_message(
    store: Store, poster: Poster, settings: Settings, meeting_id: int
) -> bool:
    """Re-render the meeting's channel message from the store and update it in Slack.

    False when there is nothing to update (not ours, or posted through a response_url,
    which leaves no message the bot can edit). Raises PostFailed when Slack refuses."""
    async with _locks.hold(meeting_id):
        return await _refresh_held(store, poster, settings, meeting_id)


async def _refresh_held(store: Store, poster: Poster, settings: Settings, meeting_id: int) -> bool:
    # The caller holds the meeting's lock.
    row = await store.meeting(meeting_id)
    if row is None or not row.get("message_ts") or not row.get("channel"):
        return False
    count = await store.participant_count(meeting_id)
    message = render_meeting(settings, row, count, datetime.now(UTC))
    await poster.update_message(row["channel"], row["message_ts"], message)
    return True


# -- Zoom events ---------------------------------------------------------------------------------


class LiveMeetings:
    """Applies Zoom's events to stored meetings and their messages."""

    def __init__(self, settings: Settings, store: Store, poster: Poster) -> None:
        self.settings = settings
        self.store = store
        self.poster = poster
        self._tasks: set[asyncio.Task[None]] = set()

    def accept(self, event: ZoomEvent) -> None:
        """Handle `event` after the webhook is answered, in a tracked task."""
        task = asyncio.create_task(self._handle_logged(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        """Zoom events still being handled."""
        return len(self._tasks)

    async def drain(self, seconds: float = 10.0) -> None:
        """Wait (up to `seconds`) for the events being handled."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=seconds)

    async def _handle_logged(self, event: ZoomEvent) -> None:
        try:
            outcome = await self.handle(event)
        except PostFailed as failure:
            outcome = f"message not updated: {failure.error}"
        except Exception:
            log.exception("zoom event %s for meeting %s failed", event.event, event.meeting_id)
            return
        log.info("zoom event %s meeting=%s: %s", event.event, event.meeting_id, outcome)

    async def handle(self, event: ZoomEvent) -> str:
        """Apply one event; returns what happened (for the log line).

        The whole handling of one meeting's events is serialised (read, apply, store,
        update the message), so concurrent deliveries cannot interleave. An event about the
        meeting's status (started, ended, deleted) older by `event_ts` than the last one
        applied is ignored: Zoom does not deliver in order."""
        meeting_id = event.meeting_id
        if meeting_id is None or event.kind in (EventKind.OTHER, EventKind.URL_VALIDATION):
            return "ignored"
        async with _locks.hold(meeting_id):
            row = await self.store.meeting(meeting_id)
            if row is None:
                return "ignored: not a meeting zoombot created"
            if not await self.store.first_delivery(event.delivery_key):
                return "ignored: repeated delivery"
            status_event = _is_status_event(event)
            if status_event and _older(event, row):
                return "ignored: older than the status already shown"
            changes = await self._apply(event, row)
            if changes is None:
                return "no change"
            if status_event and event.event_ts is not None:
                changes["status_event_ts"] = event.event_ts
            if changes:
                await self.store.update_meeting(meeting_id, **changes)
            updated = await _refresh_held(self.store, self.poster, self.settings, meeting_id)
            return "message updated" if updated else "stored (no message to update)"

    async def _apply(self, event: ZoomEvent, row: Mapping[str, Any]) -> dict[str, Any] | None:
        """The row changes an event makes, or None when it changes nothing visible."""
        assert event.meeting is not None
        at = event.occurred_at or datetime.now(UTC)
        status = row.get("status")
        meeting_id = int(row["zoom_id"])
        if event.kind is EventKind.MEETING_DELETED:
            if event.meeting.occurrence_ids:
                return self._drop_occurrences(row, set(event.meeting.occurrence_ids))
            if status == "cancelled":
                return None  # cancelled from Slack: this is Zoom confirming it
            return {"status": "cancelled", "cancelled_at": iso(at), "state": "cancelled"}
        if status == "cancelled":
            return None
        if event.kind is EventKind.MEETING_STARTED:
            started = event.meeting.start_time or at
            earlier = _time(row.get("started_at"))
            # Only a new run of the meeting starts from nobody: people who joined before
            # this start event arrived (status already live from their join) stay counted.
            if status == "ended" or (earlier is not None and earlier < started):
                await self.store.forget_participants(meeting_id)
            return {"status": "live", "started_at": iso(started), "ended_at": None}
        if event.kind is EventKind.MEETING_ENDED:
            changes = {"status": "ended", "ended_at": iso(event.meeting.end_time or at)}
            if event.meeting.start_time is not None:
                changes["started_at"] = iso(event.meeting.start_time)
            return changes
        if event.kind in (EventKind.PARTICIPANT_JOINED, EventKind.PARTICIPANT_LEFT):
            person = event.participant
            if person is None or not person.key:
                return None
            if event.kind is EventKind.PARTICIPANT_JOINED:
                when = iso(person.join_time or at)
                await self.store.participant_joined(meeting_id, person.key, when)
            else:
                when = iso(person.leave_time or at)
                await self.store.participant_left(meeting_id, person.key, when)
            if status == "ended":
                return None
            # A join before the start event arrived: the meeting is live all the same.
            return {} if status == "live" else {"status": "live", "started_at": iso(at)}
        if event.kind is EventKind.MEETING_UPDATED:
            return self._updated(event, row)
        return None

    @staticmethod
    def _drop_occurrences(row: Mapping[str, Any], gone: set[str]) -> dict[str, Any] | None:
        listed = json.loads(row.get("occurrences") or "[]")
        kept = [o for o in listed if str(o.get("occurrence_id")) not in gone]
        if len(kept) == len(listed):
            return None
        return {"occurrences": json.dumps(kept) if kept else None}

    @staticmethod
    def _updated(event: ZoomEvent, row: Mapping[str, Any]) -> dict[str, Any] | None:
        meeting = event.meeting
        assert meeting is not None
        changes: dict[str, Any] = {}
        if meeting.topic:
            changes["topic"] = meeting.topic
        if meeting.start_time is not None:
            changes["start_time"] = iso(meeting.start_time)
        if meeting.duration is not None:
            changes["duration"] = meeting.duration
        if meeting.timezone:
            changes["timezone"] = meeting.timezone
        # A recurring meeting's series moved: Zoom sends its new recurrence (when that
        # changed) and the occurrences only when it lists them; the stored list is stale
        # otherwise, and the next starts are worked out from the new time and recurrence.
        changed = event.raw.get("payload", {}).get("object", {})
        if isinstance(changed.get("recurrence"), dict):
            changes["recurrence"] = recurrence_json(Recurrence.from_json(changed["recurrence"]))
        if isinstance(changed.get("occurrences"), list):
            listed = tuple(Occurrence.from_json(o) for o in changed["occurrences"])
            changes["occurrences"] = occurrences_json(listed)
        elif row.get("occurrences") and ({"start_time", "recurrence", "timezone"} & set(changes)):
            changes["occurrences"] = None
        return changes or None


STATUS_EVENTS = (EventKind.MEETING_STARTED, EventKind.MEETING_ENDED, EventKind.MEETING_DELETED)


def _is_status_event(event: ZoomEvent) -> bool:
    """Started, ended, or the whole meeting deleted (not one occurrence of it)."""
    if event.kind is EventKind.MEETING_DELETED:
        return not (event.meeting and event.meeting.occurrence_ids)
    return event.kind in STATUS_EVENTS


def _older(event: ZoomEvent, row: Mapping[str, Any]) -> bool:
    """True when `event` was sent before the status event already applied to `row`."""
    last = row.get("status_event_ts")
    return event.event_ts is not None and last is not None and event.event_ts < int(last)
