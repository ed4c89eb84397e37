"""Clean input: HTML pages, boilerplate lines and the seed document."""

from __future__ import annotations

from summarizer import html_to_text, summarize
from summarizer.cleaning import clean, is_boilerplate

_PAGE = """<!doctype html><html><head><title>Storm hits coast</title>
<script>var tracking = "Do not summarize this sentence.";</script>
<style>p { color: red; }</style></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Storm hits the coast</h1>
<p>By Jane Doe</p>
<p>A powerful storm hit the northern coast on Monday, cutting power to thousands of homes.</p>
<p>Emergency crews worked through the night to clear fallen trees from the main roads.</p>
<p>The weather service said the storm would weaken as it moved inland on Tuesday.</p>
<p>Schools in three districts will stay closed until the power is back.</p>
<p>Share on Facebook</p></article>
<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"""


def test_html_to_text_keeps_story_and_drops_scripts_and_navigation() -> None:
    text = html_to_text(_PAGE)
    assert "A powerful storm hit the northern coast" in text
    assert "tracking" not in text
    assert "color: red" not in text
    assert "Home" not in text
    assert "Copyright" not in text


def test_html_to_text_of_empty_markup() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<html><body></body></html>") == ""


def test_html_input_is_summarized_as_text() -> None:
    result = summarize(_PAGE)
    assert len(result.sentences) == 3
    assert all("<" not in sentence for sentence in result.sentences)
    assert result.sentences[0].startswith("A powerful storm")
    assert "Share on Facebook" not in result.sentences


def test_broken_html_does_not_crash() -> None:
    result = summarize("<div><p>Rain fell all day in the city. <b>Rivers rose fast.</p><p>Roads "
                       "were closed by noon.<div></html>", sentences=2)
    assert result.sentences
    assert not any("<" in sentence or ">" in sentence for sentence in result.sentences)


def test_boilerplate_lines_are_recognised() -> None:
    for line in ("About Author", "Related Articles", "Share on Facebook", "Facebook Twitter Email",
                 "By John Smith", "By . Daily Mail Reporter .", "May 12", "16:20 2017",
                 "Published: 12:30 May 5, 2017", "Read more", "Advertisement",
                 "Share this article.", "Image copyright Getty Images",
                 "Copyright 2024 Example News. All rights reserved.", "scroll down for video .",
                 "PUBLISHED: 12:27 EST, 3 March 2014 | UPDATED: 14:04 EST, 3 March 2014",
                 "last updated at 11:30 PM on 3rd March 2014 ."):
        assert is_boilerplate(line), line
    for line in ("By the end of the year, the economy grew.", "By then it was too late.",
                 "Published by Penguin, the book is about the war.",
                 "Photos released by Reuters showed damaged buildings.",
                 "Share prices fell 5% on Monday."):
        assert not is_boilerplate(line), line


def test_repeated_headline_is_kept_out(seed_article: str) -> None:
    cleaned = clean(seed_article)
    headline = "Chinese-Russian ‘Strategic Partnership Taking Shape of an Alliance’"
    assert cleaned.title == headline
    assert all(block != ("text", headline) for block in cleaned.blocks)


def test_seed_summary_is_three_story_sentences(seed_article: str) -> None:
    result = summarize(seed_article)
    assert result.language == "en"
    assert len(result.sentences) == 3
    story = seed_article.split("16:20 2017", 1)[1].split("About Author", 1)[0]
    for sentence in result.sentences:
        assert sentence in story
        assert len(sentence.split()) >= 8
        for junk in ("About Author", "Edward Bokhua", "Related Articles", "SI |", "May 12",
                     "Strategic Partnership Taking Shape"):
            assert junk not in sentence
    assert result.sentences[0].startswith("In an interview with Sputnik")


def test_seed_summary_with_every_algorithm_avoids_boilerplate(seed_article: str) -> None:
    from summarizer import ALGORITHMS

    for algorithm in ALGORITHMS:
        for sentence in summarize(seed_article, algorithm=algorithm).sentences:
            assert "Bokhua" not in sentence and "Related Articles" not in sentence, algorithm
            assert "Taking Shape of an Alliance’" not in sentence, algorithm


def test_cnn_style_dateline_is_removed() -> None:
    text = ("WASHINGTON (CNN) -- The Senate passed the budget bill late on Friday night. "
            "The vote was close. Both parties claimed a partial victory after the vote.")
    result = summarize(text, sentences=1)
    assert result.sentences[0].startswith("The Senate passed")


def test_ptb_daily_mail_header_never_becomes_a_sentence() -> None:
    header = ("by . daily mail reporter . published : . 14:04 est , 4 december 2013 . | . "
              "updated : . 14:04 est , 4 december 2013 . ")
    story = ("a man who stole a police car was arrested on tuesday after a chase through the "
             "city . police said he was drunk . the car was found undamaged .")
    result = summarize(header + story)
    assert len(result.sentences) == 3
    assert all(sentence in story for sentence in result.sentences)
