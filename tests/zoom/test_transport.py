"""AiohttpTransport over raw sockets: each way a connection can fail, as the httpx error that
says whether the request may have reached Zoom; proxies, TLS trust, and a closed transport.

The no-duplicate create rests on this mapping: `ConnectError`/`ConnectTimeout` mean the
request never left (a create may be re-sent), anything after that means Zoom may have acted.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import ssl
import struct
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import certifi
import httpx
import pytest

from tests.fakes.zoom import FakeZoom
from zoom import MeetingRequest, ZoomClient, ZoomUnavailable
from zoom._transport import AiohttpTransport, _httpx_errors

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
EMAIL_PATH = "/v2/users/ada@example.com/meetings"


@contextlib.asynccontextmanager
async def raw_server(handler: Handler, **kwargs: object) -> AsyncIterator[int]:
    """A TCP server on 127.0.0.1:ephemeral running `handler` for each connection."""
    connections: set[asyncio.Task] = set()

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        connections.add(task)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            connections.discard(task)
            writer.close()

    server = await asyncio.start_server(tracked, "127.0.0.1", 0, **kwargs)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in list(connections):
            task.cancel()
        await server.wait_closed()


async def read_head(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def client(
    limits: float | httpx.Timeout = 2.0, **transport: object
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=AiohttpTransport(**transport),  # type: ignore[arg-type]
        timeout=limits,
    ) as http:
        yield http


async def post(handler: Handler, read_limit: float = 2.0) -> Exception:
    """POST to a raw server running `handler`; the exception the client raised."""
    async with raw_server(handler) as port, client(read_limit) as http:
        with pytest.raises(httpx.HTTPError) as caught:
            await http.post(f"http://127.0.0.1:{port}{EMAIL_PATH}", json={"topic": "x"})
    return caught.value


# -- the mapping -------------------------------------------------------------------------------


async def test_refused_is_a_connect_error() -> None:
    async with client() as http:
        with pytest.raises(httpx.ConnectError) as caught:
            await http.post(f"http://127.0.0.1:{closed_port()}{EMAIL_PATH}", json={})
    assert "could not connect" in str(caught.value)


async def test_waiting_too_long_for_a_pooled_connection_is_a_connect_timeout() -> None:
    holding = asyncio.Event()

    async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        holding.set()
        await asyncio.Event().wait()

    async with (
        raw_server(never_answers) as port,
        client(httpx.Timeout(30.0, pool=0.2, connect=0.2), limit=1) as http,
    ):
        url = f"http://127.0.0.1:{port}/x"
        holder = asyncio.create_task(http.get(url))
        try:
            # The holder has the only connection once the server has its request.
            await asyncio.wait_for(holding.wait(), 5)
            with pytest.raises(httpx.ConnectTimeout):
                await http.get(url)
        finally:
            holder.cancel()
            with contextlib.suppress(BaseException):
                await holder


async def test_closed_after_reading_the_request_is_a_protocol_error() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.close()

    assert isinstance(await post(hang_up), httpx.RemoteProtocolError)


async def test_no_answer_is_a_read_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        await asyncio.sleep(5)

    assert isinstance(await post(silent, read_limit=0.2), httpx.ReadTimeout)


async def test_a_partial_body_is_a_protocol_error() -> None:
    async def partial(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n{")
        await writer.drain()
        writer.close()

    assert isinstance(await post(partial), httpx.RemoteProtocolError)


async def test_a_malformed_status_line_is_a_protocol_error() -> None:
    async def garbled(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 2x1 Created\r\n\r\n")
        await writer.drain()

    assert isinstance(await post(garbled), httpx.RemoteProtocolError)


async def test_a_reset_is_a_read_error() -> None:
    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    error = await post(reset)
    assert isinstance(error, httpx.ReadError)
    assert not isinstance(error, httpx.ConnectError)


async def test_a_good_answer_passes_through() -> None:
    async def ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b'HTTP/1.1 201 Created\r\nContent-Length: 9\r\nX-A: 1\r\n\r\n{"id": 1}')
        await writer.drain()

    async with raw_server(ok) as port, client() as http:
        response = await http.post(f"http://127.0.0.1:{port}/x", json={})
    assert (response.status_code, response.json(), response.headers["x-a"]) == (201, {"id": 1}, "1")


# -- what the messages carry -------------------------------------------------------------------


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return seen


async def test_messages_name_the_host_but_never_the_path() -> None:
    async def garbled(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 2x1 Created\r\n\r\n")
        await writer.drain()

    error = await post(garbled)
    assert "127.0.0.1" in str(error)
    for link in _chain(error):
        assert "ada@" not in str(link)
        assert "meetings" not in str(link)

    async with client(httpx.Timeout(2.0, pool=0.2)) as http:
        with pytest.raises(httpx.ConnectError) as caught:
            await http.post(f"http://127.0.0.1:{closed_port()}{EMAIL_PATH}", json={})
    for link in _chain(caught.value):
        assert "ada@" not in str(link)


# -- proxies, TLS, closing ---------------------------------------------------------------------


async def test_the_session_honours_proxy_settings_and_no_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen_by_proxy: list[bytes] = []
    seen_direct: list[bytes] = []

    def answering(into: list[bytes]) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            into.append((await read_head(reader)).split(b"\r\n")[0])
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

        return handler

    async with (
        raw_server(answering(seen_by_proxy)) as proxy,
        raw_server(answering(seen_direct)) as direct,
    ):
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy}")
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "127.0.0.1")
        async with client() as http:
            assert (await http.get("http://zoom.invalid/v2/users")).text == "ok"
            assert (await http.get(f"http://127.0.0.1:{direct}/v2/users")).text == "ok"
            with pytest.raises(httpx.HTTPError):
                # Through the proxy with CONNECT; this proxy does not tunnel, so it fails.
                await http.get("https://api.zoom.invalid/v2/users")

    assert seen_by_proxy[0] == b"GET http://zoom.invalid/v2/users HTTP/1.1"
    assert seen_by_proxy[1].startswith(b"CONNECT api.zoom.invalid:443 ")
    assert seen_direct == [b"GET /v2/users HTTP/1.1"]


async def test_tls_is_verified_against_certifis_bundle() -> None:
    transport = AiohttpTransport()
    try:
        session = transport._client()
        context = session.connector._ssl  # type: ignore[union-attr]
        assert isinstance(context, ssl.SSLContext)
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname is True
        expected = ssl.create_default_context(cafile=certifi.where())
        assert len(context.get_ca_certs()) == len(expected.get_ca_certs()) > 50
    finally:
        await transport.aclose()


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A key and a self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl: the openssl command (it makes the certificate) is not on PATH")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return key, cert


async def test_a_self_signed_server_is_refused_before_anything_is_sent(
    self_signed: tuple[Path, Path],
) -> None:
    key, cert = self_signed
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    requests: list[bytes] = []

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await read_head(reader))

    async with raw_server(record, ssl=server_tls) as port, client() as http:
        with pytest.raises(httpx.ConnectError):
            await http.post(f"https://127.0.0.1:{port}/x", json={})
    assert requests == []


async def test_a_closed_transport_does_not_open_a_new_session() -> None:
    async def ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        await writer.drain()

    transport = AiohttpTransport()
    async with raw_server(ok) as port:
        request = httpx.Request("GET", f"http://127.0.0.1:{port}/x")
        assert (await transport.handle_async_request(request)).status_code == 204
        session = transport._session
        await transport.aclose()
        with pytest.raises(RuntimeError, match="closed"):
            await transport.handle_async_request(request)
    assert transport._session is session
    assert session is not None and session.closed


def test_anything_else_aiohttp_lets_out_is_a_read_error() -> None:
    request = httpx.Request("POST", "http://127.0.0.1:1/v2/users/ada@example.com/meetings")
    for leftover in (ValueError("bad header /v2/users/ada@example.com"), RuntimeError("state")):
        with pytest.raises(httpx.ReadError) as caught, _httpx_errors(request):
            raise leftover
        assert type(leftover).__name__ in str(caught.value)
        assert "ada@" not in str(caught.value)


async def test_a_zoom_error_for_a_refused_connection_carries_no_email(
    fake_zoom: FakeZoom,
) -> None:
    # The token comes from the fake; the API's port refuses connections.
    zoom = ZoomClient(
        fake_zoom.account_id,
        fake_zoom.client_id,
        fake_zoom.client_secret,
        api_url=f"http://127.0.0.1:{closed_port()}/v2",
        oauth_url=fake_zoom.oauth_url,
        sleep=_no_wait,
    )
    try:
        with pytest.raises(ZoomUnavailable) as caught:
            await zoom.create_meeting("ada@example.com", MeetingRequest(topic="x"))
    finally:
        await zoom.aclose()
    assert caught.value.__cause__ is not None
    for link in _chain(caught.value):
        assert "ada@" not in str(link)
        assert "ada@" not in repr(link)


async def _no_wait(seconds: float) -> None:
    pass
