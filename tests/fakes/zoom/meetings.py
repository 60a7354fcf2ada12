"""The fake Zoom's meetings: create, get, update (a whole meeting or one occurrence), delete
(a meeting or one occurrence) and list, with Zoom's checks (rules.py) and its daily limit.
Mixed into `FakeZoom`; the `_`-handlers run under its lock."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime
from typing import Any

from tests.fakes.zoom.rules import (
    Reply,
    ZoomFailure,
    create_answer,
    default_settings,
    digits,
    listed,
    occurrence_or_400,
    occurrences,
    random_password,
    summary,
    to_utc,
    utc_text,
    validate_meeting,
    validate_occurrence_update,
    validation,
    zone_name,
)


class Meetings:
    """The meeting routes of `FakeZoom` (see the module docstring)."""

    def _meeting_or_404(self, key: str) -> dict[str, Any]:
        try:
            meeting = self._meetings.get(int(key))
        except ValueError:
            meeting = None
        if meeting is None:
            raise ZoomFailure(404, 3001, f"Meeting does not exist: {key}.")
        return meeting

    # POST /users/{userId}/meetings
    def _create_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        user = self._user_or_404(params["userId"])
        validate_meeting(body, creating=True)
        self._spend_daily(user, "Create a meeting")
        meeting = self._new_meeting(user, body)
        self._meetings[meeting["id"]] = meeting
        return Reply(201, create_answer(meeting))

    def _new_meeting(self, user: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC).replace(microsecond=0)
        meeting_type = int(body.get("type", 2))
        timezone = zone_name(body.get("timezone")) or user.get("timezone") or "America/New_York"
        if meeting_type in (2, 8) and body.get("start_time"):
            start = to_utc(body["start_time"], timezone)
        else:
            start = now
        meeting_id = int("8" + digits(10))  # 11 digits, more than an int32 holds
        while meeting_id in self._meetings:
            meeting_id = int("8" + digits(10))
        password = body.get("password") or random_password()
        encrypted = secrets.token_urlsafe(24).replace("-", "a").replace("_", "b")
        settings = default_settings()
        settings.update(body.get("settings") or {})
        meeting: dict[str, Any] = {
            "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
            "id": meeting_id,
            "host_id": user["id"],
            "host_email": user["email"],
            "assistant_id": "",
            "topic": body.get("topic", "Zoom meeting"),
            "type": meeting_type,
            "status": "waiting",
            "start_time": utc_text(start),
            "duration": int(body.get("duration", 60)),
            "timezone": timezone,
            "agenda": body.get("agenda", ""),
            "created_at": utc_text(now),
            "start_url": f"https://us06web.zoom.us/s/{meeting_id}?zak={secrets.token_urlsafe(32)}",
            "join_url": f"https://us06web.zoom.us/j/{meeting_id}?pwd={encrypted}",
            "password": password,
            "h323_password": digits(6),
            "pstn_password": digits(6),
            "encrypted_password": encrypted,
            "settings": settings,
            "pre_schedule": False,
        }
        if meeting_type == 1:
            meeting.pop("timezone")
        if meeting_type in (3, 8) and body.get("recurrence"):
            meeting["recurrence"] = dict(body["recurrence"])
            if meeting_type == 8:
                meeting["occurrences"] = occurrences(start, timezone, meeting)
        return meeting

    # GET /meetings/{meetingId}
    def _get_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        return Reply(200, json.loads(json.dumps(meeting)))

    # PATCH /meetings/{meetingId}
    def _update_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        validate_meeting(body, creating=False)
        if self.body_check is not None:
            try:
                self.body_check("meetingUpdate", body)
            except Exception as problem:  # whatever the checker raises: Zoom's 300
                raise validation("body", str(problem).splitlines()[0][:200]) from None
        user = self._users.get(meeting["host_id"]) or {"id": meeting["host_id"]}
        if "occurrence_id" in query:
            occurrence = occurrence_or_400(meeting, query["occurrence_id"])
            validate_occurrence_update(body)
            self._spend_daily(user, "Update a meeting")
            if "start_time" in body:
                tz = zone_name(body.get("timezone")) or meeting.get("timezone") or "UTC"
                occurrence["start_time"] = utc_text(to_utc(body["start_time"], tz))
            if "duration" in body:
                occurrence["duration"] = body["duration"]
            return Reply(204)
        self._spend_daily(user, "Update a meeting")
        for key, value in body.items():
            if key == "settings":
                meeting["settings"].update(value)
            elif key == "start_time":
                tz = zone_name(body.get("timezone")) or meeting.get("timezone") or "UTC"
                meeting["start_time"] = utc_text(to_utc(value, tz))
            elif key in ("topic", "type", "duration", "timezone", "agenda", "password"):
                meeting[key] = value
            elif key == "recurrence":
                meeting["recurrence"] = dict(value)
        if meeting.get("type") == 8 and meeting.get("recurrence"):
            start = datetime.fromisoformat(meeting["start_time"].replace("Z", "+00:00"))
            meeting["occurrences"] = occurrences(start, meeting.get("timezone") or "UTC", meeting)
        return Reply(204)

    # DELETE /meetings/{meetingId}
    def _delete_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        if "occurrence_id" in query:
            # Zoom keeps a deleted occurrence in the series, marked "deleted".
            occurrence = occurrence_or_400(meeting, query["occurrence_id"])
            if occurrence.get("status") == "deleted":
                raise ZoomFailure(400, 3000, "Invalid occurrence_id.")
            occurrence["status"] = "deleted"
            return Reply(204)
        del self._meetings[meeting["id"]]
        return Reply(204)

    # GET /users/{userId}/meetings
    def _list_meetings(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        user = self._user_or_404(params["userId"])
        kind = query.get("type", "scheduled")
        if kind not in ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"):
            raise ZoomFailure(
                400, 300, "Invalid field.", errors=[{"field": "type", "message": "Invalid field."}]
            )
        chosen = [m for m in self._meetings.values() if m["host_id"] == user["id"]]
        chosen = [m for m in chosen if listed(m, kind)]
        chosen.sort(key=lambda m: (m["start_time"], m["id"]))
        page, fields = self._page(query, (user["id"], kind), chosen)
        return Reply(200, {**fields, "meetings": [summary(m) for m in page]})
