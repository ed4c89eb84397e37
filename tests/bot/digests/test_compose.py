"""Digest composition: grouping, the 10-item cap, splitting between items, the cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.render import render_html, render_plain, telegram_length, text_html
from bot.core.types import Text
from bot.digests.compose import DigestComposer, first_window_start, split_items
from storage.store import Store
from storage.views import ArticleDraft
from tests.bot.digests.conftest import add_articles, make_topic


def window() -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(hours=1), now + timedelta(seconds=1)


def test_at_most_ten_items_then_a_pointer_to_latest(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 14)
    digest = DigestComposer(store).compose(topic, *window())
    assert digest.article_count == 14
    (part,) = digest.parts
    text, _ = render_plain(part)
    assert text.startswith("📰 China–Russia relations — 14 new articles")
    assert text.count("https://news.example/story/") == 10
    assert text.rstrip().endswith("…and 4 more: /latest china-russia")


def test_near_duplicates_are_one_item(store: Store) -> None:
    topic = make_topic(store)
    story = "Beijing and Moscow signed a gas pipeline agreement on Tuesday after long talks."
    drafts = [
        ArticleDraft(
            title=f"China and Russia sign gas pipeline deal ({source})",
            body=f"{story} Reported by {source}. " * 3,
            url=f"https://{source.lower()}.example/deal",
            source=source,
            summary=(story, "The pipeline will carry gas from Siberia to China."),
            topic_slugs=(topic.slug,),
        )
        for source in ("Reuters", "AP", "BBC")
    ]
    store.add_articles(drafts)
    digest = DigestComposer(store).compose(topic, *window())
    text, _ = render_plain(digest.parts[0])
    assert digest.article_count == 3
    assert "Also:" in text
    assert text.count("pipeline deal") == 1


def test_every_item_is_escaped_and_linked_in_html(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 1)
    digest = DigestComposer(store).compose(topic, *window())
    (html_part,) = render_html(digest.parts[0])
    assert '<a href="https://news.example/story/0">' in html_part.text
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html_part.text
    assert "<b>📰 China–Russia relations</b>" in html_part.text


def test_long_digests_split_between_items_only(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 10, words_per_sentence=60)
    digest = DigestComposer(store).compose(topic, *window())
    assert len(digest.parts) >= 3
    for part in digest.parts:
        rendered = render_html(part)
        assert len(rendered) == 1  # one Telegram message per part
        assert telegram_length(rendered[0].text) <= 4096
    items = [item for part in digest.parts for item in part.items]
    assert sum("news.example/story/" in text_html(item) for item in items) == 10


def test_split_items_packs_greedily() -> None:
    items = [Text.of("x" * 1000) for _ in range(9)]
    parts = split_items(items, limit=4096)
    assert [len(part) for part in parts] == [4, 4, 1]


def test_nothing_new_is_no_message_or_a_note(store: Store) -> None:
    topic = make_topic(store)
    composer = DigestComposer(store)
    assert composer.compose(topic, *window()).parts == ()
    (note,) = composer.compose(topic, *window(), notify_empty=True).parts
    assert render_plain(note)[0] == "Nothing new on China–Russia relations since the last digest."
    (first,) = composer.compose(topic, *window(), notify_empty=True, first=True).parts
    assert render_plain(first)[0] == "Nothing new on China–Russia relations yet."


def test_one_build_per_topic_and_window(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 5)
    composer = DigestComposer(store)
    start, end = window()
    first = composer.compose(topic, start, end)
    for _ in range(1000):
        assert composer.compose(topic, start, end) is first
    assert composer.builds == 1


def test_first_window_is_whole_minutes() -> None:
    created = datetime(2026, 11, 28, 8, 30, 59, 999, tzinfo=UTC)
    assert first_window_start(created) == datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
