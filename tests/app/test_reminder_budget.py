"""The room Slack leaves for scheduled reminders in a channel (bot/flows/reminder_budget.py):
30 within 5 minutes either side, one place per meeting, places freed by posting, failing or
deleting, and Slack's refusals believed for a while."""

from __future__ import annotations

from bot.flows.reminder_budget import LIMIT, REFUSED_FOR, WINDOW, ChannelBudget

NOW = 1_000_000.0
AT = int(NOW) + 3600


def full(budget: ChannelBudget, channel: str = "C1", at: int = AT) -> None:
    for meeting in range(LIMIT):
        assert budget.take(meeting, channel, at, NOW)


def test_thirty_fit_within_five_minutes_and_the_next_one_does_not():
    budget = ChannelBudget()
    full(budget)
    assert not budget.take(100, "C1", AT, NOW)
    assert not budget.take(100, "C1", AT + WINDOW - 1, NOW)
    assert budget.take(100, "C1", AT + WINDOW, NOW)  # outside the window
    assert budget.take(101, "C2", AT, NOW)  # another channel


def test_a_meeting_holds_one_place_however_often_it_asks():
    budget = ChannelBudget()
    for _ in range(LIMIT + 5):
        assert budget.take(7, "C1", AT, NOW)  # planned, then scheduled: the same place
    assert budget.take(7, "C1", AT + 60, NOW)  # moved: its old place is given back
    full(budget, at=AT + 60)  # meetings 0..29, 7 among them already: 30 places, not 31
    assert not budget.take(LIMIT, "C1", AT + 60, NOW)
    budget.give_back(7)
    assert budget.take(LIMIT, "C1", AT + 60, NOW)


def test_a_place_comes_back_when_its_call_fails_is_deleted_or_posts():
    budget = ChannelBudget()
    full(budget)
    budget.give_back(0)
    assert budget.take(100, "C1", AT, NOW)
    budget.freed(1, "C1")
    assert budget.take(101, "C1", AT, NOW)
    assert not budget.take(102, "C1", AT + 120, NOW)
    # Once posted, Slack holds them no more.
    assert budget.take(102, "C1", AT + 120, AT + 1.0)


def test_a_refusal_is_believed_for_its_minute_until_it_expires_or_the_channel_frees():
    budget = ChannelBudget()
    budget.refused(1, "C1", AT, NOW)
    assert not budget.take(2, "C1", AT, NOW + 1)
    assert budget.take(3, "C1", AT + 60, NOW + 1)  # another minute: Slack is asked
    assert budget.take(4, "C1", AT, NOW + REFUSED_FOR + 1)
    budget.refused(1, "C1", AT, NOW)
    budget.freed(9, "C1")
    assert budget.take(5, "C1", AT, NOW + 1)
