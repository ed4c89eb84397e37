"""Fixtures of the Telegram tests: the fake Bot API server and the users who talk to the bot."""

from tests.support.fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    admin_user,
    bot_api_server,
    bot_env,
    group_chat,
    plain_user,
)
