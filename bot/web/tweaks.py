"""Every framework tweak zoombot keeps, each through the framework's public surface.

- `SlackAuthorization`: Bolt's `authorize` for the one workspace. It asks Slack `auth.test`
  once (`prime()`, at start) and keeps the answer; a burst of requests before that shares
  one call. Bolt's default single-workspace authorization asks on every request until one
  answer arrives.
- `import_every_module()`: every module of `bot` imported at start, off the loop.
- `settle_garbage_collector()`: `gc.collect()` then `gc.freeze()` once start-up is done, and
  a young generation of YOUNG_OBJECTS instead of 700.
- Bolt's request verification off (`request_verification_enabled=False`, set where the
  AsyncApp is built, bot/web/runtime.py): the edge (bot/web/slack.py) verifies each
  signature once and hands Bolt the request it parsed once.
- `RefusalAwareSocketModeHandler`: Bolt's Socket Mode handler whose client reports a
  refused app-level token (`refused`) instead of retrying forever.
- `side_server(app, host, port)`: a uvicorn server for a second port (the ops port, Socket
  Mode's Zoom port) that leaves SIGTERM/SIGINT to the main server or loop.

Why each exists, with figures: docs/decisions.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Iterator
from typing import Any

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.failures import slack_failure

log = logging.getLogger("zoombot")


class SlackAuthorization(AsyncAuthorize):
    """Bolt's `authorize` (AsyncApp(authorize=...)) for one workspace, asked once."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client  # carries the bot token
        self._result: AuthorizeResult | None = None
        self._lock = asyncio.Lock()

    async def prime(self) -> None:
        """Ask now; if Slack cannot answer, the first request asks again (logged once)."""
        try:
            await self.identity()
        except Exception as error:
            log.warning("Slack auth.test at start failed: %s", type(error).__name__)

    async def __call__(self, **_request: Any) -> AuthorizeResult:
        """Bolt's call, once per request (whichever workspace: there is one)."""
        return await self.identity()

    async def identity(self) -> AuthorizeResult:
        """The bot's identity and token. Raises SlackApiError when Slack refuses the token
        (Bolt then answers the request with its 'not authorized' message)."""
        if self._result is None:
            async with self._lock:
                if self._result is None:
                    answer = await self.client.auth_test()
                    self._result = AuthorizeResult.from_auth_test_response(
                        bot_token=self.client.token, auth_test_response=answer
                    )
        return self._result


def import_every_module(package: str = "bot", skip: tuple[str, ...] = ()) -> int:
    """Import every module of `package` now (at start, off the event loop): a module some
    listener or flow imports on first use would otherwise be read, compiled and run on the
    event loop by the first request that needs it, holding up every other. Modules whose
    names start with one of `skip` are left (another backend's, which never run here).
    Returns how many modules were imported."""
    import importlib
    import pkgutil

    root = importlib.import_module(package)
    names = [
        m.name
        for m in pkgutil.walk_packages(root.__path__, package + ".")
        if not (skip and m.name.startswith(skip))
    ]
    for name in names:
        importlib.import_module(name)
    return len(names)


# Allocations (less deallocations) between two collections of the youngest generation: at
# CPython's 700, a burst of creates in flight promoted its live objects to the older
# generations, collected again and again (figures: docs/decisions.md, "fifth session").
YOUNG_OBJECTS = 10_000


def settle_garbage_collector() -> None:
    """Move every object alive now out of the collector's walks (it lives as long as the
    process), so later full collections pause the event loop for less; and collect the
    youngest generation every YOUNG_OBJECTS allocations, the older ones as CPython does."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, middle, oldest)


# apps.connections.open answers these when the app-level token itself is wrong: retrying
# cannot help, so the app says so and exits instead of trying again forever.
REFUSED_APP_TOKEN = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "not_allowed_token_type",
        "invalid_token",
        "token_revoked",
        "account_inactive",
        "missing_scope",
    }
)


class RefusalAwareClient(SocketModeClient):
    """slack_sdk's aiohttp Socket Mode client; `refused` gets Slack's error code when
    apps.connections.open refuses the app token, and that connection attempt then waits to
    be cancelled. Other failures (network, 5xx) raise as before, so slack_sdk retries them."""

    def __init__(self, *, refused: asyncio.Future[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.refused = refused

    async def issue_new_wss_url(self) -> str:
        while True:
            try:
                answer = await self.web_client.apps_connections_open(app_token=self.app_token)
                return str(answer["url"])
            except SlackApiError as error:
                code = slack_failure(error).code  # the answer may be text, not a dict
                if code in REFUSED_APP_TOKEN:
                    if not self.refused.done():
                        self.refused.set_result(str(code))
                    await asyncio.Event().wait()  # until the caller cancels the connect
                if code != "ratelimited":
                    raise
                # Rare on this method; Slack says how long to wait (Tier 1: 30 s by default).
                await asyncio.sleep(slack_failure(error).retry_after or 30.0)


class RefusalAwareSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's AsyncSocketModeHandler over a `RefusalAwareClient`. Its `__init__` does what
    Bolt's does (the public `app`, `app_token`, `client` and the request listener) with the
    client swapped; `refused` is a future of the refusal code."""

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self.app = app
        self.app_token = app_token
        self.refused: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.client = RefusalAwareClient(
            refused=self.refused,
            app_token=app_token,
            logger=app.logger,
            web_client=app.client,
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]


class _SideServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the main server (or Socket Mode's loop) owns the signals


def side_server(app: Any, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for `app` on a second port; its `serve()` leaves signals alone."""
    config = uvicorn.Config(
        app, host=host, port=port, lifespan="on", access_log=False, log_config=None
    )
    return _SideServer(config)
