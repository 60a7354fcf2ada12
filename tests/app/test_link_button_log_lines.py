"""The link buttons (Join, calendar) are acknowledged with the one log line per request."""

from __future__ import annotations

import pytest

from tests.app.support import eventually
from tests.fakes.slack_requests import block_actions


@pytest.mark.parametrize("action_id", ["join_meeting", "add_to_google_calendar"])
def test_a_link_button_click_logs_one_request_line(app, sender, person, action_id: str):
    ana = person()
    payload = block_actions(
        user=ana.slack_id, actions=[{"action_id": action_id, "type": "button", "value": "1"}]
    )
    assert sender.interactive(payload).status_code == 200
    lines = eventually(
        lambda: [
            line
            for line in app.logs().splitlines()
            if f"action:{action_id}" in line and f"user={ana.slack_id}" in line
        ],
        what="the request's log line",
    )
    assert len(lines) == 1
    assert "ack_ms=" in lines[0] and "outcome=acked" in lines[0]
