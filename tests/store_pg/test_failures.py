"""Database failures become StoreUnavailable sentences, and a password never shows."""

from __future__ import annotations

import logging
import socket
from urllib.parse import urlsplit, urlunsplit

import pytest

from bot.errors import StoreUnavailable
from bot.store.postgres import PostgresStore, safe_url

PASSWORD = "s3cr3t-Pa55word-zb"


def _with_password(url: str, *, port: int | None = None) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{parts.username or 'postgres'}:{PASSWORD}@{host}:{port or parts.port or 5432}"
    return urlunsplit(parts._replace(netloc=netloc))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_safe_url_hides_only_the_password():
    assert safe_url("postgresql://zb:pw@db:5432/zoombot") == "postgresql://zb:***@db:5432/zoombot"
    assert safe_url("postgresql://zb@db/zoombot") == "postgresql://zb@db/zoombot"


async def test_nothing_answering_is_a_sentence_without_the_password(pg_schema, caplog):
    url = _with_password(pg_schema.url, port=_closed_port())
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreUnavailable) as raised:
        await PostgresStore.open(url, connect_timeout=3)
    text = f"{raised.value} {raised.value.sentence!r} {raised.value!r}"
    assert "could not be opened" in raised.value.sentence
    assert PASSWORD not in text and PASSWORD not in caplog.text
    assert ":***@" in raised.value.sentence


async def test_a_password_in_the_url_stays_out_of_the_logs(pg_schema, caplog):
    caplog.set_level(logging.DEBUG)
    store = await PostgresStore.open(
        _with_password(pg_schema.url), server_settings=pg_schema.settings
    )  # trust authentication takes any password
    try:
        await store.set_preferences("U1", duration=30)
        await pg_schema.admin.execute(f'DROP TABLE "{pg_schema.name}".preferences')
        with pytest.raises(StoreUnavailable):
            await store.preferences("U1")
        assert PASSWORD not in repr(store) and PASSWORD not in store.url
        assert "schema version" in caplog.text  # it did log, and what it logged is clean
        assert PASSWORD not in caplog.text
    finally:
        await store.close()


async def test_a_failed_write_is_a_write_problem_until_writes_work_again(open_pg, pg_schema):
    store = await open_pg()
    assert store.write_problem is None and await store.check_writable() is None
    await pg_schema.admin.execute(f'DROP TABLE "{pg_schema.name}".zoom_deliveries')
    with pytest.raises(StoreUnavailable) as raised:
        await store.first_delivery("d1")
    assert raised.value.sentence == (
        "The database could not record the Zoom delivery (UndefinedTableError)."
    )
    assert store.write_problem == raised.value.sentence
    assert await store.check_writable() is None  # other writes work: the problem is gone
    assert store.write_problem is None


async def test_a_read_only_database_is_not_writable(open_pg, pg_schema):
    await open_pg()  # the schema is there: opening it again writes nothing
    store = await open_pg(
        server_settings={**pg_schema.settings, "default_transaction_read_only": "on"},
    )
    problem = await store.check_writable()
    assert problem == "The database could not be written (ReadOnlySQLTransactionError)."
    assert store.write_problem == problem
    with pytest.raises(StoreUnavailable):
        await store.claim_request("command:T1")
    assert await store.host_mapping("U1") is None  # reads still work


async def test_a_bad_argument_is_our_bug_not_the_databases(open_pg):
    store = await open_pg()
    with pytest.raises(ValueError, match="no column"):
        await store.set_preferences("U1", colour="blue")
    assert store.write_problem is None
