"""Benchmark of reading `/zoom` text (bot.reading.read_request).

    .venv/bin/python bench/reading.py [--rounds 50]

Prints, over every phrase of ../shared/phrases/public.jsonl and tests/reading/cases.jsonl:
the median and p99 time of one call after warm_up(), and the cost of the first call in a
fresh process (import, first read without warm-up, and warm_up itself), measured in a
subprocess. Goal: median < 1 ms, p99 < 5 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

CORPORA = (
    REPO_ROOT.parent / "shared" / "phrases" / "public.jsonl",
    REPO_ROOT / "tests" / "reading" / "cases.jsonl",
)

FRESH_PROCESS = """
import json, time
from datetime import datetime
t0 = time.perf_counter()
from bot.reading import read_request
t1 = time.perf_counter()
read_request("Design review tomorrow 3pm for 45 min", "America/Denver", datetime(2025, 9, 9, 11))
t2 = time.perf_counter()
read_request("offsite on October 1 at 9am", "America/Denver", datetime(2025, 9, 9, 11))
t3 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "first_call_ms": (t2 - t1) * 1e3,
                  "first_dateparser_call_ms": (t3 - t2) * 1e3}))
"""

WARM_THEN_FIRST = """
import json, time
from datetime import datetime
from bot.reading import read_request, warm_up
t0 = time.perf_counter()
warm_up()
t1 = time.perf_counter()
read_request("offsite on Nov 3 at 9am ET for 2 hours", "America/Denver", datetime(2025, 9, 9, 11))
t2 = time.perf_counter()
print(json.dumps({"warm_up_ms": (t1 - t0) * 1e3, "first_call_after_warm_up_ms": (t2 - t1) * 1e3}))
"""


def load_phrases() -> list[dict]:
    cases = []
    for path in CORPORA:
        if path.exists():
            cases += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return cases


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def fresh(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="calls per phrase")
    args = parser.parse_args()

    from bot.reading import read_request, warm_up

    cases = load_phrases()
    warm_up()
    per_call: list[float] = []
    per_phrase: list[tuple[float, str]] = []
    for case in cases:
        now = datetime.fromisoformat(case["now"])
        timings = []
        for _ in range(args.rounds):
            start = time.perf_counter_ns()
            read_request(case["text"], case["tz"], now)
            timings.append((time.perf_counter_ns() - start) / 1e6)
        per_call += timings
        per_phrase.append((statistics.median(timings), case["text"]))

    phrase_medians = [m for m, _ in per_phrase]
    first = fresh(FRESH_PROCESS)
    warm = fresh(WARM_THEN_FIRST)
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}")
    print(f"phrases: {len(cases)}, rounds per phrase: {args.rounds}, calls: {len(per_call)}")
    print(
        f"per call after warm-up: median {statistics.median(per_call):.3f} ms, "
        f"p99 {percentile(per_call, 0.99):.3f} ms, max {max(per_call):.3f} ms"
    )
    print(
        f"per phrase (median of its calls): median {statistics.median(phrase_medians):.3f} ms, "
        f"p99 {percentile(phrase_medians, 0.99):.3f} ms"
    )
    print("slowest phrases:")
    for median, text in sorted(per_phrase, reverse=True)[:3]:
        print(f"  {median:.3f} ms  {text}")
    print(
        f"fresh process: import {first['import_ms']:.1f} ms, first call "
        f"{first['first_call_ms']:.1f} ms, first call using dateparser "
        f"{first['first_dateparser_call_ms']:.1f} ms"
    )
    print(
        f"fresh process with warm_up(): warm_up {warm['warm_up_ms']:.1f} ms, then first call "
        f"{warm['first_call_after_warm_up_ms']:.3f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
