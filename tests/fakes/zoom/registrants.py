"""FakeZoom's registration, summaries and recordings: the handlers of

    POST  /meetings/{meetingId}/registrants            (201 {id, registrant_id, join_url…})
    GET   /meetings/{meetingId}/registrants/{id}       (the registrant, join_url once approved)
    PUT   /meetings/{meetingId}/registrants/status     (approve / deny / cancel; 204)
    PATCH /meetings/{meetingId}/registrants/questions  (custom questions; 204)
    GET   /meetings/{meetingUUID}/meeting_summary      (the summary of one run)

and the bodies of the `recording.completed` and `meeting.summary_completed` events. Each
request body is checked the way Zoom's OpenAPI document describes it (a field it does not
name, a wrong type or value is Zoom's 300), and a meeting UUID that starts with "/" or holds
"//" must arrive double-encoded (as Zoom asks) or it is not found. Called by `FakeZoom` under
its lock; the state lives on the fake (`_registrants`, `_questions`, `_summaries`,
`_recordings`). `Registration`, mixed into `FakeZoom`, is the test's side: recordings and
summaries completed, registrants read.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from tests.fakes.zoom.rules import now_ms

if TYPE_CHECKING:
    from tests.fakes.zoom.fake import FakeZoom
    from tests.fakes.zoom.rules import Reply

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REGISTRANT_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "address",
    "city",
    "state",
    "zip",
    "country",
    "phone",
    "comments",
    "custom_questions",
    "industry",
    "job_title",
    "no_of_employees",
    "org",
    "purchasing_time_frame",
    "role_in_purchase_process",
    "language",
    "auto_approve",
}
_QUESTION_FIELDS = {"field_name", "required"}
_CUSTOM_QUESTION_FIELDS = {"title", "type", "required", "answers"}


def _reply(status: int, body: Any = None) -> Reply:
    from tests.fakes.zoom.rules import Reply

    return Reply(status, body)


def _fail(status: int, code: int, message: str, **extra: Any) -> Exception:
    from tests.fakes.zoom.rules import ZoomFailure

    return ZoomFailure(status, code, message, **extra)


def _invalid(field: str) -> Exception:
    return _fail(400, 300, "Validation Failed.", errors=[{"field": field, "message": "Invalid"}])


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _registering(fake: FakeZoom, key: str) -> dict[str, Any]:
    meeting = fake._meeting_or_404(key)
    if meeting.get("settings", {}).get("approval_type", 2) not in (0, 1):
        raise _fail(400, 3000, "Registration has not been enabled for this meeting.")
    return meeting


# POST /meetings/{meetingId}/registrants
def add_registrant(fake: FakeZoom, params: dict, query: dict, body: Any) -> Reply:
    meeting = _registering(fake, params["meetingId"])
    unknown = set(body) - _REGISTRANT_FIELDS
    if unknown:
        raise _invalid(sorted(unknown)[0])
    first = body.get("first_name")
    if not isinstance(first, str) or not first or len(first) > 64:
        raise _invalid("first_name")
    last = body.get("last_name")
    if last is not None and (not isinstance(last, str) or len(last) > 64):
        raise _invalid("last_name")
    email = body.get("email")
    if not isinstance(email, str) or len(email) > 128 or not _EMAIL.match(email):
        raise _invalid("email")
    for answer in body.get("custom_questions") or ():
        if not isinstance(answer, dict) or set(answer) - {"title", "value"}:
            raise _invalid("custom_questions")
        if len(str(answer.get("value", ""))) > 128:
            raise _invalid("custom_questions.value")
    people = fake._registrants.setdefault(meeting["id"], {})
    # Zoom answers the same registrant for an email registered before.
    person = next((p for p in people.values() if p["email"].lower() == email.lower()), None)
    if person is None:
        automatic = meeting["settings"].get("approval_type") == 0
        person = {
            "id": secrets.token_urlsafe(16),
            "email": email,
            "first_name": first,
            "last_name": last or "",
            "status": "approved" if automatic else "pending",
            "create_time": _utc_text(datetime.now(UTC)),
            "custom_questions": list(body.get("custom_questions") or ()),
            "join_url": f"{meeting['join_url'].split('?')[0]}?tk={secrets.token_urlsafe(24)}",
        }
        people[person["id"]] = person
    answer = {
        "id": meeting["id"],
        "registrant_id": person["id"],
        "start_time": meeting["start_time"],
        "topic": meeting["topic"],
    }
    if person["status"] == "approved":
        answer["join_url"] = person["join_url"]
    return _reply(201, answer)


# GET /meetings/{meetingId}/registrants/{registrantId}
def get_registrant(fake: FakeZoom, params: dict, query: dict, body: Any) -> Reply:
    meeting = fake._meeting_or_404(params["meetingId"])
    person = fake._registrants.get(meeting["id"], {}).get(params["registrantId"])
    if person is None:
        raise _fail(404, 3043, "Registrant not found.")
    shown = {k: v for k, v in person.items() if k != "join_url"}
    if person["status"] == "approved":
        shown["join_url"] = person["join_url"]
    return _reply(200, shown)


# PUT /meetings/{meetingId}/registrants/status
def set_status(fake: FakeZoom, params: dict, query: dict, body: Any) -> Reply:
    meeting = _registering(fake, params["meetingId"])
    if set(body) - {"action", "registrants"}:
        raise _invalid(sorted(set(body) - {"action", "registrants"})[0])
    action = body.get("action")
    if action not in ("approve", "deny", "cancel"):
        raise _invalid("action")
    named = body.get("registrants") or []
    if not isinstance(named, list) or len(named) > 30:
        raise _invalid("registrants")
    people = fake._registrants.get(meeting["id"], {})
    status = {"approve": "approved", "deny": "denied", "cancel": "cancelled"}[action]
    for ref in named:
        if not isinstance(ref, dict) or set(ref) - {"id", "email"}:
            raise _invalid("registrants")
        for person in people.values():
            if person["id"] == ref.get("id") or (
                ref.get("email") and person["email"].lower() == str(ref["email"]).lower()
            ):
                person["status"] = status
    return _reply(204)


# PATCH /meetings/{meetingId}/registrants/questions
def set_questions(fake: FakeZoom, params: dict, query: dict, body: Any) -> Reply:
    meeting = fake._meeting_or_404(params["meetingId"])
    if set(body) - {"questions", "custom_questions"}:
        raise _invalid(sorted(set(body) - {"questions", "custom_questions"})[0])
    for question in body.get("questions") or ():
        if not isinstance(question, dict) or set(question) - _QUESTION_FIELDS:
            raise _invalid("questions")
    for question in body.get("custom_questions") or ():
        if not isinstance(question, dict) or set(question) - _CUSTOM_QUESTION_FIELDS:
            raise _invalid("custom_questions")
        if question.get("type", "short") not in ("short", "single"):
            raise _invalid("custom_questions.type")
        if not isinstance(question.get("title"), str):
            raise _invalid("custom_questions.title")
    fake._questions[meeting["id"]] = {
        "questions": list(body.get("questions") or ()),
        "custom_questions": list(body.get("custom_questions") or ()),
    }
    return _reply(204)


# GET /meetings/{meetingUUID}/meeting_summary
def get_summary(fake: FakeZoom, params: dict, query: dict, body: Any) -> Reply:
    once = params["meetingUUID"]  # the server decoded the path once
    if once.startswith("/") or "//" in once:
        # Sent encoded once only: Zoom reads another path, and finds nothing there.
        raise _fail(404, 404, "The requested resource was not found.")
    uuid = unquote(once) if "%" in once else once
    summary = fake._summaries.get(uuid)
    if summary is None:
        raise _fail(404, 3322, "Meeting summary does not exist.")
    return _reply(200, dict(summary))


# -- the fake's own state, for tests ---------------------------------------------------------


def recording_fields(fake: FakeZoom, meeting: dict[str, Any], passcode: str | None) -> dict:
    """The recording part of a `recording.completed` object; remembered on the fake."""
    share = f"https://us06web.zoom.us/rec/share/{secrets.token_urlsafe(24)}"
    recording = {
        "share_url": share,
        "password": passcode if passcode is not None else secrets.token_urlsafe(6)[:8],
        "recording_count": 1,
        "total_size": 2_345_678,
        "recording_files": [
            {
                "id": secrets.token_hex(8),
                "file_type": "MP4",
                "recording_type": "shared_screen_with_speaker_view",
                "status": "completed",
                "play_url": share.replace("/share/", "/play/"),
            }
        ],
    }
    fake._recordings[meeting["id"]] = recording
    return recording


def summary_body(
    fake: FakeZoom,
    meeting: dict[str, Any],
    uuid: str,
    overview: str,
    next_steps: list[str],
    details: list[dict[str, str]],
) -> dict[str, Any]:
    """Remember a summary for the run `uuid`; returns the `meeting.summary_completed` object."""
    now = _utc_text(datetime.now(UTC))
    host = fake._users.get(meeting["host_id"]) or {}
    obj = {
        "meeting_host_id": meeting["host_id"],
        "meeting_host_email": host.get("email", ""),
        "meeting_uuid": uuid,
        "meeting_id": int(meeting["id"]),
        "meeting_topic": meeting["topic"],
        "meeting_start_time": meeting["start_time"],
        "meeting_end_time": now,
        "summary_start_time": meeting["start_time"],
        "summary_end_time": now,
        "summary_created_time": now,
        "summary_last_modified_time": now,
        "summary_title": f"Meeting summary for {meeting['topic']}",
    }
    fake._summaries[uuid] = {
        **obj,
        "summary_overview": overview,
        "summary_details": details,
        "next_steps": next_steps,
    }
    return obj


class Registration:
    """What a test does with recordings, summaries and registrants on a `FakeZoom`."""

    def complete_recording(
        self, meeting_id: int, *, passcode: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """The meeting's cloud recording is ready: the `recording.completed` body, with a
        `share_url` and the recording's `password` (`passcode`, default a random one);
        `fields` as for `event_body` (`event_ts`, …)."""
        with self._lock:
            meeting = self._held(meeting_id)
            recording = recording_fields(self, meeting, passcode)
            return self._event_body("recording.completed", meeting["id"], {**recording, **fields})

    def complete_summary(
        self,
        meeting_id: int,
        *,
        overview: str = "We agreed on the plan.",
        next_steps: tuple[str, ...] = ("Ana sends the notes",),
        details: tuple[tuple[str, str], ...] = (("Plan", "The plan, discussed."),),
        uuid: str | None = None,
        event_ts: int | None = None,
    ) -> dict[str, Any]:
        """An AI Companion summary of the meeting's last run (or of the run `uuid`) is ready:
        `GET /meetings/{uuid}/meeting_summary` answers it from now, and the
        `meeting.summary_completed` body is returned."""
        with self._lock:
            meeting = self._held(meeting_id)
            run = uuid or (self._live.get(meeting["id"]) or {}).get("uuid") or meeting["uuid"]
            obj = summary_body(
                self,
                meeting,
                run,
                overview,
                list(next_steps),
                [{"label": label, "summary": text} for label, text in details],
            )
            return {
                "event": "meeting.summary_completed",
                "event_ts": int(event_ts or now_ms()),
                "payload": {"account_id": self.account_id, "object": obj},
            }

    def registrants(self, meeting_id: int) -> list[dict[str, Any]]:
        """The meeting's registrants as the fake holds them (status, email, join_url…)."""
        with self._lock:
            return [dict(p) for p in self._registrants.get(int(meeting_id), {}).values()]

    def registrant_questions(self, meeting_id: int) -> dict[str, Any] | None:
        """The questions last set by `PATCH …/registrants/questions`, or None."""
        with self._lock:
            return self._questions.get(int(meeting_id))
