"""Creates an earlier run left unfinished: found in Zoom and announced, or reported as not made.

The flow writes a create's intent on its claimed request right before it calls Zoom
(`Store.note_create_started`). If the process then dies (SIGKILL, OOM, power) or a stop's
grace runs out while Zoom is answering, Zoom may have made the meeting without anyone
recording or announcing it. At start, in the background after readiness, `Reconciler.run`
takes every such request an earlier process left and, once its create is older than
`after` seconds (longer than any create lasts, in case that process is still stopping):

- asks Zoom (`ZoomClient.find_created_meeting`, the same look-up a create makes after a
  timeout) whether the meeting exists;
- found: records and announces it the one way a created meeting is announced
  (`create.announce_created`: outbox, retries, posted exactly once); the request becomes
  `posted` like any other;
- not found: marks the request `failed` (the same action may be tried again) and tells the
  requester privately that nothing was made, with a reference and what to do to try again;
- Zoom cannot be asked (down, throttled, credentials refused): the row is left as it is,
  logged, and asked about again after a backoff, and at the next start. Never a guess.

A request whose meeting was recorded but whose message never reached the outbox (the stop
fell exactly between the two) is announced too, from Zoom's copy of the meeting.

Before all that, the requests an earlier run acknowledged but never took to Zoom (the
listeners record each request before Bolt answers Slack; its create intent is written only
right before Zoom is called): nothing was made, so each is settled `failed` at once (its key
free again) and the requester told privately, through the saved response_url while it holds,
else ephemerally in the channel or by DM (`settle_unstarted`).

One database is served by one process at a time, as for the outbox: rows whose create this
process started are never touched here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.flows.asks import Ask
from bot.flows.create import Created, announce_created
from bot.flows.services import STORE_ERRORS, Services
from bot.identities import FoundBy, Host
from bot.logs import new_reference
from bot.render import private, words
from bot.slack.workspaces import scope
from zoom import INSTANT, MeetingRequest, ZoomError, ZoomNotFound

log = logging.getLogger("zoombot.reconcile")

# Waits between asking Zoom again about one request when it could not be asked; after the
# last, the request is left for the next start.
RETRY_WAITS: tuple[float, ...] = (10.0, 60.0, 300.0)
# Seconds one look-up may take in total.
LOOKUP_DEADLINE = 30.0
# Slack honours a response_url for 30 minutes; stop using it a minute early.
RESPONSE_URL_FOR = 29 * 60.0

TRY_AGAIN = {
    "command": "Type the same `/zoom` command again to try again.",
    "modal": "Open the form again with `/zoom schedule` to try again.",
    "message_shortcut": "Run the shortcut on the message again to try again.",
}


class Reconciler:
    """Settles the creates earlier runs left unfinished. `run()` once per start."""

    def __init__(
        self,
        services: Services,
        *,
        after: float = 60.0,
        retry_waits: Sequence[float] = RETRY_WAITS,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.services = services
        self.store = services.store
        self.after = after
        self.retry_waits = tuple(retry_waits)
        self.clock = clock
        self.sleep = sleep

    async def run(self, concurrency: int = 4) -> int:
        """Settle every request an earlier run acknowledged and left unfinished: first the
        ones that never reached Zoom (`settle_unstarted`), then the unfinished creates.
        Returns how many there were. Never raises for what Slack, Zoom or the store do."""
        owner = self.services.poster.owner
        try:
            unstarted = await self.store.unstarted_claims(self.services.started_at)
            rows = await self.store.unsettled_creates(owner)
        except STORE_ERRORS as error:
            log.error("cannot read the requests an earlier run left: %s", error)
            return 0
        if not rows and not unstarted:
            return 0
        gate = asyncio.Semaphore(concurrency)

        async def one(row: dict[str, Any], settle: Callable[[dict[str, Any]], Any]) -> None:
            async with gate:
                try:
                    with scope(row.get("workspace")):
                        outcome = await settle(row)
                    # (bot/metrics.py counts these by outcome)
                    log.info(
                        "request %s reconciled: %s",
                        _short(row["key"]),
                        outcome,
                        extra={"fields": {"reconcile": outcome}},
                    )
                except Exception:
                    # A bug of ours must not stop the others; the row stays for next start.
                    log.exception("could not settle request %s", _short(row["key"]))

        if unstarted:
            log.info(
                "%d request(s) acknowledged by an earlier run never reached Zoom; telling "
                "the requesters",
                len(unstarted),
            )
        if rows:
            log.info("%d create(s) left unfinished by an earlier run; asking Zoom", len(rows))
        await asyncio.gather(
            *(one(r, self.settle_unstarted) for r in unstarted),
            *(one(r, self.settle) for r in rows),
        )
        return len(rows) + len(unstarted)

    async def settle_unstarted(self, row: dict[str, Any]) -> str:
        """A request an earlier run claimed (and acknowledged) but never took to Zoom (its
        create intent is written before Zoom is called): nothing was made. Free its key and
        tell the requester privately, with a reference and how to try again. Returns
        `not_created`, or `forgotten` for a row that does not say who asked (made before
        requests recorded it)."""
        if not row.get("requester"):
            await self.store.settle_request(row["key"], state="failed")
            log.warning("request %s: left unfinished, nobody to tell", _short(row["key"]))
            return "forgotten"
        await self._tell_failed(
            row,
            "the earlier run stopped before it asked Zoom",
            "zoombot restarted before it could create your meeting, so nothing was made.",
        )
        return "not_created"

    async def settle(self, row: dict[str, Any]) -> str:
        """Settle one unfinished create. Returns what became of it: `announced`,
        `not_created`, `left` (Zoom could not be asked) or `skipped` (settled meanwhile)."""
        started = _utc(row["create_started_at"])
        wait = started.timestamp() + self.after - self.clock()
        if wait > 0:
            await self.sleep(wait)
        # Settled meanwhile (an earlier run still stopping, or a repeat of the action)?
        unsettled = await self.store.unsettled_creates(self.services.poster.owner)
        current = next((r for r in unsettled if r["key"] == row["key"]), None)
        if current is None or current.get("create_owner") != row.get("create_owner"):
            return "skipped"
        host_id = current.get("host_zoom_id") or current.get("host_email")
        request = MeetingRequest(**json.loads(current["request"]))
        if request.type == INSTANT and not current.get("meeting_id"):
            # Zoom does not list instant meetings, so whether one was made cannot be asked.
            # Nobody has its link: say so, and let the person ask again.
            await self._unknown_instant(current, request)
            return "not_created"
        for attempt, pause in enumerate((0.0, *self.retry_waits)):
            if pause:
                await self.sleep(pause)
            try:
                zoom = await self.services.zoom_for(
                    current.get("host_found_by"), current["requester"]
                )
                if current.get("meeting_id"):
                    meeting = await zoom.get_meeting(
                        int(current["meeting_id"]), deadline=LOOKUP_DEADLINE
                    )
                else:
                    meeting = await zoom.find_created_meeting(
                        host_id, request, started, deadline=LOOKUP_DEADLINE
                    )
            except ZoomNotFound:
                # The host (or the recorded meeting) is gone from Zoom: there is no meeting.
                meeting = None
            except ZoomError as error:
                log.warning(
                    "could not ask Zoom about request %s (attempt %d): %s code=%s status=%s",
                    _short(row["key"]),
                    attempt + 1,
                    type(error).__name__,
                    error.code,
                    error.status,
                )
                continue
            break
        else:
            log.warning(
                "request %s left unsettled: Zoom could not be asked; trying at next start",
                _short(row["key"]),
            )
            return "left"
        if meeting is None:
            await self._not_created(current, request)
            return "not_created"
        await self._announce(current, meeting, request)
        return "announced"

    def _ask(self, row: dict[str, Any]) -> Ask:
        until = float(row["created_at"]) + RESPONSE_URL_FOR
        valid = row.get("response_url") and self.clock() < until
        return Ask(
            requester=row["requester"],
            key=row["key"],
            kind=row.get("kind") or "command",
            channel=row.get("channel"),
            response_url=row["response_url"] if valid else None,
            thread_ts=row.get("thread_ts"),
            response_url_until=until if valid else None,
        )

    async def _announce(self, row: dict[str, Any], meeting: Any, request: MeetingRequest) -> None:
        ask = self._ask(row)
        host = Host(
            user_id=row.get("host_zoom_id") or row.get("host_email") or "",
            email=row.get("host_email") or "",
            name=row.get("host_name") or row.get("host_email") or "",
            found_by=FoundBy(row.get("host_found_by") or FoundBy.MAPPING),
        )
        prefs = await self.services.preferences(ask.requester)
        log.info(
            "request %s: Zoom made meeting %s before the earlier run stopped; announcing it",
            _short(ask.key),
            meeting.id,
        )
        note = "zoombot restarted while Zoom was creating this meeting; here it is."
        created = Created(
            ask, meeting, host, request, prefs, now=self.services.clock(), notes=[note]
        )
        await announce_created(self.services, created)

    async def _not_created(self, row: dict[str, Any], request: MeetingRequest) -> None:
        await self._tell_failed(
            row,
            "Zoom has no meeting from the earlier run's create",
            f"I could not create your meeting *{words.escape(request.topic)}*: zoombot "
            "stopped while Zoom was working on it, and Zoom has no such meeting, so nothing "
            "was made.",
        )

    async def _unknown_instant(self, row: dict[str, Any], request: MeetingRequest) -> None:
        await self._tell_failed(
            row,
            "the earlier run stopped during an instant create, which Zoom cannot be asked about",
            f"zoombot stopped while Zoom was starting your meeting "
            f"*{words.escape(request.topic)}*, and Zoom cannot tell whether it made it, so "
            "nothing was posted and nobody has its link.",
        )

    async def _tell_failed(self, row: dict[str, Any], why: str, sentence: str) -> None:
        """Tell the requester privately that nothing was made and how to retry, then settle
        the request as failed (its key free again). Told first: a stop in between leaves the
        request unsettled, and the next start tells them again rather than never."""
        ask = self._ask(row)
        ref = new_reference()
        told = await self.services.poster.tell(
            ask.requester,
            private.refusal_message(
                sentence + " " + TRY_AGAIN.get(ask.kind, TRY_AGAIN["command"]), ref
            ),
            channel=ask.channel,
            response_url=ask.response_url,
        )
        await self.store.settle_request(ask.key, state="failed")
        log.warning(
            "request %s: %s; %s (ref %s)",
            _short(ask.key),
            why,
            "told the requester" if told else "the requester could not be reached",
            ref,
        )


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _short(key: str) -> str:
    # Idempotency keys hold trigger ids and message timestamps: enough of one to find it.
    return key[:24]
