"""Which sentences may open a digest story: connectives and quotation tails cannot."""

from __future__ import annotations

import pytest

from summarizer.openers import can_open, clean_run, dangling_connective, quote_state, repaired


@pytest.mark.parametrize(
    "sentence",
    [
        "However, the bank kept rates on hold.",
        "But the Fed disagreed.",
        "Also on Tuesday, the bank met.",
        "Well, nobody knows yet.",
        "In addition, the company cut 300 jobs.",
        "Но банк сохранил ставку.",
        "Однако ЦБ решил иначе.",
        "Кроме того, банк повысил прогноз.",
    ],
)
def test_connectives_dangle(sentence: str) -> None:
    assert dangling_connective(sentence) is not None
    assert not can_open(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Well over 100 people were hurt.",
        "Andrew Bailey spoke on Thursday.",
        "iPhone sales rose 5% in the quarter.",
        '"We will not cut," the governor said.',
        "«Мы не будем снижать ставку», — сказал он.",
        "Butter prices rose.",
    ],
)
def test_sentences_that_stand_alone(sentence: str) -> None:
    assert can_open(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        'we will protect every job," the minister said.',
        'Every job," the minister said.',
        "нам это не нужно», — сказал он.",
        "— сказал министр.",
        "said the minister.",
    ],
)
def test_quotation_tails_cannot_open(sentence: str) -> None:
    assert not can_open(sentence)


def test_quote_state_sees_open_and_closed_quotations() -> None:
    assert quote_state('The minister said: "We will act.') == (False, True)
    assert quote_state('Nothing is off the table," she said.') == (True, False)
    assert quote_state("“Balanced,” he said.") == (False, False)


def test_clean_run_skips_to_a_sentence_that_can_open_and_keeps_quotes_whole() -> None:
    run = clean_run(["However, rates stayed.", "The decision was unanimous.", "Markets rose."], 2)
    assert run == ["The decision was unanimous.", "Markets rose."]
    quote = ['The governor said: "We will act.', 'Prices must fall," she added.', "Shares rose."]
    assert clean_run(quote, 2) == quote[:2]
    assert clean_run(quote, 1) == ["Shares rose."]


def test_repair_removes_only_the_connective() -> None:
    assert repaired("However, the bank kept rates at 5%.") == "The bank kept rates at 5%."
    assert repaired("But, well.") is None
    assert clean_run(["However, the bank kept rates at 5% on Thursday."], 3) == [
        "The bank kept rates at 5% on Thursday."
    ]
