"""`/zoom` end to end: signed commands at the app, effects polled at the fake Slack and Zoom."""

from __future__ import annotations

import json

from tests.app.support import (
    MEETING,
    assert_no_start_url,
    eventually,
    posts_to,
    texts,
    wait_created,
)
from tests.fakes.slack import DEFAULT_CHANNEL


def posted_in(fake_slack, channel=DEFAULT_CHANNEL, timeout=8.0):
    return eventually(lambda: posts_to(fake_slack, channel), timeout, "chat.postMessage")[0]


def test_plain_zoom_makes_an_instant_meeting_and_posts_it(sender, fake_slack, fake_zoom, person):
    ana = person()
    response = sender.command("", ana.slack_id)
    assert response.status_code == 200
    assert "Creating" in response.text
    [create] = wait_created(fake_zoom)
    assert create.body["type"] == 1
    # Secure by default: a passcode, the waiting room on, join before host off.
    assert len(create.body["password"]) == 10
    assert create.body["settings"]["waiting_room"] is True
    assert create.body["settings"]["join_before_host"] is False
    assert create.path.endswith(f"/users/{ana.zoom_id}/meetings")
    post = posted_in(fake_slack)
    meeting = next(iter(fake_zoom.meetings.values()))
    body = texts(post.params)
    assert meeting["join_url"] in body
    assert meeting["password"] in body
    assert f"{str(meeting['id'])[:3]} " in body
    confirmation = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Created" in b.get("text", "")
    )
    assert confirmation["response_type"] == "ephemeral"
    assert_no_start_url(fake_slack, fake_zoom)


def test_text_without_time_words_names_the_instant_meeting(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("Standup", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.body["type"] == 1
    assert create.body["topic"] == "Standup"
    assert "Standup" in texts(posted_in(fake_slack).params)


def test_a_time_makes_a_scheduled_meeting_in_the_requesters_zone(
    sender, fake_slack, fake_zoom, person
):
    ana = person(tz="America/Denver")
    sender.command("tomorrow 3pm Design review for 45 min", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.body["type"] == 2
    assert create.body["timezone"] == "America/Denver"
    assert create.body["start_time"].endswith("T15:00:00")
    assert create.body["duration"] == 45
    assert "Design review" in create.body["topic"]
    post = posted_in(fake_slack)
    assert "<!date^" in texts(post.params)
    assert "45 minutes" in texts(post.params)


def test_a_repeating_time_makes_a_recurring_meeting(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("every monday 9am Team sync", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.body["type"] == 8
    assert create.body["recurrence"]["type"] == 2
    post = posted_in(fake_slack)
    assert "Monday" in texts(post.params)


def test_a_hostile_topic_is_shown_escaped(sender, fake_slack, fake_zoom, person):
    ana = person()
    # With should_escape on, Slack sends a real @channel as <!channel> and typed <, > escaped.
    sender.command("<!channel> party <@U0SOMEONE> &lt;!here&gt;", ana.slack_id)
    wait_created(fake_zoom)
    post = texts(posted_in(fake_slack).params)
    assert "<!channel>" not in post and "<@U0SOMEONE>" not in post and "<!here>" not in post
    assert "&lt;!here&gt;" in post


def test_schedule_opens_the_modal_filled_from_the_text(sender, fake_slack, fake_zoom, person):
    ana = person()
    response = sender.command("schedule tomorrow 10am Retro", ana.slack_id)
    assert response.status_code == 200
    call = fake_slack.wait_for("views.open")
    blocks = {b["block_id"]: b for b in call.params["view"]["blocks"]}
    assert blocks["topic"]["element"]["initial_value"] == "Retro"
    assert blocks["channel"]["element"]["initial_conversation"] == DEFAULT_CHANNEL
    assert not fake_zoom.requests_to("/users/{userId}/meetings", "POST")


def test_help_answers_privately_in_the_ack(sender, fake_slack, person):
    ana = person(zoom=False)
    response = sender.command("help", ana.slack_id)
    assert response.status_code == 200
    body = response.json()
    assert "/zoom cancel" in json.dumps(body)
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert not fake_slack.calls_to("chat.postMessage")


def test_list_shows_upcoming_meetings_with_join_links(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("tomorrow 3pm Planning", ana.slack_id)
    wait_created(fake_zoom)
    meeting = next(iter(fake_zoom.meetings.values()))
    sender.command("list", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Upcoming" in b.get("text", "")
    )
    assert meeting["join_url"] in texts(answer)
    assert answer["response_type"] == "ephemeral"


def test_cancel_own_meeting_deletes_it(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("tomorrow 3pm Planning", ana.slack_id)
    wait_created(fake_zoom)
    meeting_id = next(iter(fake_zoom.meetings))
    digits = str(meeting_id)
    spaced = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    sender.command(f"cancel {spaced}", ana.slack_id)
    eventually(lambda: fake_zoom.requests_to(MEETING, "DELETE"), what="DELETE at Zoom")
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Cancelled" in b.get("text", "")
    )
    assert answer["response_type"] == "ephemeral"


def test_cancel_someone_elses_meeting_is_refused(sender, fake_slack, fake_zoom, person):
    ana, bo = person(), person()
    sender.command("tomorrow 3pm Planning", ana.slack_id)
    wait_created(fake_zoom)
    meeting_id = next(iter(fake_zoom.meetings))
    sender.command(f"cancel {meeting_id}", bo.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Only the person" in b.get("text", "")
    )
    assert "ref `ZB-" in answer["text"]
    assert not fake_zoom.requests_to(MEETING, "DELETE")
    assert meeting_id in fake_zoom.meetings


def test_the_host_may_cancel_a_meeting_someone_else_created(sender, fake_slack, fake_zoom, person):
    ana = person()
    admin = person(is_admin=True, zoom=False)
    deputy = person(zoom=False)
    sender.command("tomorrow 3pm Planning", ana.slack_id)
    wait_created(fake_zoom)
    meeting_id = next(iter(fake_zoom.meetings))
    # An admin points the deputy at Ana's Zoom user: the deputy now hosts Ana's meetings.
    sender.command(f"link <@{deputy.slack_id}|deputy> {ana.email}", admin.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Done" in b["text"])
    sender.command(f"cancel {meeting_id}", deputy.slack_id)
    eventually(lambda: fake_zoom.requests_to(MEETING, "DELETE"), what="DELETE at Zoom")


def test_cancel_an_unknown_meeting_says_so(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("cancel 999 9999 9999", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "no such meeting" in b.get("text", "")
    )
    assert "ZB-" in answer["text"]


def test_link_own_email_then_whoami(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command(f"link <mailto:{ana.email}|{ana.email}>", ana.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Done" in b["text"])
    sender.command("whoami", ana.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url)
    assert ana.email in answer["text"] and "linked" in answer["text"]


def test_whoami_without_a_link_names_the_slack_email(sender, fake_slack, person):
    ana = person()
    sender.command("whoami", ana.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url)
    assert ana.email in answer["text"] and "Slack email" in answer["text"]


def test_admin_links_someone_else(sender, fake_slack, fake_zoom, person):
    admin = person(is_admin=True)
    bo = person(zoom=False)
    shared = person()  # a Zoom user to host for Bo
    sender.command(f"link <@{bo.slack_id}> {shared.email}", admin.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Done" in b["text"])
    sender.command("Bo's sync", bo.slack_id)
    [create] = wait_created(fake_zoom)
    assert shared.email in create.path or shared.zoom_id in create.path


def test_non_admin_cannot_link_someone_else(sender, fake_slack, person):
    ana, bo = person(), person()
    sender.command(f"link <@{bo.slack_id}|bo> {ana.email}", ana.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url)
    assert "Only a Slack admin" in answer["text"]


def test_non_admin_cannot_link_an_email_not_their_own(sender, fake_slack, person):
    ana, other = person(), person()
    sender.command(f"link {other.email}", ana.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url)
    assert "your own Slack email" in answer["text"]


def test_linking_an_email_zoom_does_not_know_is_refused(sender, fake_slack, person):
    admin = person(is_admin=True)
    sender.command("link nobody@nowhere.example", admin.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url)
    assert "not a user" in answer["text"]


def test_without_a_slack_time_zone_the_time_is_read_in_utc_and_said_so(
    sender, fake_slack, fake_zoom, person
):
    ana = person(tz=None)
    sender.command("tomorrow 3pm Planning", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.body["timezone"] in ("UTC", "Etc/UTC")
    confirmation = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Created" in b.get("text", "")
    )
    assert "in UTC" in texts(confirmation)


def test_one_log_line_per_request_and_no_secrets_in_the_log(
    app, sender, fake_slack, fake_zoom, person
):
    ana = person()
    sender.command("now", ana.slack_id)
    wait_created(fake_zoom)
    posted_in(fake_slack)
    meeting = next(iter(fake_zoom.meetings.values()))

    def request_line() -> str | None:
        lines = app.logs().splitlines()
        return next((ln for ln in lines if ana.slack_id in ln and "outcome=posted" in ln), None)

    line = eventually(request_line, what="the request's log line")
    logs = app.logs()
    assert "ack_ms=" in line and "command" in line
    for secret in (
        fake_slack.bot_token,
        fake_slack.signing_secret,
        fake_zoom.client_secret,
        meeting["password"],
        meeting["start_url"],
    ):
        assert secret not in logs
