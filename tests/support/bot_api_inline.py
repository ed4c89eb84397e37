"""Inline mode in the fake Bot API: users' inline queries and answerInlineQuery, checked.

A mixin of ``BotApiServer``. ``post_inline_query(user, "words")`` queues the ``inline_query``
update Telegram sends while someone types ``@bot words``; the bot's answerInlineQuery is
checked the way Telegram checks it (https://core.telegram.org/bots/api#answerinlinequery):

- the query id is one the server issued and has not been answered yet;
- at most 50 results, each with a unique id of 1-64 bytes;
- ``article`` results (the only kind this fake knows; others are refused) need a title and an
  ``input_message_content`` whose ``message_text`` is 1-4,096 characters after entity parsing
  and valid HTML when ``parse_mode`` is HTML; ``reply_markup`` is an inline keyboard;
- ``cache_time`` is a non-negative integer, ``next_offset`` at most 64 bytes, and ``button``
  has a text and a ``start_parameter`` of 1-64 characters of ``A-Z a-z 0-9 _ -``.

Each accepted answer is kept as an ``InlineAnswer`` (``inline_answers()``), with every
result's message as the chat would show it (plain text and entities) when the user picks it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_telegram import FakeUser
from tests.support.validation import ApiError, check_reply_markup

MAX_RESULTS = 50
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True, slots=True)
class InlineResult:
    """One accepted article result: what the list shows and the message a pick sends."""

    id: str
    title: str
    description: str | None
    text: str  # the message's plain text after entity parsing
    html: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    raw: dict[str, Any]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The message's inline keyboard buttons, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """An accepted answerInlineQuery."""

    inline_query_id: str
    query: str
    user_id: int
    results: list[InlineResult]
    cache_time: int | None
    is_personal: bool
    next_offset: str
    button: dict[str, Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)


class InlineQueries:
    """post_inline_query, inline_answers, and the answerInlineQuery method."""

    _open_inline_queries: dict[str, dict[str, Any]]
    _inline_answers: list[InlineAnswer]
    _inline_ids: itertools.count[int]
    max_text_length: int

    def post_inline_query(
        self, user: FakeUser, query: str, *, offset: str = "", chat_type: str = "sender"
    ) -> str:
        """``user`` types ``@bot <query>``; returns the inline query id to answer."""
        with self._lock:  # type: ignore[attr-defined]
            query_id = f"iq{next(self._inline_ids)}"
            self._open_inline_queries[query_id] = {"user_id": user.id, "query": query}
        self.post_update(  # type: ignore[attr-defined]
            {
                "inline_query": {
                    "id": query_id,
                    "from": user.to_dict(),
                    "query": query,
                    "offset": offset,
                    "chat_type": chat_type,
                }
            }
        )
        return query_id

    def inline_answers(self, query_id: str | None = None) -> list[InlineAnswer]:
        """Every accepted answer (to ``query_id`` only, when given), in order."""
        with self._lock:  # type: ignore[attr-defined]
            return [
                answer
                for answer in self._inline_answers
                if query_id is None or answer.inline_query_id == query_id
            ]

    def unanswered_inline_queries(self) -> list[str]:
        """The ids of inline queries the bot has not answered."""
        with self._lock:  # type: ignore[attr-defined]
            return list(self._open_inline_queries)

    # ------------------------------------------------------------------ the method
    def _api_answerinlinequery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("inline_query_id", ""))
        query = self._open_inline_queries.get(query_id)
        if query is None:
            raise ApiError(400, _TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > MAX_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        seen: set[str] = set()
        checked = [self._check_result(result, seen) for result in results]
        cache_time = params.get("cache_time")
        if cache_time is not None and (not isinstance(cache_time, int) or cache_time < 0):
            raise ApiError(400, "Bad Request: invalid cache_time specified")
        next_offset = str(params.get("next_offset") or "")
        if len(next_offset.encode("utf-8")) > 64:
            raise ApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        button = self._check_button(params)
        del self._open_inline_queries[query_id]
        self._inline_answers.append(
            InlineAnswer(
                query_id,
                query["query"],
                query["user_id"],
                checked,
                cache_time,
                bool(params.get("is_personal")),
                next_offset,
                button,
                params,
            )
        )
        return True

    def _check_result(self, result: Any, seen: set[str]) -> InlineResult:
        if not isinstance(result, dict):
            raise ApiError(400, "Bad Request: can't parse inline query result")
        if result.get("type") != "article":
            raise ApiError(400, "Bad Request: RESULT_TYPE_INVALID (this fake knows articles)")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        if result_id in seen:
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        seen.add(result_id)
        title = result.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
        description = result.get("description")
        if description is not None and not isinstance(description, str):
            raise ApiError(400, "Bad Request: can't parse inline query result description")
        content = result.get("input_message_content")
        if not isinstance(content, dict) or "message_text" not in content:
            raise ApiError(400, "Bad Request: MESSAGE_EMPTY")
        try:
            text, entities, parse_mode = self._parse_text(  # type: ignore[attr-defined]
                {"text": content["message_text"], "parse_mode": content.get("parse_mode")}
            )
        except ApiError as error:
            if "too long" in error.description:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG") from None
            if "empty" in error.description:
                raise ApiError(400, "Bad Request: MESSAGE_EMPTY") from None
            raise
        markup = check_reply_markup(result.get("reply_markup"), inline_only=True)
        url = result.get("url")
        if url is not None and (not isinstance(url, str) or not re.match(r"^https?://\S+$", url)):
            raise ApiError(400, "Bad Request: RESULT_URL_INVALID")
        html = content["message_text"] if (parse_mode or "").lower() == "html" else None
        return InlineResult(result_id, title, description, text, html, entities, markup, result)

    @staticmethod
    def _check_button(params: dict[str, Any]) -> dict[str, Any] | None:
        button = params.get("button")
        if button is None and params.get("switch_pm_text"):  # the older pair of fields
            button = {
                "text": params.get("switch_pm_text"),
                "start_parameter": params.get("switch_pm_parameter"),
            }
        if button is None:
            return None
        if not isinstance(button, dict):
            raise ApiError(400, "Bad Request: can't parse InlineQueryResultsButton")
        text = button.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
        start = button.get("start_parameter")
        if "web_app" not in button and (
            not isinstance(start, str) or not _START_PARAMETER.fullmatch(start)
        ):
            raise ApiError(400, "Bad Request: START_PARAM_INVALID")
        return button
