"""The one error ingestion raises: a single line fit to show the user who asked."""

from __future__ import annotations


class IngestError(ValueError):
    """Fetching, extracting or storing failed; str() is one clear user-facing line."""
