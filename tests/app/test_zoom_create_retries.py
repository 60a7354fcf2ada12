"""The Zoom client's no-duplicate create, end to end: Zoom acts and then fails (a 5xx, a read
timeout), and the app still makes exactly one meeting and posts it once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.support import CREATE, eventually, posts_to, texts
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import SlackSender
from tests.fakes.zoom import Answer


@pytest.fixture(scope="module")
def quick_zoom_app(fake_slack_server, fake_zoom_server, tmp_path_factory):
    from tests.conftest import make_app_env

    workdir: Path = tmp_path_factory.mktemp("quick-zoom")
    env = {
        **make_app_env(fake_slack_server, fake_zoom_server, workdir),
        "ZOOMBOT_ZOOM_TIMEOUT": "0.5",
    }
    process = AppProcess(env, cwd=workdir).start()
    yield process
    process.stop()


@pytest.mark.parametrize(
    "failure",
    [Answer(status=500, acted=True), Answer(timeout=True, delay=5.0)],
    ids=["500-after-acting", "read-timeout-after-acting"],
)
def test_zoom_acting_then_failing_makes_one_meeting_posted_once(
    quick_zoom_app, fake_slack, fake_zoom, person, failure
):
    ana = person()
    fake_zoom.script("POST", CREATE, failure)
    with SlackSender(quick_zoom_app.url, fake_slack.signing_secret, fake=fake_slack) as sender:
        # A scheduled meeting: Zoom does not list instant ones, so only these can be looked up.
        sender.command("tomorrow 3pm Standup", ana.slack_id)
    eventually(
        lambda: [c for c in posts_to(fake_slack, DEFAULT_CHANNEL) if c.status == 200],
        what="the post",
    )
    assert len(fake_zoom.meetings) == 1
    [meeting] = fake_zoom.meetings.values()
    [post] = posts_to(fake_slack, DEFAULT_CHANNEL)
    assert meeting["join_url"] in texts(post.params)
    # Zoom was asked once to create; the client then looked for what it had made.
    assert len(fake_zoom.requests_to(CREATE, "POST")) == 1
    assert fake_zoom.requests_to(CREATE, "GET")
