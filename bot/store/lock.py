"""`ProcessLock`: one zoombot per SQLite file, enforced by the OS.

An exclusive, non-blocking `flock` on `<database>.lock` beside the file, held for the
process's life. The OS drops it when the process ends, however it ends (SIGKILL included),
so a stale lock file never blocks a restart. The holder's pid is written in it, for the
refusal's sentence.
"""

from __future__ import annotations

import fcntl
import os


class LockHeld(Exception):
    """Another process holds the lock; `pid` is what it wrote (None if unreadable)."""

    def __init__(self, pid: int | None) -> None:
        super().__init__(pid)
        self.pid = pid


class ProcessLock:
    """Take the lock at `path` now (raises LockHeld, or OSError if the file cannot be
    created); `release()` gives it back."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(self._fd)
            os.close(self._fd)
            self._fd = None
            raise LockHeld(pid) from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor releases the flock
            self._fd = None


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip())
    except (OSError, ValueError):
        return None
