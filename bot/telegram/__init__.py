"""The Telegram front end: a thin python-telegram-bot v22 adapter over ``bot.core``.

``app`` builds and runs the Application (polling or webhook), ``handlers`` turns updates into
core Requests, ``replies`` sends the core's Replies as HTML, ``redact`` keeps the token out
of logs.
"""
