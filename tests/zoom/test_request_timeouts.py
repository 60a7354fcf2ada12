"""The timeouts each request leaves with: `timeout` (or what the deadline leaves) per phase,
and never more than 5 s to connect, for the API and the token endpoint alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from zoom import ZoomClient


class TimeoutRecorder(httpx.AsyncBaseTransport):
    """Passes requests on to httpx's own transport and keeps the timeouts each carried."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.seen: list[tuple[str, dict[str, Any]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.url.path, dict(request.extensions["timeout"])))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_connecting_is_capped_at_five_seconds(
    make_zoom: Callable[..., ZoomClient], host: dict
) -> None:
    recorder = TimeoutRecorder()
    async with httpx.AsyncClient(transport=recorder) as http:
        zoom = make_zoom(http=http, timeout=12.0)
        await zoom.get_user(host["id"])

    paths = [path for path, _ in recorder.seen]
    assert paths == ["/oauth/token", f"/v2/users/{host['id']}"]
    for _, timeouts in recorder.seen:
        assert timeouts["connect"] == 5.0
        assert timeouts["read"] == 12.0
        assert timeouts["write"] == 12.0


async def test_a_short_timeout_caps_connecting_too(
    make_zoom: Callable[..., ZoomClient], host: dict
) -> None:
    recorder = TimeoutRecorder()
    async with httpx.AsyncClient(transport=recorder) as http:
        zoom = make_zoom(http=http, timeout=2.0)
        await zoom.get_user(host["id"])
    assert [t["connect"] for _, t in recorder.seen] == [2.0, 2.0]
