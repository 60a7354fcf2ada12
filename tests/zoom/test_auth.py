"""Server-to-Server OAuth against the local Zoom: caching, single flight, re-auth, scopes."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable

import pytest

from tests.fakes.zoom import Answer, FakeZoom
from zoom import MeetingRequest, ZoomAuthError, ZoomClient
from zoom.client import DEFAULT_API_URL, DEFAULT_OAUTH_URL

MEETINGS = "/users/{userId}/meetings"
USER = "/users/{userId}"
TOKEN = "/oauth/token"


async def test_token_request_is_basic_auth_and_account_credentials_grant(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    await zoom.get_user(host["id"])
    (grant,) = fake_zoom.requests_to(TOKEN, "POST")
    expected = base64.b64encode(b"cid-test:secret-test").decode()
    assert grant.headers["authorization"] == f"Basic {expected}"
    assert grant.body == {"grant_type": "account_credentials", "account_id": "acct-test"}
    (call,) = fake_zoom.requests_to(USER, "GET")
    assert call.headers["authorization"].startswith("Bearer fake.")


async def test_token_is_cached_across_calls(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    for _ in range(5):
        await zoom.get_user(host["id"])
    assert fake_zoom.token_requests == 1


async def test_a_burst_of_100_creates_makes_one_token_request(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.latency = 0.05  # keep the token request in flight while the burst piles up
    meetings = await asyncio.gather(
        *(zoom.create_meeting(host["id"], MeetingRequest(topic=f"m{i}")) for i in range(100))
    )
    assert fake_zoom.token_requests == 1
    assert len({m.id for m in meetings}) == 100
    assert len(fake_zoom.meetings) == 100


async def test_token_is_refreshed_when_within_60_seconds_of_expiry(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.token_ttl = 60  # already inside the refresh margin when it arrives
    await zoom.get_user(host["id"])
    await zoom.get_user(host["id"])
    assert fake_zoom.token_requests == 2


async def test_revoked_token_is_replaced_and_the_call_sent_once_more(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    await zoom.get_user(host["id"])
    fake_zoom.revoke_tokens()

    meeting = await zoom.create_meeting(host["id"], MeetingRequest(topic="After revoke"))

    assert fake_zoom.token_requests == 2
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 2  # the 124, then the real one
    assert list(fake_zoom.meetings) == [meeting.id]


async def test_concurrent_124s_fetch_one_new_token(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    await zoom.get_user(host["id"])
    fake_zoom.revoke_tokens()
    await asyncio.gather(*(zoom.get_user(host["id"]) for _ in range(20)))
    assert fake_zoom.token_requests == 2


async def test_a_second_401_is_an_auth_error_naming_likely_causes(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.script("GET", USER, Answer(status=401), Answer(status=401))
    with pytest.raises(ZoomAuthError) as caught:
        await zoom.get_user(host["id"])
    error = caught.value
    assert (error.status, error.code) == (401, 124)
    for cause in ("ZOOM_CLIENT_SECRET", "ZOOM_ACCOUNT_ID", "deactivated", "meeting:write:admin"):
        assert cause in error.message
    assert fake_zoom.token_requests == 2
    assert len(fake_zoom.requests_to(USER)) == 2


async def test_missing_scopes_are_named(zoom: ZoomClient, fake_zoom: FakeZoom, host: dict) -> None:
    fake_zoom.scopes = ("user:read:admin",)
    with pytest.raises(ZoomAuthError) as caught:
        await zoom.create_meeting(host["id"], MeetingRequest(topic="x"))
    assert caught.value.code == 4711
    assert caught.value.missing_scopes == ("meeting:write:admin", "meeting:write")
    assert "meeting:write:admin" in str(caught.value)
    assert fake_zoom.meetings == {}


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"client_secret": "wrong"}, "ZOOM_CLIENT_SECRET"),
        ({"client_id": "wrong"}, "ZOOM_CLIENT_ID"),
        ({"account_id": "wrong"}, "ZOOM_ACCOUNT_ID"),
    ],
)
async def test_bad_credentials_name_the_setting(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict, override, named
) -> None:
    with pytest.raises(ZoomAuthError) as caught:
        await make_zoom(**override).get_user(host["id"])
    assert named in caught.value.message
    assert "wrong" not in caught.value.message
    assert fake_zoom.requests_to(USER) == []


async def test_token_endpoint_failure_is_retried(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    fake_zoom.script("POST", TOKEN, Answer(status=503))
    user = await zoom.get_user(host["id"])
    assert user.id == host["id"]
    assert fake_zoom.token_requests == 2
    assert len(sleeps.waits) == 1


async def test_zoom_for_government_urls_are_used(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict
) -> None:
    # The fake answers under any prefix, so the gov hosts become path prefixes on loopback.
    gov = make_zoom(
        api_url=fake_zoom.url + "/api.zoomgov.com/v2",
        oauth_url=fake_zoom.url + "/zoomgov.com/oauth/token",
    )
    await gov.create_meeting(host["email"], MeetingRequest(topic="Gov"))
    paths = [r.path for r in fake_zoom.requests]
    assert paths == [
        "/zoomgov.com/oauth/token",
        "/api.zoomgov.com/v2/users/ada@example.com/meetings",
    ]


def test_default_urls_are_zooms_commercial_cloud() -> None:
    client = ZoomClient("a", "b", "c")
    assert (client.api_url, client.oauth_url) == (DEFAULT_API_URL, DEFAULT_OAUTH_URL)
    assert DEFAULT_API_URL == "https://api.zoom.us/v2"
    assert DEFAULT_OAUTH_URL == "https://zoom.us/oauth/token"
