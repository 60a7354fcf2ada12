"""zoombot's own errors, beside `zoom`'s (`zoom.errors`). One tree:

    ZoombotError
    ├── StoreUnavailable      the store cannot be read or written (disk full, read-only,
    │                         corrupted, locked); nothing that needed it was done
    ├── StoreRefused          the store cannot be opened at start (not a database, not
    │                         writable, used by another zoombot); ends the app with exit 2
    ├── Refused               a flow stops and tells the requester `sentence`; `reason` goes
    │                         to the log (bot/flows/answers.py turns it into the answer)
    ├── PostFailed            a Slack Web API call or response_url post failed
    │                         (bot/slack/failures.py)
    ├── SettingsError         settings missing or malformed at start (bot/settings.py)
    └── BoxError              a stored token cannot be opened with ZOOMBOT_SECRET_KEY
                              (bot/secretbox.py)

Each carries `sentence`: what an operator or requester is told, in one sentence.
"""

from __future__ import annotations

__all__ = ["Refused", "StoreRefused", "StoreUnavailable", "ZoombotError"]


class ZoombotError(Exception):
    """Base of zoombot's errors. `sentence` is safe to show (no secrets, no tracebacks)."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


class StoreUnavailable(ZoombotError):
    """A store read or write failed while running; the caller refuses what needed it."""


class StoreRefused(ZoombotError):
    """The store cannot be used at all (checked at start); the app exits with code 2."""


class Refused(ZoombotError):
    """A flow stops and tells the requester `sentence` (app-written mrkdwn); `reason` is the
    short cause for the log line (`refused:<reason>`)."""

    def __init__(self, sentence: str, reason: str) -> None:
        super().__init__(sentence)
        self.reason = reason
