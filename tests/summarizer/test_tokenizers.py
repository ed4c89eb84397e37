"""The offline tokenizers: sentence splitting per script and word extraction."""

from __future__ import annotations

from summarizer.languages import detect, neutral, resolve
from summarizer.tokenizers import OfflineTokenizer


def _tokenizer(code: str) -> OfflineTokenizer:
    language = resolve(code)
    assert language is not None
    return OfflineTokenizer(language)


def test_english_sentences_keep_abbreviations_and_ptb_text() -> None:
    sentences = _tokenizer("en").to_sentences(
        "Dr. Smith went to Washington. The U.S. economy grew 3.5 per cent. It is n't good ."
    )
    assert sentences == ("Dr. Smith went to Washington.", "The U.S. economy grew 3.5 per cent.",
                         "It is n't good .")


def test_ordinary_words_before_a_period_end_the_sentence() -> None:
    tokenizer = _tokenizer("en")
    for word in ("coal", "bank", "century", "stock", "code", "tax", "so"):
        text = f"The report was about {word}. Analysts said little else."
        assert tokenizer.to_sentences(text) == (
            f"The report was about {word}.", "Analysts said little else."
        ), word
    kept = "Gen. Smith met Sen. Jones at Acme Corp. in Calif. on Monday, approx. at noon."
    assert tokenizer.to_sentences(kept) == (kept,)


def test_russian_abbreviations_do_not_split() -> None:
    sentences = _tokenizer("ru").to_sentences(
        "Он живёт на ул. Ленина. Там тихо. Т.е. всё хорошо."
    )
    assert sentences == ("Он живёт на ул. Ленина.", "Там тихо.", "Т.е. всё хорошо.")


def test_words_drop_punctuation_and_numbers() -> None:
    words = _tokenizer("en").to_words("It's 2024, and rock-n-roll (still) rules!")
    assert words == ("It's", "and", "rock-n-roll", "still", "rules")


def test_cjk_sentences_and_bigram_words() -> None:
    tokenizer = OfflineTokenizer(neutral("cjk"))
    assert tokenizer.to_sentences("中国和俄罗斯。两国会面！真的吗？") == (
        "中国和俄罗斯。", "两国会面！", "真的吗？"
    )
    assert tokenizer.to_words("中国和") == ("中国", "国和")


def test_detection_by_script_and_stop_words() -> None:
    assert detect("The government announced a new plan for the railways.").code == "en"
    assert detect("Правительство объявило новый план для железных дорог.").code == "ru"
    ukrainian = "Уряд оголосив новий план, і це важливо для їхньої країни та її людей."
    assert detect(ukrainian).code == "uk"
    assert detect("Le gouvernement a annoncé une nouvelle loi sur les retraites.").code == "fr"
    assert detect("中国和俄罗斯签署了协定。").neutral
    assert detect("12345 !!!").neutral
