"""Keep secrets (the bot token, the webhook secret) out of every log line and traceback.

PTB and httpx put the token in request URLs, so any log record may carry it. ``hide_secrets``
registers the secrets and installs a log-record factory that scrubs each record as it is
created (message, arguments and the formatted traceback), so no handler, present or added
later (pytest's caplog too), ever sees them. ``SecretFilter`` does the same as a filter.
Records without a secret are left exactly as they were.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

MASK = "[REDACTED]"
NOISY_LOGGERS = ("httpx", "httpcore")
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by a mask."""
    for secret in _secrets:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text


class SecretFilter(logging.Filter):
    """A logging filter that rewrites a record so that no registered secret remains."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub ``record`` in place; never drops it."""
        if not _secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw message, scrubbed
            message = str(record.msg)
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            formatted = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            if scrub(formatted) != formatted:
                record.exc_text = scrub(formatted)
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_FILTER = SecretFilter()


def _install_factory() -> None:
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _FILTER.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def hide_secrets(*secrets: str | None) -> None:
    """Never log these strings; also quiets httpx's per-request lines (they show URLs)."""
    with _lock:
        _secrets.update(secret for secret in secrets if secret)
        _install_factory()
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
