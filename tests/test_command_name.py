"""The slash command's name is a setting (ZOOMBOT_COMMAND), and `python app.py manifest`
prints manifest.yml filled in for the settings: command, request URLs, Socket Mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.manifest import ManifestError, render_manifest
from bot.render import private
from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = (ROOT / "manifest.yml").read_text()
SCHEMAS = ROOT.parent / "shared" / "slack-manifest-schema" / "schemas"
BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "ZOOM_ACCOUNT_ID": "a",
    "ZOOM_CLIENT_ID": "c",
    "ZOOM_CLIENT_SECRET": "z",
}


def test_the_command_defaults_to_zoom_and_is_checked():
    assert load_settings(BASE).command == "/zoom"
    assert load_settings({**BASE, "ZOOMBOT_COMMAND": "/meet"}).command == "/meet"
    for bad in ("meet", "/Meet", "/with space", "/" + "x" * 40):
        with pytest.raises(SettingsError, match="ZOOMBOT_COMMAND"):
            load_settings({**BASE, "ZOOMBOT_COMMAND": bad})


def test_help_and_private_sentences_use_the_name():
    text = json.dumps(private.help_message("/meet"))
    assert "/meet tomorrow 3pm" in text and "`/zoom" not in text
    said = private.named(private.note_message("Type `/zoom connect`; /zoombot stays"), "/meet")
    assert said["text"] == "Type `/meet connect`; /zoombot stays"
    assert private.named({"text": "`/zoom list`"}, "/zoom") == {"text": "`/zoom list`"}


def test_http_mode_manifest_points_every_url_at_the_public_address():
    out = yaml.safe_load(
        render_manifest(
            TEMPLATE, {"ZOOMBOT_COMMAND": "/meet", "ZOOMBOT_PUBLIC_URL": "https://zb.example.org/"}
        )
    )
    [command] = out["features"]["slash_commands"]
    assert command["command"] == "/meet"
    assert command["url"] == "https://zb.example.org/slack/events"
    assert out["settings"]["event_subscriptions"]["request_url"].startswith("https://zb.example")
    assert out["settings"]["interactivity"]["request_url"].startswith("https://zb.example")
    assert out["settings"]["socket_mode_enabled"] is False
    assert "example.com" not in json.dumps(out)


def test_socket_mode_manifest_by_default():
    text = render_manifest(TEMPLATE, {})
    assert yaml.safe_load(text)["settings"]["socket_mode_enabled"] is True
    assert "# zoombot's Slack app" in text  # comments kept
    assert render_manifest(
        TEMPLATE, {"SLACK_APP_TOKEN": "xapp-1", "ZOOMBOT_PUBLIC_URL": "https://a.b"}
    )


def test_a_bad_name_is_refused():
    with pytest.raises(ManifestError, match="ZOOMBOT_COMMAND"):
        render_manifest(TEMPLATE, {"ZOOMBOT_COMMAND": "zoom"})


def test_app_py_manifest_prints_a_valid_manifest(tmp_path: Path):
    import jsonschema

    schema_path = SCHEMAS / "manifest.schema.1.0.0.json"
    if not schema_path.is_file():
        pytest.skip(f"Slack's manifest schema is not at {schema_path} (../shared missing?)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "manifest"],
        env={
            "ZOOMBOT_COMMAND": "/meet",
            "ZOOMBOT_PUBLIC_URL": "https://zb.example.org",
            "PATH": "/usr/bin:/bin",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    manifest = yaml.safe_load(done.stdout)
    assert manifest["features"]["slash_commands"][0]["command"] == "/meet"
    validator = jsonschema.Draft7Validator(json.loads(schema_path.read_text()))
    assert not list(validator.iter_errors(manifest))
    refused = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "manifest"],
        env={"ZOOMBOT_COMMAND": "meet", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2 and "ZOOMBOT_COMMAND" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_the_app_answers_the_command_by_its_name(app_env, fake_slack, fake_zoom, person):
    from tests.app.support import eventually, posts_to
    from tests.fakes.app_process import AppProcess
    from tests.fakes.slack import DEFAULT_CHANNEL
    from tests.fakes.slack_requests import SlackSender

    ana = person()
    with AppProcess({**app_env, "ZOOMBOT_COMMAND": "/meet"}) as app:
        with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as slack:
            helped = slack.command("help", ana.slack_id, command="/meet")
            assert helped.status_code == 200
            assert "/meet tomorrow 3pm" in helped.text and "`/zoom" not in helped.text
            slack.command("Standup", ana.slack_id, command="/meet")
            eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the meeting posted")


def test_the_manifest_redirect_url_follows_the_public_address():
    out = yaml.safe_load(
        render_manifest(TEMPLATE, {"ZOOMBOT_PUBLIC_URL": "https://zb.example.org"})
    )
    assert out["oauth_config"]["redirect_urls"] == ["https://zb.example.org/slack/oauth_redirect"]


def test_the_scopes_asked_at_install_are_the_manifests():
    from bot.slack.oauth import BOT_SCOPES

    manifest = yaml.safe_load(TEMPLATE)
    assert set(BOT_SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"])
