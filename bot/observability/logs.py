"""Log setup from LOG_LEVEL and LOG_FORMAT, and the chat id and command of the current update.

``LOG_FORMAT=json`` writes one JSON object per line (time, level, logger, message, and
``chat_id`` / ``command`` when a handler is running: context variables set by the handler
wrapper, which asyncio tasks and ``asyncio.to_thread`` inherit). Every line passes through
``bot.telegram.redact.scrub`` once more, so a registered secret never reaches the output,
whatever the record carried.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.telegram.redact import SecretFilter, scrub

chat_id_var: ContextVar[int | None] = ContextVar("newsbot_chat_id", default=None)
command_var: ContextVar[str | None] = ContextVar("newsbot_command", default=None)
NOISY_LOGGERS = ("httpx", "httpcore", "alembic", "apscheduler", "tornado.access")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def set_update_context(chat_id: int | None, command: str | None) -> tuple[Token, Token]:
    """Tag the log lines of the current task (and what it starts) with chat and command."""
    return chat_id_var.set(chat_id), command_var.set(command)


def reset_update_context(tokens: tuple[Token, Token]) -> None:
    """Undo ``set_update_context``."""
    chat_id_var.reset(tokens[0])
    command_var.reset(tokens[1])


class ContextFilter(logging.Filter):
    """Copies the current chat id and command onto each record (None outside handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Never drops a record."""
        if not hasattr(record, "chat_id"):
            record.chat_id = chat_id_var.get()
        if not hasattr(record, "command"):
            record.command = command_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON: time (UTC, ISO 8601), level, logger, message, context, error."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        chat_id = getattr(record, "chat_id", None)
        command = getattr(record, "command", None)
        if chat_id is not None:
            entry["chat_id"] = chat_id
        if command:
            entry["command"] = command
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return scrub(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """The classic one-line text format, with chat and command appended when known."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """``time LEVEL logger: message [chat=.. command=..]``, scrubbed."""
        line = super().format(record)
        chat_id = getattr(record, "chat_id", None)
        command = getattr(record, "command", None)
        extras = []
        if chat_id is not None:
            extras.append(f"chat={chat_id}")
        if command:
            extras.append(f"command={command}")
        if extras:
            first, newline, rest = line.partition("\n")
            line = f"{first} [{' '.join(extras)}]{newline}{rest}"
        return scrub(line)


def configure_logging(
    level: str = "INFO", fmt: str = "text", *, stream: TextIO | None = None
) -> logging.Handler:
    """Replace the root logger's handlers with one that writes ``fmt`` lines at ``level``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(SecretFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_newsbot_owned", False):
            root.removeHandler(old)
    handler._newsbot_owned = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(getattr(logging, level, logging.INFO))
    # Libraries that log every request (with URLs that may hold the token) stay at WARNING
    # unless the operator asked for DEBUG.
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
    return handler
