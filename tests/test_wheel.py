"""The wheel holds the app and the Zoom client, never the test doubles."""

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.tracked import tracked_copy

REPO = Path(__file__).resolve().parents[1]


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
