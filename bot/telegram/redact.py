"""Keep secrets (the bot token, the webhook secret, URL credentials) out of logs and messages.

PTB and httpx put the token in request URLs, so any log record may carry it. ``hide_secrets``
registers the secrets and installs a log-record factory that scrubs each record as it is
created (message, arguments and the formatted traceback), so no handler, present or added
later (pytest's caplog too), ever sees them. ``SecretFilter`` does the same as a filter.
Records without a secret are left exactly as they were.

``mask_credentials`` is the one helper for URLs: the ``user:password@`` of any URL in a text
(TELEGRAM_API_URL, DATABASE_URL, a proxy URL) becomes ``user:***@``. ``scrub`` applies it, so every
log record and every start-up error printed through ``scrub`` shows no credentials;
``hide_url_credentials`` also registers the passwords themselves (a driver may quote one
outside its URL).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import traceback
from typing import Any
from urllib.parse import unquote, urlsplit

MASK = "[REDACTED]"
URL_CREDENTIALS_MASK = "***"
PROXY_VARIABLES = (
    "NEWSBOT_PROXY",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)
# scheme://userinfo@ : the userinfo runs to the last '@' before the path, so a password with a
# raw '@' in it is masked whole.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s/?#]*)@")
NOISY_LOGGERS = ("httpx", "httpcore")
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def _masked_userinfo(match: re.Match[str]) -> str:
    scheme, userinfo = match.group(1), match.group(2)
    user, colon, _password = userinfo.partition(":")
    # user:password keeps the user (it names the account); a lone userinfo may be a token.
    shown = f"{user}:{URL_CREDENTIALS_MASK}" if colon and user else URL_CREDENTIALS_MASK
    return f"{scheme}{shown}@"


def mask_credentials(text: str) -> str:
    """``text`` with the credentials of every URL in it masked: ``scheme://user:***@host/...``
    (``scheme://***@host`` when the URL carries a token alone)."""
    if "@" not in text:
        return text
    return _URL_USERINFO.sub(_masked_userinfo, text)


def scrub(text: str) -> str:
    """``text`` with every registered secret and every URL's credentials masked."""
    for secret in _secrets:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return mask_credentials(text)


class SecretFilter(logging.Filter):
    """A logging filter that rewrites a record so that no registered secret remains."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub ``record`` in place; never drops it."""
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


def hide_url_credentials(*urls: str | None) -> None:
    """Never log the passwords of these URLs (nor those of the proxy variables), even alone."""
    candidates = [*urls, *(os.environ.get(name) for name in PROXY_VARIABLES)]
    passwords: list[str] = []
    for url in candidates:
        try:
            password = urlsplit(url or "").password
        except ValueError:  # an unparsable URL: the regex still masks it in any text
            continue
        if password and len(password) >= 4:  # a shorter one would mask ordinary words
            passwords += [password, unquote(password)]
    hide_secrets(*passwords)
