"""Zoom's rules for the fake Zoom, as plain functions: what a meeting body must hold and
the 400s Zoom answers otherwise, occurrences of a series, a meeting as Zoom lists and
creates it, and the shapes of its answers (`Reply`, `ZoomFailure`). No state, no I/O."""

from __future__ import annotations

import base64
import binascii
import calendar
import json
import re
import secrets
import string
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

START_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$")


PASSWORD = re.compile(r"^[A-Za-z0-9@\-_*]{1,10}$")


WEEKLY_DAYS = re.compile(r"^[1-7](,[1-7])*$")


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

DAILY_LIMIT_MESSAGE = (
    "You have exceeded the daily rate limit of (100) for {api} API requests permitted for "
    "this particular user. You can resume these API requests at GMT 00:00:00."
)
QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ZoomFailure(Exception):
    def __init__(self, status: int, code: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.reply = Reply(status, {"code": code, "message": message, **extra})


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def random_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(6))


def digits(n: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(n))


def tracking_id() -> str:
    return f"v=2.0;clid=us06;rid=WEB_{secrets.token_hex(16)}"


def now_ms() -> int:
    return int(time.time() * 1000)


def new_uuid() -> str:
    # Zoom's meeting and participant uuids: 16 random bytes, base64 (may hold "/" and "=").
    return base64.b64encode(uuid.uuid4().bytes).decode()


def next_midnight_utc(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


def basic_client(headers: dict[str, str]) -> tuple[str | None, str | None]:
    """The client id and secret of an `Authorization: Basic …` header, else (None, None)."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        try:
            client_id, _, client_secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return client_id, client_secret
    return None, None


def zone_name(name: Any) -> str | None:
    if not name or not isinstance(name, str):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # Zoom ignores a zone it does not know and uses the host's
    return name


def to_utc(start_time: str, timezone: str) -> datetime:
    if start_time.endswith("Z"):
        return datetime.fromisoformat(start_time[:-1]).replace(tzinfo=UTC)
    return datetime.fromisoformat(start_time).replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def validation(field_name: str, message: str) -> ZoomFailure:
    return ZoomFailure(
        400, 300, "Validation Failed.", errors=[{"field": field_name, "message": message}]
    )


def validate_meeting(body: dict[str, Any], *, creating: bool) -> None:
    """Raise the 300 Zoom gives for what zoombot could get wrong."""
    topic = body.get("topic")
    if topic is not None and (not isinstance(topic, str) or len(topic) > 200):
        raise validation("topic", "size must be between 0 and 200")
    meeting_type = body.get("type", 2)
    if meeting_type not in (1, 2, 3, 8):
        raise validation("type", "Invalid field.")
    start_time = body.get("start_time")
    if start_time is not None:
        valid = isinstance(start_time, str) and bool(START_TIME.match(start_time))
        if valid:
            try:
                datetime.fromisoformat(start_time.rstrip("Z"))
            except ValueError:
                valid = False
        if not valid:
            raise validation("start_time", "Invalid field.")
    duration = body.get("duration")
    if duration is not None and (not isinstance(duration, int) or duration < 0):
        raise validation("duration", "Invalid field.")
    password = body.get("password")
    if password is not None and (not isinstance(password, str) or not PASSWORD.match(password)):
        raise validation(
            "password",
            "Password can only contain the following characters: [a-z A-Z 0-9 @ - _ *] "
            "and can have a maximum of 10 characters.",
        )
    recurrence = body.get("recurrence")
    if recurrence is not None:
        validate_recurrence(recurrence)
    settings = body.get("settings")
    if settings is not None:
        if not isinstance(settings, dict):
            raise validation("settings", "Invalid field.")
        hosts = settings.get("alternative_hosts")
        if hosts:
            for email in str(hosts).replace(",", ";").split(";"):
                if email and not EMAIL.match(email.strip()):
                    raise validation("settings.alternative_hosts", "Invalid field.")
        recording = settings.get("auto_recording")
        if recording is not None and recording not in ("local", "cloud", "none"):
            raise validation("settings.auto_recording", "Invalid field.")
        if settings.get("approval_type", 2) not in (0, 1, 2):
            raise validation("settings.approval_type", "Invalid field.")
        if settings.get("registration_type", 1) not in (1, 2, 3):
            raise validation("settings.registration_type", "Invalid field.")


# What Zoom changes of one occurrence (`PATCH /meetings/{id}?occurrence_id=…`).
OCCURRENCE_FIELDS = frozenset({"start_time", "duration", "timezone", "agenda", "settings"})


def occurrence_or_400(meeting: dict[str, Any], occurrence_id: str) -> dict[str, Any]:
    for occurrence in meeting.get("occurrences") or ():
        if str(occurrence.get("occurrence_id")) == str(occurrence_id):
            return occurrence
    raise ZoomFailure(400, 3000, "Invalid occurrence_id.")


def validate_occurrence_update(body: dict[str, Any]) -> None:
    """Zoom takes only some fields for one occurrence; the rest are the series'."""
    for key in body:
        if key not in OCCURRENCE_FIELDS:
            raise validation(key, "Can not update this field for an occurrence.")


def validate_recurrence(recurrence: Any) -> None:
    if not isinstance(recurrence, dict) or recurrence.get("type") not in (1, 2, 3):
        raise validation("recurrence.type", "Invalid field.")
    kind = recurrence["type"]
    if "end_times" in recurrence and "end_date_time" in recurrence:
        raise validation(
            "recurrence.end_times", "end_times and end_date_time can not be set at the same time."
        )
    end_times = recurrence.get("end_times")
    if end_times is not None and (not isinstance(end_times, int) or not 1 <= end_times <= 60):
        raise validation("recurrence.end_times", "must be between 1 and 60")
    end = recurrence.get("end_date_time")
    if end is not None and (not isinstance(end, str) or not START_TIME.match(end)):
        raise validation("recurrence.end_date_time", "Invalid field.")
    interval = recurrence.get("repeat_interval")
    limit = {1: 99, 2: 50, 3: 10}[kind]
    if interval is not None and (not isinstance(interval, int) or not 1 <= interval <= limit):
        raise validation("recurrence.repeat_interval", f"must be between 1 and {limit}")
    if kind == 2:
        days = recurrence.get("weekly_days")
        if not isinstance(days, str) or not WEEKLY_DAYS.match(days):
            raise validation("recurrence.weekly_days", "weekly_days is required for weekly.")
    if kind == 3:
        by_day = recurrence.get("monthly_day")
        by_week = recurrence.get("monthly_week"), recurrence.get("monthly_week_day")
        if by_day is None and None in by_week:
            raise validation(
                "recurrence.monthly_day", "monthly_day or monthly_week is required for monthly."
            )
        if by_day is not None and (not isinstance(by_day, int) or not 1 <= by_day <= 31):
            raise validation("recurrence.monthly_day", "must be between 1 and 31")


def default_settings() -> dict[str, Any]:
    return {
        "host_video": False,
        "participant_video": False,
        "cn_meeting": False,
        "in_meeting": False,
        "join_before_host": False,
        "jbh_time": 0,
        "mute_upon_entry": False,
        "watermark": False,
        "use_pmi": False,
        "approval_type": 2,
        "audio": "voip",
        "auto_recording": "none",
        "enforce_login": False,
        "enforce_login_domains": "",
        "alternative_hosts": "",
        "alternative_host_update_polls": False,
        "close_registration": False,
        "show_share_button": False,
        "allow_multiple_devices": False,
        "registrants_confirmation_email": True,
        "waiting_room": True,
        "request_permission_to_unmute_participants": False,
        "registrants_email_notification": True,
        "meeting_authentication": False,
        "encryption_type": "enhanced_encryption",
        "approved_or_denied_countries_or_regions": {"enable": False},
        "breakout_room": {"enable": False},
        "alternative_hosts_email_notification": True,
        "device_testing": False,
        "focus_mode": False,
        "private_meeting": False,
        "email_notification": True,
        "host_save_video_order": False,
    }


def occurrences(start: datetime, timezone: str, meeting: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to 60 occurrences (Zoom's maximum), computed in the meeting's local time."""
    recurrence = meeting["recurrence"]
    zone = ZoneInfo(timezone)
    local = start.astimezone(zone)
    interval = int(recurrence.get("repeat_interval") or 1)
    count = int(recurrence.get("end_times") or 0) or None
    until = None
    if recurrence.get("end_date_time"):
        until = to_utc(recurrence["end_date_time"], "UTC")
    if count is None and until is None:
        count = 7  # Zoom's default when neither is given
    days: list[date] = []
    kind = recurrence["type"]
    day = local.date()
    limit = min(count or 60, 60)
    for _ in range(3700):  # enough for 60 occurrences at any interval
        if len(days) >= limit:
            break
        if kind == 1:
            if (day - local.date()).days % interval == 0:
                days.append(day)
        elif kind == 2:
            wanted = {int(d) for d in str(recurrence["weekly_days"]).split(",")}
            zoom_weekday = (day.isoweekday() % 7) + 1  # Zoom: 1 = Sunday
            week = ((day - local.date()).days + local.date().weekday()) // 7
            if zoom_weekday in wanted and week % interval == 0:
                days.append(day)
        elif kind == 3:
            months = (day.year - local.year) * 12 + day.month - local.month
            if months % interval == 0 and monthly_match(day, recurrence):
                days.append(day)
        day += timedelta(days=1)
    occurrences = []
    for d in days:
        moment = datetime.combine(d, local.timetz().replace(tzinfo=None), tzinfo=zone)
        if until is not None and moment > until:
            break
        occurrences.append(
            {
                "occurrence_id": str(int(moment.timestamp() * 1000)),
                "start_time": utc_text(moment),
                "duration": meeting["duration"],
                "status": "available",
            }
        )
    return occurrences


def monthly_match(day: date, recurrence: dict[str, Any]) -> bool:
    if recurrence.get("monthly_day") is not None:
        wanted = min(int(recurrence["monthly_day"]), calendar.monthrange(day.year, day.month)[1])
        return day.day == wanted
    week = int(recurrence["monthly_week"])  # -1 = last, 1..4
    weekday = int(recurrence["monthly_week_day"])  # 1 = Sunday
    if (day.isoweekday() % 7) + 1 != weekday:
        return False
    if week == -1:
        return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1 == week


def listed(meeting: dict[str, Any], kind: str) -> bool:
    now = datetime.now(UTC)
    start = datetime.fromisoformat(meeting["start_time"].replace("Z", "+00:00"))
    end = start + timedelta(minutes=meeting.get("duration") or 0)
    occurrences = meeting.get("occurrences") or []
    if occurrences:
        last = occurrences[-1]["start_time"]
        end = datetime.fromisoformat(last.replace("Z", "+00:00")) + timedelta(
            minutes=meeting.get("duration") or 0
        )
    if meeting["type"] == 1:
        # Zoom's list API "does not return information about instant meetings" (its OpenAPI
        # document); the live listing shows them while they are going on.
        return kind == "live" and meeting.get("status") == "started"
    if kind == "live":
        return meeting.get("status") == "started"
    if kind in ("upcoming", "upcoming_meetings"):
        return meeting["type"] == 3 or end >= now or meeting.get("status") == "started"
    if kind == "previous_meetings":
        return meeting["type"] in (2, 8) and end < now
    return True  # scheduled: every unexpired meeting the fake holds


def summary(meeting: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "uuid",
        "id",
        "host_id",
        "topic",
        "type",
        "start_time",
        "duration",
        "timezone",
        "agenda",
        "created_at",
        "join_url",
    )
    return {k: meeting[k] for k in keys if k in meeting}


def create_answer(meeting: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(meeting))  # a deep copy: later changes don't leak into it
