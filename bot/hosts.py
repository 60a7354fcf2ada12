"""Who hosts a Slack user's meetings, and who they are in Slack.

Order (`find_host`): an admin's mapping in the store; else the user's Slack email if Zoom
knows it as an active user; else `ZOOMBOT_DEFAULT_HOST` (the requester is then named in
the agenda); else None, and the caller refuses with `sentences.NO_HOST`.

Slack profiles and Zoom users are cached in the store for an hour (so a restart starts warm),
with the same entries held in memory in front of it and an in-process single-flight: a burst
of commands from one user makes one `users.info` call and one read of each store row. A Zoom
user not in memory is looked for in the Zoom directory (bot/directory.py: the account's
active users, read at start and hourly), then in the store, before Zoom is asked about them
alone.

Whether the requester is a guest is decided on a fresher profile (`fresh_profile`: read from
Slack at most ZOOMBOT_GUEST_CHECK_AGE seconds ago, 60 by default), and a `user_change` event
replaces the cached profile at once (`remember_profile`): a demotion takes effect within a
minute, not an hour.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.caching import Memo, SingleFlight
from bot.directory import ZoomDirectory
from bot.errors import StoreUnavailable
from bot.identities import FoundBy, Host, LinkResult, SlackProfile, ZoomIdentity
from bot.render import words
from bot.settings import Settings
from bot.slack.failures import checked
from bot.store import Store
from bot.store.protocol import HOST_MAPPING_CHANNEL
from zoom import UserNotFound, ZoomClient, ZoomUser

PROFILE_MAX_AGE = 3600.0
ZOOM_USER_MAX_AGE = 3600.0
# "Not a Zoom user" is remembered briefly: someone who just got an account should not wait.
NO_ZOOM_USER_MAX_AGE = 300.0

log = logging.getLogger("zoombot.hosts")

EMAIL = re.compile(r"^[^@\s<>|]+@[^@\s<>|]+\.[^@\s<>|]+$")


# A value read back from the store is held in memory this long: the store row's own age is
# not known here, so the memo must not stretch the hour the store promises.
FROM_STORE_TTL = 60.0


class HostFinder:
    """Finds hosts and Slack profiles; the only code that calls `users.info` or Zoom users."""

    def __init__(
        self,
        store: Store,
        slack: AsyncWebClient,
        zoom: ZoomClient | None,  # None: no account app (people connect their own Zoom)
        settings: Settings,
        directory: ZoomDirectory | None = None,
    ) -> None:
        self.store = store
        self.slack = slack
        self.zoom = zoom
        self.settings = settings
        self.directory = directory
        self._flights = SingleFlight()
        self._memo = Memo()
        self._mapping_generation = 0  # one more at each host mapping change heard
        # Profiles read from Slack within `settings.guest_check_age` seconds, by user id.
        self._fresh = Memo()

    async def listen_for_changes(self) -> None:
        """Forget a memoised host mapping when any instance changes it (the store's
        `notify`); forget them all when notifications may have been missed."""

        await self.store.listen(HOST_MAPPING_CHANNEL, self._mapping_changed)

    async def cached_profile(self, user_id: str) -> SlackProfile | None:
        """The cached profile if there is a fresh one; never calls Slack."""
        hit, profile = self._memo.get(f"slack:{user_id}")
        if hit:
            return profile
        return await self._flights.do(f"stored:{user_id}", lambda: self._stored_profile(user_id))

    async def _stored_profile(self, user_id: str) -> SlackProfile | None:
        cached = await self.store.cached_slack_user(user_id, PROFILE_MAX_AGE)
        if cached is None:
            return None
        profile = SlackProfile.from_slack(cached)
        self._memo.put(f"slack:{user_id}", profile, FROM_STORE_TTL)
        return profile

    async def profile(self, user_id: str) -> SlackProfile:
        """The user's Slack profile, at most one `users.info` per user per hour."""
        cached = await self.cached_profile(user_id)
        if cached is not None:
            return cached

        return await self._fetch_profile(user_id)

    async def _fetch_profile(self, user_id: str) -> SlackProfile:
        """`users.info` now (one call in flight per user), remembered everywhere."""

        async def fetch() -> SlackProfile:
            # Any failure, whatever Slack's answer looked like, raises PostFailed.
            response = await checked(self.slack.users_info(user=user_id))
            user = response.get("user") or {}
            return await self.remember_profile(user_id, user)

        return await self._flights.do(f"slack:{user_id}", fetch)

    async def remember_profile(self, user_id: str, user: dict[str, Any]) -> SlackProfile:
        """Keep `user` (a users.info `user`, or a `user_change` event's) as the profile: in
        memory for an hour, in the store, and as fresh for the guest check. The store's copy
        only serves later starts and other instances: failing to write it is a warning."""
        profile = SlackProfile.from_slack(user)
        self._memo.put(f"slack:{user_id}", profile, PROFILE_MAX_AGE)
        self._fresh.put(user_id, profile, self.settings.guest_check_age)
        try:
            await self.store.cache_slack_user(user_id, user)
        except StoreUnavailable as error:
            log.warning("a Slack profile was not cached in the store: %s", error)
        return profile

    async def fresh_profile(self, user_id: str) -> SlackProfile:
        """The profile as Slack had it at most `settings.guest_check_age` seconds ago (60 by
        default): what decides whether someone is a guest, so that a demotion takes effect
        within a minute (at once when the `user_change` event arrives)."""
        hit, profile = self._fresh.get(user_id)
        if hit:
            return profile
        return await self._fetch_profile(user_id)

    async def zoom_user(self, email: str, *, fresh: bool = False) -> ZoomUser | None:
        """The Zoom user with this email, or None if Zoom has none (or there is no account
        app to ask). Other Zoom errors raise."""
        email = email.strip().lower()
        zoom = self.zoom
        if zoom is None:
            return None
        if not fresh:
            hit, known = self._memo.get(f"zoom:{email}")
            if hit:
                return known
            # One look in the directory and the store per email at a time: the commands of a
            # burst from one person share it.
            found, known = await self._flights.do(
                f"known:{email}", lambda: self._known_zoom_user(email)
            )
            if found:
                return known

        async def fetch() -> ZoomUser | None:
            try:
                user = await zoom.get_user(email)
            except UserNotFound:
                await self.store.cache_zoom_user(email, None)
                self._memo.put(f"zoom:{email}", None, NO_ZOOM_USER_MAX_AGE)
                return None
            await self.store.cache_zoom_user(email, _user_json(user))
            self._memo.put(f"zoom:{email}", user, ZOOM_USER_MAX_AGE)
            return user

        return await self._flights.do(f"zoom:{email}", fetch)

    async def _known_zoom_user(self, email: str) -> tuple[bool, ZoomUser | None]:
        """What the directory, else the store's cache, knows of `email`: (found, user). Found
        with user None: Zoom said lately that there is no such user. The directory first: it
        is in memory and as fresh (read within the hour), so a burst of first commands makes
        no store read for the account's users."""
        if self.directory is not None:
            listed = await self.directory.find(email)
            if listed is not None:
                # Not stored: the directory is read again at every start anyway.
                self._memo.put(f"zoom:{email}", listed, FROM_STORE_TTL)
                return True, listed
        hit, user = await self.store.cached_zoom_user(email, ZOOM_USER_MAX_AGE)
        if hit and user is not None:
            known = ZoomUser.from_json(user)
            self._memo.put(f"zoom:{email}", known, FROM_STORE_TTL)
            return True, known
        if hit:
            hit_none, _ = await self.store.cached_zoom_user(email, NO_ZOOM_USER_MAX_AGE)
            if hit_none:
                return True, None
        return False, None

    async def forget_zoom_user(self, email: str) -> None:
        """Forget what is known of this Zoom user (memory, store and directory): Zoom said
        it does not know them, so the next look-up asks Zoom."""
        email = email.strip().lower()
        self._memo.forget(f"zoom:{email}")
        await self.store.forget_zoom_user(email)
        if self.directory is not None:
            self.directory.forget(email)

    async def own_zoom_user(self, user_id: str) -> ZoomIdentity:
        """The requester's own Zoom user (mapping, else Slack email), how it was found, and
        the mapping row if there is one. Never the default host; nobody without an account
        app."""
        if self.zoom is None:
            return ZoomIdentity()
        # A change (`link`, here or on another instance) forgets the memo.
        hit, mapping = self._memo.get(f"map:{user_id}")
        if not hit:
            mapping = await self._read_mapping(user_id)
        if mapping is not None:
            user = await self.zoom_user(mapping["zoom_email"])
            if user is None:
                user = ZoomUser(id=mapping["zoom_email"], email=mapping["zoom_email"])
            return ZoomIdentity(user, FoundBy.MAPPING, mapping)
        profile = await self.profile(user_id)
        if profile.email:
            user = await self.zoom_user(profile.email)
            if user is not None and user.is_active:
                return ZoomIdentity(user, FoundBy.SLACK_EMAIL)
        return ZoomIdentity()

    async def _read_mapping(self, user_id: str) -> dict[str, Any] | None:
        """The user's mapping from the store, one read at a time per user (the commands of a
        burst share it), kept in the memo unless a change was heard meanwhile. A read that
        began before a change is not shared with callers who come after it."""
        generation = self._mapping_generation

        async def read() -> dict[str, Any] | None:
            mapping = await self.store.host_mapping(user_id)
            if generation == self._mapping_generation:
                self._memo.put(f"map:{user_id}", mapping, PROFILE_MAX_AGE)
            return mapping

        return await self._flights.do(f"map:{user_id}:{generation}", read)

    def _mapping_changed(self, user_id: str | None) -> None:
        """Forget `user_id`'s memoised mapping (None: everyone's)."""
        self._mapping_generation += 1
        if user_id:
            self._memo.forget(f"map:{user_id}")
        else:
            self._memo = Memo()

    async def find_host(self, user_id: str) -> Host | None:
        """Who hosts this user's meetings, in the documented order; None if nobody can."""
        own = await self.own_zoom_user(user_id)
        user = own.user
        if user is not None and own.found_by is not None:
            return Host(user_id=user.id, email=user.email, name=_name(user), found_by=own.found_by)
        default = self.settings.default_host
        if default:
            user = await self.zoom_user(default)
            if user is not None:
                return Host(user.id, user.email, _name(user), FoundBy.DEFAULT_HOST)
            return Host(default, default, default, FoundBy.DEFAULT_HOST)
        return None

    def is_admin(self, profile: SlackProfile) -> bool:
        """Workspace admins and owners, and the Slack ids in ZOOMBOT_ADMINS. Serving several
        workspaces, only ZOOMBOT_ADMINS: another workspace's admin must not point its people
        at users of this deployment's Zoom account."""
        if self.settings.several_workspaces:
            return profile.id in self.settings.admins
        return profile.is_admin or profile.is_owner or profile.id in self.settings.admins

    async def link(self, requester: str, target: str, email: str) -> LinkResult:
        """Point `target`'s meetings at the Zoom user `email`. Returns whether it did, and
        what to tell the requester. Only admins may link someone else, or an email not their
        own Slack email; the email must be an active Zoom user."""
        email = email.strip().lower()
        if not EMAIL.match(email):
            return LinkResult(
                False,
                f"`{words.escape(email)}` is not an email address. "
                "Type `/zoom link you@company.com`.",
            )
        profile = await self.profile(requester)
        own_email = (profile.email or "").lower()
        if (target != requester or email != own_email) and not self.is_admin(profile):
            if target != requester:
                return LinkResult(
                    False,
                    "Only a Slack admin can set the Zoom account for someone else. "
                    "Ask an admin, or let them type `/zoom link` themselves.",
                )
            return LinkResult(
                False,
                "You can link only the Zoom account with your own Slack email "
                f"({words.escape(own_email) or 'none on your profile'}). "
                "Ask a Slack admin to link a different one for you.",
            )
        user = await self.zoom_user(email, fresh=True)
        if user is None or not user.is_active:
            state = "not a user" if user is None else f"{user.status}, not active"
            return LinkResult(
                False,
                f"Zoom says {words.escape(email)} is {state} in this company's Zoom account, "
                "so it can't host. Check the spelling, or ask your Zoom admin to add it.",
            )
        await self.store.set_host_mapping(target, email, requester)
        self._mapping_changed(target)
        who = "Your" if target == requester else f"<@{target}>'s"
        return LinkResult(True, f"Done: {who} meetings will be hosted by {words.escape(email)}.")


def _name(user: ZoomUser) -> str:
    full = f"{user.first_name} {user.last_name}".strip()
    return full or user.email


def _user_json(user: ZoomUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "type": user.type,
        "status": user.status,
        "timezone": user.timezone,
    }
