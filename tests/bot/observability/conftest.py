"""Fixtures of the observability tests: the fake Bot API, a bot process environment."""

from __future__ import annotations

from tests.support import fixtures as shared

bot_api_server = shared.bot_api_server
admin_user = shared.admin_user
plain_user = shared.plain_user
bot_env = shared.bot_env
