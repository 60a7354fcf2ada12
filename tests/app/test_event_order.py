"""Zoom events out of order and at once: a join before its start keeps who is in; an end
delivered before its start leaves the message ended; concurrent deliveries of one meeting are
applied one at a time; the per-meeting locks are dropped when idle."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.flows import live
from tests.app.live_support import current_blocks, make_meeting, updates_of, wait_update
from tests.app.support import eventually
from tests.fakes.app_process import AppProcess


@pytest.fixture
def events_url(app: AppProcess) -> str:
    return app.url + "/zoom/events"


def handled(app: AppProcess, meeting_id: int, count: int) -> None:
    """Wait until the app logged `count` handled Zoom events for `meeting_id`."""
    eventually(
        lambda: app.logs().count(f"meeting={meeting_id}:") >= count,
        what=f"{count} handled zoom events for {meeting_id}",
    )


def test_a_join_delivered_before_the_start_is_still_counted(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Early")
    started = fake_zoom.start_meeting(posted.meeting_id)
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Ana"))
    wait_update(fake_slack, posted, "1 person in")
    # The start event arrives after Ana's join: she is still in.
    fake_zoom.send_event(events_url, started)
    handled(app, posted.meeting_id, 2)
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Bo"))
    wait_update(fake_slack, posted, "2 people in")


def test_a_new_run_of_the_meeting_starts_from_nobody(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(
        sender, fake_slack, fake_zoom, ana.slack_id, "every monday 3pm Weekly sync"
    )
    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id))
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Ana"))
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Bo"))
    wait_update(fake_slack, posted, "2 people in")
    # Ended without their leaves reaching us; the next run must not count them.
    fake_zoom.send_event(events_url, fake_zoom.end_meeting(posted.meeting_id))
    wait_update(fake_slack, posted, "Last met")
    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id))
    handled(app, posted.meeting_id, 5)
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Cy"))
    wait_update(fake_slack, posted, "1 person in")


def test_an_end_delivered_before_its_start_leaves_the_meeting_ended(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Late start")
    started = fake_zoom.start_meeting(posted.meeting_id)
    ended = fake_zoom.end_meeting(posted.meeting_id)
    ended["event_ts"] = started["event_ts"] + 60_000
    fake_zoom.send_event(events_url, ended)
    wait_update(fake_slack, posted, "*Ended*")
    fake_zoom.send_event(events_url, started)
    eventually(
        lambda: f"meeting={posted.meeting_id}: ignored: older" in app.logs(),
        what="the late start ignored",
    )
    assert "*Ended*" in json.dumps(current_blocks(fake_slack, posted))
    assert not any("*Live*" in json.dumps(b) for b in updates_of(fake_slack, posted))


def test_concurrent_deliveries_end_in_the_newest_state(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm At once")
    started = fake_zoom.start_meeting(posted.meeting_id)
    joins = [fake_zoom.join_meeting(posted.meeting_id, f"P{n}") for n in range(6)]
    ended = fake_zoom.end_meeting(posted.meeting_id)
    ended["event_ts"] = max(b["event_ts"] for b in [started, *joins]) + 1
    bodies = [ended, *joins, started]
    with ThreadPoolExecutor(len(bodies)) as pool:
        answers = list(pool.map(lambda b: fake_zoom.send_event(events_url, b), bodies))
    assert [a.status_code for a in answers] == [200] * len(bodies)
    handled(app, posted.meeting_id, len(bodies))
    blocks = json.dumps(current_blocks(fake_slack, posted))
    assert "*Ended*" in blocks and "*Live*" not in blocks


async def test_meeting_locks_serialise_and_are_dropped_when_idle():
    locks = live._MeetingLocks()
    inside: list[int] = []
    overlaps: list[int] = []

    async def work(meeting_id: int) -> None:
        async with locks.hold(meeting_id):
            if meeting_id in inside:
                overlaps.append(meeting_id)
            inside.append(meeting_id)
            await asyncio.sleep(0)
            inside.remove(meeting_id)

    await asyncio.gather(*(work(n % 3) for n in range(30)))
    assert overlaps == []
    assert len(locks) == 0
