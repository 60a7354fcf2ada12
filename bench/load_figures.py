"""What one round of the load benchmark (bench/load.py, bench/instances.py) measured: its
figures printed next to the goals, and `--repeat`'s summary over runs. Pure but for
`speed_probe_ms`: it reads the timed commands (`load.Command`) it is given."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from typing import Any


def speed_probe_ms() -> float:
    """How long a fixed pure-Python loop takes on this machine now (ms, best of five).

    The machines these figures come from change speed by a third within minutes (the same
    commit took 2.9 and 5.4 ms of CPU per command an hour apart): each round prints this
    beside its figures, so that two runs can be told apart from two phases of the machine."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(100_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - start)
    return best * 1000


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def report(
    args: argparse.Namespace,
    commands: list[Any],
    meetings: int,
    rss_mib: float,
    ready_s: float,
    harness_cpu_s: float,
    app_cpu_s: float,
    speed_ms: float = float("nan"),
) -> dict[str, float]:
    """Print one round's figures next to the goals; return the ones `--repeat` sums up.
    `speed_ms` is `speed_probe_ms()` taken just before the round."""
    acked = [c for c in commands if c.in_time]
    posted = [c for c in commands if c.posted]
    ack_ms = [c.ack_s * 1000 for c in commands if c.status == 200]
    to_post = [c.posted - c.sent for c in posted]
    first = min((c.sent for c in commands), default=0.0)
    last = max((c.posted for c in posted), default=0.0)
    rate = len(commands) / (last - first) if posted and last > first else 0.0
    # The sender waits for each ack before its next command: faster acks send the burst
    # sooner, so each command waits longer in the app for the same end (posted p99 rises).
    # Timed from the burst's start instead, a slow ack no longer hides that wait.
    sending_ms = (max((c.sent for c in commands), default=0.0) - first) * 1000
    from_start = [c.posted - first for c in posted]
    errors: dict[str, int] = {}
    for c in commands:
        if not c.in_time:
            key = (c.error or f"HTTP {c.status}") if c.status != 200 else "ack > 3 s"
            errors[key] = errors.get(key, 0) + 1

    cpu = os.cpu_count()
    print(
        f"zoombot load: {args.commands} commands, "
        + (
            f"{args.rate:g} a second open-loop"
            if getattr(args, "rate", 0)
            else f"{args.concurrency} at a time"
        )
        + f", {args.users} users;"
        f" Zoom latency {args.zoom_latency * 1000:.0f} ms, Slack latency "
        f"{args.slack_latency * 1000:.0f} ms; Zoom transport {args.zoom_transport or 'aiohttp'}"
    )
    print(f"machine: {platform.machine()}, {cpu} CPUs, Python {platform.python_version()}")
    rows = [
        ("commands sent", f"{len(commands)}", ""),
        ("acknowledged within 3 s", f"{len(acked)}", f"= {len(commands)}"),
        ("posted", f"{len(posted)}", f"= {len(commands)}"),
        ("meetings created", f"{meetings}", f"= {len(commands)}"),
        ("ack latency p50", f"{percentile(ack_ms, 50):.1f} ms", ""),
        ("ack latency p99", f"{percentile(ack_ms, 99):.1f} ms", "<= 100 ms"),
        ("ack latency max", f"{max(ack_ms, default=float('nan')):.1f} ms", "<= 3000 ms"),
        ("command to posted p50", f"{percentile(to_post, 50) * 1000:.0f} ms", ""),
        ("command to posted p99", f"{percentile(to_post, 99) * 1000:.0f} ms", "<= 1000 ms"),
        ("burst start to posted p99", f"{percentile(from_start, 99) * 1000:.0f} ms", ""),
        ("commands per second", f"{rate:.1f}", ">= 100"),
        ("all commands sent within", f"{sending_ms:.0f} ms", ""),
        ("app peak RSS", f"{rss_mib:.1f} MiB", "< 150 MiB"),
        ("start to ready", f"{ready_s:.2f} s", "< 2 s"),
        # The fakes and the load run in this process, on the same cores as the app.
        ("harness CPU (fakes + load)", f"{harness_cpu_s:.1f} s", ""),
        ("app CPU per command", f"{app_cpu_s / max(len(commands), 1) * 1000:.1f} ms", ""),
        ("machine speed probe", f"{speed_ms:.1f} ms", ""),
    ]
    width = max(len(name) for name, _, _ in rows)
    for name, value, goal in rows:
        print(f"  {name:<{width}}  {value:>12}   {('goal ' + goal) if goal else ''}")
    if errors:
        print("  not acknowledged in time: " + ", ".join(f"{k}: {v}" for k, v in errors.items()))
    unposted = [c.n for c in commands if c.in_time and not c.posted]
    if unposted:
        print(
            f"  acknowledged but never posted: #{', #'.join(map(str, unposted[:20]))}"
            + (" …" if len(unposted) > 20 else "")
        )
    return {
        "not acknowledged in 3 s": len(commands) - len(acked),
        "not posted": len(commands) - len(posted),
        "meetings created": meetings,
        "ack latency p99 (ms)": percentile(ack_ms, 99),
        "command to posted p99 (ms)": percentile(to_post, 99) * 1000,
        "burst start to posted p99 (ms)": percentile(from_start, 99) * 1000,
        "commands per second": rate,
        "all commands sent within (ms)": sending_ms,
        "app peak RSS (MiB)": rss_mib,
        "app CPU per command (ms)": app_cpu_s / max(len(commands), 1) * 1000,
        "machine speed probe (ms)": speed_ms,
    }


def summarize(runs: list[list[dict[str, float]]]) -> None:
    """For `--repeat`: each round's figures over the runs, median (min–max)."""
    print(f"\nover {len(runs)} runs: median (min–max)")
    for round_number in range(len(runs[0])):
        if len(runs[0]) > 1:
            print(f"round {round_number + 1}")
        for name in runs[0][round_number]:
            values = sorted(run[round_number][name] for run in runs)
            middle = statistics.median(values)
            print(f"  {name:<28} {middle:9.1f}   ({values[0]:.1f}–{values[-1]:.1f})")
