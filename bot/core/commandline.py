"""Splitting a message's text into command, arguments and whether it named this bot."""

from __future__ import annotations

import re

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)")


def split_command(text: str, bot_username: str = "") -> tuple[str, str, bool, bool]:
    """(command, args, addressed, for_us) for ``text``.

    ``command`` is lower-case without '/' and '@Bot' ('' when the text is not a command);
    ``args`` is everything after it, newlines kept; ``addressed`` says the command named a
    bot; ``for_us`` is False when it named another bot (``/latest@OtherBot``).
    """
    stripped = text.lstrip()
    match = _COMMAND.match(stripped)
    if match is None:
        return "", "", False, True
    name, target = match.group(1).lower(), match.group(2)
    rest = stripped[match.end() :]
    args = rest.lstrip(" \t")
    if args.startswith("\n"):
        args = args[1:]
    args = args.rstrip()
    for_us = target is None or not bot_username or target.lower() == bot_username.lower()
    return name, args, target is not None, for_us
