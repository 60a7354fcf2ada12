"""The small readers in the flow: meeting ids and `/zoom link` arguments."""

from __future__ import annotations

from bot.flows.asks import new_passcode
from bot.flows.manage import parse_link, parse_meeting_id


def test_meeting_ids_with_spaces_or_dashes():
    assert parse_meeting_id("812 3456 7890") == 81234567890
    assert parse_meeting_id("812-3456-7890") == 81234567890
    assert parse_meeting_id(" 81234567890 ") == 81234567890
    assert parse_meeting_id("tomorrow") is None
    assert parse_meeting_id("12") is None


def test_link_arguments():
    assert parse_link("ana@x.com") == (None, "ana@x.com")
    assert parse_link("<mailto:ana@x.com|ana@x.com>") == (None, "ana@x.com")
    assert parse_link("<@U123|bo> bo@x.com") == ("U123", "bo@x.com")
    assert parse_link("<@U123> <mailto:bo@x.com|bo@x.com>") == ("U123", "bo@x.com")
    assert parse_link("") == (None, None)


def test_passcodes_follow_zooms_rules_and_differ():
    codes = {new_passcode() for _ in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 10 and c.isalnum() and c.isascii() for c in codes)
