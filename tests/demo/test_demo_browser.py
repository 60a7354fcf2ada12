"""`make demo` in a real browser: the demo runner (a subprocess, as `make demo` starts it)
driven in headless Chromium through Playwright, checking what a person would see.

Chromium is Debian's (`/usr/bin/chromium`; `.ci/run` installs it in CI): Playwright's own
browser download does not work everywhere, so it is launched with `executable_path`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.fakes.app_process import REPO_ROOT, free_port

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Set to a path to refresh the README's screenshot: ZOOMBOT_DEMO_SCREENSHOT=docs/demo.png
SCREENSHOT = os.environ.get("ZOOMBOT_DEMO_SCREENSHOT")

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"needs chromium at {CHROMIUM} (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="needs chromium driven by playwright (pip install -e '.[dev]')"
)
expect = sync_api.expect


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    """`python demo/run.py --no-browser --port N`, until its page answers."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="zoombot-demo-", suffix=".log", delete=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ZOOM"))}
    process = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "demo" / "run.py"), "--no-browser", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    try:
        while True:
            if process.poll() is not None:
                raise AssertionError(f"demo/run.py exited:\n{Path(log.name).read_text()}")
            try:
                if httpx.get(url + "api/state", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the demo page never answered:\n{Path(log.name).read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
        os.unlink(log.name)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    profile = tempfile.mkdtemp(prefix="zoombot-chromium-")
    with sync_api.sync_playwright() as playwright:
        # A persistent context gives Chromium its own new, empty --user-data-dir.
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1100, "height": 760},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def test_a_person_schedules_cancels_and_watches_a_meeting_live(demo_url: str, browser) -> None:
    page = browser.new_page()
    page.set_default_timeout(15_000)  # every action and expectation polls up to this
    expect.set_options(timeout=15_000)
    page.goto(demo_url + "?as=U0ALEX")
    expect(page.locator("#zone")).to_have_text("Times shown in America/New_York")

    # The slash command: the channel gets the message, the person a private confirmation.
    page.fill("#message-box", "/zoom tomorrow 3pm design review")
    page.press("#message-box", "Enter")
    first = page.locator(".message", has_text="design review").first
    expect(first).to_contain_text("Tomorrow at 3:00 PM")
    expect(first.get_by_role("link", name="Join")).to_have_attribute("href", re.compile("zoom"))
    expect(first.get_by_role("link", name="Add to Google Calendar")).to_be_visible()
    # "Download .ics" is served by the app itself (ZOOMBOT_PUBLIC_URL is its own address).
    ics = httpx.get(str(first.get_by_role("link", name="Download .ics").get_attribute("href")))
    assert ics.status_code == 200 and "BEGIN:VCALENDAR" in ics.text, ics.text[:300]
    expect(page.locator("#notes")).to_contain_text("Created design review")
    expect(page.locator("#notes")).to_contain_text("Only visible to you")

    # The same message in Kenji's zone (4 or 5 AM in Tokyo, by New York's daylight saving).
    new_york = datetime.now(ZoneInfo("America/New_York"))
    three_pm = datetime.combine(new_york.date() + timedelta(days=1), dt_time(15), new_york.tzinfo)
    tokyo = three_pm.astimezone(ZoneInfo("Asia/Tokyo"))
    page.select_option("#viewer", "U0KENJI")
    expect(page.locator("#zone")).to_have_text("Times shown in Asia/Tokyo")
    expect(first).to_contain_text(f"at {tokyo.hour % 12 or 12}:00 AM")
    page.select_option("#viewer", "U0ALEX")

    # The meeting starts in Zoom: the message says it is live.
    # (`.block`: the message's own blocks, not the demo's "Zoom side" buttons under it.)
    first.get_by_role("button", name="Meeting started").click()
    expect(first.locator(".block", has_text="Live")).to_contain_text("nobody in yet")

    # The scheduling modal: fill the topic, submit, see a second message.
    page.click("#schedule")
    modal = page.locator("#modal .dialog")
    expect(modal).to_contain_text("Schedule a Zoom meeting")
    modal.get_by_role("button", name="Schedule").click()  # no topic: the app says so there
    expect(modal.locator('[data-block="topic"] .error')).to_be_visible()
    modal.locator('[data-block="topic"] input').fill("Q3 roadmap & <planning>")
    modal.get_by_role("button", name="Schedule").click()
    expect(page.locator("#modal")).to_be_hidden()
    second = page.locator(".message", has_text="Q3 roadmap & <planning>")
    expect(second).to_have_count(1)  # shown as typed, not as markup
    expect(second.get_by_role("link", name="Join")).to_be_visible()
    expect(page.locator("#notes")).to_contain_text("Created Q3 roadmap & <planning>")
    if SCREENSHOT:
        page.set_viewport_size({"width": 1180, "height": 1180})
        page.evaluate("document.querySelector('#messages').scrollTop = 0")
        page.screenshot(path=SCREENSHOT)

    # Ana may not cancel Alex's meeting: she alone is told so.
    page.select_option("#viewer", "U0ANA")
    expect(page.locator("#zone")).to_have_text("Times shown in Europe/London")
    second.get_by_role("button", name="Cancel").click()
    page.locator("#confirm").get_by_role("button", name="Cancel meeting").click()
    expect(page.locator("#notes")).to_contain_text("Only the person")
    page.select_option("#viewer", "U0ALEX")
    expect(page.locator("#notes")).not_to_contain_text("Only the person")

    # The first meeting ends: how long it lasted, and no buttons any more.
    first.get_by_role("button", name="Meeting ended").click()
    expect(first.locator(".block", has_text="lasted")).to_have_count(1)
    expect(first.get_by_role("link", name="Join")).to_have_count(0)

    # Cancel (after Slack's confirmation): the message says who cancelled it.
    second.get_by_role("button", name="Cancel").click()
    expect(page.locator("#confirm")).to_contain_text("Cancel this meeting?")
    page.locator("#confirm").get_by_role("button", name="Cancel meeting").click()
    expect(second).to_contain_text("Cancelled")
    expect(second).to_contain_text("@Alex Morgan")
    expect(second.get_by_role("button", name="Cancel")).to_have_count(0)
