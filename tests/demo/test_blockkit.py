"""The demo page's Block Kit renderer: escaping, mentions, and dates in the viewer's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from demo.blockkit import Viewer, local_to_stamp, render_blocks, render_mrkdwn

NOW = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
STAMP = int(datetime(2026, 12, 1, 20, 0, tzinfo=UTC).timestamp())  # 3 pm in New York


def viewer(tz: str) -> Viewer:
    return Viewer(tz=tz, users={"U1": "Ana <Silva>"}, channels={"C1": "general"}, now=NOW)


def test_user_text_is_escaped_and_slack_entities_shown_as_typed():
    out = render_mrkdwn("*Design &lt;script&gt; &amp; more* <b>x</b>", viewer("UTC"))
    assert "<b>Design &lt;script&gt; &amp; more</b>" in out
    assert "<script>" not in out and "<b>x</b>" not in out


def test_mentions_channels_and_links():
    out = render_mrkdwn("<@U1> in <#C1> see <https://x.example/?a=1&amp;b=2|docs>", viewer("UTC"))
    assert "@Ana &lt;Silva&gt;</span>" in out
    assert "#general" in out
    assert 'href="https://x.example/?a=1&amp;b=2"' in out and ">docs</a>" in out


def test_a_date_token_is_shown_in_the_viewers_zone():
    token = f"<!date^{STAMP}^{{date_short_pretty}} at {{time}}|Dec 1 at 20:00 UTC>"
    # "Today" is the viewer's: still November 30th in New York.
    assert ">Tomorrow at 3:00 PM<" in render_mrkdwn(token, viewer("America/New_York"))
    assert ">Today at 8:00 PM<" in render_mrkdwn(token, viewer("Europe/London"))
    assert ">Tomorrow at 5:00 AM<" in render_mrkdwn(token, viewer("Asia/Tokyo"))
    assert render_mrkdwn("<!date^x^{time}|fallback>", viewer("UTC")) == "fallback"


def test_link_buttons_are_links_and_others_carry_their_action():
    blocks = [
        {
            "type": "actions",
            "block_id": "meeting_actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Join"},
                    "url": "https://z",
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "action_id": "cancel_meeting",
                    "value": "42",
                    "style": "danger",
                },
            ],
        }
    ]
    out = render_blocks(blocks, "", viewer("UTC"))
    assert '<a class="btn" href="https://z"' in out
    assert "&quot;action_id&quot;:&quot;cancel_meeting&quot;" in out and "danger" in out


def test_a_datetime_local_value_is_read_in_the_viewers_zone():
    assert local_to_stamp("2026-12-01T15:00", viewer("America/New_York")) == STAMP
    assert local_to_stamp("", viewer("UTC")) is None
