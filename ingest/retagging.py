"""Retagging: one topic's rule applied again to every stored article, after the rule changed.

New articles are tagged as they are ingested (ingest/pipeline.py); a topic added or edited
later reaches the articles already stored only through this walk, which an admin command runs
in the background, logging its progress every few seconds.
"""

from __future__ import annotations

import logging
import time

from ingest.errors import IngestError
from ingest.tagging import ArticleText, RuleError, parse_rule
from storage.store import Store

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 5.0


def retag_all(store: Store, topic_slug: str) -> int:
    """Apply one topic's rule to every stored article (add or remove the tag); return matches."""
    topic = store.find_topic(topic_slug)
    if topic is None:
        raise IngestError(
            f"There is no topic {topic_slug!r}.", code="topic.unknown", topic=topic_slug[:64]
        )
    try:
        rule = parse_rule(topic.rule) if topic.rule.strip() else None
    except RuleError as error:
        raise IngestError(
            f"The rule of topic {topic.slug} is not valid: {error}",
            code="topic.bad_rule",
            topic=topic.slug,
            reason=error,
        ) from None
    started = last_report = time.monotonic()
    seen = matched = changed = 0
    logger.info("retagging every article for topic %s", topic.slug)
    for article in store.iter_articles():
        seen += 1
        has_tag = topic.slug in article.topic_slugs
        wants_tag = rule is not None and ArticleText(article.title, article.body).matches(rule)
        matched += wants_tag
        if wants_tag != has_tag:
            others = [slug for slug in article.topic_slugs if slug != topic.slug]
            store.set_article_topics(article.id, [*others, topic.slug] if wants_tag else others)
            changed += 1
        if time.monotonic() - last_report >= PROGRESS_EVERY_SECONDS:
            last_report = time.monotonic()
            logger.info(
                "retagging %s: %d articles checked, %d match so far", topic.slug, seen, matched
            )
    logger.info(
        "retagged %s: %d articles checked, %d match, %d changed in %.1f s",
        topic.slug,
        seen,
        matched,
        changed,
        time.monotonic() - started,
    )
    return matched
