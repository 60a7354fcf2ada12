""" "Connect your Zoom" settings and the sealing of tokens at rest: the settings check names
what is missing; the secrets never show in repr and are redacted; a box opens only what it
sealed with the same key."""

from __future__ import annotations

import pytest

from bot.secretbox import BoxError, SecretBox
from bot.settings import SettingsError, load_settings

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "ZOOM_ACCOUNT_ID": "a",
    "ZOOM_CLIENT_ID": "c",
    "ZOOM_CLIENT_SECRET": "z",
}
CONNECT = {
    "ZOOM_OAUTH_CLIENT_ID": "oauth-id",
    "ZOOM_OAUTH_CLIENT_SECRET": "oauth-secret-xyz",
    "ZOOMBOT_SECRET_KEY": "a-long-enough-secret-key",
    "ZOOMBOT_PUBLIC_URL": "https://zoombot.example.com",
}


def test_off_unless_the_oauth_client_is_set():
    assert not load_settings(BASE).connect_mode
    settings = load_settings({**BASE, **CONNECT})
    assert settings.connect_mode


@pytest.mark.parametrize("missing", sorted(CONNECT))
def test_each_missing_piece_is_named(missing):
    env = {**BASE, **CONNECT}
    del env[missing]
    if missing == "ZOOM_OAUTH_CLIENT_ID":
        env["ZOOM_OAUTH_CLIENT_SECRET"] = CONNECT["ZOOM_OAUTH_CLIENT_SECRET"]
    with pytest.raises(SettingsError) as error:
        load_settings(env)
    assert missing in str(error.value)


def test_a_short_key_is_refused():
    with pytest.raises(SettingsError, match="ZOOMBOT_SECRET_KEY is too short"):
        load_settings({**BASE, **CONNECT, "ZOOMBOT_SECRET_KEY": "short"})


def test_the_new_secrets_are_redacted_and_hidden():
    settings = load_settings(
        {**BASE, **CONNECT, "ZOOM_OAUTH_WEBHOOK_SECRET_TOKEN": "oauth-webhook-secret"}
    )
    for secret in ("oauth-secret-xyz", "a-long-enough-secret-key", "oauth-webhook-secret"):
        assert secret in settings.secrets
        assert secret not in repr(settings)


def test_a_box_opens_what_it_sealed_and_nothing_else():
    box = SecretBox("key-one-key-one-key-one")
    sealed = box.seal("fake-user.token")
    assert "fake-user.token" not in sealed
    assert box.open(sealed) == "fake-user.token"
    with pytest.raises(BoxError):
        SecretBox("key-two-key-two-key-two").open(sealed)
    with pytest.raises(BoxError):
        box.open(sealed[:-4] + "AAAA")


def test_the_account_app_may_be_left_out_when_people_connect_their_own():
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", **CONNECT})
    assert settings.connect_mode and not settings.account_app


def test_without_either_zoom_app_the_account_app_is_asked_for():
    with pytest.raises(SettingsError, match="ZOOM_ACCOUNT_ID is not set"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})


def test_half_an_account_app_is_refused_even_with_connect():
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", **CONNECT}
    with pytest.raises(SettingsError, match="ZOOM_CLIENT_SECRET is not set"):
        load_settings({**env, "ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c"})


SEVERAL = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "slack-client-secret-xyz",
    "SLACK_SIGNING_SECRET": "s",
    "ZOOMBOT_SECRET_KEY": "a-long-enough-secret-key",
    "ZOOMBOT_PUBLIC_URL": "https://zoombot.example.com",
    "ZOOM_ACCOUNT_ID": "a",
    "ZOOM_CLIENT_ID": "c",
    "ZOOM_CLIENT_SECRET": "z",
}


def test_several_workspaces_need_no_bot_token_and_keep_the_client_secret_secret():
    settings = load_settings(SEVERAL)
    assert settings.several_workspaces and not settings.slack_bot_token
    assert "slack-client-secret-xyz" in settings.secrets
    assert "slack-client-secret-xyz" not in repr(settings)
    assert settings.slack_authorize_url == "https://slack.com/oauth/v2/authorize"
    # A bot token set: one workspace, as before.
    assert not load_settings({**SEVERAL, "SLACK_BOT_TOKEN": "xoxb-1"}).several_workspaces


@pytest.mark.parametrize(
    "missing",
    ["SLACK_CLIENT_SECRET", "ZOOMBOT_SECRET_KEY", "ZOOMBOT_PUBLIC_URL", "SLACK_SIGNING_SECRET"],
)
def test_several_workspaces_name_what_is_missing(missing):
    env = dict(SEVERAL)
    del env[missing]
    with pytest.raises(SettingsError, match=missing):
        load_settings(env)


def test_serving_several_workspaces_only_zoombot_admins_are_admins():
    from bot.hosts import HostFinder
    from bot.identities import SlackProfile

    boss = SlackProfile(id="UBOSS", is_admin=True, is_owner=True)
    mine = SlackProfile(id="UMINE")
    several = HostFinder(None, None, None, load_settings({**SEVERAL, "ZOOMBOT_ADMINS": "UMINE"}))
    assert not several.is_admin(boss) and several.is_admin(mine)
    one = HostFinder(None, None, None, load_settings({**SEVERAL, "SLACK_BOT_TOKEN": "xoxb-1"}))
    assert one.is_admin(boss)
