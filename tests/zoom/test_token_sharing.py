"""Callers that need a token share one fetch and its outcome, the error included; a caller
waits for someone else's fetch no longer than its own deadline allows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tests.fakes.zoom import Answer, FakeZoom
from zoom import ZoomAuthError, ZoomClient, ZoomUnavailable

TOKEN = "/oauth/token"


async def test_a_burst_during_a_token_outage_makes_one_series_of_token_requests(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.latency = 0.05  # keep the first fetch in flight while the burst piles up
    fake_zoom.script("POST", TOKEN, *[Answer(status=503)] * 100)

    results = await asyncio.gather(
        *(zoom.get_user(host["id"]) for _ in range(20)), return_exceptions=True
    )

    assert all(isinstance(r, ZoomUnavailable) for r in results), results
    assert fake_zoom.token_requests == zoom.max_attempts  # one caller's retries, shared


async def test_refused_credentials_are_shared_too(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict
) -> None:
    zoom = make_zoom(client_secret="wrong")
    fake_zoom.latency = 0.05
    results = await asyncio.gather(
        *(zoom.get_user(host["id"]) for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(r, ZoomAuthError) for r in results), results
    assert fake_zoom.token_requests == 1


async def test_after_a_failed_fetch_the_next_caller_tries_again(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.script("POST", TOKEN, *[Answer(status=503)] * zoom.max_attempts)
    with pytest.raises(ZoomUnavailable):
        await zoom.get_user(host["id"])
    assert (await zoom.get_user(host["id"])).id == host["id"]
    assert fake_zoom.token_requests == zoom.max_attempts + 1


async def test_a_caller_waits_for_anothers_fetch_only_within_its_deadline(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict
) -> None:
    zoom = make_zoom(timeout=5.0)
    fake_zoom.script("POST", TOKEN, Answer(timeout=True, delay=1.5))  # a real token, late
    patient = asyncio.create_task(zoom.get_user(host["id"]))
    for _ in range(500):  # until the patient caller's fetch is under way (5 s at most)
        if fake_zoom.token_requests:
            break
        await asyncio.sleep(0.01)

    with pytest.raises(ZoomUnavailable, match="token endpoint"):
        await zoom.get_user(host["id"], deadline=0.1)  # waits at most about a second
    assert not patient.done()  # the shared fetch went on for the others

    assert (await patient).id == host["id"]
    assert fake_zoom.token_requests == 1
