"""`python app.py parse TEXT [--tz ZONE] [--now YYYY-MM-DDTHH:MM]`: how `/zoom TEXT` reads.

Prints the body Zoom's create-meeting call would get as one JSON object on stdout and
exits 0; the guesses go to stderr as "note: ..." lines. A refusal prints its sentence on
stderr and exits 1. Needs no credentials, network or database.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.reading import Refusal, read_request


def _local_minute(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not YYYY-MM-DDTHH:MM, e.g. 2025-09-09T11:00"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python app.py parse",
        description="Show how `/zoom TEXT` would be read, as the JSON body sent to Zoom.",
    )
    parser.add_argument("text", nargs="*", help="what the user types after /zoom")
    parser.add_argument("--tz", default="UTC", help="the user's IANA time zone (default UTC)")
    parser.add_argument(
        "--now",
        type=_local_minute,
        help="local wall-clock time in --tz, YYYY-MM-DDTHH:MM (default: the real clock)",
    )
    return parser


def main(argv: list[str]) -> int:
    """Run the dry run; returns the exit code (0 read, 1 refused, 2 bad arguments)."""
    args = _parser().parse_args(argv)
    text = " ".join(args.text)
    now = args.now
    if now is None:
        try:
            now = datetime.now(ZoneInfo(args.tz))
        except (KeyError, ValueError, OSError):
            now = datetime.now().astimezone()  # read_request refuses the zone by name
    result = read_request(text, args.tz, now)
    if isinstance(result, Refusal):
        print(result.message, file=sys.stderr)
        return 1
    for guess in result.guesses:
        print(f"note: {guess}", file=sys.stderr)
    print(json.dumps(result.request.to_json()))
    return 0
