"""Everyone's own time (issue 16): a request that names people (`/zoom tomorrow 3pm design
review with @kenji @ana`) shows each person's local time in the private confirmation, and
when the meeting falls outside anyone's working hours the requester is asked first,
privately: **Create anyway** or **Find a time** (the three nearest starts that fit
everyone, as buttons). The channel message mentions the invited people (`Ask.invited`).

The mentions (and the "with" before them) are taken out of the text before it is read
(`split_mentions`): the reader (bot/reading) gets the words of the meeting only.

Idempotency: the command's own key is claimed before the ack (`take`) and settled as
"nothing made" when the requester is asked; every button of one question creates under
one key, `<command key>:people`, so a double click, or Create anyway after a picked slot,
makes one meeting (bot/flows/create.py answers the second "already created").
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.flows import create
from bot.flows.answers import Outcome, OutcomeKind, guarded
from bot.flows.asks import Ask, ModalAsk, request_for
from bot.flows.create import Prepare
from bot.flows.services import STORE_ERRORS, Services
from bot.identities import SlackProfile
from bot.posting import TRANSPORT_ERRORS
from bot.render import people as render
from bot.render.people import Pending
from bot.slots import Person, WorkingHours, describe, explain_no_slots, find_slots, local_times
from zoom import SCHEDULED, MeetingRequest, MeetingSettings

log = logging.getLogger("zoombot.people")

MAX_INVITED = 10
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_ONE = r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>"
# "with @a, @b and @c" / "cc @a" / "@a @b": the mentions with the words that join them.
MENTION_RUN = re.compile(
    rf"(?:\b(?:with|cc|invite|inviting)\s+)?{_ONE}(?:\s*(?:,|\band\b|&amp;|&)?\s*{_ONE})*",
    re.IGNORECASE,
)
DEFAULT_START, DEFAULT_END = "09:00", "18:00"
LOCAL_TIMES = "Local times: "


def split_mentions(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` without the people it mentions (nor the "with" before them), and their Slack
    ids in order, once each. `<!channel>`/`<!here>` are not people: they stay (and read as
    plain words)."""
    ids = tuple(dict.fromkeys(MENTION.findall(text)))
    rest = MENTION_RUN.sub(" ", text)
    return " ".join(rest.split()), ids


def has_mentions(text: str) -> bool:
    return MENTION.search(text) is not None


def _hhmm(value: object, default: str) -> time:
    text = value if isinstance(value, str) and re.fullmatch(r"\d\d:\d\d", value) else default
    return time(int(text[:2]), int(text[3:]))


async def working_hours(services: Services, user: str, zone: str) -> WorkingHours:
    """`user`'s working hours in `zone`: their Home tab choice, else 09:00–18:00 weekdays.
    A store failure, or a choice that does not hold together, reads as the default."""
    try:
        row = await services.store.preferences(user) or {}
    except STORE_ERRORS:
        row = {}
    try:
        return WorkingHours(
            zone,
            _hhmm(row.get("work_start"), DEFAULT_START),
            _hhmm(row.get("work_end"), DEFAULT_END),
        )
    except ValueError:
        return WorkingHours(zone)


@dataclass
class People:
    """The requester (first) and the invited people Slack knows, as `Person`s with their
    zones and hours; `known` the Slack ids of those it knows (the ones to mention); `notes`
    about people left out of the hours (no zone in Slack)."""

    persons: list[Person]
    known: tuple[str, ...]
    notes: list[str]


async def people_of(
    services: Services, requester: SlackProfile, invited: tuple[str, ...]
) -> People:
    """`People` for a request by `requester` naming `invited`. Someone Slack does not know
    (or will not say), a deactivated account or a bot is left out, and not mentioned."""
    people = [
        Person(
            "you",
            requester.tz or "UTC",
            await working_hours(services, requester.id, requester.tz or "UTC"),
        )
    ]
    notes: list[str] = []
    known: list[str] = []
    for user in invited:
        try:
            profile = await services.hosts.profile(user)
        except (SlackApiError, *TRANSPORT_ERRORS, *STORE_ERRORS):
            continue
        if profile.deleted or profile.is_bot:
            continue
        known.append(user)
        if profile.tz is None:
            notes.append(f"{profile.label} has no time zone in Slack; left out of the hours.")
            continue
        hours = await working_hours(services, user, profile.tz)
        people.append(Person(profile.label, profile.tz, hours))
    return People(people, tuple(known), notes)


def invited_of(requester: str, ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(u for u in ids if u != requester)[:MAX_INVITED]


async def take(
    services: Services, ask: Ask, *, prepare: Prepare | None = None
) -> Coroutine[Any, Any, Outcome]:
    """As `create.take` (claim `ask.key` before the ack, "already created" for a repeat),
    for an ask that names people; returns the work to run after the ack. `prepare`
    completes the ask after the ack (the modal's)."""
    return await create.take(services, ask, prepare=prepare, then=decide)


async def decide(services: Services, ask: Ask, prepare: Prepare | None = None) -> Outcome:
    """Read the request; create it at once when it suits everyone (with their local times
    in the confirmation), else ask the requester privately first."""

    async def work() -> Outcome:
        nonlocal ask
        if prepare is not None:
            ask = await prepare(ask)
        now = services.clock()
        profile = await services.hosts.profile(ask.requester)
        prefs = await services.preferences(ask.requester)
        request, _, _ = await request_for(services, ask, profile, prefs, now)
        start = request.starts_at()
        people = await people_of(services, profile, ask.invited)
        ask = dataclasses.replace(ask, invited=people.known)
        if start is None or len(people.persons) < 2:
            return await create.claimed(services, ask)
        duration = timedelta(minutes=request.duration or 60)
        times = local_times(start, duration, people.persons)
        line = describe(times)
        if request.type != SCHEDULED or all(t.inside for t in times) or start < now:
            # A repeating meeting's hours are not weighed (only its first start is shown);
            # a start in the past is the create flow's refusal to give.
            noted = dataclasses.replace(ask, notes=(LOCAL_TIMES + line, *people.notes))
            return await create.claimed(services, noted)
        pending = Pending(
            key=ask.key,
            topic=request.topic,
            start=start.astimezone(UTC).isoformat(),
            zone=request.timezone or profile.tz or "UTC",
            minutes=request.duration or 60,
            invited=ask.invited,
            channel=ask.channel,
            thread_ts=ask.thread_ts,
            agenda=request.agenda,
            settings=dataclasses.asdict(request.settings) if request.settings else None,
        )
        await services.poster.tell(
            ask.requester,
            render.hours_question(line, pending, start),
            channel=ask.channel,
            response_url=ask.response_url,
        )
        await _settle(services, ask.key)
        return Outcome(OutcomeKind.ASKED, extra={"outside": sum(not t.inside for t in times)})

    outcome = await guarded(services, ask.requester, ask.channel, ask.response_url, work)
    if outcome.made_nothing:
        await _settle(services, ask.key)
    return outcome


async def _settle(services: Services, key: str) -> None:
    """Nothing made under `key` (yet): the same command may be typed again."""
    try:
        await services.store.settle_request(key, state="refused")
    except STORE_ERRORS as error:
        log.warning("request %s not settled: %s", key[:24], type(error).__name__)


def pending_request(pending: Pending, start: datetime | None = None) -> MeetingRequest:
    """The Zoom request of a pending meeting (at `start` if given), in the requester's zone."""
    zone = ZoneInfo(pending.zone)
    local = (start or datetime.fromisoformat(pending.start)).astimezone(zone)
    settings = None
    if pending.settings:
        chosen = dict(pending.settings)
        chosen["alternative_hosts"] = tuple(chosen.get("alternative_hosts") or ())
        settings = MeetingSettings(**chosen)
    return MeetingRequest(
        topic=pending.topic or "Zoom meeting",
        type=SCHEDULED,
        start_time=local.replace(tzinfo=None).isoformat(timespec="seconds"),
        timezone=pending.zone,
        duration=pending.minutes,
        agenda=pending.agenda,
        settings=settings,
    )


async def take_pending(
    services: Services, requester: str, pending: Pending, response_url: str | None
) -> Coroutine[Any, Any, Outcome]:
    """Create anyway / a picked time: claim the question's one key before the ack (a double
    click finds it claimed: "already created"), then create with everyone's local times."""
    ask = Ask(
        requester=requester,
        key=f"{pending.key}:people",
        kind="command",
        channel=pending.channel,
        what=ModalAsk(pending_request(pending)),
        response_url=response_url,
        thread_ts=pending.thread_ts,
        invited=pending.invited,
    )

    async def with_local_times(ask: Ask) -> Ask:
        profile = await services.hosts.profile(requester)
        people = await people_of(services, profile, pending.invited)
        start = datetime.fromisoformat(pending.start)
        line = describe(local_times(start, timedelta(minutes=pending.minutes), people.persons))
        return dataclasses.replace(ask, notes=(LOCAL_TIMES + line, *people.notes))

    return await create.take(services, ask, prepare=with_local_times)


async def offer_slots(
    services: Services,
    requester: str,
    pending: Pending,
    channel: str | None,
    response_url: str | None,
) -> Outcome:
    """Find a time: the three nearest starts (same length, within five working days) that
    fit everyone's hours, as buttons; or why there is none."""

    async def work() -> Outcome:
        profile = await services.hosts.profile(requester)
        people = (await people_of(services, profile, pending.invited)).persons
        zone = ZoneInfo(pending.zone)
        start = datetime.fromisoformat(pending.start).astimezone(zone)
        duration = timedelta(minutes=pending.minutes)
        now = services.clock()
        slots = find_slots(start, duration, people, not_before=now)
        if not slots:
            reason = explain_no_slots(start, duration, people, not_before=now)
            await services.poster.tell(
                requester,
                render.no_slots_message(
                    reason or "No time fits everyone in the next days.", pending
                ),
                channel=channel,
                response_url=response_url,
            )
            return Outcome(OutcomeKind.SLOTS, "none")
        lines = [(s, describe(local_times(s, duration, people))) for s in slots]
        await services.poster.tell(
            requester,
            render.slots_message(pending, lines),
            channel=channel,
            response_url=response_url,
        )
        return Outcome(OutcomeKind.SLOTS, extra={"count": len(slots)})

    return await guarded(services, requester, channel, response_url, work)
