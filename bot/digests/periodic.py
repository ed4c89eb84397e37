"""A background chore repeated while a block of code runs (the lease's heartbeat, the
progress recorder's flush)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable


@contextlib.asynccontextmanager
async def every(
    seconds: float, chore: Callable[[], Awaitable[object]], *, name: str, failed: str
) -> AsyncIterator[None]:
    """Run ``chore`` every ``seconds`` until the block ends; a failure is logged (``failed``)
    and the chore tried again next time (the database may be away for a while)."""
    log = logging.getLogger(getattr(chore, "__module__", None) or __name__)

    async def loop() -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await chore()
            except Exception:
                log.warning(failed, exc_info=True)

    task = asyncio.create_task(loop(), name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
