"""The pure parts of live meetings: the message in each state, calendar links, next
occurrences, the Home tab's choice of meetings, preferences; and the store's counting."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from bot.preferences import preferences_from
from bot.render import home, links, messages, words
from bot.render import meeting as live_meeting
from bot.settings import Settings
from bot.store import SQLiteStore
from bot.store import rows as stored
from zoom import Meeting, Occurrence, Recurrence

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
PASSCODE = "Xy7pQ2wZ9k"


def settings(**changes) -> Settings:
    base = {
        "slack_bot_token": "xoxb-1",
        "slack_signing_secret": "signing",
        "zoom_account_id": "a",
        "zoom_client_id": "c",
        "zoom_client_secret": "s",
    }
    return Settings(**{**base, **changes})


def meeting(**changes) -> Meeting:
    base = {
        "id": 81234567890,
        "uuid": "u==",
        "topic": "Design <review> & more",
        "type": 2,
        "start_time": NOW + timedelta(days=1),
        "duration": 45,
        "timezone": "America/Denver",
        "join_url": "https://zoom.example/j/81234567890?pwd=abc",
        "start_url": "https://zoom.example/s/81234567890?zak=SECRET",
        "password": PASSCODE,
    }
    return Meeting(**{**base, **changes})


def render(state=None, **kw) -> dict:
    m = kw.pop("m", None) or meeting()
    return messages.meeting_message(
        m,
        host_name="Ana",
        requester_id="U0ANA",
        show_passcode=kw.pop("show_passcode", True),
        state=state,
        **kw,
    )


def ids(message: dict) -> list[str]:
    return [
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def test_posted_has_join_and_cancel_and_no_status():
    message = render()
    assert ids(message) == ["join_meeting", "cancel_meeting"]
    assert "*Live*" not in json.dumps(message)
    assert "SECRET" not in json.dumps(message)
    assert "Design &lt;review&gt; &amp; more" in json.dumps(message)


def test_live_shows_since_when_and_who_is_in():
    started = NOW - timedelta(minutes=5)
    message = render(messages.LiveState(status="live", started_at=started, participants=2))
    text = json.dumps(message)
    assert f"<!date^{int(started.timestamp())}^" in text
    assert "2 people in" in text
    assert "join_meeting" in ids(message)
    assert "(live now)" in message["text"]


def test_one_person_and_nobody():
    assert words.people_words(1) == "1 person in"
    assert words.people_words(0) == "nobody in yet"


def test_ended_says_how_long_and_drops_every_button():
    state = messages.LiveState(status="ended", started_at=NOW, ended_at=NOW + timedelta(minutes=75))
    message = render(state, calendar=messages.CalendarLinks(google="https://g.example/x"))
    assert "lasted 1 hour 15 minutes" in json.dumps(message)
    assert ids(message) == []
    assert "Join" not in message["text"]


def test_a_recurring_meeting_that_ended_keeps_its_buttons():
    m = meeting(type=8, recurrence=Recurrence(type=2, weekly_days="2"))
    state = messages.LiveState(status="ended", started_at=NOW, ended_at=NOW + timedelta(minutes=1))
    message = render(state, m=m)
    assert "*Last met*" in json.dumps(message)
    assert "join_meeting" in ids(message)


def test_cancelled_by_someone_and_in_zoom():
    by = render(messages.LiveState(status="cancelled", cancelled_by="U0BO"))
    assert "*Cancelled* by <@U0BO>" in json.dumps(by)
    assert ids(by) == []
    assert PASSCODE not in json.dumps(by)
    in_zoom = render(messages.LiveState(status="cancelled"))
    assert "*Cancelled* in Zoom" in json.dumps(in_zoom)


def test_the_passcode_only_when_shown():
    assert PASSCODE in json.dumps(render(show_passcode=True))
    assert PASSCODE not in json.dumps(render(show_passcode=False))


def test_calendar_links_leave_the_passcode_out_when_it_is_private():
    m = meeting()
    private = links.calendar_links(
        settings(public_url="https://z.example", calendar_key=b"k" * 32), m, show_passcode=False
    )
    public = links.calendar_links(settings(), m, show_passcode=True)
    assert private is not None and public is not None
    for url in (private.google, private.outlook, private.ics):
        assert url and PASSCODE not in url
    assert PASSCODE in parse_qs(urlparse(public.google).query)["details"][0]
    assert public.ics is None  # no public URL
    assert private.ics.startswith("https://z.example/calendar/81234567890.ics?sig=")


def test_ics_signature_depends_on_the_secret_and_the_id():
    a = links.ics_signature(b"one", 81234567890)
    assert a == links.ics_signature(b"one", 81234567890)
    assert a != links.ics_signature(b"two", 81234567890)
    assert a != links.ics_signature(b"one", 81234567891)
    with pytest.raises(ValueError):
        links.ics_signature(b"", 81234567890)  # never signed with an empty key


def test_an_instant_meeting_has_no_calendar_links():
    assert links.calendar_links(settings(), meeting(type=1), show_passcode=True) is None


def test_next_starts_prefer_zoom_occurrences_and_skip_deleted_ones():
    occurrences = tuple(
        Occurrence(str(i), NOW + timedelta(days=7 * i), 30, "deleted" if i == 2 else "available")
        for i in range(1, 6)
    )
    m = meeting(type=8, recurrence=Recurrence(type=2, weekly_days="2"), occurrences=occurrences)
    starts = live_meeting.next_starts(m, NOW)
    assert starts == [NOW + timedelta(days=7), NOW + timedelta(days=21), NOW + timedelta(days=28)]


def test_next_starts_computed_when_zoom_listed_none():
    first = datetime(2030, 3, 4, 16, 30, tzinfo=UTC)  # a Monday, 9:30 in Denver
    m = meeting(type=8, start_time=first, recurrence=Recurrence(type=2, weekly_days="2"))
    starts = live_meeting.next_starts(m, NOW)
    assert len(starts) == 3
    assert all(s.weekday() == 0 for s in starts)
    message = render(m=m, next_starts=starts)
    assert json.dumps(message).count("<!date^") >= 4


def test_a_row_round_trips_into_the_same_message():
    m = meeting(type=8, recurrence=Recurrence(type=2, weekly_days="2", end_times=4))
    row = {
        "zoom_id": m.id,
        "uuid": m.uuid,
        "topic": m.topic,
        "type": m.type,
        "start_time": m.start_time.isoformat(),
        "duration": m.duration,
        "timezone": m.timezone,
        "requester": "U0ANA",
        **stored.meeting_columns(m, host_name="Ana", show_passcode=True),
    }
    again = stored.meeting_from_row(row)
    assert again.recurrence == m.recurrence
    assert again.start_url == ""
    rendered = live_meeting.render_meeting(settings(), again, row, None, NOW)
    first = live_meeting.render_new(
        settings(), m, host_name="Ana", requester_id="U0ANA", show_passcode=True, now=NOW
    )
    assert rendered == first


def test_preferences_fall_back_to_the_workspace():
    s = settings(default_duration=30, waiting_room=True, post_passcode=False)
    assert preferences_from(s, None).duration == 30
    mine = preferences_from(s, {"duration": 45, "waiting_room": 0, "post_passcode": None})
    assert (mine.duration, mine.waiting_room, mine.post_passcode) == (45, False, False)
    assert mine.own == {"duration", "waiting_room"}


def test_home_lists_only_what_is_ahead():
    def row(zoom_id, **kw):
        return {
            "zoom_id": zoom_id,
            "topic": f"m{zoom_id}",
            "type": 2,
            "duration": 30,
            "join_url": "https://j",
            **kw,
        }

    rows = [
        row(1, start_time=(NOW + timedelta(hours=2)).isoformat()),
        row(2, start_time=(NOW - timedelta(hours=2)).isoformat()),
        row(3, start_time=(NOW + timedelta(hours=1)).isoformat(), status="cancelled"),
        row(4, start_time=(NOW - timedelta(hours=2)).isoformat(), status="live"),
        row(5, start_time=(NOW + timedelta(minutes=10)).isoformat()),
    ]
    assert [r["zoom_id"] for r in home.upcoming(rows, NOW)] == [4, 5, 1]


def test_home_view_shows_preferences_as_chosen():
    prefs = preferences_from(settings(), {"duration": 45, "waiting_room": 1, "post_passcode": 0})
    view = home.home_view(meetings=[], host_email=None, found_by=None, prefs=prefs, now=NOW)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["pref_duration_block"]["accessory"]["initial_option"]["value"] == "45"
    chosen = blocks["pref_options_block"]["accessory"]["initial_options"]
    assert [o["value"] for o in chosen] == ["waiting_room"]
    assert "No Zoom account hosts your meetings yet" in json.dumps(view)


@pytest.fixture
def store():
    s = SQLiteStore(":memory:")
    yield s
    s.close()


async def test_participants_count_joins_minus_leaves_even_out_of_order(store):
    await store.participant_joined(1, "a", "2030-01-01T10:00:00+00:00")
    await store.participant_joined(1, "b", "2030-01-01T10:01:00+00:00")
    await store.participant_joined(1, "a", "2030-01-01T10:00:00+00:00")  # a repeat
    assert await store.participant_count(1) == 2
    await store.participant_left(1, "a", "2030-01-01T10:05:00+00:00")
    assert await store.participant_count(1) == 1
    # c's leave arrives before their join: they are not in.
    await store.participant_left(1, "c", "2030-01-01T10:07:00+00:00")
    await store.participant_joined(1, "c", "2030-01-01T10:06:00+00:00")
    assert await store.participant_count(1) == 1
    await store.forget_participants(1)
    assert await store.participant_count(1) == 0


async def test_a_delivery_is_first_only_once(store):
    assert await store.first_delivery("k1") is True
    assert await store.first_delivery("k1") is False
    assert await store.first_delivery("k2") is True


def test_the_schema_is_at_the_latest_version(store):
    from bot.store import SCHEMA_VERSION

    assert store.migrate() == SCHEMA_VERSION
    assert {"participants", "zoom_deliveries", "preferences"} <= set(store.db.table_names())
