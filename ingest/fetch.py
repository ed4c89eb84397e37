"""Fetching a URL safely: timeouts, a size cap, bounded redirects, allowed types, an SSRF guard.

Only http and https URLs are fetched. Unless ``allow_private_urls`` is set, every address a
host name resolves to must be public: the check runs inside the connection itself (a custom
httpcore network backend resolves the name once, checks every address, then connects to the
checked address), so it also covers every redirect hop and cannot be dodged by DNS rebinding
between a check and the connect.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import logging
import socket
import threading
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from ingest.decompress import ACCEPT_ENCODING, BoundedDecoder, TooLarge
from ingest.errors import IngestError

logger = logging.getLogger(__name__)

USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot; news summaries)"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/xml",
        "text/xml",
        "text/html",
        "text/plain",
        "application/x-rss+xml",
        "application/octet-stream",
    }
)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
URL_MAX = 2048
CLOSE_SECONDS = 2.0
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched resource (or a 304 answer, with empty content)."""

    url: str
    status: int
    content_type: str
    charset: str | None
    content: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request."""
        return self.status == 304

    def text(self) -> str:
        """The content decoded with the declared charset, else UTF-8 (bad bytes replaced)."""
        for encoding in (self.charset, "utf-8"):
            if not encoding:
                continue
            try:
                return self.content.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
        return self.content.decode("utf-8", errors="replace")


class _RefusedAddress(Exception):
    """Raised inside the connection when a host resolves to a non-public address."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}")
        self.host = host
        self.address = address


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, reserved, multicast and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


async def _resolve_public(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, all of them public; _RefusedAddress otherwise."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise httpcore.ConnectError(f"the host name does not resolve ({error})") from error
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not is_public_address(address):
            raise _RefusedAddress(host, address)
    return list(dict.fromkeys(addresses))


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves once, refuses non-public addresses, then connects to the checked address."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[tuple[int, int, int | bytes]] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        last_error: Exception | None = None
        for address in await _resolve_public(host, port):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as error:
                last_error = error
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[tuple[int, int, int | bytes]] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _transport(allow_private_urls: bool, proxy: str | None) -> httpx.AsyncHTTPTransport:
    if proxy:
        # The proxy resolves and connects; the guard checks each host before the request.
        return httpx.AsyncHTTPTransport(trust_env=False, proxy=proxy)
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    if not allow_private_urls:
        # httpx has no public hook for the network backend; swap the pool it built.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(),
        )
    return transport


def check_url(url: str) -> str:
    """Return the stripped URL if it is a well-formed http(s) URL, else raise IngestError."""
    candidate = (url or "").strip()
    if not candidate:
        raise IngestError("No URL given.")
    if len(candidate) > URL_MAX:
        raise IngestError(f"That URL is too long (at most {URL_MAX} characters).")
    if any(char.isspace() or ord(char) < 32 for char in candidate):
        raise IngestError("That is not a valid URL (it contains spaces or control characters).")
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        raise IngestError("That is not a valid URL.") from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise IngestError("That is not a valid URL: links start with http:// or https://.")
    if scheme not in {"http", "https"}:
        raise IngestError(f"Only http and https links can be fetched (not {scheme}:).")
    if not parts.hostname:
        raise IngestError("That is not a valid URL: it has no host name.")
    if port == 0:
        raise IngestError("That is not a valid URL: port 0.")
    return candidate


def _media_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _sniff(content: bytes) -> str:
    head = content[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<rdf")):
        return "application/xml"
    return ""


class Fetcher:
    """A shared, thread-safe HTTP client with newsbot's fetch rules.

    Requests run on an event loop of the fetcher's own (one daemon thread) with async httpx,
    so the whole request (connect, headers, body, every redirect hop) runs under one
    ``asyncio.timeout``: a server that drips its headers a byte at a time, which no per-read
    timeout ever catches, is cut at ``total_timeout`` and its connection closed. ``fetch`` is
    for threads (the ingestion pipeline), ``fetch_async`` for any event loop; ``close``
    cancels whatever is in flight.
    """

    def __init__(
        self,
        *,
        allow_private_urls: bool = False,
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
        proxy: str | None = None,
    ) -> None:
        self.allow_private_urls = allow_private_urls
        self.limits = limits or FetchLimits()
        self.user_agent = user_agent
        self.proxy = proxy or None
        self._closed = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="fetch-loop", daemon=True
        )
        self._thread.start()
        self._client = self._on_loop(self._make_client()).result()

    async def _make_client(self) -> httpx.AsyncClient:
        timeout = httpx.Timeout(
            self.limits.read_timeout,
            connect=self.limits.connect_timeout,
            read=self.limits.read_timeout,
        )
        return httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            transport=_transport(self.allow_private_urls, self.proxy),
            trust_env=False,
        )

    def _on_loop(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def close(self) -> None:
        """Cancel fetches in flight, close the connections and stop the fetch loop."""
        if self._closed:
            return
        self._closed = True
        try:
            self._on_loop(self._shutdown()).result(CLOSE_SECONDS)
        except (concurrent.futures.TimeoutError, RuntimeError):
            logger.warning("the fetch loop did not stop cleanly")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(CLOSE_SECONDS)
        if not self._thread.is_alive():
            self._loop.close()

    async def _shutdown(self) -> None:
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self._client.aclose()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        *,
        accept: frozenset[str] = PAGE_TYPES,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """GET ``url``, following checked redirects; IngestError with one clear line on failure.

        Blocks the calling thread (never the fetch loop's own) for at most the total timeout.
        """
        future = self._submit(url, accept, headers)
        try:
            # The deadline is enforced on the loop; the margin only covers scheduling.
            return future.result(self.limits.total_timeout + CLOSE_SECONDS)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise IngestError(_too_long(url, self.limits)) from None
        except concurrent.futures.CancelledError:
            raise IngestError("The fetch was cancelled (the bot is shutting down).") from None

    async def fetch_async(
        self,
        url: str,
        *,
        accept: frozenset[str] = PAGE_TYPES,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """``fetch`` for a coroutine on any event loop; cancelling it cancels the request."""
        future = self._submit(url, accept, headers)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or task.cancelling():
                raise  # our caller was cancelled: so be it
            # close() cancelled the request under us.
            raise IngestError("The fetch was cancelled (the bot is shutting down).") from None

    def _submit(
        self, url: str, accept: frozenset[str], headers: Mapping[str, str] | None
    ) -> concurrent.futures.Future[FetchResult]:
        checked = check_url(url)
        if self._closed:
            raise IngestError("The fetcher is closed (the bot is shutting down).")
        return self._on_loop(self._fetch(checked, accept, dict(headers or {})))

    async def _fetch(
        self, url: str, accept: frozenset[str], headers: dict[str, str]
    ) -> FetchResult:
        current = url
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                for _hop in range(self.limits.max_redirects + 1):
                    result = await self._fetch_once(current, accept, headers)
                    if isinstance(result, FetchResult):
                        return result
                    current = check_url(urljoin(current, result))
        except TimeoutError:
            raise IngestError(_too_long(current, self.limits)) from None
        raise IngestError(f"Too many redirects (more than {self.limits.max_redirects}).")

    async def _fetch_once(
        self, url: str, accept: frozenset[str], headers: Mapping[str, str]
    ) -> FetchResult | str:
        host = urlsplit(url).hostname or url
        try:
            if self.proxy and not self.allow_private_urls:
                await _resolve_public(host, urlsplit(url).port or 443)
            async with self._client.stream("GET", url, headers=dict(headers)) as response:
                if response.status_code in REDIRECT_CODES:
                    location = response.headers.get("location", "").strip()
                    if not location:
                        raise IngestError(
                            f"The server answered {response.status_code} without a new address."
                        )
                    return location
                if response.status_code == 304:
                    return FetchResult(url, 304, "", None, b"", dict(response.headers))
                if response.status_code >= 400:
                    reason = response.reason_phrase or "error"
                    raise IngestError(f"The server answered {response.status_code} {reason}.")
                if response.status_code != 200:
                    raise IngestError(
                        f"The server answered {response.status_code} instead of a page."
                    )
                return await self._read_body(response, accept)
        except _RefusedAddress as refused:
            raise IngestError(
                f"Refusing to fetch {refused.host}: it resolves to a private or local address "
                f"({refused.address})."
            ) from None
        except httpx.TimeoutException:
            raise IngestError(f"{host} took too long to answer (timed out).") from None
        except httpx.InvalidURL:
            raise IngestError("That is not a valid URL.") from None
        except (httpx.HTTPError, httpcore.ConnectError) as error:
            reason = _connect_reason(error)
            raise IngestError(f"Could not fetch from {host}: {reason}.") from None

    async def _read_body(self, response: httpx.Response, accept: frozenset[str]) -> FetchResult:
        limit = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise IngestError(f"The page is too large (over {limit / 1024 / 1024:g} MB).")
        media, charset = _media_type(response.headers.get("content-type", ""))
        if media and media not in accept:
            raise IngestError(f"That link is not a web page or text (it is {media[:60]}).")
        # Raw bytes, decoded here with a bound (httpx would inflate a whole chunk at once).
        decoder = BoundedDecoder(response.headers.get("content-encoding", ""), limit)
        chunks: list[bytes] = []
        received = 0
        async for raw in response.aiter_raw():
            received += len(raw)
            if received > limit:
                raise TooLarge(f"The page is too large (over {limit / 1024 / 1024:g} MB).")
            chunks.append(decoder.feed(raw))
        chunks.append(decoder.finish())
        content = b"".join(chunks)
        if not media:
            media = _sniff(content)
            if media not in accept:
                raise IngestError("That link is not a web page or text (unknown content type).")
        return FetchResult(str(response.url), 200, media, charset, content, dict(response.headers))


def _too_long(url: str, limits: FetchLimits) -> str:
    host = urlsplit(url).hostname or url
    return f"{host} took too long to answer (over {limits.total_timeout:g} s in all)."


def _connect_reason(error: httpx.HTTPError) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return "the host name does not resolve"
        cause = cause.__cause__ or cause.__context__
    text = str(error).strip()
    if "does not resolve" in text:
        return "the host name does not resolve"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "the host name does not resolve"
    if "Connection refused" in text:
        return "the connection was refused"
    return text.splitlines()[0][:120] if text else type(error).__name__
