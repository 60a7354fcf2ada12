"""Tokens, client secrets, passcodes and start URLs never reach a log line.

One test drives every path the app has (instant, scheduled and recurring meetings, the
modal, both shortcuts, list, cancel, link, whoami, refusals, Zoom failures) against an app
logging at DEBUG, then searches everything it printed for every secret it has seen.
"""

from __future__ import annotations

import time

from tests.app.support import CREATE, eventually, posts_to, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import global_shortcut, message_shortcut, view_submission
from tests.fakes.zoom import Answer


def done(fake_slack, url: str, word: str) -> None:
    fake_slack.wait_for_response(url, lambda b: word in b.get("text", ""), timeout=15)


def test_no_secret_reaches_the_log(app, sender, fake_slack, fake_zoom, person):
    ana, admin = person(), person(is_admin=True)
    bo = person()

    for text in ("", "Standup", "tomorrow 3pm Review for 45 min", "every monday 9am Sync"):
        sender.command(text, ana.slack_id)
        done(fake_slack, sender.last_response_url, "Created")

    sender.command("schedule Planning", ana.slack_id)
    fake_slack.wait_for("views.open")
    submission = view_submission(
        user=ana.slack_id,
        view=fake_slack.last_view(),
        fill={"topic": "From the form", "start": int(time.time()) + 86400},
    )
    sender.interactive(submission)
    url = fake_slack.new_response_url()
    sender.interactive(message_shortcut(user=ana.slack_id, message_text="Hi", response_url=url))
    done(fake_slack, url, "Created")
    sender.interactive(global_shortcut(user=ana.slack_id))
    eventually(lambda: len(fake_zoom.meetings) >= 6, what="six meetings")
    eventually(lambda: len(posts_to(fake_slack, DEFAULT_CHANNEL)) >= 6, what="six posts")

    sender.command("list", ana.slack_id)
    done(fake_slack, sender.last_response_url, "Upcoming")
    sender.command(f"cancel {next(iter(fake_zoom.meetings))}", ana.slack_id)
    done(fake_slack, sender.last_response_url, "Cancelled")
    sender.command(f"link <@{bo.slack_id}|bo> {ana.email}", admin.slack_id)
    done(fake_slack, sender.last_response_url, "Done")
    sender.command("whoami", bo.slack_id)
    done(fake_slack, sender.last_response_url, "hosted by")

    # Refusals, and Zoom failing in the ways it can.
    sender.command("at 25pm Nope", ana.slack_id)
    done(fake_slack, sender.last_response_url, "ZB-")
    fake_zoom.script("POST", CREATE, *[Answer(status=503) for _ in range(3)])
    sender.command("Down", ana.slack_id)
    done(fake_slack, sender.last_response_url, "ZB-")
    fake_zoom.script("POST", CREATE, Answer(status=401), Answer(status=401))
    sender.command("Auth", ana.slack_id)
    done(fake_slack, sender.last_response_url, "ZB-")
    fake_zoom.revoke_tokens()
    sender.command("Renewed", ana.slack_id)
    done(fake_slack, sender.last_response_url, "Created")
    wait_created(fake_zoom, 7)

    logs = app.logs()
    assert "DEBUG" in logs  # the app really logged at DEBUG
    secrets = {
        "Slack bot token": sender_secrets(fake_slack)[0],
        "Slack signing secret": sender_secrets(fake_slack)[1],
        "Zoom client secret": fake_zoom.client_secret,
    }
    tokens = {
        value.split(None, 1)[1]
        for recorded in fake_zoom.requests
        for key, value in recorded.headers.items()
        if key.lower() == "authorization" and value.lower().startswith("bearer ")
    }
    assert len(tokens) >= 2  # the first token and the one after revoke_tokens
    for n, token in enumerate(sorted(tokens)):
        secrets[f"Zoom access token {n}"] = token
    meetings = list(fake_zoom.meetings.values())
    assert len(meetings) >= 6
    for meeting in meetings:
        for key in ("password", "encrypted_password", "h323_password", "pstn_password"):
            if meeting.get(key):
                secrets[f"{key} of {meeting['id']}"] = meeting[key]
        secrets[f"start_url of {meeting['id']}"] = meeting["start_url"]
        # The start URL's zak token on its own is as good as the URL.
        zak = meeting["start_url"].partition("zak=")[2]
        if zak:
            secrets[f"zak of {meeting['id']}"] = zak
    leaked = [name for name, value in secrets.items() if value and value in logs]
    assert leaked == [], where(logs, [secrets[name] for name in leaked])


def sender_secrets(fake_slack) -> tuple[str, str]:
    return fake_slack.bot_token, fake_slack.signing_secret


def where(logs: str, values: list[str]) -> str:
    """The first log line holding each leaked value, with the value itself masked."""
    lines = []
    for value in values:
        line = next(line for line in logs.splitlines() if value in line)
        at = line.index(value)
        lines.append(line[max(0, at - 200) : at].replace(value, "<<LEAKED>>") + "<<LEAKED>>")
    return "\n".join(lines)
