"""Installing zoombot in any workspace (Slack OAuth), the Bolt way: `build_oauth` makes
Bolt's OAuth flow (`/slack/install`, `/slack/oauth_redirect`, its state cookie), the
installation-store `authorize` that finds each request's bot token by workspace (and rotates
one about to expire), and `BotTokens` for the calls zoombot makes outside a request. All of
them keep their state in zoombot's own store (bot/slack/installations.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import BOLT_LOGGER
from bot.secretbox import SecretBox
from bot.settings import Settings
from bot.slack.installations import BotTokens, StoreInstallations, StoreStates
from bot.store import Store

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes zoombot asks for: manifest.yml's (tests/test_manifest.py keeps them equal).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "users:read.email",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "calls:write",
)


@dataclass(frozen=True)
class SlackOAuth:
    installations: StoreInstallations
    authorize: AsyncInstallationStoreAuthorize
    flow: AsyncOAuthFlow
    tokens: BotTokens


def build_oauth(settings: Settings, store: Store, client: AsyncWebClient) -> SlackOAuth:
    """`client`: a token-less client on SLACK_API_URL, for `oauth.v2.access` (the install's
    code exchange and token rotation)."""
    assert settings.slack_client_id and settings.slack_client_secret
    assert settings.secret_key and settings.public_url
    logger = logging.getLogger(BOLT_LOGGER)
    installations = StoreInstallations(store, SecretBox(settings.secret_key))
    oauth_settings = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=StoreStates(store),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        redirect_uri=settings.public_url + REDIRECT_PATH,
        authorization_url=settings.slack_authorize_url,
        logger=logger,
    )
    authorize = AsyncInstallationStoreAuthorize(
        logger=logger,
        installation_store=installations,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        bot_only=True,
        # auth.test once per token, not per request (a rotated token is a new key).
        cache_enabled=True,
        client=client,
    )
    flow = AsyncOAuthFlow(client=client, logger=logger, settings=oauth_settings)
    return SlackOAuth(installations, authorize, flow, BotTokens(authorize, client))
