"""Who someone is, as values: their Slack profile (`SlackProfile`), the Zoom user who hosts
their meetings and how it was found (`Host`, `FoundBy`), their own Zoom user
(`ZoomIdentity`), and what `/zoom link` did (`LinkResult`). bot/hosts.py finds them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from zoom import ZoomUser


@dataclass(frozen=True)
class SlackProfile:
    """The parts of `users.info` zoombot uses. `tz` is None when Slack gave none usable."""

    id: str
    name: str = ""
    real_name: str = ""
    display_name: str = ""
    email: str | None = None
    tz: str | None = None
    is_admin: bool = False
    is_owner: bool = False
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    is_bot: bool = False
    deleted: bool = False

    @property
    def label(self) -> str:
        """The name people know them by."""
        return self.display_name or self.real_name or self.name or self.id

    @classmethod
    def from_slack(cls, user: dict[str, Any]) -> SlackProfile:
        profile = user.get("profile") or {}
        tz = user.get("tz")
        return cls(
            id=str(user.get("id", "")),
            name=str(user.get("name") or ""),
            real_name=str(user.get("real_name") or profile.get("real_name") or ""),
            display_name=str(profile.get("display_name") or ""),
            email=(profile.get("email") or None),
            tz=tz if valid_zone(tz) else None,
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner") or user.get("is_primary_owner")),
            is_restricted=bool(user.get("is_restricted")),
            is_ultra_restricted=bool(user.get("is_ultra_restricted")),
            is_bot=bool(user.get("is_bot")),
            deleted=bool(user.get("deleted")),
        )


def valid_zone(tz: object) -> bool:
    if not isinstance(tz, str) or not tz or len(tz) > 64:
        return False
    try:
        ZoneInfo(tz)
    except Exception:
        return False
    return True


class FoundBy(StrEnum):
    """How a host was found; the value is what the store's `host_found_by` column holds."""

    MAPPING = "mapping"  # an admin's (or the person's own) `/zoom link`
    SLACK_EMAIL = "slack_email"  # the Slack email is an active Zoom user
    DEFAULT_HOST = "default_host"  # ZOOMBOT_DEFAULT_HOST hosts on the requester's behalf
    CONNECTED = "connected"  # their own Zoom account, connected with `/zoom connect`


@dataclass(frozen=True)
class Host:
    """The Zoom user who hosts. `user_id` is what to pass to Zoom (id or email)."""

    user_id: str
    email: str
    name: str
    found_by: FoundBy

    @property
    def on_behalf(self) -> bool:
        """True when the host is the shared default host, not the requester."""
        return self.found_by == FoundBy.DEFAULT_HOST


@dataclass(frozen=True)
class ZoomIdentity:
    """A Slack user's own Zoom user (None: none), how it was found, and the mapping row
    when an admin's link found it."""

    user: ZoomUser | None = None
    found_by: FoundBy | None = None
    mapping: dict[str, Any] | None = None


@dataclass(frozen=True)
class LinkResult:
    """What `/zoom link` did: `linked` or not, and the sentence for the requester."""

    linked: bool
    sentence: str
