"""Fetching a URL safely: one deadline, a size cap, bounded redirects, allowed types, SSRF guard.

Only http and https URLs are fetched, and (unless ``allow_private_urls`` is set) only from
public addresses: see ``ingest.guard``. Requests run with async httpx on an event loop of the
fetcher's own, under one deadline for the whole request; bodies are read raw and decompressed
with a bound (``ingest.decompress``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit
from urllib.request import proxy_bypass_environment

import httpcore
import httpx

from ingest.decompress import ACCEPT_ENCODING, BoundedDecoder, TooLarge
from ingest.errors import IngestError, NotAPage, PrivateAddress
from ingest.guard import RefusedAddress, guarded_transport, resolve_public
from ingest.guard import is_public_address as is_public_address  # re-exported
from ingest.url_checks import URL_MAX as URL_MAX  # re-exported
from ingest.url_checks import check_url, connect_failure, media_type, sniff_media_type

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
CLOSE_SECONDS = 2.0
T = TypeVar("T")

# What a user whose fetch was cut short by a restart is told.
STOPPED_BY_SHUTDOWN = (
    "The bot is shutting down, so the fetch was stopped. Please send it again in a minute."
)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How the bot fetches, from its settings: limits, User-Agent, proxy (and NO_PROXY)."""

    limits: FetchLimits = field(default_factory=FetchLimits)
    user_agent: str = USER_AGENT
    proxy: str | None = None
    no_proxy: str = ""


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
        no_proxy: str = "",
    ) -> None:
        self.allow_private_urls = allow_private_urls
        self.limits = limits or FetchLimits()
        self.user_agent = user_agent or USER_AGENT
        self.proxy = proxy or None
        self.no_proxy = no_proxy
        self._closed = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="fetch-loop", daemon=True
        )
        self._thread.start()
        self._direct = self._on_loop(self._make_client(None)).result()
        self._proxied = self._on_loop(self._make_client(self.proxy)).result() if proxy else None

    @classmethod
    def from_options(cls, options: FetchOptions, *, allow_private_urls: bool = False) -> Fetcher:
        """A fetcher configured by the bot's settings."""
        return cls(
            allow_private_urls=allow_private_urls,
            limits=options.limits,
            user_agent=options.user_agent,
            proxy=options.proxy,
            no_proxy=options.no_proxy,
        )

    async def _make_client(self, proxy: str | None) -> httpx.AsyncClient:
        timeout = httpx.Timeout(
            self.limits.read_timeout,
            connect=self.limits.connect_timeout,
            read=self.limits.read_timeout,
        )
        return httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            transport=guarded_transport(self.allow_private_urls, proxy),
            trust_env=False,
        )

    def _client_for(self, host: str) -> httpx.AsyncClient:
        if self._proxied is None:
            return self._direct
        if self.no_proxy and proxy_bypass_environment(host, {"no": self.no_proxy}):
            return self._direct
        return self._proxied

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
        await self._direct.aclose()
        if self._proxied is not None:
            await self._proxied.aclose()

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
            raise _too_long(url, self.limits) from None
        except concurrent.futures.CancelledError:
            raise IngestError(STOPPED_BY_SHUTDOWN, code="fetch.shutdown") from None

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
            raise IngestError(STOPPED_BY_SHUTDOWN, code="fetch.shutdown") from None

    def _submit(
        self, url: str, accept: frozenset[str], headers: Mapping[str, str] | None
    ) -> concurrent.futures.Future[FetchResult]:
        checked = check_url(url)
        if self._closed:
            raise IngestError(
                "The fetcher is closed (the bot is shutting down).", code="fetch.closed"
            )
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
            raise _too_long(current, self.limits) from None
        raise IngestError(
            f"Too many redirects (more than {self.limits.max_redirects}).",
            code="fetch.redirects",
            limit=self.limits.max_redirects,
        )

    async def _fetch_once(
        self, url: str, accept: frozenset[str], headers: Mapping[str, str]
    ) -> FetchResult | str:
        parts = urlsplit(url)
        host = parts.hostname or url
        client = self._client_for(host)
        try:
            if client is self._proxied and not self.allow_private_urls:
                # The proxy resolves the name itself: check it here, before the request.
                await resolve_public(host, parts.port or (443 if parts.scheme == "https" else 80))
            async with client.stream("GET", url, headers=dict(headers)) as response:
                if response.status_code in REDIRECT_CODES:
                    location = response.headers.get("location", "").strip()
                    if not location:
                        raise IngestError(
                            f"The server answered {response.status_code} without a new address.",
                            code="fetch.redirect_nowhere",
                            status=response.status_code,
                        )
                    return location
                if response.status_code == 304:
                    return FetchResult(url, 304, "", None, b"", dict(response.headers))
                if response.status_code >= 400:
                    reason = response.reason_phrase or "error"
                    raise IngestError(
                        f"The server answered {response.status_code} {reason}.",
                        code="fetch.http_error",
                        status=response.status_code,
                        reason=reason,
                    )
                if response.status_code != 200:
                    raise IngestError(
                        f"The server answered {response.status_code} instead of a page.",
                        code="fetch.http_status",
                        status=response.status_code,
                    )
                return await self._read_body(response, accept)
        except RefusedAddress as refused:
            raise PrivateAddress(
                f"Refusing to fetch {refused.host}: it resolves to a private or local address "
                f"({refused.address}).",
                refused.host,
                str(refused.address),
            ) from None
        except httpx.TimeoutException:
            raise IngestError(
                f"{host} took too long to answer (timed out).", code="fetch.timeout", host=host
            ) from None
        except httpx.InvalidURL:
            raise IngestError("That is not a valid URL.", code="fetch.invalid_url") from None
        except (httpx.HTTPError, httpcore.ConnectError) as error:
            raise connect_failure(host, error) from None

    async def _read_body(self, response: httpx.Response, accept: frozenset[str]) -> FetchResult:
        limit = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise IngestError(
                f"The page is too large (over {limit / 1024 / 1024:g} MB).",
                code="fetch.too_large",
                megabytes=limit / 1024 / 1024,
            )
        media, charset = media_type(response.headers.get("content-type", ""))
        if media and media not in accept:
            raise NotAPage(f"That link is not a web page or text (it is {media[:60]}).", media)
        # Raw bytes, decoded here with a bound (httpx would inflate a whole chunk at once).
        decoder = BoundedDecoder(response.headers.get("content-encoding", ""), limit)
        chunks: list[bytes] = []
        received = 0
        async for raw in response.aiter_raw():
            received += len(raw)
            if received > limit:
                raise TooLarge(
                    f"The page is too large (over {limit / 1024 / 1024:g} MB).",
                    code="fetch.too_large",
                    megabytes=limit / 1024 / 1024,
                )
            chunks.append(decoder.feed(raw))
        chunks.append(decoder.finish())
        content = b"".join(chunks)
        if not media:
            media = sniff_media_type(content)
            if media not in accept:
                what = f"it is {media}" if media else "unknown content type"
                raise NotAPage(f"That link is not a web page or text ({what}).", media)
        return FetchResult(str(response.url), 200, media, charset, content, dict(response.headers))


def _too_long(url: str, limits: FetchLimits) -> IngestError:
    host = urlsplit(url).hostname or url
    return IngestError(
        f"{host} took too long to answer (over {limits.total_timeout:g} s in all).",
        code="fetch.too_slow",
        host=host,
        seconds=limits.total_timeout,
    )
