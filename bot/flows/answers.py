"""How a request ended (`Outcome`), and the one place where errors become sentences for the
requester: `guarded` runs a flow's work and answers every failure privately, with what to
do instead and a short reference that is also in the log line; `refuse` tells one refusal.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.errors import Refused
from bot.flows.services import STORE_ERRORS, Services
from bot.identities import SlackProfile
from bot.logs import new_reference
from bot.posting import TRANSPORT_ERRORS
from bot.render import private, sentences
from bot.render.connect import GRANT_REVOKED
from bot.slack.failures import slack_failure
from zoom import GrantRevoked, ZoomAuthError, ZoomError

log = logging.getLogger("zoombot.scheduling")

# The refusal when the store fails before Zoom was asked.
CANNOT_SAVE = (
    "zoombot cannot save anything right now; nothing was created. Try again in a few minutes."
)
CANNOT_STORE = (
    "zoombot cannot read or save anything right now, so this did not finish. "
    "Try again in a few minutes."
)


class OutcomeKind(StrEnum):
    """How a request ended; the value is what the request's log line says (`outcome=`)."""

    POSTED = "posted"
    DUPLICATE = "duplicate"
    REFUSED = "refused"
    FAILED = "failed"
    CREATED_NOT_POSTED = "created_not_posted"
    CREATED_NOT_ANNOUNCED = "created_not_announced"
    MODAL_OPENED = "modal_opened"
    LISTED = "listed"
    CANCELLED = "cancelled"
    ALREADY_DELETED = "already_deleted"
    LINKED = "linked"
    WHOAMI = "whoami"
    HELP = "help"
    INVALID = "invalid"
    ACKED = "acked"
    IGNORED = "ignored"
    HOME_PUBLISHED = "home published"
    HOME_NOT_PUBLISHED = "home not published"
    PROFILE_UPDATED = "profile updated"
    CONNECT_LINK = "connect link sent"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    JOIN_POSTED = "join posted"  # /zoom join (bot/flows/join.py)
    ROOM_POSTED = "personal room posted"  # /zoom me
    ASKED = "asked about hours"  # outside someone's working hours (bot/flows/people.py)
    SLOTS = "slots offered"
    MOVED = "moved"
    SKIPPED = "skipped"
    UNCHANGED = "unchanged"


@dataclass
class Outcome:
    """How a request ended, for the one log line per Slack request: `kind`, and `detail`
    (why it was refused, how a host was found, which fields were invalid …)."""

    kind: OutcomeKind
    detail: str | None = None
    ref: str | None = None
    meeting_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        """The log line's `outcome=` value: `kind`, or `kind:detail`."""
        if self.detail is None:
            return str(self.kind)
        if self.kind is OutcomeKind.HOME_NOT_PUBLISHED:
            return f"{self.kind}: {self.detail}"
        return f"{self.kind}:{self.detail}"

    @property
    def made_nothing(self) -> bool:
        """Refused or failed: nothing was created, the same action may be tried again."""
        return self.kind in (OutcomeKind.REFUSED, OutcomeKind.FAILED)


def is_guest(profile: SlackProfile) -> bool:
    """True for single- and multi-channel guests (`is_ultra_restricted`, `is_restricted`)."""
    return profile.is_restricted or profile.is_ultra_restricted


async def refuse(
    services: Services,
    requester: str,
    sentence: str,
    reason: str,
    *,
    channel: str | None,
    response_url: str | None,
) -> Outcome:
    """Tell `requester` privately `sentence` with a new reference; log `reason` with it."""
    ref = new_reference()
    log.warning("refused %s: %s (ref %s)", requester, reason, ref)
    await services.poster.tell(
        requester,
        private.refusal_message(sentence, ref),
        channel=channel,
        response_url=response_url,
    )
    return Outcome(OutcomeKind.REFUSED, reason, ref=ref)


async def refuse_guests(services: Services, requester: str) -> None:
    """Raise Refused when `requester` is a Slack guest and guests are not allowed."""
    if services.settings.allow_guests:
        return
    # Fresh (≤ a minute old): someone made a guest stops creating meetings within it.
    if is_guest(await services.hosts.fresh_profile(requester)):
        raise Refused(sentences.GUESTS_NOT_ALLOWED, "guest")


async def guarded(
    services: Services,
    requester: str,
    channel: str | None,
    response_url: str | None,
    work: Callable[[], Awaitable[Outcome]],
    operation: str = sentences.CREATE,
) -> Outcome:
    """Run `work`, turning every failure into a private sentence for the requester (worded
    for `operation`: sentences.CREATE, CANCEL or LIST). Never raises.

    Guests are refused here, before `work` runs, unless ZOOMBOT_ALLOW_GUESTS is set: every
    door and subcommand goes through this one place."""
    try:
        await refuse_guests(services, requester)
        return await work()
    except Refused as refusal:
        return await refuse(
            services,
            requester,
            refusal.sentence,
            refusal.reason,
            channel=channel,
            response_url=response_url,
        )
    except GrantRevoked:
        # Their own connected Zoom refused us for good: forget it, and say how to reconnect.
        if services.accounts is not None:
            await services.accounts.drop(requester)
        return await refuse(
            services,
            requester,
            GRANT_REVOKED,
            "zoom grant revoked",
            channel=channel,
            response_url=response_url,
        )
    except ZoomError as error:
        tz = await services.requester_zone(requester)
        sentence = sentences.sentence_for(error, tz=tz, now=services.clock(), operation=operation)
        reason = f"zoom {type(error).__name__} code={error.code} status={error.status}"
        if error.tracking_id:
            reason += f" tracking_id={error.tracking_id}"
        if isinstance(error, ZoomAuthError):
            # The operator must learn which: credentials, or the scopes Zoom named. The
            # client's message names them and holds no secret.
            reason += f" detail={error.message!r}"
        return await refuse(
            services, requester, sentence, reason, channel=channel, response_url=response_url
        )
    except STORE_ERRORS as error:
        # The store failed before anything was asked of Zoom (after a create, the create
        # flow answers on its own: `create.announce_after_failure`).
        return await refuse(
            services,
            requester,
            CANNOT_SAVE if operation == sentences.CREATE else CANNOT_STORE,
            f"store {type(error).__name__}",
            channel=channel,
            response_url=response_url,
        )
    except (SlackApiError, *TRANSPORT_ERRORS) as error:
        # users.info refused, or timed out / lost its connection: Slack's trouble, not a
        # bug of ours, and nothing was created.
        code = slack_failure(error).error  # never assumes the answer was a dict
        return await refuse(
            services,
            requester,
            "Slack did not answer when I asked about you; nothing was created. Try again.",
            f"slack {code}",
            channel=channel,
            response_url=response_url,
        )
    except Exception:
        # A bug of ours: the requester gets a sentence and a reference, never a trace; the
        # operator gets the trace under the same reference.
        ref = new_reference()
        log.exception("unexpected failure for %s (ref %s)", requester, ref)
        await services.poster.tell(
            requester,
            private.refusal_message(
                "Something went wrong on zoombot's side; nothing was posted. "
                "Try again, or give an admin this reference.",
                ref,
            ),
            channel=channel,
            response_url=response_url,
        )
        return Outcome(OutcomeKind.FAILED, ref=ref)
