"""Bounded decompression of an HTTP body: memory stays under the size cap whatever was sent.

httpx decodes a Content-Encoding a whole network chunk at a time, and the cap could only be
counted afterwards: 662 bytes of gzip inside gzip ("Content-Encoding: gzip, gzip") became
629 MB in one call. Here the raw bytes are fed to one ``zlib.decompressobj`` with
``max_length`` set to what is left of the cap, so no call ever produces more than the cap
plus one byte. Only gzip and deflate are asked for; stacked or other encodings are refused.
"""

from __future__ import annotations

import zlib

from ingest.errors import IngestError

ACCEPT_ENCODING = "gzip, deflate"
_GZIP = 16 + zlib.MAX_WBITS
_ZLIB = zlib.MAX_WBITS
_RAW_DEFLATE = -zlib.MAX_WBITS


class TooLarge(IngestError):
    """The body, once decompressed, would be larger than the cap."""


def content_codings(header: str) -> list[str]:
    """The codings of a Content-Encoding header, outermost last, without ``identity``."""
    codings = [part.strip().lower() for part in header.split(",")]
    return [coding for coding in codings if coding and coding != "identity"]


class BoundedDecoder:
    """Turns raw body chunks into at most ``limit`` bytes of content; TooLarge past that."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = content_codings(content_encoding)
        if len(codings) > 1:
            raise IngestError(
                "The server compressed the page several times over "
                f"(Content-Encoding: {', '.join(codings)[:60]}); refused.",
                code="fetch.stacked_encoding",
                codings=", ".join(codings)[:60],
            )
        coding = codings[0] if codings else ""
        if coding not in {"", "gzip", "x-gzip", "deflate"}:
            raise IngestError(
                f"The server used a compression I do not read ({coding[:30]}).",
                code="fetch.encoding",
                coding=coding[:30],
            )
        self.limit = limit
        self.produced = 0
        self._coding = coding
        self._first = True
        self._inflater: zlib._Decompress | None = None
        if coding in {"gzip", "x-gzip"}:
            self._inflater = zlib.decompressobj(_GZIP)
        elif coding == "deflate":
            self._inflater = zlib.decompressobj(_ZLIB)

    def feed(self, raw: bytes) -> bytes:
        """The content decoded from ``raw`` (no more than the room left under the cap)."""
        if self._inflater is None:
            return self._count(raw)
        if self._inflater.eof:
            return b""  # trailing bytes after the end of the stream are ignored
        room = self.limit - self.produced
        try:
            out = self._inflater.decompress(raw, room + 1)
        except zlib.error:
            if not (self._first and self._coding == "deflate"):
                raise IngestError(
                    "The server sent a compressed body that is damaged.", code="fetch.damaged"
                ) from None
            # "deflate" is often sent raw, without the zlib header (browsers accept both).
            self._inflater = zlib.decompressobj(_RAW_DEFLATE)
            out = self._decompress_raw(raw, room)
        self._first = False
        return self._count(out)

    def _decompress_raw(self, raw: bytes, room: int) -> bytes:
        assert self._inflater is not None
        try:
            return self._inflater.decompress(raw, room + 1)
        except zlib.error:
            raise IngestError(
                "The server sent a compressed body that is damaged.", code="fetch.damaged"
            ) from None

    def finish(self) -> bytes:
        """What is left once the body ended; IngestError if the stream was cut short."""
        if self._inflater is None:
            return b""
        if not self._inflater.eof and self._coding != "deflate":
            raise IngestError(
                "The server sent a compressed body that was cut short.", code="fetch.truncated"
            )
        # All input was consumed (a call that hit max_length would have raised TooLarge), so
        # flush only empties zlib's small internal buffer.
        return self._count(self._inflater.flush())

    def _count(self, out: bytes) -> bytes:
        self.produced += len(out)
        if self.produced > self.limit:
            raise TooLarge(
                f"The page is too large (over {self.limit / 1024 / 1024:g} MB).",
                code="fetch.too_large",
                megabytes=self.limit / 1024 / 1024,
            )
        return out
