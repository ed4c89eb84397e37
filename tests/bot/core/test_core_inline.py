"""Inline mode's answers from the core: search, latest, #id, and the bad queries."""

from __future__ import annotations

import pytest

from bot.core.app import Core
from bot.core.render import render_html
from bot.core.types import Request
from storage.store import Store
from storage.views import ArticleDraft
from tests.bot.core.conftest import PRIVATE, add_articles


def inline(text: str, *, language: str = "en") -> Request:
    """The Request the Telegram adapter builds from an inline query."""
    return Request(chat=PRIVATE, user_id=PRIVATE.id, args=text, text=text, language=language)


async def test_empty_query_lists_the_latest_ten(core: Core, store: Store) -> None:
    ids = add_articles(store, 12)
    answer = await core.handle_inline(inline(""))
    assert [r.id for r in answer.results] == [f"article-{i}" for i in reversed(ids[-10:])]
    assert answer.button is None and answer.cache_seconds > 0


async def test_words_search_and_each_result_is_one_valid_message(
    core: Core, store: Store
) -> None:
    add_articles(store, 3)
    answer = await core.handle_inline(inline("gas"))
    assert 1 <= len(answer.results) <= 10
    first = answer.results[0]
    assert first.title.startswith("Article number") and first.description.startswith("Test Wire · ")
    [part] = render_html(first.message)
    assert "First sentence of" in part.text
    assert [b.url for row in part.keyboard for b in row] == [
        first.url,
        f"https://t.me/NewsBot?start=sum_{first.id.removeprefix('article-')}",
    ]


async def test_hash_id_gives_that_article(core: Core, store: Store) -> None:
    ids = add_articles(store, 3)
    answer = await core.handle_inline(inline(f"#{ids[1]}"))
    assert [r.id for r in answer.results] == [f"article-{ids[1]}"]
    missing = await core.handle_inline(inline("#99999999999999"))
    assert missing.results == () and missing.button is not None
    assert "#99999999999999" in missing.button[0]


async def test_nothing_found_answers_no_results_and_a_button(core: Core, store: Store) -> None:
    add_articles(store, 3)
    answer = await core.handle_inline(inline("zeppelin"))
    assert answer.results == ()
    assert answer.button == ("Nothing found for “zeppelin”", "inline")


@pytest.mark.parametrize("query", ["🔥🔥🔥", "🇷🇺 🚀", "?!", "  ...  "])
async def test_emoji_only_query_shows_the_latest_with_a_hint(
    core: Core, store: Store, query: str
) -> None:
    add_articles(store, 2)
    answer = await core.handle_inline(inline(query))
    assert len(answer.results) == 2
    assert answer.button is not None and "Type words" in answer.button[0]


async def test_a_query_of_256_characters_and_more_is_cut_not_refused(
    core: Core, store: Store
) -> None:
    add_articles(store, 2)
    for query in ("gas " * 64, "gas " * 100, "x" * 256, "gas" + "я" * 300):
        answer = await core.handle_inline(inline(query))
        assert answer.cache_seconds > 0  # answered, not failed
    assert (await core.handle_inline(inline("gas " * 64))).results


async def test_a_huge_summary_is_cut_to_one_message(core: Core, store: Store) -> None:
    sentence = "The pipeline talks stalled again over the price " + "of gas " * 120 + "."
    store.add_article(
        ArticleDraft(
            title="Long one",
            body=sentence * 10,
            url="https://example.com/long",
            source="Wire",
            summary=tuple(f"{index} {sentence}" for index in range(10)),
            summary_algorithm="test",
        )
    )
    [result] = (await core.handle_inline(inline("Long one"))).results
    parts = render_html(result.message)
    assert len(parts) == 1 and len(parts[0].text) < 4096
    assert "0 The pipeline" in parts[0].text and "9 The pipeline" not in parts[0].text


async def test_answers_are_cached_briefly_and_never_personal(core: Core, store: Store) -> None:
    add_articles(store, 2)
    first = await core.handle_inline(inline("gas"))
    add_articles(store, 3)
    again = await core.handle_inline(inline("  gas "))
    assert again is first  # the same query within the cache time: no new search
    russian = await core.handle_inline(inline("🔥", language="ru"))
    assert russian.button is not None and "Введите" in russian.button[0]


async def test_a_failing_search_answers_nothing_rather_than_raising(
    core: Core, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database is gone")

    monkeypatch.setattr(store, "search_articles", broken)
    answer = await core.handle_inline(inline("gas"))
    assert answer.results == () and answer.cache_seconds == 0


async def test_inline_answers_on_each_backend(database_url: str) -> None:
    from bot.config import load_settings
    from ingest.defaults import ensure_default_topics
    from storage import open_store

    store = open_store(database_url)
    try:
        ensure_default_topics(store)
        core = Core(store, load_settings({"DATABASE_URL": database_url}, env_file=None))
        ids = add_articles(store, 12)
        latest = await core.handle_inline(inline(""))
        assert [r.id for r in latest.results] == [f"article-{i}" for i in reversed(ids[-10:])]
        found = await core.handle_inline(inline("gas"))
        assert found.results and all(r.title.endswith("about gas") for r in found.results)
        assert (await core.handle_inline(inline(f"#{ids[0]}"))).results[0].id == f"article-{ids[0]}"
        nothing = await core.handle_inline(inline("zeppelin"))
        assert nothing.results == () and nothing.button is not None
        for odd in ("🔥", "'unbalanced \" (quote", "-", '"'):
            assert (await core.handle_inline(inline(odd))).cache_seconds > 0, odd
        await core.close()
    finally:
        store.close()
