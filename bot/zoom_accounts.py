"""People's own Zoom accounts ("Connect your Zoom"): `ZoomAccounts` starts an authorization,
finishes it, keeps each connection's tokens sealed in the store, and hands out a `ZoomClient`
acting as a connected person (one per person, so a refresh is one flight per person).

Tokens are sealed with ZOOMBOT_SECRET_KEY before they reach the store and opened only here.
A person whose grant Zoom refuses (`zoom.GrantRevoked`) is dropped with `drop`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.errors import Refused
from bot.logs import add_secrets
from bot.secretbox import BoxError, SecretBox
from bot.settings import Settings
from bot.slack.workspaces import current_key
from bot.store import Store
from bot.turns import Turns, TurnTakingTransport
from zoom import UserTokens, ZoomClient, ZoomError, ZoomUserOAuth

log = logging.getLogger("zoombot.accounts")

STATE_TTL = 600.0  # an authorization link works for 10 minutes
CALLBACK_PATH = "/zoom/oauth/callback"


@dataclass(frozen=True)
class Connection:
    """Whose Zoom account a Slack user connected (no tokens)."""

    slack_user_id: str
    zoom_user_id: str
    zoom_email: str
    zoom_name: str
    workspace: str | None = None  # its key (several workspaces)


@dataclass(frozen=True)
class Pending:
    """An authorization that came back: who asked, and where."""

    slack_user_id: str
    channel: str | None
    workspace: str | None = None  # its key (several workspaces)


class ZoomAccounts:
    def __init__(
        self,
        oauth: ZoomUserOAuth,
        store: Store,
        box: SecretBox,
        *,
        clock: Callable[[], float] = time.time,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._http = http  # closed by `aclose` when given
        self.oauth = oauth
        self._store = store
        self._box = box
        self._clock = clock
        self._clients: dict[str, tuple[str, ZoomClient]] = {}  # user → (refresh sealed, client)

    @classmethod
    def from_settings(
        cls, settings: Settings, store: Store, turns: Turns | None = None
    ) -> ZoomAccounts:
        """Built at start when ZOOM_OAUTH_CLIENT_ID is set (the settings check made sure the
        secret, ZOOMBOT_SECRET_KEY and ZOOMBOT_PUBLIC_URL are there too). With `turns`, work
        after the ack waits its turn at each answer from Zoom (bot/turns.py)."""
        assert settings.zoom_oauth_client_id and settings.zoom_oauth_client_secret
        assert settings.secret_key and settings.public_url
        transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport()
        if turns is not None:
            transport = TurnTakingTransport(transport, turns)
        http = httpx.AsyncClient(headers={"User-Agent": "zoombot"}, transport=transport)
        oauth = ZoomUserOAuth(
            http,
            settings.zoom_oauth_client_id,
            settings.zoom_oauth_client_secret,
            callback_url(settings.public_url),
            oauth_url=settings.zoom_oauth_url,
            api_url=settings.zoom_api_url,
            timeout=settings.zoom_timeout,
        )
        return cls(oauth, store, SecretBox(settings.secret_key), http=http)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def begin(self, slack_user_id: str, channel: str | None) -> str:
        """A new authorization for `slack_user_id`: the URL of Zoom's page to send them to."""
        grant = self.oauth.authorize()
        await self._store.save_oauth_state(
            {
                "state": grant.state,
                "slack_user_id": slack_user_id,
                "code_verifier": self._box.seal(grant.code_verifier),
                "channel": channel,
                "expires_at": self._clock() + STATE_TTL,
                "workspace": current_key(),
            }
        )
        return grant.url

    async def finish(self, state: str, code: str) -> tuple[Pending, Connection]:
        """Exchange the `code` Zoom sent back with `state`; keep the connection. Raises
        Refused (the link expired or was used) or a `ZoomError`."""
        row = await self._store.take_oauth_state(state)
        if row is None or float(row["expires_at"]) < self._clock():
            raise Refused(
                "This link has expired or was already used. Type `/zoom connect` in Slack "
                "for a new one.",
                "stale state",
            )
        pending = Pending(row["slack_user_id"], row.get("channel"), row.get("workspace"))
        tokens = await self.oauth.exchange(code, self._box.open(row["code_verifier"]))
        add_secrets(tokens.access_token, tokens.refresh_token)
        client = self.oauth.client_for(tokens, self._saver(pending.slack_user_id))
        me = await client.get_user("me")
        connection = Connection(
            pending.slack_user_id, me.id, me.email, _display_name(me) or me.email, pending.workspace
        )
        await self._store.save_zoom_connection(
            {
                "slack_user_id": connection.slack_user_id,
                "zoom_user_id": connection.zoom_user_id,
                "zoom_email": connection.zoom_email,
                "zoom_name": connection.zoom_name,
                "access_token": self._box.seal(tokens.access_token),
                "refresh_token": self._box.seal(tokens.refresh_token),
                "expires_at": tokens.expires_at,
                "connected_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "workspace": pending.workspace,
            }
        )
        self._clients.pop(pending.slack_user_id, None)
        log.info("%s connected their Zoom account", pending.slack_user_id)
        return pending, connection

    async def connection(self, slack_user_id: str) -> Connection | None:
        row = await self._store.zoom_connection(slack_user_id)
        return None if row is None else _connection(row)

    async def client(self, slack_user_id: str) -> ZoomClient | None:
        """A client acting as the person's own Zoom user ("me"), or None if not connected.
        The same client while their stored tokens are the ones it holds."""
        row = await self._store.zoom_connection(slack_user_id)
        if row is None:
            self._clients.pop(slack_user_id, None)
            return None
        held = self._clients.get(slack_user_id)
        if held is not None and held[0] == row["refresh_token"]:
            return held[1]
        try:
            tokens = self._tokens(row)
        except BoxError:
            log.warning(
                "the Zoom tokens of %s cannot be opened (was ZOOMBOT_SECRET_KEY changed?);"
                " they must connect again",
                slack_user_id,
            )
            await self._store.delete_zoom_connection(slack_user_id)
            return None
        add_secrets(tokens.access_token, tokens.refresh_token)
        client = self.oauth.client_for(
            tokens, self._saver(slack_user_id), load=self._loader(slack_user_id)
        )
        self._clients[slack_user_id] = (row["refresh_token"], client)
        return client

    async def disconnect(self, slack_user_id: str) -> Connection | None:
        """Revoke the person's grant at Zoom (best effort) and forget it."""
        connection = await self.connection(slack_user_id)
        if connection is None:
            return None
        row = await self._store.zoom_connection(slack_user_id)
        try:
            if row is not None:
                await self.oauth.revoke(self._box.open(row["access_token"]))
        except (ZoomError, BoxError) as error:  # forgetting it matters more than revoking
            log.warning("could not revoke %s's Zoom grant: %s", slack_user_id, type(error).__name__)
        await self.drop(slack_user_id)
        return connection

    async def drop(self, slack_user_id: str) -> None:
        """Forget the person's connection (Zoom refused their grant, or they left)."""
        self._clients.pop(slack_user_id, None)
        await self._store.delete_zoom_connection(slack_user_id)

    async def forget_zoom_user(self, zoom_user_id: str) -> list[Connection]:
        """Zoom says this Zoom user removed the app: forget every connection to it; the
        connections forgotten."""
        rows = await self._store.zoom_connections_of(zoom_user_id)
        for row in rows:
            await self.drop(row["slack_user_id"])
        return [_connection(row) for row in rows]

    async def take_pending(self, state: str) -> Pending | None:
        """Forget the authorization `state` (the person said no on Zoom's page)."""
        row = await self._store.take_oauth_state(state)
        return None if row is None else Pending(row["slack_user_id"], row.get("channel"))

    def _tokens(self, row: Mapping[str, Any]) -> UserTokens:
        return UserTokens(
            self._box.open(row["access_token"]),
            self._box.open(row["refresh_token"]),
            float(row["expires_at"] or 0.0),
        )

    def _loader(self, slack_user_id: str) -> Callable[[], Awaitable[UserTokens | None]]:
        """The person's saved pair, as another instance may have refreshed it."""

        async def load() -> UserTokens | None:
            row = await self._store.zoom_connection(slack_user_id)
            if row is None:
                return None
            tokens = self._tokens(row)
            add_secrets(tokens.access_token, tokens.refresh_token)
            return tokens

        return load

    def _saver(self, slack_user_id: str) -> Callable[[UserTokens], object]:
        async def save(tokens: UserTokens) -> None:
            add_secrets(tokens.access_token, tokens.refresh_token)
            sealed_refresh = self._box.seal(tokens.refresh_token)
            await self._store.save_zoom_connection(
                {
                    "slack_user_id": slack_user_id,
                    "access_token": self._box.seal(tokens.access_token),
                    "refresh_token": sealed_refresh,
                    "expires_at": tokens.expires_at,
                }
            )
            held = self._clients.get(slack_user_id)
            if held is not None:
                self._clients[slack_user_id] = (sealed_refresh, held[1])

        return save


def _connection(row: dict) -> Connection:
    return Connection(
        row["slack_user_id"],
        row["zoom_user_id"],
        row["zoom_email"],
        row["zoom_name"],
        row.get("workspace"),
    )


def _display_name(user: object) -> str:
    first = getattr(user, "first_name", "") or ""
    last = getattr(user, "last_name", "") or ""
    return f"{first} {last}".strip() or str(getattr(user, "display_name", "") or "")


def callback_url(public_url: str) -> str:
    return public_url.rstrip("/") + CALLBACK_PATH
