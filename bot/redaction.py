"""What is secret in a log line and how it is hidden: `Redactor` replaces the known secret
values (tokens, secrets, passcodes learned at run time, bounded) and anything shaped like one
(a token, a bearer or basic header, a Zoom `pwd=`/`zak=` parameter, a start URL, a
`"password": "…"` pair) with `[redacted]`; `RedactingFilter` applies it to a whole record
(message, arguments, fields, exception, stack). bot/logs.py installs it on the handler.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"

# Keys whose values are secret wherever they appear (fields, JSON-ish text, key=value text).
_SECRET_KEYS = (
    "password",
    "passcode",
    "h323_password",
    "pstn_password",
    "encrypted_password",
    "start_url",
    "access_token",
    "refresh_token",
    "client_secret",
    "signing_secret",
    "token",
    "zak",
    "pwd",
    "code_verifier",
)
_SECRET_KEY_SET = frozenset(_SECRET_KEYS)
_KEYS = "|".join(_SECRET_KEYS)
# OAuth's `code` is secret quoted ('code': '…'); `code=3001` in a Zoom call's line is kept.
_QUOTED_KEYS = "|".join((*_SECRET_KEYS, "code"))

# Order matters: whole-URL and quoted-pair patterns run before the narrower ones.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # A Zoom start URL lets anyone start the meeting as its host: drop it whole.
    (re.compile(r"https?://[^\s\"'<>|]+/s/\d+[^\s\"'<>|]*"), REDACTED),
    # "password": "…" / 'start_url': '…' / 'code': ['…'] in JSON or repr text.
    (
        re.compile(rf"""(["'](?:{_QUOTED_KEYS})["']\s*:\s*\[?\s*)(["'])(?:\\.|(?!\2).)*\2"""),
        rf"\1\2{REDACTED}\2",
    ),
    # ?pwd=… &zak=… query parameters, and password=… in key=value text.
    (re.compile(rf"(?<![A-Za-z0-9_])((?:{_KEYS})=)[^\s&,;\"'<>|]+"), rf"\1{REDACTED}"),
    # The same inside a URL that is itself a parameter (a calendar link's `details=`):
    # `pwd%3D…`, or `pwd%253D…` when encoded twice. The value ends at an encoded `&`.
    (
        re.compile(
            rf"(?i)(?:(?<=%3F)|(?<=%26)|(?<=%253F)|(?<=%2526)|(?<![A-Za-z0-9_]))"
            rf"((?:{_KEYS})%(?:25)?3D)"
            r"(?:[A-Za-z0-9._~-]|%(?!(?:25)?26)[0-9A-F]{2})+"
        ),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"\bxox[abposre]-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"(?i)\b(Bearer)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {REDACTED}"),
    # Basic credentials are base64: a digit, + / or = in a long word tells them from prose
    # ("Basic Information" in Slack's settings menu stays readable).
    (
        re.compile(r"\b(Basic)\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{12,}={0,2}"),
        rf"\1 {REDACTED}",
    ),
)


# Each pattern with the (lower-case) words that any text it matches contains.
_KEY_WORDS = tuple(_SECRET_KEYS)
_GUARDED_PATTERNS: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = tuple(
    (triggers, pattern, replacement)
    for triggers, (pattern, replacement) in zip(
        (
            ("/s/",),  # a start URL
            tuple(q + k for q in "\"'" for k in (*_KEY_WORDS, "code")),  # "password": "…"
            _KEY_WORDS,  # password=…
            _KEY_WORDS,  # pwd%3D…
            ("xox",),
            ("xapp-",),
            ("bearer",),
            ("basic",),
        ),
        _PATTERNS,
        strict=True,
    )
)
# Any of those words (in lower-case text), found in one search: most lines hold none.
_ANY_TRIGGER = re.compile(
    "|".join(
        re.escape(t)
        for t in sorted({t for ts, _, _ in _GUARDED_PATTERNS for t in ts}, key=len, reverse=True)
    )
)


class Redactor:
    """Replaces known secret values and secret-shaped text with `[redacted]`. Thread-safe."""

    # Values learned at run time (passcodes, start URLs) are kept for the most recent this
    # many meetings: enough for every meeting whose calls can still be logged, and bounded so
    # a long-running app neither grows nor slows down with every meeting it ever made.
    RECENT = 2048
    # Learned values are found through their first characters (see `_learned_in`).
    _PREFIX = 4

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        # The configured secrets (a handful) longest first, so one that contains another is
        # removed whole.
        self._permanent = tuple(
            sorted({v for v in secrets if v and len(v) >= self._PREFIX}, key=len, reverse=True)
        )
        self._learned: dict[str, None] = {}  # insertion-ordered: the oldest go first
        # Prefix → the learned values starting with it. Buckets are tuples, replaced rather
        # than changed, so a line redacted on another thread never sees one half-updated.
        self._by_prefix: dict[str, tuple[str, ...]] = {}
        self._chars: frozenset[str] = frozenset()
        self._shortest = 0  # the length of the shortest value learned so far
        self._runs: re.Pattern[str] | None = None

    def add(self, *values: str | None) -> None:
        """Also redact these exact values from now on (very short values are ignored)."""
        with self._lock:
            for value in values:
                if not value or len(value) < self._PREFIX or value in self._permanent:
                    continue
                if value in self._learned:
                    del self._learned[value]  # seen again: now the most recent
                    self._learned[value] = None
                    continue
                self._learned[value] = None
                prefix = value[: self._PREFIX]
                self._by_prefix[prefix] = (*self._by_prefix.get(prefix, ()), value)
                if not self._chars.issuperset(value) or len(value) < self._shortest:
                    self._chars = self._chars.union(value)
                    self._shortest = min(len(value), self._shortest or len(value))
                    chars = "".join(sorted(self._chars))
                    self._runs = re.compile(f"[{re.escape(chars)}]{{{self._shortest},}}")
            while len(self._learned) > self.RECENT:
                oldest = next(iter(self._learned))
                del self._learned[oldest]
                prefix = oldest[: self._PREFIX]
                rest = tuple(v for v in self._by_prefix.get(prefix, ()) if v != oldest)
                if rest:
                    self._by_prefix[prefix] = rest
                else:
                    self._by_prefix.pop(prefix, None)

    def _learned_in(self, text: str) -> list[str]:
        """The learned values that occur in `text`.

        Why not `value in text` for each: with a value per meeting that was a few hundred
        substring searches per log line, most of the logging's cost under load. Every
        occurrence of a learned value lies inside a run, as long as the shortest of them at
        least, of characters that learned values are made of; each position of such a run is
        looked up by its first characters.
        """
        runs = self._runs
        if runs is None:
            return []
        index = self._by_prefix
        width = self._PREFIX
        found: list[str] = []
        for match in runs.finditer(text):
            run = match.group()
            for i in range(len(run) - width + 1):
                bucket = index.get(run[i : i + width])
                if bucket:
                    found.extend(v for v in bucket if run.startswith(v, i))
        return found

    def text(self, text: str) -> str:
        for value in self._permanent:
            if value in text:
                text = text.replace(value, REDACTED)
        found = self._learned_in(text)
        # Longest first: a value that contains another is removed whole.
        for value in sorted(found, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        lowered = text.lower()
        if _ANY_TRIGGER.search(lowered) is None:
            return text
        for triggers, pattern, replacement in _GUARDED_PATTERNS:
            # A pattern runs only on a line holding a word it cannot match without: most
            # lines hold none, and the substitutions were a good part of logging's cost.
            if any(t in lowered for t in triggers):
                text = pattern.sub(replacement, text)
        return text

    def value(self, value: Any, key: str | None = None) -> Any:
        """`value` with secrets redacted; dicts and lists walked, secret keys blanked."""
        if key is not None and key.lower() in _SECRET_KEY_SET and value not in (None, ""):
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.value(v) for v in value]
        if value is None or isinstance(value, bool | int | float):
            return value
        return self.text(str(value))


class RedactingFilter(logging.Filter):
    """Redacts a record in place: message (with its args merged), fields, exception, stack."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        r = self.redactor
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg = r.text(message)
        record.args = None
        for attr in ("fields", "zoom"):
            if isinstance(getattr(record, attr, None), dict):
                setattr(record, attr, r.value(getattr(record, attr)))
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = r.text(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = r.text(record.exc_text)
        if record.stack_info:
            record.stack_info = r.text(record.stack_info)
        return True
