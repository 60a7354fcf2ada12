"""Log lines: text and JSON shapes, the one-line-per-request helper, and secret redaction."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest

from bot.logs import (
    add_secrets,
    configure_logging,
    log_request,
    new_reference,
    redact,
)
from bot.redaction import REDACTED

BOT_TOKEN = "xoxb-1111-2222-abcdefSECRET"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
APP_TOKEN = "xapp-1-A111-222-deadbeefcafe"
ZOOM_SECRET = "zoomClientSecretValue42"
WEBHOOK_SECRET = "zoomWebhookSecretToken77"
KNOWN = (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, ZOOM_SECRET, WEBHOOK_SECRET)


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


Emit = Callable[[Callable[[], None]], str]


@pytest.fixture(params=["text", "json"])
def emit(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Emit:
    """Configure logging in the given format, run `act`, and return what reached stderr."""
    fmt = request.param

    def run(act: Callable[[], None]) -> str:
        configure_logging("DEBUG", fmt, KNOWN)
        capsys.readouterr()
        act()
        return capsys.readouterr().err

    run.fmt = fmt  # type: ignore[attr-defined]
    return run


# -- redaction ---------------------------------------------------------------------------------

LEAKS = {
    "bot token": f"calling Slack with {BOT_TOKEN}",
    "other xox token": "token xoxp-9999-8888-userTOKEN in a message",
    "signing secret": f"secret is {SIGNING_SECRET}.",
    "app token": f"socket mode with {APP_TOKEN}",
    "unknown xapp token": "xapp-2-B222-333-feedface",
    "zoom client secret": f"client secret {ZOOM_SECRET}",
    "webhook secret": f"webhook secret {WEBHOOK_SECRET}",
    "bearer header": "Authorization: Bearer eyJhbGciOiJIUzUxMiJ9.payloadPart.signaturePart",
    "basic header": "Authorization: Basic Y2lkLXRlc3Q6c2VjcmV0LXRlc3Q=",
    "join url pwd": "join https://us06web.zoom.us/j/85384042492?pwd=ZyuF8ohebkkaMUm6buDm",
    "start url": "start https://us06web.zoom.us/s/85384042492?zak=03Y1srYco5_a_-BdXhYc0n",
    "zak alone": "zak=eyJ0eXAiOiJKV1Qi",
    "json password": '{"topic": "x", "password": "f0PRlS", "id": 1}',
    "json start_url": '{"start_url": "https://example.zoom.us/s/1?x=secretpart"}',
    "repr password": "{'password': 'Qw3rty', 'topic': 'x'}",
    "key=value passcode": "created meeting passcode=Qw3rty9 for U1",
}
SECRET_PARTS = {
    "bot token": "abcdefSECRET",
    "other xox token": "userTOKEN",
    "signing secret": SIGNING_SECRET,
    "app token": "deadbeefcafe",
    "unknown xapp token": "feedface",
    "zoom client secret": ZOOM_SECRET,
    "webhook secret": WEBHOOK_SECRET,
    "bearer header": "payloadPart",
    "basic header": "Y2lkLXRlc3Q6c2VjcmV0LXRlc3Q",
    "join url pwd": "ZyuF8ohebkkaMUm6buDm",
    "start url": "03Y1srYco5",
    "zak alone": "eyJ0eXAiOiJKV1Qi",
    "json password": "f0PRlS",
    "json start_url": "secretpart",
    "repr password": "Qw3rty",
    "key=value passcode": "Qw3rty9",
}


@pytest.mark.parametrize("kind", sorted(LEAKS))
def test_each_secret_kind_is_redacted_in_the_message(emit: Emit, kind: str) -> None:
    out = emit(lambda: logging.getLogger("zoombot.test").info(LEAKS[kind]))
    assert SECRET_PARTS[kind] not in out
    assert REDACTED in out


@pytest.mark.parametrize("kind", sorted(LEAKS))
def test_each_secret_kind_is_redacted_in_args_and_fields(emit: Emit, kind: str) -> None:
    def act() -> None:
        log = logging.getLogger("zoombot.test")
        log.info("value %s", LEAKS[kind])
        log.info("fields", extra={"fields": {"detail": LEAKS[kind], "nested": [LEAKS[kind]]}})
        log.info("zoom call", extra={"zoom": {"path": LEAKS[kind]}})

    out = emit(act)
    assert SECRET_PARTS[kind] not in out
    assert out.count(REDACTED) >= 3


def test_secret_keys_in_fields_are_blanked_whatever_their_value(emit: Emit) -> None:
    out = emit(
        lambda: logging.getLogger("zoombot.test").info(
            "meeting", extra={"fields": {"password": "abc123", "start_url": "anything", "id": 7}}
        )
    )
    assert "abc123" not in out and "anything" not in out
    assert "7" in out


def test_exception_text_is_redacted(emit: Emit) -> None:
    def act() -> None:
        try:
            raise RuntimeError(f"Slack said no to {BOT_TOKEN} and pwd=hunter22")
        except RuntimeError:
            logging.getLogger("zoombot.test").exception("posting failed")

    out = emit(act)
    assert "abcdefSECRET" not in out and "hunter22" not in out
    assert "RuntimeError" in out and "posting failed" in out


def test_a_secret_learned_later_is_redacted(emit: Emit) -> None:
    def act() -> None:
        add_secrets("LateSecret99")
        logging.getLogger("zoombot.test").warning("got LateSecret99")

    out = emit(act)
    assert "LateSecret99" not in out


def test_plain_text_is_left_alone() -> None:
    line = "command user=U1 channel=C1 ack_ms=3 outcome=created ref=ZB-4F7K tracking_id=v=2.0"
    assert redact(line) == line


def test_other_libraries_lines_are_redacted_too(emit: Emit) -> None:
    # slack_sdk logs its request headers at DEBUG; the handler covers every logger.
    out = emit(
        lambda: logging.getLogger("slack_sdk.web.async_base_client").debug(
            "Sending a request - headers: {'Authorization': '(redacted)', 'x': '%s'}", BOT_TOKEN
        )
    )
    assert "abcdefSECRET" not in out


# -- shapes ------------------------------------------------------------------------------------


def test_text_line_for_a_request() -> None:
    import io
    import sys

    buffer = io.StringIO()
    stderr, sys.stderr = sys.stderr, buffer
    try:
        configure_logging("INFO", "text", KNOWN)
        log_request(
            "zoombot.slack", "command", user="U1", channel="C1", ack_ms=3, outcome="created",
            ref="ZB-4F7K",
        )  # fmt: skip
    finally:
        sys.stderr = stderr
    line = buffer.getvalue().strip()
    assert line.endswith(
        " INFO zoombot.slack command user=U1 channel=C1 ack_ms=3 outcome=created ref=ZB-4F7K"
    )
    assert line[:4].isdigit() and line[10] == "T" and line.split()[0].endswith("Z")


def test_json_lines_parse_with_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", "json", KNOWN)
    log_request(
        kind="modal", user="U2", channel=None, ack_ms=1.5, outcome="refused", ref="ZB-AB2C",
        reason="past",
    )  # fmt: skip
    logging.getLogger("zoom").info(
        "zoom POST /users/{userId}/meetings -> 201",
        extra={
            "zoom": {
                "method": "POST",
                "path": "/users/{userId}/meetings",
                "status": 201,
                "code": None,
                "tracking_id": "v=2.0;clid=us06;rid=1",
                "duration_ms": 212,
                "retries": 0,
            }
        },
    )
    logging.getLogger("zoombot.test").debug("multi\nline")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert len(lines) == 3
    request, zoom, plain = lines
    assert {k: request[k] for k in ("level", "logger", "msg")} == {
        "level": "INFO",
        "logger": "zoombot.requests",
        "msg": "modal",
    }
    assert request["kind"] == "modal" and request["user"] == "U2" and request["channel"] is None
    assert request["ack_ms"] == 1.5 and request["outcome"] == "refused"
    assert request["ref"] == "ZB-AB2C" and request["reason"] == "past"
    assert request["ts"].endswith("Z")
    assert zoom["logger"] == "zoom" and zoom["status"] == 201
    assert zoom["tracking_id"] == "v=2.0;clid=us06;rid=1" and zoom["duration_ms"] == 212
    assert plain["msg"] == "multi\nline"


def test_text_lines_cannot_be_forged_with_newlines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "text")
    log_request(
        kind="command", user="U1", channel="C1", ack_ms=1, outcome="created",
        topic="x\n2026-01-01T00:00:00Z INFO zoombot fake line",
    )  # fmt: skip
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_level_filters_and_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING", "text")
    configure_logging("WARNING", "text")
    assert len(logging.getLogger().handlers) == 1
    logging.getLogger("zoombot").info("quiet")
    logging.getLogger("zoombot").warning("loud")
    out = capsys.readouterr().err
    assert "loud" in out and "quiet" not in out


def test_references_are_short_and_unambiguous() -> None:
    refs = {new_reference() for _ in range(500)}
    assert len(refs) > 490
    for ref in refs:
        assert len(ref) == 7 and ref.startswith("ZB-")
        assert not set(ref[3:]) & set("0O1IL")


def test_basic_credentials_are_redacted_but_the_words_basic_information_stay() -> None:
    from bot.redaction import Redactor

    redactor = Redactor()
    where = "Slack app settings → Basic Information → App-Level Tokens"
    assert redactor.text(where) == where
    assert "Y2lkOnNlY3JldC10ZXN0" not in redactor.text("Authorization: Basic Y2lkOnNlY3JldC10ZXN0")


def test_every_learned_value_is_found_wherever_it_sits_in_a_line() -> None:
    """Learned values are found by their first characters, not by a search per value: a
    seeded fuzz that the index misses none, whatever the characters around and inside it."""
    import random

    from bot.redaction import Redactor

    rng = random.Random(5)
    alphabet = "abcXYZ0189-_*@.:/?=&%]^\\[ é\u200f"
    redactor = Redactor()
    values = []
    for _ in range(300):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 40)))
        if value.strip() and len(value.strip()) >= 4:
            values.append(value.strip())
    redactor.add(*values)
    for _ in range(500):
        chosen = rng.sample(values, rng.randint(1, 4))
        parts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))]
        for value in chosen:
            parts += [value, "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))]
        line = "".join(parts)
        out = redactor.text(line)
        for value in chosen:
            assert value not in out, (value, line, out)


def test_a_value_shorter_than_those_learned_before_is_found_too() -> None:
    """Only runs as long as the shortest learned value are looked into: learning a shorter
    one widens the search."""
    from bot.redaction import Redactor

    redactor = Redactor()
    redactor.add("Long1234Value")
    assert redactor.text("a Ab12 b") == "a Ab12 b"
    redactor.add("Ab12")
    assert redactor.text("a Ab12 b Long1234Value") == "a [redacted] b [redacted]"


def test_learned_values_beyond_the_recent_ones_are_forgotten_and_the_rest_kept() -> None:
    from bot.redaction import Redactor

    redactor = Redactor()
    values = [f"Pc{n:08d}" for n in range(Redactor.RECENT + 10)]
    redactor.add(*values)
    assert redactor.text(f"first {values[0]} last {values[-1]}") == "first Pc00000000 last " + (
        "[redacted]"
    )
    assert redactor.text(values[10]) == "[redacted]"


def test_oauth_codes_and_verifiers_are_redacted_but_zoom_error_numbers_kept():
    from bot.logs import redact

    line = (
        "data: {'redirect_uri': 'https://a/slack/oauth_redirect', 'code': 'gC0PMe3TSbaF'} "
        "(request: {'code': ['eA-KKVj9Ops'], 'state': ['w']}) 'code_verifier': 'v3r1f13r' "
        'zoom POST /oauth/token -> 400 code=None "code": 124'
    )
    out = redact(line)
    for secret in ("gC0PMe3TSbaF", "eA-KKVj9Ops", "v3r1f13r"):
        assert secret not in out
    assert "code=None" in out and '"code": 124' in out


class _CountedRepr(str):
    """A parameter value that counts how often it is formatted for a log line."""

    reprs = 0

    def __repr__(self) -> str:
        type(self).reprs += 1
        return str.__repr__(self)


@pytest.mark.parametrize(("level", "formatted"), [("INFO", False), ("DEBUG", True)])
async def test_slack_sdk_builds_its_debug_lines_only_at_debug(fake_slack, level, formatted) -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    configure_logging(level, "text")
    _CountedRepr.reprs = 0
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=f"{fake_slack.url}/api/")
    await client.api_call("auth.test", params={"note": _CountedRepr("a long message")})
    assert (_CountedRepr.reprs > 0) is formatted
