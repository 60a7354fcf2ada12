"""Registration, rendered: the modal's "Require registration" fields and their reading, the
meeting's stored registration settings, and the notes and thread messages of registering and
approving. Pure.

The modal's fields (block ids `registration`, `registration_each`, `registration_questions`):
no registration (the default), approved automatically, or approved by the host; for a series,
once for every occurrence (default) or for each occurrence; optional custom questions, one per
line (short answers, not required: people who register from Slack are not asked them; those
who register on Zoom's page are).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.render.words import Message, escape
from zoom.registrants import ApprovalType, RegistrationType

ACTION = "value"  # the modal's element action id (bot/render/views.py)
REGISTER_ACTION = "register_meeting"
APPROVE_ACTION = "approve_registrant"

CHOICES = {
    "off": "No registration",
    "automatic": "Required, approved automatically",
    "manual": "Required, I approve each person",
}
EACH = "each_occurrence"
MAX_QUESTIONS = 10


@dataclass(frozen=True)
class RegistrationChoice:
    """What the modal asked for: Zoom's approval type, per-occurrence registration, questions."""

    approval: ApprovalType
    each_occurrence: bool = False
    questions: tuple[str, ...] = ()

    def registration_type(self, recurring: bool) -> int | None:
        if not recurring:
            return None
        kind = RegistrationType.EACH_OCCURRENCE if self.each_occurrence else 1
        return int(kind)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": _plain(label), "value": value}


def modal_blocks() -> list[dict[str, Any]]:
    """The modal's registration fields (all optional)."""
    return [
        {
            "type": "input",
            "block_id": "registration",
            "label": _plain("Require registration"),
            "optional": True,
            "element": {
                "type": "static_select",
                "action_id": ACTION,
                "options": [_option(k, v) for k, v in CHOICES.items()],
                "initial_option": _option("off", CHOICES["off"]),
            },
        },
        {
            "type": "input",
            "block_id": "registration_each",
            "label": _plain("Registration for a series"),
            "optional": True,
            "element": {
                "type": "checkboxes",
                "action_id": ACTION,
                "options": [_option(EACH, "Register for each occurrence separately")],
            },
        },
        {
            "type": "input",
            "block_id": "registration_questions",
            "label": _plain("Registration questions (one per line)"),
            "optional": True,
            "element": {
                "type": "plain_text_input",
                "action_id": ACTION,
                "multiline": True,
                "max_length": 1000,
            },
        },
    ]


def _state(values: Mapping[str, Any], block: str) -> Mapping[str, Any]:
    found = values.get(block)
    element = found.get(ACTION) if isinstance(found, Mapping) else None
    return element if isinstance(element, Mapping) else {}


def read_choice(values: Any) -> RegistrationChoice | None:
    """The registration asked for in a submitted modal's `state.values`, or None (none)."""
    if not isinstance(values, Mapping):
        return None
    option = _state(values, "registration").get("selected_option")
    choice = option.get("value") if isinstance(option, Mapping) else None
    if choice not in ("automatic", "manual"):
        return None
    chosen = _state(values, "registration_each").get("selected_options")
    each = any(isinstance(o, Mapping) and o.get("value") == EACH for o in chosen or ())
    text = _state(values, "registration_questions").get("value")
    lines = text.splitlines() if isinstance(text, str) else []
    questions = tuple(
        " ".join(line.split())[:200] for line in lines if line.strip() and line.isprintable()
    )
    approval = ApprovalType.AUTOMATIC if choice == "automatic" else ApprovalType.MANUAL
    return RegistrationChoice(approval, each, questions[:MAX_QUESTIONS])


# -- the meeting's stored registration (meetings.registration, JSON) ---------------------------


def stored(approval_type: int | None, registration_type: int | None) -> str | None:
    """The `meetings.registration` column for a meeting with these Zoom settings."""
    if approval_type not in (ApprovalType.AUTOMATIC, ApprovalType.MANUAL):
        return None
    return json.dumps({"approval_type": approval_type, "registration_type": registration_type})


def registration_of(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The stored registration settings of a meeting row, or None when it takes none."""
    raw = row.get("registration")
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def is_manual(row: Mapping[str, Any]) -> bool:
    data = registration_of(row) or {}
    return data.get("approval_type") == ApprovalType.MANUAL


def each_occurrence(row: Mapping[str, Any]) -> bool:
    data = registration_of(row) or {}
    return data.get("registration_type") == RegistrationType.EACH_OCCURRENCE


# -- notes and thread messages ------------------------------------------------------------------


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def link_note(topic: str, join_url: str, *, approved: bool = False) -> Message:
    """Private: the registrant's own join link."""
    name = escape(topic or "the meeting")
    head = "The host approved you for" if approved else "You are registered for"
    text = (
        f":white_check_mark: {head} *{name}*. Your own join link (keep it to yourself): "
        f"<{join_url}|Join the meeting>"
    )
    return {"text": f"{head} {name}. Join: {join_url}", "blocks": [_section(text)]}


def waiting_note(topic: str) -> Message:
    """Private: registered, and waiting for the host's approval."""
    name = escape(topic or "the meeting")
    text = (
        f":hourglass_flowing_sand: You are registered for *{name}*, waiting for the host's "
        "approval. I will send you your own join link here once you are approved."
    )
    return {"text": text, "blocks": [_section(text)]}


def approval_request(topic: str, person: str, meeting_id: int, registrant_id: str) -> Message:
    """In the meeting's thread: someone waits for approval, with an Approve button."""
    name = escape(topic or "the meeting")
    text = f":raising_hand: <@{person}> registered for *{name}* and waits for the host's approval."
    value = json.dumps({"m": int(meeting_id), "r": registrant_id}, separators=(",", ":"))
    return {
        "text": f"<@{person}> waits for approval to join {name}.",
        "blocks": [
            _section(text),
            {
                "type": "actions",
                "block_id": "registrant_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": APPROVE_ACTION,
                        "style": "primary",
                        "text": _plain("Approve"),
                        "value": value,
                    }
                ],
            },
        ],
    }


def approved_message(topic: str, person: str, approver: str) -> Message:
    """The thread message once approved: who, by whom; the button gone."""
    name = escape(topic or "the meeting")
    text = f":white_check_mark: <@{person}> was approved for *{name}* by <@{approver}>."
    return {"text": text, "blocks": [_section(text)]}


def read_approval(value: Any) -> tuple[int, str] | None:
    """The (meeting id, registrant id) an Approve button carries, or None if unreadable."""
    try:
        data = json.loads(value) if isinstance(value, str) else None
        meeting_id, registrant_id = int(data["m"]), str(data["r"])
    except (ValueError, TypeError, KeyError):
        return None
    return (meeting_id, registrant_id) if registrant_id else None
