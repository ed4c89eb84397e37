"""The "more stories" button of a digest: its callback data, a window packed into < 64 bytes.

``stories:<topic id>:<start>:<end>:<offset>``, each instant as base-36 microseconds since the
epoch. Written by the digest layout (bot/digests/layout.py), read back by the story list
(bot/core/commands/stories.py), which must treat it as untrusted: buttons can be forged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

STORIES_PREFIX = "stories"


def encode_instant(instant: datetime) -> str:
    """An instant as base-36 microseconds since the epoch (short enough for callback data)."""
    micros = round(instant.astimezone(UTC).timestamp() * 1_000_000)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        micros, rest = divmod(micros, 36)
        out = digits[rest] + out
        if not micros:
            return out


def decode_instant(raw: str) -> datetime | None:
    """The instant ``encode_instant`` wrote, or None for anything else (buttons can be forged)."""
    if not raw or len(raw) > 13 or not raw.isalnum():
        return None
    try:
        micros = int(raw, 36)
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    except (ValueError, OverflowError):
        return None


def stories_data(
    topic_id: int, start: datetime, end: datetime, offset: int, prefix: str = STORIES_PREFIX
) -> str:
    """The "more stories" button: ``stories:<topic id>:<start>:<end>:<offset>`` (< 64 bytes);
    ``prefix`` names another button over the same window (the list's own paging)."""
    return f"{prefix}:{topic_id}:{encode_instant(start)}:{encode_instant(end)}:{offset}"
