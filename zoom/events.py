"""Zoom webhook bodies read into typed, frozen events.

`parse_event(body)` takes the raw request body (bytes) or its parsed JSON and gives a
`ZoomEvent`, or raises `BadEvent` (a `ValueError`) when the body is not a Zoom event at all.
It does not check the signature: do that first, over the raw bytes (`zoom.webhooks`).

The shapes are Zoom's (see tests/zoom/test_events.py for full examples):

    {"event": "meeting.started", "event_ts": 1635885799302,
     "payload": {"account_id": "...", "object": {"id": "85749364211", "uuid": "...",
                 "host_id": "...", "topic": "...", "type": 2, "start_time": "...Z",
                 "duration": 30, "timezone": "America/Denver"}}}

In webhooks `payload.object.id` is usually a string of digits, while the REST API gives a
number (and `meeting.deleted` / `meeting.updated` send a number too): `EventMeeting.id` is
always an int so it matches `zoom.Meeting.id`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class BadEvent(ValueError):
    """The body is not a Zoom event zoombot can read (not JSON, or a required part is wrong)."""


class EventKind(StrEnum):
    """The events zoombot acts on; anything else is `OTHER` (acknowledge and ignore)."""

    URL_VALIDATION = "endpoint.url_validation"
    MEETING_STARTED = "meeting.started"
    MEETING_ENDED = "meeting.ended"
    MEETING_DELETED = "meeting.deleted"
    MEETING_UPDATED = "meeting.updated"
    PARTICIPANT_JOINED = "meeting.participant_joined"
    PARTICIPANT_LEFT = "meeting.participant_left"
    APP_DEAUTHORIZED = "app_deauthorized"  # a user removed a user-managed OAuth app
    OTHER = "other"


_MEETING_EVENTS = frozenset(
    {
        EventKind.MEETING_STARTED,
        EventKind.MEETING_ENDED,
        EventKind.MEETING_DELETED,
        EventKind.MEETING_UPDATED,
        EventKind.PARTICIPANT_JOINED,
        EventKind.PARTICIPANT_LEFT,
    }
)
_PARTICIPANT_EVENTS = frozenset({EventKind.PARTICIPANT_JOINED, EventKind.PARTICIPANT_LEFT})
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class EventMeeting:
    """The meeting part of an event (`payload.object`). Any field Zoom left out is None.

    For `meeting.started`, `start_time` is when it actually started; for `meeting.ended`,
    `start_time` and `end_time` are when it actually ran. `meeting.updated` carries only
    the changed fields here (the earlier values are in `ZoomEvent.previous`).
    """

    id: int | None
    uuid: str | None
    host_id: str | None = None
    topic: str | None = None
    type: int | None = None
    start_time: datetime | None = None  # aware, UTC
    end_time: datetime | None = None  # aware, UTC
    duration: int | None = None
    timezone: str | None = None
    occurrence_ids: tuple[str, ...] = ()  # meeting.deleted of some occurrences only


@dataclass(frozen=True)
class Participant:
    """Who joined or left (`payload.object.participant`).

    `user_id` is the participant's id within this meeting (a string of digits); `id` is their
    Zoom user id, or None for guests who are not signed in; `participant_uuid` stays the same
    across rejoins of one meeting, where Zoom sends it.
    """

    user_id: str | None
    user_name: str | None
    id: str | None = None
    participant_user_id: str | None = None
    participant_uuid: str | None = None
    email: str | None = field(default=None, repr=False)
    join_time: datetime | None = None
    leave_time: datetime | None = None
    leave_reason: str | None = None

    @property
    def key(self) -> str:
        """The steadiest name Zoom gives this person in this meeting (for counting who is in)."""
        return (
            self.participant_uuid
            or self.participant_user_id
            or self.id
            or self.user_id
            or self.user_name
            or ""
        )


@dataclass(frozen=True)
class ZoomEvent:
    """One webhook delivery, read.

    - `event` is Zoom's name as sent; `kind` is an `EventKind` (`OTHER` for events zoombot
      ignores).
    - `event_ts` is Zoom's milliseconds since the epoch (None if it sent none).
    - `meeting` is set for meeting events; `participant` for participant events;
      `plain_token` for `endpoint.url_validation`.
    - `operator` / `operator_id`: who deleted or updated the meeting (email and user id).
    - `previous`: for `meeting.updated`, Zoom's `old_object` (the values before the change).
    - `raw`: the whole body as parsed JSON.
    """

    event: str
    kind: EventKind
    event_ts: int | None
    account_id: str | None
    meeting: EventMeeting | None = None
    participant: Participant | None = None
    plain_token: str | None = None
    operator: str | None = field(default=None, repr=False)
    operator_id: str | None = None
    operation: str | None = None
    previous: Mapping[str, Any] = field(
        default_factory=lambda: _EMPTY, repr=False, compare=False, hash=False
    )
    raw: Mapping[str, Any] = field(
        default_factory=lambda: _EMPTY, repr=False, compare=False, hash=False
    )

    @property
    def meeting_id(self) -> int | None:
        return self.meeting.id if self.meeting is not None else None

    @property
    def occurred_at(self) -> datetime | None:
        """`event_ts` as an aware UTC datetime."""
        if self.event_ts is None:
            return None
        return datetime.fromtimestamp(self.event_ts / 1000, tz=UTC)

    @property
    def delivery_key(self) -> str:
        """A key that is the same for every delivery of this one event and differs between
        events: Zoom re-sends the same body (same `event_ts`) when it retries, so a store of
        seen keys recognises a repeat. Built from the event name, the meeting's uuid (its id
        when Zoom sent no uuid), `event_ts`, and the participant where there is one.
        """
        parts = [self.event]
        if self.meeting is not None:
            parts.append(self.meeting.uuid or str(self.meeting.id or ""))
        elif self.plain_token is not None:
            parts.append(self.plain_token)
        parts.append(str(self.event_ts if self.event_ts is not None else ""))
        if self.participant is not None:
            parts.append(self.participant.key)
        if self.meeting is not None and self.meeting.occurrence_ids:
            parts.append(",".join(self.meeting.occurrence_ids))
        return "|".join(parts)


def parse_event(body: bytes | str | Mapping[str, Any]) -> ZoomEvent:
    """Read one webhook body. Raises `BadEvent` when it is not JSON, not an object, has no
    `event` name, or a meeting event lacks a readable `payload.object` (an id that is not a
    number, a time that is not ISO 8601, …). Unknown events need only a name and parse to
    kind `OTHER`."""
    data = _load(body)
    name = data.get("event")
    if not isinstance(name, str) or not name:
        raise BadEvent("no event name")
    try:
        kind = EventKind(name)
    except ValueError:
        kind = EventKind.OTHER
    event_ts = _optional_int(data.get("event_ts"), "event_ts")
    payload = data.get("payload")
    if payload is None and kind is EventKind.OTHER:
        payload = {}
    if not isinstance(payload, Mapping):
        raise BadEvent("payload is not an object")
    account_id = _optional_str(payload.get("account_id"))
    raw = MappingProxyType(dict(data))

    if kind is EventKind.URL_VALIDATION:
        token = payload.get("plainToken")
        if not isinstance(token, str) or not token:
            raise BadEvent("endpoint.url_validation without payload.plainToken")
        return ZoomEvent(name, kind, event_ts, account_id, plain_token=token, raw=raw)
    if kind not in _MEETING_EVENTS:
        return ZoomEvent(name, kind, event_ts, account_id, raw=raw)

    obj = payload.get("object")
    if not isinstance(obj, Mapping):
        raise BadEvent(f"{name} without payload.object")
    meeting = _meeting(obj)
    if meeting.id is None and not meeting.uuid:
        raise BadEvent(f"{name} names no meeting (no id, no uuid)")
    participant = None
    if kind in _PARTICIPANT_EVENTS:
        person = obj.get("participant")
        if not isinstance(person, Mapping):
            raise BadEvent(f"{name} without payload.object.participant")
        participant = _participant(person)
    previous = payload.get("old_object")
    return ZoomEvent(
        name,
        kind,
        event_ts,
        account_id,
        meeting=meeting,
        participant=participant,
        operator=_optional_str(payload.get("operator")),
        operator_id=_optional_str(payload.get("operator_id")),
        operation=_optional_str(payload.get("operation")),
        previous=MappingProxyType(dict(previous)) if isinstance(previous, Mapping) else _EMPTY,
        raw=raw,
    )


def _load(body: bytes | str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(body, Mapping):
        return body
    if isinstance(body, bytes | bytearray | str):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            raise BadEvent(f"body is not JSON: {e}") from None
        if not isinstance(data, dict):
            raise BadEvent("body is not a JSON object")
        return data
    raise BadEvent(f"body is a {type(body).__name__}, not bytes or a dict")


def _meeting(obj: Mapping[str, Any]) -> EventMeeting:
    occurrences = obj.get("occurrences")
    occurrence_ids: tuple[str, ...] = ()
    if isinstance(occurrences, list):
        occurrence_ids = tuple(
            str(o["occurrence_id"])
            for o in occurrences
            if isinstance(o, Mapping) and o.get("occurrence_id") is not None
        )
    return EventMeeting(
        id=_meeting_id(obj.get("id")),
        uuid=_optional_str(obj.get("uuid")),
        host_id=_optional_str(obj.get("host_id")),
        topic=_optional_str(obj.get("topic")),
        type=_optional_int(obj.get("type"), "type"),
        start_time=_time(obj.get("start_time"), "start_time"),
        end_time=_time(obj.get("end_time"), "end_time"),
        duration=_optional_int(obj.get("duration"), "duration"),
        timezone=_optional_str(obj.get("timezone")),
        occurrence_ids=occurrence_ids,
    )


def _participant(person: Mapping[str, Any]) -> Participant:
    return Participant(
        user_id=_optional_str(person.get("user_id")),
        user_name=_optional_str(person.get("user_name")),
        id=_optional_str(person.get("id")),
        participant_user_id=_optional_str(person.get("participant_user_id")),
        participant_uuid=_optional_str(person.get("participant_uuid")),
        email=_optional_str(person.get("email")),
        join_time=_time(person.get("join_time"), "join_time"),
        leave_time=_time(person.get("leave_time"), "leave_time"),
        leave_reason=_optional_str(person.get("leave_reason")),
    )


def _meeting_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadEvent(f"meeting id is not a number: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _ascii_digits(value.strip()):
        return int(value.strip())
    raise BadEvent(f"meeting id is not a number: {value!r}")


def _optional_int(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadEvent(f"{name} is not a number: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _ascii_digits(value.strip().removeprefix("-")):
        return int(value)
    raise BadEvent(f"{name} is not a number: {value!r}")


def _ascii_digits(text: str) -> bool:
    # str.isdigit() is also true for "²" or "①", which int() refuses with a ValueError.
    return text.isascii() and text.isdigit()


def _optional_str(value: Any) -> str | None:
    # Zoom sends "" for a field it has no value for (e.g. a guest's `id`): same as absent.
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _time(value: Any, name: str) -> datetime | None:
    """Zoom's `2021-11-02T20:43:19Z` (UTC) as an aware datetime."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadEvent(f"{name} is not a time: {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadEvent(f"{name} is not a time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
