"""What zoombot sends and reads for meeting registration and AI Companion summaries.

- `ApprovalType` / `RegistrationType`: Zoom's `settings.approval_type` and
  `settings.registration_type` of a meeting that requires registration.
- `NewRegistrant` is the body of `POST /meetings/{meetingId}/registrants`; `Registration` its
  answer (`join_url` is None when the host approves by hand: Zoom gives it only once approved).
- `RegistrantAction` and `RegistrantRef`: the body of `PUT …/registrants/status`.
- `RegistrantQuestions`: the body of `PATCH …/registrants/questions` (custom questions only).
- `MeetingSummary`: `GET /meetings/{meetingUUID}/meeting_summary`, the parts zoombot shows.
- `uuid_segment(uuid)`: a meeting UUID as one path segment, double-encoded when it starts
  with "/" or holds "//", as Zoom asks (it decodes such a segment twice).

Secrets (`join_url`, which carries the registrant's token) are kept out of `repr`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any
from urllib.parse import quote


class ApprovalType(IntEnum):
    AUTOMATIC = 0
    MANUAL = 1
    NONE = 2  # no registration


class RegistrationType(IntEnum):
    ONCE_FOR_ALL = 1  # register once, attend any occurrence
    EACH_OCCURRENCE = 2  # register for each occurrence


class RegistrantAction(StrEnum):
    APPROVE = "approve"
    DENY = "deny"
    CANCEL = "cancel"


def uuid_segment(uuid: str) -> str:
    """`uuid` as one URL path segment; double-encoded when it begins with "/" or holds "//"."""
    once = quote(uuid, safe="")
    if uuid.startswith("/") or "//" in uuid:
        return quote(once, safe="")
    return once


@dataclass(frozen=True)
class NewRegistrant:
    """One person registering. `first_name` and `email` are required by Zoom."""

    first_name: str
    email: str = field(repr=False)
    last_name: str | None = None
    answers: tuple[tuple[str, str], ...] = ()  # (custom question title, answer)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"first_name": self.first_name[:64], "email": self.email}
        if self.last_name:
            data["last_name"] = self.last_name[:64]
        if self.answers:
            data["custom_questions"] = [
                {"title": title, "value": value[:128]} for title, value in self.answers
            ]
        return data


@dataclass(frozen=True)
class Registration:
    """Zoom's answer to a registration. `join_url` None: waiting for the host's approval."""

    registrant_id: str
    join_url: str | None = field(default=None, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Registration:
        join_url = data.get("join_url")
        return cls(
            registrant_id=str(data.get("registrant_id") or data.get("id") or ""),
            join_url=str(join_url) if join_url else None,
        )


@dataclass(frozen=True)
class RegistrantRef:
    """A registrant named in a status change: by id, email or both."""

    id: str | None = None
    email: str | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, str]:
        data = {}
        if self.id:
            data["id"] = self.id
        if self.email:
            data["email"] = self.email
        return data


@dataclass(frozen=True)
class RegistrantQuestions:
    """Custom registration questions, each a short free-text answer, required or not."""

    titles: tuple[str, ...]
    required: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "custom_questions": [
                {"title": title[:200], "type": "short", "required": self.required}
                for title in self.titles
            ]
        }


@dataclass(frozen=True)
class MeetingSummary:
    """An AI Companion meeting summary: its overview and next steps (either may be empty),
    and the labelled details (`(label, summary)` pairs)."""

    meeting_uuid: str
    title: str = ""
    overview: str = ""
    next_steps: tuple[str, ...] = ()
    details: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MeetingSummary:
        details = []
        for item in data.get("summary_details") or ():
            if isinstance(item, dict):
                details.append((str(item.get("label") or ""), str(item.get("summary") or "")))
        steps = data.get("next_steps") or ()
        return cls(
            meeting_uuid=str(data.get("meeting_uuid") or ""),
            title=str(data.get("summary_title") or ""),
            overview=str(data.get("summary_overview") or ""),
            next_steps=tuple(str(s) for s in steps if isinstance(s, str | int | float) and s),
            details=tuple(details),
        )
