"""What zoombot sends to Zoom and what it reads back.

`MeetingRequest` renders exactly the JSON body of Zoom's create-meeting call
(`POST /users/{userId}/meetings`): only the fields that are set. `Meeting` is read
from Zoom's answer. Secrets (`start_url`, `password`) are kept out of `repr` so a
stray log line never carries them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo


class MeetingType(IntEnum):
    """Zoom's meeting `type`. An IntEnum: each member equals the int Zoom sends and reads."""

    INSTANT = 1
    SCHEDULED = 2
    RECURRING_NO_FIXED_TIME = 3
    RECURRING = 8  # recurring with a fixed time


INSTANT = MeetingType.INSTANT
SCHEDULED = MeetingType.SCHEDULED
RECURRING_NO_FIXED_TIME = MeetingType.RECURRING_NO_FIXED_TIME
RECURRING = MeetingType.RECURRING

DAILY = 1
WEEKLY = 2
MONTHLY = 3


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True)
class Recurrence:
    """Zoom's `recurrence` object.

    `weekly_days` is a comma-separated list of "1".."7" with 1 = Sunday.
    `end_date_time` is UTC, `YYYY-MM-DDTHH:MM:SSZ`. Zoom takes `end_times` or
    `end_date_time`, never both.
    """

    type: int
    repeat_interval: int | None = None
    weekly_days: str | None = None
    monthly_day: int | None = None
    monthly_week: int | None = None
    monthly_week_day: int | None = None
    end_times: int | None = None
    end_date_time: str | None = None

    def to_json(self) -> dict[str, Any]:
        return _drop_none(
            {
                "type": self.type,
                "repeat_interval": self.repeat_interval,
                "weekly_days": self.weekly_days,
                "monthly_day": self.monthly_day,
                "monthly_week": self.monthly_week,
                "monthly_week_day": self.monthly_week_day,
                "end_times": self.end_times,
                "end_date_time": self.end_date_time,
            }
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recurrence:
        return cls(
            type=int(data["type"]),
            repeat_interval=data.get("repeat_interval"),
            weekly_days=data.get("weekly_days"),
            monthly_day=data.get("monthly_day"),
            monthly_week=data.get("monthly_week"),
            monthly_week_day=data.get("monthly_week_day"),
            end_times=data.get("end_times"),
            end_date_time=data.get("end_date_time"),
        )


@dataclass(frozen=True)
class MeetingSettings:
    """The subset of Zoom's meeting `settings` that zoombot sets. None = Zoom's default."""

    waiting_room: bool | None = None
    join_before_host: bool | None = None
    mute_upon_entry: bool | None = None
    host_video: bool | None = None
    participant_video: bool | None = None
    meeting_authentication: bool | None = None  # only signed-in Zoom users may join
    encryption_type: str | None = None  # "enhanced_encryption" or "e2ee"
    auto_recording: str | None = None  # "local", "cloud" or "none"
    alternative_hosts: tuple[str, ...] = ()  # Zoom emails
    jbh_time: int | None = None
    # Registration (zoom/registrants.py): 0 = approved automatically, 1 = by the host,
    # 2 = none (Zoom's default); for a series, registration_type 1 = once for every
    # occurrence, 2 = for each occurrence (3 = once, choosing occurrences).
    approval_type: int | None = None
    registration_type: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = _drop_none(
            {
                "waiting_room": self.waiting_room,
                "join_before_host": self.join_before_host,
                "mute_upon_entry": self.mute_upon_entry,
                "host_video": self.host_video,
                "participant_video": self.participant_video,
                "meeting_authentication": self.meeting_authentication,
                "encryption_type": self.encryption_type,
                "auto_recording": self.auto_recording,
                "jbh_time": self.jbh_time,
                "approval_type": self.approval_type,
                "registration_type": self.registration_type,
            }
        )
        if self.alternative_hosts:
            data["alternative_hosts"] = ";".join(self.alternative_hosts)
        return data


@dataclass(frozen=True)
class MeetingRequest:
    """The body of Zoom's create-meeting call.

    `start_time` is local wall-clock time without an offset (`YYYY-MM-DDTHH:MM:SS`),
    read in `timezone` (an IANA name). An instant meeting (`MeetingType.INSTANT`) needs
    neither.
    """

    topic: str
    type: int = SCHEDULED
    start_time: str | None = None
    timezone: str | None = None
    duration: int | None = None
    agenda: str | None = None
    password: str | None = field(default=None, repr=False)
    recurrence: Recurrence | None = None
    settings: MeetingSettings | None = None

    def to_json(self) -> dict[str, Any]:
        data = _drop_none(
            {
                "topic": self.topic,
                "type": self.type,
                "start_time": self.start_time,
                "timezone": self.timezone,
                "duration": self.duration,
                "agenda": self.agenda,
                "password": self.password,
            }
        )
        if self.recurrence is not None:
            data["recurrence"] = self.recurrence.to_json()
        if self.settings is not None:
            settings = self.settings.to_json()
            if settings:
                data["settings"] = settings
        return data

    def starts_at(self) -> datetime | None:
        """The start as an aware datetime, or None for an instant meeting."""
        if self.start_time is None:
            return None
        local = datetime.fromisoformat(self.start_time)
        return local.replace(tzinfo=ZoneInfo(self.timezone or "UTC"))


def _parse_zoom_time(value: str | None) -> datetime | None:
    """Zoom answers `2025-09-10T20:00:00Z` (UTC) for `start_time`."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


@dataclass(frozen=True)
class Occurrence:
    occurrence_id: str
    start_time: datetime | None
    duration: int | None
    status: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Occurrence:
        return cls(
            occurrence_id=str(data.get("occurrence_id", "")),
            start_time=_parse_zoom_time(data.get("start_time")),
            duration=data.get("duration"),
            status=data.get("status"),
        )


@dataclass(frozen=True)
class Meeting:
    """A meeting as Zoom describes it. `id` is an int that can exceed 10 digits."""

    id: int
    uuid: str
    topic: str
    type: int
    start_time: datetime | None  # aware, UTC
    duration: int | None
    timezone: str | None
    join_url: str
    start_url: str = field(default="", repr=False)
    password: str | None = field(default=None, repr=False)
    host_id: str | None = None
    host_email: str | None = None
    agenda: str | None = None
    created_at: datetime | None = None
    recurrence: Recurrence | None = None
    occurrences: tuple[Occurrence, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Meeting:
        recurrence = data.get("recurrence")
        return cls(
            id=int(data["id"]),
            uuid=str(data.get("uuid", "")),
            topic=str(data.get("topic", "")),
            type=int(data.get("type", SCHEDULED)),
            start_time=_parse_zoom_time(data.get("start_time")),
            duration=data.get("duration"),
            timezone=data.get("timezone"),
            join_url=str(data.get("join_url", "")),
            start_url=str(data.get("start_url", "")),
            password=data.get("password"),
            host_id=data.get("host_id"),
            host_email=data.get("host_email"),
            agenda=data.get("agenda"),
            created_at=_parse_zoom_time(data.get("created_at")),
            recurrence=Recurrence.from_json(recurrence) if recurrence else None,
            occurrences=tuple(Occurrence.from_json(o) for o in data.get("occurrences") or ()),
        )


@dataclass(frozen=True)
class ZoomUser:
    """A Zoom user. `status` is "active", "inactive" or "pending"."""

    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    type: int = 1
    status: str = "active"
    timezone: str | None = None
    pmi: int | None = None  # the personal meeting ID
    personal_meeting_url: str | None = None  # the personal room's join link

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ZoomUser:
        return cls(
            id=str(data["id"]),
            email=str(data.get("email", "")),
            first_name=str(data.get("first_name") or ""),
            last_name=str(data.get("last_name") or ""),
            type=int(data.get("type", 1)),
            status=str(data.get("status") or "active"),
            timezone=data.get("timezone"),
            pmi=int(data["pmi"]) if data.get("pmi") else None,
            personal_meeting_url=data.get("personal_meeting_url") or None,
        )
