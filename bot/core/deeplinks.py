"""Deep links into the bot's private chat: ``https://t.me/<bot>?start=<payload>``.

One module builds and parses them so that the buttons under a channel digest (which cannot be
callback buttons: a press in a channel would answer nobody) and the ``/start`` command agree on
the format:

- ``sum_<id>``: open the summary of article ``<id>``;
- ``sub_<slug>``: offer to subscribe to the topic ``<slug>``;
- ``inline``: the button above inline-mode results: just the welcome.

Telegram passes the payload only when it is 1-64 characters of ``A-Z a-z 0-9 _ -``
(https://core.telegram.org/bots/features#deep-linking), so the builders refuse anything else
and the parser treats whatever a user typed after ``/start`` as untrusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PAYLOAD = 64
ARTICLE_PREFIX = "sum_"
TOPIC_PREFIX = "sub_"
INLINE_PAYLOAD = "inline"

_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Article ids are positive integers; 18 digits keeps them inside a signed 64-bit column.
_ARTICLE_ID = re.compile(r"^[1-9][0-9]{0,17}$")
# The topic slug rule of storage.validation.check_slug (lower-case letters, digits, single
# hyphens); the length is bounded by the payload limit.
_TOPIC_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """``sum_<id>``: show this article's summary."""

    article_id: int


@dataclass(frozen=True, slots=True)
class TopicLink:
    """``sub_<slug>``: offer a subscription to this topic."""

    slug: str


@dataclass(frozen=True, slots=True)
class WelcomeLink:
    """``inline``: the chat opened from inline mode's button; the usual welcome."""


DeepLink = ArticleLink | TopicLink | WelcomeLink


class NotADeepLink(ValueError):
    """The ``/start`` payload is not one this bot makes (forged, mistyped or too long)."""


def article_payload(article_id: int) -> str:
    """The start payload that opens article ``article_id``."""
    if article_id <= 0:
        raise ValueError(f"article ids are positive, not {article_id}")
    return f"{ARTICLE_PREFIX}{article_id}"


def topic_payload(slug: str) -> str | None:
    """The start payload for the topic, or None when the slug does not fit into 64 characters."""
    payload = f"{TOPIC_PREFIX}{slug}"
    if not _TOPIC_SLUG.match(slug) or len(payload) > MAX_PAYLOAD:
        return None
    return payload


def start_url(bot_username: str, payload: str) -> str:
    """``https://t.me/<bot_username>?start=<payload>``; the username may carry its leading @."""
    username = bot_username.removeprefix("@")
    if not _USERNAME.match(username):
        raise ValueError(f"not a bot username: {username!r}")
    if not _PAYLOAD.match(payload):
        raise ValueError(f"not a start payload Telegram passes on: {payload!r}")
    return f"https://t.me/{username}?start={payload}"


def article_url(bot_username: str, article_id: int) -> str:
    """The deep link that opens article ``article_id`` in the bot's private chat."""
    return start_url(bot_username, article_payload(article_id))


def topic_url(bot_username: str, slug: str) -> str | None:
    """The deep link that offers the topic, or None when its slug is too long for one."""
    payload = topic_payload(slug)
    return None if payload is None else start_url(bot_username, payload)


def parse_start(payload: str) -> DeepLink:
    """The deep link a ``/start`` payload names; NotADeepLink for anything else."""
    payload = payload.strip()
    if not _PAYLOAD.match(payload):
        raise NotADeepLink(payload)
    if payload == INLINE_PAYLOAD:
        return WelcomeLink()
    if payload.startswith(ARTICLE_PREFIX):
        digits = payload.removeprefix(ARTICLE_PREFIX)
        if _ARTICLE_ID.match(digits):
            return ArticleLink(int(digits))
    elif payload.startswith(TOPIC_PREFIX):
        slug = payload.removeprefix(TOPIC_PREFIX)
        if _TOPIC_SLUG.match(slug):
            return TopicLink(slug)
    raise NotADeepLink(payload)
