"""Numbers in Zoom webhook bodies: only ASCII digits are read as numbers.

`str.isdigit()` is true for "²", "①" or "৩", which `int()` refuses (or reads as another
number): such a body must be a `BadEvent` the receiver can answer, not a stray ValueError.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from zoom import BadEvent, parse_event

BODIES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "webhook_bodies.json").read_text()
)


def _started(**fields: Any) -> dict[str, Any]:
    data = copy.deepcopy(BODIES["meeting.started"])
    data["payload"]["object"].update(fields)
    return data


@pytest.mark.parametrize("value", ["8574936421²", "①②③", "৩৪৫", "-²"])
@pytest.mark.parametrize("where", ["id", "type", "duration"])
def test_non_ascii_digits_are_a_bad_event(where: str, value: str) -> None:
    with pytest.raises(BadEvent) as caught:
        parse_event(_started(**{where: value}))
    assert type(caught.value) is BadEvent


def test_event_ts_with_non_ascii_digits_is_a_bad_event() -> None:
    data = _started()
    data["event_ts"] = "1762178539²"
    with pytest.raises(BadEvent):
        parse_event(data)


def test_ascii_digit_strings_still_read() -> None:
    event = parse_event(_started(id=" 85749364211 ", duration="45"))
    assert event.meeting is not None
    assert event.meeting.id == 85749364211
    assert event.meeting.duration == 45
