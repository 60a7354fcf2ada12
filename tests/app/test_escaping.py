"""User text never becomes markup: whatever people type, a message from zoombot cannot ping
@channel/@here, mention someone or pose as a link.

The manifest sets `should_escape: true` for /zoom, so the command text arrives as Slack sends
it then: real mentions as `<!channel>`, `<@U…|name>`, links as `<https://…|label>`, and typed
`&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`. The app reads that as plain words, and escapes
them again wherever it shows them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import yaml

from tests.app.support import eventually, posts_to, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import message_shortcut, view_submission

ROOT = Path(__file__).resolve().parents[2]

# As Slack sends them with should_escape on: real mentions and a link, then typed markup.
HOSTILE = (
    "<!channel> <!here> <@U0VICTIM|victim> <https://evil.example/x|click here> "
    "&lt;!everyone&gt; &lt;@U0OTHER&gt; &lt;https://evil.example/y|free&gt; &amp; co"
)
# Markup that must never reach Slack from user text (app-written `<@requester>` and
# `<!date^…>` tokens are fine).
FORBIDDEN = (
    "<!channel",
    "<!here",
    "<!everyone",
    "<@U0VICTIM",
    "<@U0OTHER",
    "<https://evil",
    "<http://evil",
)


def shown_texts(fake_slack) -> list[str]:
    """Every text Slack was asked to show in a message (Web API calls and response_urls),
    not modal inputs (plain_text, never read as markup)."""
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "text" and isinstance(inner, str):
                    found.append(inner)
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
        elif isinstance(value, str) and value[:1] in "[{":
            try:
                walk(json.loads(value))  # blocks sent form-encoded as JSON text
            except ValueError:
                pass

    for call in fake_slack.calls:
        if not call.method.startswith("views."):
            walk(call.params)
    walk(fake_slack.responses())
    return found


def assert_no_markup(fake_slack) -> None:
    texts = shown_texts(fake_slack)
    assert texts, "nothing was shown"
    for text in texts:
        for bad in FORBIDDEN:
            assert bad not in text, f"{bad!r} reached Slack in {text!r}"


def test_the_manifest_escapes_the_command(tmp_path):
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    [command] = manifest["features"]["slash_commands"]
    assert command["should_escape"] is True


def test_command_text_is_read_as_plain_words_and_shown_escaped(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    sender.command(f"tomorrow 3pm Review {HOSTILE}", ana.slack_id)
    [create] = wait_created(fake_zoom)
    topic = create.body["topic"]
    # Zoom gets plain words: labels instead of markup, entities decoded.
    assert "click here" in topic and "&amp;" not in topic and "&lt;" not in topic
    assert "evil.example/x" not in topic and "<@U0VICTIM" not in topic
    # What was typed stays what was typed: plain characters for Zoom, which shows no markup.
    assert "<!everyone>" in topic and "<https://evil.example/y|free>" in topic
    assert "& co" in topic
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Created" in b["text"])
    assert_no_markup(fake_slack)
    post = json.dumps(posts_to(fake_slack, DEFAULT_CHANNEL)[0].params)
    assert "&lt;!everyone&gt;" in post and "&amp; co" in post

    # The list and the cancel note show the same topic, escaped too.
    sender.command("list", ana.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Upcoming" in b["text"])
    meeting_id = next(iter(fake_zoom.meetings))
    sender.command(f"cancel {meeting_id}", ana.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Cancelled" in b["text"])
    assert_no_markup(fake_slack)


def test_guesses_quoting_the_text_are_escaped(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("3 Sync <!here> &lt;!channel&gt;", ana.slack_id)
    wait_created(fake_zoom)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Created" in b["text"])
    assert_no_markup(fake_slack)


def test_refusals_quoting_the_text_are_escaped(sender, fake_slack, fake_zoom, person):
    ana = person()
    for text in (
        "at 25pm <!channel> &lt;!here&gt;",
        "yesterday 3pm <@U0VICTIM|victim>",
        "tomorrow 3pm for 99 hours <https://evil.example|x>",
    ):
        sender.command(text, ana.slack_id)
        fake_slack.wait_for_response(sender.last_response_url, lambda b: "ZB-" in b["text"])
    assert fake_zoom.requests_to("/users/{userId}/meetings", "POST") == []
    assert_no_markup(fake_slack)


def test_link_refusals_quote_the_text_escaped_once(sender, fake_slack, person):
    ana = person()
    sender.command("link &lt;!channel&gt;@x", ana.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url, lambda b: "ZB-" in b["text"])
    assert "`&lt;!channel&gt;@x` is not an email" in answer["text"]
    sender.command("link <!here>", ana.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "@here" in b["text"])
    assert_no_markup(fake_slack)


def test_a_message_shortcut_topic_is_shown_escaped(sender, fake_slack, fake_zoom, person):
    ana = person()
    url = fake_slack.new_response_url()
    payload = message_shortcut(user=ana.slack_id, message_text=HOSTILE, response_url=url)
    sender.interactive(payload)
    wait_created(fake_zoom)
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
    fake_slack.wait_for_response(url, lambda b: "Created" in b["text"])
    assert_no_markup(fake_slack)


def test_modal_text_is_plain_in_and_escaped_out(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command(f"schedule tomorrow 3pm Review {HOSTILE}", ana.slack_id)
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    blocks = {b["block_id"]: b for b in view["blocks"]}
    initial = blocks["topic"]["element"]["initial_value"]
    # The form shows the words (plain_text is never read as markup), not entities.
    assert "&lt;" not in initial and "&amp;" not in initial
    assert "click here" in initial and "evil.example/x" not in initial
    assert "<!everyone>" in initial
    # A plain_text input submits what was typed as is: markup characters included.
    typed = "<!channel> <@U0VICTIM> <https://evil.example|click> & more"
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={"topic": typed, "start": int(time.time()) + 86400, "agenda": "<!here>"},
    )
    assert sender.interactive(payload).status_code == 200
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == typed
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
    assert_no_markup(fake_slack)
    post = json.dumps(posts_to(fake_slack, DEFAULT_CHANNEL)[0].params)
    assert "&lt;!channel&gt;" in post and "&amp; more" in post
