"""Reading a change to a meeting that exists: "thu 3pm", "push 30 min", "same time next week",
"tomorrow same time", "45 min" (a new length), and the day of one occurrence ("dec 24").

    read_change(text, start=…, duration=…, zone=…, user_zone=…, now=…) -> Change | Refusal
    read_day(text, zone, now) -> date | Refusal
    split_command(sub, rest) -> MoveCommand | None     # `/zoom move|push|skip …`
    split_occurrence("dec 24 to 11am") -> ("dec 24", "11am") | None

Pure: no I/O, the clock passed in. A new time goes through the reader (`read_request`), a
length through `durations.minutes_in`; only the words for shifting a time are read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.reading import zones
from bot.reading.dates import day_label, resolve_day
from bot.reading.durations import describe, minutes_in
from bot.reading.length import MAX_DURATION
from bot.reading.reader import read_request
from bot.reading.results import Refusal, Refused
from bot.reading.scan import Scan
from bot.reading.time_words import find_time_words
from zoom.models import INSTANT, SCHEDULED

EXAMPLES = "`thu 3pm`, `push 30 min`, `same time next week` or `45 min` (a new length)"
MAX_SHIFT = 366 * 24 * 60  # minutes a push may move a meeting

_PUSH = re.compile(
    r"^(?:push|delay|postpone|bump|shift|move)(?:\s+it)?(?:\s+(?:back|out|later))?"
    r"(?:\s+by)?\s+(?P<d>.+?)(?:\s+later)?$"
)
_LATER = re.compile(r"^(?:by\s+)?(?P<d>.+?)\s+later$")
_PULL = re.compile(
    r"^(?:pull|bring)(?:\s+it)?(?:\s+(?:in|forward|earlier|back))?(?:\s+by)?\s+(?P<d>.+?)"
    r"(?:\s+earlier)?$"
)
_EARLIER = re.compile(r"^(?:by\s+)?(?P<d>.+?)\s+earlier$")
_LENGTH = re.compile(r"^(?:make\s+it\s+|for\s+|lasts?\s+)?(?P<d>.+?)(?:\s+long)?$")
_SAME_TIME = re.compile(r"\b(?:at\s+)?(?:the\s+)?same\s+time\b")
_NEXT_WEEK = re.compile(r"^(?:next\s+week|a\s+week\s+later|in\s+a\s+week|one\s+week\s+later)$")

# `/zoom move <ID|last> [on <day>] to <change>`, `/zoom push <ID|last> <length>`,
# `/zoom skip <ID|topic word> <day>`.
_TARGET = r"(?P<target>last|latest|\d{3}[\s-]\d{3,4}[\s-]\d{4}|\d{1,12})"
_MOVE = re.compile(rf"^{_TARGET}\s+(?:on\s+(?P<day>.+?)\s+)?to\s+(?P<change>.+)$", re.I)
_PUSH_COMMAND = re.compile(rf"^{_TARGET}\s+(?:by\s+)?(?P<change>.+)$", re.I)


class Verb(StrEnum):
    MOVE = "move"
    SKIP = "skip"


@dataclass(frozen=True)
class MoveCommand:
    """What `/zoom move|push|skip` names: the meeting (`target`: digits, "last" or, for a
    skip, topic words), the occurrence's day as written (None: the whole meeting) and the
    change as written (empty for a skip)."""

    verb: Verb
    target: str
    day: str | None
    change: str


def split_command(sub: str, rest: str) -> MoveCommand | None:
    """`/zoom <sub> <rest>` as a move or a skip, or None when it is not one (then it is a
    meeting to create, like any other text)."""
    rest = " ".join(rest.split())
    sub = sub.lower()
    if sub in ("move", "reschedule"):
        found = _MOVE.match(rest)
        if found:
            return MoveCommand(Verb.MOVE, found["target"], found["day"], found["change"])
        return None
    if sub in ("push", "delay", "postpone"):
        found = _PUSH_COMMAND.match(rest)
        if found and minutes_in(found["change"].lower().removesuffix(" later")) is not None:
            return MoveCommand(Verb.MOVE, found["target"], None, f"push {found['change']}")
        return None
    if sub == "skip":
        words = rest.split()
        for cut in range(1, len(words)):
            target, day = " ".join(words[:cut]), " ".join(words[cut:])
            day = day.removeprefix("on ")
            if _is_day(day):
                return MoveCommand(Verb.SKIP, target, day, "")
    return None


_ONE_OF_SERIES = re.compile(r"^(?:on\s+)?(?P<day>.+?)\s+to\s+(?P<change>.+)$", re.I)


def split_occurrence(text: str) -> tuple[str, str] | None:
    """`dec 24 to 11am` (one meeting of a series, from the Reschedule field) → ("dec 24",
    "11am"); None when the text does not start with one day followed by `to`."""
    found = _ONE_OF_SERIES.match(" ".join(text.split()))
    if found and _is_day(found["day"]):
        return found["day"], found["change"]
    return None


def _is_day(text: str) -> bool:
    """True when `text` is one day and nothing else ("dec 24", "tomorrow")."""
    scan = Scan(text)
    try:
        words = find_time_words(scan, "UTC", None)
    except Refused:
        return False
    return len(words.dates) == 1 and not words.times and not _unread(scan)


def _unread(scan: Scan) -> str:
    """What no reader claimed, bar spaces and commas."""
    return " ".join(scan.text[a:b] for a, b in scan.unclaimed_pieces()).strip(" ,")


@dataclass(frozen=True)
class Change:
    """A meeting's new start (aware; None: unchanged) and length (None: unchanged), and how
    the text was read, for the answer ("pushed 30 minutes")."""

    start: datetime | None
    duration: int | None
    how: str


def read_change(
    text: str,
    *,
    start: datetime,
    duration: int,
    zone: str,
    user_zone: str,
    now: datetime,
    on_day: date | None = None,
) -> Change | Refusal:
    """Read a change to a meeting that starts at `start` (aware) for `duration` minutes in
    `zone`; the text is read in `user_zone` at `now` (aware). `on_day`: a time without a
    day ("11am") is on that day (one occurrence's), not the next. Refuses unreadable text
    and a start in the past; a change to where the meeting already is is the caller's."""
    try:
        change = _read(text, _Moving(start, duration, zone, user_zone, now, on_day))
    except Refused as refused:
        return Refusal(refused.message)
    except OverflowError:
        return Refusal(f"That is further away than a calendar goes. Try {EXAMPLES}.")
    if change.start is not None and change.start <= now:
        return Refusal(
            f"I read “{text.strip()}” as {_label(change.start, zone)}, which has already "
            "passed. Pick a time ahead."
        )
    return change


@dataclass(frozen=True)
class _Moving:
    """`read_change`'s meeting (`start`, `duration`, `zone`) and how its text is read."""

    start: datetime
    duration: int
    zone: str
    user_zone: str
    now: datetime
    on_day: date | None


def _read(text: str, moving: _Moving) -> Change:
    start, zone, now = moving.start, moving.zone, moving.now
    words = " ".join(text.lower().replace("’", "'").split()).strip(" .!")
    words = words.removeprefix("to ").strip()
    if not words:
        raise Refused(f"Tell me when to move it: {EXAMPLES}.")
    for pattern, sign in ((_PUSH, 1), (_LATER, 1), (_PULL, -1), (_EARLIER, -1)):
        found = pattern.match(words)
        minutes = minutes_in(found["d"]) if found else None
        if minutes is not None:
            if not 0 < minutes <= MAX_SHIFT:
                raise Refused(f"I can't move a meeting by {found['d']}. Try {EXAMPLES}.")
            moved = start + sign * timedelta(minutes=minutes)
            word = "pushed" if sign > 0 else "pulled in"
            return Change(moved, None, f"{word} {describe(minutes)}")
    local = start.astimezone(_zone(zone))
    same = _SAME_TIME.search(words)
    if same is not None:
        day_words = (words[: same.start()] + " " + words[same.end() :]).strip()
        if not day_words:
            raise Refused("Same time which day? Say `same time next week` or `tomorrow same time`.")
        return _same_time(day_words, local, zone, now)
    if _NEXT_WEEK.match(words):
        return _same_time(words, local, zone, now)
    found = _LENGTH.match(words)
    minutes = minutes_in(found["d"]) if found else None
    if minutes is not None:
        if not 0 < minutes <= MAX_DURATION:
            raise Refused(f"A meeting can last up to 24 hours; I read “{found['d']}”.")
        return Change(None, minutes, f"now {describe(minutes)} long")
    user_zone = moving.user_zone
    if moving.on_day is not None:
        found_words = find_time_words(Scan(words), zone, None)
        if found_words.times and not found_words.dates:
            words = f"{moving.on_day.isoformat()} {words}"
            user_zone = zone  # the occurrence's day is in the meeting's zone
    return _new_time(words, moving.duration, zone, user_zone, now, local)


def _same_time(day_words: str, local: datetime, zone: str, now: datetime) -> Change:
    """The meeting's own clock time on another day: "next week" (a week after it),
    "tomorrow", "thu", "dec 24"."""
    day_words = day_words.removeprefix("on ").strip()
    if not day_words or _NEXT_WEEK.match(day_words):
        day = local.date() + timedelta(days=7)
    else:
        day = _day(day_words, zone, now)
    moved = _at(day, local.time(), zone)
    return Change(moved, None, f"{_label(moved, zone)} (same time)")


def _new_time(
    words: str, duration: int, zone: str, user_zone: str, now: datetime, local: datetime
) -> Change:
    reading = read_request(words, user_zone, now, default_duration=duration)
    if isinstance(reading, Refusal):
        scan = Scan(words)
        found = find_time_words(scan, zone, now.astimezone(_zone(zone)).replace(tzinfo=None))
        if len(found.dates) == 1 and not found.times:
            # A day without a time: the meeting's own time that day.
            return _same_time(words, local, zone, now)
        raise Refused(reading.message.replace("/zoom ", "/zoom move last to "))
    request = reading.request
    if request.type == INSTANT or request.type != SCHEDULED:
        if request.type != INSTANT:
            raise Refused(
                "A move changes when a meeting is, not how it repeats: to repeat it "
                "differently, cancel it and make a new one."
            )
        raise Refused(f"I couldn't read a new time in “{words}”. Try {EXAMPLES}.")
    moved = request.starts_at()
    assert moved is not None
    lengths = find_time_words(Scan(words), user_zone, None).durations
    new_length = request.duration if lengths else None
    how = _label(moved, zone)
    if new_length is not None:
        how += f", {describe(new_length)}"
    return Change(moved, new_length, how)


def read_day(text: str, zone: str, now: datetime) -> date | Refusal:
    """The day of one occurrence ("dec 24", "tomorrow", "thursday") in `zone`, today or
    later; a Refusal when the text is not one day."""
    words = " ".join(text.lower().split()).removeprefix("on ").strip()
    local_now = now.astimezone(_zone(zone)).replace(tzinfo=None)
    try:
        return _day(words, zone, now) if words else _no_day(text)
    except Refused as refused:
        return Refusal(refused.message)
    except OverflowError:
        return Refusal(f"I couldn't read “{text}” as a day after {day_label(local_now.date())}.")


def _no_day(text: str) -> date:
    raise Refused(f"Name the day of the occurrence, like `dec 24` (I read “{text}”).")


def _day(words: str, zone: str, now: datetime) -> date:
    local_now = now.astimezone(_zone(zone)).replace(tzinfo=None)
    scan = Scan(words)
    found = find_time_words(scan, zone, local_now)
    if len(found.dates) != 1 or found.times or _unread(scan):
        raise Refused(f"I couldn't read “{words}” as one day. Try `dec 24`, `tomorrow` or `thu`.")
    today = local_now.date()
    return resolve_day(found.dates[0], today, lambda day: day >= today, [])


def _zone(name: str) -> ZoneInfo:
    try:
        return zones.load(name)
    except Exception:  # an unknown zone on a stored meeting: its times are UTC then
        return zones.load("UTC")


def _at(day: date, clock: time, zone: str) -> datetime:
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=_zone(zone))


def _label(moment: datetime, zone: str) -> str:
    local = moment.astimezone(_zone(zone))
    clock = local.strftime("%I:%M %p").lstrip("0").replace(":00 ", " ")
    return f"{day_label(local.date())} at {clock} {local.tzname()}"
