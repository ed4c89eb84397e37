"""The one error ingestion raises: a single line fit to show the user who asked.

Two kinds carry what they are about, so that a chat can answer them in the user's own
language (the bot's link summaries do): a link to something that is not a page, and a host
that resolves to a private address.
"""

from __future__ import annotations


class IngestError(ValueError):
    """Fetching, extracting or storing failed; str() is one clear user-facing line."""


class NotAPage(IngestError):
    """The link answers with a PDF, an image or another media type that is not a page."""

    def __init__(self, message: str, media_type: str) -> None:
        super().__init__(message)
        self.media_type = media_type


class PrivateAddress(IngestError):
    """The host resolves to a private or local address, which the SSRF guard refuses."""

    def __init__(self, message: str, host: str) -> None:
        super().__init__(message)
        self.host = host
