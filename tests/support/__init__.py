"""Test helpers shared across the suite: the fake Telegram Bot API server and its fixtures."""
