"""The Telegram front end: a thin python-telegram-bot v22 adapter over ``bot.core``.

``app`` builds and runs the Application (polling or webhook), ``handlers`` turns updates into
core Requests (``requests`` converts them), ``replies`` sends the core's Replies as HTML,
``jobs`` adds digests and feed polling, ``redact`` keeps the token out of logs.
"""
