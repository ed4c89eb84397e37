"""The one exception storage raises for input it refuses."""

from __future__ import annotations


class StorageError(ValueError):
    """Input storage refuses, with a message fit to show a user.

    str() is the English line (for logs and the command line). ``code`` names the refusal and
    ``params`` its details, so the bot can say it in the reader's language: storage never
    translates (it knows nothing of the bot). The same small constructor is repeated in
    ingest/ and summarizer/, which share no package with storage.
    """

    def __init__(self, message: str, *, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
