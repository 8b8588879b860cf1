"""What a browser does over plain HTTP before the websocket: the document, its static assets
(through the browser's cache), the health and host-config probes; with a cookie jar, so a
sticky-session cookie set by HAProxy travels on every later request, as in a browser.

HTTP/1.1 on asyncio streams with h11 (already installed: uvicorn depends on it); keep-alive
connections, at most six per page load like Chromium's per-host limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import re
import zlib
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import h11

# Chromium opens at most six connections per host (HTTP/1.1).
CONNECTIONS_PER_PAGE = 6
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) qbank-load/1 (Streamlit protocol client)"
# the static files index.html names: its module script, module preloads, stylesheet, font, icon
ASSET = re.compile(r"""(?:src|href)="\./((?:static/[^"]+)|favicon\.png)\"""")


def decoded(response: Response) -> bytes:
    """The body as the browser reads it: HAProxy compresses (gzip) what the balancer sends; the
    bytes counted are the ones on the wire."""
    encoding = (response.header("content-encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(response.body)
    if encoding == "deflate":
        return zlib.decompress(response.body)
    return response.body


class HttpError(Exception):
    """A request that got no answer, or an answer a browser would treat as a failed load."""


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)


@dataclass
class CookieJar:
    """Name -> value for one host; enough for HAProxy's QBANKSRV and Streamlit's XSRF cookie."""

    cookies: dict[str, str] = field(default_factory=dict)

    def take(self, set_cookie_values: list[str]) -> None:
        for raw in set_cookie_values:
            parsed = SimpleCookie()
            parsed.load(raw)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def header(self) -> str | None:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items()) or None


class Connection:
    """One keep-alive HTTP/1.1 connection; reopened when the server closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._h11: h11.Connection | None = None

    async def _open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        self._h11 = h11.Connection(h11.CLIENT)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = self._h11 = None

    async def request(self, target: str, headers: list[tuple[str, str]]) -> Response:
        for attempt in (1, 2):  # a kept-alive connection the server dropped is retried once on a new one
            try:
                return await self._request(target, headers)
            except (OSError, h11.ProtocolError, asyncio.IncompleteReadError) as exc:
                await self.close()
                if attempt == 2:
                    raise HttpError(f"GET {target}: {type(exc).__name__}: {exc}") from None
        raise AssertionError("unreachable")

    async def _request(self, target: str, headers: list[tuple[str, str]]) -> Response:
        if self._h11 is None:
            await self._open()
        assert self._h11 is not None and self._reader is not None and self._writer is not None
        conn = self._h11
        request = h11.Request(method="GET", target=target, headers=[("Host", f"{self.host}:{self.port}"), *headers])
        self._writer.write(conn.send(request) + conn.send(h11.EndOfMessage()))
        await self._writer.drain()
        status, response_headers, body = 0, [], bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await self._reader.read(65536)
                conn.receive_data(data)
                if not data and conn.their_state is not h11.DONE:
                    raise OSError("connection closed by the server")
                continue
            if isinstance(event, h11.Response):
                status = event.status_code
                response_headers = [(k.decode().lower(), v.decode("latin-1")) for k, v in event.headers]
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise OSError("connection closed by the server")
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            conn.start_next_cycle()
        else:
            await self.close()
        return Response(status, response_headers, bytes(body))


@dataclass
class BrowserHttp:
    """The HTTP side of one browser profile: cookie jar and cache, bytes and requests counted."""

    base: str  # http://host:port
    jar: CookieJar = field(default_factory=CookieJar)
    cache: dict[str, str] = field(default_factory=dict)  # path -> ETag (documents) or "immutable" (hashed assets)
    document: str = ""  # the last index.html received
    requests: int = 0
    bytes_in: int = 0

    def __post_init__(self) -> None:
        parts = urlsplit(self.base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

    def _headers(self, extra: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
        headers = [("User-Agent", USER_AGENT), ("Accept-Encoding", "gzip, deflate, br"), ("Accept-Language", "zh-TW,zh;q=0.9")]
        cookie = self.jar.header()
        if cookie:
            headers.append(("Cookie", cookie))
        return headers + (extra or [])

    async def get(self, connection: Connection, target: str, extra: list[tuple[str, str]] | None = None) -> Response:
        response = await connection.request(target, self._headers(extra))
        self.requests += 1
        self.bytes_in += len(response.body)
        self.jar.take([v for k, v in response.headers if k == "set-cookie"])
        return response

    async def load_document(self, target: str, assets: bool) -> None:
        """The document at ``target`` (revalidated with its ETag when cached: Streamlit serves it
        ``no-cache``) and, when ``assets``, every static file it names that is not cached yet
        (hashed names, served ``immutable``: a reload asks for none of them again)."""
        pool = [Connection(self.host, self.port) for _ in range(CONNECTIONS_PER_PAGE)]
        try:
            path = urlsplit(target).path or "/"
            etag = self.cache.get(path)
            response = await self.get(pool[0], target, [("If-None-Match", etag)] if etag else None)
            if response.status not in (200, 304):
                raise HttpError(f"GET {target}: HTTP {response.status}")
            if response.status == 200:
                if response.header("etag"):
                    self.cache[path] = response.header("etag") or ""
                self.document = decoded(response).decode("utf-8", "replace")
            if not assets:
                return
            base = path.rsplit("/", 1)[0]
            wanted = [f"{base}/{name}" for name in dict.fromkeys(ASSET.findall(self.document))]
            if not wanted:  # never measure a page load that silently fetched no static file
                raise HttpError(f"GET {target}: the document names no static file")
            missing = [w for w in wanted if w not in self.cache]
            queue: asyncio.Queue[str] = asyncio.Queue()
            for w in missing:
                queue.put_nowait(w)

            async def fetch(connection: Connection) -> None:
                while not queue.empty():
                    asset = queue.get_nowait()
                    got = await self.get(connection, asset)
                    if got.status != 200:
                        raise HttpError(f"GET {asset}: HTTP {got.status}")
                    self.cache[asset] = "immutable"

            await asyncio.gather(*(fetch(c) for c in pool))
        finally:
            await asyncio.gather(*(c.close() for c in pool))

    async def probe(self) -> bool:
        """The frontend's connection check: /_stcore/health and /_stcore/host-config, in parallel;
        True when both answer 200."""
        first, second = Connection(self.host, self.port), Connection(self.host, self.port)
        try:
            health, config = await asyncio.gather(self.get(first, "/_stcore/health"), self.get(second, "/_stcore/host-config"))
        except HttpError:
            return False
        finally:
            await asyncio.gather(first.close(), second.close())
        return health.status == 200 and config.status == 200
