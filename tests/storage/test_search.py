"""Full-text search: ranking, paging, and queries no user input can break."""

from __future__ import annotations

import pytest

from storage import ArticleDraft, Store, fts

ODD_QUERIES = [
    '"unbalanced',
    "putin*",
    "-putin",
    "putin OR",
    "AND",
    "NEAR(putin xi)",
    "title:putin",
    "'; DROP TABLE articles; --",
    "putin & | ! xi",
    "😀🔥",
    "(",
    "^*:",
    "x" * 5000,
    "\x00putin",
    "\ud800",
]


def _add(store: Store, title: str, body: str) -> int:
    return store.add_article(ArticleDraft(title=title, body=body)).article.id


def test_ranked_search_title_first(store: Store) -> None:
    in_body = _add(store, "Summit report", "Putin and Xi met to talk about gas pipelines.")
    in_title = _add(store, "Putin hosts Xi", "The leaders met in Moscow for talks.")
    _add(store, "Energy prices", "Oil fell on Monday.")
    page = store.search_articles("Putin XI")
    assert [a.id for a in page.items] == [in_title, in_body]
    assert page.total == 2
    assert store.search_articles("oil").items[0].title == "Energy prices"


def test_falls_back_to_any_word(store: Store) -> None:
    _add(store, "Oil prices", "Oil fell on Monday.")
    page = store.search_articles("oil unicorns")
    assert page.total == 1


def test_search_paging_and_russian(store: Store) -> None:
    for n in range(7):
        _add(store, f"Газ и нефть {n}", f"Россия и Китай обсуждают поставки газа, выпуск {n}.")
    first = store.search_articles("РОССИЯ китай", limit=5)
    assert first.total == 7 and len(first.items) == 5 and first.has_more
    second = store.search_articles("россия китай", limit=5, offset=5)
    assert len(second.items) == 2 and not second.has_more
    assert {a.id for a in first.items}.isdisjoint(a.id for a in second.items)
    past = store.search_articles("россия", limit=5, offset=50)
    assert past.items == () and past.total == 7


def test_search_follows_updates_and_deletes(store: Store) -> None:
    article_id = _add(store, "Chip exports", "Semiconductor exports grew.")
    assert store.search_articles("semiconductor").total == 1
    store.delete_article(article_id)
    assert store.search_articles("semiconductor").total == 0


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_never_error(sqlite_store: Store, query: str) -> None:
    _add(sqlite_store, "Putin hosts Xi", "The leaders met.")
    page = sqlite_store.search_articles(query)
    assert page.total == len(page.items) <= 1


def test_odd_queries_never_error_on_both(store: Store) -> None:
    _add(store, "Putin hosts Xi", "The leaders met. title putin")
    for query in ODD_QUERIES:
        page = store.search_articles(query)
        assert page.total == len(page.items) <= 1, query
    assert store.search_articles("").items == ()
    assert store.search_articles("putin*").total == 1


def test_large_result_sets_rank_in_recency_tiers(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fts, "TIER", 3)
    weak = [_add(store, f"Note {n}", f"Mentions gas once, item {n}.") for n in range(6)]
    strong = _add(store, "Gas gas gas", "Gas deal, gas prices, gas pipeline.")
    assert store.search_articles("gas", limit=2).total == 7
    pages = [store.search_articles("gas", 2, offset=offset) for offset in range(0, 8, 2)]
    seen = [article.id for page in pages for article in page.items]
    assert seen == [strong, *reversed(weak)]
    assert [page.has_more for page in pages] == [True, True, True, False]
