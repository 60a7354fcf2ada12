"""Issue 11 from outside, with the app as a subprocess: commands while it is SIGKILLed at
random (seeded) and restarted, and a SIGTERM while Zoom is slow. Every acknowledged command
is answered; none makes two meetings; a channel post is doubled at most once per kill (the
limit the README promises; with the history scopes, as here, the next start finds a post that
reached Slack just before its kill by its metadata, and the campaign measures 0)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.crash import campaign, sigterm


# About 30 s on an idle 2-core machine (nine app starts, 100 paced commands, the settle);
# it took 108 s on a loaded shared one, too near the suite's 120 s default. The campaign
# polls with deadlines of its own (app start 60 s, settle 60 s), so this only backstops them.
@pytest.mark.timeout(240)
def test_commands_through_random_kills_are_all_answered_once(fake_slack, fake_zoom, tmp_path: Path):
    counts = campaign(
        seed=11, commands=100, kills=8, slack=fake_slack, zoom=fake_zoom, workdir=tmp_path
    )
    assert counts.kills >= 8
    assert counts.commands == 100
    assert counts.acknowledged >= 90, counts.report()
    assert counts.unanswered == 0, counts.report()
    assert counts.doubled == 0, counts.report()
    assert counts.double_posts <= counts.kills, counts.report()


def test_a_stop_with_zoom_slow_hands_every_request_to_the_next_start(
    fake_slack, fake_zoom, tmp_path: Path
):
    """Zoom takes 4 s; the grace is 1 s: nothing finishes in it, the next start settles all
    (here Zoom made none, so each requester is told nothing was made) within its window."""
    counts = sigterm(
        commands=6,
        zoom_latency=4.0,
        grace=1.0,
        reconcile_after=1.0,
        settle=30.0,
        slack=fake_slack,
        zoom=fake_zoom,
        workdir=tmp_path,
    )
    assert counts.acknowledged == 6, counts.report()
    assert counts.stop_seconds < 10, counts.report()
    assert counts.unanswered == 0, counts.report()
    assert counts.finished_in_grace + counts.settled_after_restart == 6
    assert counts.doubled == 0 and counts.double_posts == 0, counts.report()
