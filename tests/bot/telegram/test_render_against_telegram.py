"""Whatever the core renders, Telegram's HTML parser accepts, within 4,096 characters, and shows
the same text (a property test against the fake server's parser)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.render import render_html
from bot.core.types import Button, Message, Span, Text
from tests.support.telegram_html import parse_html

ALPHABET = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TRICKY = st.sampled_from(["<b>", "&", "&amp;", "</i>", "<script>", '"', "'", "😀", "עברית", "\n\n"])
WORDS = st.one_of(st.text(ALPHABET, max_size=60), TRICKY)
URLS = st.one_of(st.just("https://example.com/a?b=1&c=<2>"), st.text(ALPHABET, max_size=30))


@st.composite
def spans(draw: st.DrawFn) -> Span:
    style = draw(st.sampled_from(["plain", "bold", "italic", "code", "link"]))
    text = draw(WORDS)
    return Span(text, style, draw(URLS) if style == "link" else None)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    items = draw(st.lists(st.lists(spans(), min_size=1, max_size=6), min_size=1, max_size=6))
    repeat = draw(st.sampled_from([1, 1, 50, 400]))
    texts = [Text(tuple(item)) for item in items] * repeat
    return Message(tuple(texts), ((Button("Go", "sum:1"),),))


@settings(max_examples=60, deadline=None)
@given(messages())
def test_rendered_html_always_parses_within_the_limit(message: Message) -> None:
    parts = render_html(message)
    assert parts and parts[-1].keyboard == message.keyboard
    for part in parts:
        plain, _ = parse_html(part.text)
        assert plain.strip()
        assert len(plain) <= 4096
