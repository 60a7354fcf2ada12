"""`Before`: a Bolt middleware written as one step that runs before the listeners.

A subclass defines `before(req)`: return None to go on (Bolt's `next()`), or the
`BoltResponse` that answers the request there. Synchronous: no middleware of ours awaits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse


class Before(AsyncMiddleware):
    """A middleware that is only `before(req)` (see the module docstring)."""

    def before(self, req: AsyncBoltRequest) -> BoltResponse | None:
        raise NotImplementedError

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        answer = self.before(req)
        return await next() if answer is None else answer
