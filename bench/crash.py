"""Crash campaign: people type `/zoom` while the app is killed and restarted under them.

Starts the fake Zoom and the fake Slack on loopback and the real app (`python app.py`) as a
subprocess, then fires signed `/zoom tomorrow 3pm crash test #N` commands (each from its own
person, with its own response URL and trigger id) from a thread, while the main thread
SIGKILLs the app at seeded random moments and starts it again. At the end the app runs
until every acknowledged command has been answered (or a deadline passes) and the counts
are printed:

- acknowledged: commands the app answered with HTTP 200 (Slack showed "Creating…");
- unanswered: acknowledged commands of which the requester saw nothing more (no post in the
  channel with their meeting, no response_url post, no ephemeral, no DM);
- doubled: commands Zoom holds two or more meetings for;
- double posts: channel posts of a meeting beyond its first, and where each came from
  (`double_post_sources`: the same outbox entry posted again, two outbox entries for one
  meeting, or the response_url fallback).

`--sigterm` instead measures one stop: `--commands` commands in flight while Zoom takes
`--zoom-latency` seconds (default 12) to answer, SIGTERM with the app's grace (10 s), a
restart, and how many finished within the grace, how many the next start settled, and how
long that took.

    python bench/crash.py [--seed 11] [--commands 120] [--kills 8] [--zoom-latency 0.3]
    python bench/crash.py --sigterm [--commands 30] [--zoom-latency 12] [--reconcile-after 60]

Prints figures; asserts nothing (tests/app/test_crash_campaign.py asserts on `campaign`).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.app_process import AppProcess, make_app_env
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack, new_id
from tests.fakes.slack_requests import signed_headers, slash_command_body
from tests.fakes.zoom import FakeZoom

_NUMBER = re.compile(r"crash test #(\d+)\b")


@dataclass
class Command:
    n: int
    user: str
    response_url: str
    status: int = 0
    acked_at: float = 0.0

    @property
    def text(self) -> str:
        return f"tomorrow 3pm crash test #{self.n}"


@dataclass
class Counts:
    """What a campaign measured."""

    commands: int = 0
    acknowledged: int = 0
    unanswered: int = 0
    doubled: int = 0
    double_posts: int = 0
    kills: int = 0
    meetings: int = 0
    settle_seconds: float = 0.0
    campaign_seconds: float = 0.0
    unanswered_numbers: list[int] = field(default_factory=list)
    # Where each double post came from: "same outbox entry" (an entry posted again after a
    # kill or an unknown outcome), "two outbox entries" (the meeting announced twice),
    # "response_url" (a copy through the in_channel fallback).
    double_post_sources: dict[str, int] = field(default_factory=dict)
    # --sigterm only
    finished_in_grace: int = 0
    settled_after_restart: int = 0
    stop_seconds: float = 0.0

    def report(self) -> str:
        return json.dumps(self.__dict__, indent=2)


def people(slack: FakeSlack, zoom: FakeZoom, count: int) -> list[str]:
    """`count` people who exist in both fakes; their Slack ids."""
    ids = []
    for i in range(count):
        slack_id = new_id("U")
        email = f"crash.user{i}.{slack_id.lower()}@example.com"
        slack.add_user(slack_id, name=f"crash.user{i}", email=email, tz="America/Denver")
        zoom.add_user(email, first_name="Crash", last_name=f"User{i}", timezone="America/Denver")
        ids.append(slack_id)
    return ids


def send(http: httpx.Client, app: AppProcess, secret: str, command: Command) -> None:
    """One signed command; its status (0 when the app was not there to answer)."""
    body = slash_command_body(
        command.text, user=command.user, channel=DEFAULT_CHANNEL, response_url=command.response_url
    )
    try:
        answer = http.post(
            app.events_url, content=body.encode(), headers=signed_headers(secret, body)
        )
        command.status = answer.status_code
    except httpx.HTTPError:
        command.status = 0
    command.acked_at = time.monotonic()


def _posted_texts(slack: FakeSlack) -> list[str]:
    """Every accepted channel post (chat.postMessage to the channel, in_channel responses)."""
    posts = [
        json.dumps(c.params)
        for c in slack.calls_to("chat.postMessage")
        if c.status == 200
        and (c.answer or {}).get("ok")
        and c.params.get("channel") == DEFAULT_CHANNEL
    ]
    posts += [
        json.dumps(p.body)
        for p in slack.response_posts
        if p.status == 200 and p.body.get("response_type") == "in_channel"
    ]
    return posts


def _channel_copies(slack: FakeSlack, join_url: str) -> list[str]:
    """Each accepted channel copy of a meeting: `outbox:<id>` (chat.postMessage with the
    meeting metadata), `postMessage` (without it) or `response_url`."""
    copies = []
    for c in slack.calls_to("chat.postMessage"):
        if (
            c.status == 200
            and (c.answer or {}).get("ok")
            and c.params.get("channel") == DEFAULT_CHANNEL
            and join_url in json.dumps(c.params)
        ):
            metadata = c.params.get("metadata")
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = None
            payload = (metadata or {}).get("event_payload") or {}
            outbox = payload.get("outbox_id")
            copies.append(f"outbox:{outbox}" if outbox else "postMessage")
    for p in slack.response_posts:
        if (
            p.status == 200
            and p.body.get("response_type") == "in_channel"
            and join_url in json.dumps(p.body)
        ):
            copies.append("response_url")
    return copies


def _source_of_extra(copies: list[str]) -> str:
    if "response_url" in copies:
        return "response_url"
    if len(set(copies)) < len(copies):
        return "same outbox entry"
    return "two outbox entries"


def answered(slack: FakeSlack, zoom: FakeZoom, commands: list[Command]) -> set[int]:
    """The numbers of the commands whose requester saw an answer."""
    seen: set[int] = set()
    by_url = {c.response_url: c.n for c in commands}
    by_user = {c.user: c.n for c in commands}
    for url in {p.url for p in slack.response_posts if p.status == 200}:
        if url in by_url:
            seen.add(by_url[url])
    for call in slack.calls_to("chat.postEphemeral") + slack.calls_to("chat.postMessage"):
        if call.status != 200 or not (call.answer or {}).get("ok"):
            continue
        target = call.params.get("user") or call.params.get("channel")
        if target in by_user:
            seen.add(by_user[target])
    posts = "\n".join(_posted_texts(slack))
    for meeting in list(zoom.meetings.values()):
        found = _NUMBER.search(str(meeting.get("topic", "")))
        if found and str(meeting["join_url"]).split("?")[0] in posts:
            seen.add(int(found.group(1)))
    return seen


def count(slack: FakeSlack, zoom: FakeZoom, commands: list[Command], counts: Counts) -> None:
    acked = [c for c in commands if c.status == 200]
    seen = answered(slack, zoom, commands)
    counts.commands = len(commands)
    counts.acknowledged = len(acked)
    counts.unanswered_numbers = sorted(c.n for c in acked if c.n not in seen)
    counts.unanswered = len(counts.unanswered_numbers)
    per_command = Counter(
        int(m.group(1))
        for meeting in list(zoom.meetings.values())
        if (m := _NUMBER.search(str(meeting.get("topic", ""))))
    )
    counts.meetings = sum(per_command.values())
    counts.doubled = sum(1 for n in per_command.values() if n > 1)
    posts = _posted_texts(slack)
    counts.double_posts = sum(
        max(0, sum(1 for p in posts if str(m["join_url"]).split("?")[0] in p) - 1)
        for m in list(zoom.meetings.values())
    )
    sources: Counter[str] = Counter()
    for m in list(zoom.meetings.values()):
        copies = _channel_copies(slack, str(m["join_url"]).split("?")[0])
        if len(copies) > 1:
            sources[_source_of_extra(copies)] += len(copies) - 1
    counts.double_post_sources = dict(sources)


def campaign(
    *,
    seed: int = 11,
    commands: int = 120,
    kills: int = 8,
    zoom_latency: float = 0.3,
    slack_latency: float = 0.1,
    senders: int = 4,
    settle: float = 60.0,
    workdir: Path | None = None,
    slack: FakeSlack | None = None,
    zoom: FakeZoom | None = None,
) -> Counts:
    """Fire `commands` commands while SIGKILLing the app `kills` times at seeded random
    moments; then let the last start settle and count. Fakes may be passed (tests)."""
    rng = random.Random(seed)
    began = time.monotonic()
    own = slack is None
    slack = slack or FakeSlack().start()
    zoom = zoom or FakeZoom().start()
    workdir = workdir or Path(tempfile.mkdtemp(prefix="zoombot-crash-"))
    counts = Counts()
    env = make_app_env(
        slack, zoom, workdir, LOG_LEVEL="INFO", ZOOMBOT_RECONCILE_AFTER="1", ZOOMBOT_STOP_GRACE="2"
    )
    users = people(slack, zoom, commands)
    zoom.latency = zoom_latency
    slack.latency = slack_latency
    todo = [Command(n + 1, users[n], slack.new_response_url()) for n in range(commands)]
    app = AppProcess(env, cwd=workdir)
    app.start(timeout=60)
    # Senders send while the app is up (Slack shows a person whose command met no app an
    # error of its own: that command was never acknowledged, so it proves nothing here).
    up = threading.Event()
    up.set()

    # Commands spread over the app's up time between kills (senders wait while it restarts).
    per_sender = max(1, commands // senders)
    pace = kills * 0.6 / per_sender

    def fire(mine: list[Command]) -> None:
        with httpx.Client(timeout=5.0) as http:
            for command in mine:
                up.wait()
                send(http, app, slack.signing_secret, command)
                time.sleep(rng_pause.uniform(0.0, 2 * pace))

    rng_pause = random.Random(seed + 1)
    threads = [
        threading.Thread(target=fire, args=(todo[k::senders],), daemon=True) for k in range(senders)
    ]
    try:
        for thread in threads:
            thread.start()
        while counts.kills < kills:
            time.sleep(rng.uniform(0.2, 1.0))
            up.clear()
            app.stop(sig=signal.SIGKILL)
            counts.kills += 1
            app.start(timeout=60)
            up.set()
        for thread in threads:
            thread.join()
        counts.settle_seconds = _settle(app, slack, zoom, todo, counts, settle)
    finally:
        _stop(app, slack, zoom, own)
    counts.campaign_seconds = round(time.monotonic() - began, 1)
    return counts


def sigterm(
    *,
    commands: int = 30,
    zoom_latency: float = 12.0,
    grace: float = 10.0,
    settle: float = 90.0,
    workdir: Path | None = None,
    slack: FakeSlack | None = None,
    zoom: FakeZoom | None = None,
    reconcile_after: float = 1.0,
) -> Counts:
    """`commands` commands in flight while Zoom is `zoom_latency` s slow; SIGTERM; restart;
    count what finished within the grace and what the next start settled, and how long."""
    own = slack is None
    slack = slack or FakeSlack().start()
    zoom = zoom or FakeZoom().start()
    workdir = workdir or Path(tempfile.mkdtemp(prefix="zoombot-sigterm-"))
    env = make_app_env(
        slack,
        zoom,
        workdir,
        LOG_LEVEL="INFO",
        ZOOMBOT_RECONCILE_AFTER=str(reconcile_after),
        ZOOMBOT_STOP_GRACE=str(grace),
    )
    users = people(slack, zoom, commands)
    todo = [Command(n + 1, users[n], slack.new_response_url()) for n in range(commands)]
    counts = Counts()
    app = AppProcess(env, cwd=workdir)
    app.start(timeout=60)
    try:
        zoom.latency = zoom_latency
        with httpx.Client(timeout=10.0) as http:
            threads = [
                threading.Thread(target=send, args=(http, app, slack.signing_secret, c))
                for c in todo
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        stopping = time.monotonic()
        app.stop(timeout=grace + 20)
        counts.stop_seconds = round(time.monotonic() - stopping, 1)
        count(slack, zoom, todo, counts)
        counts.finished_in_grace = counts.acknowledged - counts.unanswered
        zoom.latency = 0.0
        app.start(timeout=60)
        counts.settle_seconds = _settle(app, slack, zoom, todo, counts, settle)
        counts.settled_after_restart = (
            counts.acknowledged - counts.unanswered - counts.finished_in_grace
        )
    finally:
        _stop(app, slack, zoom, own)
    return counts


def _settle(
    app: AppProcess,
    slack: FakeSlack,
    zoom: FakeZoom,
    todo: list[Command],
    counts: Counts,
    settle: float,
) -> float:
    """Count until every acknowledged command is answered (at most `settle` seconds), let
    the app finish what it has in flight, count again. Returns the seconds it took until
    all were answered (or `settle`)."""
    started = time.monotonic()
    deadline = started + settle
    while time.monotonic() < deadline:
        count(slack, zoom, todo, counts)
        if counts.unanswered == 0:
            break
        time.sleep(0.2)
    seconds = round(time.monotonic() - started, 1)
    app.wait_until_idle(max(0.0, deadline - time.monotonic()))
    count(slack, zoom, todo, counts)
    return seconds


def _stop(app: AppProcess, slack: FakeSlack, zoom: FakeZoom, own: bool) -> None:
    zoom.latency = slack.latency = 0.0
    app.stop()
    if own:
        slack.stop()
        zoom.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--commands", type=int, default=None)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--zoom-latency", type=float, default=None)
    parser.add_argument("--sigterm", action="store_true", help="measure one stop instead")
    parser.add_argument(
        "--reconcile-after",
        type=float,
        default=60.0,
        help="--sigterm: ZOOMBOT_RECONCILE_AFTER of the app (default: the app's own, 60)",
    )
    args = parser.parse_args()
    if args.sigterm:
        counts = sigterm(
            commands=args.commands or 30,
            zoom_latency=12.0 if args.zoom_latency is None else args.zoom_latency,
            reconcile_after=args.reconcile_after,
        )
    else:
        counts = campaign(
            seed=args.seed,
            commands=args.commands or 120,
            kills=args.kills,
            zoom_latency=0.3 if args.zoom_latency is None else args.zoom_latency,
        )
    print(counts.report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
