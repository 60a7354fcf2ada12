"""The fake Zoom as Zoom's event sender: webhook bodies in Zoom's shapes for what happens
to a meeting (started, ended, people joining and leaving, deleted, updated, …), signed and
POSTed to an app (`EventSender` makes the bodies, `WebhookDelivery` signs and sends them).
Mixed into `FakeZoom`, whose state (meetings, users, the lock) it reads and
changes; the event WebSocket is websocket.py's, recordings and summaries registrants.py's."""

from __future__ import annotations

import base64
import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.fakes.zoom.rules import digits, new_uuid, now_ms, tracking_id, utc_text
from zoom.webhooks import sign


def made_up_participant(event: str, now: datetime) -> dict[str, Any]:
    person: dict[str, Any] = {
        "user_id": str(16_000_000 + secrets.randbelow(1_000_000)),
        "user_name": "Guest",
        "id": "",
        "participant_uuid": new_uuid(),
        "email": "",
        "join_time": utc_text(now),
    }
    if event == "meeting.participant_left":
        person["leave_time"] = utc_text(now)
        person["leave_reason"] = "left the meeting. Reason : left the meeting"
    return person


class EventSender:
    """Webhook bodies of `FakeZoom` and their delivery (see the module docstring)."""

    # -- webhooks: the fake as Zoom's event sender -------------------------------------------

    def url_validation_body(self, plain_token: str | None = None) -> dict[str, Any]:
        """The `endpoint.url_validation` challenge Zoom sends when an endpoint URL is saved."""
        return {
            "payload": {"plainToken": plain_token or secrets.token_urlsafe(16)},
            "event_ts": now_ms(),
            "event": "endpoint.url_validation",
        }

    def event_body(
        self, event: str, meeting_id: int | str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """A webhook body for `event` in Zoom's shape, about the meeting the fake holds under
        `meeting_id` (or, when it holds none, one made up from `fields` and defaults).

        `payload.object.id` is a string of digits for started/ended/participant events and a
        number for `meeting.deleted` / `meeting.updated`, as Zoom sends them. Keyword fields:
        `event_ts` and `account_id` set those; `participant` (a dict) is merged over the made-up
        participant of participant events; `payload` (a dict) is merged into `payload`
        (`operator`, `operation`, …); for `meeting.updated` the other fields are the changes
        (`object`) and `old_object` gets the fake's values before them; for every other event
        the other fields are merged into `payload.object`. The fake's state does not change.
        """
        with self._lock:
            return self._event_body(event, meeting_id, dict(fields))

    def _event_body(
        self, event: str, meeting_id: int | str | None, fields: dict[str, Any]
    ) -> dict[str, Any]:
        now = datetime.now(UTC).replace(microsecond=0)
        event_ts = int(fields.pop("event_ts", None) or now_ms())
        account_id = fields.pop("account_id", self.account_id)
        participant_fields = fields.pop("participant", None) or {}
        payload_fields = fields.pop("payload", None) or {}
        key = int(meeting_id) if meeting_id is not None and str(meeting_id).isdigit() else None
        held = self._meetings.get(key) if key is not None else None
        live = self._live.get(key) if key is not None else None
        numeric_id = event in ("meeting.deleted", "meeting.updated", "recording.completed")

        if held is not None:
            base: dict[str, Any] = {
                "uuid": (live or {}).get("uuid") or held["uuid"],
                "id": held["id"],
                "host_id": held["host_id"],
                "topic": held["topic"],
                "type": held["type"],
                "start_time": held["start_time"],
                "duration": held["duration"],
                "timezone": held.get("timezone", ""),
            }
            if live is not None and event != "meeting.deleted":
                base["start_time"] = utc_text(live["started_at"])
            host = self._users.get(held["host_id"]) or {}
        else:
            made_up_id = meeting_id if meeting_id is not None else int("8" + digits(10))
            base = {
                "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
                "id": made_up_id,
                "host_id": base64.urlsafe_b64encode(secrets.token_bytes(16)).decode()[:22],
                "topic": "Zoom meeting",
                "type": 2,
                "start_time": utc_text(now),
                "duration": 60,
                "timezone": "America/New_York",
            }
            host = {}
        base["id"] = int(base["id"]) if numeric_id else str(base["id"])

        payload: dict[str, Any] = {"account_id": account_id}
        if event == "meeting.updated":
            obj = {"id": base["id"], "uuid": base["uuid"], **fields}
            old = {"id": base["id"], "uuid": base["uuid"]}
            for name in fields:
                if held is not None and name in held:
                    old[name] = held[name]
            payload.update(
                {
                    "operator": host.get("email", "someone@example.com"),
                    "operator_id": base["host_id"],
                    "operation": "all",
                    "object": obj,
                    "old_object": old,
                    "time_stamp": event_ts,
                }
            )
        else:
            obj = {**base, **fields}
            if event == "meeting.ended" and "end_time" not in obj:
                obj["end_time"] = utc_text(now)
            if event in ("meeting.participant_joined", "meeting.participant_left"):
                obj["participant"] = {
                    **made_up_participant(event, now),
                    **participant_fields,
                }
            if event == "meeting.deleted":
                payload["operator"] = host.get("email", "someone@example.com")
                payload["operator_id"] = base["host_id"]
                payload["operation"] = "all"
            payload["object"] = obj
        payload.update(payload_fields)
        return {"event": event, "payload": payload, "event_ts": event_ts}

    def start_meeting(self, meeting_id: int, *, at: datetime | None = None) -> dict[str, Any]:
        """The host starts the meeting: its status becomes "started" (GET and the `live` list
        show it) and the `meeting.started` body is returned. The first start keeps the
        meeting's uuid; a later start after an end gets a new one, as Zoom gives each instance
        of a meeting its own uuid."""
        with self._lock:
            meeting = self._held(meeting_id)
            times = self._instances.get(meeting["id"], 0)
            instance = meeting["uuid"] if times == 0 else new_uuid()
            self._instances[meeting["id"]] = times + 1
            started = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
            self._live[meeting["id"]] = {"uuid": instance, "started_at": started}
            self._participants[meeting["id"]] = {}
            meeting["status"] = "started"
            return self._event_body("meeting.started", meeting["id"], {})

    def end_meeting(self, meeting_id: int, *, at: datetime | None = None) -> dict[str, Any]:
        """The meeting ends (everyone leaves): status back to "waiting", and the `meeting.ended`
        body with the actual `start_time` and `end_time`. KeyError if it was not started."""
        with self._lock:
            meeting = self._held(meeting_id)
            if meeting["id"] not in self._live:
                raise KeyError(f"meeting {meeting_id} was not started in the fake")
            ended = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
            body = self._event_body("meeting.ended", meeting["id"], {"end_time": utc_text(ended)})
            del self._live[meeting["id"]]
            self._participants.pop(meeting["id"], None)
            meeting["status"] = "waiting"
            return body

    def join_meeting(
        self,
        meeting_id: int,
        user_name: str,
        *,
        email: str = "",
        zoom_user_id: str = "",
    ) -> dict[str, Any]:
        """`user_name` joins the (started) meeting; returns the `meeting.participant_joined`
        body. `zoom_user_id` is their Zoom user id ("" for a guest, as Zoom sends it)."""
        with self._lock:
            meeting = self._held(meeting_id)
            if meeting["id"] not in self._live:
                raise KeyError(f"meeting {meeting_id} was not started in the fake")
            person = {
                "user_id": str(16_000_000 + secrets.randbelow(1_000_000)),
                "user_name": user_name,
                "id": zoom_user_id,
                "participant_uuid": new_uuid(),
                "email": email,
                "join_time": utc_text(datetime.now(UTC)),
            }
            if zoom_user_id:
                person["participant_user_id"] = zoom_user_id
            self._participants[meeting["id"]][user_name] = person
            return self._event_body(
                "meeting.participant_joined", meeting["id"], {"participant": dict(person)}
            )

    def leave_meeting(self, meeting_id: int, user_name: str) -> dict[str, Any]:
        """`user_name` leaves; returns the `meeting.participant_left` body (same participant
        ids as their join). KeyError if they are not in it."""
        with self._lock:
            meeting = self._held(meeting_id)
            person = self._participants.get(meeting["id"], {}).pop(user_name)
            left = {
                **person,
                "leave_time": utc_text(datetime.now(UTC)),
                "leave_reason": "left the meeting. Reason : left the meeting",
            }
            return self._event_body(
                "meeting.participant_left", meeting["id"], {"participant": left}
            )

    def participants(self, meeting_id: int) -> list[dict[str, Any]]:
        """Who is in the meeting now, in join order, as the join events described them."""
        with self._lock:
            return [dict(p) for p in self._participants.get(int(meeting_id), {}).values()]

    def cancel_meeting(self, meeting_id: int, *, operator: str | None = None) -> dict[str, Any]:
        """Someone deletes the meeting in Zoom itself (not through the API): the fake forgets
        it and returns the `meeting.deleted` body. `operator` is the email shown as deleting."""
        with self._lock:
            meeting = self._held(meeting_id)
            payload = {"operator": operator} if operator else {}
            body = self._event_body("meeting.deleted", meeting["id"], {"payload": payload})
            del self._meetings[meeting["id"]]
            self._live.pop(meeting["id"], None)
            self._participants.pop(meeting["id"], None)
            return body

    def _held(self, meeting_id: int | str) -> dict[str, Any]:
        meeting = self._meetings.get(int(meeting_id))
        if meeting is None:
            raise KeyError(f"no such meeting in the fake: {meeting_id}")
        return meeting


class WebhookDelivery:
    """A webhook body signed as Zoom signs it and POSTed to an app; what was sent."""

    def event_request(
        self,
        body: dict[str, Any] | bytes,
        *,
        secret: str | None = None,
        timestamp: float | str | None = None,
        signature: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The raw body and headers Zoom would POST for `body` (a dict is sent as compact
        JSON; bytes as they are). Signed with `secret` (default: `webhook_secret`) at
        `timestamp` (seconds; default now); `signature` replaces the signature outright."""
        raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
        ts = str(int(time.time() if timestamp is None else float(timestamp)))
        _, signed = sign(self.webhook_secret if secret is None else secret, raw, ts)
        headers = {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Zoom Marketplace/1.0a",
            "clientid": self.client_id,
            "x-zm-request-timestamp": ts,
            "x-zm-signature": signed if signature is None else signature,
            "x-zm-trackingid": tracking_id(),
        }
        return raw, headers

    def send_event(
        self,
        url: str,
        body: dict[str, Any] | bytes,
        *,
        secret: str | None = None,
        timestamp: float | str | None = None,
        signature: str | None = None,
        timeout: float = 3.0,
    ) -> httpx.Response:
        """POST `body` to `url` as Zoom delivers a webhook (see `event_request` for the
        overrides that forge or age it) and return the answer. `timeout` defaults to the 3 s
        Zoom waits before it counts a delivery as failed (httpx raises past it). Blocking: call
        it from a test's thread, not from the event loop of a server it posts to."""
        raw, headers = self.event_request(
            body, secret=secret, timestamp=timestamp, signature=signature
        )
        response = httpx.post(url, content=raw, headers=headers, timeout=timeout)
        with self._lock:
            self._sent.append(
                {"url": url, "body": raw.decode(errors="replace"), "status": response.status_code}
            )
        return response

    @property
    def sent_events(self) -> list[dict[str, Any]]:
        """Every `send_event` so far: `{"url", "body" (the raw JSON text), "status"}`."""
        with self._lock:
            return list(self._sent)
