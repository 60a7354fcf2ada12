"""The Bolt app zoombot runs, built once at start (bot/web/runtime.py's `build_runtime`):
one workspace, authorized by `SlackAuthorization` (auth.test once), or several, by Bolt's
installation-store authorize and OAuth flow over zoombot's store (bot/slack/oauth.py)."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

import aiohttp
from slack_bolt.async_app import AsyncApp

from bot.logs import BOLT_LOGGER
from bot.posting import LoggedWebClient
from bot.settings import Settings
from bot.slack.failures import retry_handlers
from bot.slack.oauth import SlackOAuth
from bot.slack.workspaces import TrackWorkspace
from bot.web.tweaks import SlackAuthorization


@contextlib.contextmanager
def without_env(name: str) -> Iterator[None]:
    """`name` out of os.environ for the block. Bolt's AsyncApp reads SLACK_BOT_TOKEN from
    the environment when given no token, and then warns that, with `client` given, the token
    "will be unused": zoombot gives it the token through `authorize` instead."""
    value = os.environ.pop(name, None)
    try:
        yield
    finally:
        if value is not None:
            os.environ[name] = value


def plain_client(settings: Settings, slack_session: aiohttp.ClientSession) -> LoggedWebClient:
    """A client on SLACK_API_URL with no token of its own."""
    return LoggedWebClient(
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,  # type: ignore[arg-type]
        session=slack_session,
        retry_handlers=retry_handlers(),
    )


def bolt_app(
    settings: Settings,
    slack_session: aiohttp.ClientSession,
    authorization: SlackAuthorization | None,
    oauth: SlackOAuth | None = None,
) -> AsyncApp:
    """One workspace: `authorization` (auth.test once). Several: `oauth` (Bolt's OAuth flow
    and installation-store authorize over zoombot's store, and Slack's uninstall events)."""
    app = AsyncApp(
        # Bolt's own client has no token: each request's client gets the bot token from
        # `authorize` (bot/web/tweaks.py), which asks Slack `auth.test` once, at start.
        client=plain_client(settings, slack_session),
        authorize=authorization if oauth is None else oauth.authorize,
        oauth_flow=None if oauth is None else oauth.flow,
        installation_store=None if oauth is None else oauth.installations,
        signing_secret=settings.slack_signing_secret,
        # The edge (bot/web/slack.py) verifies every signature before Bolt sees the request;
        # a second HMAC of each body here would be the same check again.
        request_verification_enabled=False,
        # Ack first, work after: every listener acks and hands its after-the-ack work to
        # `after_ack` (bot/listeners), which runs it in a task of its own counted in flight;
        # Bolt answers Slack as soon as the listener returns.
        process_before_response=True,
        logger=logging.getLogger(BOLT_LOGGER),
    )
    if oauth is not None:
        app.use(TrackWorkspace())
        # app_uninstalled / tokens_revoked: the installation (and its pending posts) go.
        app.enable_token_revocation_listeners()
    return app
