"""Scoring the outside-style phrases (tests/reading/outside.txt): right, wrong or refused.

.venv/bin/python -m tests.reading.outside   # prints the score and every miss
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.reading import Refusal, read_request

OUTSIDE = Path(__file__).with_name("outside.txt")
NOW = datetime(2026, 12, 1, 9, 0)
TZ = "America/New_York"


def load() -> list[tuple[str, datetime, int | None]]:
    """(text, expected aware start, expected duration or None) per line."""
    cases = []
    for line in OUTSIDE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, expected = (part.strip() for part in line.split("|"))
        duration = None
        if " - " in expected:
            expected, minutes = expected.split(" - ")
            duration = int(minutes)
        start, _, zone = expected.partition(" ")
        aware = datetime.fromisoformat(start).replace(tzinfo=ZoneInfo(zone or TZ))
        cases.append((text, aware, duration))
    return cases


def score() -> tuple[list[str], list[str], list[str]]:
    """Texts read right, read wrong (with what was read) and refused (with the sentence)."""
    right, wrong, refused = [], [], []
    for text, start, duration in load():
        result = read_request(text, TZ, NOW)
        if isinstance(result, Refusal):
            refused.append(f"{text!r}: {result.message}")
            continue
        request = result.request
        ok = request.type != 1 and request.starts_at() == start
        ok = ok and (duration is None or request.duration == duration)
        if ok:
            right.append(text)
        else:
            wrong.append(f"{text!r}: {request.to_json()}")
    return right, wrong, refused


if __name__ == "__main__":
    right, wrong, refused = score()
    total = len(right) + len(wrong) + len(refused)
    print(f"right {len(right)}/{total}, wrong {len(wrong)}, refused {len(refused)}")
    for line in wrong:
        print("WRONG", line)
    for line in refused:
        print("REFUSED", line)
