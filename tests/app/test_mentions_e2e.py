"""Everyone's own time end to end (issue 16): a `/zoom` that names people shows each one's
local time; outside someone's working hours the requester is asked first (Create anyway,
Find a time); the posted message mentions them and never pings @channel/@here."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.flows.people import split_mentions
from bot.slots import Person, local_times
from tests.app.support import creates, eventually, posts_to, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import block_actions


def test_mentions_and_the_with_before_them_are_taken_out_before_reading() -> None:
    assert split_mentions("tomorrow 3pm design review with <@U1|kenji> <@U2|ana>") == (
        "tomorrow 3pm design review",
        ("U1", "U2"),
    )
    assert split_mentions("with <@U1>, <@U2> and <@W3> tomorrow 3pm sync") == (
        "tomorrow 3pm sync",
        ("U1", "U2", "W3"),
    )
    # Not people: @channel and @here stay (the reader reads them as plain words).
    assert split_mentions("<!channel> party <@U1>")[0] == "<!channel> party"


def buttons(message: dict) -> dict[str, dict]:
    return {
        e["action_id"]: e
        for b in message.get("blocks", [])
        if b.get("type") == "actions"
        for e in b["elements"]
    }


def press(sender, fake_slack, user: str, button: dict) -> str:
    url = fake_slack.new_response_url()
    payload = block_actions(
        user=user,
        actions=[
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "people",
                "value": button["value"],
            }
        ],
        response_url=url,
    )
    assert sender.interactive(payload).status_code == 200
    return url


def test_inside_everyones_hours_creates_at_once_with_local_times(
    sender, fake_slack, fake_zoom, person
):
    ana = person(tz="America/Denver")
    bo = person(tz="America/Chicago", display_name="Bo")
    sender.command(f"next wednesday 10am planning with <@{bo.slack_id}|bo>", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == "planning"
    confirmation = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Created" in b.get("text", "")
    )
    assert "10:00 AM for you · 11:00 AM for Bo (Chicago)" in json.dumps(
        confirmation, ensure_ascii=False
    )
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")[0]
    body = json.dumps(post.params)
    assert f"<@{bo.slack_id}>" in body and "<!date^" in body


def test_outside_hours_asks_then_find_a_time_and_create_once(sender, fake_slack, fake_zoom, person):
    ana = person(tz="America/Denver")
    kenji = person(tz="Asia/Tokyo", display_name="Kenji")
    lee = person(tz="Europe/London", display_name="Lee")
    sender.command(
        f"next wednesday 3pm design review <!channel> with <@{kenji.slack_id}|kenji> "
        f"<@{lee.slack_id}>",
        ana.slack_id,
    )
    question = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "working hours" in b.get("text", "")
    )
    text = json.dumps(question, ensure_ascii=False)
    assert "3:00 PM for you" in text and "for Kenji (Tokyo)" in text
    assert "outside working hours" in text
    assert not creates(fake_zoom)
    choices = buttons(question)

    # Find a time: three starts that fit everyone's hours, as buttons.
    found_url = press(sender, fake_slack, ana.slack_id, choices["people_find_time"])
    offer = fake_slack.wait_for_response(found_url)
    slots = [b for a, b in buttons(offer).items() if a.startswith("people_pick_slot_")]
    if slots:  # Denver, Tokyo and London share no weekday hour: nothing fits
        raise AssertionError(f"unexpected slots {slots}")
    assert "no 30-minute stretch of working hours in common" in json.dumps(offer)
    assert "people_create_anyway" in buttons(offer)

    # Create anyway, clicked twice: one meeting.
    first = press(sender, fake_slack, ana.slack_id, choices["people_create_anyway"])
    second = press(sender, fake_slack, ana.slack_id, choices["people_create_anyway"])
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == "design review @channel"
    fake_slack.wait_for_response(first, lambda b: "Created" in b.get("text", ""))
    fake_slack.wait_for_response(second, lambda b: "already" in b.get("text", "").lower())
    assert len(creates(fake_zoom)) == 1
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")[0]
    body = json.dumps(post.params)
    assert f"<@{kenji.slack_id}>" in body and f"<@{lee.slack_id}>" in body
    assert "<!channel>" not in body and "<!here>" not in body
    assert "<!date^" in body


def test_find_a_time_offers_slots_that_fit_everyone_and_one_creates(
    sender, fake_slack, fake_zoom, person
):
    ana = person(tz="America/Denver")
    lee = person(tz="Europe/London", display_name="Lee")
    sender.command(f"next thursday 3pm sync for 30 min with <@{lee.slack_id}>", ana.slack_id)
    question = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "working hours" in b.get("text", "")
    )
    found_url = press(sender, fake_slack, ana.slack_id, buttons(question)["people_find_time"])
    offer = fake_slack.wait_for_response(found_url)
    slots = [b for a, b in sorted(buttons(offer).items()) if a.startswith("people_pick_slot_")]
    assert len(slots) == 3
    people = [Person("you", "America/Denver"), Person("Lee", "Europe/London")]
    for slot in slots:
        start = datetime.fromisoformat(json.loads(slot["value"])["start"])
        assert all(t.inside for t in local_times(start, timedelta(minutes=30), people))
    picked = json.loads(slots[0]["value"])["start"]
    done = press(sender, fake_slack, ana.slack_id, slots[0])
    [create] = wait_created(fake_zoom)
    assert create.body["duration"] == 30 and create.body["timezone"] == "America/Denver"
    fake_slack.wait_for_response(done, lambda b: "Created" in b.get("text", ""))
    made = next(iter(fake_zoom.meetings.values()))
    assert datetime.fromisoformat(
        made["start_time"].replace("Z", "+00:00")
    ) == datetime.fromisoformat(picked)
    # A second slot of the same question makes nothing more.
    again = press(sender, fake_slack, ana.slack_id, slots[1])
    fake_slack.wait_for_response(again, lambda b: "already" in b.get("text", "").lower())
    assert len(creates(fake_zoom)) == 1


def next_weekday_at(zone: str, hour: int) -> datetime:
    """The next Monday-to-Friday (after today) at `hour`:00 in `zone`."""
    from zoneinfo import ZoneInfo

    day = datetime.now(ZoneInfo(zone)) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_the_modal_invite_field_asks_and_keeps_the_forms_options(
    sender, fake_slack, fake_zoom, person
):
    from tests.fakes.slack_requests import view_submission

    ana, bo = person(tz="America/Denver"), person()
    kenji = person(tz="Asia/Tokyo", display_name="Kenji")
    sender.command("schedule", ana.slack_id)
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    assert any(b.get("block_id") == "invite" for b in view["blocks"])
    start = next_weekday_at("America/Denver", 15)
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={
            "topic": "Board prep",
            "start": int(start.timestamp()),
            "duration": "45",
            "alt_hosts": [bo.slack_id],
            "invite": [kenji.slack_id],
            "options": ["waiting_room", "mute_upon_entry"],
        },
    )
    assert sender.interactive(payload).status_code == 200
    question = fake_slack.wait_for_response(None, lambda b: "working hours" in b.get("text", ""))
    assert "for Kenji (Tokyo)" in json.dumps(question, ensure_ascii=False)
    assert not creates(fake_zoom)
    done = press(sender, fake_slack, ana.slack_id, buttons(question)["people_create_anyway"])
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == "Board prep" and create.body["duration"] == 45
    assert create.body["settings"]["alternative_hosts"] == bo.email
    assert create.body["settings"]["mute_upon_entry"] is True
    assert create.body["start_time"] == start.strftime("%Y-%m-%dT%H:%M:00")
    fake_slack.wait_for_response(done, lambda b: "Created" in b.get("text", ""))
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")[0]
    assert f"<@{kenji.slack_id}>" in json.dumps(post.params)


def choose_hours(sender, user: str, action_id: str, hhmm: str) -> None:
    option = {"text": {"type": "plain_text", "text": hhmm}, "value": hhmm}
    payload = block_actions(
        user=user,
        actions=[
            {
                "type": "static_select",
                "action_id": action_id,
                "block_id": f"{action_id}_block",
                "selected_option": option,
            }
        ],
        view={"id": "V0HOME", "type": "home"},
    )
    assert sender.interactive(payload).status_code == 200


def test_someones_own_working_hours_from_the_home_tab_count(sender, fake_slack, fake_zoom, person):
    ana = person(tz="America/Denver")
    kenji = person(tz="Asia/Tokyo", display_name="Kenji")
    # Kenji works from 6 AM: a Denver afternoon (his early morning) then suits him.
    choose_hours(sender, kenji.slack_id, "pref_work_start", "06:00")
    eventually(
        lambda: any(
            '"06:00"' in json.dumps(c.params) and kenji.slack_id in json.dumps(c.params)
            for c in fake_slack.calls_to("views.publish")
        ),
        what="Kenji's Home tab with his hours",
    )
    start = next_weekday_at("America/Denver", 15)
    while start.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo")).weekday() >= 5:
        start += timedelta(days=1)
    when = f"{start:%B} {start.day} 3pm"
    sender.command(f"{when} sync for 30 min with <@{kenji.slack_id}>", ana.slack_id)
    wait_created(fake_zoom)
    confirmation = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Created" in b.get("text", "")
    )
    text = json.dumps(confirmation, ensure_ascii=False)
    assert "for Kenji (Tokyo)" in text and "outside" not in text


def test_the_invited_stay_mentioned_when_the_message_is_updated(
    app, sender, fake_slack, fake_zoom, person
):
    from tests.app.live_support import make_meeting, wait_update

    ana = person(tz="America/Denver")
    bo = person(tz="America/Chicago", display_name="Bo")
    start = next_weekday_at("America/Denver", 10)
    posted = make_meeting(
        sender,
        fake_slack,
        fake_zoom,
        ana.slack_id,
        f"{start:%B} {start.day} 10am review with <@{bo.slack_id}>",
    )
    fake_zoom.send_event(app.url + "/zoom/events", fake_zoom.start_meeting(posted.meeting_id))
    blocks = wait_update(fake_slack, posted, "Live")
    assert f"<@{bo.slack_id}>" in json.dumps(blocks)


def test_schedule_with_mentions_fills_the_invite_field_not_the_topic(
    sender, fake_slack, fake_zoom, person
):
    ana = person(tz="America/Denver")
    kenji = person(tz="Asia/Tokyo", display_name="Kenji")
    sender.command(f"schedule friday 2pm retro with <@{kenji.slack_id}|kenji>", ana.slack_id)
    call = fake_slack.wait_for("views.open")
    blocks = {b.get("block_id"): b for b in call.params["view"]["blocks"]}
    assert blocks["topic"]["element"]["initial_value"] == "retro"
    assert blocks["invite"]["element"]["initial_users"] == [kenji.slack_id]
    assert not creates(fake_zoom)
