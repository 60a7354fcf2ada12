"""`/zoom` and its subcommands. Acknowledge first; the flow does the rest after."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.inflight import tracked
from bot.listeners import clock, log_done, logged
from bot.reading import mentions_time
from bot.render import messages
from bot.scheduling import Ask, Outcome, Scheduler, parse_meeting_id

CREATING = "Creating your Zoom meeting…"


def subcommand(text: str) -> tuple[str | None, str]:
    """The subcommand `text` starts with, and what follows it; (None, text) when the whole
    text is a meeting to read. `schedule` takes anything; `cancel` a meeting ID; `link` an
    email or a mention. Otherwise a subcommand word followed by words with no time in them is
    that subcommand (`/zoom list me`, `/zoom cancel last`, `/zoom cancel 123`), and only
    when the words hold a time is it a meeting (`/zoom list review at 3`)."""
    word, _, rest = text.partition(" ")
    sub, rest = word.lower(), rest.strip()
    if sub == "schedule":
        return sub, rest
    if sub == "cancel" and parse_meeting_id(rest) is not None:
        return sub, rest
    if sub in {"help", "list", "whoami", "cancel"} and not mentions_time(rest):
        return sub, rest
    if sub == "link":
        # What follows must start with a mention (`<@U…>`, `<!here>`) or an email (typed, or
        # as Slack's `<mailto:…>`): `/zoom link up with Bo` is a meeting.
        first = rest.split(maxsplit=1)[0] if rest else ""
        if not rest or first.startswith(("<@", "<!")) or "@" in first:
            return sub, rest
        if not mentions_time(rest):
            return sub, rest
    return None, text


def register(app: AsyncApp, flow: Scheduler) -> None:
    @app.command("/zoom")
    @tracked(flow.inflight)
    async def zoom_command(ack: Any, body: dict[str, Any]) -> Coroutine[Any, Any, None] | None:
        started = clock()
        user = body.get("user_id") or ""
        channel = body.get("channel_id")
        text = (body.get("text") or "").strip()
        response_url = body.get("response_url")
        sub, rest = subcommand(text)

        if sub == "help":
            await ack(**messages.help_message())
            log_done("command:help", user, channel, started, clock(), Outcome("help"))
            return None
        if sub == "schedule":
            await ack()
            outcome = flow.open_modal(
                trigger_id=body.get("trigger_id") or "",
                requester=user,
                text=rest,
                channel=channel,
                response_url=response_url,
            )
            return logged("command:schedule", user, channel, started, clock(), outcome)
        if sub in {"list", "cancel", "link", "whoami"}:
            await ack()
            if sub == "list":
                outcome = flow.list_meetings(user, response_url, channel)
            elif sub == "cancel":
                outcome = flow.cancel(user, rest, response_url, channel)
            elif sub == "link":
                outcome = flow.link(user, rest, response_url, channel)
            else:
                outcome = flow.whoami(user, response_url, channel)
            return logged(f"command:{sub}", user, channel, started, clock(), outcome)

        await ack(text=CREATING)
        ask = Ask(
            requester=user,
            key=f"command:{body.get('trigger_id') or started}",
            kind="command",
            channel=channel,
            text=text,
            response_url=response_url,
        )
        # Recorded before Bolt answers Slack: an acknowledged command is never lost.
        work = await flow.take(ask)
        return logged("command", user, channel, started, clock(), work)
