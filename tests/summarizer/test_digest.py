"""build_digest(): near-duplicates grouped once, sentences labelled with their article."""

from __future__ import annotations

from summarizer import Digest, DigestArticle, build_digest

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
    assert build_digest([titled]).groups[0].sentences[0].text == "Headline only"


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
