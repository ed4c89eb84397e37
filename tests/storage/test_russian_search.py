"""Russian search (migration 0004), phrases and exclusions, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage import ArticleDraft, Store
from storage.migrate import downgrade, schema_differences, upgrade
from storage.search_terms import parse_query, russian_stems


def _add(store: Store, title: str, body: str, language: str = "") -> int:
    draft = ArticleDraft(title=title, body=body, language=language)
    return store.add_article(draft).article.id


def _ids(store: Store, query: str) -> list[int]:
    return [article.id for article in store.search_articles(query, limit=50).items]


@pytest.fixture
def russian(store: Store) -> dict[str, int]:
    return {
        "putin": _add(
            store,
            "Путин провёл переговоры в Пекине",
            "Президент России Владимир Путин обсудил с председателем КНР новое соглашение "
            "о поставках газа.",
            "ru",
        ),
        "treaty": _add(
            store,
            "Подписано соглашение о торговле",
            "Стороны подписали соглашение, которое вступит в силу в январе.",
            "ru",
        ),
        "weather": _add(store, "Погода в Москве", "В столице ожидается снег.", "ru"),
        "english": _add(store, "Putin visits Beijing", "The agreement covers gas supplies.", "en"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Путина", {"putin"}),
        ("путину", {"putin"}),
        ("соглашения", {"putin", "treaty"}),
        ("соглашениями", {"putin", "treaty"}),
        ("Москвы", {"weather"}),
        ("соглашение газа", {"putin"}),
    ],
)
def test_inflected_russian_words_match(
    store: Store, russian: dict[str, int], query: str, expected: set[str]
) -> None:
    assert set(_ids(store, query)) == {russian[name] for name in expected}


def test_a_phrase_matches_only_words_together(store: Store) -> None:
    together = _add(store, "Rates", "The central bank raised interest rates on Thursday.", "en")
    apart = _add(store, "Banks", "Interest in the central plaza rose; the bank rates it.", "en")
    assert _ids(store, '"interest rates"') == [together]
    assert set(_ids(store, "interest rates")) == {together, apart}
    assert _ids(store, '"центральный банк"') == []


def test_a_russian_phrase_matches_inflected(store: Store) -> None:
    article = _add(store, "Решение", "Центральный банк повысил ставку.", "ru")
    _add(store, "Другое", "Банк в центре города закрыт, центральный вход тоже.", "ru")
    assert _ids(store, '"центрального банка"') == [article]


def test_excluded_words_never_match(store: Store) -> None:
    china = _add(store, "China economy slows", "The economy of China grew less.", "en")
    other = _add(store, "Economy of Brazil", "The economy grew in Brazil.", "en")
    assert _ids(store, "economy -china") == [other]
    assert _ids(store, "economy -\"of brazil\"") == [china]
    assert _ids(store, "-china") == []
    assert store.search_articles("economy --china").total == 1


def test_english_ranking_prefers_the_article_about_the_words(store: Store) -> None:
    long_body = " ".join(
        ["German business confidence slides as firms fear rising rates and weaker demand."] * 30
    )
    _add(store, "German business confidence slides", long_body, "en")
    about = _add(
        store,
        "Interest rates rise again",
        "The central bank raised interest rates as inflation held up.",
        "en",
    )
    assert _ids(store, "interest rates rise")[0] == about


def test_odd_queries_are_safe(store: Store, russian: dict[str, int]) -> None:
    for query in ['"', '""', "-", "- -", '-"', "«Путина»", 'NOT "x', "путин* OR", "---"]:
        page = store.search_articles(query)
        assert page.total == len(page.items) or page.total > len(page.items), query
    assert _ids(store, "«Путина»") == [russian["putin"]]
    assert _ids(store, "Путин oil") == [russian["putin"]]  # mixed scripts: any word, ranked


def test_parse_query() -> None:
    parsed = parse_query('Oil "interest  rates" -china -"trade war" «газ»')
    assert [t.words for t in parsed.include] == [("oil",), ("interest", "rates"), ("газ",)]
    assert [t.words for t in parsed.exclude] == [("china",), ("trade", "war")]
    assert len(parse_query(" ".join(["word"] * 40)).include) == 16


def test_stems_of_a_russian_text() -> None:
    assert russian_stems("Путина и Путину, соглашения!") == "путин и путин соглашен"
    assert russian_stems("no Cyrillic here") == ""


def test_migration_stems_russian_articles_stored_before_it(store: Store) -> None:
    downgrade(store.engine, "0003")
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (url, title, body, source, language, published_at, "
                "added_at, sort_at, added_by, content_hash, summary, summary_algorithm) VALUES "
                "(NULL, 'Путин в Пекине', 'Переговоры прошли в среду.', '', 'ru', NULL, "
                ":now, :now, '', 'h1', '', '')"
            ),
            {"now": "2026-11-30 10:00:00"},
        )
    upgrade(store.engine)
    assert len(_ids(store, "Путина")) == 1
    assert schema_differences(store.engine) == []
