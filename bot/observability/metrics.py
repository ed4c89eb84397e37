"""The bot's Prometheus metrics, in a registry of their own (one per running bot).

Names follow Prometheus conventions (``_total`` counters, ``_seconds`` histograms). Counts
come from the places that know them: the update handler wrapper and the Bot API request
wrapper (``bot.observability.telegram``), the digest engine's pass reports, the feed poll
job, and the ingestion callbacks the bot registers (``ingest.pipeline.add_observer``).
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

# Handler latency: most commands answer in milliseconds; /add of a URL takes seconds.
HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
SUMMARIZER_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
DIGEST_OUTCOMES = ("sent", "empty", "failed", "blocked", "resumed")
MESSAGE_OUTCOMES = ("sent", "failed", "blocked")


class Metrics:
    """Every metric of one bot; ``render()`` is the body of GET /metrics."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter(
            "newsbot_updates", "Updates handled, by command", ["command"], registry=r
        )
        self.handler_seconds = Histogram(
            "newsbot_handler_seconds",
            "Time to handle one update, by command",
            ["command"],
            buckets=HANDLER_BUCKETS,
            registry=r,
        )
        self.digests = Counter(
            "newsbot_digests", "Digest deliveries, by outcome", ["outcome"], registry=r
        )
        self.messages = Counter(
            "newsbot_messages",
            "Telegram messages sent or edited, by outcome (blocked: 403 from the chat)",
            ["outcome"],
            registry=r,
        )
        self.rate_limited = Counter(
            "newsbot_telegram_rate_limited",
            "429 Too Many Requests answers from the Bot API",
            registry=r,
        )
        self.retry_after_seconds = Counter(
            "newsbot_telegram_retry_after_seconds",
            "Total retry_after the Bot API asked us to wait",
            registry=r,
        )
        self.feed_polls = Counter("newsbot_feed_polls", "Feed polls", registry=r)
        self.feed_errors = Counter("newsbot_feed_errors", "Feed polls that failed", registry=r)
        self.articles_stored = Counter("newsbot_articles_stored", "New articles stored", registry=r)
        self.summarizer_seconds = Histogram(
            "newsbot_summarizer_seconds",
            "Time to summarize one article",
            buckets=SUMMARIZER_BUCKETS,
            registry=r,
        )
        self.due_digests = Gauge(
            "newsbot_due_digests", "Digests due and not yet delivered (backlog)", registry=r
        )
        self.digest_pace = Gauge(
            "newsbot_digest_pace",
            "Digest messages a second the pacer allows now (halved by 429s, then climbing back)",
            registry=r,
        )
        # Outcomes that never happened still show as 0, so dashboards and alerts see them.
        for outcome in DIGEST_OUTCOMES:
            self.digests.labels(outcome)
        for outcome in MESSAGE_OUTCOMES:
            self.messages.labels(outcome)

    def observe_handler(self, command: str, seconds: float) -> None:
        """One update was handled."""
        self.updates.labels(command).inc()
        self.handler_seconds.labels(command).observe(seconds)

    def observe_digest_report(
        self, *, sent: int, empty: int, failed: int, blocked: int, resumed: int
    ) -> None:
        """Add one delivery pass's counts."""
        for outcome, count in (
            ("sent", sent),
            ("empty", empty),
            ("failed", failed),
            ("blocked", blocked),
            ("resumed", resumed),
        ):
            if count:
                self.digests.labels(outcome).inc(count)

    def observe_send(self, outcome: str, retry_after: float = 0.0) -> None:
        """A message sent past PTB's request wrapper: 'sent', 'blocked', 'failed' or
        'rate_limited' (a 429 asking to wait ``retry_after`` seconds)."""
        if outcome == "rate_limited":
            self.rate_limited.inc()
            self.retry_after_seconds.inc(retry_after)
        elif outcome in MESSAGE_OUTCOMES:
            self.messages.labels(outcome).inc()

    def observe_ingest(self, event: str, value: float) -> None:
        """An ingestion callback: ('summarized', seconds) or ('stored', count)."""
        if event == "summarized":
            self.summarizer_seconds.observe(value)
        elif event == "stored":
            self.articles_stored.inc(value)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
