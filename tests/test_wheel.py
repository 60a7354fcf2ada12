"""The wheel holds the app and the Zoom client, never the test doubles."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def tracked_copy(into: Path) -> Path:
    """The files git tracks, as they are in the working tree: what a clean clone builds from
    (a checkout's own `build/` may hold files of an earlier layout, which setuptools reuses)."""
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


def test_wheel_holds_no_test_doubles(tmp_path: Path) -> None:
    source = tracked_copy(tmp_path / "source")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("zoombot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if "/" in name}
    assert {"bot", "zoom"} <= packages
    assert not any(name.startswith("tests/") for name in names), names
    # No test double at all: no fake (Slack or Zoom), no app-process harness, no testing package.
    doubles = [
        n
        for n in names
        if "fake" in n
        or "app_process" in n
        or "loopback" in n
        or n.startswith(("bot/testing/", "zoom/testing/"))
    ]
    assert doubles == []
