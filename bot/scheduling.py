"""The one scheduling flow, and the other things `/zoom` does (list, cancel, link, whoami).

Every door (slash command, modal, message shortcut) hands an `Ask` to
`Scheduler.schedule`, after Slack has been acknowledged. The flow: claim the request's
idempotency key (before Zoom is called) → read the text in the requester's zone → find the
host → make the meeting secure by default → create it in Zoom → record it → post it in the
channel → confirm privately to the requester. Any refusal goes only to the requester, with
what to do instead and a short reference that is also in the log line.

Nothing in here renders Block Kit (that is `messages`/`views`) or posts on its own (that is
`posting`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import home, live, messages, sentences, views
from bot.hosts import Host, HostFinder, SlackProfile
from bot.inflight import InFlight
from bot.logs import add_secrets, new_reference
from bot.posting import TRANSPORT_ERRORS, Delivery, Poster, PostFailed
from bot.preferences import Preferences, preferences_from
from bot.settings import Settings
from bot.slack.failures import slack_failure
from bot.store import Store
from zoom import (
    INSTANT,
    Meeting,
    MeetingNotFound,
    MeetingRequest,
    MeetingSettings,
    UserNotFound,
    ZoomAuthError,
    ZoomClient,
    ZoomError,
)

log = logging.getLogger("zoombot.scheduling")

# How long a Zoom create may take in total, rate-limit waits included.
CREATE_DEADLINE = 20.0
# Validating alternative hosts happens before the modal is acknowledged (3 s on Slack's side).
ALT_HOST_CHECK_TIMEOUT = 2.0
# The same message shortcut by the same person on the same message within this many
# seconds is the same request.
SHORTCUT_WINDOW = 60.0

# How long opening the modal may wait for users.info to learn whether the requester is a guest.
GUEST_CHECK_TIMEOUT = 1.0

PASSCODE_ALPHABET = string.ascii_letters + string.digits
PASSCODE_LENGTH = 10  # Zoom's maximum


def new_passcode() -> str:
    """A passcode nobody can guess, within Zoom's rules (≤10 of [A-Za-z0-9])."""
    return "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(PASSCODE_LENGTH))


@dataclass(frozen=True)
class Ask:
    """What someone asked for, from any door.

    Exactly one of `text` (free text to read), `request` (already built: the modal) or
    `message_text` (a message shortcut: an instant meeting named from its first line).
    `key` is the idempotency key; `key_window` limits how long it counts (None: forever).
    """

    requester: str
    key: str
    kind: str
    channel: str | None
    text: str | None = None
    request: MeetingRequest | None = None
    message_text: str | None = None
    response_url: str | None = None
    thread_ts: str | None = None
    key_window: float | None = None
    # When `response_url` stops being valid (epoch seconds); None: 29 minutes from now.
    response_url_until: float | None = None


@dataclass
class Outcome:
    """How a request ended, for the one log line per Slack request."""

    outcome: str
    ref: str | None = None
    meeting_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Refused(Exception):
    """The flow stops and tells the requester `sentence` (app-written mrkdwn)."""

    def __init__(self, sentence: str, reason: str) -> None:
        super().__init__(reason)
        self.sentence = sentence
        self.reason = reason


MEETING_ID = re.compile(r"^\d{9,12}$")
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>")


def is_guest(profile: SlackProfile) -> bool:
    """True for single- and multi-channel guests (`is_ultra_restricted`, `is_restricted`)."""
    return profile.is_restricted or profile.is_ultra_restricted


def parse_meeting_id(text: str) -> int | None:
    """`812 3456 7890`, `812-3456-7890` or `81234567890` → 81234567890; else None."""
    digits = re.sub(r"[\s\-]", "", text.strip())
    return int(digits) if MEETING_ID.match(digits) else None


def parse_link(text: str) -> tuple[str | None, str | None]:
    """`link` arguments → (target Slack id or None for oneself, email or None)."""
    target = None
    mention = MENTION.search(text)
    if mention:
        target = mention.group(1)
        text = text[: mention.start()] + text[mention.end() :]
    text = MAILTO.sub(lambda m: m.group(1), text)
    # Plain words, so a typed `&lt;` is quoted back as `<` (escaped once), never twice.
    words = messages.plain_text(text).split()
    return target, (words[0] if words else None)


class Scheduler:
    """The flow, with everything it needs. Listeners hold one and call its methods."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        hosts: HostFinder,
        zoom: ZoomClient,
        poster: Poster,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.store = store
        self.hosts = hosts
        self.zoom = zoom
        self.poster = poster
        self.clock = clock
        # Flows still running after their ack; a stop waits for them (bot/inflight.py).
        self.inflight = InFlight()

    # -- refusals --------------------------------------------------------------------------

    async def _refuse(
        self,
        requester: str,
        sentence: str,
        reason: str,
        *,
        channel: str | None,
        response_url: str | None,
    ) -> Outcome:
        ref = new_reference()
        log.warning("refused %s: %s (ref %s)", requester, reason, ref)
        await self.poster.tell(
            requester,
            messages.refusal_message(sentence, ref),
            channel=channel,
            response_url=response_url,
        )
        return Outcome("refused:" + reason, ref=ref)

    async def _refuse_guests(self, requester: str) -> None:
        """Raise Refused when `requester` is a Slack guest and guests are not allowed."""
        if self.settings.allow_guests:
            return
        if is_guest(await self.hosts.profile(requester)):
            raise Refused(sentences.GUESTS_NOT_ALLOWED, "guest")

    async def preferences(self, requester: str) -> Preferences:
        """The requester's own defaults (Home tab) over the workspace's."""
        row = await self.store.preferences(requester)
        return preferences_from(self.settings, row)

    async def requester_zone(self, requester: str, fallback: str = "UTC") -> str:
        """The requester's Slack time zone (cached profile), or `fallback` if Slack has none."""
        try:
            profile = await self.hosts.profile(requester)
        except (SlackApiError, *TRANSPORT_ERRORS):
            # Slack refused or did not answer in time: the caller reads in `fallback`.
            return fallback
        return profile.tz or fallback

    async def _guarded(
        self,
        requester: str,
        channel: str | None,
        response_url: str | None,
        work: Callable[[], Any],
        operation: str = sentences.CREATE,
    ) -> Outcome:
        """Run `work`, turning every failure into a private sentence for the requester
        (worded for `operation`: sentences.CREATE, CANCEL or LIST).

        Guests are refused here, before `work` runs, unless ZOOMBOT_ALLOW_GUESTS is set:
        every door and subcommand goes through this one place. (What counts as in flight for
        a stop to wait on is the whole listener: `tracked` in bot/inflight.py.)"""
        try:
            await self._refuse_guests(requester)
            return await work()
        except Refused as refusal:
            return await self._refuse(
                requester,
                refusal.sentence,
                refusal.reason,
                channel=channel,
                response_url=response_url,
            )
        except ZoomError as error:
            tz = await self.requester_zone(requester)
            sentence = sentences.sentence_for(error, tz=tz, now=self.clock(), operation=operation)
            reason = f"zoom {type(error).__name__} code={error.code} status={error.status}"
            if error.tracking_id:
                reason += f" tracking_id={error.tracking_id}"
            if isinstance(error, ZoomAuthError):
                # The operator must learn which: credentials, or the scopes Zoom named. The
                # client's message names them and holds no secret.
                reason += f" detail={error.message!r}"
            return await self._refuse(
                requester, sentence, reason, channel=channel, response_url=response_url
            )
        except (SlackApiError, *TRANSPORT_ERRORS) as error:
            # users.info refused, or timed out / lost its connection: Slack's trouble, not a
            # bug of ours, and nothing was created.
            code = slack_failure(error).error  # never assumes the answer was a dict
            return await self._refuse(
                requester,
                "Slack did not answer when I asked about you; nothing was created. Try again.",
                f"slack {code}",
                channel=channel,
                response_url=response_url,
            )
        except Exception:
            # A bug of ours: the requester gets a sentence and a reference, never a trace;
            # the operator gets the trace under the same reference.
            ref = new_reference()
            log.exception("unexpected failure for %s (ref %s)", requester, ref)
            await self.poster.tell(
                requester,
                messages.refusal_message(
                    "Something went wrong on zoombot's side; nothing was posted. "
                    "Try again, or give an admin this reference.",
                    ref,
                ),
                channel=channel,
                response_url=response_url,
            )
            return Outcome("failed", ref=ref)

    # -- the scheduling flow ---------------------------------------------------------------

    async def schedule(self, ask: Ask) -> Outcome:
        """Create, record, post and confirm the meeting `ask` describes. Never raises for
        anything Slack or Zoom does; the outcome says what happened."""
        earlier = await self.store.claim_request(ask.key, window=ask.key_window)
        if earlier is not None:
            return await self._repeated(ask, earlier)
        outcome = await self._guarded(
            ask.requester, ask.channel, ask.response_url, lambda: self._schedule(ask)
        )
        if outcome.outcome.startswith("refused") or outcome.outcome == "failed":
            # Nothing was made: the same action may be tried again.
            await self.store.settle_request(
                ask.key,
                state="refused" if outcome.outcome != "failed" else "failed",
            )
        return outcome

    async def _repeated(self, ask: Ask, earlier: dict[str, Any]) -> Outcome:
        """A repeated delivery of an action already taken: nothing new is created or posted;
        the requester is told privately about the first meeting (or that it is on its way)."""
        meeting_id = earlier.get("meeting_id")
        row = await self.store.meeting(meeting_id) if meeting_id else None
        join_url = (row or {}).get("join_url")
        if join_url:
            note = f"Already created: {join_url}"
        else:
            note = "Your meeting is already being created; its link will follow."
        log.info("repeated request %s; first meeting %s", ask.kind, meeting_id)
        await self.poster.tell(
            ask.requester,
            messages.note_message(note),
            channel=ask.channel,
            response_url=ask.response_url,
        )
        return Outcome("duplicate", meeting_id=meeting_id)

    async def _schedule(self, ask: Ask) -> Outcome:
        now = self.clock()
        profile = await self.hosts.profile(ask.requester)
        request, guesses, notes = await self._request_for(ask, profile, now)
        starts = request.starts_at()
        if request.type != INSTANT and starts is not None and starts < now - timedelta(minutes=1):
            raise Refused(
                "That time has already passed. Try a time in the future, for example "
                "`/zoom tomorrow 10am " + messages.escape(request.topic) + "`.",
                "past",
            )
        if not ask.channel:
            raise Refused("Pick a channel to post the meeting in.", "no channel")
        host = await self.hosts.find_host(ask.requester)
        if host is None:
            raise Refused(sentences.NO_HOST, "no host")
        prefs = await self.preferences(ask.requester)
        request = self._secured(request, host, profile, waiting_room=prefs.waiting_room)
        # Passcodes and start URLs show up in Slack and Zoom client debug lines as plain
        # text: tell the log redaction about them before anything can log them.
        add_secrets(request.password)
        # Written before Zoom is called: if this process dies or is stopped mid-create, the
        # next start finds the meeting (or learns there is none) and tells the person.
        await self.store.note_create_started(ask.key, self._create_intent(ask, host, request))
        try:
            meeting = await self.zoom.create_meeting(
                host.user_id, request, deadline=CREATE_DEADLINE
            )
        except UserNotFound:
            # What was known of the host is out of date (they left Zoom since it was read):
            # the next request asks Zoom again rather than failing the same way for an hour.
            await self.hosts.forget_zoom_user(host.email)
            raise
        # From here the meeting exists: no failure may read as "nothing was created" nor
        # settle the key as failed (a retry would make a second meeting).
        try:
            return await self.announce_created(
                ask, meeting, host, request, prefs=prefs, now=now, guesses=guesses, notes=notes
            )
        except Exception:
            return await self._announce_after_failure(
                ask, meeting, host, request, prefs=prefs, now=now, guesses=guesses, notes=notes
            )

    async def _announce_after_failure(
        self,
        ask: Ask,
        meeting: Meeting,
        host: Host,
        request: MeetingRequest,
        *,
        prefs: Preferences,
        now: datetime,
        guesses: tuple[str, ...],
        notes: list[str],
    ) -> Outcome:
        """`announce_created` failed unexpectedly after Zoom made the meeting. If its message
        had not reached the outbox yet, everything it did so far is safe to repeat (upserts,
        a render), so it is tried once more; otherwise, or if that fails too, the requester
        gets the join link privately and the truth. Never raises for a bug of ours."""
        ref = new_reference()
        log.exception("meeting %s created; announcing it failed (ref %s)", meeting.id, ref)
        try:
            queued = bool(await self.store.outbox_entries(meeting_id=meeting.id))
        except Exception:
            queued = True  # unknown: do not risk posting it twice
        if not queued:
            try:
                outcome = await self.announce_created(
                    ask, meeting, host, request, prefs=prefs, now=now, guesses=guesses, notes=notes
                )
            except Exception:
                log.exception("meeting %s: second try failed too (ref %s)", meeting.id, ref)
            else:
                outcome.ref = outcome.ref or ref
                return outcome
        with contextlib.suppress(Exception):
            # A retry of the same action then answers "already created" with this meeting.
            await self.store.settle_request(ask.key, state="created", meeting_id=meeting.id)
        passcode = meeting.password or request.password
        where = (
            "It may still appear in the channel."
            if queued
            else "It was not posted in the channel: share the link yourself."
        )
        await self.poster.tell(
            ask.requester,
            messages.refusal_message(
                "I created the meeting, but something went wrong on zoombot's side while "
                f"announcing it. {where} Join: {meeting.join_url}"
                + (f" · Passcode `{messages.escape(passcode)}`" if passcode else "")
                + f" · Meeting ID {meeting.id}. Do not make it again; give an admin this "
                "reference if it matters.",
                ref,
            ),
            channel=ask.channel,
            response_url=ask.response_url,
        )
        return Outcome("created_not_announced", ref=ref, meeting_id=meeting.id)

    def _create_intent(self, ask: Ask, host: Host, request: MeetingRequest) -> dict[str, Any]:
        """The v4 request columns (bot/store.py): enough to find the meeting and tell the
        person, never the passcode (nor agenda or settings, which the look-up needs not)."""
        bare = dataclasses.replace(
            request, password=None, agenda=None, settings=None, recurrence=None
        )
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
            "create_started_at": live.iso(datetime.now(UTC)),
            "create_owner": self.poster.owner,
        }

    async def announce_created(
        self,
        ask: Ask,
        meeting: Meeting,
        host: Host,
        request: MeetingRequest,
        *,
        prefs: Preferences,
        now: datetime,
        guesses: tuple[str, ...] = (),
        notes: list[str] | None = None,
    ) -> Outcome:
        """Record a meeting Zoom made for `ask`, post it in the channel (through the outbox:
        posted once, retried, kept across restarts) and confirm it privately. The one way a
        created meeting is announced, whether the create just returned or a later start
        found it (bot/reconcile.py)."""
        notes = list(notes or [])
        add_secrets(meeting.password, meeting.start_url)
        passcode = meeting.password or request.password
        if not meeting.password and passcode:
            meeting = dataclasses.replace(meeting, password=passcode)
        # With what the message is re-rendered from when Zoom says it started, ended, …
        await self._record(
            ask,
            meeting,
            host,
            request,
            live.meeting_columns(meeting, host_name=host.name, show_passcode=prefs.post_passcode),
        )
        message = live.render_new(
            self.settings,
            meeting,
            host_name=host.name,
            requester_id=ask.requester,
            show_passcode=prefs.post_passcode,
            now=now,
        )
        # The meeting exists: from here it is always announced (posting retries, and keeps
        # it in the outbox across restarts), or the requester gets the link privately.
        ref = new_reference()
        posted = await self.poster.deliver(
            Delivery(
                meeting_id=meeting.id,
                requester=ask.requester,
                channel=ask.channel,
                message=message,
                fallback=messages.refusal_message(
                    "I created the meeting but could not post it in the channel. "
                    f"Join: {meeting.join_url}"
                    + (f" · Passcode `{messages.escape(passcode)}`" if passcode else ""),
                    ref,
                ),
                request_key=ask.key,
                thread_ts=ask.thread_ts,
                response_url=ask.response_url,
                ref=ref,
                response_url_until=ask.response_url_until,
            )
        )
        if posted is None:
            return Outcome("created_not_posted", ref=ref, meeting_id=meeting.id)
        await self._catch_up(meeting.id)
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
        await self.poster.tell(
            ask.requester,
            messages.confirmation_message(
                meeting,
                channel=posted.channel,
                guesses=guesses,
                passcode=None if prefs.post_passcode else passcode,
                notes=notes,
            ),
            channel=ask.channel,
            response_url=ask.response_url,
        )
        return Outcome("posted", meeting_id=meeting.id, extra={"via": posted.via})

    async def _catch_up(self, meeting_id: int) -> None:
        """A Zoom event that arrived before the post was stored (an instant meeting started
        at once) found no message to update: show it now."""
        row = await self.store.meeting(meeting_id)
        if row and row.get("status"):
            try:
                await live.refresh_message(self.store, self.poster, self.settings, meeting_id)
            except PostFailed as failure:
                log.warning("meeting %s message not updated: %s", meeting_id, failure.error)

    async def _request_for(
        self, ask: Ask, profile: SlackProfile, now: datetime
    ) -> tuple[MeetingRequest, tuple[str, ...], list[str]]:
        notes: list[str] = []
        if ask.request is not None:
            return ask.request, (), notes
        if ask.message_text is not None:
            names = await self._mention_names(ask.message_text)
            topic = messages.topic_from_message(ask.message_text, names)
            topic = messages.clean_text(topic) or "Zoom meeting"
            duration = (await self.preferences(ask.requester)).duration
            request = MeetingRequest(topic=topic, type=INSTANT, duration=duration)
            return request, (), notes
        from bot.reading import Refusal, read_request

        tz = profile.tz
        if tz is None:
            tz = "UTC"
            notes.append("Slack has no valid time zone for you, so I read the time in UTC.")
        # The command text arrives as Slack markup (the manifest sets should_escape): read
        # it as the plain words the person typed, without control characters.
        names = await self._mention_names(ask.text or "")
        text = messages.clean_text(messages.plain_text(ask.text or "", names))
        result = read_request(
            text,
            tz,
            now.astimezone(UTC),
            default_duration=(await self.preferences(ask.requester)).duration,
        )
        if isinstance(result, Refusal):
            raise Refused(messages.escape(result.message), "unreadable")
        return result.request, tuple(result.guesses), notes

    async def _mention_names(self, text: str) -> dict[str, str]:
        names: dict[str, str] = {}
        for user_id in dict.fromkeys(MENTION.findall(text)).keys():
            if len(names) >= 5:
                break
            try:
                names[user_id] = (await self.hosts.profile(user_id)).label
            except (SlackApiError, *TRANSPORT_ERRORS):
                continue
        return names

    def _secured(
        self,
        request: MeetingRequest,
        host: Host,
        profile: SlackProfile,
        *,
        waiting_room: bool | None = None,
    ) -> MeetingRequest:
        """A passcode always; the waiting room and join-before-host from settings unless the
        request chose them; the requester named in the agenda when the default host hosts."""
        waiting_room_default = self.settings.waiting_room if waiting_room is None else waiting_room
        meeting_settings = request.settings or MeetingSettings(
            waiting_room=waiting_room_default,
            join_before_host=self.settings.join_before_host,
        )
        if meeting_settings.waiting_room is None:
            meeting_settings = dataclasses.replace(
                meeting_settings, waiting_room=waiting_room_default
            )
        if meeting_settings.join_before_host is None:
            meeting_settings = dataclasses.replace(
                meeting_settings, join_before_host=self.settings.join_before_host
            )
        agenda = request.agenda
        if host.on_behalf:
            by = f"Scheduled from Slack by {profile.real_name or profile.label}"
            if profile.name:
                by += f" (@{profile.name})"
            agenda = by + (f"\n\n{agenda}" if agenda else "")
        return dataclasses.replace(
            request,
            password=request.password or new_passcode(),
            settings=meeting_settings,
            agenda=agenda[:2000] if agenda else None,
        )

    async def _record(
        self,
        ask: Ask,
        meeting: Meeting,
        host: Host,
        request: MeetingRequest,
        columns: dict[str, Any] | None = None,
    ) -> None:
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
            **(columns or {}),
        }
        await self.store.record_created(row, ask.key)

    # -- the modal -------------------------------------------------------------------------

    def modal_defaults(
        self,
        text: str,
        tz: str | None,
        now: datetime,
        channel: str | None,
        prefs: Preferences | None = None,
    ) -> tuple[views.ModalDefaults, str]:
        """What the modal opens with, read from `text` in `tz` (UTC if None), with the
        requester's `prefs` (default: the workspace's). Also returns the zone used."""
        zone = tz or "UTC"
        prefs = prefs or preferences_from(self.settings, None)
        defaults = views.ModalDefaults(
            start=views.next_half_hour(now),
            duration=prefs.duration,
            channel=channel,
            options=views.default_options(waiting_room=prefs.waiting_room),
        )
        if not text.strip():
            return defaults, zone
        from bot.reading import Reading, read_request

        result = read_request(text, zone, now.astimezone(UTC), default_duration=prefs.duration)
        if not isinstance(result, Reading):
            return dataclasses.replace(defaults, topic=text.strip()[:200]), zone
        request = result.request
        return (
            dataclasses.replace(
                defaults,
                topic=request.topic,
                start=request.starts_at() or defaults.start,
                duration=request.duration or defaults.duration,
                # The reading's recurrence as read (every Mon and Wed, the last Friday,
                # until …), not the nearest of the modal's fixed choices.
                repeat=views.AS_READ if request.recurrence else "none",
                recurrence=request.recurrence,
                agenda=request.agenda or "",
            ),
            zone,
        )

    async def open_modal(
        self,
        *,
        trigger_id: str,
        requester: str,
        text: str = "",
        channel: str | None,
        response_url: str | None = None,
    ) -> Outcome:
        """Open the scheduling modal at once (the trigger lives 3 s), then refine it with the
        requester's zone if it was not cached."""
        now = self.clock()
        text = messages.clean_text(messages.plain_text(text))
        cached = await self.hosts.cached_profile(requester)
        if cached is None and not self.settings.allow_guests:
            # A guest gets no form at all, so who they are is needed before it opens. The
            # trigger lives 3 s; if Slack is slow the form opens and the submission is checked.
            try:
                async with asyncio.timeout(GUEST_CHECK_TIMEOUT):
                    cached = await self.hosts.profile(requester)
            except (SlackApiError, *TRANSPORT_ERRORS):
                cached = None
        if cached is not None and is_guest(cached) and not self.settings.allow_guests:
            return await self._refuse(
                requester,
                sentences.GUESTS_NOT_ALLOWED,
                "guest",
                channel=channel,
                response_url=response_url,
            )
        tz = cached.tz if cached else None
        prefs = await self.preferences(requester)
        defaults, zone = self.modal_defaults(text, tz, now, channel, prefs)
        metadata = {"channel": channel, "response_url": response_url, "tz": zone}
        if response_url:
            # The command's response_url lives 30 minutes from now, whenever the form is sent.
            metadata["response_url_until"] = int(now.timestamp()) + views.COMMAND_URL_LIFETIME
        try:
            opened = await self.poster.open_view(
                trigger_id, views.schedule_modal(defaults, metadata)
            )
        except PostFailed as failure:
            return await self._refuse(
                requester,
                "Slack would not open the form in time. Try `/zoom schedule` again.",
                f"views.open {failure.error}",
                channel=channel,
                response_url=response_url,
            )
        if cached is not None:
            return Outcome("modal_opened")
        try:
            profile = await self.hosts.profile(requester)
        except (SlackApiError, *TRANSPORT_ERRORS):
            return Outcome("modal_opened")
        if profile.tz and profile.tz != zone:
            defaults, zone = self.modal_defaults(text, profile.tz, now, channel, prefs)
            metadata["tz"] = zone
            view = opened.get("view") or {}
            await self.poster.update_view(
                view.get("id"), view.get("hash"), views.schedule_modal(defaults, metadata)
            )
        return Outcome("modal_opened")

    async def check_alternative_hosts(
        self, user_ids: tuple[str, ...], requester: str
    ) -> tuple[tuple[str, ...], str | None]:
        """The Zoom emails of the chosen alternative hosts, or an error for the field.

        Runs before the modal is acknowledged, so it gives up after ALT_HOST_CHECK_TIMEOUT
        and says so rather than make Slack time out.
        """
        others = [u for u in user_ids if u != requester]

        async def one(user_id: str) -> tuple[str, str | None]:
            user, _, _ = await self.hosts.own_zoom_user(user_id)
            return user_id, (user.email if user is not None and user.is_active else None)

        try:
            async with asyncio.timeout(ALT_HOST_CHECK_TIMEOUT):
                found = await asyncio.gather(*(one(u) for u in others))
        except TimeoutError:
            return (), "Zoom did not answer in time to check these people. Try again."
        except (ZoomError, SlackApiError, *TRANSPORT_ERRORS):
            return (), "I could not check these people's Zoom accounts just now. Try again."
        missing = [u for u, email in found if email is None]
        if missing:
            # A field error is plain text: names, not `<@U…>` markup.
            who = ", ".join([await self._name_of(u) for u in missing])
            return (), f"No Zoom account found for {who}. Remove them, or link one first."
        return tuple(email for _, email in found if email), None

    async def _name_of(self, user_id: str) -> str:
        """The person's Slack name (profile label), or their id if Slack will not say."""
        try:
            return (await self.hosts.profile(user_id)).label or user_id
        except SlackApiError:
            return user_id

    # -- list, cancel, link, whoami ----------------------------------------------------------

    async def list_meetings(
        self, requester: str, response_url: str | None, channel: str | None = None
    ) -> Outcome:
        async def work() -> Outcome:
            user, _, _ = await self.hosts.own_zoom_user(requester)
            if user is None:
                return await self._list_from_store(requester, response_url, channel)
            meetings = await self.zoom.list_upcoming_meetings(user.id)
            await self.poster.tell(
                requester,
                messages.meetings_list_message(meetings, host_email=user.email),
                channel=channel,
                response_url=response_url,
            )
            return Outcome("listed", extra={"count": len(meetings)})

        return await self._guarded(requester, channel, response_url, work, sentences.LIST)

    async def _list_from_store(
        self, requester: str, response_url: str | None, channel: str | None
    ) -> Outcome:
        """Someone without a Zoom account of their own: the default host holds their
        meetings, among everyone else's, so list the ones they made here (upcoming, not
        cancelled), from the store."""
        rows = home.upcoming(await self.store.meetings_by(requester), self.clock())
        host_email = self.settings.default_host or next(
            (str(r["host_email"]) for r in rows if r.get("host_email")), None
        )
        if host_email is None:
            raise Refused(sentences.NO_HOST, "no host")
        meetings = [live.meeting_from_row(row) for row in rows]
        await self.poster.tell(
            requester,
            messages.meetings_list_message(meetings, host_email=host_email),
            channel=channel,
            response_url=response_url,
        )
        return Outcome("listed", extra={"count": len(meetings), "from": "store"})

    async def cancel(
        self, requester: str, text: str, response_url: str | None, channel: str | None = None
    ) -> Outcome:
        async def work() -> Outcome:
            meeting_id = parse_meeting_id(text)
            if text.strip().lower() in ("last", "latest", "the last one", "my last meeting"):
                # The requester's most recently made upcoming meeting; the rules below apply.
                rows = await self.store.meetings_by(requester)
                ahead = home.upcoming(rows, self.clock())
                if not ahead:
                    raise Refused(
                        "You have no upcoming meeting made by zoombot to cancel "
                        "(`/zoom list` shows yours).",
                        "no last meeting",
                    )
                # Made last = asked for last: the request's clock, finer than the row's.
                asked = [await self.store.request(r.get("request_key") or "") for r in ahead]
                made = [(float((a or {}).get("created_at") or 0), str(r.get("created_at")))
                        for a, r in zip(asked, ahead, strict=True)]  # fmt: skip
                meeting_id = int(ahead[made.index(max(made))]["zoom_id"])
            elif meeting_id is None and re.fullmatch(r"[\d\s\-]+", text.strip() or "x"):
                raise Refused(
                    f"zoombot has no meeting {text.strip()} of yours: a meeting ID has 9 to 11 "
                    "digits, like `/zoom cancel 812 3456 7890` (`/zoom list` shows yours).",
                    "no such meeting",
                )
            if meeting_id is None:
                raise Refused(
                    "Tell me which meeting: `/zoom cancel 812 3456 7890` (the meeting ID), "
                    "or `/zoom cancel last` for the last one you made (`/zoom list` shows "
                    "yours).",
                    "bad meeting id",
                )
            row = await self.store.meeting(meeting_id)
            topic = row.get("topic") if row else None
            if row and (row.get("status") == "cancelled" or row.get("state") == "cancelled"):
                raise Refused("That meeting is already cancelled.", "already cancelled")
            if not (row and row.get("requester") == requester):
                meeting = await self.zoom.get_meeting(meeting_id)
                topic = meeting.topic
                user, _, _ = await self.hosts.own_zoom_user(requester)
                hosts_it = user is not None and (
                    (meeting.host_id and meeting.host_id == user.id)
                    or (meeting.host_email or "").lower() == user.email.lower()
                )
                if not hosts_it:
                    raise Refused(
                        "Only the person who created this meeting or its host can cancel it.",
                        "not yours",
                    )
            gone = False
            try:
                await self.zoom.delete_meeting(meeting_id)
            except MeetingNotFound:
                if not row:
                    raise
                # Deleted in Zoom already (its event may never have reached us): say so.
                gone = True
            if row:
                await self.store.update_meeting(
                    meeting_id,
                    state="cancelled",
                    status="cancelled",
                    # No one here cancelled it: the message says "in Zoom".
                    cancelled_by=None if gone else requester,
                    cancelled_at=live.iso(self.clock()),
                )
                # The channel message says who cancelled it, and its buttons go.
                try:
                    await live.refresh_message(self.store, self.poster, self.settings, meeting_id)
                except PostFailed as failure:
                    log.warning("meeting %s message not updated: %s", meeting_id, failure.error)
            await self.poster.tell(
                requester,
                messages.cancelled_message(meeting_id, topic, already_gone=gone),
                channel=channel,
                response_url=response_url,
            )
            return Outcome("already_deleted" if gone else "cancelled", meeting_id=meeting_id)

        return await self._guarded(requester, channel, response_url, work, sentences.CANCEL)

    async def link(
        self, requester: str, text: str, response_url: str | None, channel: str | None = None
    ) -> Outcome:
        async def work() -> Outcome:
            target, email = parse_link(text)
            if email is None:
                raise Refused(
                    "Type `/zoom link you@company.com`, or (admins) "
                    "`/zoom link @someone them@company.com`.",
                    "no email",
                )
            answer = await self.hosts.link(requester, target or requester, email)
            ok = answer.startswith("Done")
            if not ok:
                raise Refused(answer, "link refused")
            await self.poster.tell(
                requester, messages.note_message(answer), channel=channel, response_url=response_url
            )
            return Outcome("linked")

        return await self._guarded(requester, channel, response_url, work)

    async def whoami(
        self, requester: str, response_url: str | None, channel: str | None = None
    ) -> Outcome:
        async def work() -> Outcome:
            user, found_by, mapping = await self.hosts.own_zoom_user(requester)
            if user is None:
                host = await self.hosts.find_host(requester)
                user_email = host.email if host else None
                found_by = host.found_by if host else None
            else:
                user_email = user.email
            message = messages.whoami_message(
                email=user_email,
                found_by=found_by,
                set_by=mapping.get("set_by") if mapping else None,
                set_at=mapping.get("set_at") if mapping else None,
            )
            await self.poster.tell(requester, message, channel=channel, response_url=response_url)
            return Outcome("whoami:" + (found_by or "none"))

        return await self._guarded(requester, channel, response_url, work)
