"""Configuration, read once at start from the environment (and `.env`), and checked there.
Long because every setting is read and checked in one function, so one start names every
problem at once, and the settings that depend on each other are checked side by side.

A missing or malformed setting stops the app with a sentence that names the variable
and where to get it. Everything else reads the one `Settings` object.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import ZoombotError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_ZOOM_API_URL = "https://api.zoom.us/v2"
DEFAULT_ZOOM_OAUTH_URL = "https://zoom.us/oauth/token"
DEFAULT_ZOOM_WS_URL = "wss://ws.zoom.us/ws"

# Where an admin finds each value: said in the error when one is missing or wrong.
WHERE = {
    "SLACK_BOT_TOKEN": "Slack app settings → OAuth & Permissions → Bot User OAuth Token (xoxb-…)",
    "SLACK_SIGNING_SECRET": "Slack app settings → Basic Information → App Credentials → "
    "Signing Secret",
    "SLACK_CLIENT_ID": "Slack app settings → Basic Information → App Credentials → Client ID",
    "SLACK_CLIENT_SECRET": "Slack app settings → Basic Information → App Credentials → "
    "Client Secret",
    "SLACK_APP_TOKEN": "Slack app settings → Basic Information → App-Level Tokens, with the "
    "connections:write scope (xapp-…)",
    "ZOOM_ACCOUNT_ID": "Zoom App Marketplace → your Server-to-Server OAuth app → App Credentials",
    "ZOOM_CLIENT_ID": "Zoom App Marketplace → your Server-to-Server OAuth app → App Credentials",
    "ZOOM_CLIENT_SECRET": "Zoom App Marketplace → your Server-to-Server OAuth app → "
    "App Credentials",
    "ZOOM_WEBHOOK_SECRET_TOKEN": "Zoom App Marketplace → your app → Feature → Secret Token",
    "ZOOM_OAUTH_CLIENT_ID": "Zoom App Marketplace → your General (user-managed) OAuth app → "
    "App Credentials",
    "ZOOM_OAUTH_CLIENT_SECRET": "Zoom App Marketplace → your General (user-managed) OAuth app "
    "→ App Credentials",
    "ZOOMBOT_SECRET_KEY": "any long random string you keep secret, such as the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`; it encrypts the Zoom "
    "tokens zoombot keeps, so changing it disconnects everyone",
    "ZOOM_WS_SUBSCRIPTION_ID": "Zoom App Marketplace → your Server-to-Server OAuth app → "
    "Feature → Event Subscriptions, method WebSockets: the subscription id in its endpoint URL",
}


class SettingsError(ZoombotError):
    """One or more settings are missing or malformed. `str()` is the sentence(s) to print."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = field(repr=False)
    slack_signing_secret: str = field(repr=False)
    zoom_account_id: str = field(repr=False)
    zoom_client_id: str = field(repr=False)
    zoom_client_secret: str = field(repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    zoom_api_url: str = DEFAULT_ZOOM_API_URL
    zoom_oauth_url: str = DEFAULT_ZOOM_OAUTH_URL
    zoom_webhook_secret_token: str | None = field(default=None, repr=False)
    # Where the app is reachable from the internet (no trailing slash), for links it serves
    # (the .ics calendar files). None: no such links.
    public_url: str | None = None
    # The .ics links' signing key: made at first start and kept in the store, set by
    # bot/server.py's `main` once the store is open. Empty: no .ics links are made or served.
    calendar_key: bytes = field(default=b"", repr=False)
    database_url: str = "sqlite:///zoombot.db"
    default_host: str | None = None
    admins: frozenset[str] = frozenset()
    default_duration: int = 30
    # Minutes before a scheduled meeting its reminder posts, for people who chose none; 0 = off.
    default_reminder: int = 10
    post_passcode: bool = True
    waiting_room: bool = True
    join_before_host: bool = False
    allow_guests: bool = False
    # Zoom's recording.completed / meeting.summary_completed posted in the meeting's thread
    # (bot/flows/recordings.py); summaries need Zoom's meeting_summary:read:admin scope.
    post_recordings: bool = True
    post_summaries: bool = False
    host: str = "0.0.0.0"  # noqa: S104 - a server behind a load balancer listens on all
    port: int = 3000
    log_level: str = "INFO"
    log_format: str = "text"
    # Seconds one call to Zoom / to Slack may take before it counts as failed (and is
    # retried where that is safe). Low values are for tests.
    zoom_timeout: float = 10.0
    slack_timeout: float = 10.0
    # How long a stop waits for acknowledged work (a create cut short is found at the next
    # start), and how old an earlier run's unfinished create must be before a start asks
    # Zoom about it (longer than any create lasts, in case that run is still stopping).
    stop_grace: float = 10.0
    reconcile_after: float = 60.0
    # How old a Slack profile may be when it decides whether the requester is a guest (a
    # demotion takes effect within this; `user_change` events make it at once).
    guest_check_age: float = 60.0

    # Operations (README "Metrics", "Zoom events without a public URL"): GET /metrics,
    # /healthz and /readyz on a port of their own (None: off), or /metrics on PORT with a
    # bearer token (None: 404 there); Zoom's events by webhook or over Zoom's WebSocket.
    metrics_port: int | None = None
    metrics_token: str | None = field(default=None, repr=False)
    zoom_events: str = "webhook"
    zoom_ws_subscription_id: str | None = None
    zoom_ws_url: str = DEFAULT_ZOOM_WS_URL

    # Several workspaces (README "Distribute to other workspaces"): Slack OAuth installs,
    # each workspace's bot token in the store; SLACK_BOT_TOKEN is then not set.
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)

    # The slash command's name (ZOOMBOT_COMMAND): `/zoom` unless Zoom's own app has it.
    command: str = "/zoom"

    # "Connect your Zoom" (README): a user-managed Zoom OAuth app, the key that encrypts the
    # tokens at rest, and that app's event Secret Token (app_deauthorized) when it differs.
    zoom_oauth_client_id: str | None = None
    zoom_oauth_client_secret: str | None = field(default=None, repr=False)
    zoom_oauth_webhook_secret_token: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)

    @property
    def several_workspaces(self) -> bool:
        """Whether workspaces install zoombot through Slack OAuth (no SLACK_BOT_TOKEN)."""
        return bool(self.slack_client_id) and not self.slack_bot_token

    @property
    def slack_authorize_url(self) -> str:
        """Slack's "allow this app" page, on the host of SLACK_API_URL."""
        parts = urlsplit(self.slack_api_url)
        return f"{parts.scheme}://{parts.netloc}/oauth/v2/authorize"

    @property
    def account_app(self) -> bool:
        """Whether the Server-to-Server app is set up (it may be left out when people
        connect their own Zoom accounts instead)."""
        return bool(self.zoom_account_id)

    @property
    def connect_mode(self) -> bool:
        """Whether people may connect their own Zoom accounts (`/zoom connect`)."""
        return bool(self.zoom_oauth_client_id)

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def database_path(self) -> str:
        """The SQLite file named by `DATABASE_URL` (`sqlite:///relative` or `sqlite:////abs`)."""
        return self.database_url.removeprefix("sqlite:///")

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a log line."""
        values = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_client_secret,
            self.slack_app_token,
            self.zoom_client_secret,
            self.zoom_webhook_secret_token,
            urlsplit(self.database_url).password,
            self.metrics_token,
            self.zoom_oauth_client_secret,
            self.zoom_oauth_webhook_secret_token,
            self.secret_key,
        )
        return tuple(v for v in values if v)


COMMAND_NAME = re.compile(r"^/[a-z0-9][a-z0-9_-]{0,30}$")


def command_name(env: Mapping[str, str], problems: list[str]) -> str:
    """ZOOMBOT_COMMAND, checked as Slack checks a command's name (default `/zoom`)."""
    value = (env.get("ZOOMBOT_COMMAND") or "").strip() or "/zoom"
    if not COMMAND_NAME.match(value):
        problems.append(
            "ZOOMBOT_COMMAND must be a slash command such as /zoom or /meet (a slash, then up "
            f"to 32 lower-case letters, digits, - or _), not {value!r}."
        )
        return "/zoom"
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def read_dotenv(path: str | Path = ".env") -> dict[str, str]:
    """The variables of a `.env` file, if there is one (the environment wins over it)."""
    from dotenv import dotenv_values

    if not Path(path).is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting. Raises `SettingsError` listing every problem at once."""
    if env is None:
        env = {**read_dotenv(), **os.environ}
    problems: list[str] = []

    def text(name: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = (env.get(name) or "").strip()
        if value:
            return value
        if required:
            where = WHERE.get(name)
            problems.append(f"{name} is not set." + (f" Get it from {where}." if where else ""))
        return default

    def flag(name: str, default: bool) -> bool:
        value = (env.get(name) or "").strip().lower()
        if not value:
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        problems.append(f"{name} must be true or false, not {value!r}.")
        return default

    def number(name: str, default: int, low: int, high: int) -> int:
        value = (env.get(name) or "").strip()
        if not value:
            return default
        if not value.isdigit() or not low <= int(value) <= high:
            problems.append(f"{name} must be a whole number from {low} to {high}, not {value!r}.")
            return default
        return int(value)

    def seconds(name: str, default: float, low: float, high: float) -> float:
        value = (env.get(name) or "").strip()
        if not value:
            return default
        try:
            number_ = float(value)
        except ValueError:
            number_ = -1.0
        if not low <= number_ <= high:
            problems.append(
                f"{name} must be a number of seconds from {low:g} to {high:g}, not {value!r}."
            )
            return default
        return number_

    def url(name: str, default: str) -> str:
        value = text(name, default=default) or default
        if not value.startswith(("http://", "https://")):
            problems.append(f"{name} must be an http(s) URL, not {value!r}.")
        return value

    app_token = text("SLACK_APP_TOKEN")
    slack_client_id = text("SLACK_CLIENT_ID")
    slack_client_secret = text("SLACK_CLIENT_SECRET")
    # Several workspaces (Slack OAuth) when a client id is set and no bot token.
    several = bool(slack_client_id) and not (env.get("SLACK_BOT_TOKEN") or "").strip()
    bot_token = text("SLACK_BOT_TOKEN", required=not several) or ""
    if several:
        for name, value in (
            ("SLACK_CLIENT_SECRET", slack_client_secret),
            ("ZOOMBOT_SECRET_KEY", text("ZOOMBOT_SECRET_KEY")),
            ("ZOOMBOT_PUBLIC_URL", text("ZOOMBOT_PUBLIC_URL")),
        ):
            if not value:
                where = WHERE.get(name) or (
                    "the address where Slack sends people back after they install "
                    "(ZOOMBOT_PUBLIC_URL/slack/oauth_redirect)"
                )
                problems.append(
                    f"{name} is needed to install zoombot in several workspaces "
                    f"(SLACK_CLIENT_ID is set, SLACK_BOT_TOKEN is not). Get it from {where}."
                )
    if bot_token and not bot_token.startswith("xoxb-"):
        problems.append(
            f"SLACK_BOT_TOKEN must be a bot token starting with xoxb-. "
            f"Get it from {WHERE['SLACK_BOT_TOKEN']}."
        )
    if app_token and not app_token.startswith("xapp-"):
        problems.append(
            f"SLACK_APP_TOKEN must be an app-level token starting with xapp-. "
            f"Get it from {WHERE['SLACK_APP_TOKEN']}."
        )
    # Socket Mode needs no signing secret: Slack's requests arrive over our own websocket.
    signing_secret = text("SLACK_SIGNING_SECRET", required=several or not app_token) or ""

    slack_api_url = url("SLACK_API_URL", DEFAULT_SLACK_API_URL)
    if not slack_api_url.endswith("/"):
        slack_api_url += "/"

    database_url = text("DATABASE_URL", default="sqlite:///zoombot.db") or ""
    if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        problems.append(
            "DATABASE_URL must be a SQLite URL such as sqlite:///zoombot.db or a PostgreSQL"
            f" URL such as postgresql://user:pass@host:5432/db, not {database_url!r}."
        )

    public_url = text("ZOOMBOT_PUBLIC_URL")
    if public_url is not None:
        if not public_url.startswith(("http://", "https://")):
            problems.append(
                f"ZOOMBOT_PUBLIC_URL must be the app's http(s) address, such as "
                f"https://zoombot.example.com, not {public_url!r}."
            )
        public_url = public_url.rstrip("/")

    admins = frozenset(
        part.strip() for part in (env.get("ZOOMBOT_ADMINS") or "").split(",") if part.strip()
    )
    log_level = (text("LOG_LEVEL", default="INFO") or "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        problems.append(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {log_level!r}.")
    log_format = (text("LOG_FORMAT", default="text") or "text").lower()
    if log_format not in {"text", "json"}:
        problems.append(f"LOG_FORMAT must be text or json, not {log_format!r}.")

    metrics_port_text = text("ZOOMBOT_METRICS_PORT")
    metrics_port = number("ZOOMBOT_METRICS_PORT", 0, 1, 65535) if metrics_port_text else None
    if metrics_port is not None and str(metrics_port) == (env.get("PORT") or "3000").strip():
        problems.append(
            f"ZOOMBOT_METRICS_PORT must differ from PORT ({metrics_port}): it is a port of its "
            "own; to serve /metrics on PORT set ZOOMBOT_METRICS_TOKEN instead."
        )
    zoom_events = (text("ZOOM_EVENTS", default="webhook") or "webhook").lower()
    subscription = text("ZOOM_WS_SUBSCRIPTION_ID")
    zoom_ws_url = text("ZOOM_WS_URL", default=DEFAULT_ZOOM_WS_URL) or DEFAULT_ZOOM_WS_URL
    if zoom_events not in {"webhook", "websocket"}:
        problems.append(f"ZOOM_EVENTS must be webhook or websocket, not {zoom_events!r}.")
    elif zoom_events == "websocket" and not (env.get("ZOOM_ACCOUNT_ID") or "").strip():
        problems.append(
            "ZOOM_EVENTS=websocket needs the Server-to-Server app (ZOOM_ACCOUNT_ID, "
            "ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET): Zoom's event WebSocket is one of its features."
        )
    elif zoom_events == "websocket" and not subscription:
        problems.append(
            "ZOOM_EVENTS=websocket needs ZOOM_WS_SUBSCRIPTION_ID. Get it from "
            f"{WHERE['ZOOM_WS_SUBSCRIPTION_ID']}."
        )
    if not zoom_ws_url.startswith(("ws://", "wss://")):
        problems.append(f"ZOOM_WS_URL must be a ws(s):// URL, not {zoom_ws_url!r}.")

    command = command_name(env, problems)
    oauth_client_id = text("ZOOM_OAUTH_CLIENT_ID")
    # The account app (Server-to-Server OAuth) is needed unless people connect their own
    # Zoom accounts; then it is optional, but all three of its values or none.
    account_names = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")
    account_given = any((env.get(name) or "").strip() for name in account_names)
    account_required = account_given or not oauth_client_id
    oauth_client_secret = text("ZOOM_OAUTH_CLIENT_SECRET")
    secret_key = text("ZOOMBOT_SECRET_KEY")
    if oauth_client_id or oauth_client_secret:
        for name, value in (
            ("ZOOM_OAUTH_CLIENT_ID", oauth_client_id),
            ("ZOOM_OAUTH_CLIENT_SECRET", oauth_client_secret),
            ("ZOOMBOT_SECRET_KEY", secret_key),
        ):
            if not value:
                problems.append(
                    f'{name} is needed for "Connect your Zoom" (ZOOM_OAUTH_CLIENT_ID is set).'
                    f" Get it from {WHERE[name]}."
                )
        if secret_key and len(secret_key) < 16:
            problems.append(
                f"ZOOMBOT_SECRET_KEY is too short to be a key. Use {WHERE['ZOOMBOT_SECRET_KEY']}."
            )
        if public_url is None:
            problems.append(
                'ZOOMBOT_PUBLIC_URL is needed for "Connect your Zoom": Zoom sends people back'
                " to ZOOMBOT_PUBLIC_URL/zoom/oauth/callback (add that URL to the Zoom app's"
                " redirect URLs)."
            )

    settings = Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        slack_api_url=slack_api_url,
        zoom_account_id=text("ZOOM_ACCOUNT_ID", required=account_required) or "",
        zoom_client_id=text("ZOOM_CLIENT_ID", required=account_required) or "",
        zoom_client_secret=text("ZOOM_CLIENT_SECRET", required=account_required) or "",
        zoom_api_url=url("ZOOM_API_URL", DEFAULT_ZOOM_API_URL).rstrip("/"),
        zoom_oauth_url=url("ZOOM_OAUTH_URL", DEFAULT_ZOOM_OAUTH_URL),
        zoom_webhook_secret_token=text("ZOOM_WEBHOOK_SECRET_TOKEN"),
        public_url=public_url,
        database_url=database_url,
        default_host=text("ZOOMBOT_DEFAULT_HOST"),
        admins=admins,
        default_duration=number("ZOOMBOT_DEFAULT_DURATION", 30, 1, 1440),
        default_reminder=number("ZOOMBOT_DEFAULT_REMINDER", 10, 0, 1440),
        post_passcode=flag("ZOOMBOT_POST_PASSCODE", True),
        waiting_room=flag("ZOOMBOT_WAITING_ROOM", True),
        join_before_host=flag("ZOOMBOT_JOIN_BEFORE_HOST", False),
        allow_guests=flag("ZOOMBOT_ALLOW_GUESTS", False),
        post_recordings=flag("ZOOMBOT_POST_RECORDINGS", True),
        post_summaries=flag("ZOOMBOT_POST_SUMMARIES", False),
        host=text("HOST", default="0.0.0.0") or "0.0.0.0",  # noqa: S104
        port=number("PORT", 3000, 1, 65535),
        log_level=log_level,
        log_format=log_format,
        zoom_timeout=seconds("ZOOMBOT_ZOOM_TIMEOUT", 10.0, 0.1, 60.0),
        slack_timeout=seconds("ZOOMBOT_SLACK_TIMEOUT", 10.0, 0.1, 60.0),
        stop_grace=seconds("ZOOMBOT_STOP_GRACE", 10.0, 0.0, 600.0),
        reconcile_after=seconds("ZOOMBOT_RECONCILE_AFTER", 60.0, 0.0, 3600.0),
        guest_check_age=seconds("ZOOMBOT_GUEST_CHECK_AGE", 60.0, 0.0, 60.0),
        metrics_port=metrics_port,
        metrics_token=text("ZOOMBOT_METRICS_TOKEN"),
        zoom_events=zoom_events,
        zoom_ws_subscription_id=subscription,
        zoom_ws_url=zoom_ws_url,
        command=command,
        slack_client_id=slack_client_id,
        slack_client_secret=slack_client_secret,
        zoom_oauth_client_id=oauth_client_id,
        zoom_oauth_client_secret=oauth_client_secret,
        zoom_oauth_webhook_secret_token=text("ZOOM_OAUTH_WEBHOOK_SECRET_TOKEN"),
        secret_key=secret_key,
    )
    if problems:
        raise SettingsError(problems)
    return settings
