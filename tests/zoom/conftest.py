"""Fixtures for the Zoom client's tests: one local Zoom for the session, reset per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from tests.fakes.zoom import FakeZoom
from zoom import ZoomClient


@pytest.fixture(scope="session")
def fake_zoom_server() -> Iterator[FakeZoom]:
    fake = FakeZoom(account_id="acct-test", client_id="cid-test", client_secret="secret-test")
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_zoom(fake_zoom_server: FakeZoom) -> FakeZoom:
    fake_zoom_server.reset()
    return fake_zoom_server


@pytest.fixture
def host(fake_zoom: FakeZoom) -> dict:
    return fake_zoom.add_user("ada@example.com", first_name="Ada", timezone="America/Denver")


class SleepRecorder:
    """Stands in for asyncio.sleep: records each wait the client chose and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
async def make_zoom(
    fake_zoom: FakeZoom, sleeps: SleepRecorder
) -> AsyncIterator[Callable[..., ZoomClient]]:
    """Build clients on the fake (closed after the test). They record waits instead of
    sleeping unless given `sleep=`."""
    made: list[ZoomClient] = []

    def make(**overrides: Any) -> ZoomClient:
        options: dict[str, Any] = {
            "api_url": fake_zoom.api_url,
            "oauth_url": fake_zoom.oauth_url,
            "timeout": 2.0,
            "sleep": sleeps,
        }
        options.update(overrides)
        credentials = (
            options.pop("account_id", fake_zoom.account_id),
            options.pop("client_id", fake_zoom.client_id),
            options.pop("client_secret", fake_zoom.client_secret),
        )
        client = ZoomClient(*credentials, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def zoom(make_zoom: Callable[..., ZoomClient]) -> ZoomClient:
    """A client on the fake with short timeouts."""
    return make_zoom()
