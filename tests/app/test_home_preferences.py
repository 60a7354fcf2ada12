"""Home preferences choose exactly what the person changed: a workspace default duration that
is not in the select's list can be chosen back; one ticked box stores that box only."""

from __future__ import annotations

import sqlite3

import pytest

from tests.app.live_support import make_meeting
from tests.app.support import CREATE, eventually
from tests.app.test_app_home import home_action, published
from tests.fakes.app_process import AppProcess
from tests.fakes.slack_requests import SlackSender

WORKSPACE_DURATION = 40  # not one of the select's usual durations


@pytest.fixture(scope="module")
def prefs_app(fake_slack_server, fake_zoom_server, tmp_path_factory):
    from tests.conftest import make_app_env

    workdir = tmp_path_factory.mktemp("prefs-app")
    env = make_app_env(fake_slack_server, fake_zoom_server, workdir)
    env["ZOOMBOT_DEFAULT_DURATION"] = str(WORKSPACE_DURATION)
    process = AppProcess(env, cwd=workdir).start()
    process.database = env["DATABASE_URL"].removeprefix("sqlite:///")
    yield process
    process.stop()


@pytest.fixture
def prefs_sender(prefs_app, fake_slack):
    with SlackSender(prefs_app.url, fake_slack.signing_secret, fake=fake_slack) as s:
        yield s


def duration_action(minutes: int) -> dict:
    return {
        "type": "static_select",
        "action_id": "pref_duration",
        "block_id": "pref_duration_block",
        "selected_option": {
            "text": {"type": "plain_text", "text": str(minutes)},
            "value": str(minutes),
        },
    }


def stored_preferences(app: AppProcess, user: str) -> dict | None:
    with sqlite3.connect(app.database) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM preferences WHERE slack_user_id = ?", [user]).fetchone()
        return dict(row) if row else None


def test_the_workspace_default_duration_can_be_chosen_back(
    prefs_app, prefs_sender, fake_slack, fake_zoom, person
):
    ana = person()
    home_action(prefs_sender, ana.slack_id, duration_action(45))
    published(fake_slack, ana.slack_id, 1)
    home_action(prefs_sender, ana.slack_id, duration_action(WORKSPACE_DURATION))
    view = published(fake_slack, ana.slack_id, 2)
    select = next(b for b in view["blocks"] if b.get("block_id") == "pref_duration_block")
    assert select["accessory"]["initial_option"]["value"] == str(WORKSPACE_DURATION)
    make_meeting(prefs_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Default")
    [create] = fake_zoom.requests_to(CREATE, "POST")
    assert create.body["duration"] == WORKSPACE_DURATION


def test_a_duration_the_select_never_offers_is_refused(prefs_app, prefs_sender, fake_slack, person):
    ana = person()
    home_action(prefs_sender, ana.slack_id, duration_action(37))
    eventually(
        lambda: "action:pref_duration" in prefs_app.logs() and "invalid" in prefs_app.logs(),
        what="the invalid choice logged",
    )
    assert stored_preferences(prefs_app, ana.slack_id) is None


def test_ticking_one_box_stores_only_that_one(prefs_app, prefs_sender, fake_slack, person):
    ana = person()
    # Both are on by default; Ana unticks the waiting room and leaves the passcode ticked.
    home_action(
        prefs_sender,
        ana.slack_id,
        {
            "type": "checkboxes",
            "action_id": "pref_options",
            "block_id": "pref_options_block",
            "selected_options": [
                {"text": {"type": "plain_text", "text": "p"}, "value": "post_passcode"}
            ],
        },
    )
    published(fake_slack, ana.slack_id)
    row = stored_preferences(prefs_app, ana.slack_id)
    assert row is not None
    assert row["waiting_room"] == 0
    # Still the workspace's: a later change of ZOOMBOT_POST_PASSCODE reaches Ana.
    assert row["post_passcode"] is None
