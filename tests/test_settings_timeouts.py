"""ZOOMBOT_ZOOM_TIMEOUT and ZOOMBOT_SLACK_TIMEOUT: seconds, checked at start."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "ZOOM_ACCOUNT_ID": "a",
    "ZOOM_CLIENT_ID": "c",
    "ZOOM_CLIENT_SECRET": "z",
}


def test_timeouts_default_to_ten_seconds():
    settings = load_settings(BASE)
    assert settings.zoom_timeout == 10.0 and settings.slack_timeout == 10.0


def test_timeouts_take_fractions():
    settings = load_settings(
        {**BASE, "ZOOMBOT_ZOOM_TIMEOUT": "0.5", "ZOOMBOT_SLACK_TIMEOUT": "2.5"}
    )
    assert settings.zoom_timeout == 0.5 and settings.slack_timeout == 2.5


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "61"])
def test_a_bad_timeout_names_the_variable(value):
    with pytest.raises(SettingsError) as error:
        load_settings({**BASE, "ZOOMBOT_ZOOM_TIMEOUT": value})
    assert "ZOOMBOT_ZOOM_TIMEOUT" in str(error.value)
