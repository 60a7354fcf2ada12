"""zoombot's own errors, beside `zoom`'s (`zoom.errors`). One tree:

    ZoombotError
    ├── StoreUnavailable      the store cannot be read or written (disk full, read-only,
    │                         corrupted, locked); nothing that needed it was done
    └── StoreRefused          the store cannot be opened at start (not a database, not
                              writable, used by another zoombot); ends the app with exit 2

Each carries `sentence`: what an operator or requester is told, in one sentence.
"""

from __future__ import annotations

__all__ = ["StoreRefused", "StoreUnavailable", "ZoombotError"]


class ZoombotError(Exception):
    """Base of zoombot's errors. `sentence` is safe to show (no secrets, no tracebacks)."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


class StoreUnavailable(ZoombotError):
    """A store read or write failed while running; the caller refuses what needed it."""


class StoreRefused(ZoombotError):
    """The store cannot be used at all (checked at start); the app exits with code 2."""
