"""What "Connect your Zoom" says: the private link, the answers, and the page Zoom's
redirect lands on. Pure."""

from __future__ import annotations

import html

from bot.render.private import note_message
from bot.render.words import Message, escape

NOT_SET_UP = (
    "Connecting your own Zoom account is not set up in this workspace; your meetings are "
    "hosted as `/zoom whoami` says. An admin can turn it on (README: Connect your Zoom)."
)
GRANT_REVOKED = (
    "Zoom no longer lets zoombot act for your Zoom account (the app was removed or its "
    "access revoked), so nothing was done and zoombot forgot the connection. "
    "Type `/zoom connect` to connect again."
)


def connect_link_message(url: str) -> Message:
    """The private answer to `/zoom connect`: a button to Zoom's authorization page."""
    text = (
        "Connect your Zoom account, and the meetings you make here are hosted by you, on "
        "your account. The link works for 10 minutes, once."
    )
    return {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "connect_zoom",
                        "text": {"type": "plain_text", "text": "Connect your Zoom"},
                        "url": url,
                        "style": "primary",
                    }
                ],
            },
        ],
    }


def connected_message(zoom_email: str, zoom_name: str) -> Message:
    who = escape(zoom_name) if zoom_name and zoom_name != zoom_email else escape(zoom_email)
    return note_message(
        f":white_check_mark: Connected: your meetings are now hosted by *{who}* "
        f"({escape(zoom_email)}) on your own Zoom account. `/zoom disconnect` undoes it."
    )


def disconnected_message(zoom_email: str | None) -> Message:
    if zoom_email is None:
        return note_message("Your own Zoom account was not connected; nothing to undo.")
    return note_message(
        f"Disconnected {escape(zoom_email)}: zoombot revoked its access and forgot the "
        "tokens. Your meetings are hosted as `/zoom whoami` says."
    )


def deauthorized_message(zoom_email: str | None) -> Message:
    whose = f" ({escape(zoom_email)})" if zoom_email else ""
    return note_message(
        f"Zoom says zoombot was removed from your Zoom account{whose}, so zoombot forgot "
        "that connection. Type `/zoom connect` to connect again."
    )


def callback_page(title: str, sentence: str) -> str:
    """The small page a person's browser shows after Zoom sends them back."""
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title>"
        "<body style='font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(sentence)}</p></body></html>"
    )
