"""The topic: what is left of the text once the time words are taken out."""

from __future__ import annotations

import re

from bot.reading.scan import Scan

MAX_LENGTH = 200  # Zoom's limit for `topic`

# Words and marks that only joined the topic to a time phrase ("review on", "sync at",
# "call -"), trimmed where a time phrase was taken out and at both ends.
_CONNECTOR = r"(?:at|on|for|from|by|@|starting|beginning|around|between|and|every|each)"
_LEADING = re.compile(rf"^(?:[\s,;:@\-–—]+|{_CONNECTOR}(?=[\s,;:]|[\-–—](?!\w)|$))+", re.IGNORECASE)
_TRAILING = re.compile(rf"(?:[\s,;:@\-–—]+|(?<![\w']){_CONNECTOR})+$", re.IGNORECASE)
# At the very ends of the text only the README's connectors go.
_END_CONNECTOR = r"(?:at|on|for|from|@|by)"
_TEXT_LEADING = re.compile(rf"^(?:[\s,;:@\-–—]+|{_END_CONNECTOR}(?=[\s,;:]|[\-–—](?!\w)|$))+", re.I)
_TEXT_TRAILING = re.compile(rf"(?:[\s,;:@\-–—]+|(?<![\w']){_END_CONNECTOR})+$", re.I)


_ONLY_STOPS = re.compile(r"[.!?…]+")
# Brackets a time phrase was taken out of: "sync tomorrow at 3 (30 min)".
_EMPTY_BRACKETS = re.compile(r"(?<!\S)(?:\(\s*\)|\[\s*\])")


def _trim(piece: str, left_cut: bool, right_cut: bool) -> str:
    leading = _LEADING if left_cut else _TEXT_LEADING
    trailing = _TRAILING if right_cut else _TEXT_TRAILING
    for _ in range(2):  # "at, on" needs both patterns more than once
        trimmed = trailing.sub("", leading.sub("", piece))
        if trimmed == piece:
            break
        piece = trimmed
    return piece.strip()


def truncate(topic: str, limit: int = MAX_LENGTH) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    if len(topic) <= limit:
        return topic
    cut = topic[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def read_topic(scan: Scan) -> str:
    """The unclaimed text, with dangling connectors trimmed from both ends of every piece
    next to a taken-out time phrase and from both ends of the whole; may be empty."""
    pieces = scan.unclaimed_pieces()
    kept = []
    for start, end in pieces:
        left_cut = start > 0
        right_cut = end < len(scan.text)
        piece = _trim(scan.text[start:end], left_cut, right_cut)
        if piece and not (left_cut and _ONLY_STOPS.fullmatch(piece)):
            kept.append(piece)  # (a sentence's full stop after the time goes with it)
    topic = " ".join(_EMPTY_BRACKETS.sub(" ", " ".join(kept)).split())
    return truncate(_trim(topic, False, False))
