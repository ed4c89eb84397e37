"""Checks the fake Bot API applies like Telegram: keyboards, commands, secrets, and errors.

``ApiError`` carries Telegram's error shape; the checks raise it with Telegram's wording.
"""

from __future__ import annotations

import re
from typing import Any

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_BOT_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")
INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


class ApiError(Exception):
    """An error answer: HTTP status = error_code, Telegram's description and parameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.injected = False

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button: object expected")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(
            400, "Bad Request: can't parse inline keyboard button: Text must be non-empty"
        )
    actions = [key for key in button if key in INLINE_ACTIONS]
    if len(actions) != 1:
        raise ApiError(
            400,
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
            raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


def _check_rows(rows: Any, name: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(
            400,
            f"Bad Request: can't parse reply keyboard markup JSON object: "
            f'field "{name}" must be an Array of Arrays',
        )
    if sum(len(row) for row in rows) > 100:
        raise ApiError(400, "Bad Request: too many buttons")
    return rows


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Validate a reply_markup object; returns it (None when absent)."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for row in _check_rows(markup["inline_keyboard"], "inline_keyboard"):
            for button in row:
                _check_inline_button(button)
        return markup
    if inline_only:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if "keyboard" in markup:
        for row in _check_rows(markup["keyboard"], "keyboard"):
            for button in row:
                if not (isinstance(button, str) and button) and not (
                    isinstance(button, dict) and button.get("text")
                ):
                    raise ApiError(400, "Bad Request: can't parse keyboard button")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise ApiError(400, 'Bad Request: can\'t find field "inline_keyboard"')


def check_commands(commands: Any) -> list[dict[str, str]]:
    """Validate setMyCommands' list; returns it as given."""
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError(400, "Bad Request: commands must be an array of at most 100 BotCommand")
    for item in commands:
        if not isinstance(item, dict):
            raise ApiError(400, "Bad Request: can't parse BotCommand")
        if not _COMMAND_NAME.fullmatch(str(item.get("command", ""))):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        description = item.get("description")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise ApiError(400, "Bad Request: command description must be non-empty")
    return [{"command": c["command"], "description": c["description"]} for c in commands]


def check_secret_token(secret: str) -> None:
    """A webhook secret is 1-256 characters of A-Z, a-z, 0-9, _ and -."""
    if not _SECRET.fullmatch(secret):
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities as Telegram marks them in an incoming text (UTF-16 offsets)."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_length(text[: match.start()]),
            "length": _utf16_length(match.group(0)),
        }
        for match in _BOT_COMMAND.finditer(text)
    ]
