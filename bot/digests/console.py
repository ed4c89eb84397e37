"""Digests in the console chat: a plain-text Sender and a background timer thread.

The console (bot/console.py) calls ``start_console_digests`` once and ``stop()`` at exit; due
digests of the console chat are then printed between prompts, exactly as they would be sent
on Telegram, only rendered as plain text.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta

from bot.core.render import render_plain
from bot.core.types import Message
from bot.digests.delivery import Clock, DeliveryEngine, utc_now
from bot.digests.pacing import Pacer
from storage.store import Store

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 15.0


class ConsoleSender:
    """Writes each digest message as plain text through ``write``.

    With ``deliver`` (the console chat's), the message goes through it instead, so that its
    buttons (Summary #id, more stories) become the ones a typed number presses.
    """

    def __init__(
        self,
        write: Callable[[str], None] = print,
        deliver: Callable[[Sequence[Message]], None] | None = None,
    ) -> None:
        self.write = write
        self.deliver = deliver

    async def send(self, chat_id: int, message: Message) -> None:
        """Print the message, marked as a digest."""
        if self.deliver is not None:
            self.write("\n── digest ──")
            self.deliver([message])
            return
        text, _ = render_plain(message)
        self.write(f"\n── digest ──\n{text}\n")


class ConsoleDigests:
    """A daemon thread that runs the delivery engine for the console chat every few seconds."""

    def __init__(self, engine: DeliveryEngine, interval: float) -> None:
        self.engine = engine
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._replan: set[int] = set()
        self._thread = threading.Thread(target=self._run, name="console-digests", daemon=True)

    def start(self) -> ConsoleDigests:
        """Start the timer thread (the first pass runs at once)."""
        self._thread.start()
        return self

    def poke(self, chat_id: int | None = None) -> None:
        """Run a pass now, re-planning the chat first; usable as the Core's change hook."""
        if chat_id is not None:
            with self._lock:
                self._replan.add(chat_id)
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread, letting a pass in progress finish its current message."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            while not self._stop.is_set():
                with self._lock:
                    replan, self._replan = self._replan, set()
                try:
                    for chat_id in replan:
                        loop.run_until_complete(self.engine.replan(chat_id))
                    loop.run_until_complete(self.engine.run_once())
                except Exception:
                    log.exception("console digest pass failed")
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            try:
                loop.run_until_complete(self.engine.close())  # give the digest lease up
            except Exception:
                log.warning("could not release the console's digest lease", exc_info=True)
            loop.close()


def start_console_digests(
    store: Store,
    chat_id: int,
    *,
    write: Callable[[str], None] = print,
    clock: Clock | None = None,
    interval: float = DEFAULT_INTERVAL,
    deliver: Callable[[Sequence[Message]], None] | None = None,
) -> ConsoleDigests:
    """Deliver the console chat's due digests in the background; returns the running timer."""
    engine = DeliveryEngine(
        store,
        ConsoleSender(write, deliver),
        clock=clock or utc_now,
        pacer=Pacer(private_interval=0.0, group_interval=0.0),
        only_chat=chat_id,
        concurrency=1,
        stale_after=timedelta(seconds=60),
    )
    return ConsoleDigests(engine, interval).start()
