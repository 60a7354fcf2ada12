"""`/zoom connect`, `/zoom disconnect`, Zoom's redirect back (`finish`) and Zoom's
`app_deauthorized` event: a person's own Zoom account for their meetings
(bot/zoom_accounts.py keeps the connections)."""

from __future__ import annotations

import logging

from bot.errors import Refused, StoreUnavailable
from bot.flows.answers import Outcome, OutcomeKind, guarded
from bot.flows.services import Services
from bot.render import connect as say
from bot.slack.workspaces import scope
from zoom import ZoomError

log = logging.getLogger("zoombot.accounts")


async def connect(
    services: Services, requester: str, response_url: str | None, channel: str | None
) -> Outcome:
    """Answer privately with a link to Zoom's authorization page (10 minutes, once)."""

    async def work() -> Outcome:
        if services.accounts is None:
            raise Refused(say.NOT_SET_UP, "connect not set up")
        url = await services.accounts.begin(requester, channel)
        await services.poster.tell(
            requester, say.connect_link_message(url), channel=channel, response_url=response_url
        )
        return Outcome(OutcomeKind.CONNECT_LINK)

    return await guarded(services, requester, channel, response_url, work)


async def disconnect(
    services: Services, requester: str, response_url: str | None, channel: str | None
) -> Outcome:
    """Revoke and forget the requester's own Zoom connection; say so privately."""

    async def work() -> Outcome:
        if services.accounts is None:
            raise Refused(say.NOT_SET_UP, "connect not set up")
        gone = await services.accounts.disconnect(requester)
        await services.poster.tell(
            requester,
            say.disconnected_message(gone.zoom_email if gone else None),
            channel=channel,
            response_url=response_url,
        )
        return Outcome(OutcomeKind.DISCONNECTED, None if gone else "not connected")

    return await guarded(services, requester, channel, response_url, work)


async def finish(
    services: Services, state: str | None, code: str | None, error: str | None
) -> tuple[int, str]:
    """Zoom sent the person back: keep the connection and tell them in Slack. Returns the
    page to show their browser (status, HTML)."""
    if services.accounts is None:
        return 404, say.callback_page("Not set up", say.NOT_SET_UP)
    if not state:
        return 400, say.callback_page(
            "Something is missing", "This address needs the link from `/zoom connect`."
        )
    if error or not code:
        # They said no on Zoom's page (error=access_denied): forget the authorization.
        try:
            await services.accounts.take_pending(state)
        except StoreUnavailable:
            pass
        return 200, say.callback_page(
            "Not connected", "Zoom did not connect your account; nothing changed."
        )
    try:
        pending, connection = await services.accounts.finish(state, code)
    except Refused as refusal:
        return 400, say.callback_page("This link has expired", refusal.sentence)
    except StoreUnavailable:
        return 503, say.callback_page(
            "Try again in a few minutes", "zoombot cannot save anything right now."
        )
    except ZoomError as failure:
        log.warning("Zoom refused a connection: %s", type(failure).__name__)
        return 502, say.callback_page(
            "Zoom did not connect your account",
            "Zoom refused or did not answer. Type /zoom connect in Slack to try again.",
        )
    with scope(pending.workspace):
        await services.poster.tell(
            pending.slack_user_id,
            say.connected_message(connection.zoom_email, connection.zoom_name),
            channel=pending.channel,
        )
    return 200, say.callback_page(
        "Connected",
        f"Your meetings are now hosted by {connection.zoom_email}. You can close this tab "
        "and go back to Slack.",
    )


async def deauthorized(services: Services, zoom_user_id: str | None) -> int:
    """Zoom's `app_deauthorized`: forget every connection to that Zoom user at once and tell
    each person privately. Returns how many were forgotten."""
    if services.accounts is None or not zoom_user_id:
        return 0
    forgotten = await services.accounts.forget_zoom_user(zoom_user_id)
    for connection in forgotten:
        log.info(
            "forgot %s's Zoom connection: Zoom says the app was removed",
            connection.slack_user_id,
        )
        with scope(connection.workspace):
            await services.poster.tell(
                connection.slack_user_id, say.deauthorized_message(connection.zoom_email)
            )
    return len(forgotten)
