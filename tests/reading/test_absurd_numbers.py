"""Absurd numbers are refused with one sentence about the time: `python app.py parse`
exits 1, prints no traceback, and never "something went wrong" (issue 10, part 4)."""

from __future__ import annotations

import subprocess
import sys

from tests.reading.corpus import REPO_ROOT

ABSURD = [
    "in 99999999999999999999 minutes sync",
    "in 99999999999999999999 days",
    "+99999999999999999999 min",
    "sync for 99999999999999999999 minutes at 3pm",
    "3pm for 25 hours",
    "3pm for 1e400 minutes",
    "in 1.5e10 hours",
    "in 100 years",
    "in -5 minutes",
    "Dec 5 9999 3pm",
    "9999-12-31 10:00",
    "0001-01-01 10:00",
    "Dec 5 1999 3pm",
    "12/31/99999 3pm",
    "99999999999999999999:00",
    "the 99999999999999999999th at 3pm",
    "every day at 3pm for 99999999999999999999 weeks",
    "every day at 3pm 99999999999999999999 times",
    "every 99999999999999999999 days at 3pm",
    "at 25:00",
    "13pm review",
    "Feb 30 at 3pm",
]

# Every phrase in one process: a refusal per line, or the exception that escaped.
_SCRIPT = """
import sys
from datetime import datetime
from bot.dry_run import main
for text in sys.stdin.read().splitlines():
    print("CODE", main([text, "--tz", "America/New_York", "--now", "2026-12-01T09:00"]),
          file=sys.stderr, flush=True)
"""


def test_app_py_parse_refuses_each_absurd_input_with_one_sentence() -> None:
    for text in ABSURD[:3]:  # the real command line, as a user runs it
        done = subprocess.run(
            [sys.executable, "app.py", "parse", "--tz", "America/New_York",
             "--now", "2026-12-01T09:00", text],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 1, (text, done.stdout, done.stderr)
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1, (text, done.stderr)
        assert "Traceback" not in done.stderr
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], input="\n".join(ABSURD), cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout == "", done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 * len(ABSURD), lines
    for text, sentence, code in zip(ABSURD, lines[::2], lines[1::2], strict=True):
        assert code == "CODE 1", (text, sentence)
        assert "went wrong" not in sentence
        assert len(sentence) > 40 and ("`" in sentence or "“" in sentence), (text, sentence)
