"""The store is honest about itself (issue 11, bullet 3), at the store's own level.

At open: a file that is not a database, one that cannot be written and one another zoombot
holds are refused with StoreRefused, one sentence naming DATABASE_URL. While running: a
failed statement raises StoreUnavailable, `write_problem` says why until a write works
again, and `check_writable()` makes a real write to find out. (PostgreSQL's own failures:
tests/store_pg/test_failures.py.)
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import StoreRefused, StoreUnavailable
from bot.store import SQLiteStore, open_store
from tests.app.store_backends import backend  # noqa: F401 - the fixture
from tests.app.store_files import overwrite_pages, read_only, writable_again

REPO = Path(__file__).resolve().parents[2]


def url(path: Path) -> str:
    return f"sqlite:///{path}"


# -- at open ---------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path):
    path = tmp_path / "zoombot.db"
    path.write_bytes(b"these are someone's notes, not a database\n" * 200)
    with pytest.raises(StoreRefused) as refused:
        open_store(url(path))
    sentence = refused.value.sentence
    assert "DATABASE_URL" in sentence and str(path) in sentence
    assert "is not a SQLite database" in sentence
    assert "\n" not in sentence
    # The file is left as it was, and the lock was let go: a good file opens at once.
    assert path.read_bytes().startswith(b"these are someone's notes")
    open_store(url(tmp_path / "other.db")).close()


def test_a_database_with_overwritten_pages_is_refused(tmp_path: Path):
    path = tmp_path / "zoombot.db"
    SQLiteStore(path).close()
    overwrite_pages(path)
    with pytest.raises(StoreRefused) as refused:
        open_store(url(path))
    assert "is a corrupted SQLite database" in (refused.value.sentence)


def test_a_read_only_database_file_is_refused(tmp_path: Path):
    path = tmp_path / "zoombot.db"
    SQLiteStore(path).close()
    read_only(path)
    try:
        with pytest.raises(StoreRefused) as refused:
            open_store(url(path))
    finally:
        writable_again(path)
    sentence = refused.value.sentence
    assert "DATABASE_URL" in sentence and "cannot write" in sentence
    assert "read-only" in sentence


def test_a_new_database_in_a_read_only_directory_is_refused(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    read_only(folder)
    try:
        with pytest.raises(StoreRefused) as refused:
            open_store(url(folder / "zoombot.db"))
    finally:
        writable_again(folder)
    assert "DATABASE_URL" in refused.value.sentence
    assert "cannot write" in refused.value.sentence


def test_a_second_store_on_the_same_file_is_refused_until_the_first_closes(tmp_path: Path):
    path = tmp_path / "zoombot.db"
    first = open_store(url(path))
    try:
        with pytest.raises(StoreRefused) as refused:
            open_store(url(path))
        assert "another zoombot" in refused.value.sentence
        assert "DATABASE_URL" in refused.value.sentence
    finally:
        first.close()
    open_store(url(path)).close()


def test_the_lock_goes_with_a_process_killed_outright(tmp_path: Path):
    path = tmp_path / "zoombot.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from bot.store import open_store;"
            f" open_store({url(path)!r}); print('open', flush=True); time.sleep(60)",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreRefused) as refused:
            open_store(url(path))
        assert f"(process {holder.pid})" in refused.value.sentence
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    open_store(url(path)).close()  # no stale lock: the OS let it go with the process


def test_anything_but_a_sqlite_url_is_refused_for_now():
    with pytest.raises(StoreRefused) as refused:
        open_store("postgresql://db.example/zoombot")
    assert "DATABASE_URL" in refused.value.sentence


# -- while running -------------------------------------------------------------------------


async def test_a_full_disk_fails_the_write_says_so_and_clears_when_writes_work(tmp_path: Path):
    store = SQLiteStore(tmp_path / "zoombot.db")
    try:
        assert store.write_problem is None and await store.check_writable() is None
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk has no more room
        with pytest.raises(StoreUnavailable) as failed:
            for n in range(100):
                await store.record_meeting({"zoom_id": n, "requester": "U1", "topic": "x" * 2000})
        assert "the disk is full" in failed.value.sentence
        assert store.write_problem == "the disk is full"
        # Nothing half-written: the failed transaction left no row of itself.
        count = store.db.execute("SELECT count(*) FROM meetings").fetchone()[0]
        assert all([await store.meeting(n) for n in range(count)])
        store.db.execute("PRAGMA max_page_count = 1000000")  # room again
        await store.record_meeting({"zoom_id": 999, "requester": "U1"})
        assert store.write_problem is None
    finally:
        store.close()


async def test_a_locked_database_is_reported_by_check_writable(tmp_path: Path):
    path = tmp_path / "zoombot.db"
    store = SQLiteStore(path, busy_timeout=0.1)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # someone else holds the write lock
        assert await store.check_writable() == "the database is locked"
        assert store.write_problem == "the database is locked"
        with pytest.raises(StoreUnavailable, match="the database is locked"):
            await store.claim_request("command:T1")
        other.execute("ROLLBACK")
        assert await store.check_writable() is None
        assert store.write_problem is None
        assert await store.claim_request("command:T1") is None
    finally:
        other.close()
        store.close()


async def test_pages_overwritten_under_a_running_store_fail_reads_and_writes(tmp_path: Path):
    path = tmp_path / "zoombot.db"
    store = SQLiteStore(path)
    try:
        for n in range(300):
            await store.record_meeting({"zoom_id": n, "requester": "U1", "topic": "x" * 200})
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        overwrite_pages(path)
        # Another connection's commit makes the store's connection read the file again.
        with sqlite3.connect(path, isolation_level=None) as other:
            other.execute("PRAGMA user_version = 7")
        with pytest.raises(StoreUnavailable, match="corrupted"):
            await store.meetings_by("U1")
        with pytest.raises(StoreUnavailable, match="corrupted"):
            await store.record_meeting({"zoom_id": 1000, "requester": "U2"})
        assert store.write_problem == "the database file is corrupted"
        assert await store.check_writable() == "the database file is corrupted"
    finally:
        store.close()


async def test_a_working_store_says_so_on_either_backend(backend):  # noqa: F811
    store = await backend.open()
    assert store.backend == backend.name
    assert await store.check_writable() is None and store.write_problem is None
    assert await store.meeting_passcodes() == []
