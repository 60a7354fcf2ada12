"""Live meetings: Zoom's webhook events keep the channel message true after it is posted.

- `refresh_message(store, poster, settings, meeting_id)` re-renders a meeting's posted
  message from the store and `chat.update`s it (through `Poster`, with its retries). Updates
  of one meeting, and the handling of its Zoom events, are serialised (one lock per meeting,
  dropped when idle), and each renders the latest stored state, so the last one to run
  shows everything.
- `LiveMeetings.accept(event)` handles one verified Zoom event in a tracked background task
  (the webhook is answered first): events for meetings zoombot did not create are ignored; a
  delivery whose `delivery_key` was seen before changes nothing. `drain()` waits for them.
- The rendering is in bot/render/meeting.py; the routes in bot/web/.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.flows import recordings
from bot.posting import Poster, PostFailed
from bot.render import move
from bot.render.followup import with_ended
from bot.render.meeting import render_meeting
from bot.settings import Settings
from bot.slack.workspaces import scope
from bot.store import Store
from bot.store.rows import iso, meeting_from_row, occurrences_json, recurrence_json
from bot.times import parse_utc
from zoom import EventKind, Occurrence, Recurrence, ZoomClient, ZoomEvent

log = logging.getLogger("zoombot.live")


class CallsHook(Protocol):
    """What the Slack Calls flow (bot/flows/calls.py) does around a meeting's update, inside
    the meeting's locks; never raises."""

    async def before_refresh(self, event: ZoomEvent, row: Mapping[str, Any]) -> None: ...
    async def after_refresh(self, event: ZoomEvent, row: Mapping[str, Any]) -> None: ...


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
    async with _locks.hold(meeting_id), store.meeting_lock(meeting_id):
        return await _refresh_held(store, poster, settings, meeting_id)


async def catch_up(store: Store, poster: Poster, settings: Settings, meeting_id: int) -> None:
    """Show a Zoom event that came before the meeting's post was recorded (an instant meeting
    started at once; `Posted.live_status` says so) and found no message to update. A refusal
    from Slack is logged: the post itself is out."""
    try:
        await refresh_message(store, poster, settings, meeting_id)
    except PostFailed as failure:
        log.warning("meeting %s message not updated: %s", meeting_id, failure.error)


@contextlib.asynccontextmanager
async def held(store: Store, meeting_id: int) -> AsyncIterator[None]:
    """Hold the meeting's locks (this process's, then the store's) for the block."""
    async with _locks.hold(meeting_id), store.meeting_lock(meeting_id):
        yield


async def refresh_held(store: Store, poster: Poster, settings: Settings, meeting_id: int) -> bool:
    """`refresh_message` for a caller already inside `held(store, meeting_id)`."""
    return await _refresh_held(store, poster, settings, meeting_id)


async def _refresh_held(store: Store, poster: Poster, settings: Settings, meeting_id: int) -> bool:
    # The caller holds the meeting's lock.
    row = await store.meeting(meeting_id)
    if row is None or not row.get("message_ts") or not row.get("channel"):
        return False
    count = await store.participant_count(meeting_id)
    changes = move.changes_from(await store.occurrence_changes(meeting_id))
    call = await store.slack_call(meeting_id)
    message = render_meeting(
        settings,
        meeting_from_row(row),
        row,
        count,
        datetime.now(UTC),
        changes,
        call_id=(call or {}).get("call_id"),
    )
    if row.get("status") == "ended":  # who joined, and the follow-up button
        message = with_ended(message, row, await store.participant_names(meeting_id))
    await poster.update_message(row["channel"], row["message_ts"], message)
    return True


# -- Zoom events ---------------------------------------------------------------------------------


class LiveMeetings:
    """Applies Zoom's events to stored meetings and their messages."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        poster: Poster,
        calls: CallsHook | None = None,
        zoom: ZoomClient | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.poster = poster
        self.calls = calls  # the Slack Call of each meeting (bot/flows/calls.py)
        self.zoom = zoom  # for what an event asks of Zoom (a recording's summary)
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
        if not outcome.startswith("ignored"):
            await self._reminders_follow(event)

    async def _reminders_follow(self, event: ZoomEvent) -> None:
        """A meeting deleted in Zoom loses its scheduled reminder; one moved (or one of its
        occurrences deleted) gets it for its new next start (bot/flows/reminders.py). Run
        after the meeting's lock is released; never raises."""
        from bot.flows import reminders

        if event.meeting_id is None or event.meeting is None:
            return
        try:
            if event.kind is EventKind.MEETING_DELETED and not event.meeting.occurrence_ids:
                await reminders.delete_reminders(self, event.meeting_id)
            elif event.kind in (EventKind.MEETING_DELETED, EventKind.MEETING_UPDATED):
                if await self.store.reminder(event.meeting_id) is not None:
                    await reminders.reschedule_reminders(self, event.meeting_id)
        except Exception:
            log.exception("meeting %s: reminder not brought up to date", event.meeting_id)

    async def handle(self, event: ZoomEvent) -> str:
        """Apply one event; returns what happened (for the log line).

        The whole handling of one meeting's events is serialised (read, apply, store,
        update the message), so concurrent deliveries cannot interleave. An event about the
        meeting's status (started, ended, deleted) older by `event_ts` than the last one
        applied is ignored: Zoom does not deliver in order."""
        meeting_id = event.meeting_id
        if event.kind in recordings.KINDS:  # replies in the thread: bot/flows/recordings.py
            return await recordings.handle(self.settings, self.store, self.poster, self.zoom, event)
        if meeting_id is None or event.kind in (EventKind.OTHER, EventKind.URL_VALIDATION):
            return "ignored"
        # This process's lock, then every instance's (the store's): in that order always.
        async with _locks.hold(meeting_id), self.store.meeting_lock(meeting_id):
            row = await self.store.meeting(meeting_id)
            if row is None:
                return "ignored: not a meeting zoombot created"
            with scope(row.get("workspace")):
                return await self._handle_held(event, meeting_id, row)

    async def _handle_held(self, event: ZoomEvent, meeting_id: int, row: Mapping[str, Any]) -> str:
        """`handle` for a meeting zoombot holds, its locks held, as work for its workspace."""
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
        if self.calls is not None:
            await self.calls.before_refresh(event, row)
        updated = await _refresh_held(self.store, self.poster, self.settings, meeting_id)
        if self.calls is not None:
            await self.calls.after_refresh(event, row)
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
            earlier = parse_utc(row.get("started_at"))
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
                if person.user_name:  # who joined, for the ended message
                    await self.store.name_participant(meeting_id, person.key, person.user_name)
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
        merged = _some_occurrences(row, changed, changes)
        if merged is not None:
            # Some occurrences changed (moved one by one, issue 15): Zoom names only those; the
            # series' own start and length are not what its object's start_time says then.
            changes.pop("start_time", None)
            changes.pop("duration", None)
            changes["occurrences"] = merged
        elif isinstance(changed.get("occurrences"), list):
            listed = tuple(Occurrence.from_json(o) for o in changed["occurrences"])
            changes["occurrences"] = occurrences_json(listed)
        elif row.get("occurrences") and ({"start_time", "recurrence", "timezone"} & set(changes)):
            changes["occurrences"] = None
        return changes or None


def _some_occurrences(
    row: Mapping[str, Any], changed: Mapping[str, Any], changes: Mapping[str, Any]
) -> str | None:
    """The stored occurrences with those `changed` names updated, when it names fewer than
    are stored, all of them stored, and the recurrence did not change; else None."""
    named = changed.get("occurrences")
    stored = json.loads(row.get("occurrences") or "[]")
    if not isinstance(named, list) or "recurrence" in changes or len(named) >= len(stored):
        return None
    by_id = {str(o.get("occurrence_id")): o for o in named if isinstance(o, dict)}
    if not by_id or not set(by_id) <= {str(o.get("occurrence_id")) for o in stored}:
        return None
    kept = tuple(
        Occurrence.from_json({**o, **by_id.get(str(o.get("occurrence_id")), {})}) for o in stored
    )
    return occurrences_json(kept)


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
