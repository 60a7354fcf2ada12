"""The store's schema: every migration, in order, and `migrate()` that applies them.
Long because it is the schema's whole history: every migration ever shipped, in order
(append-only).

A migration is a small function decorated with `@migration`; the n-th one registered takes
the database from version n - 1 to n (SQLite's `user_version`). Append; never edit a shipped
one. Each step and its version bump are one transaction: the step runs inside sqlite-utils'
`atomic()` (its own table operations nest as savepoints), so a step that fails half-way
leaves nothing of itself behind and the next start runs it whole.

Tables:
    host_mappings  slack_user_id → zoom_email (set_by, set_at)
    slack_users    users.info cache: profile JSON, fetched_at (epoch seconds)
    zoom_users     Zoom user cache by lower-case email: user JSON (NULL = not a user), fetched_at
    meetings       every meeting created, its state: created → posted → cancelled
    requests       idempotency keys, recorded before Zoom is called; from v4 also the
                   create's intent (host, request without passcode, where to tell the
                   person), for the start-up reconcile of creates a stop cut short (v6: an
                   index of those still unsettled)
    outbox         meeting messages to post, written before the first attempt (v2), with
                   their retry state (attempts, next_attempt_at, last_error)
    participants   who is in a live meeting, by Zoom's participant key (v3)
    zoom_deliveries  Zoom webhook deliveries already handled, by delivery key (v3)
    preferences    a Slack user's defaults: duration, waiting room, passcode in channel (v3)
    secrets        keys the app generates for itself (the calendar links' key), by name (v7)
    health         one row the writability check updates (v7)
    zoom_connections  a person's own Zoom account and its tokens, encrypted (v8)
    oauth_states   "Connect your Zoom" authorizations under way (v8)
    slack_installations  each workspace that installed zoombot through Slack OAuth (v9)
    slack_oauth_states   Slack install flows under way (v9)
    occurrence_changes  a meeting or one occurrence moved or skipped from Slack (v10)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]

MIGRATIONS: list[Migration] = []


def migration(step: Migration) -> Migration:
    """Register `step` as the next version of the schema."""
    MIGRATIONS.append(step)
    return step


def migrate(db: sqlite_utils.Database, steps: Sequence[Migration] | None = None) -> int:
    """Bring `db` up through `steps` (default: every registered migration). Safe to call
    again; returns the version. A second process starting at the same moment waits (BEGIN
    IMMEDIATE), then sees the step done and skips it."""
    steps = MIGRATIONS if steps is None else steps
    conn = db.conn
    for number, step in enumerate(steps):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version(conn) == number:
                with db.atomic():  # nested: a savepoint the step's own writes join
                    step(db)
                conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return version(conn)


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@migration
def v1_hosts_caches_meetings_requests(db: sqlite_utils.Database) -> None:
    db["host_mappings"].create(
        {"slack_user_id": str, "zoom_email": str, "set_by": str, "set_at": str},
        pk="slack_user_id",
    )
    db["slack_users"].create({"id": str, "profile": str, "fetched_at": float}, pk="id")
    db["zoom_users"].create({"email": str, "user": str, "fetched_at": float}, pk="email")
    db["meetings"].create(
        {
            "zoom_id": int,
            "uuid": str,
            "topic": str,
            "type": int,
            "start_time": str,
            "duration": int,
            "timezone": str,
            "host_zoom_id": str,
            "host_email": str,
            "requester": str,
            "channel": str,
            "message_ts": str,
            "thread_ts": str,
            "request_key": str,
            "state": str,
            "created_at": str,
        },
        pk="zoom_id",
    )
    db["meetings"].create_index(["requester"])
    db["requests"].create(
        {"key": str, "meeting_id": int, "state": str, "created_at": float}, pk="key"
    )


@migration
def v2_outbox(db: sqlite_utils.Database) -> None:
    """The outbox, and each meeting's join link (for "already created: <link>")."""
    db["meetings"].add_column("join_url", str)
    db["outbox"].create(
        {
            "id": int,
            "meeting_id": int,
            "request_key": str,
            "requester": str,
            "channel": str,
            "thread_ts": str,
            "response_url": str,
            "response_url_until": float,
            "message": str,  # JSON: the channel message as rendered
            "fallback": str,  # JSON: the private note with the join link, if it never posts
            "state": str,  # pending → posted | failed
            "attempts": int,
            "next_attempt_at": float,
            "expires_at": float,
            "last_error": str,
            "owner": str,  # the process delivering it; another process's pending rows are ours
            "created_at": float,
            "posted_channel": str,
            "posted_ts": str,
            "via": str,
        },
        pk="id",
    )
    db["outbox"].create_index(["state"])
    db["outbox"].create_index(["meeting_id"])


@migration
def v3_live_meetings(db: sqlite_utils.Database) -> None:
    """Live meetings (issue 6): what the channel message needs to be re-rendered from the
    store, its Zoom-side status, who is in it, Zoom deliveries seen, and preferences."""
    meetings = db["meetings"]
    for name, kind in (
        ("passcode", str),  # shown again on re-render only if show_passcode
        ("show_passcode", int),
        ("host_name", str),
        ("recurrence", str),  # JSON of zoom.Recurrence
        ("occurrences", str),  # JSON list of {occurrence_id, start_time, duration, status}
        ("status", str),  # NULL (scheduled) | live | ended | cancelled
        ("started_at", str),
        ("ended_at", str),
        ("cancelled_by", str),  # a Slack user id; NULL with status cancelled = in Zoom
        ("cancelled_at", str),
    ):
        meetings.add_column(name, kind)
    db["participants"].create(
        {"meeting_id": int, "participant_key": str, "joined_at": str, "left_at": str},
        pk=("meeting_id", "participant_key"),
    )
    db["zoom_deliveries"].create({"delivery_key": str, "received_at": float}, pk="delivery_key")
    db["preferences"].create(
        {
            "slack_user_id": str,
            "duration": int,
            "waiting_room": int,
            "post_passcode": int,
            "updated_at": str,
        },
        pk="slack_user_id",
    )


@migration
def v4_create_intent(db: sqlite_utils.Database) -> None:
    """A create's intent, written on its claimed request right before Zoom is called, so a
    start after a crash or a stop mid-create can find the meeting and tell the person
    (bot/flows/reconcile.py). Never a passcode: `request` is the MeetingRequest JSON without it."""
    requests = db["requests"]
    for name, kind in (
        ("kind", str),  # command | modal | message_shortcut
        ("requester", str),
        ("channel", str),
        ("thread_ts", str),
        ("response_url", str),  # Slack honours it for 30 minutes after `created_at`
        ("host_zoom_id", str),
        ("host_email", str),
        ("host_name", str),
        ("host_found_by", str),
        ("request", str),  # JSON: topic, type, start_time, timezone, duration, ...
        ("create_started_at", str),  # UTC ISO; NULL until Zoom is called
        ("create_owner", str),  # the process that called Zoom (Poster.owner)
    ):
        requests.add_column(name, kind)


@migration
def v5_status_event_ts(db: sqlite_utils.Database) -> None:
    """`meetings.status_event_ts`: Zoom's `event_ts` (ms) of the last event applied to the
    meeting's status, so one delivered late (an end before its start) is not applied over
    a newer one (bot/live.py)."""
    db["meetings"].add_column("status_event_ts", int)


@migration
def v6_unsettled_requests_index(db: sqlite_utils.Database) -> None:
    """An index of the requests a start-up reconcile looks at (bot/flows/reconcile.py): the store
    runs on the event loop, and without it that query read every request ever made."""
    db.execute(
        "CREATE INDEX requests_unsettled ON requests(create_started_at)"
        " WHERE state IN ('claimed', 'created')"
    )


@migration
def v7_secrets_and_health(db: sqlite_utils.Database) -> None:
    """Keys the app makes for itself (the calendar links' signing key), and the row the
    writability check (`check_writable`) rewrites."""
    db["secrets"].create({"name": str, "value": bytes, "created_at": str}, pk="name")
    db["health"].create({"id": int, "checked_at": float}, pk="id")
    db["health"].insert({"id": 1, "checked_at": 0.0})


@migration
def v8_zoom_connections(db: sqlite_utils.Database) -> None:
    """ "Connect your Zoom": each connected person's Zoom user and tokens (encrypted with
    ZOOMBOT_SECRET_KEY, bot/secretbox.py), and the authorizations under way (state → who
    asked, PKCE verifier encrypted, expiry in epoch seconds)."""
    db["zoom_connections"].create(
        {
            "slack_user_id": str,
            "zoom_user_id": str,
            "zoom_email": str,
            "zoom_name": str,
            "access_token": str,
            "refresh_token": str,
            "expires_at": float,
            "connected_at": str,
        },
        pk="slack_user_id",
    )
    db["zoom_connections"].create_index(["zoom_user_id"])
    db["oauth_states"].create(
        {
            "state": str,
            "slack_user_id": str,
            "code_verifier": str,
            "channel": str,
            "expires_at": float,
        },
        pk="state",
    )


@migration
def v9_slack_installations(db: sqlite_utils.Database) -> None:
    """Several workspaces (Slack OAuth): each installation (bot token sealed with
    ZOOMBOT_SECRET_KEY) by its workspace key, the install flow's states, and the workspace
    of each request, meeting and outbox entry (NULL: the one workspace of SLACK_BOT_TOKEN)."""
    db["slack_installations"].create(
        {
            "workspace": str,
            "enterprise_id": str,
            "team_id": str,
            "is_enterprise_install": int,
            "bot_token": str,
            "bot_refresh_token": str,
            "bot_token_expires_at": int,
            "bot_id": str,
            "bot_user_id": str,
            "bot_scopes": str,
            "installation": str,
            "installed_at": float,
        },
        pk="workspace",
    )
    db["slack_oauth_states"].create({"state": str, "expires_at": float}, pk="state")
    for table in ("requests", "meetings", "outbox", "zoom_connections", "oauth_states"):
        db[table].add_column("workspace", str)


@migration
def v10_occurrence_changes(db: sqlite_utils.Database) -> None:
    """What was moved or skipped of a meeting from Slack (issue 15): one row per meeting and
    occurrence (`occurrence_id` "" = the whole meeting), with its start before the first
    change (`original_start`, for "moved from …"), the new start and length, who and when."""
    db["occurrence_changes"].create(
        {
            "meeting_id": int,
            "occurrence_id": str,
            "kind": str,  # moved | skipped
            "original_start": str,
            "new_start": str,
            "new_duration": int,
            "changed_by": str,
            "changed_at": str,
        },
        pk=("meeting_id", "occurrence_id"),
    )


SCHEMA_VERSION = len(MIGRATIONS)
