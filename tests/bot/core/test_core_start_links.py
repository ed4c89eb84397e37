"""/start with a deep-link payload: an article's summary, a topic offer, forged links."""

from __future__ import annotations

import pytest

from bot.core.app import Core
from storage.store import Store
from tests.bot.core.conftest import add_articles, reply_text, send


async def test_sum_link_opens_the_article_summary(core: Core, store: Store) -> None:
    ids = add_articles(store, 3)
    reply = await send(core, f"/start sum_{ids[1]}")
    text = reply_text(reply)
    assert f"#{ids[1]}" in text and "First sentence of 1." in text
    assert "Hello" not in text
    assert [b.url for m in reply.messages for b in m.buttons] == ["https://example.com/news/1"]


async def test_sub_link_offers_a_subscribe_button(core: Core, store: Store) -> None:
    topic = store.find_topic("energy")
    assert topic is not None
    reply = await send(core, "/start sub_energy")
    assert topic.name in reply_text(reply)
    assert [b.callback_data for m in reply.messages for b in m.buttons] == [f"sub:{topic.id}"]


async def test_sub_link_for_a_subscribed_topic_says_so(core: Core) -> None:
    await send(core, "/subscribe energy 08:00")
    reply = await send(core, "/start sub_energy")
    assert "already subscribed" in reply_text(reply)
    assert not [b for m in reply.messages for b in m.buttons]


@pytest.mark.parametrize(
    ("payload", "line"),
    [
        ("sum_999999", "#999999"),
        ("sum_99999999999999", "#99999999999999"),
        ("sub_no-such-topic", "no-such-topic"),
        ("garbage", "not one of mine"),
        ("x" * 300, "not one of mine"),
        ("sum_1%00<script>", "not one of mine"),
        ("\u202esum_1", "not one of mine"),
    ],
)
async def test_forged_link_gets_the_welcome_and_one_line(
    core: Core, payload: str, line: str
) -> None:
    text = reply_text(await send(core, f"/start {payload}"))
    assert "Hello" in text and "/help" in text
    assert line in text
    if line == "not one of mine":  # what a stranger typed is not echoed back
        assert payload[:20] not in text


async def test_the_inline_mode_button_opens_the_plain_welcome(core: Core) -> None:
    text = reply_text(await send(core, "/start inline"))
    assert "Hello" in text and "not one of mine" not in text
