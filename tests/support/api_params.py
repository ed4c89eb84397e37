"""Decoding Bot API parameters the way Telegram does: form strings become ints, bools, JSON.

PTB sends form bodies whose complex values are JSON strings and whose strings are raw; a JSON
body arrives already typed. ``normalize_params`` gives both the same typed shape.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.support.validation import ApiError

INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "message_thread_id",
        "max_connections",
        "cache_time",
        "user_id",
        "from_chat_id",
    }
)
BOOL_FIELDS = frozenset(
    {
        "disable_web_page_preview",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "show_alert",
        "drop_pending_updates",
        "allow_paid_broadcast",
        "is_personal",
    }
)
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "results",
        "button",
    }
)
_INTEGER = re.compile(r"-?\d{1,20}")


def _to_int(name: str, value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    raise ApiError(400, f"Bad Request: invalid {name} specified")


def _to_number(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid {name} specified") from None


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value)


def _to_json(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None


def normalize_params(params: dict[str, Any]) -> dict[str, Any]:
    """Typed parameters: chat_id and counters as ints, flags as bools, objects decoded."""
    typed: dict[str, Any] = {}
    for name, value in params.items():
        if name == "chat_id":
            text = str(value).strip()
            typed[name] = int(text) if _INTEGER.fullmatch(text) else text
        elif name == "timeout":
            typed[name] = _to_number(name, value)
        elif name in INT_FIELDS:
            typed[name] = _to_int(name, value)
        elif name in BOOL_FIELDS:
            typed[name] = _to_bool(value)
        elif name in JSON_FIELDS:
            typed[name] = _to_json(name, value)
        else:
            typed[name] = value
    return typed
