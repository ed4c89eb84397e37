"""Adapter paths the stock commands rarely take: a button reply that edits its message in
place (and spills over into new messages), and a callback answer's toast.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Settings
from bot.core.app import Core
from bot.core.types import Button, Message, Reply, Request, Text, bold
from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER

PRIVATE = FakeChat.private(USER)


class EditingCore(Core):
    """The real core, except that ``edit:<n>`` buttons answer with an in-place edit."""

    async def handle_callback(self, req: Request, data: str) -> Reply:
        prefix, _, payload = data.partition(":")
        if prefix != "edit":
            return await super().handle_callback(req, data)
        count = int(payload)
        first = Message.of(
            Text.of(bold(f"Page {count} <edited> & fine")),
            keyboard=[[Button("Again", f"edit:{count + 1}")]],
        )
        spill = [Message.of(f"Extra {n}") for n in range(count - 1)]
        return Reply.of([first, *spill], edit=True, toast=f"Page {count}")

    async def handle(self, req: Request) -> Reply:
        if req.command == "editable":
            return Reply.say("Press it", keyboard=[[Button("Edit me", "edit:1")]])
        return await super().handle(req)


@pytest.fixture
def bot_options(sample_store: Store, telegram_settings: Settings) -> dict[str, Any]:
    return {"core": EditingCore(sample_store, telegram_settings)}


async def test_a_button_edits_its_message_in_place(telegram_bot: ChatDriver) -> None:
    message = await telegram_bot.ask(PRIVATE, USER, "/editable")
    answer, pressed, new = await telegram_bot.press(PRIVATE, USER, message, "Edit me")
    assert answer.text == "Page 1"
    assert new == []
    assert pressed.text == "Page 1 <edited> & fine"
    assert pressed.edits == ["Press it"]
    assert pressed.callback_data == ["edit:2"]
    assert pressed.entities[0]["type"] == "bold"


async def test_an_edit_with_more_messages_sends_the_rest(telegram_bot: ChatDriver) -> None:
    message = await telegram_bot.ask(PRIVATE, USER, "/editable")
    _, pressed, new = await telegram_bot.press(PRIVATE, USER, message, data="edit:3")
    assert pressed.text.startswith("Page 3")
    assert [m.text for m in new] == ["Extra 0", "Extra 1"]


async def test_a_button_pressed_too_long_ago_still_acts(telegram_bot: ChatDriver) -> None:
    message = await telegram_bot.ask(PRIVATE, USER, "/editable")
    telegram_bot.server.fail_next(
        "answerCallbackQuery",
        error_code=400,
        description="Bad Request: query is too old and response timeout expired",
    )
    await telegram_bot.exchange(
        PRIVATE, lambda: telegram_bot.server.press_button(PRIVATE, USER, message, label="Edit me")
    )
    assert telegram_bot.server.texts(PRIVATE.id)[-1].startswith("Page 1")
    assert [c.error_code for c in telegram_bot.server.calls("answerCallbackQuery")] == [400]
