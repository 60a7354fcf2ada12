"""Creating a meeting, from any door: `take` records the request before the ack, then the
work after it: read → find the host → secure → create in Zoom → record → post in the channel
(through the outbox) → confirm privately. A repeated delivery answers "already created".

Block Kit is bot/render's, posting bot/posting.py's; failures become sentences in answers.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.errors import Refused
from bot.flows import live, registration, reminders
from bot.flows.answers import CANNOT_SAVE, Outcome, OutcomeKind, guarded, refuse
from bot.flows.asks import Ask, request_for, secured
from bot.flows.services import CONNECT_FIRST, STORE_ERRORS, Services
from bot.identities import Host
from bot.logs import add_secrets, new_reference
from bot.posting import Delivery
from bot.preferences import Preferences
from bot.render import private, sentences, words
from bot.render.meeting import render_new
from bot.slack.workspaces import current_key
from bot.store.rows import iso, meeting_columns
from zoom import INSTANT, Meeting, MeetingRequest, UserNotFound

log = logging.getLogger("zoombot.scheduling")

# How long a Zoom create may take in total, rate-limit waits included.
CREATE_DEADLINE = 20.0
# The same message shortcut by the same person on the same message within this many
# seconds is the same request.
SHORTCUT_WINDOW = 60.0

Prepare = Callable[[Ask], Awaitable[Ask]]
# The work of a claimed request (`take`'s `then`).
Next = Callable[[Services, Ask, Prepare | None], Coroutine[Any, Any, Outcome]]


@dataclass
class Created:
    """A meeting Zoom made for `ask`, with what announcing it needs."""

    ask: Ask
    meeting: Meeting
    host: Host
    request: MeetingRequest
    prefs: Preferences
    now: datetime
    guesses: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


async def schedule(services: Services, ask: Ask) -> Outcome:
    """Create, record, post and confirm the meeting `ask` describes (`take`, then its work).
    Never raises for anything Slack, Zoom or the store does; the outcome says what happened."""
    return await (await take(services, ask))


async def take(
    services: Services, ask: Ask, *, prepare: Prepare | None = None, then: Next | None = None
) -> Coroutine[Any, Any, Outcome]:
    """Record `ask` durably (its idempotency key, who asked and where to answer them) and
    return the work to run after Slack is acknowledged (a coroutine, not awaited).

    Listeners call it before they ack's response leaves, so that once Slack has its ack the
    request is in the store: if this process dies before Zoom is asked, the next start tells
    the person that nothing was made (bot/flows/reconcile.py). A store failure returns the
    work of telling them so; never raises for it. `prepare` completes the ask after the ack,
    inside the guard (the modal reads the requester's zone). `then` is the work of a claimed
    request (default: `claimed`, create it; bot/flows/people.py asks first)."""
    details = {
        "kind": ask.kind,
        "requester": ask.requester,
        "channel": ask.channel,
        "thread_ts": ask.thread_ts,
        "response_url": ask.response_url,
        "workspace": current_key(),
    }
    try:
        earlier = await services.store.claim_request(
            ask.key, window=ask.key_window, details=details
        )
    except STORE_ERRORS as error:
        return refuse(
            services,
            ask.requester,
            CANNOT_SAVE,
            f"store {type(error).__name__} at claim",
            channel=ask.channel,
            response_url=ask.response_url,
        )
    if earlier is not None:
        return repeated(services, ask, earlier)
    return (then or claimed)(services, ask, prepare)


async def claimed(services: Services, ask: Ask, prepare: Prepare | None = None) -> Outcome:
    """The work of a request this process has claimed; settles its key when nothing was
    made, so the same action may be tried again."""

    async def work() -> Outcome:
        return await create(services, await prepare(ask) if prepare else ask)

    outcome = await guarded(services, ask.requester, ask.channel, ask.response_url, work)
    if outcome.made_nothing:
        try:
            await services.store.settle_request(
                ask.key,
                state="failed" if outcome.kind is OutcomeKind.FAILED else "refused",
            )
        except STORE_ERRORS as error:
            # Left claimed: the next start settles it (and says again nothing was made).
            log.warning("request %s not settled: %s", ask.key[:24], type(error).__name__)
    return outcome


async def repeated(services: Services, ask: Ask, earlier: dict[str, Any]) -> Outcome:
    """A repeated delivery of an action already taken: nothing new is created or posted; the
    requester is told privately about the first meeting (or that it is on its way)."""
    meeting_id = earlier.get("meeting_id")
    try:
        row = await services.store.meeting(meeting_id) if meeting_id else None
    except STORE_ERRORS:
        row = None
    join_url = (row or {}).get("join_url")
    if join_url:
        note = f"Already created: {join_url}"
    else:
        note = "Your meeting is already being created; its link will follow."
    log.info("repeated request %s; first meeting %s", ask.kind, meeting_id)
    await services.poster.tell(
        ask.requester,
        private.note_message(note),
        channel=ask.channel,
        response_url=ask.response_url,
    )
    return Outcome(OutcomeKind.DUPLICATE, meeting_id=meeting_id)


async def create(services: Services, ask: Ask) -> Outcome:
    """Read, check, secure and create the meeting in Zoom, then announce it. Raises Refused,
    ZoomError, … before Zoom made it (the guard answers); never after."""
    now = services.clock()
    # Side by side: a person's first command asks Slack and the store, neither waiting. A
    # failure to find the host is raised where it was before, after the request's own checks.
    profile, prefs, host = await asyncio.gather(
        services.hosts.profile(ask.requester),
        services.preferences(ask.requester),
        services.host_for(ask.requester),
        return_exceptions=True,
    )
    if isinstance(profile, BaseException):
        raise profile
    if isinstance(prefs, BaseException):
        raise prefs
    request, guesses, notes = await request_for(services, ask, profile, prefs, now)
    notes = [*ask.notes, *notes]
    starts = request.starts_at()
    if request.type != INSTANT and starts is not None and starts < now - timedelta(minutes=1):
        raise Refused(
            "That time has already passed. Try a time in the future, for example "
            "`/zoom tomorrow 10am " + words.escape(request.topic) + "`.",
            "past",
        )
    if not ask.channel:
        raise Refused("Pick a channel to post the meeting in.", "no channel")
    if isinstance(host, BaseException):
        raise host
    if host is None and services.zoom is None:
        raise Refused(CONNECT_FIRST, "not connected")
    if host is None:
        raise Refused(sentences.NO_HOST, "no host")
    request = secured(services, request, host, profile, waiting_room=prefs.waiting_room)
    # Passcodes and start URLs show up in Slack and Zoom client debug lines as plain text:
    # tell the log redaction about them before anything can log them.
    add_secrets(request.password)
    # Written before Zoom is called: if this process dies or is stopped mid-create, the next
    # start finds the meeting (or learns there is none) and tells the person.
    zoom = await services.zoom_for(host.found_by, ask.requester)
    await services.store.note_create_started(ask.key, create_intent(services, ask, host, request))
    try:
        meeting = await zoom.create_meeting(host.user_id, request, deadline=CREATE_DEADLINE)
    except UserNotFound:
        # What was known of the host is out of date (they left Zoom since it was read): the
        # next request asks Zoom again rather than failing the same way for an hour.
        await services.hosts.forget_zoom_user(host.email)
        raise
    # From here the meeting exists: no failure may read as "nothing was created" nor settle
    # the key as failed (a retry would make a second meeting).
    created = Created(ask, meeting, host, request, prefs, now, guesses, notes)
    try:
        return await announce_created(services, created)
    except Exception:
        return await announce_after_failure(services, created)


async def announce_after_failure(services: Services, created: Created) -> Outcome:
    """`announce_created` failed unexpectedly after Zoom made the meeting. If its message had
    not reached the outbox yet, everything it did so far is safe to repeat (upserts, a
    render), so it is tried once more; otherwise, or if that fails too, the requester gets
    the join link privately and the truth. Never raises for a bug of ours."""
    ask, meeting = created.ask, created.meeting
    ref = new_reference()
    log.exception("meeting %s created; announcing it failed (ref %s)", meeting.id, ref)
    try:
        queued = bool(await services.store.outbox_entries(meeting_id=meeting.id))
    except Exception:
        queued = True  # unknown: do not risk posting it twice
    if not queued:
        try:
            outcome = await announce_created(services, created)
        except Exception:
            log.exception("meeting %s: second try failed too (ref %s)", meeting.id, ref)
        else:
            outcome.ref = outcome.ref or ref
            return outcome
    with contextlib.suppress(Exception):
        # A retry of the same action then answers "already created" with this meeting.
        await services.store.settle_request(ask.key, state="created", meeting_id=meeting.id)
    passcode = meeting.password or created.request.password
    where = (
        "It may still appear in the channel."
        if queued
        else "It was not posted in the channel: share the link yourself."
    )
    await services.poster.tell(
        ask.requester,
        private.refusal_message(
            "I created the meeting, but something went wrong on zoombot's side while "
            f"announcing it. {where} {private.join_details(meeting.join_url, passcode)}"
            f" · Meeting ID {meeting.id}. Do not make it again; give an admin this "
            "reference if it matters.",
            ref,
        ),
        channel=ask.channel,
        response_url=ask.response_url,
    )
    return Outcome(OutcomeKind.CREATED_NOT_ANNOUNCED, ref=ref, meeting_id=meeting.id)


def create_intent(
    services: Services, ask: Ask, host: Host, request: MeetingRequest
) -> dict[str, Any]:
    """The request columns written before Zoom is called: enough to find the meeting and tell
    the person, never the passcode (nor agenda or settings, which the look-up needs not)."""
    bare = dataclasses.replace(request, password=None, agenda=None, settings=None, recurrence=None)
    return {
        "kind": ask.kind,
        "requester": ask.requester,
        "channel": ask.channel,
        "thread_ts": ask.thread_ts,
        "response_url": ask.response_url,
        "host_zoom_id": host.user_id,
        "host_email": host.email,
        "host_name": host.name,
        "host_found_by": host.found_by,
        "request": json.dumps(bare.to_json()),
        "create_started_at": iso(datetime.now(UTC)),
        "create_owner": services.poster.owner,
        "workspace": current_key(),
    }


async def announce_created(services: Services, created: Created) -> Outcome:
    """Record a meeting Zoom made, post it in the channel (through the outbox: posted once,
    retried, kept across restarts) and confirm it privately. The one way a created meeting
    is announced, whether the create just returned or a later start found it
    (bot/flows/reconcile.py)."""
    ask, host, request, prefs = created.ask, created.host, created.request, created.prefs
    notes = list(created.notes)
    meeting = created.meeting
    add_secrets(meeting.password, meeting.start_url)
    passcode = meeting.password or request.password
    if not meeting.password and passcode:
        meeting = dataclasses.replace(meeting, password=passcode)
    # With what the message is re-rendered from when Zoom says it started, ended, …
    columns = {
        **meeting_columns(meeting, host_name=host.name, show_passcode=prefs.post_passcode),
        **registration.columns(request),
    }
    if ask.people:  # for a follow-up's form (bot/flows/followup.py)
        columns["people"] = json.dumps(list(ask.people))
    if ask.invited:  # mentioned in the message, and kept through its updates
        columns["invited"] = " ".join(ask.invited)
    # Its reminder's to-do goes in with it, before the post (scheduled once posted).
    minutes = prefs.reminder if ask.reminder is None else ask.reminder
    reminder = reminders.to_do(meeting, minutes, ask.channel)
    notes.extend(await registration.after_create(services, created))
    message = render_new(
        services.settings,
        meeting,
        host_name=host.name,
        requester_id=ask.requester,
        show_passcode=prefs.post_passcode,
        invited=ask.invited,
        now=created.now,
        register=bool(registration.columns(request)),
    )
    ref = new_reference()
    entry = services.poster.outbox_entry(
        Delivery(
            meeting_id=meeting.id,
            requester=ask.requester,
            channel=ask.channel,
            message=message,
            fallback=private.not_posted_message(meeting.join_url, passcode, ref),
            request_key=ask.key,
            thread_ts=ask.thread_ts,
            response_url=ask.response_url,
            ref=ref,
            response_url_until=ask.response_url_until,
        )
    )
    # The meeting, its reminder's to-do and its message go in together: from here it is
    # always announced (posting retries, and the outbox keeps it across restarts), or the
    # requester gets the link privately.
    entry["id"] = await record(
        services, ask, meeting, host, request, columns, reminder=reminder, outbox=entry
    )
    posted = await services.poster.deliver_recorded(entry)
    if posted is None:
        return Outcome(OutcomeKind.CREATED_NOT_POSTED, ref=ref, meeting_id=meeting.id)
    if posted.live_status:  # a Zoom event came first and found no message to update
        await live.catch_up(services.store, services.poster, services.settings, meeting.id)
    if ask.thread_ts and posted.via == "response_url":
        # Slack's response_url cannot reply in a thread: say where it went.
        notes.append(
            "I am not in this channel, so the meeting was posted in the channel, "
            "not in the message's thread. Add me to the channel to get it threaded."
        )
    if host.on_behalf:
        notes.append(
            f"You have no Zoom account of your own, so {host.name} hosts it; "
            "type `/zoom link you@company.com` to host your own."
        )
    await services.poster.tell(
        ask.requester,
        private.confirmation_message(
            meeting,
            channel=posted.channel,
            guesses=created.guesses,
            passcode=None if prefs.post_passcode else passcode,
            notes=notes,
        ),
        channel=ask.channel,
        response_url=ask.response_url,
    )
    if reminders.wanted(reminder):
        await reminders.after_post(services, meeting.id)
    if services.calls is not None and posted.ts and meeting.type == INSTANT:
        # After the post and the confirmation, never before them (bot/flows/calls.py).
        await services.calls.after_post(meeting.id)
    return Outcome(OutcomeKind.POSTED, meeting_id=meeting.id, extra={"via": posted.via})


async def record(
    services: Services,
    ask: Ask,
    meeting: Meeting,
    host: Host,
    request: MeetingRequest,
    columns: dict[str, Any] | None = None,
    *,
    reminder: dict[str, Any] | None = None,
    outbox: dict[str, Any] | None = None,
) -> int | None:
    """Store the meeting and, when given, its reminder's to-do and its outbox entry (settles
    the request's key). Returns the entry's id."""
    row = {
        "zoom_id": meeting.id,
        "uuid": meeting.uuid,
        "topic": meeting.topic or request.topic,
        "type": meeting.type,
        "start_time": meeting.start_time.isoformat() if meeting.start_time else None,
        "duration": meeting.duration,
        "timezone": meeting.timezone or request.timezone,
        "host_zoom_id": meeting.host_id or host.user_id,
        "host_email": meeting.host_email or host.email,
        "requester": ask.requester,
        "channel": ask.channel,
        "thread_ts": ask.thread_ts,
        "request_key": ask.key,
        "join_url": meeting.join_url,
        "workspace": current_key(),
        **(columns or {}),
    }
    return await services.store.record_created(row, ask.key, reminder=reminder, outbox=outbox)
