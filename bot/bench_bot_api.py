"""The fake Telegram Bot API of the benchmarks, shipped so they run from the installed command.

One server for every ``newsbot bench`` that needs a Bot API: the fan-out benchmarks
(``bench fanout``, ``bench digest``: bot/digests/bench_fanout.py) and the webhook figure of
``bench hardening`` (bot/bench_hardening_webhook.py). The tests' full fake (tests/support)
validates every parameter and keeps every call, which costs more CPU than a benchmark can
spare and is not installed. This one answers ``getMe`` and ``sendMessage`` (anything else:
``true``), enforces Telegram's flood limits with the buckets of bot/digests/flood_limits.py
(R messages a second overall, 1 a second per chat, 20 a minute per group; 429 with
retry_after past them) and counts, per chat, the distinct texts it delivered and any text
delivered twice (a duplicate), and how often each other method was called.

It runs in a process of its own (``BotApiProcess``), so that a benchmark can measure the
engine's CPU (or the bot's memory) without the server's:

    python -m bot.bench_bot_api --rate 300 [--port 0]

prints ``listening on http://127.0.0.1:PORT`` once ready. ``GET /stats`` answers the counts as
JSON; ``POST /reset`` clears them (and the limits' buckets) between two runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import zlib
from collections import Counter
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.digests.flood_limits import RateLimiter

if TYPE_CHECKING:
    import httpx

ME = {
    "id": 1,
    "is_bot": True,
    "first_name": "Bench",
    "username": "bench_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


class BenchApi:
    """The counting state of one fake Bot API (one event loop: no locking needed)."""

    def __init__(self, rate: float, *, tolerance: float = 0.05) -> None:
        self.rate = rate
        self.tolerance = tolerance
        self.reset()

    def reset(self) -> None:
        """Forget every count and refill the flood-limit buckets."""
        self.limiter = RateLimiter(self.rate, 1.0, 20.0, tolerance=self.tolerance)
        self.delivered = 0
        self.too_many = 0
        self.duplicates = 0
        self.paid = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self._texts: dict[int, set[int]] = {}
        self._message_id = 0
        # Methods other than sendMessage (whose outcomes the counts above are), in the order
        # first called: a benchmark waits for the bot's setWebhook here.
        self.calls: Counter[str] = Counter()

    def send(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """One sendMessage: (HTTP status, body)."""
        try:
            chat_id = int(params["chat_id"])
            text = str(params["text"])
        except (KeyError, TypeError, ValueError):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: no chat"}
        retry_after = self.limiter.check(chat_id, chat_id < 0)
        if retry_after is not None:
            self.too_many += 1
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
        now = time.time()
        if self.first_at is None:
            self.first_at = now
        self.last_at = now
        self.delivered += 1
        if str(params.get("allow_paid_broadcast", "")).lower() in ("true", "1"):
            self.paid += 1
        seen = self._texts.setdefault(chat_id, set())
        fingerprint = zlib.crc32(text.encode())
        if fingerprint in seen:
            self.duplicates += 1
        seen.add(fingerprint)
        self._message_id += 1
        chat_type = "group" if chat_id < 0 else "private"
        message = {
            "message_id": self._message_id,
            "date": int(now),
            "chat": {"id": chat_id, "type": chat_type},
        }
        return 200, {"ok": True, "result": message}

    def stats(self) -> dict[str, Any]:
        """The counts so far; ``distinct_per_chat`` maps a count of distinct texts to chats."""
        histogram = Counter(len(texts) for texts in self._texts.values())
        return {
            "delivered": self.delivered,
            "too_many": self.too_many,
            "duplicates": self.duplicates,
            "paid": self.paid,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "chats": len(self._texts),
            "distinct_per_chat": {str(count): chats for count, chats in histogram.items()},
            "calls": dict(self.calls),
        }


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    return dict(await request.post())


def build_app(api: BenchApi) -> web.Application:
    """The aiohttp application serving ``/bot<token>/<method>``, ``/stats`` and ``/reset``."""

    async def method(request: web.Request) -> web.Response:
        called = request.match_info["method"]
        name = called.lower()
        if name == "sendmessage":
            status, body = api.send(await _params(request))
        elif name == "getme":
            api.calls[called] += 1
            status, body = 200, {"ok": True, "result": ME}
        else:
            api.calls[called] += 1
            await request.read()
            status, body = 200, {"ok": True, "result": True}
        return web.Response(status=status, text=json.dumps(body), content_type="application/json")

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response(api.stats())

    async def reset(_request: web.Request) -> web.Response:
        api.reset()
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", method)
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    return app


async def serve(rate: float, host: str, port: int) -> None:
    """Serve until killed; print the address once listening."""
    runner = web.AppRunner(build_app(BenchApi(rate)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"listening on http://{host}:{bound}", flush=True)
    await asyncio.Event().wait()


class BotApiProcess:
    """The fake Bot API in a process of its own (its CPU and memory are not the benchmark's).

    ``with BotApiProcess(rate) as api:`` gives the bot ``api.url`` (TELEGRAM_API_URL); any
    token is accepted.
    """

    def __init__(self, rate: float) -> None:
        import httpx  # here, not at the top: the server process has no use for it

        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.bench_bot_api", "--rate", str(rate)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"the fake Bot API did not start: {line!r}")
        self.url = line.removeprefix("listening on ")
        self.client: httpx.Client = httpx.Client(base_url=self.url, timeout=30)

    def stats(self) -> dict[str, Any]:
        """The server's counts (``BenchApi.stats``)."""
        return dict(self.client.get("/stats").json())

    def reset(self) -> None:
        """Forget the counts and refill the flood-limit buckets."""
        self.client.post("/reset")

    def wait_for(self, method: str, timeout: float) -> bool:
        """True once the bot called ``method`` (not sendMessage), False after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            if method in self.stats()["calls"]:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def close(self) -> None:
        """Stop the server process."""
        self.client.close()
        self.process.terminate()
        self.process.wait(10)

    def __enter__(self) -> BotApiProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fake Bot API in this process."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench_bot_api")
    parser.add_argument("--rate", type=float, default=30.0, help="messages/s overall; 0: none")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.rate, args.host, args.port))
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
