"""Command modules, one per area; each registers its handlers with ``bot.core.registry``."""
