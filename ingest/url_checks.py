"""What the fetcher checks on its own, without a request: a URL's form, a body's media type,
and why a connection failed (ingest/fetch.py does the fetching).
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpcore
import httpx

from ingest.errors import IngestError

URL_MAX = 2048


def check_url(url: str) -> str:
    """Return the stripped URL if it is a well-formed http(s) URL, else raise IngestError."""
    candidate = (url or "").strip()
    if not candidate:
        raise IngestError("No URL given.", code="fetch.no_url")
    if len(candidate) > URL_MAX:
        raise IngestError(
            f"That URL is too long (at most {URL_MAX} characters).",
            code="fetch.url_too_long",
            limit=URL_MAX,
        )
    if any(char.isspace() or ord(char) < 32 for char in candidate):
        raise IngestError(
            "That is not a valid URL (it contains spaces or control characters).",
            code="fetch.url_spaces",
        )
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        raise IngestError("That is not a valid URL.", code="fetch.invalid_url") from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise IngestError(
            "That is not a valid URL: links start with http:// or https://.",
            code="fetch.no_scheme",
        )
    if scheme not in {"http", "https"}:
        raise IngestError(
            f"Only http and https links can be fetched (not {scheme}:).",
            code="fetch.scheme",
            scheme=scheme[:20],
        )
    if not parts.hostname:
        raise IngestError("That is not a valid URL: it has no host name.", code="fetch.no_host")
    if port == 0:
        raise IngestError("That is not a valid URL: port 0.", code="fetch.port_zero")
    return candidate


def media_type(header: str) -> tuple[str, str | None]:
    """The media type (lower case) and charset of a Content-Type header."""
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


# Files served without a Content-Type, told by their first bytes (so the answer can name them).
_MAGIC = (
    (b"%pdf-", "application/pdf"),
    (b"\x89png", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"gif8", "image/gif"),
)


def sniff_media_type(content: bytes) -> str:
    """The media type told by a body's first bytes, or "" (for bodies served without a type)."""
    head = content[:512].lstrip().lower()
    for magic, media in _MAGIC:
        if head.startswith(magic):
            return media
    if head.startswith(b"riff") and head[8:12] == b"webp":
        return "image/webp"
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<rdf")):
        return "application/xml"
    return ""


def connect_failure(host: str, error: httpx.HTTPError | httpcore.ConnectError) -> IngestError:
    """Could not fetch from the host: a name that does not resolve and a refused connection
    get codes of their own (said in the reader's language); anything else keeps its text."""
    reason = connect_reason(error)
    code = {
        NO_SUCH_HOST: "fetch.no_such_host",
        CONNECTION_REFUSED: "fetch.refused",
    }.get(reason, "fetch.connect")
    return IngestError(
        f"Could not fetch from {host}: {reason}.", code=code, host=host, reason=reason
    )


NO_SUCH_HOST = "the host name does not resolve"
CONNECTION_REFUSED = "the connection was refused"


def connect_reason(error: httpx.HTTPError | httpcore.ConnectError) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return NO_SUCH_HOST
        # httpx says only "All connection attempts failed"; the refusal is further down.
        if isinstance(cause, ConnectionRefusedError):
            return CONNECTION_REFUSED
        cause = cause.__cause__ or cause.__context__
    text = str(error).strip()
    if "does not resolve" in text:
        return NO_SUCH_HOST
    if "Name or service not known" in text or "nodename nor servname" in text:
        return NO_SUCH_HOST
    if "Connection refused" in text:
        return CONNECTION_REFUSED
    return text.splitlines()[0][:120] if text else type(error).__name__
