"""The Zoom directory (bot/directory.py): active users read a page at a time, trusted for an
hour, never proof that someone is not a Zoom user; and the app using it end to end."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.directory import ZoomDirectory
from tests.app.support import wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack_requests import SlackSender

USERS = "/users"
USER = "/users/{userId}"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_read_knows_every_active_user_and_nobody_else(zoom, fake_zoom):
    for n in range(7):
        fake_zoom.add_user(f"Person{n}@Example.com")
    fake_zoom.add_user("left@example.com", status="inactive")
    fake_zoom.add_user("invited@example.com", status="pending")
    zoom.page_size = 3
    directory = ZoomDirectory(zoom)

    assert await directory.read() is True

    assert directory.size == 7
    found = await directory.find("person4@example.com")
    assert found is not None and found.email == "Person4@Example.com" and found.is_active
    # Not in it: "ask Zoom", never "not a user".
    assert await directory.find("left@example.com") is None
    assert await directory.find("invited@example.com") is None
    assert len(fake_zoom.requests_to(USERS, "GET")) == 3


async def test_a_read_is_trusted_for_its_hour_only(zoom, fake_zoom):
    fake_zoom.add_user("ana@example.com")
    clock = Clock()
    directory = ZoomDirectory(zoom, max_age=3600, clock=clock)
    await directory.read()
    clock.now += 3599
    assert await directory.find("ana@example.com") is not None
    clock.now += 2
    assert await directory.find("ana@example.com") is None


async def test_a_find_during_the_first_read_waits_for_the_page_that_has_the_user(zoom, fake_zoom):
    fake_zoom.add_user("ana@example.com")
    fake_zoom.latency = 0.3
    directory = ZoomDirectory(zoom, patience=5.0)
    reading = asyncio.create_task(directory.read())
    try:
        await asyncio.sleep(0)  # the read has started and waits for Zoom
        started = time.monotonic()
        found = await directory.find("ana@example.com")
        assert found is not None and found.email == "ana@example.com"
        assert time.monotonic() - started < 4.0
    finally:
        await reading


async def test_a_find_waits_no_longer_than_its_patience(zoom, fake_zoom):
    fake_zoom.add_user("ana@example.com")
    fake_zoom.latency = 2.0
    directory = ZoomDirectory(zoom, patience=0.1)
    reading = asyncio.create_task(directory.read())
    try:
        await asyncio.sleep(0)
        started = time.monotonic()
        assert await directory.find("ana@example.com") is None  # then the caller asks Zoom
        assert time.monotonic() - started < 1.5
    finally:
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading


async def test_a_failed_read_leaves_the_directory_as_it_was_and_says_so(zoom, fake_zoom, caplog):
    fake_zoom.add_user("ana@example.com")
    clock = Clock()
    directory = ZoomDirectory(zoom, clock=clock)
    assert await directory.read() is True
    fake_zoom.scopes = ("meeting:write:admin",)  # the app lost user:read:admin
    fake_zoom.revoke_tokens()

    assert await directory.read() is False

    assert "Zoom directory not read" in caplog.text
    assert await directory.find("ana@example.com") is not None  # the earlier read stands


async def test_the_first_read_failing_still_ends_the_wait_for_it(zoom, fake_zoom):
    fake_zoom.scopes = ("meeting:write:admin",)
    directory = ZoomDirectory(zoom)
    assert await directory.read() is False
    await asyncio.wait_for(directory.first_read(), 1.0)
    assert await directory.find("anyone@example.com") is None


# -- end to end --------------------------------------------------------------------------------


def test_a_user_the_directory_knows_is_not_looked_up_again(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()  # in Zoom before the app starts
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        # Readiness waited for the first read.
        assert fake_zoom.requests_to(USERS, "GET")
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("tomorrow 3pm Design review", ana.slack_id)
            [create] = wait_created(fake_zoom)
        assert create.path.endswith(f"/users/{ana.zoom_id}/meetings")
        assert fake_zoom.requests_to(USER, "GET") == []
    finally:
        process.stop()


def test_a_user_who_joined_zoom_after_the_read_is_looked_up(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        bo = person()  # joined Zoom after the app read the directory
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("tomorrow 3pm Planning", bo.slack_id)
            [create] = wait_created(fake_zoom)
        assert create.path.endswith(f"/users/{bo.zoom_id}/meetings")
        assert len(fake_zoom.requests_to(USER, "GET")) == 1
    finally:
        process.stop()


def test_slack_is_asked_who_the_bot_is_once_at_start_not_by_the_first_commands(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        assert len(fake_slack.calls_to("auth.test")) == 1
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            for n in range(3):
                sender.command(f"tomorrow 3pm Sync {n}", ana.slack_id)
            wait_created(fake_zoom, 3)
        assert len(fake_slack.calls_to("auth.test")) == 1
    finally:
        process.stop()


async def test_a_huge_account_is_read_up_to_the_bound_and_no_further(zoom, fake_zoom, caplog):
    for n in range(7):
        fake_zoom.add_user(f"p{n}@example.com")
    zoom.page_size = 2
    directory = ZoomDirectory(zoom, max_users=3)

    assert await directory.read() is True

    assert directory.size == 4  # two pages of two
    assert len(fake_zoom.requests_to(USERS, "GET")) == 2
    assert "stopped reading at 4 users" in caplog.text


def test_a_host_who_left_zoom_is_asked_about_again_after_zooms_1001(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    """The directory and the caches may hold someone Zoom no longer has. Zoom's 1001 on the
    create makes the app forget them: the next command asks Zoom, finds nobody, and goes to
    the default host instead of failing the same way for the rest of the hour."""
    shared = fake_zoom.add_user("shared-host@example.com", first_name="Shared", last_name="Host")
    ana = person()
    env = {**app_env, "ZOOMBOT_DEFAULT_HOST": shared["email"]}
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            fake_zoom.remove_user(ana.email)  # left Zoom after the app read the directory
            sender.command("tomorrow 3pm Planning", ana.slack_id)
            fake_slack.wait_for_response(
                sender.last_response_url, lambda b: "1001" in b.get("text", "")
            )
            assert fake_zoom.requests_to(USER, "GET") == []  # the directory answered
            sender.command("tomorrow 4pm Planning", ana.slack_id)
            refused, create = wait_created(fake_zoom, 2)  # every POST, the refused one too
        assert refused.path.endswith(f"/users/{ana.zoom_id}/meetings")
        assert create.path.endswith(f"/users/{shared['id']}/meetings")
        assert len(fake_zoom.requests_to(USER, "GET")) == 1  # asked Zoom about ana again
    finally:
        process.stop()
