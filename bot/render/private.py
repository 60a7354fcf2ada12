"""What zoombot says to one person (ephemeral, response_url or DM): the confirmation of
a created meeting, refusals and notes, help, the list of their meetings, a cancel's answer,
`whoami`, and `named` (the slash command called by ZOOMBOT_COMMAND). Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.render.words import (
    Message,
    context,
    escape,
    format_meeting_id,
    section,
    when_words,
)
from zoom import Meeting


def confirmation_message(
    meeting: Meeting,
    *,
    channel: str | None,
    guesses: Sequence[str] = (),
    passcode: str | None = None,
    notes: Sequence[str] = (),
) -> Message:
    """The private note to the requester: where it was posted, what the reading guessed.

    `passcode` is shown here when the channel message leaves it out.
    """
    topic = escape(meeting.topic or "Zoom meeting")
    where = f" in <#{channel}>" if channel and channel[:1] in "CG" else ""
    lines = [f":white_check_mark: Created *{topic}* ({when_words(meeting)}) and posted it{where}."]
    lines.append(f"Join: {meeting.join_url}")
    if passcode:
        lines.append(f"Passcode (only shown to you): `{escape(passcode)}`")
    blocks = [section("\n".join(lines))]
    extra = [f"• {escape(g)}" for g in guesses] + [f"• {escape(n)}" for n in notes]
    if extra:
        blocks.append(context("How I read it:\n" + "\n".join(extra)))
    return {"text": f"Created {topic}. Join: {meeting.join_url}", "blocks": blocks}


def refusal_message(sentence: str, reference: str | None = None) -> Message:
    """A private refusal. `sentence` is app-written and may hold mrkdwn; user text in it
    must already be escaped. The reference ties what the user sees to the log line."""
    text = sentence + (f" (ref `{reference}`)" if reference else "")
    return {"text": text, "blocks": [section(f":warning: {text}")]}


def join_details(join_url: str, passcode: str | None) -> str:
    """`Join: <url> · Passcode <code>`, for a sentence about a meeting that was made."""
    return f"Join: {join_url}" + (f" · Passcode `{escape(passcode)}`" if passcode else "")


def not_posted_message(join_url: str, passcode: str | None, reference: str) -> Message:
    """The private note for a meeting that was made but could not be posted."""
    return refusal_message(
        "I created the meeting but could not post it in the channel. "
        + join_details(join_url, passcode),
        reference,
    )


def note_message(text: str) -> Message:
    """A short private note (app-written mrkdwn)."""
    return {"text": text, "blocks": [section(text)]}


HELP = """*Zoom meetings from Slack*
• `/zoom` or `/zoom now` — an instant meeting, right now
• `/zoom Standup` — an instant meeting called "Standup"
• `/zoom tomorrow 3pm Design review for 45 min` — a scheduled meeting
• `/zoom every monday 9:30 Team sync` — a recurring meeting
• `/zoom schedule` or `/zoom schedule friday 2pm Retro` — the full form (channel, \
alternative hosts, options)
• `/zoom list` — your upcoming meetings
• `/zoom cancel 812 3456 7890` — cancel a meeting you created or host; \
`/zoom cancel last` — the last one you made
• `/zoom move last to thu 3pm` — move a meeting (its ID, or `last`: your latest here); \
also `/zoom move 812 3456 7890 to same time next week`
• `/zoom push last 30 min` — push it later; or press *Reschedule* on its message \
(`Thu 3pm`, `push 30 min`, `tomorrow same time`, `45 min` for a new length)
• `/zoom skip standup dec 24` — skip one meeting of a series (a word of its topic, or its \
ID); or press *Skip one…* on its message
• `/zoom move 812 3456 7890 on dec 24 to 11am` — move one meeting of a series
• Reminders: each scheduled meeting gets one in its thread 10 minutes before \
(`/zoom tomorrow 3pm Review` → a reminder at 2:50pm); change it in my App Home tab \
(off, 5, 10, 15, 30 min) or per meeting in `/zoom schedule`'s Reminder field
• After a meeting ends, its message shows who joined and how long it ran, and \
*Schedule a follow-up* opens the form filled in for a week later
• `/zoom link you@company.com` — use this Zoom account to host your meetings
• `/zoom link @someone them@company.com` — (admins) set it for someone else
• `/zoom whoami` — which Zoom account hosts your meetings
• `/zoom tomorrow 3pm Design review with @kenji @ana` — everyone's local time; asks first \
if it is outside someone's working hours
• `/zoom join 812 3456 7890` or `/zoom join <Zoom link>` — post a join card for an \
existing meeting
• `/zoom me` — post your personal meeting room
• `/zoom connect` — host your meetings on your own Zoom account (where an admin set it \
up); `/zoom disconnect` — stop
• `/zoom schedule Town hall` — then *Require registration*: people press *Register* and \
get their own link (or wait for your *Approve* in the thread)
• After a meeting, its recording (and, if turned on, its AI summary) is posted in its thread
Times are read in English, in your Slack time zone (or the one you name: `3pm PT`); the \
private confirmation says how each time was read. Every meeting gets a passcode and a \
waiting room."""


def help_message(command: str = "/zoom") -> Message:
    return named({"text": "How to use /zoom", "blocks": [section(HELP)]}, command)


_COMMAND = re.compile(r"(?<![\w/])/zoom(?![\w-])")


def named(message: Message, command: str) -> Message:
    """`message` with the slash command called `command` wherever it says `/zoom` (a
    workspace where Zoom's own app owns `/zoom` names zoombot's otherwise: ZOOMBOT_COMMAND)."""
    if command == "/zoom":
        return message

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            return _COMMAND.sub(command, value)
        if isinstance(value, list):
            return [rename(item) for item in value]
        if isinstance(value, dict):
            return {k: rename(v) if k in _RENAMED else v for k, v in value.items()}
        return value

    return rename(message)


# The keys whose values are words people read (not ids, URLs or values sent back to us).
_RENAMED = frozenset({"text", "blocks", "elements", "fields", "title", "accessory", "fallback"})


def meetings_list_message(meetings: Iterable[Meeting], *, host_email: str) -> Message:
    """The requester's upcoming meetings, with join links (private)."""
    meetings = list(meetings)
    if not meetings:
        text = f"No upcoming meetings for {escape(host_email)}. Make one with `/zoom`."
        return {"text": text, "blocks": [section(text)]}
    lines = []
    for m in meetings[:40]:
        lines.append(
            f"• *{escape(m.topic or 'Zoom meeting')}* — {when_words(m)} · "
            f"ID {format_meeting_id(m.id)} · <{m.join_url}|Join>"
        )
    header = f"Upcoming meetings hosted by {escape(host_email)}:"
    more = [] if len(meetings) <= 40 else [f"…and {len(meetings) - 40} more."]
    text = "\n".join([header, *lines, *more])
    return {"text": header, "blocks": [section(text[:2900])]}


def cancelled_message(meeting_id: int, topic: str | None, *, already_gone: bool = False) -> Message:
    """The private answer to a cancel; `already_gone`: Zoom had deleted it before we asked."""
    name = f" *{escape(topic)}*" if topic else ""
    if already_gone:
        text = (
            f"The meeting{name} (ID {format_meeting_id(meeting_id)}) was already deleted in "
            "Zoom; its message now says it is cancelled."
        )
        return note_message(text)
    text = f"Cancelled{name} (ID {format_meeting_id(meeting_id)}) in Zoom."
    return note_message(text)


FOUND_BY = {
    "mapping": "linked with `/zoom link`",
    "slack_email": "your Slack email, which is a Zoom user",
    "default_host": "the workspace's default host (you are named in the agenda)",
    "connected": "your own Zoom account, connected with `/zoom connect`",
}


def whoami_message(
    *,
    email: str | None,
    found_by: str | None,
    set_by: str | None = None,
    set_at: str | None = None,
) -> Message:
    """Which Zoom user hosts the requester's meetings, and how that was found."""
    if not email:
        return refusal_message(
            "No Zoom account hosts your meetings yet. Type `/zoom link you@company.com`."
        )
    how = FOUND_BY.get(found_by or "", found_by or "")
    text = f"Your meetings are hosted by *{escape(email)}* ({how})."
    if found_by == "mapping" and set_by:
        text += f" Set by <@{set_by}>" + (f" on {set_at[:10]}." if set_at else ".")
    return note_message(text)
