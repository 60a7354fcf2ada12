"""The wheel holds the app and the Zoom client, never the test doubles."""

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_holds_no_test_doubles(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("zoombot-*.whl")
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
