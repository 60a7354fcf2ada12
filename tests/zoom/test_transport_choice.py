"""The Zoom client's transport is chosen in one place, `zoom._transport.default_transport`."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from zoom import MeetingRequest, ZoomClient
from zoom._transport import TRANSPORT_SETTING, AiohttpTransport, default_transport


async def test_aiohttp_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TRANSPORT_SETTING, raising=False)
    transport = default_transport()
    assert isinstance(transport, AiohttpTransport)
    await transport.aclose()


async def test_httpx_own_transport_can_be_chosen_and_serves_the_client(
    monkeypatch: pytest.MonkeyPatch, make_zoom: Callable[..., ZoomClient], host: dict
) -> None:
    monkeypatch.setenv(TRANSPORT_SETTING, "httpx")
    client = make_zoom()
    assert isinstance(client._http._transport, httpx.AsyncHTTPTransport)
    meeting = await client.create_meeting(host["email"], MeetingRequest(topic="Over httpx"))
    assert meeting.join_url


def test_anything_else_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TRANSPORT_SETTING, "curl")
    with pytest.raises(ValueError, match=TRANSPORT_SETTING):
        default_transport()
