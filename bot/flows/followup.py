"""After a meeting ends: "Schedule a follow-up" opens the scheduling form pre-filled from it
(bot/render/followup.py); its submission is the ordinary modal create (bot/flows/create.py)."""

from __future__ import annotations

import logging

from bot.flows.answers import Outcome, OutcomeKind, refuse
from bot.flows.services import Services
from bot.posting import PostFailed
from bot.render import views
from bot.render.followup import followup_defaults

log = logging.getLogger("zoombot.followup")


async def open_followup(
    services: Services,
    *,
    trigger_id: str,
    requester: str,
    meeting_id: int,
    channel: str | None,
    response_url: str | None = None,
) -> Outcome:
    """Open the form for a follow-up of `meeting_id`, for `requester` (whoever clicked):
    same topic, length, channel, a week later, in the clicker's zone."""
    row = await services.store.meeting(meeting_id)
    if row is None:
        return await refuse(
            services,
            requester,
            "zoombot has no record of that meeting any more: make the follow-up with "
            "`/zoom schedule`.",
            "no such meeting",
            channel=channel,
            response_url=response_url,
        )
    names = await services.store.participant_names(meeting_id)
    prefs = await services.preferences(requester)
    defaults = followup_defaults(row, names, services.clock(), prefs.duration)
    zone = await services.requester_zone(requester, fallback=str(row.get("timezone") or "UTC"))
    metadata = {"channel": defaults.channel or channel, "tz": zone, "followup_of": meeting_id}
    try:
        await services.poster.open_view(trigger_id, views.schedule_modal(defaults, metadata))
    except PostFailed as failure:
        return await refuse(
            services,
            requester,
            "Slack would not open the form in time. Click *Schedule a follow-up* again.",
            f"views.open {failure.error}",
            channel=channel,
            response_url=response_url,
        )
    return Outcome(OutcomeKind.MODAL_OPENED, extra={"followup_of": meeting_id})
