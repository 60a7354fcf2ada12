"""The bench/ scripts run and print their figures (tiny sizes; no figure is judged here:
speed is measured by running them, BENCHMARKS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


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
    ],
)
def test_a_bench_script_runs_and_prints_its_figures(script: str, args: list[str], printed: str):
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
    ("args", "printed"),
    [
        (["--load", "--commands", "12", "--concurrency", "3", "--rounds", "1"], "per command"),
        (["--commands", "12", "--kill-at", "4"], "meetings made twice          0"),
    ],
)
def test_the_two_instance_bench_runs_and_prints_its_counts(args: list[str], printed: str):
    import asyncio
    import os

    from bot.store.postgres import safe_url
    from tests.store_pg.conftest import PG_URL
    from tests.store_pg.test_two_instances import _admin

    try:
        asyncio.run(_admin("SELECT 1"))
    except Exception as error:
        reason = f"needs PostgreSQL at {safe_url(PG_URL)}: {type(error).__name__}: {error}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must run these tests)")
        pytest.skip(reason)
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "instances.py"), "--postgres-url", PG_URL, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert printed in result.stdout, result.stdout[-2000:]
