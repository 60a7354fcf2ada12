"""After a meeting: Zoom's `recording.completed` and `meeting.summary_completed` events become
replies in the meeting's thread (LiveMeetings.handle hands these kinds here).

- Each is a setting: `post_recordings` (on by default), `post_summaries` (off by default).
- A reply is posted once per meeting and recording (or summary): its key, "recording:<id>:
  <uuid>" or "summary:<id>:<uuid>", is stored with the reply's ts (`thread_posts`), so a
  repeat of the event with a new delivery key changes nothing either. The handling of one
  meeting's events is serialised by the store's meeting lock.
- A summary is fetched (`GET /meetings/{uuid}/meeting_summary`). When the account lacks the
  feature or the scope (404, 403, 4711), nothing is posted and the event's one log line says
  why: no traceback, no retry.
- The recording's passcode is shown only where the meeting's passcode may be (`show_passcode`
  of the meeting); otherwise the requester gets it privately.
- The rendering is bot/render/recordings.py.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.logs import add_secrets
from bot.posting import Poster, PostFailed
from bot.render import recordings as render
from bot.settings import Settings
from bot.store import Store
from zoom import EventKind, ZoomAuthError, ZoomClient, ZoomError, ZoomEvent, ZoomNotFound

log = logging.getLogger("zoombot.live")

KINDS = (EventKind.RECORDING_COMPLETED, EventKind.SUMMARY_COMPLETED)
# How long fetching a summary may take.
SUMMARY_DEADLINE = 15.0


def post_key(event: ZoomEvent) -> str:
    """The key a reply is stored under: per meeting and recording (the run's uuid)."""
    kind = "recording" if event.kind is EventKind.RECORDING_COMPLETED else "summary"
    meeting = event.meeting
    run = (meeting.uuid if meeting else None) or str(event.event_ts or "")
    return f"{kind}:{event.meeting_id}:{run}"


def lacks_feature(error: ZoomError) -> bool:
    """Zoom saying the account or the app cannot have this (not a passing failure)."""
    return (
        isinstance(error, ZoomAuthError | ZoomNotFound)
        or error.status in (403, 404)
        or error.code in (4700, 4711)
    )


async def handle(
    settings: Settings, store: Store, poster: Poster, zoom: ZoomClient | None, event: ZoomEvent
) -> str:
    """Post the recording or the summary in the meeting's thread, once. Returns what happened
    (for the event's log line)."""
    meeting_id = event.meeting_id
    if meeting_id is None or event.meeting is None:
        return "ignored: names no meeting"
    if event.kind is EventKind.RECORDING_COMPLETED and not settings.post_recordings:
        return "ignored: ZOOMBOT_POST_RECORDINGS is off"
    if event.kind is EventKind.SUMMARY_COMPLETED and not settings.post_summaries:
        return "ignored: ZOOMBOT_POST_SUMMARIES is off"
    async with store.meeting_lock(meeting_id):
        row = await store.meeting(meeting_id)
        if row is None:
            return "ignored: not a meeting zoombot created"
        if not await store.first_delivery(event.delivery_key):
            return "ignored: repeated delivery"
        if not row.get("channel") or not row.get("message_ts"):
            return "ignored: no channel message to reply to"
        key = post_key(event)
        if await store.thread_post(key) is not None:
            return "ignored: already posted in the thread"
        if event.kind is EventKind.RECORDING_COMPLETED:
            return await _recording(store, poster, event, row, key)
        return await _summary(store, poster, zoom, event, row, key)


def _thread(row: Mapping[str, Any]) -> str:
    # A meeting posted as a thread reply has its replies in that same thread.
    return str(row.get("thread_ts") or row["message_ts"])


async def _recording(
    store: Store, poster: Poster, event: ZoomEvent, row: Mapping[str, Any], key: str
) -> str:
    obj = event.raw.get("payload", {}).get("object", {})
    share_url = obj.get("share_url")
    if not isinstance(share_url, str) or not share_url.startswith("https://"):
        return "ignored: the recording has no share link"
    passcode = obj.get("password") if isinstance(obj.get("password"), str) else None
    # Slack's client logs what it sends at DEBUG: the passcode is redacted like a meeting's.
    add_secrets(*(v for v in (passcode, obj.get("recording_play_passcode")) if isinstance(v, str)))
    show = bool(row.get("show_passcode"))
    topic = row.get("topic") or (event.meeting.topic if event.meeting else "") or ""
    requester = str(row.get("requester") or "")
    message = render.recording_message(
        topic, share_url, passcode, show_passcode=show, requester=requester
    )
    try:
        posted = await poster.post_meeting(row["channel"], message, thread_ts=_thread(row))
    except PostFailed as failure:
        return f"recording not posted: {failure.error}"
    await store.record_thread_post(key, int(row["zoom_id"]), posted.ts)
    if passcode and not show and requester:
        await poster.tell(requester, render.recording_passcode_note(topic, share_url, passcode))
    return "recording posted in the thread"


async def _summary(
    store: Store,
    poster: Poster,
    zoom: ZoomClient | None,
    event: ZoomEvent,
    row: Mapping[str, Any],
    key: str,
) -> str:
    uuid = event.meeting.uuid if event.meeting else None
    if zoom is None:
        return "summary not posted: no account Zoom app (ZOOM_ACCOUNT_ID…) to fetch it with"
    if not uuid:
        return "ignored: no meeting uuid to fetch the summary of"
    try:
        summary = await zoom.get_meeting_summary(uuid, deadline=SUMMARY_DEADLINE)
    except ZoomError as error:
        if lacks_feature(error):
            return (
                "summary not posted: the Zoom account or app lacks meeting summaries "
                f"(the scope meeting_summary:read:admin, or AI Companion): {error}"
            )
        return f"summary not posted: Zoom failed: {error}"
    topic = row.get("topic") or summary.title or ""
    try:
        posted = await poster.post_meeting(
            row["channel"], render.summary_message(topic, summary), thread_ts=_thread(row)
        )
    except PostFailed as failure:
        return f"summary not posted: {failure.error}"
    await store.record_thread_post(key, int(row["zoom_id"]), posted.ts)
    if render.has_more(summary):
        try:
            await poster.post_meeting(
                row["channel"],
                render.summary_details_message(topic, summary),
                thread_ts=_thread(row),
            )
        except PostFailed as failure:
            return f"summary posted in the thread; its details not: {failure.error}"
    return "summary posted in the thread"
