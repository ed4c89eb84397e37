"""The one error ingestion raises: a single line fit to show the user who asked.

Two kinds carry what they are about, so that a chat can answer them in the user's own
language (the bot's link summaries do): a link to something that is not a page, and a host
that resolves to a private address.
"""

from __future__ import annotations


class IngestError(ValueError):
    """Fetching, extracting or storing failed; str() is one clear user-facing line (English).

    ``code`` names the failure and ``params`` its details, so the bot can say it in the
    reader's language; ingest never translates. An error passed on from storage or the
    summarizer keeps their code: ``IngestError(str(error), code=error.code, **error.params)``.
    """

    def __init__(self, message: str, *, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class NotAPage(IngestError):
    """The link answers with a PDF, an image or another media type that is not a page."""

    def __init__(self, message: str, media_type: str) -> None:
        if media_type:
            super().__init__(message, code="fetch.media_type", media=media_type[:60])
        else:
            super().__init__(message, code="fetch.unknown_media")
        self.media_type = media_type


class PrivateAddress(IngestError):
    """The host resolves to a private or local address, which the SSRF guard refuses."""

    def __init__(self, message: str, host: str, address: str = "") -> None:
        super().__init__(message, code="fetch.private_address", host=host, address=address)
        self.host = host
