"""`newsbot summarize [FILE|-]`: print a summary of a file or of standard input."""

from __future__ import annotations

import sys
from pathlib import Path

from summarizer.api import budget_for, summarize
from summarizer.decoding import decode_text
from summarizer.types import SummarizerError

MAX_READ_BYTES = 20_000_000


def summarize_command(
    file: str | None = "-",
    *,
    sentences: int | None = None,
    algorithm: str | None = None,
    language: str | None = None,
) -> int:
    """Summarize FILE (or stdin for '-'), print one sentence per line; 1 on error."""
    try:
        text = _read(file or "-")
        # a chosen length gets the character budget a chat of that length gets
        budget = budget_for(sentences) if isinstance(sentences, int) and sentences > 0 else None
        summary = summarize(text, sentences=sentences, algorithm=algorithm, language=language,
                            max_chars=budget)
    except SummarizerError as error:
        print(f"newsbot summarize: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"newsbot summarize: cannot read {file}: {error.strerror or error}", file=sys.stderr)
        return 1
    for sentence in summary.sentences:
        print(sentence)
    for note in summary.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def _read(file: str) -> str:
    if file == "-":
        data = sys.stdin.buffer.read(MAX_READ_BYTES)
    else:
        with Path(file).open("rb") as handle:
            data = handle.read(MAX_READ_BYTES)
    return decode_text(data)
