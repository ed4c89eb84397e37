"""The command registry: ``@command`` and ``@callback`` decorators that command modules use.

A command module (bot/core/commands/<area>.py) decorates async handlers; importing the module
registers them. ``bot.core.app`` imports every module of bot/core/commands and dispatches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.types import CommandInfo, Reply, Request

if TYPE_CHECKING:
    from bot.core.context import Context

CommandHandler = Callable[["Context", Request], Awaitable[Reply]]
CallbackHandler = Callable[["Context", Request, str], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A registered command: its handler and how /help and the menu describe it."""

    name: str
    handler: CommandHandler
    help: str
    usage: str = ""
    examples: tuple[str, ...] = ()
    admin: bool = False
    menu: bool = True
    order: int = 0

    @property
    def info(self) -> CommandInfo:
        """How /help and the menu describe this command."""
        return CommandInfo(self.name, self.help, self.usage, self.examples, self.admin)


@dataclass(frozen=True, slots=True)
class CallbackSpec:
    """A registered callback-data prefix (the part before the first ':')."""

    prefix: str
    handler: CallbackHandler


COMMANDS: dict[str, CommandSpec] = {}
CALLBACKS: dict[str, CallbackSpec] = {}
_ORDER = [0]


class RegistryError(RuntimeError):
    """Two modules registered the same command or prefix (a programming error)."""


def command(
    name: str,
    *,
    help: str,
    usage: str = "",
    examples: tuple[str, ...] | list[str] = (),
    admin: bool = False,
    menu: bool = True,
) -> Callable[[CommandHandler], CommandHandler]:
    """Register ``async def handler(ctx, req) -> Reply`` as ``/name``.

    ``admin`` commands are refused (politely, and audited) for non-admins before the handler
    runs.
    ``menu=False`` keeps it out of Telegram's command menu (it still shows in /help).
    """
    key = name.lower().lstrip("/")

    def register(handler: CommandHandler) -> CommandHandler:
        existing = COMMANDS.get(key)
        if existing is not None:
            if existing.handler is handler:
                return handler
            raise RegistryError(f"/{key} is registered twice")
        _ORDER[0] += 1
        COMMANDS[key] = CommandSpec(
            key, handler, help, usage, tuple(examples), admin, menu, _ORDER[0]
        )
        return handler

    return register


def callback(prefix: str) -> Callable[[CallbackHandler], CallbackHandler]:
    """Register ``async def handler(ctx, req, payload) -> Reply`` for data ``prefix:payload``."""
    key = prefix.rstrip(":")

    def register(handler: CallbackHandler) -> CallbackHandler:
        existing = CALLBACKS.get(key)
        if existing is not None:
            if existing.handler is handler:
                return handler
            raise RegistryError(f"callback prefix {key!r} is registered twice")
        CALLBACKS[key] = CallbackSpec(key, handler)
        return handler

    return register


def ordered_commands() -> list[CommandSpec]:
    """Every registered command in registration order (the order /help shows)."""
    return sorted(COMMANDS.values(), key=lambda spec: spec.order)
