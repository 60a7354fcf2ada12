"""The transport under the Zoom client's `httpx.AsyncClient`, chosen in `default_transport`.

`AiohttpTransport` sends httpx requests through an aiohttp connection pool. Contract:

- The rest of the client speaks httpx only: its timeouts (pool, connect, read) are honoured
  and every failure is an `httpx.TransportError`.
- `httpx.ConnectError` / `httpx.ConnectTimeout` mean the request never left (safe to
  re-send); any failure after the connection was made is `ReadTimeout`,
  `RemoteProtocolError` or `ReadError` (Zoom may have acted). The no-duplicate create
  relies on this split.
- Error messages name the kind of failure and the host only, never the path or query (a
  Zoom path can carry a host's email); aiohttp's exception is not chained.
- HTTP(S)_PROXY / NO_PROXY are honoured as httpx honours them; TLS is verified against
  certifi's CA bundle, as httpx does.

Why aiohttp and not httpx's own transport: docs/decisions.md, "Zoom client transport".
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import aiohttp.helpers
import certifi
import httpx
import yarl

# Connections to Zoom at once: 64 queued a burst of creates 64 at a time (BENCHMARKS.md).
POOL_SIZE = 256

# Which transport `default_transport` builds: "aiohttp" (the default) or "httpx".
TRANSPORT_SETTING = "ZOOM_HTTP_TRANSPORT"


def default_transport() -> httpx.AsyncBaseTransport:
    """The transport of every `ZoomClient` that makes its own `httpx.AsyncClient`: `POOL_SIZE`
    connections, kept alive 30 s. `ZOOM_HTTP_TRANSPORT=httpx` picks httpx's own (to measure
    against); any value other than "aiohttp" or "httpx" is a `ValueError`."""
    kind = os.environ.get(TRANSPORT_SETTING, "aiohttp").strip().lower() or "aiohttp"
    if kind == "aiohttp":
        # httpcore checks every pooled connection on each request: most of the CPU under load.
        return AiohttpTransport(limit=POOL_SIZE)
    if kind == "httpx":
        limits = httpx.Limits(
            max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE, keepalive_expiry=30.0
        )
        return httpx.AsyncHTTPTransport(limits=limits)
    raise ValueError(f'{TRANSPORT_SETTING} must be "aiohttp" or "httpx", not {kind!r}')


# Headers aiohttp sets itself from the URL and body; passing httpx's too would send them twice.
_OWN_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})


@contextmanager
def _httpx_errors(request: httpx.Request) -> Iterator[None]:
    """aiohttp's exceptions as the httpx ones they mean, with messages free of the URL's path.

    aiohttp's exception is not chained (`from None`): its text carries the whole URL.
    """
    failure: tuple[type[httpx.TransportError], str, BaseException] | None = None
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:  # waiting for a pooled or new connection
        failure = (httpx.ConnectTimeout, "connect timeout", exc)
    except aiohttp.ClientConnectorError as exc:  # DNS, refused, TLS handshake: never sent
        failure = (httpx.ConnectError, "could not connect", exc)
    except TimeoutError as exc:  # aiohttp.ServerTimeoutError is one
        failure = (httpx.ReadTimeout, "read timeout", exc)
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
        failure = (httpx.RemoteProtocolError, "answer cut off", exc)
    except aiohttp.ClientResponseError as exc:  # a malformed answer
        failure = (httpx.RemoteProtocolError, "malformed answer", exc)
    except (aiohttp.ClientError, OSError) as exc:
        # A reset or broken pipe on an open connection: whether Zoom saw the request is
        # unknown, so it is never reported as "not sent".
        failure = (httpx.ReadError, "connection failed", exc)
    except (ValueError, RuntimeError) as exc:
        # Whatever else aiohttp lets out while sending or reading (a header it cannot parse,
        # a state it did not expect): the request may have gone out, so "maybe sent".
        failure = (httpx.ReadError, "connection failed", exc)
    if failure is not None:
        kind, what, exc = failure
        raise kind(_describe(what, exc, request), request=request) from None


def _describe(what: str, exc: BaseException, request: httpx.Request) -> str:
    """`what (ExceptionType[, errno]) talking to HOST`: never the path or query."""
    detail = type(exc).__name__
    errno = getattr(exc, "errno", None)
    if isinstance(errno, int):
        detail += f", errno {errno}"
    return f"{what} ({detail}) talking to {request.url.host}"


def _tls_context() -> ssl.SSLContext:
    # certifi's bundle, as httpx verifies by default: the same trust on every system.
    return ssl.create_default_context(cafile=certifi.where())


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests through an aiohttp session.

    `session`: an existing session to share (not closed by this transport); otherwise one is
    made on first use (it needs the running event loop) with at most `limit` connections.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        limit: int = 64,
        keepalive: float = 30.0,
    ) -> None:
        self._session = session
        self._owns_session = session is None
        self._limit = limit
        self._keepalive = keepalive
        self._closed = False
        self._proxies: dict[tuple[str, str], tuple[str | None, aiohttp.BasicAuth | None]] = {}

    def _client(self) -> aiohttp.ClientSession:
        """The session; made on first use. Raises RuntimeError once closed: a closed client
        must not quietly open a new pool that nobody will close."""
        if self._closed or (self._session is not None and self._session.closed):
            raise RuntimeError("AiohttpTransport is closed")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._limit, keepalive_timeout=self._keepalive, ssl=_tls_context()
                ),
                # httpx decides about cookies and redirects, not aiohttp.
                cookie_jar=aiohttp.DummyCookieJar(),
                # Proxies come from `_proxy_for` (see there), not from aiohttp's trust_env.
                trust_env=False,
            )
        return self._session

    def _proxy_for(self, url: httpx.URL) -> tuple[str | None, aiohttp.BasicAuth | None]:
        """HTTP(S)_PROXY and NO_PROXY for this scheme and host, as httpx honours them; looked
        up once per scheme and host (aiohttp's `trust_env` would do it per request)."""
        key = (url.scheme, url.host)
        if key not in self._proxies:
            try:
                proxy, auth = aiohttp.helpers.get_env_proxy_for_url(yarl.URL(str(url)))
            except LookupError:
                self._proxies[key] = (None, None)
            else:
                self._proxies[key] = (str(proxy), auth)
        return self._proxies[key]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's `connect` covers waiting for a pooled connection and making a new one.
            connect=_sum(timeouts.get("pool"), timeouts.get("connect")),
            sock_connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        headers = [
            (name, value)
            for name, value in request.headers.multi_items()
            if name.lower() not in _OWN_HEADERS
        ]
        body = await request.aread()
        session = self._client()
        proxy, proxy_auth = self._proxy_for(request.url)
        with _httpx_errors(request):
            answer = await session.request(
                request.method,
                str(request.url),
                proxy=proxy,
                proxy_auth=proxy_auth,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
                # httpx decodes the body from Content-Encoding itself.
                auto_decompress=False,
            )
        try:
            with _httpx_errors(request):
                content = await answer.read()
        finally:
            answer.release()
        return httpx.Response(
            answer.status,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.raw_headers],
            content=content,
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (answer.reason or "").encode(),
            },
        )

    async def aclose(self) -> None:
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()


def _sum(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None
