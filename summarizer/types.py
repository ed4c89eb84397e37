"""Value types of the summarizer: the Summary result and the user-facing SummarizerError."""

from __future__ import annotations

from dataclasses import dataclass


class SummarizerError(ValueError):
    """A problem with the input or options, with a message fit to show a user (English).

    ``code`` names the problem and ``params`` its details, so the bot can say it in the
    reader's language (the summarizer is pure and never translates).
    """

    def __init__(self, message: str, *, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Summary:
    """Summary sentences in article order, with the language and algorithm that made them."""

    sentences: tuple[str, ...]
    language: str
    algorithm: str
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The sentences joined into one paragraph."""
        return " ".join(self.sentences)
