"""`/zoom` and its subcommands. Acknowledge first; the flows do the rest after."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows import connect, create, join, manage, modal, move, people
from bot.flows.answers import Outcome, OutcomeKind
from bot.flows.asks import Ask, TextAsk
from bot.flows.manage import parse_meeting_id
from bot.listeners import after_ack, clock, listen, log_done, logged, services
from bot.reading import mentions_time
from bot.reading.moves import split_command
from bot.render import private

CREATING = "Creating your Zoom meeting…"
MOVE_WORDS = ("move", "reschedule", "push", "delay", "postpone", "skip")  # bot/flows/move.py
# The subcommands that manage what exists (bot/flows/manage.py).
MANAGE = {
    "list": manage.list_meetings,
    "cancel": manage.cancel,
    "link": manage.link,
    "whoami": manage.whoami,
}


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
    if sub in {"help", "list", "whoami", "cancel", "connect", "disconnect"} and not mentions_time(
        rest
    ):
        return sub, rest
    if sub == "join" and (join.parse_target(rest) is not None or not mentions_time(rest)):
        return sub, rest
    if sub == "me" and not rest:
        return sub, rest
    if sub in MOVE_WORDS and split_command(sub, rest) is not None:
        return sub, rest  # `/zoom move last to thu 3pm`, `push last 30 min`, `skip standup dec 24`
    if sub == "link":
        # What follows must start with a mention (`<@U…>`, `<!here>`) or an email (typed, or
        # as Slack's `<mailto:…>`): `/zoom link up with Bo` is a meeting.
        first = rest.split(maxsplit=1)[0] if rest else ""
        if not rest or first.startswith(("<@", "<!")) or "@" in first:
            return sub, rest
        if not mentions_time(rest):
            return sub, rest
    return None, text


async def zoom_command(ack: Any, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """`/zoom …`: help in the ack; a subcommand or a meeting after it."""
    started = clock()
    flows = services(context)
    user = body.get("user_id") or ""
    channel = body.get("channel_id")
    text = (body.get("text") or "").strip()
    response_url = body.get("response_url")
    sub, rest = subcommand(text)

    if sub == "help":
        await ack(**private.help_message(flows.settings.command))
        log_done("command:help", user, channel, started, clock(), Outcome(OutcomeKind.HELP))
        return
    if sub == "schedule":
        await ack()
        words, invited = people.split_mentions(rest)  # the mentioned fill the Invite field
        outcome = modal.open_modal(
            flows,
            trigger_id=body.get("trigger_id") or "",
            requester=user,
            text=words,
            channel=channel,
            response_url=response_url,
            invited=people.invited_of(user, invited),
        )
        after_ack(
            context,
            "zoom_command",
            logged("command:schedule", user, channel, started, clock(), outcome),
        )
        return
    if sub in MOVE_WORDS:
        await ack()
        key = f"command:{body.get('trigger_id') or started}"
        outcome = move.command(flows, user, sub, rest, response_url, channel, key)
        after_ack(
            context,
            "zoom_command",
            logged(f"command:{sub}", user, channel, started, clock(), outcome),
        )
        return
    if sub in {*MANAGE, "connect", "disconnect", "join", "me"} or (
        sub is None and text.lower() in {"", "now"} and await join.uses_personal_room(flows, user)
    ):
        await ack()
        if sub == "join":
            outcome = join.post_join(flows, user, rest, channel, response_url)
        elif sub in {"me", None}:
            sub = sub or "now"
            outcome = join.post_personal_room(flows, user, channel, response_url)
        elif sub in MANAGE:
            outcome = MANAGE[sub](flows, manage.Command(user, rest, response_url, channel))
        elif sub == "connect":
            outcome = connect.connect(flows, user, response_url, channel)
        else:
            outcome = connect.disconnect(flows, user, response_url, channel)
        after_ack(
            context,
            "zoom_command",
            logged(f"command:{sub}", user, channel, started, clock(), outcome),
        )
        return

    await ack(text=CREATING)
    ask = Ask(
        requester=user,
        key=f"command:{body.get('trigger_id') or started}",
        kind="command",
        channel=channel,
        what=TextAsk(text),
        response_url=response_url,
    )
    if people.has_mentions(text):
        # Named people: their local times, and a question first if outside their hours.
        words, invited = people.split_mentions(text)
        ask = replace(ask, what=TextAsk(words), invited=people.invited_of(user, invited))
        work = await people.take(flows, ask)
    else:
        # Recorded before Bolt answers Slack: an acknowledged command is never lost.
        work = await create.take(flows, ask)
    after_ack(context, "zoom_command", logged("command", user, channel, started, clock(), work))


def register(app: AsyncApp, command: str = "/zoom") -> None:
    """`command`: the slash command's name (ZOOMBOT_COMMAND)."""
    listen(app.command(command), zoom_command)
