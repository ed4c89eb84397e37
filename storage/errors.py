"""The one exception storage raises for input it refuses."""

from __future__ import annotations


class StorageError(ValueError):
    """Input storage refuses, with a message fit to show a user."""
