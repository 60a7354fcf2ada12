"""A burst of commands from one person reads what is known of them once (bot/hosts.py): one
store read of their host mapping, Slack profile and Zoom user, one `users.info`, one Zoom
look-up, however many commands are in flight; and a mapping changed during a read is not
overwritten by that read's older answer."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from tests.fakes.slack import DEFAULT_CHANNEL

CACHE_READS = ("host_mapping", "cached_slack_user", "cached_zoom_user")


def count_reads(store: Any, counts: Counter[str], *, slow: float = 0.02) -> None:
    """Count `store`'s cache reads (and make each take `slow` seconds, so a burst overlaps)."""
    for name in CACHE_READS:
        original = getattr(store, name)

        async def read(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            counts[_name] += 1
            await asyncio.sleep(slow)
            return await _original(*args, **kw)

        setattr(store, name, read)


async def test_twenty_commands_from_one_person_read_the_store_once(
    runtime, person, fake_slack, fake_zoom
) -> None:
    ana = person()
    hosts = runtime.services.hosts
    counts: Counter[str] = Counter()
    count_reads(hosts.store, counts)
    found = await asyncio.gather(*(hosts.find_host(ana.slack_id) for _ in range(20)))
    assert {host.user_id for host in found} == {ana.zoom_id}
    assert counts == Counter({name: 1 for name in CACHE_READS})
    users_info = [
        c for c in fake_slack.calls_to("users.info") if c.params.get("user") == ana.slack_id
    ]
    assert len(users_info) == 1
    assert len(fake_zoom.requests_to("/users/{userId}", "GET")) == 1


async def test_a_mapping_changed_during_a_read_is_not_overwritten_by_it(runtime, person) -> None:
    ana, team = person(), person()
    hosts = runtime.services.hosts
    store = hosts.store
    read = store.host_mapping
    answered = asyncio.Event()
    go_on = asyncio.Event()

    async def slow_read(user_id: str) -> Any:
        row = await read(user_id)  # the mapping as it was: none
        answered.set()
        await go_on.wait()
        return row

    store.host_mapping = slow_read
    before = asyncio.create_task(hosts.find_host(ana.slack_id))
    await answered.wait()
    store.host_mapping = read
    await store.set_host_mapping(ana.slack_id, team.email, "UADMIN")  # an admin's change
    hosts._mapping_changed(ana.slack_id)  # heard, as the store's notification would say
    go_on.set()
    assert (await before).user_id == ana.zoom_id  # asked before the change: the old answer
    after = await hosts.find_host(ana.slack_id)
    assert after.user_id == team.zoom_id


async def test_a_profile_the_store_cannot_keep_still_serves_the_command(
    runtime, person, caplog
) -> None:
    from bot.errors import StoreUnavailable

    ana = person()
    hosts = runtime.services.hosts

    async def cannot_write(*_: Any) -> None:
        raise StoreUnavailable("the disk is full")

    hosts.store.cache_slack_user = cannot_write
    host = await hosts.find_host(ana.slack_id)
    assert host is not None and host.user_id == ana.zoom_id
    assert "not cached in the store" in caplog.text


def ask_for(user: str, response_url: str, text: str, channel: str | None = DEFAULT_CHANNEL) -> Any:
    from bot.flows.asks import Ask, TextAsk

    return Ask(
        requester=user,
        key=f"command:{user}:{text}",
        kind="command",
        channel=channel,
        what=TextAsk(text),
        response_url=response_url,
    )


async def test_a_command_looks_up_its_host_beside_the_preferences(
    runtime, person, fake_slack, fake_zoom
) -> None:
    """A person's first command reads their preferences and their host mapping side by side:
    the preferences' read waits here until the mapping's has begun, which never happens if
    the host is looked up after it (the wait then times out and the command fails)."""
    from bot.flows.create import schedule

    ana = person()
    store = runtime.services.store
    mapping_read = asyncio.Event()
    read_mapping, read_preferences = store.host_mapping, store.preferences

    async def host_mapping(user_id: str) -> Any:
        mapping_read.set()
        return await read_mapping(user_id)

    async def preferences(user_id: str) -> Any:
        await asyncio.wait_for(mapping_read.wait(), timeout=5)
        return await read_preferences(user_id)

    store.host_mapping, store.preferences = host_mapping, preferences
    outcome = await schedule(
        runtime.services, ask_for(ana.slack_id, fake_slack.new_response_url(), "now Standup")
    )
    assert outcome.outcome == "posted"
    [meeting] = fake_zoom.meetings.values()
    assert meeting["host_id"] == ana.zoom_id


async def test_what_the_request_lacks_is_said_before_a_host_that_cannot_be_found(
    runtime, person, fake_slack, fake_zoom
) -> None:
    """The host is looked up early, but what is wrong with the request is still what the
    person hears first: a failing host look-up is raised only after the request's checks."""
    from bot.errors import StoreUnavailable
    from bot.flows.create import schedule

    ana = person()

    async def unreadable(user_id: str) -> Any:
        raise StoreUnavailable("The database could not read the host mapping.")

    runtime.services.store.host_mapping = unreadable
    url = fake_slack.new_response_url()
    outcome = await schedule(
        runtime.services, ask_for(ana.slack_id, url, "now Retro", channel=None)
    )
    assert outcome.outcome == "refused:no channel"
    [note] = fake_slack.responses(url)
    assert "Pick a channel" in note["text"]
    assert not fake_zoom.meetings
