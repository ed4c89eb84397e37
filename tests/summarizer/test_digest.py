"""build_digest(): stories grouped once, told by their lead article, never blended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from summarizer import Digest, DigestArticle, build_digest
from summarizer.openers import can_open

_PIPELINE_A = DigestArticle(
    id=1, title="Russia and China agree new gas pipeline deal",
    summary=("Russia and China signed a deal on Tuesday to build a second gas pipeline.",
             "The pipeline will carry 50 billion cubic metres of gas a year to northern China.",
             "Construction is due to begin next year."),
    source="Agency A",
)
_PIPELINE_B = DigestArticle(
    id=2, title="China, Russia sign deal for second gas pipeline",
    summary=("China and Russia on Tuesday signed a deal to build a second gas pipeline.",
             "Officials said the pipeline would carry 50 billion cubic metres of gas each year.",
             "Putin called the deal historic."),
    source="Agency B",
)
_ELECTION = DigestArticle(
    id=3, title="Voters in Finland elect new parliament",
    summary=("Finnish voters elected a new parliament on Sunday.",
             "The centre-right party won the most seats."),
)
_FOOTBALL = DigestArticle(
    id=4, title="Local club wins the cup final",
    summary=("The local football club won the cup final after a penalty shoot-out.",),
)


def test_near_duplicates_are_grouped_once() -> None:
    digest = build_digest([_PIPELINE_A, _ELECTION, _PIPELINE_B])
    assert isinstance(digest, Digest)
    assert digest.omitted == 0
    assert len(digest.groups) == 2
    pipeline = digest.groups[0]
    assert set(pipeline.article_ids) == {1, 2}
    assert pipeline.lead.id == 1
    assert digest.groups[1].article_ids == (3,)


def test_sentences_carry_their_article_and_skip_repeats() -> None:
    group = build_digest([_PIPELINE_A, _PIPELINE_B], sentences_per_item=3).groups[0]
    assert 1 <= len(group.sentences) <= 3
    by_id = {1: _PIPELINE_A.summary, 2: _PIPELINE_B.summary}
    for sentence in group.sentences:
        assert sentence.text in by_id[sentence.article_id]
    texts = [s.text.lower() for s in group.sentences]
    signing = [t for t in texts if "signed a deal" in t]
    assert len(signing) <= 1


def test_max_items_and_omitted_count() -> None:
    digest = build_digest([_PIPELINE_A, _PIPELINE_B, _ELECTION, _FOOTBALL], max_items=2)
    assert len(digest.groups) == 2
    assert digest.omitted == 1


def test_empty_input_and_missing_summaries() -> None:
    assert build_digest([]) == Digest(groups=(), omitted=0)
    bare = DigestArticle(id=9, title="Only a title", summary=(),
                         text="The first sentence of the text. The second one here.")
    group = build_digest([bare]).groups[0]
    assert group.sentences[0].text == "The first sentence of the text."
    titled = DigestArticle(id=10, title="Headline only", summary=())
    only = build_digest([titled]).groups[0]
    assert only.lead.title == "Headline only"
    assert only.sentences == ()  # the headline is shown once, not repeated as a sentence


def test_duplicate_ids_are_counted_once() -> None:
    digest = build_digest([_ELECTION, _ELECTION])
    assert len(digest.groups) == 1
    assert digest.groups[0].article_ids == (3,)


def test_russian_summaries_group_too() -> None:
    first = DigestArticle(
        id=5, title="Россия и Китай подписали торговое соглашение",
        summary=("Россия и Китай подписали соглашение о торговле в рублях и юанях.",),
    )
    second = DigestArticle(
        id=6, title="Китай и Россия подписали соглашение о торговле",
        summary=("Китай и Россия подписали соглашение о торговле в юанях и рублях.",),
    )
    assert len(build_digest([first, second]).groups) == 1


def test_same_topic_different_stories_stay_apart() -> None:
    drills = DigestArticle(
        id=7, title="China and Russia hold joint naval drills",
        summary=("Chinese and Russian warships began joint naval exercises in the Sea of Japan.",
                 "The drills will last a week and involve submarines and aircraft."),
    )
    digest = build_digest([_PIPELINE_A, drills])
    assert [group.article_ids for group in digest.groups] == [(1,), (7,)]


# Never blend: made-up texts modelled on the wrong digests of issue 9.
_BOE = DigestArticle(
    id=21, title="Bank of England holds interest rates at 5.25%",
    summary=("However, policymakers warned that cuts were not imminent.",
             "The Bank of England held interest rates at 5.25% on Thursday.",
             "Governor Andrew Bailey said inflation was falling faster than expected."),
    source="BBC", url="https://bbc.example/boe",
)
_BOE_REUTERS = DigestArticle(
    id=22, title="Bank of England keeps rates on hold",
    summary=("The Bank of England kept interest rates at 5.25% on Thursday.",
             "The vote was 6-3, with three members backing a cut to 5%.",
             "Governor Bailey said inflation was still falling faster than expected."),
    source="Reuters",
)
_BOE_RESTATED = DigestArticle(
    id=23, title="UK rates held at 5.25%",
    summary=("The Bank of England held interest rates at 5.25% on Thursday.",
             "Governor Andrew Bailey said inflation was falling faster than expected."),
    source="AP",
)


def _story(digest: Digest, article_id: int):  # type: ignore[no-untyped-def]
    return next(group for group in digest.groups if article_id in group.article_ids)


def test_the_lead_tells_the_story_and_opens_it() -> None:
    digest = build_digest([_BOE, _BOE_REUTERS], sentences_per_item=3)
    (story,) = digest.groups
    assert story.lead.id == 21 and story.lead.title.startswith("Bank of England holds")
    first = story.sentences[0]
    assert first.article_id == 21 and first.from_lead
    assert first.text in _BOE.summary
    assert story.sources == ("BBC", "Reuters")


def test_a_dangling_however_never_opens_a_story() -> None:
    for length in (1, 2, 3, 5):
        story = build_digest([_BOE, _BOE_REUTERS], sentences_per_item=length).groups[0]
        assert not story.sentences[0].text.startswith("However")
        assert len(story.sentences) <= length
    russian = DigestArticle(
        id=30, title="ЦБ сохранил ключевую ставку",
        summary=("Однако аналитики ждали снижения.", "Банк России сохранил ставку на уровне 16%."),
    )
    story = build_digest([russian], sentences_per_item=2).groups[0]
    assert story.sentences[0].text == "Банк России сохранил ставку на уровне 16%."


def test_only_connectives_are_repaired_rather_than_shown_dangling() -> None:
    lone = DigestArticle(id=31, title="Fed holds",
                         summary=("But the Federal Reserve held rates at 5.5% on Wednesday.",))
    (sentence,) = build_digest([lone]).groups[0].sentences
    assert sentence.text == "The Federal Reserve held rates at 5.5% on Wednesday."


def test_a_quote_tail_never_opens_a_story() -> None:
    quoted = DigestArticle(
        id=32, title="Minister on jobs",
        summary=('we will protect every job," the minister said.',
                 "The plant employs 2,000 people in Sunderland."),
    )
    story = build_digest([quoted], sentences_per_item=2).groups[0]
    assert story.sentences[0].text == "The plant employs 2,000 people in Sunderland."
    assert all(can_open(s.text) for s in story.sentences[:1])


def test_another_articles_sentence_appears_only_with_a_new_fact_and_names_its_source() -> None:
    story = build_digest([_BOE, _BOE_REUTERS, _BOE_RESTATED], sentences_per_item=3).groups[0]
    added = [s for s in story.sentences if not s.from_lead]
    assert [s.text for s in added] == ["The vote was 6-3, with three members backing a cut to 5%."]
    assert added[0].source == "Reuters" and added[0].article_id == 22
    # AP only restates what the lead said: nothing of it is shown.
    assert all(s.article_id != 23 for s in story.sentences)
    # The lead's sentences come first.
    assert [s.from_lead for s in story.sentences] == [True, True, False]


def test_a_restatement_alone_adds_nothing() -> None:
    story = build_digest([_BOE, _BOE_RESTATED], sentences_per_item=3).groups[0]
    assert {s.article_id for s in story.sentences} == {21}


def test_one_sentence_stories_show_the_lead_only() -> None:
    story = build_digest([_BOE, _BOE_REUTERS], sentences_per_item=1).groups[0]
    assert [(s.article_id, s.from_lead) for s in story.sentences] == [(21, True)]


def test_added_sentences_without_a_source_name_their_site_or_id() -> None:
    unnamed = DigestArticle(
        id=24, title="Bank of England keeps rates on hold", url="https://www.wire.example/x",
        summary=_BOE_REUTERS.summary,
    )
    story = build_digest([_BOE, unnamed], sentences_per_item=3).groups[0]
    assert [s.source for s in story.sentences if not s.from_lead] == ["wire.example"]
    anonymous = DigestArticle(id=25, title=_BOE_REUTERS.title, summary=_BOE_REUTERS.summary)
    story = build_digest([_BOE, anonymous], sentences_per_item=3).groups[0]
    assert [s.source for s in story.sentences if not s.from_lead] == ["article #25"]


def test_stories_ordered_by_sources_then_recency() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    old = DigestArticle(id=40, title="Volcano erupts in Iceland", source="RUV",
                        summary=("A volcano erupted near Grindavik overnight.",),
                        published_at=now - timedelta(hours=5))
    new = DigestArticle(id=41, title="Chess champion retires", source="AP",
                        summary=("The world chess champion announced his retirement.",),
                        published_at=now)
    wide = [
        DigestArticle(id=42 + i, title="Bank of England holds interest rates at 5.25%",
                      summary=(_BOE.summary[1],), source=source,
                      published_at=now - timedelta(hours=9))
        for i, source in enumerate(("BBC", "Reuters", "AP"))
    ]
    digest = build_digest([old, new, *wide])
    assert [g.lead.id for g in digest.groups] == [42, 41, 40]
    assert digest.groups[0].sources == ("BBC", "Reuters", "AP")


def test_the_lead_is_the_newest_article_with_something_to_say() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    first = DigestArticle(id=50, title="Quake hits Chile", source="A",
                          summary=("A strong earthquake hit northern Chile on Monday.",),
                          published_at=now - timedelta(hours=2))
    update = DigestArticle(id=51, title="Quake hits Chile, 12 dead", source="B",
                           summary=("A strong earthquake hit northern Chile on Monday.",),
                           published_at=now)
    empty = DigestArticle(id=52, title="Quake hits Chile", source="C", summary=(),
                          published_at=now + timedelta(hours=1))
    story = build_digest([first, update, empty]).groups[0]
    assert story.lead.id == 51
    assert story.article_ids[0] == 51 and set(story.article_ids) == {50, 51, 52}


def test_stories_past_max_items_come_back_without_sentences() -> None:
    digest = build_digest([_PIPELINE_A, _ELECTION, _FOOTBALL], max_items=1)
    assert digest.omitted == 2 == len(digest.rest)
    assert digest.story_count == 3
    assert all(group.sentences == () for group in digest.rest)
    ids = [i for group in digest.groups + digest.rest for i in group.article_ids]
    assert sorted(ids) == [1, 3, 4]


def test_bad_input_one_article_and_a_text_that_is_only_a_url() -> None:
    (story,) = build_digest([_ELECTION]).groups
    assert story.article_ids == (3,)
    link = DigestArticle(id=60, title="Link", summary=(), text="https://example.com/a/b")
    only = build_digest([link]).groups[0]
    assert only.sentences == ()


def test_a_thousand_articles_with_one_headline_each_land_in_one_story() -> None:
    articles = [
        DigestArticle(id=i, title="Live updates", source=f"S{i % 7}",
                      summary=(f"Item {i} of the day happened in Town{i}.",))
        for i in range(1, 1001)
    ]
    digest = build_digest(articles, max_items=10)
    ids = [i for group in digest.groups + digest.rest for i in group.article_ids]
    assert sorted(ids) == list(range(1, 1001))
    assert len(digest.groups) <= 10
