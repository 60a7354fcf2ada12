"""Moving and skipping (issue 15) with the app on PostgreSQL, over real HTTP with the fakes:
the same flows as tests/app/test_move_e2e.py and test_skip_e2e.py, on the other backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.app.live_support import make_meeting, wait_update
from tests.app.test_move_e2e import answer, patches, zoom_start
from tests.app.test_skip_e2e import day_words, deletes, occurrences
from tests.fakes.app_process import AppProcess, make_app_env
from tests.fakes.slack_requests import SlackSender
from tests.openapi import validate_request
from tests.store_pg.test_two_instances import pg_database  # noqa: F401 - a fixture


@pytest.fixture
def pg_sender(pg_database, fake_slack, fake_zoom, tmp_path) -> Iterator[SlackSender]:  # noqa: F811
    env = make_app_env(fake_slack, fake_zoom, tmp_path, DATABASE_URL=pg_database)
    app = AppProcess(env).start(timeout=30)
    fake_zoom.body_check = validate_request
    try:
        with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            yield sender
    finally:
        fake_zoom.body_check = None
        app.stop()


def test_move_push_and_skip_on_postgresql(pg_sender, fake_slack, fake_zoom, person):
    ana = person()
    one = make_meeting(pg_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Planning")
    before = zoom_start(fake_zoom, one.meeting_id)
    pg_sender.command("push last 30 min", ana.slack_id)
    answer(fake_slack, pg_sender.last_response_url, "pushed 30 minutes")
    assert zoom_start(fake_zoom, one.meeting_id) - before == timedelta(minutes=30)
    assert len(patches(fake_zoom, one.meeting_id)) == 1
    wait_update(fake_slack, one, "Moved from")

    series = make_meeting(pg_sender, fake_slack, fake_zoom, ana.slack_id, "every day 9am Standup")
    second = occurrences(fake_zoom, series.meeting_id)[1]
    pg_sender.command(f"skip standup {day_words(second, ana.tz)}", ana.slack_id)
    answer(fake_slack, pg_sender.last_response_url, "Skipped")
    assert len(deletes(fake_zoom, series.meeting_id)) == 1
    wait_update(fake_slack, series, "skipped")
