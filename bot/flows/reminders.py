"""Reminders before scheduled meetings, scheduled in Slack (`chat.scheduleMessage`), so they
post even while zoombot is down or restarting.

One `reminders` row per meeting (bot/store): `minutes` before each start (0 = off), the
Slack `scheduled_message_id` of the next start's reminder, its `post_at`, and `check_at`:
when the reminders pass (`keep_up`, at start and every half minute) looks at it again.

- The row is the durable to-do, written BEFORE the meeting's message is posted: the create
  flow writes `to_do(meeting, minutes, channel)` with the meeting (`plan` writes it alone), and
  `after_post(services, meeting_id)` schedules it in the post's thread once the post has
  its ts. A process dying in between leaves it to the next start's pass. Neither raises.
- The first reminder is also shown in the channel (`reply_broadcast`); a series' later ones
  only in the thread, each scheduled once the one before has posted (Slack takes at most
  120 days ahead: a later one waits; `time_in_past` moves on to the next start or ends).
- `delete_reminders(services, meeting)` deletes the scheduled message and ends the row (the
  cancel paths); `reschedule_reminders(services, meeting)` replaces it with one for the
  meeting's stored (new) start. `meeting`: an id, a stored row or a `zoom.Meeting`.

Each meeting's reminder is changed under its lock (this process's, then the store's), so
the pass and a flow never schedule it twice; the locks are not reentrant, so callers must
NOT hold `store.meeting_lock` (nor bot/flows/live.py's lock) when they call these.
`services` needs only `.settings`, `.store` and `.poster`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.errors import StoreUnavailable
from bot.flows.reminder_budget import ChannelBudget
from bot.posting import Poster, PostFailed
from bot.render.reminders import MIN_LEAD, next_reminder, reminder_message
from bot.settings import Settings
from bot.slack.failures import checked
from bot.slack.workspaces import scope
from bot.store import Store
from bot.store.rows import iso, meeting_from_row, meeting_id_of
from bot.times import parse_utc
from zoom import INSTANT, Meeting

log = logging.getLogger("zoombot.reminders")

# Slack schedules at most 120 days ahead; a day is kept in hand.
SLACK_AHEAD = timedelta(days=120)
AHEAD = SLACK_AHEAD - timedelta(days=1)
RETRY_AFTER = 300.0  # a failure that may pass (Slack down, rate limited)
WAIT_FOR_POST = 60.0  # the meeting's message is not posted yet: look again in a minute
GIVE_UP_POST = 2 * 3600.0  # … and stop waiting for it after this long
AFTER_POST_AT = 60.0  # look again this long after a reminder posted (a series' next one)
# Slack holds 30 scheduled messages per channel within 5 minutes: bot/flows/reminder_budget.py.
FULL = "restricted_too_many"
FULL_CHANNEL = f"{FULL} (Slack holds 30 scheduled messages in this channel within 5 minutes)"
budget = ChannelBudget()

# The wall clock (epoch seconds); tests of the pass set another.
clock: Callable[[], float] = time.time


class ReminderState(StrEnum):
    PENDING = "pending"  # to schedule (or reschedule) when `check_at` comes
    SCHEDULED = "scheduled"  # in Slack; looked at again after it posted
    DONE = "done"  # nothing more to remind of


class HasStoreAndPoster(Protocol):
    settings: Settings
    store: Store
    poster: Poster


_held: dict[int, tuple[asyncio.Lock, int]] = {}  # meeting id -> (lock, holders and waiters)


@contextlib.asynccontextmanager
async def _lock(
    parts: HasStoreAndPoster, meeting_id: int
) -> AsyncIterator[Mapping[str, Any] | None]:
    """Hold the meeting's reminder lock; yields its stored row (None: not a meeting zoombot
    made), read under the lock."""
    lock, users = _held.get(meeting_id, (asyncio.Lock(), 0))
    _held[meeting_id] = (lock, users + 1)
    try:
        async with lock, parts.store.meeting_lock(meeting_id):
            # Slack calls made here are for the meeting's workspace (several workspaces:
            # the reminders pass runs outside any Slack request).
            stored = await parts.store.meeting(meeting_id)
            with scope((stored or {}).get("workspace")):
                yield stored
    finally:
        lock, users = _held[meeting_id]
        if users <= 1:
            del _held[meeting_id]
        else:
            _held[meeting_id] = (lock, users - 1)


def to_do(meeting: Meeting, minutes: int, channel: str | None = None) -> dict[str, Any] | None:
    """The meeting's reminder row as planned before its message is posted (the create flow
    writes it with the meeting, `store.record_created(…, reminder=)`), or None for an
    instant meeting. One that `channel` has no room for (see `budget`) is planned as ended."""
    if meeting.type == INSTANT:
        return None
    now = clock()
    row = {
        "minutes": max(0, int(minutes)),
        "state": ReminderState.PENDING if minutes > 0 else ReminderState.DONE,
        "check_at": now,
        "broadcast_done": 0,
    }
    target = next_reminder(meeting, minutes, datetime.fromtimestamp(now, UTC)) if channel else None
    if target and not budget.take(meeting.id, str(channel), int(target[1].timestamp()), now):
        log.debug("meeting %s: no reminder: %s", meeting.id, FULL_CHANNEL)
        row.update(state=ReminderState.DONE, last_error=FULL_CHANNEL)
    return row


def wanted(row: Mapping[str, Any] | None) -> bool:
    """Whether a planned row (`to_do`) has a reminder for `after_post` to schedule."""
    return row is not None and row["state"] == ReminderState.PENDING


async def plan(parts: HasStoreAndPoster, meeting: Meeting, minutes: int) -> bool:
    """Write the meeting's reminder to-do (`to_do`) on its own, before its message is
    posted (see the module docstring). True when there is a reminder for `after_post` to
    schedule. Never raises."""
    row = to_do(meeting, minutes)
    if row is None:
        return False
    try:
        await parts.store.save_reminder(meeting.id, **row)
    except Exception:
        log.exception("meeting %s: reminder not planned", meeting.id)
        return False
    return wanted(row)


async def after_post(parts: HasStoreAndPoster, meeting_id: int) -> None:
    """Schedule the meeting's reminder now that its message is posted. Never raises (the
    reminders pass tries again what failed here)."""
    try:
        outcome = await sync(parts, meeting_id)
        # DEBUG: the request's own line says the meeting was made, and a refusal has its
        # own line (`_failed`).
        log.debug("meeting %s reminder: %s", meeting_id, outcome)
    except Exception:
        log.exception("meeting %s: reminder not scheduled (the next pass tries again)", meeting_id)


async def keep_up(parts: HasStoreAndPoster, now: float | None = None) -> int:
    """The reminders pass: every reminder whose `check_at` has come is scheduled, moved on
    to a series' next start, or ended. Returns how many were looked at. Never raises for a
    store or Slack failure."""
    try:
        due = await parts.store.due_reminders(clock() if now is None else now)
    except StoreUnavailable as error:
        log.warning("reminders not read: %s", error)
        return 0
    for row in due:
        meeting_id = int(row["meeting_id"])
        try:
            outcome = await sync(parts, meeting_id)
        except Exception:
            log.exception("meeting %s: reminder pass failed", meeting_id)
            continue
        log.info("meeting %s reminder: %s", meeting_id, outcome)
    return len(due)


async def reschedule_reminders(
    parts: HasStoreAndPoster, meeting: int | str | Mapping[str, Any] | Meeting
) -> str:
    """The meeting moved (its stored row already says where): replace its scheduled
    reminder with one for its next start. A meeting without a reminder row gets one from its
    requester's preference. Returns what was done; never raises for Slack."""
    meeting_id = meeting_id_of(meeting)
    row = await parts.store.reminder(meeting_id)
    if row is None:
        stored = await parts.store.meeting(meeting_id)
        if stored is None:
            return "not a meeting zoombot made"
        minutes = await _preferred_minutes(parts, stored.get("requester"))
        await parts.store.save_reminder(
            meeting_id, minutes=minutes, state=ReminderState.PENDING, check_at=clock()
        )
    elif int(row.get("minutes") or 0) > 0:
        await parts.store.save_reminder(meeting_id, state=ReminderState.PENDING)
    return await sync(parts, meeting_id, force=True)


async def delete_reminders(
    parts: HasStoreAndPoster, meeting: int | str | Mapping[str, Any] | Meeting
) -> bool:
    """The meeting is cancelled: delete its scheduled reminder in Slack and end the row.
    True when a scheduled message was deleted. Never raises for Slack or the store."""
    meeting_id = meeting_id_of(meeting)
    try:
        async with _lock(parts, meeting_id):
            row = await parts.store.reminder(meeting_id)
            if row is None:
                return False
            deleted = await _unschedule(parts, row)
            await parts.store.save_reminder(
                meeting_id, state=ReminderState.DONE, scheduled_message_id=None
            )
            return deleted
    except StoreUnavailable as error:
        log.warning("meeting %s: reminder not deleted: %s", meeting_id, error)
        return False


async def _preferred_minutes(parts: HasStoreAndPoster, requester: str | None) -> int:
    default = parts.settings.default_reminder
    if not requester:
        return default
    prefs = await parts.store.preferences(requester)
    value = (prefs or {}).get("reminder_minutes")
    return int(value) if value is not None else default


async def _unschedule(parts: HasStoreAndPoster, row: Mapping[str, Any]) -> bool:
    """Delete the row's scheduled message if it has not posted yet, and give back its place
    in the channel (`budget`). True if deleted."""
    budget.give_back(int(row["meeting_id"]))
    scheduled_id, channel = row.get("scheduled_message_id"), row.get("channel")
    if not scheduled_id or not channel:
        return False
    if float(row.get("post_at") or 0) <= clock():
        return False  # posted already: Slack no longer has it
    # One fewer scheduled in the channel: Slack may take another.
    budget.freed(int(row["meeting_id"]), channel)
    try:
        await checked(
            parts.poster.slack.chat_deleteScheduledMessage(
                channel=channel, scheduled_message_id=scheduled_id
            )
        )
    except PostFailed as failure:
        # invalid_scheduled_message_id: posted or deleted already. Anything else: the
        # reminder may still post; said in the log.
        level = logging.INFO if failure.code == "invalid_scheduled_message_id" else logging.WARNING
        log.log(level, "meeting %s: scheduled reminder not deleted: %s", row["meeting_id"], failure)
        return False
    return True


async def sync(parts: HasStoreAndPoster, meeting_id: int, *, force: bool = False) -> str:
    """Bring the meeting's reminder in line with its stored row: scheduled for its next start,
    or ended. `force` replaces a scheduled one even for the same time (the text may have
    changed). Returns what was done (for the log line)."""
    async with _lock(parts, meeting_id) as stored:
        row = await parts.store.reminder(meeting_id)
        if row is None or row.get("state") == ReminderState.DONE:
            return "none"
        return await _sync_held(parts, meeting_id, row, stored, force=force)


async def _sync_held(
    parts: HasStoreAndPoster,
    meeting_id: int,
    row: Mapping[str, Any],
    stored: Mapping[str, Any] | None,
    *,
    force: bool,
) -> str:
    store = parts.store
    now_s = clock()
    now = datetime.fromtimestamp(now_s, UTC)
    minutes = int(row.get("minutes") or 0)
    if (
        stored is None
        or minutes <= 0
        or stored.get("status") == "cancelled"
        or stored.get("state") == "cancelled"
    ):
        await _unschedule(parts, row)
        await store.save_reminder(meeting_id, state=ReminderState.DONE, scheduled_message_id=None)
        return "ended (off, cancelled or unknown)"
    thread = stored.get("thread_ts") or stored.get("message_ts")
    channel = stored.get("channel")
    if not stored.get("message_ts") or not channel:
        made = parse_utc(stored.get("created_at"))
        too_long = made is not None and (now - made).total_seconds() > GIVE_UP_POST
        # Posted through a response_url (the bot is not in the channel): no thread to use.
        if stored.get("state") == "posted" or too_long:
            budget.give_back(meeting_id)
            await store.save_reminder(meeting_id, state=ReminderState.DONE)
            return "ended: the meeting's message was never posted where I can reply"
        await store.save_reminder(meeting_id, check_at=now_s + WAIT_FOR_POST)
        return "waiting for the meeting's message"
    meeting = meeting_from_row(stored)
    target = next_reminder(meeting, minutes, now)
    if target is None:
        await _unschedule(parts, row)
        await store.save_reminder(meeting_id, state=ReminderState.DONE, scheduled_message_id=None)
        return "ended: no start ahead to remind of"
    start, post_at = target
    same = (
        row.get("scheduled_message_id")
        and row.get("state") == ReminderState.SCHEDULED
        and abs(float(row.get("post_at") or 0) - post_at.timestamp()) < 1
    )
    if same and not force:
        await store.save_reminder(meeting_id, check_at=post_at.timestamp() + AFTER_POST_AT)
        return "already scheduled"
    await _unschedule(parts, row)
    if post_at > now + AHEAD:
        await store.save_reminder(
            meeting_id,
            state=ReminderState.PENDING,
            scheduled_message_id=None,
            starts_at=iso(start),
            post_at=post_at.timestamp(),
            check_at=(post_at - AHEAD).timestamp() + 3600,
        )
        return "pending: more than 120 days ahead"
    at = int(post_at.timestamp())
    if not budget.take(meeting_id, channel, at, now_s):
        # (Said once, when Slack refused, if it did: the row keeps it for each meeting.)
        full = PostFailed(FULL_CHANNEL, code=FULL)
        return await _failed(parts, meeting_id, full, now_s, level=logging.DEBUG)
    show = bool(stored.get("show_passcode"))
    message = reminder_message(meeting, start, minutes, show_passcode=show)
    broadcast = not row.get("broadcast_done")
    try:
        answer = await checked(
            parts.poster.slack.chat_scheduleMessage(
                channel=channel,
                post_at=at,
                text=message["text"],
                blocks=message["blocks"],
                thread_ts=thread,
                reply_broadcast=broadcast,
                unfurl_links=False,
                unfurl_media=False,
            )
        )
    except PostFailed as failure:
        if failure.code == FULL:
            budget.refused(meeting_id, channel, at, now_s)
        else:
            budget.give_back(meeting_id)
        return await _failed(parts, meeting_id, failure, now_s)
    except BaseException:
        budget.give_back(meeting_id)
        raise
    data = answer.data if isinstance(answer.data, dict) else {}
    await store.save_reminder(
        meeting_id,
        state=ReminderState.SCHEDULED,
        channel=str(data.get("channel") or channel),
        scheduled_message_id=str(data.get("scheduled_message_id") or ""),
        post_at=float(at),
        starts_at=iso(start),
        check_at=post_at.timestamp() + AFTER_POST_AT,
        broadcast_done=1,
        last_error=None,
    )
    return f"scheduled for {iso(post_at)}" + (" (also to the channel)" if broadcast else "")


async def _failed(
    parts: HasStoreAndPoster,
    meeting_id: int,
    failure: PostFailed,
    now_s: float,
    *,
    level: int | None = None,
) -> str:
    """Slack refused to schedule: when to look again, or the end of it."""
    code = failure.code or ""
    if code == "time_in_past":
        # The clocks differ or it took long: the next look picks the next start, if any.
        check_at, state = now_s + MIN_LEAD, ReminderState.PENDING
    elif code == "time_too_far":
        check_at, state = now_s + 86400.0, ReminderState.PENDING
    elif failure.retryable:
        check_at, state = now_s + (failure.retry_after or RETRY_AFTER), ReminderState.PENDING
    else:
        # not_in_channel, channel_not_found, is_archived, invalid_auth…: for good.
        check_at, state = now_s, ReminderState.DONE
    await parts.store.save_reminder(
        meeting_id,
        state=state,
        scheduled_message_id=None,
        check_at=check_at,
        last_error=failure.error[:200],
    )
    if level is None:
        level = logging.INFO if state is ReminderState.PENDING else logging.WARNING
    log.log(level, "meeting %s: Slack refused the reminder: %s", meeting_id, failure.error)
    return f"not scheduled ({failure.error}); " + (
        "trying again later" if state is ReminderState.PENDING else "given up"
    )
