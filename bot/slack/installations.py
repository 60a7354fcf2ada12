"""Slack installations in zoombot's own store, for Bolt (several workspaces, Slack OAuth):
`StoreInstallations` is Bolt's async installation store (bot only: zoombot asks for no user
scopes) and `StoreStates` its OAuth state store; `BotTokens` gives the bot token of a
workspace for calls made outside a Slack request, rotated by Bolt's authorize when it is
about to expire. Bot and refresh tokens are sealed with ZOOMBOT_SECRET_KEY at rest.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import Any

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import add_secrets
from bot.secretbox import SecretBox
from bot.slack.workspaces import Workspace
from bot.store import Store

log = logging.getLogger("zoombot.installations")

STATE_TTL = 600.0
# Kept beside the tokens: what Bolt's Installation says that is no secret.
_PUBLIC = ("app_id", "enterprise_name", "enterprise_url", "team_name", "user_id", "token_type")


class WorkspaceGone(Exception):
    """No installation for the workspace (uninstalled, or never installed)."""


def _workspace(enterprise_id: str | None, team_id: str | None, org: bool | None) -> Workspace:
    return Workspace(enterprise_id, team_id, org_install=bool(org))


class StoreInstallations(AsyncInstallationStore):
    def __init__(self, store: Store, box: SecretBox) -> None:
        self._store = store
        self._box = box

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot(), installation)

    async def async_save_bot(self, bot: Bot, installation: Installation | None = None) -> None:
        workspace = _workspace(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        add_secrets(bot.bot_token, bot.bot_refresh_token)
        public = {k: getattr(installation or bot, k, None) for k in _PUBLIC}
        await self._store.save_slack_installation(
            {
                "workspace": workspace.key,
                "enterprise_id": bot.enterprise_id,
                "team_id": bot.team_id,
                "is_enterprise_install": int(bool(bot.is_enterprise_install)),
                "bot_token": self._box.seal(bot.bot_token),
                "bot_refresh_token": (
                    self._box.seal(bot.bot_refresh_token) if bot.bot_refresh_token else None
                ),
                "bot_token_expires_at": bot.bot_token_expires_at,
                "bot_id": bot.bot_id,
                "bot_user_id": bot.bot_user_id,
                "bot_scopes": ",".join(bot.bot_scopes or []),
                "installation": json.dumps(public),
                "installed_at": float(bot.installed_at or time.time()),
            }
        )
        log.info("installed in workspace %s", workspace.key)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        row = await self._row(enterprise_id, team_id, is_enterprise_install)
        if row is None:
            return None
        public = json.loads(row.get("installation") or "{}")
        token = self._box.open(row["bot_token"])
        refresh = self._box.open(row["bot_refresh_token"]) if row.get("bot_refresh_token") else None
        add_secrets(token, refresh)
        return Bot(
            app_id=public.get("app_id"),
            enterprise_id=row.get("enterprise_id"),
            enterprise_name=public.get("enterprise_name"),
            team_id=row.get("team_id"),
            team_name=public.get("team_name"),
            bot_token=token,
            bot_id=row.get("bot_id"),
            bot_user_id=row.get("bot_user_id"),
            bot_scopes=row.get("bot_scopes") or "",
            bot_refresh_token=refresh,
            bot_token_expires_at=row.get("bot_token_expires_at"),
            is_enterprise_install=bool(row.get("is_enterprise_install")),
            installed_at=row.get("installed_at"),
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        bot = await self.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is None:
            return None
        row = await self._row(enterprise_id, team_id, is_enterprise_install)
        public = json.loads((row or {}).get("installation") or "{}")
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            enterprise_name=bot.enterprise_name,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
            user_id=public.get("user_id") or "",
            is_enterprise_install=bot.is_enterprise_install,
            token_type=public.get("token_type"),
            installed_at=bot.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._delete(enterprise_id, team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self._delete(enterprise_id, team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._delete(enterprise_id, team_id)

    async def _delete(self, enterprise_id: str | None, team_id: str | None) -> None:
        for org in (False, True):
            key = _workspace(enterprise_id, team_id, org).key
            if await self._store.delete_slack_installation(key):
                dropped = await self._store.drop_pending_outbox(key)
                log.warning(
                    "workspace %s uninstalled zoombot (or revoked its tokens): its "
                    "installation is deleted and %d pending post(s) dropped",
                    key,
                    dropped,
                )

    async def _row(
        self, enterprise_id: str | None, team_id: str | None, org: bool | None
    ) -> dict[str, Any] | None:
        row = await self._store.slack_installation(_workspace(enterprise_id, team_id, org).key)
        if row is None and enterprise_id and not org:
            # A workspace of an org that installed zoombot org-wide.
            row = await self._store.slack_installation(_workspace(enterprise_id, None, True).key)
        return row


class StoreStates(AsyncOAuthStateStore):
    """Bolt's OAuth states (the install flow's `state`), each good once for 10 minutes."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        await self._store.save_slack_state(state, time.time() + STATE_TTL)
        return state

    async def async_consume(self, state: str) -> bool:
        return await self._store.take_slack_state(state)


class BotTokens:
    """The bot token of a workspace for calls zoombot makes on its own (not in a Slack
    request), through Bolt's installation-store authorize: it rotates a token about to
    expire and saves the new one."""

    def __init__(self, authorize: AsyncInstallationStoreAuthorize, client: AsyncWebClient) -> None:
        self.authorize = authorize
        self.client = client  # token-less, on SLACK_API_URL (the authorize's auth.test)

    async def bot_token(self, workspace: Workspace) -> str:
        context = AsyncBoltContext()
        context["client"] = self.client
        result = await self.authorize(
            context=context,
            enterprise_id=workspace.enterprise_id,
            team_id=workspace.team_id,
            user_id=None,
        )
        if result is None or not result.bot_token:
            raise WorkspaceGone(f"no installation for workspace {workspace.key}")
        return result.bot_token
