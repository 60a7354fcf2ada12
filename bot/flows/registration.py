"""Meetings that require registration (the modal's "Require registration").

- `columns(request)`: what the meetings row keeps of the request's registration settings
  (`meetings.registration`); its channel message then shows **Register** instead of Join.
- `after_create`: the custom registration questions set on the new meeting
  (`PATCH /meetings/{id}/registrants/questions`); a failure is a note to the requester.
- `register`: the **Register** button. Registers the clicking Slack user with their Slack
  name and email (`POST /meetings/{id}/registrants`) and tells them privately their own join
  link, or that they wait for the host's approval; then the thread gets a message with an
  **Approve** button. Pressing Register again tells them where they stand (nothing twice).
- `approve`: the **Approve** button, for the person who scheduled the meeting or its host
  only (`PUT /meetings/{id}/registrants/status`): the approved person gets their link
  privately and the thread message says who approved them.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.errors import Refused
from bot.flows.answers import Outcome, OutcomeKind, guarded
from bot.flows.asks import ModalAsk
from bot.flows.services import Services
from bot.logs import add_secrets
from bot.posting import PostFailed
from bot.render import registration as render
from bot.render import sentences
from bot.times import parse_utc
from zoom import MeetingRequest, ZoomClient, ZoomError
from zoom.registrants import NewRegistrant, RegistrantAction, RegistrantQuestions, RegistrantRef

if TYPE_CHECKING:
    from bot.flows.create import Created

log = logging.getLogger("zoombot.registration")

ZOOM_DEADLINE = 10.0


def columns(request: MeetingRequest) -> dict[str, Any]:
    """`{"registration": …}` when the request requires registration, else {}."""
    settings = request.settings
    if settings is None:
        return {}
    kept = render.stored(settings.approval_type, settings.registration_type)
    return {"registration": kept} if kept else {}


async def after_create(services: Services, created: Created) -> list[str]:
    """Set the modal's registration questions on the meeting just made. Returns notes for
    the requester (empty when all went well or there was nothing to do)."""
    what = created.ask.what
    if not isinstance(what, ModalAsk) or not what.questions or not columns(created.request):
        return []
    try:
        zoom = await services.zoom_for(created.host.found_by, created.ask.requester)
        await zoom.update_registrant_questions(
            created.meeting.id, RegistrantQuestions(what.questions), deadline=ZOOM_DEADLINE
        )
    except (ZoomError, Refused) as error:
        log.warning("meeting %s: registration questions not set: %s", created.meeting.id, error)
        return ["I could not add the registration questions in Zoom; add them on Zoom's page."]
    return []


def _meeting_id(value: str) -> int:
    digits = "".join(c for c in value if c.isdigit())
    if not digits or len(digits) > 12:
        raise Refused("That button names no meeting I know.", "bad meeting id")
    return int(digits)


def _next_occurrence(row: dict[str, Any], now: datetime) -> tuple[str, ...]:
    """The id of the next occurrence, for a series registered per occurrence."""
    listed = json.loads(row.get("occurrences") or "[]")
    for occurrence in listed:
        start = parse_utc(occurrence.get("start_time"))
        if start is not None and start >= now and occurrence.get("status") != "deleted":
            return (str(occurrence["occurrence_id"]),)
    return ()


async def _zoom(services: Services, row: dict[str, Any]) -> ZoomClient:
    """The client that may change the meeting: its requester's own connected account when it
    is hosted there, else the account app (registrants act on the meeting as its owner)."""
    return await services.zoom_for_meeting(row.get("host_zoom_id"), str(row.get("requester")))


def _thread(row: dict[str, Any]) -> str | None:
    return row.get("thread_ts") or row.get("message_ts")


async def register(
    services: Services,
    user: str,
    value: str,
    channel: str | None,
    response_url: str | None,
) -> Outcome:
    """The Register button of meeting `value`, pressed by `user`."""

    async def work() -> Outcome:
        meeting_id = _meeting_id(value)
        # One press at a time per meeting: a double click registers (and asks) once.
        async with services.store.meeting_lock(meeting_id):
            return await _register_held(services, meeting_id, user, channel, response_url)

    return await guarded(services, user, channel, response_url, work, sentences.REGISTER)


async def _register_held(
    services: Services,
    meeting_id: int,
    user: str,
    channel: str | None,
    response_url: str | None,
) -> Outcome:
    # The caller holds the meeting's lock.
    row = await services.store.meeting(meeting_id)
    if row is None or not render.registration_of(row):
        raise Refused("This meeting takes no registration.", "no registration")
    if row.get("status") == "cancelled":
        raise Refused("That meeting is cancelled.", "cancelled")
    topic = row.get("topic") or "the meeting"
    earlier = await services.store.registrant(meeting_id, user)
    if earlier and earlier.get("registrant_id"):
        return await _again(services, row, earlier, user, channel, response_url)
    profile = await services.hosts.profile(user)
    if not profile.email:
        raise Refused(
            "Slack did not give me your email address, which Zoom needs to register you.",
            "no email",
        )
    first, _, last = (profile.real_name or profile.label).partition(" ")
    person = NewRegistrant(first or profile.label, profile.email, last or None)
    occurrences = _next_occurrence(row, services.clock()) if render.each_occurrence(row) else ()
    got = await (await _zoom(services, row)).add_registrant(
        meeting_id, person, occurrence_ids=occurrences, deadline=ZOOM_DEADLINE
    )
    add_secrets(got.join_url)  # the registrant's own link: redacted from every log line
    status = "approved" if got.join_url else "pending"
    await services.store.save_registrant(
        meeting_id,
        user,
        registrant_id=got.registrant_id,
        status=status,
        person_name=profile.label,
    )
    if got.join_url:
        note = render.link_note(topic, got.join_url)
    else:
        note = render.waiting_note(topic)
    await services.poster.tell(user, note, channel=channel, response_url=response_url)
    if not got.join_url:
        await _ask_for_approval(services, row, user, got.registrant_id)
    return Outcome(OutcomeKind.ACKED, f"registered:{status}", meeting_id=meeting_id)


async def _again(
    services: Services,
    row: dict[str, Any],
    earlier: dict[str, Any],
    user: str,
    channel: str | None,
    response_url: str | None,
) -> Outcome:
    """Register pressed by someone registered already: where they stand, nothing new."""
    meeting_id = int(row["zoom_id"])
    topic = row.get("topic") or "the meeting"
    if earlier.get("status") != "approved":
        await services.poster.tell(
            user, render.waiting_note(topic), channel=channel, response_url=response_url
        )
        return Outcome(OutcomeKind.ACKED, "registered:still pending", meeting_id=meeting_id)
    got = await (await _zoom(services, row)).get_registrant(
        meeting_id, str(earlier["registrant_id"]), deadline=ZOOM_DEADLINE
    )
    if not got.join_url:
        raise Refused("Zoom has no join link for you yet. Ask the host.", "no link")
    add_secrets(got.join_url)
    await services.poster.tell(
        user, render.link_note(topic, got.join_url), channel=channel, response_url=response_url
    )
    return Outcome(OutcomeKind.ACKED, "registered:again", meeting_id=meeting_id)


async def _ask_for_approval(
    services: Services, row: dict[str, Any], user: str, registrant_id: str
) -> None:
    thread = _thread(row)
    if not row.get("channel") or not thread:
        return
    topic = row.get("topic") or ""
    message = render.approval_request(topic, user, int(row["zoom_id"]), registrant_id)
    try:
        await services.poster.post_meeting(row["channel"], message, thread_ts=thread)
    except PostFailed as failure:
        log.warning("meeting %s: approval request not posted: %s", row["zoom_id"], failure.error)
        if row.get("requester"):
            await services.poster.tell(str(row["requester"]), message)


async def _may_approve(services: Services, row: dict[str, Any], approver: str) -> bool:
    """The person who scheduled the meeting, or the Zoom user who hosts it."""
    if row.get("requester") == approver:
        return True
    if services.zoom is None:  # no account app: only the person who scheduled it
        return False
    user = (await services.hosts.own_zoom_user(approver)).user
    if user is None:
        return False
    return bool(
        (row.get("host_zoom_id") and row["host_zoom_id"] == user.id)
        or (row.get("host_email") or "").lower() == user.email.lower()
    )


async def approve(
    services: Services,
    approver: str,
    value: str,
    channel: str | None,
    message_ts: str | None,
    response_url: str | None,
) -> Outcome:
    """The Approve button on a registrant's thread message, pressed by `approver`."""

    async def work() -> Outcome:
        found = render.read_approval(value)
        if found is None:
            raise Refused("That button names no registrant I know.", "bad registrant")
        async with services.store.meeting_lock(found[0]):  # a double click approves once
            return await held(*found)

    async def held(meeting_id: int, registrant_id: str) -> Outcome:
        row = await services.store.meeting(meeting_id)
        registrant = await services.store.registrant_by_id(meeting_id, registrant_id)
        if row is None or registrant is None:
            raise Refused("I do not know that registration any more.", "no registrant")
        if not await _may_approve(services, row, approver):
            raise Refused(
                "Only the person who created this meeting or its host can approve people.",
                "not yours",
            )
        zoom = await _zoom(services, row)
        await zoom.set_registrant_status(
            meeting_id,
            RegistrantAction.APPROVE,
            (RegistrantRef(id=registrant_id),),
            deadline=ZOOM_DEADLINE,
        )
        person = str(registrant["slack_user_id"])
        first_time = registrant.get("status") != "approved"
        await services.store.save_registrant(meeting_id, person, status="approved")
        topic = row.get("topic") or "the meeting"
        if channel and message_ts:
            try:
                await services.poster.update_message(
                    channel, message_ts, render.approved_message(topic, person, approver)
                )
            except PostFailed as failure:
                log.info("approval message not updated: %s", failure.error)
        if first_time:
            got = await zoom.get_registrant(meeting_id, registrant_id, deadline=ZOOM_DEADLINE)
            if got.join_url:
                add_secrets(got.join_url)
                note = render.link_note(topic, got.join_url, approved=True)
                await services.poster.tell(person, note, channel=row.get("channel"))
        return Outcome(OutcomeKind.ACKED, "approved", meeting_id=meeting_id)

    return await guarded(services, approver, channel, response_url, work, sentences.APPROVE)
