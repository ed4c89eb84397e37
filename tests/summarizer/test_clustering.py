"""cluster_stories(): one event reported twice is one story; one subject is not.

Made-up texts that reproduce the wrong merges reported in issue #9 (two central banks, two
companies' results, a US and a UK retail story, two months of one statistic), a true
two-source pair, and every bad input the issue names.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from summarizer import DigestArticle, baseline_clusters, build_digest, cluster_stories

_NOON = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def _article(
    id_: int, title: str, *summary: str, source: str = "", hours: float = 0.0, language: str = ""
) -> DigestArticle:
    return DigestArticle(
        id=id_, title=title, summary=tuple(summary), source=source,
        published_at=_NOON + timedelta(hours=hours), language=language,
    )


def _story_of(groups: Sequence[tuple[int, ...]], article_id: int) -> tuple[int, ...]:
    return next(group for group in groups if article_id in group)


def _assert_partition(groups: Sequence[tuple[int, ...]], ids: Sequence[int]) -> None:
    flat = [i for group in groups for i in group]
    assert sorted(flat) == sorted(set(ids))
    assert len(flat) == len(set(flat))


BANK_OF_ENGLAND = _article(
    1, "Bank of England holds interest rates at 4.75%",
    "The Bank of England kept interest rates at 4.75% on Thursday.",
    "Governor Mervyn King said inflation in the UK was close to its 2% target.",
    "Most economists expect the Monetary Policy Committee to raise rates later this year.",
    source="Wire A",
)
US_FED = _article(
    2, "US Federal Reserve raises interest rates to 2.5%",
    "The US Federal Reserve raised interest rates by a quarter point to 2.5% on Tuesday.",
    "Fed chairman Alan Greenspan said inflation remained under control.",
    "Economists expect the central bank to keep raising rates this year.",
    source="Wire B", hours=2,
)
RBA = _article(
    3, "Australia's central bank raises interest rates",
    "The Reserve Bank of Australia raised interest rates to 5.5% on Wednesday.",
    "It was the first rise in rates in Australia since 2003, economists said.",
    source="Wire C", hours=5,
)
RENAULT = _article(
    4, "Renault boss hails 'great year'",
    "Carmaker Renault said its operating profit rose 7% to 3.3bn euros last year.",
    "Chief executive Louis Schweitzer said Renault had a great year thanks to Nissan.",
    "Sales of the Megane range rose strongly in Europe.",
    source="Wire A",
)
ERICSSON = _article(
    5, "Ericsson sees profits jump in the year",
    "Swedish telecoms maker Ericsson said operating profit was 9.5bn kronor last year.",
    "Chief executive Carl-Henric Svanberg said sales of mobile networks rose strongly.",
    "Ericsson expects the market to grow in the year ahead.",
    source="Wire B", hours=1,
)
US_RETAIL = _article(
    6, "US retail sales rise in December",
    "Retail sales in the US rose 1.2% in December, the Commerce Department said.",
    "Car dealers and electronics stores reported strong holiday sales.",
    source="Wire A",
)
UK_RETAIL = _article(
    7, "UK retail sales fall after Christmas",
    "Retail sales in the UK fell 0.9% in January, the Office for National Statistics said.",
    "Clothing stores and supermarkets reported weak sales after the Christmas rush.",
    source="Wire B", hours=3,
)
DEFICIT_MARCH = _article(
    8, "US trade deficit widens in March",
    "The US trade deficit widened to $61.0bn in March, the Commerce Department said.",
    "Imports of oil and consumer goods rose while exports fell.",
    source="Wire A",
)
DEFICIT_APRIL = _article(
    9, "US trade deficit widens in April",
    "The US trade deficit widened to $62.3bn in April, the Commerce Department said.",
    "Imports of oil and consumer goods rose while exports fell.",
    source="Wire A", hours=30 * 24 / 24,
)
JET_AIRWAYS_A = _article(
    10, "Jet Airways shares soar on stock market debut",
    "Shares in India's Jet Airways soared 21% on their first day of trading in Mumbai.",
    "The airline raised 19bn rupees in the country's biggest share sale by a private firm.",
    "Founder Naresh Goyal keeps a majority stake in Jet Airways.",
    source="Wire A",
)
JET_AIRWAYS_B = _article(
    11, "Jet Airways debut lifts Indian airline's value",
    "Jet Airways, India's largest private airline, saw its shares jump 21% in Mumbai on Monday.",
    "The share sale raised 19bn rupees for the airline founded by Naresh Goyal.",
    source="Wire B", hours=4,
)


def test_two_central_banks_rate_decisions_are_two_stories() -> None:
    groups = cluster_stories([BANK_OF_ENGLAND, US_FED, RBA])
    assert sorted(groups) == [(1,), (2,), (3,)]


def test_two_companies_results_are_two_stories() -> None:
    assert cluster_stories([RENAULT, ERICSSON]) == [(4,), (5,)]


def test_us_and_uk_retail_stories_are_two_stories() -> None:
    assert cluster_stories([US_RETAIL, UK_RETAIL]) == [(6,), (7,)]


def test_two_months_of_one_statistic_are_two_stories() -> None:
    assert cluster_stories([DEFICIT_MARCH, DEFICIT_APRIL]) == [(8,), (9,)]


def test_one_event_from_two_sources_is_one_story() -> None:
    assert cluster_stories([JET_AIRWAYS_A, JET_AIRWAYS_B]) == [(10, 11)]


def test_the_wrong_merges_of_the_issue_are_gone_in_one_window() -> None:
    window = [BANK_OF_ENGLAND, RENAULT, US_RETAIL, JET_AIRWAYS_A, US_FED, ERICSSON, UK_RETAIL,
              DEFICIT_MARCH, RBA, JET_AIRWAYS_B, DEFICIT_APRIL]
    groups = cluster_stories(window)
    _assert_partition(groups, [a.id for a in window])
    assert [g for g in groups if len(g) > 1] == [(10, 11)]
    assert groups[0] == (1,)  # stable: groups in the order of their first article


def test_the_baseline_still_blends_them() -> None:
    # The reason for the new clustering: today's grouping merges some of these stories.
    window = [BANK_OF_ENGLAND, US_FED, RBA, RENAULT, ERICSSON, US_RETAIL, UK_RETAIL,
              DEFICIT_MARCH, DEFICIT_APRIL]
    baseline = baseline_clusters(window)
    _assert_partition(baseline, [a.id for a in window])
    assert any(len(group) > 1 for group in baseline)


def test_build_digest_uses_story_clustering() -> None:
    digest = build_digest([RENAULT, JET_AIRWAYS_A, ERICSSON, JET_AIRWAYS_B])
    # Two sources first; then the newer story (Ericsson, an hour later) before Renault.
    assert [set(g.article_ids) for g in digest.groups] == [{10, 11}, {5}, {4}]


def test_far_apart_in_time_is_not_the_same_story() -> None:
    later = _article(12, JET_AIRWAYS_B.title, *JET_AIRWAYS_B.summary, hours=24 * 30)
    assert cluster_stories([JET_AIRWAYS_A, later]) == [(10,), (12,)]


def test_articles_without_summary_or_time() -> None:
    bare = [DigestArticle(id=i, title=f"Headline number {i}", summary=()) for i in range(5)]
    bare.append(DigestArticle(id=99, title="", summary=()))
    groups = cluster_stories(bare)
    _assert_partition(groups, [a.id for a in bare])


def test_one_word_titles_do_not_merge() -> None:
    window = [DigestArticle(id=i, title="Update", summary=()) for i in range(4)]
    window += [DigestArticle(id=10 + i, title="Brexit", summary=()) for i in range(2)]
    groups = cluster_stories(window)
    _assert_partition(groups, [a.id for a in window])
    assert all(len(group) == 1 for group in groups)


def test_one_title_for_different_stories() -> None:
    window = [
        _article(1, "Live updates", "Firefighters battle a wildfire near Marseille overnight."),
        _article(2, "Live updates", "Parliament votes on the pension reform bill in Paris."),
        _article(3, "Live updates", "Storm Ciara floods villages across northern Wales."),
    ]
    assert cluster_stories(window) == [(1,), (2,), (3,)]


def test_a_thousand_articles_with_the_same_headline() -> None:
    window = [
        _article(i, "Morning briefing", f"Item {i}: the council of town {i} approved budget {i}.")
        for i in range(1000)
    ]
    window += [_article(5000 + i, "Morning briefing", *JET_AIRWAYS_A.summary) for i in range(3)]
    start = time.perf_counter()
    groups = cluster_stories(window)
    assert time.perf_counter() - start < 10  # generous: the benchmark measures the real cost
    _assert_partition(groups, [a.id for a in window])
    assert _story_of(groups, 5000) == (5000, 5001, 5002)  # copies of one story: one story
    assert max(len(g) for g in groups) == 3


def test_two_languages_in_one_window_are_never_grouped() -> None:
    english = _article(1, "Central bank cuts key rate to 11%",
                       "Russia's central bank cut its key rate to 11% on Friday.", language="en")
    russian = _article(2, "ЦБ снизил ключевую ставку до 11%",
                       "Банк России в пятницу снизил ключевую ставку до 11%.", language="ru")
    russian_twin = _article(3, "Банк России снизил ключевую ставку до 11%",
                            "ЦБ в пятницу снизил ключевую ставку с 14% до 11%, сообщил регулятор.",
                            "Банк России снизил ставку второй раз подряд.")
    groups = cluster_stories([english, russian, russian_twin])
    assert groups == [(1,), (2, 3)]


def test_a_window_with_one_article_and_an_empty_window() -> None:
    assert cluster_stories([RENAULT]) == [(4,)]
    assert cluster_stories([]) == []
    assert cluster_stories([RENAULT, RENAULT]) == [(4,)]  # a repeated id counts once


def test_an_article_whose_text_is_only_a_url() -> None:
    window = [
        DigestArticle(id=1, title="", summary=(), text="https://example.com/news/1"),
        DigestArticle(id=2, title="", summary=(), text="https://example.com/news/1"),
        DigestArticle(id=3, title="https://example.com/a", summary=("https://example.com/a",)),
        RENAULT,
    ]
    groups = cluster_stories(window)
    _assert_partition(groups, [1, 2, 3, 4])
    assert all(len(group) == 1 for group in groups)


_STRIKE_TEXT = (
    "Dock workers at the port of Antwerp walked out on Tuesday in protest at planned cuts to "
    "their pensions, halting container traffic at Europe's second-largest port. The ABVV union "
    "said 4,200 members joined the 48-hour strike. Shipping lines MSC and Maersk diverted "
    "vessels to Rotterdam and Hamburg. Port chief executive Jacques Vandermeiren said the "
    "stoppage would cost the port about 12 million euros a day. Labour minister Pierre-Yves "
    "Dermagne invited the unions to talks in Brussels on Thursday."
)
STRIKE = DigestArticle(
    id=21, title="Antwerp dockers strike over pension cuts",
    summary=("Dock workers at the port of Antwerp walked out on Tuesday in protest at planned "
             "cuts to their pensions.", "The ABVV union said 4,200 members joined the strike."),
    text=_STRIKE_TEXT, source="Wire A", published_at=_NOON,
)
STRIKE_BRIEF = _article(
    22, "Antwerp port halted by 48-hour strike",
    "A 48-hour strike by 4,200 Antwerp dockers over pension cuts halted Europe's second-largest "
    "port.", "MSC and Maersk sent ships to Rotterdam and Hamburg instead.", hours=3,
)
ROTTERDAM = DigestArticle(
    id=23, title="Rotterdam port handles record container volumes",
    summary=("The port of Rotterdam handled a record 15.3 million containers last year.",),
    text="The port of Rotterdam handled a record 15.3 million containers last year, its "
         "operator said on Tuesday. Chief executive Allard Castelein said shipping lines such as "
         "Maersk and MSC had moved more traffic to Rotterdam. Workers at the port agreed a new "
         "pay deal with their union in March.",
    source="Wire B", published_at=_NOON,
)


def test_a_short_report_matches_an_article_given_with_its_text() -> None:
    groups = cluster_stories([STRIKE, ROTTERDAM, STRIKE_BRIEF])
    assert groups == [(21, 22), (23,)]


def test_articles_with_text_and_no_summary() -> None:
    bare = [DigestArticle(id=a.id, title=a.title, summary=(), text=a.text)
            for a in (STRIKE, ROTTERDAM)]
    twin = DigestArticle(id=24, title="Dockers strike at Antwerp", summary=(), text=_STRIKE_TEXT)
    assert cluster_stories([*bare, twin]) == [(21, 24), (23,)]
