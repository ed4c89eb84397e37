"""Operating the bot: logging setup, error alerts, Prometheus metrics, /healthz, bounded shutdown.

Nothing here knows command logic; ``bot.observability.telegram`` is the only module that
knows python-telegram-bot, and storage, summarizer and ingest never import this package (the
counts they contribute arrive through callbacks registered by the bot).
"""
