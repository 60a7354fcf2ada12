"""Hostile phrases never crash the reader: every phrase gives a Reading or a Refusal."""

from __future__ import annotations

import random

from bot.reading import Reading, Refusal, read_request
from tests.reading.fuzz_phrases import hostile_phrases

FUZZ_SEED = 1
FUZZ_COUNT = 2000


def test_random_and_hostile_phrases_are_read_or_refused() -> None:
    crashes = []
    for text, tz, now in hostile_phrases(random.Random(FUZZ_SEED), FUZZ_COUNT):
        try:
            result = read_request(text, tz, now)
        except Exception as error:  # the point is to catch any crash
            crashes.append(f"{tz} {now:%Y-%m-%dT%H:%M} {text!r}: {type(error).__name__}: {error}")
            continue
        if not isinstance(result, Reading | Refusal):
            crashes.append(f"{text!r}: returned {result!r}")
        elif isinstance(result, Refusal) and not result.message.strip():
            crashes.append(f"{text!r}: empty refusal")
    assert crashes == []
