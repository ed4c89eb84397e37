"""Bytes of a text file to str: UTF-8 by default, or the Unicode encoding its byte-order mark names.

Editors on Windows save "Unicode" text as UTF-16 with a BOM, and many add a UTF-8 BOM; read
as plain UTF-8 the first is garbage and the second leaves U+FEFF at the start of the title.
"""

from __future__ import annotations

import codecs

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Decode a text file's bytes (BOM-aware; undecodable bytes become U+FFFD)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")
