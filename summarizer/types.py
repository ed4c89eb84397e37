"""Value types of the summarizer: the Summary result and the user-facing SummarizerError."""

from __future__ import annotations

from dataclasses import dataclass


class SummarizerError(ValueError):
    """A problem with the input or options, with a message fit to show a user."""


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
