""" "Connect your Zoom" end to end, on SQLite and on PostgreSQL: the app as a subprocess,
signed commands in, Zoom's authorization page and the browser's redirect over real HTTP
(the fake Zoom's user-managed OAuth app, tests/fakes/zoom/user_grants.py).

A person connects, their meeting is made as them (`/users/me/meetings` with their token),
their token expires and is refreshed, their grant is revoked (told how to reconnect), they
remove the app in Zoom (`app_deauthorized` forgets them at once), they disconnect (revoked
at Zoom). Tokens never reach the log, and the store holds them only sealed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.app.app_databases import rows
from tests.app.support import eventually, posts_to
from tests.fakes.app_process import AppProcess, free_port, make_app_env
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack
from tests.fakes.slack_requests import SlackSender
from tests.fakes.zoom import FakeZoom

SECRET_KEY = "test-secret-key-" + secrets.token_hex(8)
USER_MEETINGS = "/users/{userId}/meetings"


@pytest.fixture
def app(
    database_url: str, fake_slack: FakeSlack, fake_zoom: FakeZoom, tmp_path: Path
) -> Iterator[AppProcess]:
    port = free_port()
    env = make_app_env(
        fake_slack,
        fake_zoom,
        tmp_path,
        PORT=str(port),
        DATABASE_URL=database_url,
        ZOOMBOT_PUBLIC_URL=f"http://127.0.0.1:{port}",
        ZOOM_OAUTH_CLIENT_ID=fake_zoom.grants.client_id,
        ZOOM_OAUTH_CLIENT_SECRET=fake_zoom.grants.client_secret,
        ZOOMBOT_SECRET_KEY=SECRET_KEY,
    )
    with AppProcess(env, cwd=tmp_path) as process:
        yield process


@pytest.fixture
def slack(app: AppProcess, fake_slack: FakeSlack) -> Iterator[SlackSender]:
    with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as sender:
        yield sender


def said_to(fake_slack: FakeSlack, user: str, words: str, timeout: float = 8.0) -> str:
    """Poll for something said privately to `user` (response_url, ephemeral or DM)."""

    def find() -> str | None:
        for body in fake_slack.responses():
            if words in body.get("text", ""):
                return body["text"]
        for method in ("chat.postEphemeral", "chat.postMessage"):
            for call in fake_slack.calls_to(method):
                text = str(call.params.get("text", ""))
                to = call.params.get("user") or call.params.get("channel")
                if to == user and words in text:
                    return text
        return None

    return eventually(find, timeout, f"{words!r} said to {user}")


def connect(
    slack: SlackSender, fake_slack: FakeSlack, fake_zoom: FakeZoom, who: str, email: str
) -> str:
    """`/zoom connect`, then what the person's browser does: Zoom's page, consent, back.
    Returns the authorization code Zoom gave the browser."""
    slack.command("connect", who)
    answer = fake_slack.wait_for_response(slack.last_response_url, lambda b: b.get("blocks"))
    [button] = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    fake_zoom.grants.sign_in(email)
    with httpx.Client(timeout=5) as browser:
        zoom_page = browser.get(button["url"])
        assert zoom_page.status_code == 302
        back = browser.get(zoom_page.headers["location"])
    assert back.status_code == 200, back.text
    assert "Connected" in back.text and email in back.text
    assert back.headers["cache-control"] == "no-store"
    said_to(fake_slack, who, "Connected")
    return parse_qs(urlsplit(zoom_page.headers["location"]).query)["code"][0]


def stored_tokens(database_url: str) -> list[str]:
    return [
        value
        for row in rows(database_url, "SELECT access_token, refresh_token FROM zoom_connections")
        for value in row
        if value
    ]


def test_a_connected_person_hosts_on_their_own_zoom_until_they_leave(
    app, slack, fake_slack, fake_zoom, person, database_url
) -> None:
    ana = person(zoom=False)  # not a user of the account app's Zoom account
    own = fake_zoom.add_user("ana.own@example.net", first_name="Ana", last_name="Own")

    code = connect(slack, fake_slack, fake_zoom, ana.slack_id, "ana.own@example.net")
    slack.command("whoami", ana.slack_id)
    assert "ana.own@example.net" in said_to(fake_slack, ana.slack_id, "own Zoom account")

    # Made as her: /users/me/meetings with her token, hosted by her own Zoom user.
    slack.command("tomorrow 3pm Design review", ana.slack_id)
    made = eventually(lambda: fake_zoom.requests_to(USER_MEETINGS, "POST"), what="a create")
    assert made[0].path.endswith("/users/me/meetings")
    [meeting] = fake_zoom.meetings.values()
    assert meeting["host_id"] == own["id"]
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the meeting posted")

    # Her token expires: refreshed once, the new pair kept, and the meeting made.
    fake_zoom.grants.expire("ana.own@example.net")
    slack.command("now", ana.slack_id)
    eventually(lambda: len(fake_zoom.meetings) == 2, what="a second meeting")
    assert fake_zoom.grants.refreshes == 1

    # Sealed at rest; never in the log.
    issued = [*fake_zoom.grants.access, made[0].headers["authorization"][7:]]
    stored = stored_tokens(database_url)
    assert stored and not any(token in value for token in issued for value in stored)
    assert not any(value.startswith("fake-") for value in stored)
    logs = app.logs()
    assert not any(token in logs for token in issued)
    assert SECRET_KEY not in logs
    assert code not in logs and fake_zoom.grants.client_secret not in logs

    # She removes the app in Zoom: forgotten at once, and told.
    body = fake_zoom.grants.deauthorize("ana.own@example.net")
    assert fake_zoom.send_event(app.url + "/zoom/events", body).status_code == 200
    said_to(fake_slack, ana.slack_id, "removed from your Zoom account")
    eventually(lambda: stored_tokens(database_url) == [], what="the connection forgotten")
    slack.command("whoami", ana.slack_id)
    said_to(fake_slack, ana.slack_id, "No Zoom account hosts your meetings")


def test_a_grant_zoom_refuses_is_forgotten_and_the_person_told_how_to_reconnect(
    app, slack, fake_slack, fake_zoom, person, database_url
) -> None:
    bo = person(zoom=False)
    fake_zoom.add_user("bo@example.net")
    connect(slack, fake_slack, fake_zoom, bo.slack_id, "bo@example.net")
    fake_zoom.grants.deauthorize("bo@example.net")  # gone at Zoom; the event never came
    fake_zoom.grants.expire("bo@example.net")
    slack.command("tomorrow 10am Planning", bo.slack_id)
    said_to(fake_slack, bo.slack_id, "/zoom connect")
    assert fake_zoom.meetings == {}  # Zoom refused the old token before acting on it
    eventually(lambda: stored_tokens(database_url) == [], what="the connection forgotten")


def test_disconnect_revokes_at_zoom_and_forgets(
    app, slack, fake_slack, fake_zoom, person, database_url
) -> None:
    cy = person(zoom=False)
    fake_zoom.add_user("cy@example.net")
    connect(slack, fake_slack, fake_zoom, cy.slack_id, "cy@example.net")
    assert fake_zoom.grants.connected("cy@example.net")
    slack.command("disconnect", cy.slack_id)
    said_to(fake_slack, cy.slack_id, "Disconnected")
    assert not fake_zoom.grants.connected("cy@example.net")
    assert stored_tokens(database_url) == []


def test_a_used_or_unknown_state_is_refused_with_a_page(app) -> None:
    answer = httpx.get(f"{app.url}/zoom/oauth/callback?code=abc&state=nonesuch", timeout=5)
    assert answer.status_code == 400
    assert "/zoom connect" in answer.text
    assert httpx.get(f"{app.url}/zoom/oauth/callback", timeout=5).status_code == 400


@pytest.fixture
def oauth_only_app(fake_slack: FakeSlack, fake_zoom: FakeZoom, tmp_path: Path):
    """Only "Connect your Zoom": no Server-to-Server app at all."""
    port = free_port()
    env = make_app_env(
        fake_slack,
        fake_zoom,
        tmp_path,
        PORT=str(port),
        ZOOM_ACCOUNT_ID="",
        ZOOM_CLIENT_ID="",
        ZOOM_CLIENT_SECRET="",
        ZOOMBOT_PUBLIC_URL=f"http://127.0.0.1:{port}",
        ZOOM_OAUTH_CLIENT_ID=fake_zoom.grants.client_id,
        ZOOM_OAUTH_CLIENT_SECRET=fake_zoom.grants.client_secret,
        ZOOMBOT_SECRET_KEY=SECRET_KEY,
    )
    with AppProcess(env, cwd=tmp_path) as process:
        yield process


def test_without_an_account_app_people_connect_their_own(
    oauth_only_app, fake_slack, fake_zoom, person
) -> None:
    ready = eventually(
        lambda: (
            (r := httpx.get(oauth_only_app.url + "/readyz", timeout=5)).status_code == 200
            and r.json()
        ),
        what="ready",
    )
    assert ready["checks"]["zoom"] == "not used"
    dee = person(zoom=False)
    fake_zoom.add_user("dee@example.net")
    with SlackSender(oauth_only_app.url, fake_slack.signing_secret, fake=fake_slack) as slack:
        slack.command("tomorrow 3pm Design review", dee.slack_id)
        said_to(fake_slack, dee.slack_id, "type `/zoom connect` to connect it first")
        assert fake_zoom.meetings == {}
        connect(slack, fake_slack, fake_zoom, dee.slack_id, "dee@example.net")
        slack.command("tomorrow 3pm Design review", dee.slack_id)
        eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the meeting posted")
        slack.command("list", dee.slack_id)
        said_to(fake_slack, dee.slack_id, "Upcoming meetings hosted by dee@example.net")
    assert not any(
        r.route == "/oauth/token" and (r.body or {}).get("grant_type") == "account_credentials"
        for r in fake_zoom.requests
    )
