"""Compare two apps under the same load: this checkout's and another's (`--against`).

One load run (bench/load.py) on this machine swings by 20-40 % from the next, so "within
10 % of the figures before" cannot be read from one run of each. This alternates them,
`--passes` times each, under this checkout's harness (the same fakes, the same sender; only
the `app.py` differs; which goes first alternates from pass to pass), and prints each
round's key figures: the median (min–max) of each app, the change of the medians, and the
median of each pass's own change (paired: the two runs of a pass are minutes apart, so a
machine that slows over an hour moves both). Run it against the same app to see how far
two runs of one app differ here (`--against ./app.py`). Prints figures; asserts nothing.

    git worktree add --detach ../before <commit> && (cd ../before && make .venv/.installed)
    python bench/compare.py --against ../before/app.py [--passes 10] [load.py's options]

The other checkout's `bot` and `zoom` packages are the ones its app imports (its folder is
first on its path); the installed dependencies are this checkout's.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import load as load_bench


def median_line(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f} ({min(values):.1f}–{max(values):.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = load_bench.make_parser()
    parser.description = __doc__.split("\n\n")[0]
    parser.add_argument("--against", required=True, help="the other checkout's app.py")
    parser.add_argument("--passes", type=int, default=10, help="runs of each app, alternated")
    args = parser.parse_args(argv)
    sides = {"this": args.app, "other": str(Path(args.against).resolve())}
    runs: dict[str, list[list[dict[str, float]]]] = {side: [] for side in sides}
    for n in range(args.passes):
        # Which side goes first alternates: nothing about being first or second in a pass
        # (what the machine did just before) can favour one side.
        order = list(sides.items()) if n % 2 == 0 else list(reversed(sides.items()))
        for side, app in order:
            args.app = app
            with contextlib.redirect_stdout(io.StringIO()):
                figures = load_bench.run(args)
            if figures is None:
                print(f"the {side} app did not start", file=sys.stderr)
                return 1
            runs[side].append(figures)
            print(f"pass {n + 1}/{args.passes}: {side} done", file=sys.stderr)
    print(
        f"{args.passes} runs of each, alternated; median (min–max); change = this vs other, "
        "of the medians and (paired) the median of each pass's change"
    )
    for round_number in range(len(runs["this"][0])):
        print(f"round {round_number + 1}")
        for name in runs["this"][0][round_number]:
            mine = [r[round_number][name] for r in runs["this"]]
            theirs = [r[round_number][name] for r in runs["other"]]
            before, after = statistics.median(theirs), statistics.median(mine)
            change = f"{(after - before) / before * 100:+5.1f} %" if before else "—"
            paired = [(a - b) / b * 100 for a, b in zip(mine, theirs, strict=True) if b]
            per_pass = f"{statistics.median(paired):+5.1f} %" if paired else "—"
            print(
                f"  {name:<28} this {median_line(mine)}   other {median_line(theirs)}"
                f"   {change}   paired {per_pass}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
