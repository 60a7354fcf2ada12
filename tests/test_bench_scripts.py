"""The bench/ scripts run and print their figures (tiny sizes; no figure is judged here:
speed is measured by running them, BENCHMARKS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def ran(script: str, *args: str, printed: str) -> None:
    """Run bench/`script` with `args`: it ends well and prints `printed`."""
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert printed in result.stdout, result.stdout[-2000:]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("script", "args", "printed"),
    [
        ("store.py", ["--calls", "20"], "claim_request (write)"),
        ("slots.py", ["--requests", "5"], "ms"),
        ("reading.py", ["--rounds", "1"], "per call after warm-up"),
        (
            "load.py",
            ["--commands", "12", "--concurrency", "3", "--users", "3", "--rounds", "1"],
            "app CPU per command",
        ),
        (
            "load.py",
            ["--commands", "12", "--rate", "40", "--users", "3", "--rounds", "1"],
            "12 commands, 40 a second open-loop",
        ),
        (
            # Against itself: both sides run, and the table has both.
            "compare.py",
            [
                *("--against", str(REPO / "app.py"), "--passes", "1", "--commands", "6"),
                *("--concurrency", "3", "--users", "3", "--rounds", "1"),
            ],
            "paired",
        ),
    ],
)
def test_a_bench_script_runs_and_prints_its_figures(script: str, args: list[str], printed: str):
    ran(script, *args, printed=printed)


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (["--load", "--commands", "12", "--concurrency", "3", "--rounds", "1"], "per command"),
        (["--commands", "12", "--kill-at", "4"], "meetings made twice          0"),
    ],
)
def test_the_two_instance_bench_runs_and_prints_its_counts(args: list[str], printed: str):
    import asyncio

    from tests.store_pg.conftest import PG_URL, no_postgres
    from tests.store_pg.test_two_instances import _admin

    try:
        asyncio.run(_admin("SELECT 1"))
    except Exception as error:
        no_postgres(error)
    ran("instances.py", "--postgres-url", PG_URL, *args, printed=printed)
