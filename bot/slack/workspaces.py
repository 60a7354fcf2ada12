"""Which Slack workspace a piece of work is for.

`Workspace` (enterprise id, team id, org-wide install) and its `key`, which is stored with
each request, meeting and outbox entry. `current` is a context variable: `TrackWorkspace`
(Bolt middleware) sets it for each Slack request, so the work after the ack (tasks copy the
context) carries it; background work (outbox retries, Zoom events, the start-up reconcile)
sets it from the row it works on with `scope(key)`. When zoombot serves several workspaces
(Slack OAuth), every Web API call takes the bot token of `current` (bot/posting.py's
`LoggedWebClient`). With one workspace (SLACK_BOT_TOKEN) it is never set and keys are None.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.middleware import Before


@dataclass(frozen=True)
class Workspace:
    """A workspace that installed zoombot, or a whole Enterprise Grid org (`org_install`)."""

    enterprise_id: str | None
    team_id: str | None
    org_install: bool = False

    @property
    def key(self) -> str:
        """`E…:T…`, `E…:-` for an org-wide install, `-:T…` outside Enterprise Grid."""
        team = "-" if self.org_install or not self.team_id else self.team_id
        return f"{self.enterprise_id or '-'}:{team}"

    @classmethod
    def from_key(cls, key: str) -> Workspace:
        enterprise, _, team = key.partition(":")
        return cls(
            None if enterprise == "-" else enterprise,
            None if team in ("-", "") else team,
            org_install=team == "-",
        )


current: ContextVar[Workspace | None] = ContextVar("zoombot_workspace", default=None)


def current_key() -> str | None:
    """The key of the workspace the running work is for (None: the one workspace)."""
    workspace = current.get()
    return None if workspace is None else workspace.key


def in_this_workspace(row: Mapping[str, Any]) -> bool:
    """Whether a stored row (request, meeting, outbox entry) is the running work's
    workspace's: always with one workspace (both keys None)."""
    return row.get("workspace") == current_key()


@contextlib.contextmanager
def scope(key: str | None) -> Iterator[None]:
    """Run a block as work for the workspace `key` (a stored row's; None changes nothing)."""
    if key is None:
        yield
        return
    token = current.set(Workspace.from_key(key))
    try:
        yield
    finally:
        current.reset(token)


class TrackWorkspace(Before):
    """Set `current` to the workspace of each Slack request (Bolt's authorize found it)."""

    def before(self, req: AsyncBoltRequest) -> BoltResponse | None:
        context = req.context
        current.set(
            Workspace(
                context.enterprise_id,
                context.team_id,
                org_install=bool(context.is_enterprise_install),
            )
        )
        return None
