"""Shared fixtures: the fake Slack and fake Zoom servers, the app as a subprocess, people.

- `fake_slack`, `fake_zoom`: one server each for the whole session, reset before each test
  that asks for them (calls, users, meetings and scripts forgotten; credentials kept).
- `app_env`: the environment for a fresh app pointing at the fakes, with its own database.
- `app`: the app, one process (and database) per test module. `sender` speaks to it as Slack.
- `person(...)`: a fresh Slack user (and a Zoom user with the same email) per call, so that
  tests sharing a module's app never share a cached profile.
- Every app a test starts (the `app` fixture's or its own `AppProcess`) has its log read after
  the test: a traceback or an "unexpected failure" line logged meanwhile fails that test, with
  the lines shown. A test that provokes them on purpose says so with
  `@pytest.mark.allow_app_errors("why")`.

Skip reasons that `.ci/run` looks for (a CI run where they skip fails): tests that read
../shared name it, "contract", "OpenAPI", "corpus" or "manifest schema"; a test that needs the
openssl command starts its reason with "needs openssl"; one that needs a module that may be
missing, with "needs optional import". When ../shared is missing, one loud line says so at the
end of the run.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from tests.fakes.app_process import AppProcess, make_app_env
from tests.fakes.slack import FakeSlack, new_id
from tests.fakes.slack_requests import SlackSender

if TYPE_CHECKING:
    from tests.fakes.zoom import FakeZoom
    from zoom import ZoomClient

SLACK_BOT_TOKEN = "xoxb-test-1111111111-2222222222-zoombotTestToken"
SLACK_SIGNING_SECRET = "test-signing-secret-5f1c0a"
ZOOM_ACCOUNT_ID = "acct-test"
ZOOM_CLIENT_ID = "cid-test"
ZOOM_CLIENT_SECRET = "zoom-secret-test-9d3e"


# -- what did not run ----------------------------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
# The skip reasons of the tests that read ../shared (.ci/run greps for the same words).
NEEDS_SHARED = re.compile(r"contract|OpenAPI|corpus|manifest schema|\.\./shared")


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    return longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    missed = sum(1 for r in skipped if NEEDS_SHARED.search(_skip_reason(r)))
    if missed:
        terminalreporter.write_sep(
            "!",
            f"../shared is missing: {missed} tests that check Zoom's "
            "contract, the phrase corpus and Slack's manifest schema were skipped"
            if not SHARED.is_dir()
            else f"../shared is incomplete: {missed} tests that check Zoom's contract, the "
            "phrase corpus and Slack's manifest schema were skipped",
            red=True,
            bold=True,
        )


# -- the fakes ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    slack = FakeSlack(bot_token=SLACK_BOT_TOKEN, signing_secret=SLACK_SIGNING_SECRET).start()
    yield slack
    slack.stop()


@pytest.fixture(scope="session")
def fake_zoom_server() -> Iterator[FakeZoom]:
    # Imported here so the Slack-side tests run even where the fake Zoom is not built.
    try:
        from tests.fakes.zoom import FakeZoom
    except ImportError as e:  # pragma: no cover - only while tests/fakes/zoom is being written
        pytest.skip(f"needs optional import tests.fakes.zoom.FakeZoom: {e}")
    zoom = FakeZoom(
        account_id=ZOOM_ACCOUNT_ID, client_id=ZOOM_CLIENT_ID, client_secret=ZOOM_CLIENT_SECRET
    ).start()
    yield zoom
    zoom.stop()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> FakeSlack:
    fake_slack_server.reset()
    return fake_slack_server


@pytest.fixture
def fake_zoom(fake_zoom_server: FakeZoom) -> FakeZoom:
    fake_zoom_server.reset()
    return fake_zoom_server


@pytest.fixture
async def zoom(fake_zoom: FakeZoom) -> AsyncIterator[ZoomClient]:
    """A Zoom client on the fake (tests/zoom has its own, which records waits)."""
    from zoom import ZoomClient

    client = ZoomClient(
        fake_zoom.account_id,
        fake_zoom.client_id,
        fake_zoom.client_secret,
        api_url=fake_zoom.api_url,
        oauth_url=fake_zoom.oauth_url,
        timeout=5.0,
    )
    yield client
    await client.aclose()


# -- the app -----------------------------------------------------------------------------------

# Every AppProcess started from now on is listed, for `app_logs_are_clean`.
AppProcess.started = []


def _app_log_problems() -> str:
    """What every listed app logged wrong since the last look; stopped apps are then dropped."""
    started = AppProcess.started or []
    report = []
    for process in list(started):
        lines = process.new_log_problems()
        if lines:
            report.append(f"the app at {process.url} (log {process.log_path}):")
            report.extend("    " + line for line in lines)
        if not process.running:
            started.remove(process)
    return "\n".join(report)


@pytest.fixture(autouse=True)
def app_logs_are_clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test after which an app's log has a traceback or an "unexpected failure".

    Autouse, so torn down after the test's other fixtures (`sender` waits for the app to be
    idle first). What an app logged before the test (its start, for a module's app) counts
    as this test's too."""
    yield
    problems = _app_log_problems()
    marker = request.node.get_closest_marker("allow_app_errors")
    if marker is not None:
        assert marker.args and marker.args[0], "allow_app_errors needs a reason"
        return
    if problems:
        pytest.fail(
            "the app logged a traceback or an unexpected failure during this test:\n" + problems,
            pytrace=False,
        )


@pytest.fixture
def app_env(
    fake_slack_server: FakeSlack, fake_zoom_server: FakeZoom, tmp_path: Path
) -> dict[str, str]:
    """A fresh environment (new database) for a test that starts its own AppProcess."""
    return make_app_env(fake_slack_server, fake_zoom_server, tmp_path)


@pytest.fixture(scope="module")
def app(
    request: pytest.FixtureRequest,
    fake_slack_server: FakeSlack,
    fake_zoom_server: FakeZoom,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[AppProcess]:
    """The app, started once per test module with its own database; stopped with SIGTERM.

    A traceback it logs while stopping fails the module's last test (unless the module is
    marked `allow_app_errors`)."""
    workdir = tmp_path_factory.mktemp("app")
    env = make_app_env(fake_slack_server, fake_zoom_server, workdir)
    process = AppProcess(env, cwd=workdir).start()
    yield process
    process.stop()
    problems = process.new_log_problems()
    if AppProcess.started and process in AppProcess.started:
        AppProcess.started.remove(process)
    if problems and request.node.get_closest_marker("allow_app_errors") is None:
        pytest.fail(
            "the module's app logged a traceback or an unexpected failure while stopping:\n"
            + "\n".join(problems),
            pytrace=False,
        )


@pytest.fixture
def sender(app: AppProcess, fake_slack: FakeSlack) -> Iterator[SlackSender]:
    """Signed requests to `app`, with response URLs and trigger ids `fake_slack` accepts."""
    with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as s:
        yield s
    # The app is shared by the module: let this test's background work end before the next
    # test resets the fakes, or its late posts would land among the next test's calls.
    wait_until_idle(app)


def wait_until_idle(app: AppProcess, timeout: float = 15.0) -> None:
    """Wait until nothing is in flight on two polls in a row; AssertionError otherwise."""
    if not app.wait_until_idle(timeout, polls=2):
        raise AssertionError(f"the app still had work in flight {timeout} s after the test")


# -- people ------------------------------------------------------------------------------------

_serial = itertools.count(1)


@dataclass(frozen=True)
class Person:
    """A Slack user (and unless made without, a Zoom user with the same email)."""

    slack_id: str
    name: str
    email: str
    tz: str | None
    zoom_id: str | None
    slack_user: dict[str, Any]
    zoom_user: dict[str, Any] | None

    @property
    def mention(self) -> str:
        return f"<@{self.slack_id}>"


class PersonFactory(Protocol):
    def __call__(
        self,
        *,
        tz: str | None = "America/Denver",
        zoom: bool = True,
        email: str | None = None,
        zoom_email: str | None = None,
        zoom_status: str = "active",
        name: str | None = None,
        **slack: Any,
    ) -> Person: ...


@pytest.fixture
def person(request: pytest.FixtureRequest, fake_slack: FakeSlack) -> PersonFactory:
    """Make a fresh person: `person(tz="Europe/Berlin", zoom=False, is_admin=True, ...)`.

    `zoom=False` makes no Zoom user; `zoom_email` gives the Zoom user a different email than
    Slack's; `email=None` keeps a generated unique one. Other keywords go to
    `FakeSlack.add_user` (is_admin, is_owner, is_restricted, is_ultra_restricted, deleted,
    is_bot, real_name, display_name).
    """

    def make(
        *,
        tz: str | None = "America/Denver",
        zoom: bool = True,
        email: str | None = None,
        zoom_email: str | None = None,
        zoom_status: str = "active",
        name: str | None = None,
        **slack: Any,
    ) -> Person:
        n = next(_serial)
        name = name or f"person{n}.{secrets.token_hex(2)}"
        email = email or f"{name}@example.com"
        slack_id = new_id("U")
        slack_user = fake_slack.add_user(slack_id, name=name, email=email, tz=tz, **slack)
        zoom_user = None
        if zoom:
            # Asked for only here, so people without Zoom need no fake Zoom.
            fake_zoom: FakeZoom = request.getfixturevalue("fake_zoom")
            first, _, last = name.partition(".")
            zoom_user = fake_zoom.add_user(
                zoom_email or email,
                first_name=first.title(),
                last_name=last.title(),
                status=zoom_status,
                timezone=tz,
            )
        return Person(
            slack_id=slack_id,
            name=name,
            email=email,
            tz=tz,
            zoom_id=zoom_user["id"] if zoom_user else None,
            slack_user=slack_user,
            zoom_user=zoom_user,
        )

    return make
