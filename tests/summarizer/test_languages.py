"""Language detection: the labelled set of one-paragraph news texts, neighbours never confused
with Russian or English, short texts, and a stemmer for every language we call supported."""

from __future__ import annotations

import pytest
from sumy.nlp.stemmers import null_stemmer

from summarizer import languages, summarize
from summarizer.bench_languages import DEFAULT_SET, baseline_detect, read_set
from summarizer.stemmers import stemmer_for

SAMPLES = read_set(DEFAULT_SET)


def test_the_labelled_set_covers_twelve_languages_or_more() -> None:
    assert len({code for code, _ in SAMPLES}) >= 12 and len(SAMPLES) >= 36


def test_accuracy_on_the_labelled_set_is_at_least_95_percent() -> None:
    misses = [(code, got) for code, text in SAMPLES if (got := languages.detect(text).code) != code]
    assert len(misses) <= 0.05 * len(SAMPLES), misses


def test_the_old_detector_fails_the_same_set() -> None:
    """The reproduction of the reported defect: pt->en, nl->pt, pl, tr, bg->ru ..."""
    misses = [code for code, text in SAMPLES if baseline_detect(text) != code]
    assert {"bg", "nl", "pl", "tr"} <= set(misses)


@pytest.mark.parametrize("code", ["bg", "sr", "uk"])
def test_cyrillic_neighbours_never_get_russian(code: str) -> None:
    for text in (text for label, text in SAMPLES if label == code):
        detected = languages.detect(text)
        assert detected.code == code
        assert detected.name != "russian"


def test_bulgarian_is_summarized_neutrally_under_its_own_code() -> None:
    text = " ".join(text for label, text in SAMPLES if label == "bg")
    result = summarize(text, sentences=2)
    assert result.language == "bg"
    assert any("No stemmer or stop words for 'bg'" in note for note in result.notes)
    assert not any("character pairs" in note for note in result.notes)


def test_every_supported_language_has_a_snowball_stemmer() -> None:
    for code, (name, _) in languages.SUPPORTED.items():
        assert stemmer_for(name) is not null_stemmer, code


@pytest.mark.parametrize(
    ("text", "code"),
    [("Putin", "en"), ("Путин", "ru"), ("Київ", "uk"), ("", "und"), ("12345 !!!", "und")],
)
def test_short_texts_fall_back_to_their_script(text: str, code: str) -> None:
    assert languages.detect(text).code == code


def test_an_unknown_script_is_neutral_not_a_guess() -> None:
    georgian = "მთავრობამ ახალი გეგმა გამოაცხადა. გეგმა ზაფხულში დაიწყება. მოქალაქეებმა მიესალმნენ."
    assert languages.detect(georgian).code == languages.NEUTRAL


def test_the_remembered_walk_scores_exactly_as_py3langid() -> None:
    """The detector remembers its state machine's walk over each word (for speed); its scores
    must be py3langid's own to the bit, from a cold table and from a warm one."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    plain = LanguageIdentifier.from_model_file(MODEL_FILE)
    plain.set_languages(languages.DETECTABLE)
    fast = languages._identifier()
    assert type(fast) is not LanguageIdentifier  # the remembering subclass is in use
    texts = [text for _, text in SAMPLES]
    texts += [text[:120] for text in texts] + ["", "!!!", "a", "The  end\n\n  of it"]
    languages.clear_detection_cache()
    for _ in range(2):
        for text in texts:
            assert fast._decide(text).tobytes() == plain._decide(text).tobytes(), text
            assert fast.classify(text) == plain.classify(text)
    assert fast._walks


@pytest.mark.parametrize(("text", "code"), [("Größe über Brücke Straß", "de"),
                                             ("Größe über Brücke Stra", "en")])
def test_twenty_letters_are_needed_for_a_guess_from_the_letters(text: str, code: str) -> None:
    """20 letters: the detector judges (German); 19: Latin script alone, so English."""
    assert languages.detect(text).code == code


def _script_by_regex(text: str) -> str:
    """dominant_script as first written: four regex counts over the sample."""
    import re

    sample = text[:600]
    letters = len(re.findall(r"[^\W\d_]", sample))
    if not letters:
        return "none"
    counts = (("latin", len(re.findall(r"[A-Za-z\u00C0-\u024F]", sample))),
              ("cyrillic", len(re.findall(r"[\u0400-\u04FF]", sample))),
              ("cjk", len(re.findall(r"[\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]", sample))))
    best, count = max(counts, key=lambda pair: pair[1])
    return best if count * 2 >= letters else "other"


@pytest.mark.parametrize(
    "text",
    [text for _, text in SAMPLES] + [
        "Путин × Трамп ÷ 2 ½", "Ёж и ёлка: “Новости” — 2026", "\u0482\u0483\u0483 ab", "×÷ Жж",
        "Café Ölmühle ǅ ɏ ɐ", "東京 Tokyo Токио", "١٢٣ مرحبا abc", "Россия\ud800 ok", "aЖ", "Жa",
    ],
)
def test_the_script_counts_match_a_plain_count_of_each_script(text: str) -> None:
    """The script is counted cheaply (letters less the rest, Cyrillic by its UTF-8 bytes);
    it must agree with counting every script's characters one by one."""
    assert languages.dominant_script(text) == _script_by_regex(text)
