"""The text being read, with the parts already understood masked out.

Each reader of a kind of phrase (zone, recurrence, date, time, ...) searches the masked
text, so a word is understood at most once, and what is never claimed becomes the topic.
Masking keeps every position aligned with the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Claimed characters are replaced by one of these; none is a word character, so `\b`
# still works next to a claim, and a pattern can look behind for a kind of claim.
DATE = "\x01"
TIME = "\x02"
OTHER = "\x03"
CLAIMED = DATE + TIME + OTHER


def _lower_aligned(text: str) -> str:
    # str.lower() can change the length ("İ" becomes two characters); keep positions.
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class Scan:
    """Original text plus a lower-cased copy in which claimed spans are masked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._masked = list(_lower_aligned(text))
        self.masked = "".join(self._masked)

    def find(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of `pattern` in the text as it is masked now (claims made while
        iterating do not change this iteration)."""
        return pattern.finditer(self.masked)

    def claim(self, start: int, end: int, kind: str = OTHER) -> None:
        """Mark text[start:end] as understood; it leaves the topic."""
        self._masked[start:end] = kind * (end - start)
        self.masked = "".join(self._masked)

    def original(self, start: int, end: int) -> str:
        return self.text[start:end].strip()

    def unclaimed_pieces(self) -> list[tuple[int, int]]:
        """(start, end) of every run of text no reader claimed."""
        pieces = []
        for match in re.finditer(f"[^{CLAIMED}]+", self.masked):
            pieces.append((match.start(), match.end()))
        return pieces
