"""The group rule in the core: who may change a chat's subscriptions and settings."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.app import Core
from bot.core.types import Chat
from storage.store import Store
from tests.bot.core.conftest import GROUP, PRIVATE, USER_ID, reply_text, request

GROUP_ADMIN_ID = 300


class Admins:
    """The adapter's side, as a table (the Telegram one is tested over the fake Bot API)."""

    def __init__(self, answers: dict[int, bool | None]) -> None:
        self.answers = answers
        self.asked: list[tuple[int, int]] = []

    async def is_admin(self, chat_id: int, user_id: int) -> bool | None:
        self.asked.append((chat_id, user_id))
        return self.answers.get(user_id, False)


async def _say(
    core: Core, text: str, *, user_id: int = USER_ID, chat: Chat = GROUP, **changes: Any
) -> str:
    asked = replace(request(text, chat=chat, user_id=user_id), **changes)
    return reply_text(await core.handle(asked))


async def test_only_group_admins_change_a_group(core: Core, store: Store) -> None:
    core.ctx.chat_admins = Admins({GROUP_ADMIN_ID: True})
    refused = await _say(core, "/subscribe energy")
    assert refused.startswith("Only this group's administrators can change its subscriptions.")
    assert "Only this group's administrators can change its settings." in await _say(
        core, "/settings lang ru"
    )
    assert store.chat_subscriptions(GROUP.id) == []
    assert "Subscribed to Energy" in await _say(core, "/subscribe energy", user_id=GROUP_ADMIN_ID)
    assert "Time zone" in await _say(core, "/settings")  # reading is for everyone
    energy = store.find_topic("energy")
    assert energy is not None
    pressed = await core.handle_callback(
        request("", chat=GROUP, user_id=USER_ID), f"unsub:{energy.id}"
    )
    assert pressed.messages == () and "administrators" in (pressed.toast or "")
    assert len(store.chat_subscriptions(GROUP.id)) == 1


async def test_anonymous_admins_and_private_chats_need_no_lookup(core: Core, store: Store) -> None:
    admins = Admins({})
    core.ctx.chat_admins = admins
    anonymous = await _say(core, "/subscribe energy", user_id=136817688, sender_chat_id=GROUP.id)
    assert "Subscribed to Energy" in anonymous
    assert "Subscribed to Energy" in await _say(core, "/subscribe energy", chat=PRIVATE)
    assert admins.asked == []
    channel = await _say(core, "/unsubscribe all", sender_chat_id=-100999)
    assert "Only this group's administrators" in channel


async def test_without_an_answer_nothing_changes(core: Core, store: Store) -> None:
    core.ctx.chat_admins = Admins({USER_ID: None})
    assert "could not check" in await _say(core, "/settings tz Berlin")
    core.ctx.chat_admins = None  # no adapter to ask: only anonymous admins get through
    assert "Only this group's administrators" in await _say(core, "/settings tz Berlin")
    chat = store.get_chat(GROUP.id)
    assert chat is not None and chat.timezone == "UTC"
