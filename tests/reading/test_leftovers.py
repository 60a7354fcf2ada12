"""The safety net's time-like shapes, tried by first character, find what one plain
alternation of the same shapes finds: a shape filed under the wrong first character would
be skipped where it can match, and these texts would show it."""

from __future__ import annotations

import random
import re

from bot.reading import leftovers
from bot.reading.scan import CLAIMED
from tests.reading.corpus import OWN_CASES, PUBLIC_CORPUS, load_cases
from tests.reading.fuzz_phrases import hostile_phrases

# Pieces that start or end the shapes: digits (and a non-ASCII one), letters, the words the
# shapes need, the punctuation around times and the claim marks the reader leaves behind.
PIECES = [
    *"0123456789٣ :./-#+'@,apmhe",
    *CLAIMED,
    *("tomorrow", "in ", " of ", "dec ", "the ", "first", "2mor", "ish", " to ", "noon"),
    *("at ", "é", "mon", "days", "half past ", "before ", "christmas ", "nine thirty"),
    *("weeks from", "within the hour", "1st", "tue", "o'clock", "next week", "2h", "1st of dec"),
]


def _texts() -> list[str]:
    texts = [case["text"] for path in (PUBLIC_CORPUS, OWN_CASES) if path.exists()
             for case in load_cases(path)]  # fmt: skip
    texts += [text for text, _, _ in hostile_phrases(random.Random(3), 500)]
    rng = random.Random(7)
    texts += ["".join(rng.choices(PIECES, k=rng.randint(1, 10))) for _ in range(40_000)]
    return texts


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return None if match is None else match.span()


def test_shapes_tried_by_first_character_find_what_one_alternation_finds() -> None:
    plain = re.compile("|".join(shape for _, shape in leftovers._TIME_LIKE_SHAPES))
    differ = []
    for text in _texts():
        for masked in (text, " ".join(text.lower().split())):
            expected = _span(plain.search(masked))
            if _span(leftovers._TIME_LIKE.search(masked)) != expected:
                differ.append(masked)
    assert differ == []


def test_a_shape_filed_under_the_wrong_character_is_caught() -> None:
    """The check above can fail: "yesterday" filed under digits is no longer found."""
    misfiled = tuple(
        ("9", shape) if "yesterday" in shape else (starts, shape)
        for starts, shape in leftovers._TIME_LIKE_SHAPES
    )
    grouped = leftovers._by_first_character(misfiled)
    assert grouped.search("sync yesterday") is None
    assert leftovers._TIME_LIKE.search("sync yesterday") is not None
