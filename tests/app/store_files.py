"""Helpers for the store's honesty tests: files that cannot be written, pages overwritten.

As root, permission bits do not stop a write: `read_only` then sets the immutable attribute
(`chattr +i`), which does; otherwise it clears the write bits. Either way `writable_again`
undoes it (call it in a `finally`, or the temporary directory cannot be removed).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

PAGE = 4096


def read_only(path: Path) -> None:
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a file read-only")
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"chattr +i failed here: {done.stderr.decode().strip()}")
    else:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def writable_again(path: Path) -> None:
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
    if path.exists():
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def overwrite_pages(path: Path, first: int = 1) -> None:
    """Overwrite every page of the database file from page index `first` (0 is the header)."""
    size = path.stat().st_size
    with open(path, "r+b") as file:
        for index in range(first, size // PAGE):
            file.seek(index * PAGE)
            file.write(b"\xff" * PAGE)
