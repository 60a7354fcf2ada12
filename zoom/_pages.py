"""Zoom's paged listings, followed through `next_page_token`."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

from zoom._call import Budget, Caller, segment
from zoom.errors import ZoomUnavailable

MEETINGS = "/users/{userId}/meetings"
USERS = "/users"


async def list_meetings(
    caller: Caller,
    user_id: str,
    kind: str,
    budget: Budget,
    *,
    page_size: int,
    max_pages: int | None = None,
) -> list[dict[str, Any]]:
    """Every entry of the host's `kind` listing, as Zoom's JSON. Past `max_pages` pages with
    more to come, raises `ZoomUnavailable`: a partial listing is not proof that a meeting is
    not there."""
    entries: list[dict[str, Any]] = []
    token = ""
    pages = 0
    while True:
        params = {"type": kind, "page_size": str(page_size)}
        if token:
            params["next_page_token"] = token
        response = await caller.call(
            "GET", MEETINGS, f"/users/{segment(user_id)}/meetings", params=params, budget=budget
        )
        data = response.json()
        entries.extend(data.get("meetings") or [])
        token = data.get("next_page_token") or ""
        pages += 1
        if not token:
            return entries
        if max_pages is not None and pages >= max_pages:
            raise ZoomUnavailable(
                f"The host has more meetings than the look-up reads ({pages} pages of "
                f"{page_size}); whether Zoom made this one could not be checked"
            )


async def active_users(
    caller: Caller, page_size: int, budget: Callable[[], Budget]
) -> AsyncGenerator[list[dict[str, Any]], None]:
    """The account's active users as Zoom's JSON, a page at a time; each page is its own
    call, with the budget `budget()` gives it."""
    token = ""
    while True:
        params = {"status": "active", "page_size": str(page_size)}
        if token:
            params["next_page_token"] = token
        response = await caller.call("GET", USERS, USERS, params=params, budget=budget())
        data = response.json()
        yield [user for user in data.get("users") or [] if user.get("id")]
        token = data.get("next_page_token") or ""
        if not token:
            return
