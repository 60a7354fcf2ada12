"""The app refuses a store it cannot use, at start, with exit code 2 and one sentence naming
DATABASE_URL (issue 11, bullet 3): a file that is not a database, a directory it cannot
write, and a file another zoombot is using, while that first zoombot keeps working."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.store_files import read_only, writable_again
from tests.app.support import eventually, posts_to, texts, wait_created
from tests.fakes.app_process import AppFailedToStart, AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import SlackSender


def refused(env: dict[str, str], workdir: Path) -> tuple[int | None, str]:
    """Start an app expected to refuse: its exit code and output."""
    process = AppProcess(env, cwd=workdir)
    with pytest.raises(AppFailedToStart):
        process.start(timeout=20)
    return process.returncode, process.logs()


def assert_one_sentence(output: str, *phrases: str) -> None:
    assert "Traceback" not in output
    [line] = [line for line in output.splitlines() if "zoombot cannot start" in line]
    assert "DATABASE_URL" in line
    for phrase in phrases:
        assert phrase in line, line


def test_a_file_that_is_not_a_database_ends_the_app_with_code_2(app_env, tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"meeting notes, not a database\n" * 300)
    env = {**app_env, "DATABASE_URL": f"sqlite:///{path}"}
    code, output = refused(env, tmp_path)
    assert code == 2, output
    assert_one_sentence(output, str(path), "is not a SQLite database")


def test_a_directory_zoombot_cannot_write_ends_the_app_with_code_2(app_env, tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    env = {**app_env, "DATABASE_URL": f"sqlite:///{folder / 'zoombot.db'}"}
    workdir = tmp_path / "run"
    workdir.mkdir()
    read_only(folder)
    try:
        code, output = refused(env, workdir)
    finally:
        writable_again(folder)
    assert code == 2, output
    assert_one_sentence(output, "cannot write")


def test_a_second_zoombot_on_the_same_file_is_refused_and_the_first_keeps_working(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()
    first = AppProcess(app_env, cwd=first_dir).start()
    try:
        code, output = refused(dict(app_env), second_dir)  # its own PORT, the same file
        assert code == 2, output
        assert_one_sentence(output, "another zoombot", f"(process {first.pid})")
        # The first one still serves: a command makes one meeting, posted once.
        ana = person()
        with SlackSender(first.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            assert sender.command("now Still here", ana.slack_id).status_code == 200
        wait_created(fake_zoom)
        [post] = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
        [meeting] = fake_zoom.meetings.values()
        assert meeting["join_url"] in texts(post.params)
        assert first.running
    finally:
        first.stop()
    # Once the first has stopped, the file is free again.
    again = AppProcess(app_env, cwd=second_dir).start()
    again.stop()
