"""Build sumy's document model from cleaned text, with headings kept out of the sentences."""

from __future__ import annotations

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

from summarizer.cleaning import CleanText, is_boilerplate, line_key
from summarizer.tokenizers import OfflineTokenizer


class StorySentence(Sentence):
    """A sentence that knows its paragraph, so quotes can be followed across sentences."""

    __slots__ = ("paragraph",)

    def __init__(self, text: str, tokenizer: OfflineTokenizer, paragraph: int,
                 is_heading: bool = False) -> None:
        # sumy's Sentence.__init__, without its str/bytes conversion (the text is a str)
        self._text = text.strip()
        self._tokenizer = tokenizer
        self._is_heading = bool(is_heading)
        self.paragraph = paragraph

    @property
    def words(self) -> tuple[str, ...]:
        """The sentence's words, split once (sumy's cached property, without its three
        attribute look-ups by name on every read)."""
        try:
            return self._cached_property_words  # type: ignore[no-any-return]
        except AttributeError:
            words = self._cached_property_words = self._tokenizer.to_words(self._text)
            return words


def build_document(
    cleaned: CleanText, tokenizer: OfflineTokenizer, *, max_sentences: int
) -> tuple[ObjectDocumentModel, bool]:
    """Return sumy's document for the cleaned text and whether sentences were cut at the cap."""
    paragraphs: list[Paragraph] = []
    title_key = line_key(cleaned.title) if cleaned.title else ""
    count = headings = 0
    capped = False
    if cleaned.title:
        paragraphs.append(Paragraph([Sentence(cleaned.title, tokenizer, is_heading=True)]))
    for kind, block in cleaned.blocks:
        if count >= max_sentences:
            capped = True
            break
        if kind == "heading":
            headings += 1
            if headings > max_sentences:
                continue
            paragraphs.append(Paragraph([Sentence(block, tokenizer, is_heading=True)]))
            continue
        texts = [block] if kind == "bullet" else list(tokenizer.to_sentences(block))
        sentences = []
        for text in texts[: max_sentences - count]:
            is_title = bool(title_key) and len(text) < 2 * len(title_key) + 20 and (
                line_key(text) == title_key
            )
            furniture = is_title or is_boilerplate(text)
            sentences.append(
                StorySentence(text, tokenizer, len(paragraphs), is_heading=furniture)
            )
        count += len(texts)
        capped = capped or count > max_sentences
        paragraphs.append(Paragraph(sentences))
    return ObjectDocumentModel(paragraphs), capped


def lines_as_document(
    cleaned: CleanText, text: str, tokenizer: OfflineTokenizer, *, max_sentences: int
) -> ObjectDocumentModel:
    """A document whose sentences are lines (for unpunctuated text): the heading-like lines
    that are not boilerplate or the title, else every non-empty line."""
    lines = [block for kind, block in cleaned.blocks if kind == "heading"]
    if not lines:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
    sentences = [Sentence(line, tokenizer) for line in lines[:max_sentences]]
    return ObjectDocumentModel([Paragraph(sentences)])
