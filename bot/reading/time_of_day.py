"""The finders of times of day in `/zoom` text: am/pm, H:MM, 24-hour and "9h30" forms,
ranges ("9-10am"), words ("half past 3", "noon"), "at N", and an hour before a part of
the day ("8 tonight").
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.reading.bare_range import bare_range_is_time, day_span
from bot.reading.clock import WrittenTime, written_time
from bot.reading.found_words import TimeWords, claim
from bot.reading.results import Refused
from bot.reading.scan import DATE, TIME, Scan
from bot.reading.time_patterns import (
    ABOUT_TIME,
    AT_TIME,
    BARE_AFTER_DATE,
    BEFORE_PART_OF_DAY,
    COLON_TIME,
    COMPACT_MERIDIEM_TIME,
    DOT_TIME,
    FOUR_DIGITS,
    H_RANGE,
    H_TIME,
    HALF_HOUR,
    HHMM_RANGE,
    HHMM_TIME,
    HOUR_WORDS,
    ISH_TIME,
    MERIDIEM_TIME,
    MINUTE_WORDS,
    NOON,
    NOON_RANGE,
    OCLOCK,
    PAST_MINUTES,
    PAST_TO,
    RANGE,
    THREE_DIGIT_TIME,
    THREE_DIGITS,
    WORD_TIME,
    WORD_TIME_END,
)
from bot.reading.zone_words import zone_after


def find_range(scan: Scan, words: TimeWords) -> None:
    if _find_range(scan, words, RANGE):
        return
    if any(word in scan.masked for word in ("noon", "midday", "midnight")):
        _find_range(scan, words, NOON_RANGE)


def _find_range(scan: Scan, words: TimeWords, pattern: re.Pattern[str]) -> bool:
    for match in scan.find(pattern):
        if pattern is NOON_RANGE:
            words.times.append(_range_side(scan, match, "1"))
            words.range_end = _range_side(scan, match, "2")
            claim(scan, match, TIME)
            zone_after(scan, words, match.end())
            return True
        has_shape = match["m1"] or match["r1"] or match["m2"] or match["r2"]
        before = scan.masked[: match.start()].rstrip()
        after_date = before.endswith(DATE)
        before_date = scan.masked[match.end() :].lstrip(" ,").startswith(DATE)
        if not (has_shape or match["pre"] or after_date or before_date or match["sp2"]):
            if match["c1"] or match["c2"]:
                continue  # "issues 115-130": three digits without a time's signs
            span = day_span(scan.masked, match.start(), match.end())
            if span is not None:
                _refuse_day_span(scan, span)
            if not bare_range_is_time(
                scan.masked, match.start(), match.end(), int(match["h1"]), int(match["h2"])
            ):
                continue
        joiner = scan.masked[match.start() : match.end()]
        if " and " in joiner and not (match["pre"] or "").strip().startswith("between"):
            continue
        claim(scan, match, TIME)
        words.times.append(_range_side(scan, match, "1"))
        words.range_end = _range_side(scan, match, "2")
        zone_after(scan, words, match.end())
        return True
    return False


def _refuse_day_span(scan: Scan, span: tuple[int, int]) -> None:
    raise Refused(
        f"I read “{scan.original(*span)}” as a span of days, but a meeting is on one day. "
        f"Name one day and a time, like `/zoom Nov 11 11am-12pm Review`, or make it repeat daily."
    )


def _range_side(scan: Scan, match: re.Match[str], side: str) -> WrittenTime:
    """One side of a RANGE match: "noon", "11am", "1:30"."""
    special = match.groupdict().get("sp" + side)
    if special:
        hour = 0 if special == "midnight" else 12
        return WrittenTime(special, hour, special="midnight" if hour == 0 else "noon")
    h, m, r = match["h" + side], match["m" + side], match["r" + side]
    compact = match.groupdict().get("c" + side)
    last = "r" if r else "m" if m else "c" if compact else "h"
    written = scan.original(match.start("h" + side), match.end(last + side))
    return written_time(written, h, m or compact, r)


# What each early pattern cannot match without (a call runs only those that can).
_DIGIT_H = re.compile(r"\dh")
_PAST_TO_WORD = re.compile(r"\s(?:past|after|to|till?|before|of)\s")
_LENGTH_BEFORE = re.compile(r"(?:for|lasting|about|around|in|within|~)\s*$")


def _twenty_four(scan: Scan, match: re.Match[str], h: str, m: str | None) -> WrittenTime:
    written = scan.original(match.start("h"), match.end())
    return WrittenTime(written, int(h), int(m or 0), twenty_four=True)


def _add_time(scan: Scan, words: TimeWords, match: re.Match[str], time: WrittenTime) -> None:
    claim(scan, match, TIME)
    words.times.append(time)
    zone_after(scan, words, match.end())


def find_early_times(scan: Scan, words: TimeWords) -> None:
    """Times that look like lengths or numbers and must be read before lengths are:
    "15h30", "9h30-11h00", "at 1030", "half past 3", "20 minutes to 2pm"."""
    digit_h = _DIGIT_H.search(scan.masked) is not None
    for match in scan.find(H_RANGE) if digit_h else ():
        if not (int(match["h1"]) <= 23 and int(match["h2"]) <= 23):
            continue
        claim(scan, match, TIME)
        start = scan.original(
            match.start("h1"), match.end("m1") if match["m1"] else match.end("h1") + 1
        )
        words.times.append(
            WrittenTime(start, int(match["h1"]), int(match["m1"] or 0), twenty_four=True)
        )
        words.range_end = WrittenTime(
            scan.original(match.start("h2"), match.end()),
            int(match["h2"]),
            int(match["m2"] or 0),
            twenty_four=True,
        )
        zone_after(scan, words, match.end())
        return
    four_digits = FOUR_DIGITS.search(scan.masked) is not None
    if four_digits and _find_hhmm_range(scan, words):
        return
    for match in scan.find(H_TIME) if digit_h else ():
        hour, minute = int(match["h"]), int(match["m"] or 0)
        before = scan.masked[: match.start()]
        if hour > 23 or minute > 59 or _LENGTH_BEFORE.search(before):
            continue
        after_date = before.rstrip(" ,").endswith(DATE)
        if match["at"] or after_date or hour >= 10 or (match["m"] and hour >= 7):
            _add_time(scan, words, match, _twenty_four(scan, match, match["h"], match["m"]))
    for match in scan.find(HHMM_TIME) if four_digits else ():
        key = "h" if match["h"] else "h2" if match["h2"] else "h3"
        h, m = match[key], match["m" + key[1:]]
        written = scan.original(match.start(key), match.end())
        _add_time(scan, words, match, WrittenTime(written, int(h), int(m), twenty_four=True))
    if THREE_DIGITS.search(scan.masked):
        for match in scan.find(THREE_DIGIT_TIME):
            after_date = not scan.masked[match.start() : match.start("h")].strip(" ,")
            if after_date and WORD_TIME_END.match(scan.masked, match.end()) is None:
                continue  # "tomorrow 100 people"
            written = scan.original(match.start("h"), match.end())
            _add_time(scan, words, match, written_time(written, match["h"], match["m"], None))
    for match in scan.find(PAST_TO) if _PAST_TO_WORD.search(scan.masked) else ():
        time = _past_to(scan, match)
        if time is not None:
            _add_time(scan, words, match, time)
    for match in scan.find(HALF_HOUR) if "half" in scan.masked else ():
        hour = int(match["h"]) if match["h"].isdigit() else HOUR_WORDS[match["h"]]
        if 1 <= hour <= 12:
            written = scan.original(
                match.start() if not match["at"] else match.end("at"), match.end()
            )
            time = written_time(written, str(hour), None, match["r"])
            _add_time(scan, words, match, replace(time, offset=30))


def _find_hhmm_range(scan: Scan, words: TimeWords) -> bool:
    """ "0900-0930", "Dec 3rd 1430-1530": with "at"/"from" or a date before it, a leading
    zero, or in quarter hours at an end of the text; the end after the start (else it is
    two numbers)."""
    for match in scan.find(HHMM_RANGE):
        h1, m1, h2, m2 = (int(match[k]) for k in ("h1", "m1", "h2", "m2"))
        if h2 * 60 + m2 <= h1 * 60 + m1:
            continue
        alone = not scan.masked[: match.start()].strip() or WORD_TIME_END.match(
            scan.masked, match.end()
        )
        context = match["pre"] or match["date"] is not None or match["h1"][0] == "0"
        if not (context or (alone and m1 % 15 == 0 and m2 % 15 == 0)):
            continue  # "1000-1200 units"
        claim(scan, match, TIME)
        start = scan.original(match.start("h1"), match.end("m1"))
        words.times.append(WrittenTime(start, h1, m1, twenty_four=True))
        end = scan.original(match.start("h2"), match.end())
        words.range_end = WrittenTime(end, h2, m2, twenty_four=True)
        zone_after(scan, words, match.end())
        return True
    return False


def _past_to(scan: Scan, match: re.Match[str]) -> WrittenTime | None:
    """The time "half past 3" names, or None when the words are something else ("10 to
    11am" is a range, "from 9 to 5" too)."""
    if re.search(r"(?:from|between)\s*$", scan.masked[: match.start()]):
        return None
    n, direction, target = " ".join(match["n"].split()), match["dir"], match["h"]
    digits = n.isdigit()
    minutes = int(n) if digits else PAST_MINUTES[n.replace("-", " ")]
    if not 1 <= minutes <= 59:
        return None
    if target in ("noon", "midnight"):
        hour = 12 if target == "noon" else 0
    else:
        hour = int(target) if target.isdigit() else HOUR_WORDS[target]
    if direction in ("to", "till", "til") and digits and not match["unit"]:
        if minutes % 5 or minutes > 30 or minutes <= hour:
            return None  # "10 to 11am" is a range
    if direction == "of" and not n.endswith("quarter"):
        return None
    if direction == "before" and not match["unit"]:
        return None
    offset = minutes if direction in ("past", "after") else -minutes
    written = scan.original(match.start("n"), match.end())
    if target in ("noon", "midnight"):
        return WrittenTime(written, hour, special=target, offset=offset)
    if hour > 23:
        return None
    base = written_time(written, str(hour), None, match["r"])
    if hour > 12:
        base = WrittenTime(written, hour, twenty_four=True)
    return WrittenTime(base.written, base.hour, 0, base.meridiem, base.twenty_four, offset=offset)


_ISH_AFTER = re.compile(rf"(?<=[{TIME}])[\s-]*ish\b")


def find_ish_after(scan: Scan, words: TimeWords) -> None:
    """ "-ish" after a time read some other way ("2 o'clock-ish", "half past 3ish")."""
    if "ish" not in scan.masked:
        return
    for match in scan.find(_ISH_AFTER):
        run = re.search(f"{TIME}+$", scan.masked[: match.start()])
        start = run.start() if run else match.start()
        words.approximate = scan.original(start, match.end())
        claim(scan, match, TIME)


def find_word_times(scan: Scan, words: TimeWords) -> None:
    """Spelled-out times: "at three", "ten thirty am", "seven o'clock"."""
    for match in scan.find(WORD_TIME):
        sure = match["r"] or match["oc"]
        ends = WORD_TIME_END.match(scan.masked, match.end()) is not None
        if not (sure or (ends and (match["at"] or match["m"]))):
            continue
        hour = HOUR_WORDS[match["h"]]
        minute = MINUTE_WORDS[" ".join(match["m"].replace("-", " ").split())] if match["m"] else 0
        written = scan.original(match.start("h"), match.end())
        time = written_time(written, str(hour), str(minute) if match["m"] else None, match["r"])
        _add_time(scan, words, match, replace(time, twenty_four=False))


def find_hour_before_part_of_day(scan: Scan, words: TimeWords) -> None:
    """ "8 tonight", "9 tomorrow morning", "6 in the afternoon": only when the part of the
    day is named, so "Sprint 4 tomorrow" stays a topic with a date."""
    if words.times or words.part_of_day is None:
        return
    for match in scan.find(BEFORE_PART_OF_DAY):
        if 1 <= int(match["h"]) <= 12:
            time = written_time(scan.original(match.start(), match.end()), match["h"], None, None)
            _add_time(scan, words, match, time)
            return


_ABOUT_WORDS = ("about", "approx", "roughly", "circa", "~")


def _patterns_for(masked: str) -> list[re.Pattern[str]]:
    """The time patterns worth running on `masked`: the approximate, noon and compact am/pm
    ones only when the words they need are there, which keeps a call as fast as before."""
    patterns = []
    if "ish" in masked:
        patterns.append(ISH_TIME)
    if any(word in masked for word in _ABOUT_WORDS):
        patterns.append(ABOUT_TIME)
    patterns.append(MERIDIEM_TIME)
    if THREE_DIGITS.search(masked):
        patterns.append(COMPACT_MERIDIEM_TIME)
    if ":" in masked:
        patterns.append(COLON_TIME)
    if "noon" in masked or "mid" in masked:
        patterns.append(NOON)
    if "at" in masked or "@" in masked or "around" in masked:
        patterns.append(AT_TIME)
    if "clock" in masked:
        patterns.append(OCLOCK)
    if "." in masked:
        patterns.append(DOT_TIME)
    patterns.append(BARE_AFTER_DATE)  # after a date claimed while these run
    return patterns


def find_times(scan: Scan, words: TimeWords) -> None:
    for pattern in _patterns_for(scan.masked):
        if pattern is DOT_TIME and words.times:
            continue  # with a clear time elsewhere, "2.10" is a version or an amount
        for match in scan.find(pattern):
            groups = match.groupdict()
            if pattern is ABOUT_TIME and not (match["m"] or match["r"]):
                if WORD_TIME_END.match(scan.masked, match.end()) is None:
                    continue  # "about 5 priorities"
            if pattern in (ISH_TIME, ABOUT_TIME) or groups.get("ish") or match[0][:6] == "around":
                words.approximate = scan.original(match.start(), match.end())
            if groups.get("sp"):
                special = "midnight" if match["sp"] == "midnight" else "noon"
                time = WrittenTime(match["sp"], 12 if special == "noon" else 0, special=special)
            else:
                hour = match["h"] or groups.get("h2")
                if pattern in (AT_TIME, OCLOCK, BARE_AFTER_DATE) and int(hour) > 24:
                    continue  # "at 25" is not a time anyone means
                minute = groups.get("m") or groups.get("m2")
                shown = hour + (f":{minute}" if minute else "")
                if groups.get("r"):
                    shown = scan.original(match.start("h" if match["h"] else "h2"), match.end("r"))
                time = written_time(shown, hour, minute, groups.get("r"))
            claim(scan, match, TIME)
            words.times.append(time)
            zone_after(scan, words, match.end())
