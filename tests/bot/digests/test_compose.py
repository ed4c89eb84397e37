"""Digest composition: the layout, top stories and the rest, parts within 4,096, the cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.render import render_html, render_plain, render_plain_all, telegram_length, text_html
from bot.core.types import Text
from bot.digests import compose
from bot.digests.compose import DigestComposer, first_window_start
from bot.digests.layout import period, split_items
from storage.store import Store
from storage.views import ArticleDraft
from tests.bot.digests.conftest import add_articles, make_topic


def window() -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(hours=1), now + timedelta(seconds=1)


def test_opening_line_top_ten_stories_then_how_many_more(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 14)
    start, end = window()
    digest = DigestComposer(store).compose(topic, start, end)
    assert digest.article_count == 14 and digest.story_count == 14
    text, buttons = render_plain_all(digest.parts)
    assert text.startswith("📰 China–Russia relations — 14 new articles in 14 stories · ")
    assert period(start, end, "UTC") in text.splitlines()[0]
    assert text.count("https://news.example/story/") == 10
    assert "…and 4 more stories." in text
    summaries = [b for b in buttons if b.label.startswith("Summary #")]
    assert len(summaries) == 10
    assert all(b.callback_data == f"sum:{b.label.removeprefix('Summary #')}" for b in summaries)
    (more,) = [b for b in buttons if b.label == "4 more stories"]
    assert more.callback_data is not None and more.callback_data.startswith("stories:")
    assert more.callback_data.endswith(":10")
    assert len(more.callback_data.encode()) <= 64
    assert more in digest.parts[-1].buttons  # under the last part


def test_each_part_has_the_summary_buttons_of_its_own_stories(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 10, words_per_sentence=60)
    digest = DigestComposer(store).compose(topic, *window())
    assert len(digest.parts) >= 3
    for part in digest.parts:
        shown = {
            int(span.url.rsplit("/", 1)[1]) + 1  # story/<n> is article id n + 1 here
            for item in part.items
            for span in item.spans
            if span.style == "bold_link" and span.url
        }
        pressed = {int(b.label.removeprefix("Summary #")) for b in part.buttons}
        assert shown == pressed and shown


def test_near_duplicates_are_one_story_with_their_sources(store: Store) -> None:
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
    text, buttons = render_plain_all(digest.parts)
    assert digest.article_count == 3
    assert "3 new articles in 1 story" in text
    assert text.count("pipeline deal") == 1
    lead = text.split("pipeline deal (")[1].split(")")[0]
    others = [s for s in ("Reuters", "AP", "BBC") if s != lead]
    assert f"\n{lead}, {others[0]} +1\n" in text or f"\n{lead}, {others[1]} +1\n" in text
    assert [b.label for b in buttons] == [f"Summary #{digest_lead(store, lead)}"]
    # The restating sentences of the other two are not repeated.
    assert text.count("signed a gas pipeline agreement") == 1


def digest_lead(store: Store, source: str) -> int:
    return next(a.id for a in store.latest_articles(10).items if a.source == source)


def test_html_is_escaped_bold_linked_and_quoted_expandably(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 1)
    digest = DigestComposer(store).compose(topic, *window())
    (html_part,) = render_html(digest.parts[0])
    assert '<b><a href="https://news.example/story/0">Story 0: ' in html_part.text
    assert "&lt;b&gt;&amp;&lt;/b&gt;</a></b>\nSource 0\n<blockquote expandable>" in html_part.text
    assert html_part.text.endswith("</blockquote>")
    assert "<b>📰 China–Russia relations</b> — 1 new article in 1 story · " in html_part.text
    plain_text, _ = render_plain(digest.parts[0])
    assert "blockquote" not in plain_text and "<b>" in plain_text  # the title's own text


def test_the_chats_summary_length_sets_the_sentences_per_story(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 1, sentences=5)
    composer = DigestComposer(store)
    start, end = window()
    for length in (1, 3, 5):
        digest = composer.compose(topic, start, end, sentences=length)
        quote = [s for s in digest.parts[0].items[1].spans if s.quote == "expandable"]
        assert "".join(s.text for s in quote).count(".") == length
    assert composer.builds == 3  # one cached digest per length


def test_the_period_is_shown_in_the_chats_zone(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 1)
    start = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    end = datetime.now(UTC) + timedelta(seconds=1)
    digest = DigestComposer(store).compose(topic, start, end, timezone="Asia/Tokyo")
    first_line = render_plain(digest.parts[0])[0].splitlines()[0]
    assert "Sat 28 Nov 08:00 – " in first_line and first_line.endswith("(Asia/Tokyo)")


def test_every_article_of_the_window_is_grouped_up_to_the_bound(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert compose.WINDOW_BOUND >= 1000
    monkeypatch.setattr(compose, "WINDOW_BOUND", 12)
    topic = make_topic(store)
    add_articles(store, topic, 15)
    digest = DigestComposer(store).compose(topic, *window())
    text, _ = render_plain_all(digest.parts)
    assert "15 new articles in 12 stories" in text
    assert "(the newest 12 are grouped into stories)" in text
    assert "…and 2 more stories." in text


def test_a_thousand_articles_with_one_headline(store: Store) -> None:
    topic = make_topic(store)
    drafts = [
        ArticleDraft(
            title="Live updates",
            body=f"Update {n}: the council met in Hall {n}. " * 3,
            url=f"https://live.example/{n}",
            source=f"Desk {n % 5}",
            summary=(f"Update {n}: the council met in Hall {n}.",),
            topic_slugs=(topic.slug,),
        )
        for n in range(1000)
    ]
    store.add_articles(drafts)
    composer = DigestComposer(store)
    digest = composer.compose(topic, *window())
    assert digest.article_count == 1000
    text, buttons = render_plain_all(digest.parts)
    assert text.startswith("📰 China–Russia relations — 1,000 new articles in ")
    stories = digest.story_count
    shown = min(stories, 10)
    assert len([b for b in buttons if b.label.startswith("Summary #")]) == shown
    for part in digest.parts:
        assert all(telegram_length(p.text) <= 4096 for p in render_html(part))
    start, end = window()
    listed = composer.stories(topic, start, end)
    assert len(listed) == stories
    every = sorted(i for group in listed for i in group.article_ids)
    stored, _ = store.topic_articles_since(topic.id, start, end, 2000)
    assert every == sorted(a.id for a in stored)  # every article in exactly one story


def test_articles_without_a_summary_and_text_that_is_only_a_link(store: Store) -> None:
    topic = make_topic(store)
    store.add_articles(
        [
            ArticleDraft(
                title="Bare headline",
                body="https://example.com/only/a/link",
                url="https://example.com/only/a/link",
                source="Wire",
                summary=(),
                topic_slugs=(topic.slug,),
            ),
        ]
    )
    digest = DigestComposer(store).compose(topic, *window())
    (part,) = digest.parts
    (html_part,) = render_html(part)
    assert "Bare headline" in html_part.text and "<blockquote" not in html_part.text
    assert "1 new article in 1 story" in render_plain(part)[0]


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
