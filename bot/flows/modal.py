"""The scheduling modal: opening it (at once, refined with the requester's zone after), and
checking its alternative hosts before its submission is acknowledged. Its submission runs
the create flow (bot/flows/create.py)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError

from bot.flows.answers import Outcome, OutcomeKind, is_guest, refuse
from bot.flows.services import Services
from bot.posting import TRANSPORT_ERRORS, PostFailed
from bot.preferences import Preferences, preferences_from
from bot.render import sentences, views, words
from zoom import ZoomError

# Validating alternative hosts happens before the modal is acknowledged (3 s on Slack's side).
ALT_HOST_CHECK_TIMEOUT = 2.0
# How long opening the modal may wait for users.info to learn whether the requester is a guest.
GUEST_CHECK_TIMEOUT = 1.0


def modal_defaults(
    services: Services,
    text: str,
    tz: str | None,
    now: datetime,
    channel: str | None,
    prefs: Preferences | None = None,
) -> tuple[views.ModalDefaults, str]:
    """What the modal opens with, read from `text` in `tz` (UTC if None), with the
    requester's `prefs` (default: the workspace's). Also returns the zone used."""
    zone = tz or "UTC"
    prefs = prefs or preferences_from(services.settings, None)
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
            # The reading's recurrence as read (every Mon and Wed, the last Friday, until …),
            # not the nearest of the modal's fixed choices.
            repeat=views.AS_READ if request.recurrence else "none",
            recurrence=request.recurrence,
            agenda=request.agenda or "",
        ),
        zone,
    )


async def open_modal(
    services: Services,
    *,
    trigger_id: str,
    requester: str,
    text: str = "",
    channel: str | None,
    response_url: str | None = None,
    invited: tuple[str, ...] = (),
) -> Outcome:
    """Open the scheduling modal at once (the trigger lives 3 s), then refine it with the
    requester's zone if it was not cached. Guests are refused when known in time.
    `invited` (Slack ids) fills the Invite field."""
    settings, hosts = services.settings, services.hosts
    now = services.clock()
    text = words.clean_text(words.plain_text(text))
    cached = await hosts.cached_profile(requester)
    if cached is None and not settings.allow_guests:
        # A guest gets no form at all, so who they are is needed before it opens. The
        # trigger lives 3 s; if Slack is slow the form opens and the submission is checked.
        try:
            async with asyncio.timeout(GUEST_CHECK_TIMEOUT):
                cached = await hosts.profile(requester)
        except (SlackApiError, *TRANSPORT_ERRORS):
            cached = None
    if cached is not None and is_guest(cached) and not settings.allow_guests:
        return await refuse(
            services,
            requester,
            sentences.GUESTS_NOT_ALLOWED,
            "guest",
            channel=channel,
            response_url=response_url,
        )
    tz = cached.tz if cached else None
    prefs = await services.preferences(requester)
    defaults, zone = modal_defaults(services, text, tz, now, channel, prefs)
    defaults = dataclasses.replace(defaults, invited=invited)
    metadata = {"channel": channel, "response_url": response_url, "tz": zone}
    if response_url:
        # The command's response_url lives 30 minutes from now, whenever the form is sent.
        metadata["response_url_until"] = int(now.timestamp()) + views.COMMAND_URL_LIFETIME
    try:
        opened = await services.poster.open_view(
            trigger_id, views.schedule_modal(defaults, metadata)
        )
    except PostFailed as failure:
        return await refuse(
            services,
            requester,
            "Slack would not open the form in time. Try `/zoom schedule` again.",
            f"views.open {failure.error}",
            channel=channel,
            response_url=response_url,
        )
    if cached is not None:
        return Outcome(OutcomeKind.MODAL_OPENED)
    try:
        profile = await hosts.profile(requester)
    except (SlackApiError, *TRANSPORT_ERRORS):
        return Outcome(OutcomeKind.MODAL_OPENED)
    if profile.tz and profile.tz != zone:
        defaults, zone = modal_defaults(services, text, profile.tz, now, channel, prefs)
        defaults = dataclasses.replace(defaults, invited=invited)
        metadata["tz"] = zone
        view = opened.get("view") or {}
        await services.poster.update_view(
            view.get("id"), view.get("hash"), views.schedule_modal(defaults, metadata)
        )
    return Outcome(OutcomeKind.MODAL_OPENED)


async def check_alternative_hosts(
    services: Services, user_ids: tuple[str, ...], requester: str
) -> tuple[tuple[str, ...], str | None]:
    """The Zoom emails of the chosen alternative hosts, or an error for the field.

    Runs before the modal is acknowledged, so it gives up after ALT_HOST_CHECK_TIMEOUT and
    says so rather than make Slack time out."""
    others = [u for u in user_ids if u != requester]

    async def one(user_id: str) -> tuple[str, str | None]:
        user = (await services.hosts.own_zoom_user(user_id)).user
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
        who = ", ".join([await name_of(services, u) for u in missing])
        return (), f"No Zoom account found for {who}. Remove them, or link one first."
    return tuple(email for _, email in found if email), None


async def name_of(services: Services, user_id: str) -> str:
    """The person's Slack name (profile label), or their id if Slack will not say."""
    try:
        return (await services.hosts.profile(user_id)).label or user_id
    except SlackApiError:
        return user_id
