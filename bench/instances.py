"""Two zoombot instances on one PostgreSQL database, one SIGKILLed mid-burst and restarted;
or, with `--load`, the load goals of bench/load.py held by several instances together.

    python bench/instances.py [--commands 60] [--kill-at 20] [--postgres-url URL]
    python bench/instances.py --load [--instances 2] [--commands 300] [--concurrency 30]
                              [--rounds 2] [--postgres-url URL]

Commands go round-robin to the two instances (from one sender, in order); at `--kill-at`
the first instance is SIGKILLed (whatever it is doing) and started again after the burst.
The meetings are scheduled ones: Zoom lists them, so a create the kill cut short is found
and posted (an instant one cannot be found; its requester is told nobody has its link).
Prints: commands sent, acknowledged, answered, meetings made (and made twice), meetings
posted, channel posts sent twice. A fresh database `zb_bench_<random>` is made on the
server's `postgres` database and dropped after.

`--load`: bench/load.py's burst (`--commands` scheduled meetings, `--concurrency` at a time,
Zoom 200 ms and Slack 50 ms away) sent round-robin to `--instances` apps on one fresh
database, on this machine; prints load.py's figures (app CPU summed over the instances,
peak RSS the largest one's).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import load as load_bench
import load_figures

from tests.fakes.app_process import AppProcess, make_app_env
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack, new_id
from tests.fakes.slack_requests import SlackSender
from tests.fakes.zoom import FakeZoom
from tests.store_pg.test_two_instances import _with


def _env(slack: FakeSlack, zoom: FakeZoom, database: str, **settings: str) -> dict[str, str]:
    """An instance's environment: the fakes, the shared database, INFO logs, `settings`."""
    workdir = Path(tempfile.mkdtemp(prefix="zoombot-instances-"))
    return make_app_env(slack, zoom, workdir, DATABASE_URL=database, LOG_LEVEL="INFO", **settings)


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_with(url, database="postgres"), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _statements(url: str, database: str) -> int:
    """Transactions committed or rolled back in `database` so far (pg_stat_database)."""
    conn = await asyncpg.connect(url, timeout=5)
    try:
        return int(
            await conn.fetchval(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1",
                database,
            )
        )
    finally:
        await conn.close()


def _until(check, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # polling with a deadline, not synchronising
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=60)
    parser.add_argument("--kill-at", type=int, default=20)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--load", action="store_true", help="the load goals, round-robin")
    parser.add_argument("--instances", type=int, default=2, help="with --load")
    parser.add_argument("--concurrency", type=int, default=30, help="with --load")
    parser.add_argument("--rounds", type=int, default=2, help="with --load")
    args = parser.parse_args()
    if args.load:
        if args.commands == 60:
            args.commands = 300  # load.py's burst unless told otherwise
        return load(args)
    name = f"zb_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(args.postgres_url, f'CREATE DATABASE "{name}"'))
    database = _with(args.postgres_url, database=name)
    slack, zoom = FakeSlack().start(), FakeZoom().start()
    apps: list[AppProcess] = []
    try:
        env = _env(slack, zoom, database, ZOOMBOT_STORE_LEASE="2", ZOOMBOT_RECONCILE_AFTER="1")
        people = []
        for i in range(10):
            slack_id, email = new_id("U"), f"inst.user{i}@example.com"
            slack.add_user(slack_id, name=f"inst.user{i}", email=email, tz="America/Denver")
            zoom.add_user(email, first_name="Inst", last_name=f"User{i}")
            people.append(slack_id)
        apps = [AppProcess(env).start(timeout=60), AppProcess(env).start(timeout=60)]
        senders = [SlackSender(a.url, slack.signing_secret, fake=slack) for a in apps]
        acked: dict[str, str] = {}
        for n in range(args.commands):
            if n == args.kill_at:
                apps[0].stop(sig=signal.SIGKILL)
            topic = f"Instances {n}"
            try:
                answer = senders[n % 2].command(f"tomorrow 3pm {topic}", people[n % len(people)])
            except httpx.TransportError:
                continue
            if answer.status_code == 200:
                acked[topic] = senders[n % 2].last_response_url or ""
        apps[0].start(timeout=60)

        def made() -> Counter[str]:
            return Counter(m["topic"] for m in zoom.meetings.values())

        def answered() -> list[str]:
            return [t for t, url in acked.items() if t in made() or slack.responses(url)]

        _until(lambda: len(answered()) == len(acked), 60)

        def posted() -> Counter[str]:
            joins = [m["join_url"] for m in zoom.meetings.values()]
            texts = [
                repr(c.params)
                for c in slack.calls_to("chat.postMessage")
                if c.status == 200 and c.params.get("channel") == DEFAULT_CHANNEL
            ]
            texts += [repr(b) for b in slack.responses() if b.get("response_type") == "in_channel"]
            return Counter(j for t in texts for j in joins if j in t)

        _until(lambda: len(posted()) >= len(made()), 60)
        print(f"commands sent                {args.commands}")
        print(f"acknowledged                 {len(acked)}")
        print(f"answered                     {len(answered())}")
        print(f"meetings made                {sum(made().values())}")
        print(f"meetings made twice          {sum(1 for n in made().values() if n > 1)}")
        print(f"meetings posted              {len(posted())}")
        print(f"posts sent twice             {sum(1 for n in posted().values() if n > 1)}")
        return 0
    finally:
        for app in apps:
            app.stop()
        slack.stop()
        zoom.stop()
        asyncio.run(_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def load(args: argparse.Namespace) -> int:
    """`--load`: fire load.py's rounds round-robin at `--instances` apps on one database."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    args.users, args.zoom_latency, args.slack_latency = 30, 0.2, 0.05
    args.zoom_transport = None  # (load.report names it: the app's default)
    name = f"zb_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(args.postgres_url, f'CREATE DATABASE "{name}"'))
    slack, zoom = FakeSlack().start(), FakeZoom().start()
    sender = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    apps: list[AppProcess] = []
    try:
        env = _env(slack, zoom, _with(args.postgres_url, database=name))
        people = []
        for i in range(args.users):
            slack_id, email = new_id("U"), f"bench.user{i}@example.com"
            slack.add_user(slack_id, name=f"bench.user{i}", email=email, tz="America/Denver")
            zoom.add_user(email, first_name="B", last_name=f"U{i}", timezone="America/Denver")
            people.append(slack_id)
        zoom.latency, slack.latency = args.zoom_latency, args.slack_latency
        sender.submit(int).result()
        apps = [AppProcess(env).start(timeout=60) for _ in range(args.instances)]
        print(f"{args.instances} instances on one PostgreSQL database, round-robin")
        for round_number in range(args.rounds):
            commands = [
                load_bench.Command(
                    n=round_number * args.commands + i + 1,
                    user=people[i % args.concurrency % len(people)],
                    response_url=slack.new_response_url(),
                )
                for i in range(args.commands)
            ]
            speed_ms = load_figures.speed_probe_ms()
            statements_before = asyncio.run(_statements(args.postgres_url, name))
            cpu_before = [load_bench.process_cpu_seconds(a.pid) for a in apps]
            harness_before = time.process_time()
            commands, sender_cpu = sender.submit(
                load_bench.fire_and_time,
                commands,
                [a.events_url for a in apps],
                slack.signing_secret,
                args.concurrency,
                args.users,
            ).result()
            deadline = time.monotonic() + 60
            load_bench.PostMatcher(commands, slack, zoom).wait(deadline)
            for app in apps:
                app.wait_until_idle(max(0.0, deadline - time.monotonic()))
            time.sleep(1.5)  # PostgreSQL publishes its counts at most once a second
            statements = asyncio.run(_statements(args.postgres_url, name)) - statements_before
            app_cpu = sum(
                load_bench.process_cpu_seconds(a.pid) - before
                for a, before in zip(apps, cpu_before, strict=True)
            )
            numbers = {c.n for c in commands}
            meetings = sum(
                1
                for m in list(zoom.meetings.values())
                if (found := load_bench._NUMBER.search(str(m.get("topic", ""))))
                and int(found.group(1)) in numbers
            )
            if args.rounds > 1:
                print(f"\nround {round_number + 1} of {args.rounds}")
            load_figures.report(
                args,
                commands,
                meetings,
                max(a.peak_rss_kib() for a in apps) / 1024,
                max(a.ready_seconds or float("nan") for a in apps),
                time.process_time() - harness_before + sender_cpu,
                app_cpu,
                speed_ms,
            )
            # Each statement the store sends outside a transaction is a transaction of its
            # own: with none inside one on the command path, this is its round trips.
            print(f"  database transactions per command {statements / len(commands):8.1f}")
        return 0
    finally:
        sender.shutdown()
        for app in apps:
            app.stop()
        slack.stop()
        zoom.stop()
        asyncio.run(_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    sys.exit(main())
