"""The other things `/zoom` does: list, cancel, link, whoami. Each runs inside the one guard
(bot/flows/answers.py), so a failure is a private sentence, never a trace."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.errors import Refused
from bot.flows import live
from bot.flows.answers import Outcome, OutcomeKind, guarded
from bot.flows.services import Services
from bot.posting import PostFailed
from bot.render import home, private, sentences, words
from bot.slack.workspaces import in_this_workspace
from bot.store.rows import iso, meeting_from_row
from zoom import MeetingNotFound, ZoomUser

log = logging.getLogger("zoombot.scheduling")

MEETING_ID = re.compile(r"^\d{9,12}$")
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>")
LAST = ("last", "latest", "the last one", "my last meeting")

NOT_YOURS = "Only the person who created this meeting or its host can cancel it."


@dataclass(frozen=True)
class Command:
    """A `/zoom list|cancel|link|whoami` (or the Cancel button): who asked, the words after
    the subcommand, and where to answer them."""

    requester: str
    text: str = ""
    response_url: str | None = None
    channel: str | None = None

    async def tell(self, services: Services, message: dict[str, Any]) -> None:
        """Answer the requester privately."""
        await services.poster.tell(
            self.requester, message, channel=self.channel, response_url=self.response_url
        )

    async def guarded(
        self,
        services: Services,
        work: Callable[[], Awaitable[Outcome]],
        operation: str = sentences.CREATE,
    ) -> Outcome:
        """`work` inside the one guard: a failure is a private sentence to the requester."""
        return await guarded(
            services, self.requester, self.channel, self.response_url, work, operation
        )


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
    plain = words.plain_text(text).split()
    return target, (plain[0] if plain else None)


async def list_meetings(services: Services, command: Command) -> Outcome:
    """Tell the requester their upcoming meetings (from Zoom, or the store without an
    account of their own)."""

    requester = command.requester

    async def work() -> Outcome:
        connected = await services.connected_host(requester)
        user = (await services.hosts.own_zoom_user(requester)).user
        if connected is not None:
            zoom = await services.zoom_for(connected.found_by, requester)
            user = ZoomUser(id="me", email=connected.email)
        elif user is None:
            return await _list_from_store(services, command)
        else:
            zoom = await services.zoom_for(None, requester)
        meetings = await zoom.list_upcoming_meetings(user.id)
        await command.tell(services, private.meetings_list_message(meetings, host_email=user.email))
        return Outcome(OutcomeKind.LISTED, extra={"count": len(meetings)})

    return await command.guarded(services, work, sentences.LIST)


async def _list_from_store(services: Services, command: Command) -> Outcome:
    """Someone without a Zoom account of their own: the default host holds their meetings,
    among everyone else's, so list the ones they made here (upcoming, not cancelled), from
    the store."""
    rows = home.upcoming(await services.meetings_of(command.requester), services.clock())
    host_email = services.settings.default_host or next(
        (str(r["host_email"]) for r in rows if r.get("host_email")), None
    )
    if host_email is None:
        raise Refused(sentences.NO_HOST, "no host")
    meetings = [meeting_from_row(row) for row in rows]
    await command.tell(services, private.meetings_list_message(meetings, host_email=host_email))
    return Outcome(OutcomeKind.LISTED, extra={"count": len(meetings), "from": "store"})


async def _last_meeting(services: Services, requester: str) -> int:
    """The requester's most recently asked-for upcoming meeting (`/zoom cancel last`)."""
    rows = await services.meetings_of(requester, latest_first=True)
    ahead = {row["zoom_id"] for row in home.upcoming(rows, services.clock())}
    # `rows` are ordered by when each was asked for, the last first: the first one ahead.
    last = next((row for row in rows if row["zoom_id"] in ahead), None)
    if last is None:
        raise Refused(
            "You have no upcoming meeting made by zoombot to cancel (`/zoom list` shows yours).",
            "no last meeting",
        )
    return int(last["zoom_id"])


async def cancel(services: Services, command: Command) -> Outcome:
    """Cancel a meeting the requester made or hosts (`command.text`: its ID, or `last`),
    update its channel message and tell them."""
    requester, text = command.requester, command.text

    async def work() -> Outcome:
        meeting_id = parse_meeting_id(text)
        if text.strip().lower() in LAST:
            # The requester's most recently made upcoming meeting; the rules below apply.
            meeting_id = await _last_meeting(services, requester)
        elif meeting_id is None and re.fullmatch(r"[\d\s\-]+", text.strip() or "x"):
            raise Refused(
                f"zoombot has no meeting {text.strip()} of yours: a meeting ID has 9 to 11 "
                "digits, like `/zoom cancel 812 3456 7890` (`/zoom list` shows yours).",
                "no such meeting",
            )
        if meeting_id is None:
            raise Refused(
                "Tell me which meeting: `/zoom cancel 812 3456 7890` (the meeting ID), "
                "or `/zoom cancel last` for the last one you made (`/zoom list` shows yours).",
                "bad meeting id",
            )
        row = await services.store.meeting(meeting_id)
        if row is not None and not in_this_workspace(row):
            # Another workspace's meeting: as if zoombot had none (it never says whose).
            raise Refused(
                f"zoombot has no meeting {words.format_meeting_id(meeting_id)} of yours "
                "(`/zoom list` shows yours).",
                "another workspace's meeting",
            )
        topic = row.get("topic") if row else None
        if row and (row.get("status") == "cancelled" or row.get("state") == "cancelled"):
            raise Refused("That meeting is already cancelled.", "already cancelled")
        if not (row and row.get("requester") == requester):
            if services.zoom is None:  # no account app: only the creator may cancel
                raise Refused(NOT_YOURS, "not yours")
            meeting = await services.zoom.get_meeting(meeting_id)
            topic = meeting.topic
            user = (await services.hosts.own_zoom_user(requester)).user
            hosts_it = user is not None and (
                (meeting.host_id and meeting.host_id == user.id)
                or (meeting.host_email or "").lower() == user.email.lower()
            )
            if not hosts_it:
                raise Refused(NOT_YOURS, "not yours")
        gone = False
        zoom = await services.zoom_for_meeting(row.get("host_zoom_id") if row else None, requester)
        try:
            await zoom.delete_meeting(meeting_id)
        except MeetingNotFound:
            if not row:
                raise
            # Deleted in Zoom already (its event may never have reached us): say so.
            gone = True
        if row:
            await services.store.update_meeting(
                meeting_id,
                state="cancelled",
                status="cancelled",
                # No one here cancelled it: the message says "in Zoom".
                cancelled_by=None if gone else requester,
                cancelled_at=iso(services.clock()),
            )
            # The channel message says who cancelled it, and its buttons go.
            try:
                await live.refresh_message(
                    services.store, services.poster, services.settings, meeting_id
                )
            except PostFailed as failure:
                log.warning("meeting %s message not updated: %s", meeting_id, failure.error)
            await _cancelled_followup(services, meeting_id)
            if services.calls is not None:
                await services.calls.cancelled(meeting_id)  # its Slack Call, if one is going
        await command.tell(
            services, private.cancelled_message(meeting_id, topic, already_gone=gone)
        )
        kind = OutcomeKind.ALREADY_DELETED if gone else OutcomeKind.CANCELLED
        return Outcome(kind, meeting_id=meeting_id)

    return await command.guarded(services, work, sentences.CANCEL)


async def link(services: Services, command: Command) -> Outcome:
    """`/zoom link [@someone] email`: point someone's meetings at a Zoom user."""

    async def work() -> Outcome:
        target, email = parse_link(command.text)
        if email is None:
            raise Refused(
                "Type `/zoom link you@company.com`, or (admins) "
                "`/zoom link @someone them@company.com`.",
                "no email",
            )
        requester = command.requester
        result = await services.hosts.link(requester, target or requester, email)
        if not result.linked:
            raise Refused(result.sentence, "link refused")
        await command.tell(services, private.note_message(result.sentence))
        return Outcome(OutcomeKind.LINKED)

    return await command.guarded(services, work)


async def whoami(services: Services, command: Command) -> Outcome:
    """Tell the requester which Zoom user hosts their meetings, and how it was found."""
    requester = command.requester

    async def work() -> Outcome:
        connected = await services.connected_host(requester)
        if connected is not None:
            message = private.whoami_message(email=connected.email, found_by=connected.found_by)
            await command.tell(services, message)
            return Outcome(OutcomeKind.WHOAMI, str(connected.found_by))
        own = await services.hosts.own_zoom_user(requester)
        found_by = own.found_by
        if own.user is None:
            host = await services.hosts.find_host(requester)
            user_email = host.email if host else None
            found_by = host.found_by if host else None
        else:
            user_email = own.user.email
        mapping = own.mapping
        message = private.whoami_message(
            email=user_email,
            found_by=found_by,
            set_by=mapping.get("set_by") if mapping else None,
            set_at=mapping.get("set_at") if mapping else None,
        )
        await command.tell(services, message)
        return Outcome(OutcomeKind.WHOAMI, str(found_by or "none"))

    return await command.guarded(services, work)


async def _cancelled_followup(services: Services, meeting_id: int) -> None:
    """`followups.on_cancelled` (issue 15: what was scheduled for the meeting goes too)."""
    from bot.flows import changes, followups

    row = await services.store.meeting(meeting_id)
    if row is not None:
        await changes.run_followup(
            services, followups.on_cancelled(services, meeting_from_row(row))
        )
