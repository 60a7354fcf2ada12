"""What zoombot posts in a meeting's thread after it: the cloud recording is ready, and the
AI Companion summary. Pure.

The summary is posted collapsed: the thread reply holds a short section (the overview cut to
`SHORT_OVERVIEW` characters and the first `SHORT_STEPS` next steps); the rest (the whole
overview, every next step, the labelled details) follows as a second reply in the same thread,
so the channel shows nothing of it and the thread opens on the short part.

The recording's passcode is shown only where the meeting's passcode may be (`show_passcode`);
otherwise the share link loses its `pwd` parameter too, and the passcode goes privately to
the person who scheduled the meeting (`recording_passcode_note`).
"""

from __future__ import annotations

from typing import Any

from bot.render.words import Message, escape, join_url_without_passcode
from zoom.registrants import MeetingSummary

SHORT_OVERVIEW = 400
SHORT_STEPS = 3
# Slack refuses a section text longer than 3000 characters.
SECTION_LIMIT = 2900


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def recording_message(
    topic: str, share_url: str, passcode: str | None, *, show_passcode: bool, requester: str
) -> Message:
    """The thread reply saying the recording is ready, with its share link (as a button and
    in the text); the passcode only when `show_passcode`."""
    name = escape(topic or "the meeting")
    link = share_url if show_passcode else join_url_without_passcode(share_url)
    lines = [f":film_projector: *The recording of {name} is ready.*"]
    if show_passcode and passcode:
        lines.append(f"Passcode: `{escape(passcode)}`")
    blocks: list[dict[str, Any]] = [_section("\n".join(lines))]
    if link.startswith("https://") and len(link) <= 3000:
        blocks.append(
            {
                "type": "actions",
                "block_id": "recording_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "open_recording",
                        "text": {"type": "plain_text", "text": "Watch the recording"},
                        "url": link,
                    }
                ],
            }
        )
    if passcode and not show_passcode and requester:
        blocks.append(_context(f"The recording's passcode was sent to <@{requester}> privately."))
    return {"text": f"The recording of {name} is ready: {link}", "blocks": blocks}


def recording_passcode_note(topic: str, share_url: str, passcode: str) -> Message:
    """The private note with the recording's passcode, when the channel may not see it."""
    name = escape(topic or "the meeting")
    text = (
        f"The recording of *{name}* is ready: {share_url}\n"
        f"Passcode (only shown to you): `{escape(passcode)}`"
    )
    return {"text": text, "blocks": [_section(text)]}


def summary_message(topic: str, summary: MeetingSummary) -> Message:
    """The short section of the summary: overview (cut) and the first next steps."""
    name = escape(topic or "the meeting")
    lines = [f":memo: *Summary of {name}*"]
    if summary.overview:
        lines.append(escape(_cut(summary.overview, SHORT_OVERVIEW)))
    steps = summary.next_steps[:SHORT_STEPS]
    if steps:
        lines.append("*Next steps*")
        lines.extend(f"• {escape(_cut(step, 300))}" for step in steps)
    if not summary.overview and not steps:
        lines.append("Zoom's summary has no overview or next steps.")
    blocks = [_section("\n".join(lines))]
    if has_more(summary):
        blocks.append(_context("By Zoom AI Companion · the full summary is the next reply"))
    else:
        blocks.append(_context("By Zoom AI Companion"))
    return {"text": f"Summary of {name}", "blocks": blocks}


def has_more(summary: MeetingSummary) -> bool:
    """Whether the summary holds more than its short section shows."""
    return (
        len(" ".join(summary.overview.split())) > SHORT_OVERVIEW
        or len(summary.next_steps) > SHORT_STEPS
        or any(text for _, text in summary.details)
    )


def summary_details_message(topic: str, summary: MeetingSummary) -> Message:
    """The rest of the summary: the whole overview, every next step, the labelled details."""
    name = escape(topic or "the meeting")
    blocks: list[dict[str, Any]] = [_section(f"*Full summary of {name}*")]
    if summary.overview:
        blocks.append(_section(escape(summary.overview)))
    for label, text in summary.details[:40]:
        if text:
            blocks.append(_section(f"*{escape(label)}*\n{escape(text)}" if label else escape(text)))
    if summary.next_steps:
        steps = "\n".join(f"• {escape(step)}" for step in summary.next_steps)
        blocks.append(_section(f"*Next steps*\n{steps}"))
    return {"text": f"Full summary of {name}", "blocks": blocks[:50]}
