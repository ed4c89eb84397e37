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
        "economy, economic, economies, GDP, inflation, recession, economic growth, "
        "unemployment, jobless, trade deficit, trade surplus, trade war, free trade, "
        "world trade, trade talks, tariff, central bank, interest rate, IMF, World Bank, WTO, "
        "экономика, инфляция, ВВП, рецессия, ключевая ставка, Центробанк",
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
        "energy, oil, gas, pipeline, LNG, electricity, power plant, power station, nuclear "
        "power, solar, wind power, wind farm, wind turbine, coal, OPEC, renewable, нефть, "
        "газ, энергетика",
    ),
    DefaultTopic(
        "climate",
        "Climate",
        "climate, emissions, carbon, global warming, greenhouse, net zero, климат",
    ),
    DefaultTopic(
        "security",
        "Security and defence",
        "military, army, armed forces, defence ministry, defence minister, defence secretary, "
        "Ministry of Defence, Pentagon, defense secretary, missile strike, ballistic missile, "
        "missile defence, cruise missile, troops, NATO, warfare, civil war, at war, war crimes, "
        "airstrike, weapons, terrorism, terrorist, terror suspects, армия, военный, НАТО",
    ),
    DefaultTopic(
        "health",
        "Health",
        "health, hospital, NHS, vaccine, disease, pandemic, epidemic, medical, medicine, "
        "patients, WHO, здоровье, больница, вакцина",
    ),
)


def ensure_default_topics(store: Store) -> None:
    """Create each default topic once in the database's life: one an admin deleted stays deleted.

    Existing topics (and edits to them) are kept; a default added by a newer version appears.
    """
    for topic in DEFAULT_TOPICS:
        parse_rule(topic.rule)
    created = store.seed_default_topics([(t.slug, t.name, t.rule) for t in DEFAULT_TOPICS])
    for slug in created:
        logger.info("created default topic %s", slug)
