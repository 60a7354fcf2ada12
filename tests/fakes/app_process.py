"""Run the real app (`python app.py`) as a subprocess, for end-to-end tests and benchmarks.

The app runs with exactly the environment it is given (plus what Python itself needs), from
a temporary working directory so that a developer's `.env` in the repository never leaks into
a test. Its stdout and stderr go to one file, readable at any time with `logs()`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import httpx

if TYPE_CHECKING:
    from tests.fakes.slack import FakeSlack
    from tests.fakes.zoom import FakeZoom

REPO_ROOT = Path(__file__).resolve().parents[2]

# The only variables taken from the test runner's environment: what Python and the OS need.
# Anything else (a stray SLACK_APP_TOKEN, say) would change how the app runs.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")


class AppFailedToStart(RuntimeError):
    """The app exited or did not answer GET /healthz in time. `str()` includes its output."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# What the app logs when something went wrong that nobody planned for: a traceback (logged
# with an exception or printed by Python) or bot/scheduling.py's "unexpected failure for …".
LOG_PROBLEMS = ("Traceback", "unexpected failure")


class AppProcess:
    """`python <repo>/app.py` with `env`; `start()` returns once GET /healthz answers 200.

    It runs in `cwd` (default: a temporary directory, removed when this object is collected);
    its output goes to `log_path` there.

    `PORT` is chosen (a free loopback port) when `env` has none, and kept across `restart()`.
    `ready_seconds` is the time from spawning the process to the first 200 from /healthz.

    When `AppProcess.started` is a list (the tests' conftest makes it one), every started app
    is appended to it, so that a fixture can read each app's `new_log_problems()`.
    """

    started: ClassVar[list[AppProcess] | None] = None

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        args: tuple[str, ...] = (),
        cwd: str | Path | None = None,
        app_path: str | Path | None = None,
    ) -> None:
        self.env = dict(env)
        self.env.setdefault("PORT", str(free_port()))
        self.host = self.env.get("HOST") or "127.0.0.1"
        if self.host in ("0.0.0.0", "::"):
            self.host = "127.0.0.1"
        self.args = args
        if cwd:
            self._workdir = Path(cwd)
        else:
            self._workdir = Path(tempfile.mkdtemp(prefix="zoombot-app-"))
            # Ours to remove, once nobody can read logs() from it any more.
            weakref.finalize(self, shutil.rmtree, self._workdir, ignore_errors=True)
        self.app_path = Path(app_path) if app_path else REPO_ROOT / "app.py"
        self.log_path = self._workdir / "app.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: object | None = None
        self._peak_rss_kib = 0
        self.ready_seconds: float | None = None
        self.returncode: int | None = None
        self._scanned = 0  # bytes of the log already read by new_log_problems()

    # -- where it is -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self.env["PORT"])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the app has not been started")
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- life ------------------------------------------------------------------------------

    def _child_env(self) -> dict[str, str]:
        child = {k: os.environ[k] for k in _INHERITED if k in os.environ}
        child.update(self.env)
        child["PYTHONUNBUFFERED"] = "1"
        child["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), self.env.get("PYTHONPATH", "")) if p
        )
        return child

    def start(self, timeout: float = 20.0) -> AppProcess:
        """Spawn the app and wait until GET /healthz answers 200 (at most `timeout` seconds).

        Raises AppFailedToStart with the app's output if it exits or is not ready in time
        (the process is killed then).
        """
        if self.running:
            raise RuntimeError("the app is already running")
        self.returncode = None
        if AppProcess.started is not None and self not in AppProcess.started:
            AppProcess.started.append(self)
        log = open(self.log_path, "ab")  # closed in stop() or when start fails
        self._log_file = log
        started = time.monotonic()
        self._process = subprocess.Popen(
            [sys.executable, str(self.app_path), *self.args],
            cwd=self._workdir,
            env=self._child_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = started + timeout
        last = "no answer"
        with httpx.Client(timeout=1.0, verify=False) as http:  # plain HTTP: no CA load
            while True:
                code = self._process.poll()
                if code is not None:
                    self._close_log()
                    self.returncode = code
                    raise AppFailedToStart(
                        f"the app exited with {code} before it was ready:\n{self.logs()}"
                    )
                try:
                    answer = http.get(self.url + "/healthz")
                    if answer.status_code == 200:
                        break
                    last = f"{answer.status_code} {answer.text[:200]}"
                except httpx.TransportError as e:
                    last = f"no answer ({type(e).__name__})"  # not listening yet
                if time.monotonic() >= deadline:
                    self._kill()
                    raise AppFailedToStart(
                        f"the app did not answer GET /healthz with 200 within {timeout} s "
                        f"(last: {last}); its output:\n{self.logs()}"
                    )
                time.sleep(0.02)
        self.ready_seconds = time.monotonic() - started
        self._record_rss()
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Send `sig`, wait up to `timeout` seconds, then SIGKILL. Returns the exit code.

        Stopping a stopped app returns its last exit code.
        """
        if self._process is None:
            return self.returncode if self.returncode is not None else 0
        if self._process.poll() is None:
            self._record_rss()
            self._process.send_signal(sig)
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        self.returncode = self._process.returncode
        self._process = None
        self._close_log()
        return self.returncode

    def restart(self, timeout: float = 20.0) -> AppProcess:
        """Stop (SIGTERM) and start again on the same port with the same environment."""
        self.stop()
        return self.start(timeout)

    def _kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(5)
        if self._process is not None:
            self.returncode = self._process.returncode
        self._process = None
        self._close_log()

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()  # type: ignore[attr-defined]
            self._log_file = None

    def __enter__(self) -> AppProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what it did -----------------------------------------------------------------------

    def logs(self) -> str:
        """Everything the app printed so far (stdout and stderr, over all its starts)."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_until_idle(self, timeout: float = 15.0, *, polls: int = 1) -> bool:
        """Poll GET /healthz until it says nothing is in flight on `polls` polls in a row;
        False if that did not happen within `timeout` seconds. A stopped app is idle."""
        deadline = time.monotonic() + timeout
        quiet = 0
        # One client for every poll, and one that loads no CA certificates (the app is plain
        # HTTP on loopback): building a verifying TLS context costs tens of ms of CPU, which
        # the benchmarks' harness would take from the app it measures.
        with httpx.Client(timeout=2, verify=False) as client:
            while time.monotonic() < deadline:
                try:
                    answer = client.get(f"{self.url}/healthz")
                    idle = answer.status_code == 200 and answer.json().get("in_flight") == 0
                except httpx.HTTPError:
                    if not self.running:
                        return True
                    idle = False
                quiet = quiet + 1 if idle else 0
                if quiet >= polls:
                    return True
                time.sleep(0.02)
        return False

    def wait_for_log(self, text: str, timeout: float = 5.0) -> str:
        """Poll the output until `text` appears; returns the output. AssertionError otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            out = self.logs()
            if text in out:
                return out
            if time.monotonic() >= deadline:
                raise AssertionError(f"{text!r} not in the app's output within {timeout} s:\n{out}")
            time.sleep(0.02)

    def new_log_problems(self, max_lines: int = 40) -> list[str]:
        """The lines logged since the last call that show something went wrong unplanned.

        Each line with a `LOG_PROBLEMS` phrase, and after a "Traceback" its indented frames and
        the exception line; [] when there are none. While the app runs, a last line not yet
        ended by a newline is left for the next call.
        """
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self._scanned)
                data = log.read()
        except FileNotFoundError:
            return []
        if self.running:
            data = data[: data.rfind(b"\n") + 1]
        self._scanned += len(data)
        lines = data.decode(errors="replace").splitlines()
        found: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if not any(phrase in line for phrase in LOG_PROBLEMS):
                continue
            found.append(line)
            if "Traceback" in line:
                # The frames (indented) up to and including the exception's own line.
                while i < len(lines) and (not lines[i] or lines[i][0].isspace()):
                    found.append(lines[i])
                    i += 1
                if i < len(lines):
                    found.append(lines[i])
                    i += 1
        if len(found) > max_lines:
            found = [*found[:max_lines], f"… and {len(found) - max_lines} more lines"]
        return found

    def _record_rss(self) -> None:
        if self._process is None:
            return
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self._peak_rss_kib = max(self._peak_rss_kib, int(line.split()[1]))

    def peak_rss_kib(self) -> int:
        """The app's peak resident memory in KiB (VmHWM), read now if it runs, else at its stop.

        0 where /proc is not available.
        """
        self._record_rss()
        return self._peak_rss_kib


def make_app_env(
    slack: FakeSlack, zoom: FakeZoom, database_dir: Path, **overrides: str
) -> dict[str, str]:
    """The environment of an app talking to `slack` and `zoom`, with its database in a dir.

    HTTP mode (no SLACK_APP_TOKEN), on loopback, logging at DEBUG so the secret-leak tests
    see everything; `overrides` change or add settings. AppProcess adds a free PORT.
    """
    return {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
        "ZOOM_ACCOUNT_ID": zoom.account_id,
        "ZOOM_CLIENT_ID": zoom.client_id,
        "ZOOM_CLIENT_SECRET": zoom.client_secret,
        "ZOOM_API_URL": zoom.api_url,
        "ZOOM_OAUTH_URL": zoom.oauth_url,
        "DATABASE_URL": f"sqlite:///{database_dir / 'zoombot.db'}",
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "DEBUG",
        # Zoom events (POST /zoom/events) verified with the fake's secret.
        "ZOOM_WEBHOOK_SECRET_TOKEN": zoom.webhook_secret,
        **overrides,
    }
