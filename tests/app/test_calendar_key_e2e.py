"""Calendar links are signed with a key that always exists and is secret (issue 11, bullet
7): made at first start and kept in the store, never the (possibly empty) Slack signing
secret. In Socket Mode without SLACK_SIGNING_SECRET, the .ics link a meeting's message
carries works on the Zoom port, also after a restart; a wrong or missing `sig`, or one
made with an empty key, gets 404."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from pathlib import Path

import httpx

from bot.render.links import ics_signature
from tests.app.live_support import blocks_of
from tests.app.support import eventually, posts_to, wait_created
from tests.app.test_socket_mode import socket_env
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import slash_command_payload

PUBLIC_URL = "https://zoombot.example.com"


def ics_link(blocks: list[dict]) -> str:
    return next(
        element["url"]
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == "download_ics"
    )


def empty_key_signature(meeting_id: int) -> str:
    """What the links were signed with before: HMAC under an empty signing secret."""
    message = f"calendar:{meeting_id}".encode()
    return hmac.new(b"", message, hashlib.sha256).hexdigest()[:32]


def test_socket_mode_without_a_signing_secret_signs_ics_links_with_the_stores_key(
    fake_slack, fake_zoom, person, tmp_path: Path
):
    env = socket_env(fake_slack, fake_zoom, tmp_path, ZOOMBOT_PUBLIC_URL=PUBLIC_URL)
    del env["SLACK_SIGNING_SECRET"]
    opened = fake_slack.sockets_opened
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        fake_slack.wait_for_new_socket(opened, timeout=10)
        ana = person()
        fake_slack.send_socket_envelope(
            "slash_commands", slash_command_payload("tomorrow 3pm Ics key", user=ana.slack_id)
        )
        wait_created(fake_zoom)
        [post] = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
        [meeting_id] = fake_zoom.meetings
        link = ics_link(blocks_of(post.params))
        assert link.startswith(f"{PUBLIC_URL}/calendar/{meeting_id}.ics?sig=")
        sig = link.split("sig=")[1]
        database = env["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(database) as db:
            [(key,)] = db.execute("SELECT value FROM secrets WHERE name = 'calendar'")
        assert len(key) == 32 and sig == ics_signature(key, meeting_id)

        local = process.url + link.removeprefix(PUBLIC_URL)
        base = local.split("?")[0]
        with httpx.Client(timeout=5) as http:
            answer = http.get(local)
            assert answer.status_code == 200, answer.text
            assert "BEGIN:VEVENT" in answer.text
            assert http.get(base).status_code == 404  # no sig
            assert http.get(base + "?sig=").status_code == 404
            assert http.get(base + "?sig=" + "0" * 32).status_code == 404
            assert http.get(base + "?sig=" + empty_key_signature(meeting_id)).status_code == 404
        # The key is kept: after a restart the link in the channel still works.
        process.stop()
        process.start()
        assert httpx.get(local, timeout=5).status_code == 200
    finally:
        process.stop()
