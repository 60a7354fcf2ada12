"""Load benchmark: many people type `/zoom` at once.

Starts the fake Zoom (Zoom's latency) and the fake Slack (Slack's latency) on loopback, then the
real app (`python app.py`) against them, adds users who exist in both, and fires signed
`/zoom tomorrow 3pm design review #N` commands, `--concurrency` at a time, each from one of
`--users` people and each with its own response URL. Prints what was sent, acknowledged and
posted, the latencies, the throughput, the app's peak memory and its time to ready, next to
the goals from issue 5. Prints figures; asserts nothing.

    python bench/load.py [--commands 300] [--concurrency 30] [--users 30] [--rounds 2]
                         [--zoom-latency 0.2] [--slack-latency 0.05] [--repeat N]
                         [--zoom-transport aiohttp|httpx] [--database-url URL]

`--repeat N` does it all N times, each with a fresh app, and ends with each round's key
figures over the runs (median, min–max): one run on a shared machine is one sample.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_figures import report, speed_probe_ms, summarize

from tests.fakes.app_process import AppFailedToStart, AppProcess, make_app_env
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack, new_id
from tests.fakes.slack_requests import signed_headers, slash_command_body
from tests.fakes.zoom import FakeZoom

ACK_LIMIT = 3.0  # seconds: Slack shows the user an error after this


@dataclass
class Command:
    n: int
    user: str
    response_url: str
    sent: float = 0.0
    acked: float = 0.0
    status: int = 0
    error: str = ""
    posted: float = 0.0
    join_url: str = ""

    @property
    def text(self) -> str:
        return f"tomorrow 3pm design review #{self.n}"

    @property
    def ack_s(self) -> float:
        return self.acked - self.sent

    @property
    def in_time(self) -> bool:
        return self.status == 200 and self.ack_s <= ACK_LIMIT


async def fire(
    commands: list[Command],
    events_url: str | list[str],
    secret: str,
    concurrency: int,
    users: int,
    rate: float = 0.0,
) -> None:
    """Each of `concurrency` workers sends its user's commands one after another; given
    several apps' URLs, command N goes to app N modulo their number (round-robin).

    With a `rate` (commands per second) the sender is open-loop instead: command i leaves
    at i / rate seconds whether or not the earlier ones were acknowledged, so two apps are
    sent the same burst at the same pace however fast each acknowledges."""
    urls = [events_url] if isinstance(events_url, str) else list(events_url)
    # aiohttp rather than httpx: httpcore's pool scans its connections on every request,
    # which would put the load generator's own overhead into the app's ack latency.
    connector = aiohttp.TCPConnector(limit=0 if rate else concurrency)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as http:

        async def send(command: Command) -> None:
            body = slash_command_body(
                command.text,
                user=command.user,
                channel=DEFAULT_CHANNEL,
                response_url=command.response_url,
            )
            command.sent = time.monotonic()
            try:
                async with http.post(
                    urls[command.n % len(urls)],
                    data=body.encode(),
                    headers=signed_headers(secret, body),
                ) as answer:
                    await answer.read()
                    command.status = answer.status
            except (aiohttp.ClientError, TimeoutError) as e:
                command.error = type(e).__name__
            command.acked = time.monotonic()

        async def worker(k: int) -> None:
            for command in commands[k::concurrency]:
                await send(command)

        async def at(when: float, command: Command) -> None:
            await asyncio.sleep(max(0.0, when - time.monotonic()))
            await send(command)

        if rate:
            start = time.monotonic()
            await asyncio.gather(*(at(start + i / rate, c) for i, c in enumerate(commands)))
        else:
            await asyncio.gather(*(worker(k) for k in range(min(concurrency, len(commands)))))


def fire_and_time(commands: list[Command], *how: Any) -> tuple[list[Command], float]:
    """`fire(commands, *how)` in the sender process: the commands with their timings, and
    the CPU it used.

    The sender's garbage collector is off during the round: a collection stopped its event
    loop for tens of milliseconds at the start of a round, and the commands in flight then
    read as slow acknowledgements that the app had answered in time (measured at its ASGI
    boundary). A round allocates a few megabytes; the collector runs again after it."""
    cpu_start = time.process_time()
    gc.collect()
    gc.disable()
    try:
        asyncio.run(fire(commands, *how))
    finally:
        gc.enable()
    return commands, time.process_time() - cpu_start


_NUMBER = re.compile(r"#(\d+)\b")


_URL = re.compile(r"https?://[^\s\"'<>|?]+")


class PostMatcher:
    """Fills in each command's `join_url` from Zoom's meetings (by the topic's #N) and `posted`
    from the first channel post carrying that link (chat.postMessage, or an in_channel
    response_url post), at the time the fake Slack answered it.

    The harness polls this while the app works, on the same two cores, so each meeting and
    each post is looked at once: matching every post again on every poll took about a
    quarter of the harness's CPU in a round, taken from the app under test."""

    def __init__(self, commands: list[Command], slack: FakeSlack, zoom: FakeZoom) -> None:
        self._by_n = {c.n: c for c in commands}
        self._slack = slack
        self._zoom = zoom
        self._waiting: dict[str, Command] = {}  # join URL without its query → command
        self._meetings_seen = 0
        self._calls_seen = 0
        self._unanswered: list[int] = []  # places of posts the fake had not answered yet
        self._responses_seen = 0

    def poll(self) -> None:
        # Posts first, then meetings: a post seen here was made after its meeting, so the
        # meeting is in the list read after it.
        calls = self._slack.calls  # appended to, never rewritten during a round
        responses = self._slack.response_posts
        n_calls, n_responses = len(calls), len(responses)
        meetings = list(self._zoom.meetings.values())
        for meeting in meetings[self._meetings_seen :]:
            found = _NUMBER.search(str(meeting.get("topic", "")))
            command = self._by_n.get(int(found.group(1))) if found else None
            if command is not None and not command.join_url:
                command.join_url = str(meeting["join_url"])
                self._waiting[command.join_url.split("?")[0]] = command
        self._meetings_seen = len(meetings)
        # The fake replaces a call in its list once it answered it: keep places, not calls.
        unanswered = []
        for i in [*self._unanswered, *range(self._calls_seen, n_calls)]:
            call = calls[i]
            if call.method != "chat.postMessage":
                continue
            if not call.done:
                unanswered.append(i)
            elif call.status == 200 and call.answer and call.answer.get("ok"):
                self._posted(call.done, json.dumps(call.params))
        self._calls_seen = n_calls
        self._unanswered = unanswered
        for post in responses[self._responses_seen : n_responses]:
            if post.status == 200 and post.body.get("response_type") == "in_channel":
                self._posted(post.at, json.dumps(post.body))
        self._responses_seen = n_responses

    def _posted(self, at: float, text: str) -> None:
        for url in _URL.findall(text):
            command = self._waiting.pop(url, None)
            if command is not None:
                command.posted = at if not command.posted else min(command.posted, at)

    def wait(self, deadline: float) -> None:
        """Poll until every command acknowledged in time is posted, or until `deadline`
        (`time.monotonic()`)."""
        while time.monotonic() < deadline:
            self.poll()
            if all(c.posted for c in self._by_n.values() if c.in_time):
                return
            time.sleep(0.05)
        self.poll()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args: argparse.Namespace) -> list[dict[str, float]] | None:
    """One run: start everything, fire the rounds, print each round's report. Returns each
    round's key figures, or None when the app did not start."""
    zoom = FakeZoom().start()
    slack = FakeSlack().start()
    workdir = Path(tempfile.mkdtemp(prefix="zoombot-bench-"))
    env = make_app_env(slack, zoom, workdir, LOG_LEVEL=args.log_level)
    if args.database_url:  # e.g. a PostgreSQL database (its tables are reused as they are)
        env["DATABASE_URL"] = args.database_url
    if args.zoom_transport:  # the Zoom client's transport (zoom/_transport.py)
        env["ZOOM_HTTP_TRANSPORT"] = args.zoom_transport
    for setting in args.app_env:
        name, _, value = setting.partition("=")
        env[name] = value
    people = []
    for i in range(args.users):
        slack_id = new_id("U")
        email = f"bench.user{i}@example.com"
        slack.add_user(slack_id, name=f"bench.user{i}", email=email, tz="America/Denver")
        zoom.add_user(email, first_name="Bench", last_name=f"User{i}", timezone="America/Denver")
        people.append(slack_id)
    # Latency from the start: what the app asks Zoom at start (its token, the user
    # directory) takes as long as it would for real. Readiness waits for neither.
    zoom.latency = args.zoom_latency
    slack.latency = args.slack_latency
    # The load generator runs in a process of its own: in this one it shared the GIL with
    # the fakes' server threads, and its waits for the GIL showed as the app's ack latency
    # (up to ~100 ms more than the app took, measured at the app's ASGI boundary).
    sender = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    sender.submit(int).result()  # started (and its imports done) before anything is timed
    app = AppProcess(env, cwd=workdir, app_path=args.app)
    try:
        app.start(timeout=60)
    except AppFailedToStart as e:
        print(f"the app did not start: {e}", file=sys.stderr)
        sender.shutdown()
        zoom.stop()
        slack.stop()
        return None
    results = []
    try:
        for round_number in range(args.rounds):
            first_n = round_number * args.commands
            commands = [
                # Worker k sends commands k, k + concurrency, …: each worker is one person.
                Command(
                    n=first_n + i + 1,
                    user=people[i % args.concurrency % len(people)],
                    response_url=slack.new_response_url(),
                )
                for i in range(args.commands)
            ]
            speed_ms = speed_probe_ms()
            cpu_start = time.process_time()
            app_cpu_start = process_cpu_seconds(app.pid)
            future = sender.submit(
                fire_and_time,
                commands,
                app.events_url,
                slack.signing_secret,
                args.concurrency,
                args.users,
                args.rate,
            )
            commands, sender_cpu = future.result()
            deadline = time.monotonic() + args.settle
            PostMatcher(commands, slack, zoom).wait(deadline)
            # The round ends when the app is idle, not when the last post lands: the private
            # confirmations come after the posts. Its CPU then counts all of its work, and
            # the next round does not start on top of this one's tail.
            app.wait_until_idle(max(0.0, deadline - time.monotonic()))
            numbers = {c.n for c in commands}
            meetings = sum(
                1
                for m in list(zoom.meetings.values())
                if (found := _NUMBER.search(str(m.get("topic", ""))))
                and int(found.group(1)) in numbers
            )
            results.append(
                (
                    commands,
                    meetings,
                    app.peak_rss_kib() / 1024,
                    time.process_time() - cpu_start + sender_cpu,
                    process_cpu_seconds(app.pid) - app_cpu_start,
                    speed_ms,
                )
            )
    finally:
        sender.shutdown()
        app.stop()
        zoom.stop()
        slack.stop()

    figures = []
    for round_number, (commands, meetings, rss_mib, harness_cpu, app_cpu, speed_ms) in enumerate(
        results
    ):
        if args.rounds > 1:
            caches = "cold: first commands of these users" if round_number == 0 else "warm"
            print(f"\nround {round_number + 1} of {args.rounds} ({caches})")
        figure = report(
            args,
            commands,
            meetings,
            rss_mib,
            app.ready_seconds or float("nan"),
            harness_cpu,
            app_cpu,
            speed_ms,
        )
        figures.append(figure)
    if args.dump:
        with open(args.dump, "w") as out:
            for commands, *_ in results:
                for c in commands:
                    timings = {"n": c.n, "sent": c.sent, "ack_s": c.ack_s}
                    out.write(json.dumps({**timings, "posted_s": c.posted - c.sent}) + "\n")
    logs = app.logs()
    tracebacks = logs.count("Traceback (most recent call last)")
    if tracebacks:
        print(f"\nthe app logged {tracebacks} tracebacks; log: {app.log_path}")
    elif args.keep_log:
        print(f"\nthe app's log: {app.log_path}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return figures


def make_parser() -> argparse.ArgumentParser:
    """The benchmark's options (bench/compare.py takes the same)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--app",
        default=None,
        help="the app.py to run (default: this checkout's); another checkout's, to measure "
        "its app under this harness",
    )
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="fire the commands this many times at the same app: the first round meets cold "
        "caches (each user's first command asks Slack who they are; Zoom's users were read at "
        "start), later ones warm",
    )
    parser.add_argument("--concurrency", type=int, default=30)
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="send open-loop at this many commands per second (default: closed loop, each of "
        "--concurrency senders waits for its ack before its next command)",
    )
    parser.add_argument(
        "--database-url", default=None, help="the app's DATABASE_URL (default: a new SQLite file)"
    )
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument(
        "--zoom-transport",
        choices=["aiohttp", "httpx"],
        default=None,
        help="the app's ZOOM_HTTP_TRANSPORT (default: the app's own default, aiohttp)",
    )
    parser.add_argument("--zoom-latency", type=float, default=0.2)
    parser.add_argument("--slack-latency", type=float, default=0.05)
    parser.add_argument(
        "--settle", type=float, default=60.0, help="seconds to wait for the last posts"
    )
    parser.add_argument("--log-level", default="INFO", help="the app's LOG_LEVEL")
    parser.add_argument(
        "--app-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of the app's (repeatable), e.g. ZOOMBOT_DEFAULT_REMINDER=0",
    )
    parser.add_argument("--keep-log", action="store_true", help="keep the app's log and say where")
    parser.add_argument("--dump", help="write each command's timings to this JSON-lines file")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="do it all this many times (a fresh app each time) and sum the key figures up",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    runs = []
    for _ in range(max(1, args.repeat)):
        figures = run(args)
        if figures is None:
            return 1
        runs.append(figures)
    if len(runs) > 1:
        summarize(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
