"""The demo page's Slack Call card: who is in it, Join, ended; escaped like everything else."""

from __future__ import annotations

from demo.blockkit import Viewer, render_blocks


def test_a_call_block_shows_its_card():
    call = {
        "id": "R1",
        "title": "Design <review>",
        "join_url": "https://zoom.example/j/1",
        "users": [{"slack_id": "U1"}, {"external_id": "p", "display_name": "Walk-in"}],
        "ended": False,
    }
    viewer = Viewer(users={"U1": "Ana"}, calls={"R1": call})
    out = render_blocks([{"type": "call", "call_id": "R1"}], "", viewer)
    assert "Design &lt;review&gt;" in out and "<review>" not in out
    assert "Ana, Walk-in in the call" in out
    assert 'href="https://zoom.example/j/1"' in out
    ended = Viewer(calls={"R1": {**call, "ended": True}})
    out = render_blocks([{"type": "call", "call_id": "R1"}], "", ended)
    assert "Call ended" in out and "href" not in out
    assert "does not know" in render_blocks([{"type": "call", "call_id": "R9"}], "", Viewer())
