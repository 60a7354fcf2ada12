"""`/healthz` says 503 with the reason while the store cannot write, 200 again once it can,
and asks the store at most about once a second however often it is probed.

The first tests serve bot/web's app over loopback HTTP (uvicorn, in process) around a stub
runtime whose store answers `check_writable()` as told. The last makes the database file
itself unwritable under the running app (`chattr +i`, which binds root too); it needs the
store's `check_writable()` (the store's branch) and is skipped without it.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from bot.store import Store
from bot.web.run import zoom_events_server
from tests.app.support import eventually
from tests.fakes.app_process import AppProcess, free_port


class StubStore:
    def __init__(self) -> None:
        self.problem: str | None = None
        self.checks = 0

    async def check_writable(self) -> str | None:
        self.checks += 1
        return self.problem


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, SimpleNamespace]]:
    runtime = SimpleNamespace(ready=True, store=StubStore(), in_flight=0)
    settings = SimpleNamespace(host="127.0.0.1", port=free_port())
    server = zoom_events_server(settings, runtime)  # type: ignore[arg-type]
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn offers no event for this  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{settings.port}/healthz", runtime
    finally:
        server.should_exit = True
        await serving


async def poll(
    http: httpx.AsyncClient, url: str, status: int, within: float = 5.0
) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        answer = await http.get(url)
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.05)


async def test_a_store_that_cannot_write_makes_healthz_503_with_the_reason(served):
    url, runtime = served
    async with httpx.AsyncClient(timeout=5) as http:
        first = await http.get(url)
        assert first.status_code == 200
        assert first.json() == {"ok": True, "in_flight": 0}
        runtime.store.problem = "disk I/O error"
        broken = await poll(http, url, 503)
        assert broken.status_code == 503
        assert broken.json() == {"ok": False, "reason": "disk I/O error"}
        runtime.store.problem = None
        assert (await poll(http, url, 200)).status_code == 200


async def test_probes_faster_than_once_a_second_reuse_the_last_check(served):
    url, runtime = served
    async with httpx.AsyncClient(timeout=5) as http:
        started = time.monotonic()
        answers = [await http.get(url) for _ in range(40)]
        elapsed = time.monotonic() - started
    assert {a.status_code for a in answers} == {200}
    assert runtime.store.checks <= elapsed + 1.5, (runtime.store.checks, elapsed)


async def test_a_store_with_write_problem_only_is_read_from_the_attribute(served):
    url, runtime = served
    runtime.store = SimpleNamespace(write_problem="database is full")
    async with httpx.AsyncClient(timeout=5) as http:
        answer = await poll(http, url, 503)
    assert answer.json() == {"ok": False, "reason": "database is full"}


async def test_a_write_check_that_raises_is_a_503_not_a_500(served):
    url, runtime = served

    async def broken() -> str | None:
        raise OSError("gone")

    runtime.store = SimpleNamespace(check_writable=broken)
    async with httpx.AsyncClient(timeout=5) as http:
        answer = await poll(http, url, 503)
    assert answer.json() == {"ok": False, "reason": "write check failed: OSError"}


def chattr(flag: str, *paths: Path) -> None:
    subprocess.run(["chattr", flag, *map(str, paths)], check=True, capture_output=True)


@pytest.mark.skipif(
    not hasattr(Store, "check_writable"), reason="needs the store's check_writable()"
)
@pytest.mark.skipif(shutil.which("chattr") is None, reason="needs chattr")
def test_an_unwritable_database_under_the_running_app_turns_healthz_503(app_env, tmp_path):
    process = AppProcess(app_env, cwd=tmp_path).start()
    db = Path(app_env["DATABASE_URL"].removeprefix("sqlite:///"))
    files = [p for p in (db, db.with_name(db.name + "-wal")) if p.exists()]
    url = process.url + "/healthz"
    try:
        chattr("+i", *files)  # even root cannot write an immutable file
        broken = eventually(
            lambda: (r := httpx.get(url, timeout=10)).status_code == 503 and r, what="a 503"
        )
        assert broken.json()["ok"] is False and broken.json()["reason"]
        chattr("-i", *files)
        eventually(lambda: httpx.get(url, timeout=10).status_code == 200, what="200 again")
        assert "Traceback" not in process.logs()
    finally:
        chattr("-i", *files)
        process.stop()
