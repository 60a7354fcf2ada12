"""What moving a meeting and skipping one occurrence share (issue 15; bot/flows/move.py,
skip.py): which meeting a request names, who may change it, whether it can still change,
the occurrence on a day, and the steps after Zoom changed (refresh the message, tell the
requester, run the follow-up). A repeat of the same Slack request is caught by `first_time`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.errors import Refused
from bot.flows import live
from bot.flows.answers import Outcome, OutcomeKind, guarded
from bot.flows.manage import LAST, parse_meeting_id
from bot.flows.services import Services
from bot.posting import TRANSPORT_ERRORS, PostFailed
from bot.render import home
from bot.render import move as view
from bot.render.words import escape
from bot.store.rows import meeting_from_row
from zoom import INSTANT, Meeting, Occurrence

log = logging.getLogger("zoombot.scheduling")

REPEAT_PREFIX = "slack-change:"  # a Slack request's key among the store's seen deliveries


async def first_time(services: Services, key: str) -> bool:
    """False when this Slack request (`key`: its trigger or view) was handled before."""
    return await services.store.first_delivery(REPEAT_PREFIX + key)


async def find_meeting(services: Services, requester: str, target: str, channel: str | None) -> int:
    """The meeting `target` names: its ID, or `last` (the requester's latest upcoming
    meeting in `channel`)."""
    if target.strip().lower() in LAST:
        return await last_in_channel(services, requester, channel)
    meeting_id = parse_meeting_id(target)
    if meeting_id is None:
        raise Refused(
            f"zoombot has no meeting {target.strip()}: a meeting ID has 9 to 11 digits, like "
            "`/zoom move 812 3456 7890 to thu 3pm` (`/zoom list` shows yours), or say `last`.",
            "no such meeting",
        )
    return meeting_id


async def last_in_channel(
    services: Services, requester: str, channel: str | None, *, series_only: bool = False
) -> int:
    rows = await upcoming_rows(services, requester, channel)
    if series_only:
        rows = [r for r in rows if view.is_recurring(meeting_from_row(r))]
    if not rows:
        where = " in this channel" if channel else ""
        raise Refused(
            f"You have no upcoming meeting made by zoombot{where} (`/zoom list` shows yours).",
            "no last meeting",
        )
    return int(rows[0]["zoom_id"])


async def upcoming_rows(
    services: Services, requester: str, channel: str | None
) -> list[Mapping[str, Any]]:
    """The requester's upcoming meetings (the last asked for first), those of `channel`
    only when it is given."""
    rows = await services.meetings_of(requester, latest_first=True)
    ahead = {row["zoom_id"] for row in home.upcoming(rows, services.clock())}
    return [
        row
        for row in rows
        if row["zoom_id"] in ahead and (channel is None or row.get("channel") == channel)
    ]


async def allowed_row(
    services: Services, requester: str, meeting_id: int, verb: str
) -> dict[str, Any]:
    """The meeting's stored row, when `requester` made it or hosts it; else Refused
    ("Only <@host> or <@requester> can `verb`")."""
    row = await services.store.meeting(meeting_id)
    if row is None:
        raise Refused(
            f"zoombot did not make meeting {meeting_id}, so it can't change it here: change "
            "it in Zoom (`/zoom list` shows yours).",
            "not ours",
        )
    if row.get("requester") == requester or await _hosts_it(services, requester, row):
        return row
    host = await _host_mention(services, row)
    raise Refused(f"Only {host} or <@{row.get('requester')}> can {verb} this meeting.", "not yours")


async def _hosts_it(services: Services, requester: str, row: Mapping[str, Any]) -> bool:
    user = (await services.hosts.own_zoom_user(requester)).user
    if user is None:
        return False
    host_id, host_email = row.get("host_zoom_id"), (row.get("host_email") or "").lower()
    return bool((host_id and host_id == user.id) or host_email == user.email.lower())


async def _host_mention(services: Services, row: Mapping[str, Any]) -> str:
    """`<@U…>` for the host when Slack knows their email, else their name."""
    email = row.get("host_email")
    if email:
        try:
            found = await services.poster.slack.users_lookupByEmail(email=email)
            user_id = (found.get("user") or {}).get("id")
            if user_id:
                return f"<@{user_id}>"
        except (SlackApiError, *TRANSPORT_ERRORS):
            pass
    return f"its host ({row.get('host_name') or email or 'in Zoom'})"


def check_open(row: Mapping[str, Any], meeting: Meeting, now: datetime) -> None:
    """Refuse a cancelled, live, finished or instant meeting."""
    if row.get("status") == "cancelled" or row.get("state") == "cancelled":
        raise Refused("That meeting is cancelled: there is nothing to change.", "cancelled")
    if row.get("status") == "live":
        raise Refused("That meeting is going on now: change it after it ends.", "live")
    if view.is_recurring(meeting):
        return
    if meeting.type == INSTANT or meeting.start_time is None:
        raise Refused("An instant meeting has no set time to change.", "instant")
    end = meeting.start_time + timedelta(minutes=meeting.duration or 0)
    if row.get("status") == "ended" or end <= now:
        raise Refused("That meeting is already over: make a new one with `/zoom`.", "over")


@contextlib.asynccontextmanager
async def changing(
    services: Services, requester: str, meeting_id: int, doing: str
) -> AsyncIterator[Meeting]:
    """Hold the meeting's locks (this process's, then every instance's) for a change by
    `requester`: yields the meeting once `allowed_row` and `check_open` let it be changed
    (`doing`: "move this meeting", for the refusal)."""
    async with live.held(services.store, meeting_id):
        meeting, _ = await changeable(services, requester, meeting_id, doing)
        yield meeting


async def changeable(
    services: Services, requester: str, meeting_id: int, doing: str
) -> tuple[Meeting, datetime]:
    """The meeting, once `allowed_row` and `check_open` let `requester` change it, and the
    time it was checked at (`doing`: "move this meeting", for the refusal)."""
    row = await allowed_row(services, requester, meeting_id, doing)
    meeting = meeting_from_row(row)
    now = services.clock()
    check_open(row, meeting, now)
    return meeting, now


@dataclass(frozen=True)
class Pressed:
    """A meeting message's Reschedule or Skip one… button, pressed by `requester`: the
    meeting, and where its modal opens (`trigger_id`) and a refusal goes."""

    requester: str
    meeting_id: int
    trigger_id: str
    channel: str | None
    response_url: str | None


async def open_modal(
    services: Services,
    pressed: Pressed,
    name: str,
    doing: str,
    failed: str,
    modal: Callable[[Meeting, datetime], Awaitable[dict[str, Any]]],
) -> Outcome:
    """Open the change's modal (`modal(meeting, now)`, which may refuse) once `changeable`
    lets the presser change the meeting (`doing`: "move this meeting"); a refusal or failure
    is a private sentence (`failed`: what went wrong, answers.py). `name` is the outcome's."""

    async def work() -> Outcome:
        meeting, now = await changeable(services, pressed.requester, pressed.meeting_id, doing)
        await services.poster.open_view(pressed.trigger_id, await modal(meeting, now))
        return Outcome(OutcomeKind.MODAL_OPENED, name, meeting_id=pressed.meeting_id)

    return await guarded(
        services, pressed.requester, pressed.channel, pressed.response_url, work, failed
    )


def occurrence_on(occurrences: tuple[Occurrence, ...], day: date, zone: str) -> Occurrence | None:
    """The series' occurrence on `day` (local in `zone`), by its start or its first start."""
    for occurrence in occurrences:
        starts = [s for s in (occurrence.start_time, original_start(occurrence)) if s]
        if any(view.local_day(s, zone) == day for s in starts):
            return occurrence
    return None


def original_start(occurrence: Occurrence) -> datetime | None:
    """Where the occurrence was first: Zoom's occurrence_id is its first start in epoch ms."""
    if occurrence.occurrence_id.isdigit():
        return datetime.fromtimestamp(int(occurrence.occurrence_id) / 1000, UTC)
    return occurrence.start_time


def no_occurrence(meeting: Meeting, fresh: Meeting, day: date, now: datetime) -> str:
    zone = meeting.timezone or "UTC"
    ahead = [
        o.start_time
        for o in fresh.occurrences
        if o.start_time and o.start_time >= now and o.status != "deleted"
    ][:3]
    listed = ", ".join(view.local_label(s, zone) for s in ahead) or "none ahead"
    return (
        f"*{escape(meeting.topic or 'Zoom meeting')}* has no meeting on "
        f"{day:%a, %b} {day.day} (the next: {listed})."
    )


def zoom_time(moment: datetime) -> str:
    """A start as Zoom takes it in UTC (`…Z`), whatever the meeting's zone."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def refresh(services: Services, meeting_id: int) -> None:
    """Re-render the channel message (the caller holds this process's meeting lock, so the
    render runs on the store's state as just written)."""
    try:
        await live._refresh_held(services.store, services.poster, services.settings, meeting_id)
    except PostFailed as failure:
        log.warning("meeting %s message not updated: %s", meeting_id, failure.error)


async def tell(
    services: Services,
    requester: str,
    message: dict[str, Any],
    channel: str | None,
    response_url: str | None,
) -> None:
    await services.poster.tell(requester, message, channel=channel, response_url=response_url)


async def run_followup(services: Services, call: Coroutine[Any, Any, Any]) -> None:
    """Run a follow-up (bot/flows/followups.py) in a task of its own, counted in flight: it
    starts once the caller lets go of the meeting's locks (the reminders take them too, and
    they are not reentrant), and never undoes nor hides the change that was made: its
    failure is logged."""

    async def run() -> None:
        try:
            await call
        except Exception:
            log.exception("a follow-up of a move or skip failed")

    services.inflight.start(run(), name="followup")
