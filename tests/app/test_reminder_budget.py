"""The room Slack leaves for scheduled reminders in a channel (bot/flows/reminder_budget.py):
30 within 5 minutes either side, places freed by posting, failing or deleting, and Slack's
refusals believed for a while."""

from __future__ import annotations

from bot.flows.reminder_budget import LIMIT, REFUSED_FOR, WINDOW, ChannelBudget

NOW = 1_000_000.0
AT = int(NOW) + 3600


def test_thirty_fit_within_five_minutes_and_the_next_one_does_not():
    budget = ChannelBudget()
    assert all(budget.take("C1", AT, NOW) for _ in range(LIMIT))
    assert not budget.take("C1", AT, NOW)
    assert not budget.take("C1", AT + WINDOW - 1, NOW)
    assert budget.take("C1", AT + WINDOW, NOW)  # outside the window
    assert budget.take("C2", AT, NOW)  # another channel


def test_a_place_comes_back_when_its_call_fails_is_deleted_or_posts():
    budget = ChannelBudget()
    for _ in range(LIMIT):
        budget.take("C1", AT, NOW)
    budget.give_back("C1", AT)
    assert budget.take("C1", AT, NOW)
    budget.freed("C1", AT)
    assert budget.take("C1", AT, NOW)
    assert not budget.take("C1", AT + 120, NOW)
    # Once posted, Slack holds them no more.
    assert budget.take("C1", AT + 120, AT + 1.0)


def test_a_refusal_is_believed_for_its_minute_until_it_expires_or_the_channel_frees():
    budget = ChannelBudget()
    budget.refused("C1", AT, NOW)
    assert not budget.take("C1", AT, NOW + 1)
    assert budget.take("C1", AT + 60, NOW + 1)  # another minute: Slack is asked
    assert budget.take("C1", AT, NOW + REFUSED_FOR + 1)
    budget.refused("C1", AT, NOW)
    budget.freed("C1", None)
    assert budget.take("C1", AT, NOW + 1)
