"""A copy of the files git tracks, as they are in the working tree: what a clean clone holds.
Build from it, not from the checkout: setuptools reuses a checkout's `build/`, which may hold
files of an earlier layout, and building there leaves one behind."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def tracked_copy(into: Path) -> Path:
    """Copy the tracked files into `into`; returns `into`."""
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, tracked):
        if (REPO / rel).is_file():
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, into / rel)
    return into
