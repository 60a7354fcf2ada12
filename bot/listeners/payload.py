"""Small readers of Slack payloads (`body`), the same everywhere: who sent it, where."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def user_id(body: Mapping[str, Any]) -> str | None:
    """The Slack user id of whoever sent the payload, or None."""
    return (body.get("user") or {}).get("id")


def channel_id(body: Mapping[str, Any]) -> str | None:
    """The channel id of an interaction payload, or None."""
    return (body.get("channel") or {}).get("id")
