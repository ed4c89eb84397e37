"""Stemmed search (migration 0002): English inflections match, other scripts match exactly."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from storage import ArticleDraft, Store
from storage.migrate import downgrade, schema_differences, upgrade


def _add(store: Store, title: str, body: str) -> int:
    return store.add_article(ArticleDraft(title=title, body=body)).article.id


def _add_at_old_revision(store: Store, like: int, title: str, body: str) -> int:
    """Insert a row with the columns every revision has (today's Store knows newer ones)."""
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (url, title, body, source, language, published_at, "
                "added_at, sort_at, added_by, content_hash, summary, summary_algorithm) "
                "SELECT NULL, :title, :body, source, language, published_at, added_at, sort_at, "
                "added_by, :hash, summary, summary_algorithm FROM articles WHERE id = :id"
            ),
            {"title": title, "body": body, "hash": f"old-revision-{title}", "id": like},
        )
        return int(connection.execute(text("SELECT max(id) FROM articles")).scalar() or 0)


def _ids(store: Store, query: str) -> set[int]:
    return {article.id for article in store.search_articles(query, limit=50).items}


def _fts_definition(engine: Engine) -> str:
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            sql = "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
        else:
            sql = (
                "SELECT generation_expression FROM information_schema.columns "
                "WHERE table_name = 'articles' AND column_name = 'search_vector'"
            )
        return str(connection.execute(text(sql)).scalar())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("oils", "singular"),
        ("prices", "singular"),
        ("sanctions", "singular"),
        ("oil", "plural"),
        ("price", "plural"),
        ("sanction", "plural"),
    ],
)
def test_inflected_forms_match(store: Store, query: str, expected: str) -> None:
    singular = _add(store, "Oil price", "The price of oil rose after one sanction.")
    plural = _add(store, "Markets", "Oils, prices and sanctions all moved.")
    _add(store, "Weather", "Rain is expected on Monday.")
    wanted = singular if expected == "singular" else plural
    assert wanted in _ids(store, query)
    assert _ids(store, query) == {singular, plural}


def test_all_words_still_required_with_stems(store: Store) -> None:
    both = _add(store, "Sanctions hit oil", "Exports of oil fell.")
    _add(store, "Oil only", "Oil prices rose.")
    assert _ids(store, "sanction oils") == {both}
    assert store.search_articles("oils unicorns").total == 2


def test_russian_and_other_scripts_match_their_exact_words(store: Store) -> None:
    russian = _add(store, "Нефть и газ", "Россия обсуждает поставки газа в Китай.")
    greek = _add(store, "Ειδήσεις", "Η τιμή του πετρελαίου αυξήθηκε.")
    assert _ids(store, "НЕФТЬ") == {russian}
    assert _ids(store, "газа поставки") == {russian}
    assert _ids(store, "πετρελαίου") == {greek}
    assert _ids(store, "oil") == set()


def test_stop_words_and_odd_queries_are_safe(store: Store) -> None:
    article = _add(store, "The oil deal", "It is what it is: prices of the oil.")
    for query in ["the", "The OILS", "oils*", '"prices', "oils OR", "NEAR(oils prices)", "😀 oils"]:
        page = store.search_articles(query)
        assert page.total == len(page.items) == 1, query
        assert page.items[0].id == article
    assert store.search_articles("ing's").total == 0


def test_migration_reindexes_existing_articles_both_ways(store: Store) -> None:
    before = _add(store, "Oil", "The oil price rose.")
    assert "porter" in _fts_definition(store.engine) or "english" in _fts_definition(store.engine)
    downgrade(store.engine, "0001")
    definition = _fts_definition(store.engine)
    assert "porter" not in definition and "english" not in definition
    during = _add_at_old_revision(store, before, "Prices", "Prices of oil fell.")
    assert _ids(store, "oil") == {before, during}
    upgrade(store.engine)
    assert _ids(store, "oils") == {before, during}
    assert _ids(store, "price") == {before, during}
    assert schema_differences(store.engine) == []
