"""Zoom's active users, read whole at start and again every `refresh` seconds.

Why: a person zoombot has not seen for an hour costs a `GET /users/{email}` (one Zoom round
trip, ~200 ms) before their meeting can be created. With the account's active users read a
page of 300 at a time in the background (`GET /users?status=active`, the same scope), most
of those look-ups are answered from memory, and a burst of first commands after a deploy
does not queue behind one Zoom look-up per person.

What a caller may rely on (`find`):

- A user in the directory is active in Zoom as of the last read (at most `max_age` ago, the
  same hour the host cache promises).
- A user NOT in the directory proves nothing (they may have joined Zoom since, or the read
  was cut short): the caller asks Zoom about that one user, as it would without a directory.
- While a read is under way and nothing complete is at hand, `find` waits for the pages
  still to come, at most `patience` seconds: about what asking Zoom for one user would take.
- A read that fails (Zoom down, the scope missing) leaves what was there and is logged; the
  next try is `retry` seconds later. Nothing else depends on the directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from zoom import ZoomClient, ZoomError, ZoomUser

log = logging.getLogger("zoombot.directory")

REFRESH = 50 * 60.0  # read again before the last read is an hour old
MAX_AGE = 3600.0  # a read is trusted this long after it started
RETRY = 5 * 60.0  # after a failed read
PATIENCE = 0.5  # seconds `find` waits for a read under way
# A bound on memory (50,000 users took 18.6 MiB, measured with tracemalloc); past it, the
# rest are looked up one at a time.
MAX_USERS = 50_000


class ZoomDirectory:
    def __init__(
        self,
        zoom: ZoomClient,
        *,
        refresh: float = REFRESH,
        max_age: float = MAX_AGE,
        retry: float = RETRY,
        patience: float = PATIENCE,
        max_users: int = MAX_USERS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.zoom = zoom
        self.refresh = refresh
        self.max_age = max_age
        self.retry = retry
        self.patience = patience
        self.max_users = max_users
        self.clock = clock
        # The last complete read, and when it started.
        self._complete: dict[str, ZoomUser] = {}
        self._complete_at: float | None = None
        # The read under way: the pages so far; `_page` is set (and replaced) at each page
        # and at the end, to wake `find`s waiting for it.
        self._reading: dict[str, ZoomUser] | None = None
        self._page = asyncio.Event()
        self._tried = asyncio.Event()  # the first read ended, read whole or not

    async def first_read(self) -> None:
        """Wait until the first read has ended, read whole or not (callers bound the wait)."""
        await self._tried.wait()

    @property
    def size(self) -> int:
        return len(self._complete)

    async def find(self, email: str) -> ZoomUser | None:
        """The active Zoom user with this (lower-case) email if the directory knows them,
        else None, which means "ask Zoom": see the module docstring."""
        email = email.strip().lower()
        fresh = self._complete_at is not None and self.clock() - self._complete_at < self.max_age
        if fresh:
            return self._complete.get(email)
        deadline = self.clock() + self.patience
        while self._reading is not None:
            user = self._reading.get(email)
            if user is not None:
                return user
            left = deadline - self.clock()
            if left <= 0:
                return None
            page = self._page
            try:
                await asyncio.wait_for(page.wait(), left)
            except TimeoutError:
                return None
        # The read just finished (or none was under way).
        if self._complete_at is not None and self.clock() - self._complete_at < self.max_age:
            return self._complete.get(email)
        return None

    def forget(self, email: str) -> None:
        """Drop one user (Zoom no longer knows them) until the next read."""
        email = email.strip().lower()
        self._complete.pop(email, None)
        if self._reading is not None:
            self._reading.pop(email, None)

    async def read(self) -> bool:
        """Read the directory once. Returns True when it was read to the end (or to
        `max_users`); then it replaces the last read."""
        started = self.clock()
        reading: dict[str, ZoomUser] = {}
        self._reading = reading
        done = False  # read to the end, or to `max_users`
        try:
            pages = self.zoom.active_users()
            async with contextlib.aclosing(pages):
                async for page in pages:
                    for user in page:
                        if user.email and user.is_active:
                            reading[user.email.strip().lower()] = user
                    self._wake()
                    if len(reading) >= self.max_users:
                        log.warning(
                            "Zoom directory: stopped reading at %d users; others are looked up "
                            "one at a time",
                            len(reading),
                        )
                        break
            done = True
        except ZoomError as error:
            log.warning("Zoom directory not read (%s); users are looked up one at a time", error)
        finally:
            if done:
                self._complete, self._complete_at = reading, started
            self._reading = None
            self._wake()
            self._tried.set()
        if done:
            log.info("Zoom directory read: %d active users", len(reading))
        return done

    async def run(self) -> None:
        """Read now and then every `refresh` seconds (`retry` after a failure), until
        cancelled."""
        while True:
            try:
                ok = await self.read()
            except Exception:  # a bug of ours must not end the refreshes for good
                log.exception("Zoom directory: reading failed")
                ok = False
            await asyncio.sleep(self.refresh if ok else self.retry)

    def _wake(self) -> None:
        page, self._page = self._page, asyncio.Event()
        page.set()
