"""The fake Bot API's inline mode refuses what Telegram refuses in answerInlineQuery."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.bot.telegram.test_fake_bot_api import call
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeUser

USER = FakeUser(88, "Ina")


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer() as running:
        yield running


def article(result_id: str = "a1", text: str = "<b>Hi</b> there", **extra: Any) -> dict[str, Any]:
    return {
        "type": "article",
        "id": result_id,
        "title": "Title",
        "input_message_content": {"message_text": text, "parse_mode": "HTML"},
        **extra,
    }


def test_an_inline_query_update_is_queued_and_its_answer_kept(server: BotApiServer) -> None:
    query_id = server.post_inline_query(USER, "gas prices")
    status, body = call(server, "getUpdates")
    assert status == 200
    [update] = body["result"]
    assert update["inline_query"] == {
        "id": query_id,
        "from": USER.to_dict(),
        "query": "gas prices",
        "offset": "",
        "chat_type": "sender",
    }
    button = {"text": "Open", "start_parameter": "inline"}
    status, body = call(
        server,
        "answerInlineQuery",
        inline_query_id=query_id,
        results=[article(reply_markup={"inline_keyboard": [[{"text": "x", "url": "https://e.x"}]]})],
        cache_time="30",
        is_personal="false",
        button=button,
    )
    assert (status, body["result"]) == (200, True)
    [answer] = server.inline_answers(query_id)
    assert answer.query == "gas prices" and answer.cache_time == 30 and not answer.is_personal
    assert answer.button == button
    [result] = answer.results
    assert result.text == "Hi there" and result.entities[0]["type"] == "bold"
    assert result.buttons == [{"text": "x", "url": "https://e.x"}]
    assert call(server, "answerInlineQuery", inline_query_id=query_id, results=[])[0] == 400


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"results": [article(f"id{n}") for n in range(51)]}, "RESULTS_TOO_MUCH"),
        ({"results": [article("same"), article("same")]}, "RESULT_ID_DUPLICATE"),
        ({"results": [article("x" * 65)]}, "RESULT_ID_INVALID"),
        ({"results": [article("")]}, "RESULT_ID_INVALID"),
        ({"results": [article(text="x" * 4097)]}, "MESSAGE_TOO_LONG"),
        ({"results": [article(text="<b>x" + "y" * 4095 + "</b>")]}, None),  # 4,096 after parsing
        ({"results": [article(text="<b></b>  ")]}, "MESSAGE_EMPTY"),
        ({"results": [article(text="AT&T")]}, "can't parse entities"),
        ({"results": [article(title=" ")]}, "RESULT_TITLE_EMPTY"),
        ({"results": [{"type": "photo", "id": "p"}]}, "RESULT_TYPE_INVALID"),
        (
            {"results": [article(reply_markup={"inline_keyboard": [[{"text": "no action"}]]})]},
            "can't parse inline keyboard button",
        ),
        ({"results": [article(reply_markup={"keyboard": [["a"]]})]}, "inline keyboard expected"),
        ({"results": [], "cache_time": -1}, "cache_time"),
        ({"results": [], "next_offset": "o" * 65}, "NEXT_OFFSET_INVALID"),
        ({"results": [], "button": {"text": "Go", "start_parameter": "bad param"}}, "START_PARAM"),
        ({"results": [], "button": {"text": "", "start_parameter": "ok"}}, "BUTTON_TEXT_INVALID"),
        ({"results": [], "switch_pm_text": "Go", "switch_pm_parameter": "x" * 65}, "START_PARAM"),
    ],
)
def test_answers_telegram_would_refuse_are_refused(
    server: BotApiServer, params: dict[str, Any], error: str | None
) -> None:
    query_id = server.post_inline_query(USER, "q")
    status, body = call(server, "answerInlineQuery", inline_query_id=query_id, **params)
    if error is None:
        assert status == 200, body
        return
    assert status == 400 and error in body["description"], body
    assert server.unanswered_inline_queries() == [query_id]  # a refused answer answers nothing


def test_an_unknown_query_id_is_too_old(server: BotApiServer) -> None:
    status, body = call(server, "answerInlineQuery", inline_query_id="nope", results=[])
    assert status == 400 and "query is too old" in body["description"]
