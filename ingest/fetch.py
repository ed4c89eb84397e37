"""Fetching a URL safely: timeouts, a size cap, bounded redirects, allowed types, an SSRF guard.

Only http and https URLs are fetched. Unless ``allow_private_urls`` is set, every address a
host name resolves to must be public: the check runs inside the connection itself (a custom
httpcore network backend resolves the name once, checks every address, then connects to the
checked address), so it also covers every redirect hop and cannot be dodged by DNS rebinding
between a check and the connect.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

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


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves once, refuses non-public addresses, then connects to the checked address."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[tuple[int, int, int | bytes]] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise httpcore.ConnectError(f"the host name does not resolve ({error})") from error
        addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            if not is_public_address(address):
                raise _RefusedAddress(host, address)
        last_error: Exception | None = None
        for address in dict.fromkeys(addresses):
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as error:
                last_error = error
        raise last_error or httpcore.ConnectError(f"no address for {host}")


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(trust_env=False)
        # httpx has no public hook for the network backend; swap the pool it built.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(),
        )


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
    """A shared, thread-safe HTTP client with newsbot's fetch rules."""

    def __init__(
        self, *, allow_private_urls: bool = False, limits: FetchLimits | None = None
    ) -> None:
        self.allow_private_urls = allow_private_urls
        self.limits = limits or FetchLimits()
        timeout = httpx.Timeout(
            self.limits.read_timeout,
            connect=self.limits.connect_timeout,
            read=self.limits.read_timeout,
        )
        transport = httpx.HTTPTransport(trust_env=False) if allow_private_urls else None
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            transport=transport or _GuardedTransport(),
            trust_env=False,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

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
        """GET ``url``, following checked redirects; IngestError with one clear line on failure."""
        current = check_url(url)
        started = time.monotonic()
        for _hop in range(self.limits.max_redirects + 1):
            result = self._fetch_once(current, accept, headers or {}, started)
            if isinstance(result, FetchResult):
                return result
            current = check_url(urljoin(current, result))
        raise IngestError(f"Too many redirects (more than {self.limits.max_redirects}).")

    def _fetch_once(
        self, url: str, accept: frozenset[str], headers: Mapping[str, str], started: float
    ) -> FetchResult | str:
        host = urlsplit(url).hostname or url
        try:
            with self._client.stream("GET", url, headers=dict(headers)) as response:
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
                return self._read_body(url, response, accept, started)
        except _RefusedAddress as refused:
            raise IngestError(
                f"Refusing to fetch {refused.host}: it resolves to a private or local address "
                f"({refused.address})."
            ) from None
        except httpx.TimeoutException:
            raise IngestError(f"{host} took too long to answer (timed out).") from None
        except httpx.TooManyRedirects:
            raise IngestError("Too many redirects.") from None
        except httpx.InvalidURL:
            raise IngestError("That is not a valid URL.") from None
        except httpx.DecodingError:
            raise IngestError(f"{host} sent a body that could not be decoded.") from None
        except httpx.HTTPError as error:
            reason = _connect_reason(error)
            raise IngestError(f"Could not fetch from {host}: {reason}.") from None

    def _read_body(
        self, url: str, response: httpx.Response, accept: frozenset[str], started: float
    ) -> FetchResult:
        limit = self.limits.max_bytes
        megabytes = f"{limit / 1024 / 1024:g} MB"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise IngestError(f"The page is too large (over {megabytes}).")
        media, charset = _media_type(response.headers.get("content-type", ""))
        if media and media not in accept:
            raise IngestError(f"That link is not a web page or text (it is {media[:60]}).")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise IngestError(f"The page is too large (over {megabytes}).")
            if time.monotonic() - started > self.limits.total_timeout:
                raise IngestError("The page took too long to download (timed out).")
            chunks.append(chunk)
        content = b"".join(chunks)
        if not media:
            media = _sniff(content)
            if media not in accept:
                raise IngestError("That link is not a web page or text (unknown content type).")
        return FetchResult(str(response.url), 200, media, charset, content, dict(response.headers))


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
