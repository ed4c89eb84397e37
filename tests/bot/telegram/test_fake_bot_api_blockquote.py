"""The fake Bot API parses block quotations as Telegram does (Bot API 7.3 expandable ones too)."""

from __future__ import annotations

import httpx
import pytest

from bot.core.render import render_html, text_html
from bot.core.types import Message, Text, bold, bold_link, quoted
from tests.support.bot_api_server import BotApiServer
from tests.support.telegram_html import EntityError, parse_html


def test_expandable_and_plain_blockquotes_become_their_entities() -> None:
    text, entities = parse_html(
        "<b>Head</b>\n<blockquote expandable>One. Two.</blockquote>\n<blockquote>Q</blockquote>"
    )
    assert text == "Head\nOne. Two.\nQ"
    kinds = [(e.type, e.offset, e.length) for e in entities]
    assert kinds == [("bold", 0, 4), ("expandable_blockquote", 5, 9), ("blockquote", 15, 1)]


def test_formatting_inside_a_quotation_is_kept() -> None:
    _, entities = parse_html(
        '<blockquote expandable>a <i>(BBC)</i> <a href="https://x.example">l</a></blockquote>'
    )
    assert {e.type for e in entities} == {"expandable_blockquote", "italic", "text_link"}


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (
            "<blockquote>a<blockquote>b</blockquote></blockquote>",
            "Blockquote entities can't be nested",
        ),
        (
            "<blockquote expandable>a<blockquote expandable>b</blockquote></blockquote>",
            "can't be nested",
        ),
        ("<code>a<blockquote>b</blockquote></code>", 'can\'t be inside "code"'),
        ("<pre><b>x</b></pre>", 'can\'t be inside "pre"'),
        (
            "<blockquote expandable>open",
            'Can\'t find end tag corresponding to start tag "blockquote"',
        ),
    ],
)
def test_what_telegram_would_not_show_is_refused(html: str, reason: str) -> None:
    with pytest.raises(EntityError, match=reason):
        parse_html(html)


def test_core_quotations_render_to_one_expandable_block_per_run() -> None:
    item = Text.of(
        bold_link("Head & co", "https://a.example/1"), "\nWire\n", quoted("One. ", "Two.")
    )
    html = text_html(item)
    assert html == (
        '<b><a href="https://a.example/1">Head &amp; co</a></b>\nWire\n'
        "<blockquote expandable>One. Two.</blockquote>"
    )
    text, entities = parse_html(html)
    assert text == "Head & co\nWire\nOne. Two."
    assert sorted(e.type for e in entities) == ["bold", "expandable_blockquote", "text_link"]


def test_a_long_quoted_item_split_by_the_renderer_still_parses() -> None:
    item = Text.of(
        bold("Head"), "\n", quoted(*(f"Sentence number {n} is here. " for n in range(400)))
    )
    parts = render_html(Message(items=(item,)))
    assert len(parts) >= 2
    for part in parts:
        plain, entities = parse_html(part.text)
        assert len(plain) <= 4096
        assert any(e.type == "expandable_blockquote" for e in entities)


def test_the_server_refuses_a_nested_blockquote_like_a_bad_request(
    bot_api_server: BotApiServer,
) -> None:
    url = f"{bot_api_server.base_url}{bot_api_server.token}/sendMessage"
    ok = httpx.post(
        url,
        json={"chat_id": 1, "text": "<blockquote expandable>x</blockquote>", "parse_mode": "HTML"},
    ).json()
    assert ok["ok"] and ok["result"]["entities"][0]["type"] == "expandable_blockquote"
    bad = httpx.post(
        url,
        json={
            "chat_id": 1,
            "parse_mode": "HTML",
            "text": "<blockquote>a<blockquote>b</blockquote></blockquote>",
        },
    )
    assert bad.status_code == 400
    assert "can't parse entities: Blockquote entities can't be nested" in bad.json()["description"]
