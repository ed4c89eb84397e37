"""Property test: any message renders to parts Telegram's HTML parser accepts, text intact."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.render import TELEGRAM_LIMIT, render_html
from bot.core.types import Message, Span, Text
from tests.support.telegram_html import parse_html, utf16_length

ALPHABET = st.sampled_from([*"ab <>&\"'.!?\n🚀שלוםж", "word ", ". ", "\n\n", "&amp;"])
SPAN_TEXT = st.lists(ALPHABET, min_size=1, max_size=400).map("".join)
SPAN = st.builds(
    Span,
    SPAN_TEXT,
    st.sampled_from(["plain", "bold", "italic", "code", "link"]),
    st.sampled_from([None, "https://example.com/?q=<a>&b=\"c\"", "javascript:x"]),
)
ITEM = st.lists(SPAN, min_size=1, max_size=30).map(lambda spans: Text(tuple(spans)))


def _squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ITEM, min_size=1, max_size=12))
def test_every_part_parses_and_nothing_is_lost(items: list[Text]) -> None:
    parts = render_html(Message(tuple(items)))
    shown = []
    for part in parts:
        plain, _ = parse_html(part.text)
        assert 1 <= utf16_length(plain) <= TELEGRAM_LIMIT
        shown.append(plain)
    expected = "".join(item.plain_text for item in items)
    if _squash(expected):
        assert _squash("".join(shown)) == _squash(expected)
