"""Progress while a command works: "Fetching example.com …" before a slow answer.

A command calls ``await report_progress(text)``; the adapter that handles the request decides
what that means (Telegram: a typing action and a message that the answer then replaces; the
console: a line). The hook travels in a context variable, so the core's handlers keep their
``(ctx, req)`` shape and a request without a hook (tests, digests) reports nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.core.types import Text

log = logging.getLogger(__name__)

ProgressHook = Callable[[Text], Awaitable[None]]
_HOOK: ContextVar[ProgressHook | None] = ContextVar("newsbot_progress_hook", default=None)


@contextmanager
def reporting_progress(hook: ProgressHook) -> Iterator[None]:
    """Within the block, ``report_progress`` in this task calls ``hook``."""
    token = _HOOK.set(hook)
    try:
        yield
    finally:
        _HOOK.reset(token)


async def report_progress(text: Text) -> None:
    """Tell the user what is happening; a failure to tell them never stops the work."""
    hook = _HOOK.get()
    if hook is None:
        return
    try:
        await hook(text)
    except Exception:
        log.warning("could not report progress", exc_info=True)
