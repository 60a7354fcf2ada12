"""A small Block Kit renderer for the demo page: Slack blocks and mrkdwn to HTML.

`Viewer` says who is looking (their time zone, and the names of people and channels);
`render_blocks`, `render_mrkdwn` and `render_modal` return HTML strings in which every piece
of text from a message is escaped, so a topic like `<script>` shows as text. Interactive
elements carry what the page needs to send the action back in `data-*` attributes (JSON).

It covers what zoombot sends: section (text, fields, accessory button), header, context,
divider, call (a Slack Call card, from `Viewer.calls`), actions with buttons (link buttons
become links, others actions, with their `confirm` dialog), and for modals the input
elements of the scheduling form. Date tokens (`<!date^ts^{date_short_pretty} at
{time}|fallback>`) are shown in the viewer's zone.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

EMOJI = {
    "video_camera": "📹",
    "white_check_mark": "✅",
    "warning": "⚠️",
    "red_circle": "🔴",
    "checkered_flag": "🏁",
    "no_entry_sign": "🚫",
    "calendar": "📅",
    "x": "❌",
    "wave": "👋",
    "clock3": "🕒",
    "repeat": "🔁",
    "lock": "🔒",
    "bust_in_silhouette": "👤",
}

_TOKEN = re.compile(r"<([^<>\n]+)>")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_CODE_BLOCK = re.compile(r"```(.+?)```", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")


@dataclass(frozen=True)
class Viewer:
    """Who reads the message: their zone (date tokens), and how ids are named.

    `users` maps user ids to display names, `channels` channel ids to names; `now` pins the
    clock for "Today"/"Tomorrow" (default: the real time); `calls` Slack Calls by id (as
    `calls.info` shows them, with `ended`) for `call` blocks.
    """

    tz: str = "UTC"
    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    now: datetime | None = None
    calls: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def local_now(self) -> datetime:
        return (self.now or datetime.now(UTC)).astimezone(self.zone)


# -- dates -----------------------------------------------------------------------------------


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _clock(moment: datetime, seconds: bool = False) -> str:
    hour = moment.hour % 12 or 12
    secs = f":{moment.second:02d}" if seconds else ""
    return f"{hour}:{moment.minute:02d}{secs} {'AM' if moment.hour < 12 else 'PM'}"


def _ago(moment: datetime, now: datetime) -> str:
    delta = moment - now
    minutes = round(abs(delta.total_seconds()) / 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        span = f"{minutes} minute{'s' if minutes != 1 else ''}"
    elif minutes < 60 * 48:
        hours = round(minutes / 60)
        span = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        days = round(minutes / 1440)
        span = f"{days} days"
    return f"in {span}" if delta.total_seconds() > 0 else f"{span} ago"


def format_date(stamp: int, fmt: str, viewer: Viewer) -> str:
    """Slack's `<!date^stamp^fmt|…>` text for `viewer`: {date_num}, {date}, {date_short},
    {date_long} (each also `_pretty`: Today/Tomorrow/Yesterday), {time}, {time_secs}, {ago}.
    Unknown tokens are left as they are."""
    moment = datetime.fromtimestamp(stamp, UTC).astimezone(viewer.zone)
    today = viewer.local_now().date()
    relative = {
        today: "Today",
        today + timedelta(days=1): "Tomorrow",
        today - timedelta(days=1): "Yesterday",
    }.get(moment.date())
    plain = {
        "date_num": moment.strftime("%Y-%m-%d"),
        "date": f"{moment:%B} {_ordinal(moment.day)}, {moment.year}",
        "date_short": f"{moment:%b} {moment.day}, {moment.year}",
        "date_long": f"{moment:%A}, {moment:%B} {_ordinal(moment.day)}, {moment.year}",
    }
    values = dict(plain)
    for key, text in plain.items():
        if key != "date_num":
            values[f"{key}_pretty"] = relative or text
    values["time"] = _clock(moment)
    values["time_secs"] = _clock(moment, seconds=True)
    values["ago"] = _ago(moment, viewer.now or datetime.now(UTC))
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), fmt)


# -- mrkdwn ----------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    """Slack's three entities back to characters (Slack escapes &, < and > in text)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _link(url: str, label: str) -> str:
    safe = url if re.match(r"^(https?:|mailto:)", url) else "#"
    return f'<a href="{html.escape(safe)}" target="_blank" rel="noopener">{html.escape(label)}</a>'


def _token(inner: str, viewer: Viewer) -> str:
    """One `<…>` token as HTML: mentions, channels, specials, dates, links."""
    body, _, label = inner.partition("|")
    if body.startswith("@"):
        name = viewer.users.get(body[1:]) or label or body[1:]
        return f'<span class="mention">@{html.escape(_unescape(name))}</span>'
    if body.startswith("#"):
        name = viewer.channels.get(body[1:]) or label or body[1:]
        return f'<span class="mention">#{html.escape(_unescape(name))}</span>'
    if body.startswith("!date^"):
        parts = body.split("^")
        try:
            text = format_date(int(parts[1]), parts[2], viewer)
        except (IndexError, ValueError):
            return html.escape(_unescape(label or body))
        if len(parts) > 3:
            return _link(_unescape(parts[3]), text)
        return f'<time title="{html.escape(viewer.tz)}">{html.escape(text)}</time>'
    if body.startswith("!"):
        special = body[1:].split("^")[0]
        return f'<span class="mention">@{html.escape(_unescape(label or special))}</span>'
    return _link(_unescape(body), _unescape(label or body))


def render_mrkdwn(text: str, viewer: Viewer) -> str:
    """Slack mrkdwn as HTML: tokens, *bold*, _italic_, ~strike~, `code`, ```pre```,
    :emoji:, line breaks. The text is escaped; only the renderer's own tags are HTML."""
    held: list[str] = []

    def hold(fragment: str) -> str:
        held.append(fragment)
        return f"\x00{len(held) - 1}\x00"

    def escaped(part: str) -> str:
        return html.escape(_unescape(part), quote=False)

    out = _TOKEN.sub(lambda m: hold(_token(m.group(1), viewer)), text)
    # Escape what is left around the held tokens, then format it.
    out = "".join(
        piece if i % 2 else escaped(piece)
        for i, piece in enumerate(re.split(r"(\x00\d+\x00)", out))
    )
    out = _CODE_BLOCK.sub(lambda m: hold(f"<pre>{m.group(1)}</pre>"), out)
    out = _CODE.sub(lambda m: hold(f"<code>{m.group(1)}</code>"), out)
    out = _BOLD.sub(r"<b>\1</b>", out)
    out = _ITALIC.sub(r"<i>\1</i>", out)
    out = _STRIKE.sub(r"<s>\1</s>", out)
    out = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), out)
    out = out.replace("\n", "<br>")
    while "\x00" in out:
        out = re.sub(r"\x00(\d+)\x00", lambda m: held[int(m.group(1))], out)
    return out


def render_text(obj: Mapping[str, Any] | None, viewer: Viewer) -> str:
    """A text object (`plain_text` or `mrkdwn`) as HTML."""
    if not obj:
        return ""
    text = str(obj.get("text", ""))
    if obj.get("type") == "mrkdwn":
        return render_mrkdwn(text, viewer)
    return html.escape(text)


# -- blocks ----------------------------------------------------------------------------------


def _attr(value: Any) -> str:
    return html.escape(json.dumps(value, separators=(",", ":")), quote=True)


def render_element(element: Mapping[str, Any], block_id: str, viewer: Viewer) -> str:
    """A button (the only interactive element zoombot puts in messages) as HTML.

    A button with a `url` is a link that opens it; any other carries `data-action` (what to
    send back: action_id, block_id, value) and, with a `confirm`, `data-confirm`.
    """
    if element.get("type") != "button":
        return f'<span class="unsupported">[{html.escape(str(element.get("type")))}]</span>'
    label = html.escape(str((element.get("text") or {}).get("text", "")))
    style = f" {element['style']}" if element.get("style") in ("primary", "danger") else ""
    if element.get("url"):
        url = str(element["url"])
        href = url if re.match(r"^https?:", url) else "#"
        return (
            f'<a class="btn{style}" href="{html.escape(href)}" target="_blank" rel="noopener" '
            f'data-action-id="{html.escape(str(element.get("action_id", "")))}">{label}</a>'
        )
    action = {
        "type": "button",
        "action_id": element.get("action_id", ""),
        "block_id": block_id,
        "value": element.get("value", ""),
        "text": element.get("text"),
    }
    confirm = ""
    if element.get("confirm"):
        dialog = element["confirm"]
        confirm = (
            ' data-confirm="'
            + _attr(
                {
                    "title": render_text(dialog.get("title"), viewer),
                    "text": render_text(dialog.get("text"), viewer),
                    "confirm": render_text(dialog.get("confirm"), viewer) or "Yes",
                    "deny": render_text(dialog.get("deny"), viewer) or "Cancel",
                }
            )
            + '"'
        )
    return f'<button class="btn{style}" data-action="{_attr(action)}"{confirm}>{label}</button>'


def render_block(block: Mapping[str, Any], viewer: Viewer) -> str:
    """One message block as HTML (unknown types as a small placeholder)."""
    kind = block.get("type")
    block_id = str(block.get("block_id", ""))
    if kind == "section":
        parts = []
        if block.get("text"):
            parts.append(f'<div class="text">{render_text(block["text"], viewer)}</div>')
        if block.get("fields"):
            cells = "".join(
                f'<div class="field">{render_text(f, viewer)}</div>' for f in block["fields"]
            )
            parts.append(f'<div class="fields">{cells}</div>')
        if block.get("accessory"):
            parts.append(
                f'<div class="accessory">'
                f"{render_element(block['accessory'], block_id, viewer)}</div>"
            )
        return f'<div class="block section">{"".join(parts)}</div>'
    if kind == "header":
        return f'<div class="block header">{render_text(block.get("text"), viewer)}</div>'
    if kind == "divider":
        return '<hr class="block divider">'
    if kind == "context":
        items = "".join(
            f"<span>{render_text(e, viewer)}</span>"
            for e in block.get("elements") or []
            if e.get("type") in ("mrkdwn", "plain_text")
        )
        return f'<div class="block context">{items}</div>'
    if kind == "actions":
        buttons = "".join(render_element(e, block_id, viewer) for e in block.get("elements") or [])
        return f'<div class="block actions">{buttons}</div>'
    if kind == "call":
        return render_call(viewer.calls.get(str(block.get("call_id"))), viewer)
    return f'<div class="block unsupported">[{html.escape(str(kind))} block]</div>'


def render_call(call: Mapping[str, Any] | None, viewer: Viewer) -> str:
    """Slack's call card, roughly: its title, who is in it (or that it ended), Join."""
    if call is None:
        return '<div class="block call">📞 A call Slack does not know</div>'
    names = [
        viewer.users.get(str(u.get("slack_id")), str(u.get("slack_id")))
        if u.get("slack_id")
        else str(u.get("display_name") or "")
        for u in call.get("users") or []
    ]
    if call.get("ended"):
        status = "Call ended"
    else:
        status = ", ".join(names) + " in the call" if names else "Nobody in the call yet"
    join = "" if call.get("ended") else _link(str(call.get("join_url") or ""), "Join")
    title = html.escape(str(call.get("title") or "Call"))
    return f'<div class="block call">📞 <b>{title}</b> · {html.escape(status)} {join}</div>'


def render_blocks(blocks: list[Mapping[str, Any]] | None, text: str, viewer: Viewer) -> str:
    """A message's blocks as HTML; its `text` (as mrkdwn) when it has no blocks."""
    if not blocks:
        text_html = render_mrkdwn(text, viewer)
        return f'<div class="block section"><div class="text">{text_html}</div></div>'
    return "".join(render_block(b, viewer) for b in blocks)


# -- modals ----------------------------------------------------------------------------------


def _options(element: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found += group.get("options") or []
    return found


def _select(name: str, choices: list[tuple[str, str]], chosen: set[str], multiple: bool) -> str:
    rows = "".join(
        f'<option value="{html.escape(value)}"{" selected" if value in chosen else ""}>'
        f"{html.escape(label)}</option>"
        for value, label in choices
    )
    many = " multiple" if multiple else ""
    return f'<select name="{html.escape(name)}"{many}>{rows}</select>'


def render_input(element: Mapping[str, Any], name: str, viewer: Viewer) -> tuple[str, str]:
    """An input element as (kind, HTML control named `name`), with its initial value."""
    kind = str(element.get("type"))
    if kind == "plain_text_input":
        initial = html.escape(str(element.get("initial_value") or ""))
        if element.get("multiline"):
            return kind, f'<textarea name="{name}" rows="3">{initial}</textarea>'
        return kind, f'<input type="text" name="{name}" value="{initial}">'
    if kind == "datetimepicker":
        stamp = element.get("initial_date_time")
        value = ""
        if stamp:
            local = datetime.fromtimestamp(int(stamp), UTC).astimezone(viewer.zone)
            value = local.strftime("%Y-%m-%dT%H:%M")
        return kind, f'<input type="datetime-local" name="{name}" value="{value}">'
    if kind in ("static_select", "radio_buttons"):
        initial = (element.get("initial_option") or {}).get("value")
        choices = [(str(o["value"]), str(o["text"]["text"])) for o in _options(element)]
        return kind, _select(name, choices, {str(initial)}, multiple=False)
    if kind == "checkboxes":
        chosen = {str(o["value"]) for o in element.get("initial_options") or []}
        boxes = "".join(
            f'<label class="check"><input type="checkbox" name="{name}" '
            f'value="{html.escape(str(o["value"]))}"{" checked" if o["value"] in chosen else ""}>'
            f" {html.escape(str(o['text']['text']))}</label>"
            for o in _options(element)
        )
        return kind, f'<div class="checks">{boxes}</div>'
    if kind in ("conversations_select", "channels_select"):
        initial = element.get("initial_conversation") or element.get("initial_channel") or ""
        choices = [(cid, f"#{cname}") for cid, cname in viewer.channels.items()]
        return kind, _select(name, choices, {str(initial)}, multiple=False)
    if kind in ("multi_users_select", "users_select"):
        initial = set(element.get("initial_users") or [element.get("initial_user") or ""])
        choices = list(viewer.users.items())
        return kind, _select(name, choices, initial, multiple=kind.startswith("multi"))
    return kind, f'<span class="unsupported">[{html.escape(kind)}]</span>'


def render_modal(view: Mapping[str, Any], viewer: Viewer) -> str:
    """A modal view as an HTML form: title, inputs (one `data-block` wrapper per input block,
    with `data-kind`), other blocks as in messages, and its Cancel/submit buttons."""
    title = render_text(view.get("title"), viewer)
    rows: list[str] = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            rows.append(render_block(block, viewer))
            continue
        block_id = str(block.get("block_id", ""))
        kind, control = render_input(block.get("element") or {}, block_id, viewer)
        optional = ' <span class="optional">(optional)</span>' if block.get("optional") else ""
        rows.append(
            f'<div class="input" data-block="{html.escape(block_id)}" data-kind="{kind}">'
            f"<label>{render_text(block.get('label'), viewer)}{optional}</label>{control}"
            f'<div class="error" hidden></div></div>'
        )
    close = render_text(view.get("close"), viewer) or "Close"
    submit = render_text(view.get("submit"), viewer)
    submit_button = f'<button class="btn primary" data-submit>{submit}</button>' if submit else ""
    return (
        f'<div class="modal-title">{title}</div><div class="modal-body">{"".join(rows)}</div>'
        f'<div class="modal-buttons"><button class="btn" data-close>{close}</button>'
        f"{submit_button}</div>"
    )


def local_to_stamp(value: str, viewer: Viewer) -> int | None:
    """A `datetime-local` value ("2026-12-01T15:00") read in the viewer's zone, as Unix
    seconds; None when empty or unreadable."""
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except (TypeError, ValueError):
        return None
    return int(moment.replace(tzinfo=viewer.zone).timestamp())
