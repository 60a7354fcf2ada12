"""Several workspaces (Slack OAuth) end to end, on SQLite and PostgreSQL: the app as a
subprocess with SLACK_CLIENT_ID and no SLACK_BOT_TOKEN; each workspace installs it through
`/slack/install`, Slack's page (the fake's) and `/slack/oauth_redirect`, with Bolt's state
cookie; then each one's commands are answered with its own bot token in its own channel,
one workspace cannot act on another's meeting, a token about to expire is rotated, and an
uninstall deletes the installation and drops its pending posts."""

from __future__ import annotations

import re
import secrets
from html import unescape
from pathlib import Path

import httpx
import pytest

from tests.app.app_databases import rows
from tests.app.support import eventually
from tests.fakes.app_process import AppProcess, free_port, make_app_env
from tests.fakes.slack import FakeSlack, SlackAnswer
from tests.fakes.slack_oauth import Workspace
from tests.fakes.slack_requests import SlackSender
from tests.fakes.zoom import FakeZoom

SECRET_KEY = "workspaces-secret-key-" + secrets.token_hex(8)


@pytest.fixture
def app(database_url, fake_slack: FakeSlack, fake_zoom: FakeZoom, tmp_path: Path):
    port = free_port()
    env = make_app_env(
        fake_slack,
        fake_zoom,
        tmp_path,
        PORT=str(port),
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="",
        SLACK_CLIENT_ID=fake_slack.workspaces.client_id,
        SLACK_CLIENT_SECRET=fake_slack.workspaces.client_secret,
        ZOOMBOT_PUBLIC_URL=f"http://127.0.0.1:{port}",
        ZOOMBOT_SECRET_KEY=SECRET_KEY,
    )
    with AppProcess(env, cwd=tmp_path) as process:
        yield process


def install(app: AppProcess, fake_slack: FakeSlack, workspace: Workspace) -> str:
    """What an admin of `workspace` does in the browser: Add to Slack, Allow, back.
    Returns the code Slack gave the browser."""
    fake_slack.workspaces.installing = workspace
    with httpx.Client(timeout=10) as browser:
        page = browser.get(app.url + "/slack/install")
        assert page.status_code == 200, page.text
        # Bolt's state cookie is `Secure` (the app is served over https in production):
        # a browser sends it back there; over the tests' http, send it by hand.
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        assert cookie.startswith("slack-app-oauth-state=")
        [link] = re.findall(r'href="([^"]*oauth/v2/authorize[^"]*)"', page.text)
        slack_page = browser.get(unescape(link))
        assert slack_page.status_code == 302
        back = browser.get(slack_page.headers["location"], headers={"cookie": cookie})
    assert back.status_code == 200, back.text
    return slack_page.headers["location"].split("code=", 1)[1].split("&", 1)[0]


def stored_bot_tokens(database_url: str) -> list[str]:
    return [
        value
        for row in rows(
            database_url,
            "SELECT bot_token, COALESCE(bot_refresh_token, '') FROM slack_installations",
        )
        for value in row
        if value
    ]


def posts_in(fake_slack: FakeSlack, channel: str) -> list:
    return [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.params.get("channel") == channel and c.status == 200 and c.answer.get("ok")
    ]


def token_of(call) -> str:
    return call.headers.get("authorization", "").removeprefix("Bearer ")


def test_two_workspaces_each_answered_with_its_own_token_in_its_own_channel(
    app, fake_slack, fake_zoom, person, database_url
) -> None:
    acme = fake_slack.workspaces.add("T0ACME", "Acme")
    beta = fake_slack.workspaces.add("T0BETA", "Beta")
    fake_slack.add_channel("C0ACME", name="acme-general")
    fake_slack.add_channel("C0BETA", name="beta-general")
    codes = [install(app, fake_slack, acme), install(app, fake_slack, beta)]
    ana, bo = person(), person()

    with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as slack:
        slack.command("Acme standup", ana.slack_id, channel="C0ACME", team_id="T0ACME")
        slack.command("Beta standup", bo.slack_id, channel="C0BETA", team_id="T0BETA")
        [acme_post] = eventually(lambda: posts_in(fake_slack, "C0ACME"), what="Acme's post")
        [beta_post] = eventually(lambda: posts_in(fake_slack, "C0BETA"), what="Beta's post")
        assert token_of(acme_post) in fake_slack.workspaces.tokens_of("T0ACME")
        assert token_of(beta_post) in fake_slack.workspaces.tokens_of("T0BETA")
        assert "Acme standup" in str(acme_post.params) and "Beta" not in str(acme_post.params)

        # Beta cannot cancel Acme's meeting, even with its ID.
        [acme_meeting] = [m for m in fake_zoom.meetings.values() if m["topic"] == "Acme standup"]
        slack.command(
            f"cancel {acme_meeting['id']}", bo.slack_id, channel="C0BETA", team_id="T0BETA"
        )
        refusal = fake_slack.wait_for_response(
            slack.last_response_url, lambda b: "no meeting" in b.get("text", "")
        )
        assert "Acme" not in refusal["text"]
        assert acme_meeting["id"] in fake_zoom.meetings  # not deleted
        # A scheduled meeting's reminder is scheduled with Acme's token too.
        slack.command(
            "tomorrow 3pm Acme planning", ana.slack_id, channel="C0ACME", team_id="T0ACME"
        )
        scheduled = eventually(
            lambda: [c for c in fake_slack.calls_to("chat.scheduleMessage") if c.status == 200],
            what="the reminder scheduled",
        )
        assert token_of(scheduled[0]) in fake_slack.workspaces.tokens_of("T0ACME")
        # The same person (one id across an org's workspaces) in Beta: "last" is Beta's last.
        slack.command("cancel last", ana.slack_id, channel="C0BETA", team_id="T0BETA")
        fake_slack.wait_for_response(slack.last_response_url)
        assert acme_meeting["id"] in fake_zoom.meetings

    # Sealed at rest, and never in the log.
    issued = fake_slack.workspaces.tokens_of("T0ACME") + fake_slack.workspaces.tokens_of("T0BETA")
    stored = stored_bot_tokens(database_url)
    assert len(stored) == 2 and not set(issued) & set(stored)
    assert not any(value.startswith("xox") for value in stored)
    assert [s for s in [*issued, *codes] if s in app.logs()] == []
    assert fake_slack.workspaces.client_secret not in app.logs()


def test_a_token_about_to_expire_is_rotated_before_use(app, fake_slack, fake_zoom, person) -> None:
    fake_slack.workspaces.rotation = True
    fake_slack.workspaces.token_lifetime = 600  # inside Bolt's two-hour rotation window
    acme = fake_slack.workspaces.add("T0ACME", "Acme")
    fake_slack.add_channel("C0ACME", name="acme-general")
    install(app, fake_slack, acme)
    [first] = fake_slack.workspaces.tokens_of("T0ACME")
    ana = person()
    with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as slack:
        slack.command("Rotated", ana.slack_id, channel="C0ACME", team_id="T0ACME")
        [post] = eventually(lambda: posts_in(fake_slack, "C0ACME"), what="the post")
    assert fake_slack.workspaces.refreshes >= 1
    assert token_of(post) != first
    assert token_of(post) in fake_slack.workspaces.tokens_of("T0ACME")


def test_an_uninstall_deletes_the_installation_and_drops_pending_posts(
    app, fake_slack, fake_zoom, person, database_url
) -> None:
    acme = fake_slack.workspaces.add("T0ACME", "Acme")
    fake_slack.add_channel("C0ACME", name="acme-general")
    install(app, fake_slack, acme)
    ana = person()
    # Slack fails every post for a while: the meeting's post waits in the outbox.
    fake_slack.script("chat.postMessage", *[SlackAnswer(status=503)] * 50)
    with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as slack:
        slack.command("Doomed post", ana.slack_id, channel="C0ACME", team_id="T0ACME")
        eventually(lambda: fake_zoom.meetings, what="the meeting made")
        eventually(lambda: fake_slack.calls_to("chat.postMessage"), what="a first attempt")
        answer = slack.event(fake_slack.workspaces.uninstall("T0ACME"))
        assert answer.status_code == 200
    app.wait_for_log("pending post(s) dropped", timeout=10)
    assert stored_bot_tokens(database_url) == []
    assert "1 pending post(s) dropped" in app.logs()


def test_a_revoked_bot_token_deletes_the_installation(
    app, fake_slack, fake_zoom, person, database_url
) -> None:
    """`tokens_revoked` (an admin revoked the bot token, the app stays listed): the
    installation goes, as for an uninstall, and the other workspace keeps working."""
    acme = fake_slack.workspaces.add("T0ACME", "Acme")
    globex = fake_slack.workspaces.add("T0GLOBEX", "Globex")
    fake_slack.add_channel("C0GLOBEX", name="globex-general")
    install(app, fake_slack, acme)
    install(app, fake_slack, globex)
    assert len(rows(database_url, "SELECT team_id FROM slack_installations")) == 2
    with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as slack:
        answer = slack.event(fake_slack.workspaces.revoke_bot_token("T0ACME"))
        assert answer.status_code == 200
        eventually(
            lambda: (
                rows(database_url, "SELECT team_id FROM slack_installations") == [("T0GLOBEX",)]
            ),
            what="only Globex's installation left",
        )
        ana = person()
        slack.command("Still here", ana.slack_id, channel="C0GLOBEX", team_id="T0GLOBEX")
        eventually(lambda: posts_in(fake_slack, "C0GLOBEX"), what="Globex's meeting posted")


def test_an_org_wide_install_answers_every_workspace_of_the_org(
    app, fake_slack, fake_zoom, person
) -> None:
    from urllib.parse import parse_qsl, urlencode

    from tests.fakes.slack_requests import slash_command_body

    org = fake_slack.workspaces.add("T0HQ", "Grid", enterprise_id="E0GRID", org_install=True)
    fake_slack.add_channel("C0SALES", name="sales")
    install(app, fake_slack, org)
    ana = person()
    with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as slack:
        fields = dict(
            parse_qsl(
                slash_command_body(
                    "Org standup",
                    user=ana.slack_id,
                    channel="C0SALES",
                    team_id="T0SALES",  # a workspace of the org, never installed on its own
                    response_url=fake_slack.new_response_url(),
                )
            )
        )
        fields.update(enterprise_id="E0GRID", is_enterprise_install="true")
        assert slack.post(urlencode(fields)).status_code == 200
        [post] = eventually(lambda: posts_in(fake_slack, "C0SALES"), what="the org's post")
    assert token_of(post) in fake_slack.workspaces.tokens_of("T0HQ")
