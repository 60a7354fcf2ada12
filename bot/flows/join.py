"""Existing meetings (issue 16): `/zoom join <ID or link>` posts a join card for a meeting
that already exists; `/zoom me` posts the requester's personal meeting room (their PMI),
as does `/zoom now` when they chose so in the Home tab.

Passcodes: a link that carried `pwd=` keeps it (the person shared it). A meeting looked up
in Zoom shows its passcode (or a join link holding it) only when the requester hosts it, and
then as for the meetings zoombot creates: in the channel when their "passcode in the
channel" preference is on, else privately. Anyone else gets a link without it: the account
app can read every meeting of the account, and an ID alone must not reveal its passcode.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from bot.errors import Refused
from bot.flows.answers import Outcome, OutcomeKind, guarded
from bot.flows.services import STORE_ERRORS, Services
from bot.identities import FoundBy
from bot.logs import add_secrets
from bot.posting import PostFailed
from bot.render import people as render
from bot.render import private, words
from zoom import Meeting, ZoomAuthError, ZoomClient, ZoomError

log = logging.getLogger("zoombot.join")

ZOOM_HOST = re.compile(r"^(?:[a-z0-9-]+\.)*(?:zoom\.us|zoom\.com|zoomgov\.com)$")
# /j/ID, /w/ID, /wc/join/ID, /wc/ID/join, /my/… is a vanity name (no ID: refused)
ID_IN_PATH = re.compile(r"^/(?:j|w|wc/join|wc|s)/(\d{9,12})(?:/.*)?$")
MEETING_ID = re.compile(r"^\d{9,12}$")
JOIN_USAGE = (
    "Give me a meeting ID or a Zoom link: `/zoom join 812 3456 7890` or "
    "`/zoom join https://zoom.us/j/81234567890?pwd=…`."
)


@dataclass(frozen=True)
class Target:
    """What `/zoom join` was given: the meeting ID, the `pwd` of the link if it had one, and
    the Zoom host name of the link (None for a bare ID)."""

    meeting_id: int
    pwd: str | None = None
    host: str | None = None

    def join_url(self, *, with_pwd: bool = True) -> str:
        url = f"https://{self.host or 'zoom.us'}/j/{self.meeting_id}"
        if with_pwd and self.pwd:
            url += "?pwd=" + quote(self.pwd, safe="")
        return url


def parse_target(text: str) -> Target | None:
    """`812 3456 7890`, `812-3456-7890`, `https://us02web.zoom.us/j/812…?pwd=…`,
    `zoommtg://zoom.us/join?confno=812…&pwd=…` (as Slack sends them: `<url>` or `<url|label>`,
    `&` as `&amp;`) → a Target; None when it is none of those."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].split("|", 1)[0]
    text = text.replace("&amp;", "&").strip()
    digits = re.sub(r"[\s\-]", "", text)
    if MEETING_ID.match(digits):
        return Target(int(digits))
    if " " in text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not ZOOM_HOST.match(host):
        return None
    query = parse_qs(parts.query)
    pwd = (query.get("pwd") or [None])[0]
    if parts.scheme in ("zoommtg", "zoomus"):
        confno = (query.get("confno") or [""])[0]
        if not MEETING_ID.match(confno):
            return None
        return Target(int(confno), pwd or None, None)
    if parts.scheme != "https":
        return None
    match = ID_IN_PATH.match(parts.path)
    if not match:
        return None
    return Target(int(match.group(1)), pwd or None, host)


async def _own_zoom_ids(services: Services, requester: str) -> set[str]:
    """The requester's own Zoom user ids and emails (lower case): the account app's user
    for them and the account they connected themselves, where there is one."""
    ids: set[str] = set()
    user = (await services.hosts.own_zoom_user(requester)).user
    if user is not None:
        ids |= {user.id.lower(), user.email.lower()} - {""}
    connection = await services.accounts.connection(requester) if services.accounts else None
    if connection is not None:
        ids |= {connection.zoom_user_id.lower(), connection.zoom_email.lower()} - {""}
    return ids


async def _lookup_client(services: Services, requester: str) -> ZoomClient | None:
    """Who may look a meeting up: the account app, else the requester's connected Zoom."""
    if services.zoom is not None:
        return services.zoom
    return await services.accounts.client(requester) if services.accounts else None


async def post_join(
    services: Services,
    requester: str,
    text: str,
    channel: str | None,
    response_url: str | None,
) -> Outcome:
    """`/zoom join <text>`: look the meeting up, post its card, tell the requester."""

    async def work() -> Outcome:
        target = parse_target(text)
        if target is None:
            raise Refused(JOIN_USAGE, "join target unreadable")
        add_secrets(target.pwd)
        if not channel:
            raise Refused("Type `/zoom join` in the channel to post the meeting in.", "no channel")
        meeting: Meeting | None = None
        client = await _lookup_client(services, requester)
        try:
            meeting = await client.get_meeting(target.meeting_id) if client else None
        except ZoomError as error:
            # Not in this account, or the app may not read it: a plain card. Credentials or
            # scopes Zoom refused are the operator's to fix: said louder.
            level = logging.WARNING if isinstance(error, ZoomAuthError) else logging.INFO
            log.log(level, "join %s: not looked up (%s)", target.meeting_id, type(error).__name__)
        notes: list[str] = []
        passcode: str | None = None
        join_url = target.join_url()
        if meeting is not None:
            add_secrets(meeting.password, meeting.start_url)
            hosts = await _own_zoom_ids(services, requester)
            host_of = {(meeting.host_id or "").lower(), (meeting.host_email or "").lower()}
            if hosts & (host_of - {""}) and meeting.password:
                # Theirs: as for the meetings zoombot creates (the preference decides).
                if (await services.preferences(requester)).post_passcode:
                    join_url, passcode = meeting.join_url or join_url, meeting.password
                else:
                    secret = words.escape(meeting.password)
                    notes.append(f"Passcode (only shown to you): `{secret}`")
        else:
            notes.append(
                "Zoom did not show me this meeting (it may be in another company's account), "
                "so the card shows only its ID."
            )
        card = render.join_card(
            target.meeting_id, join_url, requester=requester, meeting=meeting, passcode=passcode
        )
        posted = await _post(services, requester, channel, response_url, card)
        if posted:
            notes.insert(0, f"Posted the join card in <#{channel}>.")
        if notes:  # not posted: `_post` gave them the card already
            await services.poster.tell(
                requester,
                private.note_message("\n".join(notes)),
                channel=channel,
                response_url=response_url,
            )
        return Outcome(
            OutcomeKind.JOIN_POSTED if posted else OutcomeKind.FAILED,
            "looked up" if meeting else "plain",
            meeting_id=target.meeting_id,
        )

    return await guarded(services, requester, channel, response_url, work)


async def _post(
    services: Services,
    requester: str,
    channel: str,
    response_url: str | None,
    card: words.Message,
) -> bool:
    """Post `card` in `channel`; on failure the requester gets it privately (False)."""
    try:
        await services.poster.post_meeting(channel, card, response_url=response_url)
    except PostFailed as failure:
        log.warning("card not posted in %s: %s", channel, failure.error)
        await services.poster.tell(
            requester,
            {
                "text": "I could not post it in the channel; here it is for you to share.",
                "blocks": [
                    *private.note_message(
                        "I could not post it in the channel; here it is for you to share."
                    )["blocks"],
                    *card["blocks"],
                ],
            },
            channel=channel,
            response_url=response_url,
        )
        return False
    return True


async def uses_personal_room(services: Services, requester: str) -> bool:
    """True when the requester chose their personal room for instant meetings (Home tab).
    A store failure reads as no: the instant meeting is made as before."""
    try:
        row = await services.store.preferences(requester)
    except STORE_ERRORS:
        return False
    return bool((row or {}).get("use_pmi"))


async def post_personal_room(
    services: Services, requester: str, channel: str | None, response_url: str | None
) -> Outcome:
    """`/zoom me`: post the requester's personal meeting room (PMI) link from Zoom."""

    async def work() -> Outcome:
        if not channel:
            raise Refused("Type `/zoom me` in the channel to post your room in.", "no channel")
        if await services.connected_host(requester) is not None:
            # Their own connected Zoom: its user is "me".
            user = await (await services.zoom_for(FoundBy.CONNECTED, requester)).get_user("me")
        else:
            client = await services.zoom_for(None, requester)  # none: "connect first"
            own = (await services.hosts.own_zoom_user(requester)).user
            if own is None:
                raise Refused(
                    "You have no Zoom account of your own, so no personal room. Type "
                    "`/zoom link you@company.com` to use yours.",
                    "no own zoom user",
                )
            user = await client.get_user(own.id)
        url = user.personal_meeting_url or (f"https://zoom.us/j/{user.pmi}" if user.pmi else "")
        add_secrets(*parse_qs(urlsplit(url).query).get("pwd", []))
        if not url.startswith("https://"):
            raise Refused("Zoom shows no personal meeting room for your account.", "no pmi")
        prefs = await services.preferences(requester)
        shown = url if prefs.post_passcode else words.join_url_without_passcode(url)
        card = render.personal_room_card(user.pmi, shown, requester=requester)
        posted = await _post(services, requester, channel, response_url, card)
        notes = [f"Posted your personal room in <#{channel}>."] if posted else []
        if shown != url:
            notes.append(f"Its link with the passcode (only shown to you): {url}")
        if notes:
            await services.poster.tell(
                requester,
                private.note_message("\n".join(notes)),
                channel=channel,
                response_url=response_url,
            )
        return Outcome(OutcomeKind.ROOM_POSTED if posted else OutcomeKind.FAILED, "pmi")

    return await guarded(services, requester, channel, response_url, work)
