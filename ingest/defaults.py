"""The topics every newsbot starts with, and the idempotent step that creates them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ingest.tagging import parse_rule
from storage.store import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DefaultTopic:
    slug: str
    name: str
    rule: str


DEFAULT_TOPICS: tuple[DefaultTopic, ...] = (
    DefaultTopic(
        "china-russia",
        "China–Russia relations",
        "China, Chinese, Beijing, Xi, Xi Jinping, Китай, Пекин, Си Цзиньпин; "
        "Russia, Russian, Moscow, Putin, Kremlin, Россия, Москва, Путин, Кремль",
    ),
    DefaultTopic(
        "world-economy",
        "World economy",
        "economy, economic, economies, GDP, inflation, recession, growth, trade, tariff, "
        "central bank, interest rate, IMF, World Bank, экономика, инфляция, ВВП",
    ),
    DefaultTopic(
        "technology",
        "Technology",
        "technology, tech, software, chip, semiconductor, artificial intelligence, AI, "
        "computer, internet, smartphone, startup, cyber, технология, интернет",
    ),
    DefaultTopic(
        "energy",
        "Energy",
        "energy, oil, gas, pipeline, LNG, electricity, power plant, nuclear, solar, wind, "
        "coal, OPEC, renewable, нефть, газ, энергетика",
    ),
    DefaultTopic(
        "climate",
        "Climate",
        "climate, emissions, carbon, global warming, greenhouse, net zero, климат",
    ),
    DefaultTopic(
        "security",
        "Security and defence",
        "military, army, defence, defense, missile, troops, NATO, war, weapons, "
        "армия, военный, НАТО",
    ),
    DefaultTopic(
        "health",
        "Health",
        "health, hospital, vaccine, virus, disease, pandemic, medical, WHO, здоровье",
    ),
)


def ensure_default_topics(store: Store) -> None:
    """Create the default topics that are missing; existing topics (and edits to them) are kept."""
    existing = {topic.slug for topic in store.list_topics()}
    for topic in DEFAULT_TOPICS:
        if topic.slug in existing:
            continue
        parse_rule(topic.rule)
        store.upsert_topic(topic.slug, topic.name, topic.rule)
        logger.info("created default topic %s", topic.slug)
