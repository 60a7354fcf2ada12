"""The Slack Call card with two instances on one PostgreSQL database: a meeting posted by
one, Zoom's events delivered to either, and Zoom's end sent to both at once (as two
deliveries): one call, people added, and one `calls.end`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.app.support import eventually
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import SlackSender
from tests.store_pg.test_two_instances import pg_database, two_apps  # noqa: F401 (fixtures)


def test_two_instances_register_the_call_once_and_end_it_once(
    two_apps,  # noqa: F811
    fake_slack,
    fake_zoom,
    person,
):
    first = two_apps[0]
    ana = person()
    with SlackSender(first.url, fake_slack.signing_secret, fake=fake_slack) as sender:
        sender.command("now Shared", ana.slack_id, channel=DEFAULT_CHANNEL)
        meeting_id = eventually(lambda: next(iter(fake_zoom.meetings), None), timeout=15)
        call = eventually(
            lambda: fake_slack.slack_calls.by_external_id(str(meeting_id)),
            timeout=15,
            what="the call registered",
        )
    urls = [app.url + "/zoom/events" for app in two_apps]
    fake_zoom.send_event(urls[1], fake_zoom.start_meeting(meeting_id))
    fake_zoom.send_event(urls[0], fake_zoom.join_meeting(meeting_id, "Ana", email=ana.email))
    fake_zoom.send_event(urls[1], fake_zoom.join_meeting(meeting_id, "Guest"))
    eventually(
        lambda: len(fake_slack.slack_calls.calls[call["id"]]["users"]) == 2,
        timeout=15,
        what="two people in the call",
    )
    ended = fake_zoom.end_meeting(meeting_id)
    again = dict(ended, event_ts=ended["event_ts"] + 1)  # a second delivery, not a repeat
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(fake_zoom.send_event, urls, [ended, again]))
    assert [a.status_code for a in answers] == [200, 200]
    eventually(
        lambda: sum(a.logs().count(f"meeting={meeting_id}:") for a in two_apps) >= 5,
        timeout=15,
        what="every event handled",
    )
    assert len(fake_slack.calls_to("calls.add")) == 1
    assert len(fake_slack.calls_to("calls.end")) == 1
    assert fake_slack.slack_calls.calls[call["id"]]["ended"]
