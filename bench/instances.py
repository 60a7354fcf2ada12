"""Two zoombot instances on one PostgreSQL database, one SIGKILLed mid-burst and restarted.

    python bench/instances.py [--commands 60] [--kill-at 20] [--postgres-url URL]

Commands go round-robin to the two instances (from one sender, in order); at `--kill-at`
the first instance is SIGKILLed (once what it acknowledged has started its create) and
started again after the burst. Prints: commands sent, acknowledged, answered, meetings made
twice, channel posts sent twice. A fresh database `zb_bench_<random>` is made on the
server's `postgres` database and dropped after.
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

from tests.fakes.app_process import AppProcess, make_app_env
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack, new_id
from tests.fakes.slack_requests import SlackSender
from tests.store_pg.test_two_instances import _unstarted, _with
from zoom.testing import FakeZoom


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_with(url, database="postgres"), timeout=5)
    try:
        await conn.execute(sql)
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
    args = parser.parse_args()
    name = f"zb_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(args.postgres_url, f'CREATE DATABASE "{name}"'))
    database = _with(args.postgres_url, database=name)
    slack, zoom = FakeSlack().start(), FakeZoom().start()
    apps: list[AppProcess] = []
    try:
        env = make_app_env(
            slack,
            zoom,
            Path(tempfile.mkdtemp(prefix="zoombot-instances-")),
            DATABASE_URL=database,
            LOG_LEVEL="INFO",
            ZOOMBOT_STORE_LEASE="2",
            ZOOMBOT_RECONCILE_AFTER="1",
        )
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
                _until(lambda: asyncio.run(_unstarted(database)) == 0, 10)
                apps[0].stop(sig=signal.SIGKILL)
            topic = f"Instances {n}"
            try:
                answer = senders[n % 2].command(f"now {topic}", people[n % len(people)])
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


if __name__ == "__main__":
    sys.exit(main())
