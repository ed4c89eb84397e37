"""Making text from outside valid Unicode before the core sees it (the adapters call this).

JSON may carry a lone UTF-16 surrogate (``"\\ud83d"``) and Python keeps it in a ``str``, but
no UTF-8 encoder accepts it: the database driver, the HTTP client sending the reply and the
terminal all fail on it. Each adapter passes every text it takes in (message text, names,
titles, button data) through ``valid_text`` so that such a character becomes U+FFFD, the
replacement character, and the rest of the text is answered as usual.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (unchanged when there is none)."""
    return _LONE_SURROGATE.sub(REPLACEMENT, text)


def valid_optional(text: str | None) -> str | None:
    """``valid_text`` for a text that may be missing."""
    return None if text is None else valid_text(text)
