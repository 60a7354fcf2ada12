"""Block Kit rendering of everything zoombot says in Slack. Pure: no I/O, no clock.
Long because the meeting message, its states and the private notes share one set of
block and escaping helpers; splitting notes from the meeting message is the next step.

Every message is a dict with `text` (the notification fallback) and `blocks`, ready for
`chat.postMessage`, `chat.postEphemeral` or a `response_url`. User text is always passed
through `escape()`, so a topic can never ping `@channel`, mention someone or pose as a link.
The host's `start_url` is never rendered by anything here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.times import parse_utc
from zoom import INSTANT, Meeting, MeetingType, Recurrence
from zoom.models import DAILY, MONTHLY, WEEKLY

Message = dict[str, Any]

WEEKDAYS = {
    "1": "Sunday",
    "2": "Monday",
    "3": "Tuesday",
    "4": "Wednesday",
    "5": "Thursday",
    "6": "Friday",
    "7": "Saturday",
}

RECURRING_TYPES = (MeetingType.RECURRING_NO_FIXED_TIME, MeetingType.RECURRING)


def escape(text: str) -> str:
    """Slack's three control characters escaped: `&`, `<`, `>` (in that order)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def join_url_without_passcode(join_url: str) -> str:
    """`join_url` without Zoom's `pwd` query parameter (the encoded passcode, which lets
    anyone holding the link skip the passcode). Other parameters are kept."""
    parts = urlsplit(join_url)
    if not parts.query:
        return join_url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "pwd"]
    return urlunsplit(parts._replace(query=urlencode(kept)))


_MARKUP = re.compile(r"<([^<>]*)>")


def shown_meeting(meeting: Meeting, *, show_passcode: bool) -> Meeting:
    """`meeting` as it may be shown to a channel: without the passcode, nor the `pwd` in its
    join URL, unless `show_passcode`."""
    if show_passcode:
        return meeting
    return dataclasses.replace(
        meeting, join_url=join_url_without_passcode(meeting.join_url), password=None
    )


def plain_text(mrkdwn: str, names: Mapping[str, str] | None = None) -> str:
    """Slack message markup read as plain text: `<@U1|ana>` → `@ana`, `<url|label>` → label.

    `names` maps user ids to names for mentions that carry no label. The result is
    unescaped (`&lt;` → `<`); escape it again before showing it in a message.
    """
    names = names or {}

    def render(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (label or names.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!date^"):
            return label or ""
        if target.startswith("!"):
            # <!here>, <!channel>, <!everyone>: plain words, never a ping.
            return "@" + (label or target[1:])
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return label or target

    text = _MARKUP.sub(render, mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean_text(text: str) -> str:
    """`text` without control characters (NUL, bell, escape sequences…): line breaks and tabs
    become spaces, the rest are dropped. Letters, emoji and direction marks are kept."""
    return "".join(
        " " if c in "\t\n\r" else c
        for c in text
        if c in "\t\n\r" or not (ord(c) < 32 or 127 <= ord(c) < 160)
    ).strip()


def topic_from_message(mrkdwn: str, names: Mapping[str, str] | None = None) -> str:
    """The first non-empty line of a message as plain text, trimmed to 200 characters."""
    for line in plain_text(mrkdwn, names).splitlines():
        line = " ".join(line.split())
        if line:
            return line[:200].rstrip()
    return ""


def format_meeting_id(meeting_id: int | str) -> str:
    """The meeting ID as Zoom shows it: 3-4-4 for 11 digits, 3-3-4 for 10, 3-4-4+ otherwise."""
    digits = str(meeting_id)
    if len(digits) == 10:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if len(digits) >= 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits


def date_token(when: datetime) -> str:
    """A Slack date token: each reader sees `when` in their own zone; the fallback is UTC."""
    utc = when.astimezone(UTC)
    fallback = f"{utc:%a %b} {utc.day} {utc:%Y} at {utc:%H:%M} UTC"
    return f"<!date^{int(utc.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def duration_words(minutes: int | None) -> str:
    """`45 minutes`, `1 hour`, `1 hour 30 minutes`."""
    if not minutes:
        return "open-ended"
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours > 1 else ""))
    if rest:
        parts.append(f"{rest} minute" + ("s" if rest > 1 else ""))
    return " ".join(parts)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def repetition_words(recurrence: Recurrence | None) -> str | None:
    """The repetition in words (`every weekday`, `every other Tuesday`), or None if it doesn't."""
    if recurrence is None:
        return None
    interval = recurrence.repeat_interval or 1
    if recurrence.type == DAILY:
        words = "every day" if interval == 1 else f"every {interval} days"
    elif recurrence.type == WEEKLY:
        days = [d.strip() for d in (recurrence.weekly_days or "").split(",") if d.strip()]
        if sorted(days) == ["2", "3", "4", "5", "6"] and interval == 1:
            words = "every weekday"
        else:
            names = ", ".join(WEEKDAYS.get(d, d) for d in days) or "week"
            every = {1: "every", 2: "every other"}.get(interval, f"every {interval} weeks on")
            words = f"{every} {names}"
    elif recurrence.type == MONTHLY:
        every = "every month" if interval == 1 else f"every {interval} months"
        if recurrence.monthly_day:
            words = f"{every} on the {_ordinal(recurrence.monthly_day)}"
        elif recurrence.monthly_week and recurrence.monthly_week_day:
            week = {-1: "last", 1: "first", 2: "second", 3: "third", 4: "fourth"}
            day = WEEKDAYS.get(str(recurrence.monthly_week_day), "")
            words = f"{every} on the {week.get(recurrence.monthly_week, '')} {day}"
        else:
            words = every
    else:
        return "repeats"
    if recurrence.end_times:
        words += f", {recurrence.end_times} times"
    elif recurrence.end_date_time:
        end = parse_utc(recurrence.end_date_time)
        words += f", until {date_token(end)}"
    return words


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def when_words(meeting: Meeting) -> str:
    if meeting.type == INSTANT or meeting.start_time is None:
        return "Now"
    return date_token(meeting.start_time)


@dataclass(frozen=True)
class LiveState:
    """What Zoom told us since the meeting was posted (all None: not started yet).

    `status` is None, "live", "ended" or "cancelled"; `participants` is how many are in
    (None: unknown); `cancelled_by` is the Slack user who cancelled it from Slack (None
    with status "cancelled": it was deleted in Zoom itself)."""

    status: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    participants: int | None = None
    cancelled_by: str | None = None


@dataclass(frozen=True)
class CalendarLinks:
    """Links for "Add to calendar" (each None when not offered)."""

    google: str | None = None
    ics: str | None = None
    outlook: str | None = None


# Slack refuses a button whose url is longer than this.
MAX_BUTTON_URL = 3000


def _button(action_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        **extra,
    }


def cancel_confirmation(topic: str) -> dict[str, Any]:
    """Slack's `confirm` object for the Cancel buttons (`topic` as given, escaped here)."""
    name = escape(topic if len(topic) <= 150 else topic[:149] + "…")
    return {
        "title": {"type": "plain_text", "text": "Cancel this meeting?"},
        "text": {"type": "mrkdwn", "text": f"This deletes *{name}* in Zoom for everyone."},
        "confirm": {"type": "plain_text", "text": "Cancel meeting"},
        "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }


def people_words(count: int) -> str:
    return "nobody in yet" if count <= 0 else f"{count} {'person' if count == 1 else 'people'} in"


def lasted_words(started_at: datetime | None, ended_at: datetime | None) -> str | None:
    if started_at is None or ended_at is None:
        return None
    minutes = round((ended_at - started_at).total_seconds() / 60)
    return "less than a minute" if minutes < 1 else duration_words(minutes)


def _status_line(state: LiveState, recurring: bool) -> str | None:
    if state.status == "live":
        line = ":red_circle: *Live*"
        if state.started_at is not None:
            line += f" since {date_token(state.started_at)}"
        if state.participants is not None:
            line += f" · {people_words(state.participants)}"
        return line
    if state.status == "ended":
        line = ":checkered_flag: *Last met*" if recurring else ":checkered_flag: *Ended*"
        if state.ended_at is not None:
            line += f" {date_token(state.ended_at)}"
        lasted = lasted_words(state.started_at, state.ended_at)
        return line + (f" · lasted {lasted}" if lasted else "")
    if state.status == "cancelled":
        if state.cancelled_by:
            return f":no_entry_sign: *Cancelled* by <@{state.cancelled_by}>"
        return ":no_entry_sign: *Cancelled* in Zoom"
    return None


def meeting_message(
    meeting: Meeting,
    *,
    host_name: str,
    requester_id: str,
    show_passcode: bool,
    state: LiveState | None = None,
    calendar: CalendarLinks | None = None,
    next_starts: Sequence[datetime] = (),
    skipped: Collection[datetime] = (),
    moved_from: datetime | None = None,
    extra_buttons: Sequence[dict[str, Any]] = (),
) -> Message:
    """The one message posted in the channel about a meeting, in every state it goes
    through (posted, live, ended, cancelled): it is re-rendered from the store on each change.

    Carries topic, start (date token), duration, repetition and the next occurrences, host,
    the meeting ID and, if `show_passcode`, the passcode; a status line once Zoom said
    something. Buttons while the meeting can still be joined (always for a recurring one
    that is not cancelled): Join, the `calendar` links given, Cancel (with a confirmation).
    Never the start_url; never the passcode when `show_passcode` is False, neither as such
    nor inside the join URL (its `pwd` parameter is dropped). The calendar links are the
    caller's: build them without it then. `skipped` of `next_starts` are struck through;
    `moved_from` adds "Moved from …"; `extra_buttons` go before Cancel (bot/render/move.py).
    """
    meeting = shown_meeting(meeting, show_passcode=show_passcode)
    state = state or LiveState()
    recurring = meeting.recurrence is not None or meeting.type in RECURRING_TYPES
    cancelled = state.status == "cancelled"
    open_ = not cancelled and (state.status != "ended" or recurring)
    topic = escape(meeting.topic or "Zoom meeting")
    fields = [
        f"*When*\n{when_words(meeting)}",
        f"*Duration*\n{duration_words(meeting.duration)}",
    ]
    repeats = repetition_words(meeting.recurrence)
    if repeats:
        fields.append(f"*Repeats*\n{repeats}")
    if next_starts and not cancelled:
        fields.append(
            "*Next*\n"
            + "\n".join(
                f"~{date_token(s)}~ skipped" if s in skipped else date_token(s)
                for s in next_starts[:5]
            )
        )
    fields.append(f"*Host*\n{escape(host_name)}")
    fields.append(f"*Meeting ID*\n{format_meeting_id(meeting.id)}")
    if show_passcode and meeting.password and not cancelled:
        fields.append(f"*Passcode*\n{escape(meeting.password)}")
    title = f"~{topic}~" if cancelled else topic
    blocks: list[dict[str, Any]] = [_section(f":video_camera: *{title}*")]
    status = _status_line(state, recurring)
    if status:
        blocks.append(_context(status))
    if moved_from is not None and not cancelled and moved_from != meeting.start_time:
        blocks.append(_context(f":arrow_right_hook: Moved from ~{date_token(moved_from)}~"))
    blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]})
    if open_:
        buttons = [
            _button(
                "join_meeting",
                "Join",
                style="primary",
                url=meeting.join_url,
                value=str(meeting.id),
            )
        ]
        links = calendar or CalendarLinks()
        for action_id, label, url in (
            ("add_to_google_calendar", "Add to Google Calendar", links.google),
            ("add_to_outlook", "Add to Outlook", links.outlook),
            ("download_ics", "Download .ics", links.ics),
        ):
            if url and len(url) <= MAX_BUTTON_URL:
                buttons.append(_button(action_id, label, url=url, value=str(meeting.id)))
        buttons.extend(extra_buttons)
        buttons.append(
            _button(
                "cancel_meeting",
                "Cancel",
                style="danger",
                value=str(meeting.id),
                confirm=cancel_confirmation(meeting.topic or "Zoom meeting"),
            )
        )
        blocks.append({"type": "actions", "block_id": "meeting_actions", "elements": buttons})
    blocks.append(_context(f"Scheduled by <@{requester_id}> with `/zoom`"))
    if cancelled:
        text = f"Zoom meeting cancelled: {topic}."
    elif state.status == "ended" and not recurring:
        text = f"Zoom meeting ended: {topic}."
    else:
        live = " (live now)" if state.status == "live" else ""
        text = f"Zoom meeting: {topic} ({when_words(meeting)}){live}. Join: {meeting.join_url}"
    return {"text": text, "blocks": blocks}


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
    blocks = [_section("\n".join(lines))]
    extra = [f"• {escape(g)}" for g in guesses] + [f"• {escape(n)}" for n in notes]
    if extra:
        blocks.append(_context("How I read it:\n" + "\n".join(extra)))
    return {"text": f"Created {topic}. Join: {meeting.join_url}", "blocks": blocks}


def refusal_message(sentence: str, reference: str | None = None) -> Message:
    """A private refusal. `sentence` is app-written and may hold mrkdwn; user text in it
    must already be escaped. The reference ties what the user sees to the log line."""
    text = sentence + (f" (ref `{reference}`)" if reference else "")
    return {"text": text, "blocks": [_section(f":warning: {text}")]}


def note_message(text: str) -> Message:
    """A short private note (app-written mrkdwn)."""
    return {"text": text, "blocks": [_section(text)]}


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
• `/zoom link you@company.com` — use this Zoom account to host your meetings
• `/zoom link @someone them@company.com` — (admins) set it for someone else
• `/zoom whoami` — which Zoom account hosts your meetings
• `/zoom connect` — host your meetings on your own Zoom account (where an admin set it \
up); `/zoom disconnect` — stop
Times are read in English, in your Slack time zone (or the one you name: `3pm PT`); the \
private confirmation says how each time was read. Every meeting gets a passcode and a \
waiting room."""


def help_message(command: str = "/zoom") -> Message:
    return named({"text": "How to use /zoom", "blocks": [_section(HELP)]}, command)


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
        return {"text": text, "blocks": [_section(text)]}
    lines = []
    for m in meetings[:40]:
        lines.append(
            f"• *{escape(m.topic or 'Zoom meeting')}* — {when_words(m)} · "
            f"ID {format_meeting_id(m.id)} · <{m.join_url}|Join>"
        )
    header = f"Upcoming meetings hosted by {escape(host_email)}:"
    more = [] if len(meetings) <= 40 else [f"…and {len(meetings) - 40} more."]
    text = "\n".join([header, *lines, *more])
    return {"text": header, "blocks": [_section(text[:2900])]}


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
