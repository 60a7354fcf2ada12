"""manifest.yml is a valid Slack app manifest that declares what the app registers;
.env.example lists every setting the app reads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT.parent / "shared" / "slack-manifest-schema" / "schemas"

# What the app registers (bot/listeners): the manifest must say the same.
COMMAND = "/zoom"
MESSAGE_SHORTCUT = "start_meeting_from_message"
GLOBAL_SHORTCUT = "schedule_meeting"
# Every bot scope is here because some call needs it; anything more is a scope to justify.
SCOPES = {"commands", "chat:write", "chat:write.public", "users:read", "users:read.email"} | {
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",  # a timed-out post
}
SCOPES |= {"calls:write"}  # the Slack Call card (bot/flows/calls.py)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_matches_slacks_schema(manifest: dict[str, Any]) -> None:
    import jsonschema

    version = manifest["_metadata"]["major_version"]
    schema_path = SCHEMAS / f"manifest.schema.{version}.0.0.json"
    if not schema_path.is_file():
        pytest.skip(f"Slack's manifest schema is not at {schema_path} (../shared missing?)")
    schema = json.loads(schema_path.read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_manifest_schema_catches_a_broken_manifest(manifest: dict[str, Any]) -> None:
    # Proof the validation above can fail: a shortcut name over Slack's 24 characters.
    import jsonschema

    schema_path = SCHEMAS / "manifest.schema.1.0.0.json"
    if not schema_path.is_file():
        pytest.skip(f"Slack's manifest schema is not at {schema_path} (../shared missing?)")
    broken = json.loads(json.dumps(manifest))
    broken["features"]["shortcuts"][0]["name"] = "Start a Zoom meeting right now please"
    validator = jsonschema.Draft7Validator(json.loads(schema_path.read_text()))
    assert list(validator.iter_errors(broken))


def test_command_and_shortcuts_are_the_ones_the_app_registers(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert "schedule" in features["slash_commands"][0]["usage_hint"]
    shortcuts = {s["callback_id"]: s for s in features["shortcuts"]}
    assert shortcuts[MESSAGE_SHORTCUT]["type"] == "message"
    assert shortcuts[MESSAGE_SHORTCUT]["name"] == "Start a Zoom meeting"
    assert shortcuts[GLOBAL_SHORTCUT]["type"] == "global"
    assert shortcuts[GLOBAL_SHORTCUT]["name"] == "Schedule a Zoom meeting"


def test_callback_ids_match_the_listeners() -> None:
    try:
        from bot.listeners import shortcuts
    except ImportError as e:  # pragma: no cover - while the listeners are being written
        pytest.skip(f"needs optional import bot.listeners.shortcuts: {e}")
    assert shortcuts.MESSAGE == MESSAGE_SHORTCUT
    assert shortcuts.GLOBAL == GLOBAL_SHORTCUT


def test_only_the_scopes_used(manifest: dict[str, Any]) -> None:
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == SCOPES
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_socket_mode_and_interactivity(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    # One request URL for everything, as the app serves it (POST /slack/events).
    urls = {settings["interactivity"]["request_url"]}
    urls |= {c["url"] for c in manifest["features"]["slash_commands"]}
    assert urls == {"https://example.com/slack/events"}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_env_example_lists_every_setting() -> None:
    source = (ROOT / "bot" / "settings.py").read_text()
    setting = re.compile(r'(?:text|flag|number|seconds|url|env\.get)\(\s*"([A-Z][A-Z0-9_]+)"')
    read = set(setting.findall(source))
    assert {"SLACK_BOT_TOKEN", "ZOOM_CLIENT_SECRET", "LOG_FORMAT"} <= read  # the scan works
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert read - listed == set(), "settings missing from .env.example"
    assert listed - read == set(), ".env.example lists settings the app does not read"
