"""Host-finding branches, profile caching, posting and its fallback, passcode privacy."""

from __future__ import annotations

import concurrent.futures

import pytest

from tests.app.support import assert_no_start_url, eventually, posts_to, texts, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import SlackSender


def test_slack_email_branch_hosts_as_the_requester(sender, fake_zoom, person):
    ana = person()
    sender.command("now", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.path.endswith(f"/users/{ana.zoom_id}/meetings")


def test_mapping_branch_wins_over_the_slack_email(sender, fake_slack, fake_zoom, person):
    admin = person(is_admin=True, zoom=False)
    ana, team = person(), person()
    sender.command(f"link <@{ana.slack_id}> {team.email}", admin.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Done" in b["text"])
    sender.command("now", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.path.endswith(f"/users/{team.zoom_id}/meetings")


def test_an_inactive_zoom_user_is_not_a_host(sender, fake_slack, fake_zoom, person):
    ana = person(zoom_status="inactive")
    sender.command("now", ana.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "/zoom link" in b["text"])
    assert not fake_zoom.requests_to("/users/{userId}/meetings", "POST")


def test_one_users_info_per_user_even_for_a_burst(sender, fake_slack, fake_zoom, person):
    ana = person()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda _: sender.command("now", ana.slack_id), range(6)))
    wait_created(fake_zoom, 6)
    eventually(lambda: len(posts_to(fake_slack, DEFAULT_CHANNEL)) == 6, what="6 posts")
    lookups = [c for c in fake_slack.calls_to("users.info") if c.params.get("user") == ana.slack_id]
    assert len(lookups) == 1


def test_not_in_channel_falls_back_to_the_response_url(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_slack.add_channel("G0SECRET", name="secret", is_private=True, bot_is_member=False)
    sender.command("now", ana.slack_id, channel="G0SECRET")
    wait_created(fake_zoom)
    meeting = next(iter(fake_zoom.meetings.values()))
    public = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: b.get("response_type") == "in_channel"
    )
    assert meeting["join_url"] in texts(public)
    assert_no_start_url(fake_slack, fake_zoom)


def test_a_dm_the_bot_is_not_in_falls_back_too(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("now", ana.slack_id, channel="D0NOTBOT01")
    wait_created(fake_zoom)
    fake_slack.wait_for_response(
        sender.last_response_url, lambda b: b.get("response_type") == "in_channel"
    )


@pytest.fixture
def private_passcode_app(app_env, fake_slack, fake_zoom):
    default = fake_zoom.add_user("shared-host@example.com", first_name="Shared", last_name="Host")
    env = {**app_env, "ZOOMBOT_POST_PASSCODE": "false", "ZOOMBOT_DEFAULT_HOST": default["email"]}
    process = AppProcess(
        env, cwd=app_env["DATABASE_URL"].removeprefix("sqlite:///").rsplit("/", 1)[0]
    ).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as s:
            yield s, default
    finally:
        process.stop()


def test_passcode_goes_privately_and_default_host_names_the_requester(
    private_passcode_app, fake_slack, fake_zoom, person
):
    sender, default = private_passcode_app
    ana = person(zoom=False, real_name="Ana Diaz")
    sender.command("tomorrow 3pm Retro", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.path.endswith(f"/users/{default['id']}/meetings") or default["email"] in (
        create.path
    )
    assert "Scheduled from Slack by Ana Diaz" in create.body["agenda"]
    assert f"@{ana.name}" in create.body["agenda"]
    meeting = next(iter(fake_zoom.meetings.values()))
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="post")[0]
    assert meeting["password"] not in texts(post.params)
    # The join link without its `pwd` (the encoded passcode) when the passcode is private.
    assert meeting["join_url"].split("?")[0] in texts(post.params)
    assert "pwd=" not in texts(post.params)
    private = fake_slack.wait_for_response(
        sender.last_response_url,
        lambda b: meeting["password"] in b.get("text", "") or meeting["password"] in texts(b),
    )
    assert private["response_type"] == "ephemeral"
    assert_no_start_url(fake_slack, fake_zoom)
