"""Rendering: HTML escaping, links, splitting under Telegram's limit, buttons, plain text."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from bot.core.render import (
    TELEGRAM_LIMIT,
    render_html,
    render_plain,
    render_plain_all,
    split_item,
    telegram_length,
    text_html,
)
from bot.core.types import (
    Button,
    Message,
    Text,
    bold,
    code,
    fit_callback,
    italic,
    link,
    truncate_callback_data,
)

ALLOWED_TAGS = {"b", "i", "code", "a"}


class TelegramHtmlCheck(HTMLParser):
    """Parses like Telegram: only known tags, balanced; collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        if tag == "a":
            assert [name for name, _ in attrs] == ["href"]
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


def visible_text(markup: str) -> str:
    """The text Telegram would show, after checking the markup parses."""
    checker = TelegramHtmlCheck()
    checker.feed(markup)
    checker.close()
    assert not checker.stack, f"unclosed tags {checker.stack}"
    text = "".join(checker.visible)
    assert 1 <= telegram_length(text) <= TELEGRAM_LIMIT
    return text


@pytest.mark.parametrize(
    "raw",
    ["<b>bold?</b>", "Fish & Chips", "<script>alert(1)</script>", "a < b > c", "&amp; &lt;"],
)
def test_user_text_is_escaped(raw: str) -> None:
    markup = text_html(Text.of(raw, " ", bold(raw), italic(raw), code(raw)))
    assert "<script>" not in markup
    assert visible_text(markup) == f"{raw} {raw}{raw}{raw}"


def test_link_href_is_escaped_and_quoted() -> None:
    url = 'https://example.com/?a=1&b="2"<x>'
    markup = text_html(Text.of(link("Title & <more>", url)))
    assert markup.startswith('<a href="https://example.com/?a=1&amp;b=&quot;2&quot;&lt;x&gt;">')
    assert visible_text(markup) == "Title & <more>"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.org/a", "", "https://a b"])
def test_unsafe_links_render_as_text(url: str) -> None:
    markup = text_html(Text.of(link("click", url)))
    assert markup == "click"


def test_emoji_and_rtl_survive() -> None:
    raw = "🚀 news 🇺🇦 — مرحبا بالعالم — שלום"
    parts = render_html(Message.of(Text.of(bold(raw))))
    assert visible_text(parts[0].text) == raw


def test_emoji_count_as_two_units_when_splitting() -> None:
    item = Text.of("😀" * 3000)  # 6,000 UTF-16 units
    parts = render_html(Message.of(item))
    assert len(parts) == 2
    assert "".join(visible_text(part.text) for part in parts) == "😀" * 3000


def test_long_message_splits_between_items_with_keyboard_last() -> None:
    items = [Text.of(bold(f"#{n} <title> & co"), "\n", "word " * 60) for n in range(60)]
    keyboard = [[Button("More", "more:5:-")]]
    parts = render_html(Message.of(*items, keyboard=keyboard))
    assert len(parts) > 1
    assert all(part.keyboard == () for part in parts[:-1])
    assert parts[-1].keyboard[0][0].callback_data == "more:5:-"
    shown = [visible_text(part.text) for part in parts]
    for part in shown:
        assert part.startswith("#")  # every part starts at an item boundary
    assert sum(part.count("<title> & co") for part in shown) == 60


def test_single_long_item_splits_at_paragraphs_with_tags_reopened() -> None:
    paragraph = "A sentence that is long enough. " * 40
    item = Text.of(bold("\n\n".join([paragraph.strip()] * 8)))
    parts = render_html(Message.of(item))
    assert len(parts) > 1
    for part in parts:
        assert part.text.startswith("<b>") and part.text.endswith("</b>")
        assert visible_text(part.text).endswith("enough.")


def test_item_without_boundaries_is_cut_by_characters() -> None:
    item = Text.of("&" * 20_000)
    parts = render_html(Message.of(item))
    text = "".join(visible_text(part.text) for part in parts)
    assert text == "&" * 20_000
    assert all(telegram_length(part.text) <= TELEGRAM_LIMIT for part in parts)


def test_entities_are_never_cut() -> None:
    item = Text.of("a&b<c> " * 2000)
    for part in render_html(Message.of(item)):
        visible_text(part.text)
        assert not part.text.endswith("&") and not part.text.endswith("&am")


def test_split_item_keeps_short_items_whole() -> None:
    item = Text.of("short")
    assert split_item(item) == [item]


def test_empty_message_still_renders_something() -> None:
    parts = render_html(Message.of(keyboard=[[Button("x", "sum:1")]]))
    assert parts[0].text.strip()


def test_whitespace_only_items_are_dropped() -> None:
    parts = render_html(Message.of("   ", "real", "\n\n"))
    assert [part.text for part in parts] == ["real"]


def test_callback_data_is_cut_to_64_bytes_on_a_character_boundary() -> None:
    button = Button("Search", "search:5:" + "ж" * 60)
    data = button.callback_data or ""
    assert len(data.encode("utf-8")) <= 64
    assert data.encode("utf-8").decode("utf-8") == data
    assert truncate_callback_data("short") == "short"


def test_fit_callback_cuts_queries_at_a_word() -> None:
    data = fit_callback("search:10:", "gas pipeline " * 10)
    assert len(data.encode("utf-8")) <= 64
    assert not data.endswith(" ") and data.split(":", 2)[2].split()[-1] in {"gas", "pipeline"}


def test_button_needs_exactly_one_target() -> None:
    with pytest.raises(ValueError):
        Button("nothing")
    with pytest.raises(ValueError):
        Button("both", "sum:1", "https://example.com")


def test_plain_rendering_numbers_buttons_across_messages() -> None:
    first = Message.of("one", keyboard=[[Button("Summary #12", "sum:12"), Button("B", "sum:2")]])
    second = Message.of(
        Text.of(link("site", "https://example.com")),
        keyboard=[[Button("Open", url="https://example.com")]],
    )
    text, buttons = render_plain_all([first, second])
    assert "[1] Summary #12  [2] B" in text
    assert "[3] Open <https://example.com>" in text
    assert "site <https://example.com>" in text
    assert [button.label for button in buttons] == ["Summary #12", "B", "Open"]


def test_plain_rendering_keeps_text_unescaped() -> None:
    text, buttons = render_plain(Message.of(Text.of(bold("<b>&"))))
    assert text == "<b>&" and buttons == []
    assert html.escape("<b>&") not in text
