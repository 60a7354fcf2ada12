"""The Slack Call card: each meeting zoombot posts is registered as a Slack Call
(`calls.add`) once it can be joined, so Slack shows a native call card with a Join button
and the faces of who is in it.

When a call is registered (only when Zoom's events reach zoombot: `follows_zoom`):
- an instant meeting, right after its message is posted (`after_post`);
- any meeting once Zoom says it started (`meeting.started`), or someone joined it before
  that event arrived; a new run of a meeting whose call ended gets a new call.
The message is then re-rendered from the store with the call's block (bot/render/meeting.py).

Then Zoom's participant events add and remove people (`calls.participants.add/remove`): a
Zoom email that is a Slack user's (`users.lookupByEmail`, remembered an hour) is that user,
anyone else an external user with the name they joined with; a topic changed in Zoom
(`meeting.updated`) becomes the live call's title (`calls.update`). `meeting.ended` (or the
meeting deleted, or cancelled from Slack: `cancelled`) ends the call (`calls.end` with its
duration in seconds) once: the store marks it ended atomically, so a repeated end changes
nothing.

Contract: nothing here raises into its caller, and nothing here runs before a meeting's
message is posted (the post never waits for Slack Calls). Every Slack failure is logged and
leaves the message as it is; when Slack answers that the app may not use Calls
(`missing_scope`: the `calls:write` scope is not granted; `not_allowed_token_type`), one
line per process says why and meetings keep today's message; no call is tried for the next
`NOT_ALLOWED_PAUSE` seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.caching import Memo
from bot.errors import StoreUnavailable
from bot.flows import live
from bot.posting import Poster, PostFailed
from bot.render import calls as render
from bot.settings import Settings
from bot.slack.failures import checked
from bot.store import Store
from bot.times import parse_utc
from zoom import INSTANT, EventKind, Participant, ZoomEvent

log = logging.getLogger("zoombot.calls")

# Slack's answers that mean the app may not use Calls at all (not a passing failure).
NOT_ALLOWED = frozenset({"missing_scope", "not_allowed_token_type", "no_permission"})
# How long a Zoom email's Slack user (or that there is none) is remembered.
EMAIL_TTL = 3600.0
# After Slack said the app may not use Calls, no call is tried for this long (a big meeting's
# joins would each try again); then one is, so a reinstall with the scope needs no restart.
NOT_ALLOWED_PAUSE = 600.0
STATUS_LIVE = "live"


class SlackCalls:
    """The Slack Call of each meeting; one per process (`warned` is per process)."""

    def __init__(self, settings: Settings, store: Store, poster: Poster) -> None:
        """Built by `Services` (bot/flows/services.py), once per process."""
        self.settings = settings
        self.store = store
        self.poster = poster
        self.warned = False  # the "Calls are off" line was logged
        self.warned_no_events = False
        self._emails = Memo()
        self._paused_until = 0.0  # monotonic; see NOT_ALLOWED_PAUSE

    @property
    def slack(self) -> AsyncWebClient:
        return self.poster.slack

    # -- the doors -------------------------------------------------------------------------

    async def after_post(self, meeting_id: int) -> None:
        """An instant meeting's message was just posted: register its call and show it."""
        try:
            async with live.held(self.store, meeting_id):
                row = await self.store.meeting(meeting_id)
                if not _shown(row) or row.get("type") != INSTANT or not self._follows_zoom():
                    return
                call = await self.store.slack_call(meeting_id)
                if call is not None:
                    return  # Zoom's start event registered it first (and re-rendered it)
                started = parse_utc(row.get("started_at")) or datetime.now(UTC)
                if await self._register(row, call, started):
                    await live.refresh_held(self.store, self.poster, self.settings, meeting_id)
        except PostFailed as failure:
            log.warning("meeting %s: call card not shown: %s", meeting_id, failure.error)
        except StoreUnavailable as error:
            log.warning("meeting %s: Slack call not registered: %s", meeting_id, error)
        except Exception:
            log.exception("meeting %s: registering its Slack call failed", meeting_id)

    async def cancelled(self, meeting_id: int) -> None:
        """The meeting was cancelled from Slack (Zoom's own `meeting.deleted` then changes
        nothing): its call, if one is going, ends now."""
        try:
            row = await self.store.meeting(meeting_id)
            started = parse_utc((row or {}).get("started_at"))
            await self._end_call(meeting_id, datetime.now(UTC), started)
        except StoreUnavailable as error:
            log.warning("meeting %s: Slack call not ended: %s", meeting_id, error)
        except Exception:
            log.exception("meeting %s: ending its Slack call failed", meeting_id)

    async def before_refresh(self, event: ZoomEvent, row: Mapping[str, Any]) -> None:
        """Inside the meeting's locks, after the event's changes are stored and before its
        message is re-rendered: register the call of a meeting that started."""
        try:
            await self._maybe_register(event)
        except StoreUnavailable as error:
            log.warning("zoom event %s: Slack call not registered: %s", event.event, error)
        except Exception:
            log.exception("zoom event %s: Slack call not registered", event.event)

    async def after_refresh(self, event: ZoomEvent, row: Mapping[str, Any]) -> None:
        """Inside the meeting's locks, after the message was updated: people in and out of
        the call, the call ended."""
        try:
            if event.kind in (EventKind.PARTICIPANT_JOINED, EventKind.PARTICIPANT_LEFT):
                await self._participant(event)
            elif event.kind in (EventKind.MEETING_ENDED, EventKind.MEETING_DELETED):
                await self._end(event, row)
            elif event.kind is EventKind.MEETING_UPDATED:
                await self._retitle(event)
        except StoreUnavailable as error:
            log.warning("zoom event %s: Slack call not updated: %s", event.event, error)
        except Exception:
            log.exception("zoom event %s: Slack call not updated", event.event)

    # -- the work --------------------------------------------------------------------------

    def _follows_zoom(self) -> bool:
        """A call is registered only when Zoom's events reach zoombot: else the card would
        never show who is in, nor end."""
        if follows_zoom(self.settings):
            return True
        if not self.warned_no_events:
            self.warned_no_events = True
            log.info(
                "Slack Calls need Zoom's events (ZOOM_WEBHOOK_SECRET_TOKEN, "
                "ZOOM_OAUTH_WEBHOOK_SECRET_TOKEN or ZOOM_EVENTS=websocket): meetings are "
                "posted without a call card"
            )
        return False

    async def _maybe_register(self, event: ZoomEvent) -> None:
        if event.kind not in (EventKind.MEETING_STARTED, EventKind.PARTICIPANT_JOINED):
            return
        assert event.meeting_id is not None
        row = await self.store.meeting(event.meeting_id)
        if not _shown(row) or row.get("status") != STATUS_LIVE:
            return
        call = await self.store.slack_call(event.meeting_id)
        if call is not None and not call.get("ended_at"):
            return  # this run has its call
        if call is not None and event.kind is EventKind.PARTICIPANT_JOINED:
            return  # a late join of an ended run: only a start begins a new call
        started = (
            (event.meeting.start_time if event.meeting else None)
            or parse_utc(row.get("started_at"))
            or event.occurred_at
            or datetime.now(UTC)
        )
        await self._register(row, call, started)

    async def _register(
        self, row: Mapping[str, Any], call: Mapping[str, Any] | None, started: datetime
    ) -> bool:
        """`calls.add` for the meeting, then its call id stored. True when registered."""
        if time.monotonic() < self._paused_until:
            return False
        meeting_id = int(row["zoom_id"])
        run = int((call or {}).get("runs") or 0) + 1
        arguments = render.call_arguments(row, started=started, run=run)
        if not arguments.created_by or not arguments.join_url:
            return False
        answer = await self._call("calls.add", meeting_id, **arguments.as_kwargs())
        call_id = ((answer or {}).get("call") or {}).get("id")
        if not call_id:
            return False
        now = datetime.now(UTC).isoformat()
        await self.store.record_slack_call(meeting_id, call_id, arguments.external_unique_id, now)
        log.info("meeting %s: Slack call %s registered", meeting_id, call_id)
        return True

    async def _participant(self, event: ZoomEvent) -> None:
        person = event.participant
        assert event.meeting_id is not None
        if person is None or not person.key:
            return
        call = await self.store.slack_call(event.meeting_id)
        if call is None or call.get("ended_at") or not call.get("call_id"):
            return
        user = render.call_user(person, await self._slack_user(person))
        method = (
            "calls.participants.add"
            if event.kind is EventKind.PARTICIPANT_JOINED
            else "calls.participants.remove"
        )
        await self._call(method, event.meeting_id, id=call["call_id"], users=[user])

    async def _end(self, event: ZoomEvent, row: Mapping[str, Any]) -> None:
        assert event.meeting_id is not None
        if event.meeting is not None and event.meeting.occurrence_ids:
            return  # some occurrences deleted: the meeting goes on
        ended = (event.meeting.end_time if event.meeting else None) or event.occurred_at
        started = (event.meeting.start_time if event.meeting else None) or parse_utc(
            row.get("started_at")
        )
        await self._end_call(event.meeting_id, ended or datetime.now(UTC), started)

    async def _end_call(self, meeting_id: int, ended: datetime, started: datetime | None) -> None:
        """Mark the call ended (once: the store says whether this is the first time), then
        `calls.end` with its duration from `started` (else from when it was registered)."""
        call = await self.store.end_slack_call(meeting_id, ended.isoformat())
        if call is None:
            return  # no call, or ended already
        started = started or parse_utc(call.get("registered_at"))
        arguments: dict[str, Any] = {"id": call["call_id"]}
        duration = render.duration_seconds(started, ended)
        if duration is not None:
            arguments["duration"] = duration
        await self._call("calls.end", meeting_id, **arguments)

    async def _retitle(self, event: ZoomEvent) -> None:
        """The meeting's topic changed in Zoom: the live call's title follows."""
        assert event.meeting_id is not None
        topic = event.meeting.topic if event.meeting else None
        if not topic:
            return
        call = await self.store.slack_call(event.meeting_id)
        if call is None or call.get("ended_at") or not call.get("call_id"):
            return
        await self._call("calls.update", event.meeting_id, id=call["call_id"], title=topic)

    async def _slack_user(self, person: Participant) -> str | None:
        """The Slack user whose email is the participant's Zoom email, if any."""
        email = (person.email or "").strip().lower()
        if not email:
            return None
        hit, found = self._emails.get(email)
        if hit:
            return found
        try:
            answer = await checked(self.slack.users_lookupByEmail(email=email))
        except PostFailed as failure:
            if failure.code not in ("users_not_found", "user_not_found"):
                log.info("users.lookupByEmail failed (%s): shown as a guest", failure.error)
                return None  # not remembered: a passing failure
            found = None
        else:
            user = answer.get("user") or {}
            found = None if user.get("deleted") or user.get("is_bot") else user.get("id")
        self._emails.put(email, found, EMAIL_TTL)
        return found

    async def _call(self, method: str, meeting_id: int, **arguments: Any) -> dict[str, Any] | None:
        """One Calls method; its answer, or None when Slack refused (logged)."""
        try:
            answer = await checked(self.slack.api_call(method, json=arguments))
        except PostFailed as failure:
            if failure.code in NOT_ALLOWED:
                self._paused_until = time.monotonic() + NOT_ALLOWED_PAUSE
                if not self.warned:
                    self.warned = True
                    log.warning(
                        "Slack Calls are off: Slack answered %s to %s. Meetings are posted "
                        "without a call card until the app has the calls:write scope "
                        "(add it from manifest.yml and reinstall the app).",
                        failure.code,
                        method,
                    )
                return None
            log.warning("meeting %s: %s failed: %s", meeting_id, method, failure.error)
            return None
        return dict(answer.data) if isinstance(answer.data, dict) else {}


def _shown(row: Mapping[str, Any] | None) -> bool:
    """A call is registered only for a meeting whose message the bot can update with its
    card (not one posted through a response_url), and never for a cancelled one."""
    return bool(row and row.get("message_ts") and row.get("status") != "cancelled")


def follows_zoom(settings: Settings) -> bool:
    """Zoom's meeting events reach this app: by webhook (the account app's Secret Token or
    the "Connect your Zoom" app's), or over the account app's WebSocket."""
    webhook = settings.zoom_webhook_secret_token or settings.zoom_oauth_webhook_secret_token
    return bool(webhook) or (settings.zoom_events == "websocket" and settings.account_app)
