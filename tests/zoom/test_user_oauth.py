"""Zoom user OAuth ("Connect your Zoom") against the fake Zoom over loopback: the
authorization-code grant with PKCE, meetings made as "me", refresh (one for many callers,
saved, rotated), a grant Zoom refuses, and revoke."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fakes.zoom import FakeZoom
from zoom import GrantRevoked, MeetingRequest, UserTokens, ZoomAuthError, ZoomUserOAuth

REDIRECT = "https://zoombot.example.com/zoom/oauth/callback"


@pytest.fixture
async def oauth(fake_zoom: FakeZoom) -> AsyncIterator[ZoomUserOAuth]:
    async with httpx.AsyncClient() as http:
        yield ZoomUserOAuth(
            http,
            fake_zoom.grants.client_id,
            fake_zoom.grants.client_secret,
            REDIRECT,
            oauth_url=fake_zoom.oauth_url,
            api_url=fake_zoom.api_url,
            timeout=3.0,
        )


async def connect(fake_zoom: FakeZoom, oauth: ZoomUserOAuth, email: str) -> UserTokens:
    """What a person does in the browser: visit Zoom's page, consent, come back with a code."""
    fake_zoom.grants.sign_in(email)
    grant = oauth.authorize()
    async with httpx.AsyncClient() as browser:
        page = await browser.get(grant.url)
    assert page.status_code == 302
    back = urlsplit(page.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT
    query = parse_qs(back.query)
    assert query["state"] == [grant.state]
    return await oauth.exchange(query["code"][0], grant.code_verifier)


def test_the_authorization_url_asks_for_a_code_with_pkce(oauth: ZoomUserOAuth) -> None:
    grant = oauth.authorize()
    parts = urlsplit(grant.url)
    query = parse_qs(parts.query)
    assert parts.path == "/oauth/authorize"
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [REDIRECT]
    assert query["state"] == [grant.state]
    assert grant.code_verifier not in grant.url
    assert "…" in repr(grant) and grant.state not in repr(grant)


async def test_a_connected_user_creates_meetings_as_themselves(
    fake_zoom: FakeZoom, oauth: ZoomUserOAuth
) -> None:
    ana = fake_zoom.add_user("ana@example.com", first_name="Ana")
    tokens = await connect(fake_zoom, oauth, "ana@example.com")
    saved: list[UserTokens] = []

    async def save(new: UserTokens) -> None:
        saved.append(new)

    client = oauth.client_for(tokens, save)
    me = await client.get_user("me")
    assert me.email == "ana@example.com"
    start = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    meeting = await client.create_meeting(
        "me",
        MeetingRequest(topic="Design review", start_time=start, timezone="UTC", duration=30),
    )
    assert fake_zoom.meetings[meeting.id]["host_id"] == ana["id"]
    assert saved == []  # nothing refreshed yet
    assert tokens.access_token not in repr(tokens)


async def test_an_expired_token_is_refreshed_once_for_many_callers_and_saved(
    fake_zoom: FakeZoom, oauth: ZoomUserOAuth
) -> None:
    fake_zoom.add_user("ana@example.com")
    tokens = await connect(fake_zoom, oauth, "ana@example.com")
    saved: list[UserTokens] = []

    async def save(new: UserTokens) -> None:
        saved.append(new)

    # A token that has 10 s left is inside the refresh margin: the next call refreshes.
    client = oauth.client_for(
        UserTokens(tokens.access_token, tokens.refresh_token, expires_at=0.0), save
    )
    users = await asyncio.gather(*(client.get_user("me") for _ in range(5)))
    assert {user.email for user in users} == {"ana@example.com"}
    assert fake_zoom.grants.refreshes == 1
    assert len(saved) == 1 and saved[0].refresh_token != tokens.refresh_token
    # Zoom rotated it: the old refresh token is refused now.
    with pytest.raises(GrantRevoked):
        await oauth.refresh(tokens.refresh_token)


async def test_a_grant_zoom_refuses_is_grant_revoked(
    fake_zoom: FakeZoom, oauth: ZoomUserOAuth
) -> None:
    fake_zoom.add_user("ana@example.com")
    tokens = await connect(fake_zoom, oauth, "ana@example.com")
    fake_zoom.grants.deauthorize("ana@example.com")

    async def save(new: UserTokens) -> None:
        raise AssertionError("nothing to save")

    client = oauth.client_for(tokens, save)
    with pytest.raises(GrantRevoked):
        await client.get_user("me")


async def test_revoke_ends_the_grant(fake_zoom: FakeZoom, oauth: ZoomUserOAuth) -> None:
    fake_zoom.add_user("ana@example.com")
    tokens = await connect(fake_zoom, oauth, "ana@example.com")
    assert fake_zoom.grants.connected("ana@example.com")
    await oauth.revoke(tokens.access_token)
    assert not fake_zoom.grants.connected("ana@example.com")
    with pytest.raises(GrantRevoked):
        await oauth.refresh(tokens.refresh_token)


async def test_a_code_is_good_once_and_needs_its_verifier(
    fake_zoom: FakeZoom, oauth: ZoomUserOAuth
) -> None:
    fake_zoom.add_user("ana@example.com")
    fake_zoom.grants.sign_in("ana@example.com")
    grant = oauth.authorize()
    async with httpx.AsyncClient() as browser:
        page = await browser.get(grant.url)
    code = parse_qs(urlsplit(page.headers["location"]).query)["code"][0]
    with pytest.raises(ZoomAuthError):
        await oauth.exchange(code, "not-the-verifier")
    with pytest.raises(ZoomAuthError):  # used (and refused) once: gone
        await oauth.exchange(code, grant.code_verifier)


async def test_wrong_client_credentials_name_the_settings(fake_zoom: FakeZoom) -> None:
    async with httpx.AsyncClient() as http:
        oauth = ZoomUserOAuth(
            http, "wrong", "wrong", REDIRECT, oauth_url=fake_zoom.oauth_url, timeout=3.0
        )
        with pytest.raises(ZoomAuthError, match="ZOOM_OAUTH_CLIENT_ID") as caught:
            await oauth.exchange("code", "verifier")
    assert not isinstance(caught.value, GrantRevoked)


class SharedPair:
    """Where several processes save a person's tokens (the store, for zoombot)."""

    def __init__(self, tokens: UserTokens) -> None:
        self.tokens = tokens
        self.saves = 0

    async def save(self, new: UserTokens) -> None:
        self.saves += 1
        self.tokens = new

    async def load(self) -> UserTokens | None:
        return self.tokens


async def ana_expired(fake_zoom: FakeZoom, oauth: ZoomUserOAuth) -> SharedPair:
    """Ana connected; the saved pair's access token has expired (the next call refreshes)."""
    fake_zoom.add_user("ana@example.com")
    tokens = await connect(fake_zoom, oauth, "ana@example.com")
    return SharedPair(UserTokens(tokens.access_token, tokens.refresh_token, expires_at=0.0))


async def test_a_pair_another_process_refreshed_is_taken_not_refreshed_again(
    fake_zoom: FakeZoom, oauth: ZoomUserOAuth
) -> None:
    shared = await ana_expired(fake_zoom, oauth)
    expired = shared.tokens
    one = oauth.client_for(expired, shared.save, load=shared.load)
    two = oauth.client_for(expired, shared.save, load=shared.load)
    assert (await one.get_user("me")).email == "ana@example.com"
    assert fake_zoom.grants.refreshes == 1
    # The second process holds the retired refresh token: it takes the saved pair instead.
    assert (await two.get_user("me")).email == "ana@example.com"
    assert fake_zoom.grants.refreshes == 1 and shared.saves == 1


async def test_two_processes_refreshing_at_once_keep_the_grant(
    fake_zoom: FakeZoom, oauth: ZoomUserOAuth
) -> None:
    """Both send the same refresh token; Zoom takes one and refuses the other (it was just
    rotated). The refused one finds the pair the other saved: no GrantRevoked."""
    shared = await ana_expired(fake_zoom, oauth)
    expired = shared.tokens

    async def stale_load() -> UserTokens | None:
        # Both looked before either refreshed: the first look finds nothing newer.
        return expired if shared.saves == 0 else shared.tokens

    one = oauth.client_for(expired, shared.save, load=stale_load)
    two = oauth.client_for(expired, shared.save, load=stale_load)
    users = await asyncio.gather(one.get_user("me"), two.get_user("me"))
    assert {user.email for user in users} == {"ana@example.com"}
    assert fake_zoom.grants.refreshes == 1 and shared.saves == 1


async def test_a_revoked_grant_is_still_grant_revoked_with_a_shared_pair(
    fake_zoom: FakeZoom, oauth: ZoomUserOAuth
) -> None:
    shared = await ana_expired(fake_zoom, oauth)
    expired = shared.tokens
    fake_zoom.grants.deauthorize("ana@example.com")
    client = oauth.client_for(expired, shared.save, load=shared.load)
    with pytest.raises(GrantRevoked):
        await client.get_user("me")
    assert shared.saves == 0
