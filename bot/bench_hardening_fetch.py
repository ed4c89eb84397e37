"""The fetcher's figures of ``newsbot bench hardening``, against a hostile web server.

A server on 127.0.0.1 (a thread per connection) serves gzip bombs and answers that drip their
headers; measured against it: the fetcher's peak memory on the bombs (beside httpx's own
decoding, what the fetcher did before), the wall time of a fetch of dripped headers, and the
reply time of other users' /help while admin /add's of such a server hang (beside /help with
nothing in flight), then how long closing the bot takes.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.bench_hardening_figures import MB, Figure, peak_memory

BOMB_BOUND_MB = 20.0
HELP_BOUND_SECONDS = 1.0
DRIP_MARGIN_SECONDS = 1.0
CLOSE_BOUND_SECONDS = 8.0


@dataclass
class Answer:
    """What the server answers at a path: a body with headers, or headers dripped for a while."""

    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    drip_seconds: float = 0.0


class HostileServer:
    """Serves bombs and header-dripping answers on 127.0.0.1 (a thread per connection)."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                server._answer(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def hits_of(self, prefix: str) -> int:
        with self._lock:
            return sum(count for path, count in self.hits.items() if path.startswith(prefix))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.hits[handler.path] = self.hits.get(handler.path, 0) + 1
        answer = self.answers.get(handler.path)
        handler.close_connection = True
        try:
            if answer is None:
                handler.send_error(404)
            elif answer.drip_seconds:
                _drip(handler, answer.drip_seconds)
            else:
                handler.send_response(200)
                handler.send_header("Content-Type", "text/html; charset=utf-8")
                handler.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers:
                    handler.send_header(name, value)
                handler.end_headers()
                handler.wfile.write(answer.body)
        except OSError:
            return


def _drip(handler: BaseHTTPRequestHandler, seconds: float) -> None:
    """A status line, then one header byte every 0.1 s: no read timeout ever fires."""
    stop = time.monotonic() + seconds
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Drip: ")
    handler.wfile.flush()
    while time.monotonic() < stop:
        handler.wfile.write(b"a")
        handler.wfile.flush()
        time.sleep(0.1)


def gzip_of_zeros(size: int, level: int = 9) -> bytes:
    """gzip of ``size`` zero bytes, compressed a megabyte at a time."""
    packer = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    parts = [packer.compress(zeros) for _ in range(size // MB)]
    return b"".join([*parts, packer.flush()])


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _fetch_peak(fetch: Callable[[], object]) -> tuple[float, str]:
    with peak_memory() as memory:
        try:
            fetch()
            outcome = "fetched"
        except Exception as error:
            outcome = str(error)
    return memory["peak_mb"] - memory["idle_mb"], outcome


def _old_decoding(url: str, limit: int) -> None:
    """What the fetcher did before: httpx inflates each chunk, the cap is counted after it."""
    import httpx

    size = 0
    with httpx.Client(trust_env=False) as client, client.stream("GET", url) as response:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise ValueError(f"The page is too large (over {limit // MB} MB).")


def bench_bombs(server: HostileServer, double_mb: int, single_mb: int) -> list[Figure]:
    from ingest.fetch import Fetcher

    inner = gzip_of_zeros(double_mb * MB)
    double = _gzip(inner)
    single = gzip_of_zeros(single_mb * MB)
    del inner
    server.answers["/double"] = Answer(double, (("Content-Encoding", "gzip, gzip"),))
    server.answers["/single"] = Answer(single, (("Content-Encoding", "gzip"),))
    figures = []
    with Fetcher(allow_private_urls=True) as fetcher:
        for path, body, inflated in (
            ("/double", double, double_mb),
            ("/single", single, single_mb),
        ):
            grown, outcome = _fetch_peak(lambda path=path: fetcher.fetch(server.url(path)))
            label = "double" if path == "/double" else "single"
            name = f"peak memory, {len(body):,}-byte {label}-gzip bomb ({inflated} MB inflated)"
            print(f"  {name}: +{grown:.1f} MB ({outcome})", flush=True)
            figures.append(Figure(name, grown, "MB above idle", BOMB_BOUND_MB))
    return figures


def bench_old_bombs(server: HostileServer, figures: list[Figure]) -> None:
    """The baseline: the same bombs through httpx's decoding (run last: it grows the process)."""
    for figure, path in zip(figures, ("/double", "/single"), strict=True):
        grown, outcome = _fetch_peak(lambda path=path: _old_decoding(server.url(path), 5 * MB))
        figure.baseline = f"+{grown:.0f} MB with httpx decoding"
        print(f"  baseline {path}: +{grown:.1f} MB ({outcome})", flush=True)


def bench_drip(server: HostileServer, timeout: float) -> Figure:
    from ingest.fetch import Fetcher, FetchLimits

    server.answers["/drip"] = Answer(drip_seconds=timeout + 30)
    limits = FetchLimits(total_timeout=timeout, read_timeout=min(15.0, timeout))
    with Fetcher(allow_private_urls=True, limits=limits) as fetcher:
        started = time.perf_counter()
        try:
            fetcher.fetch(server.url("/drip"))
            outcome = "fetched"
        except Exception as error:
            outcome = str(error)
        elapsed = time.perf_counter() - started
    print(f"  dripped headers: {elapsed:.2f} s ({outcome})", flush=True)
    return Figure(
        f"wall time of a fetch from a header-dripping server (total timeout {timeout:g} s)",
        elapsed,
        "s",
        timeout + DRIP_MARGIN_SECONDS,
        f"server drips for {timeout + 30:g} s",
    )


async def _help_times(core: Any, first_user: int, count: int) -> list[float]:
    from bot.core.types import Chat, Request

    times = []
    for user in range(first_user, first_user + count):
        request = Request(chat=Chat(user, "private"), user_id=user, command="help", args="")
        started = time.perf_counter()
        await core.handle(request)
        times.append(time.perf_counter() - started)
    return times


async def _help_while_hung(
    server: HostileServer, hung: int, timeout: float, users: int
) -> list[Figure]:
    from bot.config import Settings
    from bot.core.app import Core
    from bot.core.types import Chat, Request
    from ingest.defaults import ensure_default_topics
    from storage import open_store

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        store = await asyncio.to_thread(open_store, url)
        await asyncio.to_thread(ensure_default_topics, store)
        settings = Settings(
            telegram_token=None,
            telegram_api_url="https://api.telegram.org",
            database_url=url,
            admin_ids=frozenset({1}),
            default_timezone="UTC",
            allow_private_urls=True,
            data_dir=Path(folder),
            fetch_timeout=timeout,
        )
        core = Core(store, settings)
        await _help_times(core, 500, 5)  # warm-up: first calls import and cache
        idle = await _help_times(core, 1000, users)
        for number in range(hung):
            server.answers[f"/hang{number}"] = Answer(drip_seconds=timeout + 30)
        admin = Chat(1, "private")
        tasks = [
            asyncio.create_task(
                core.handle(
                    Request(chat=admin, user_id=1, command="add", args=server.url(f"/hang{n}"))
                )
            )
            for n in range(hung)
        ]
        deadline = time.monotonic() + 10
        while server.hits_of("/hang") < hung and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        busy = await _help_times(core, 2000, users)
        in_flight = sum(not task.done() for task in tasks)
        started = time.perf_counter()
        await core.close()
        await asyncio.gather(*tasks, return_exceptions=True)
        closed = time.perf_counter() - started
        await asyncio.to_thread(store.close)
    print(
        f"  /help: median {statistics.median(busy) * 1000:.1f} ms, worst {max(busy) * 1000:.1f} ms "
        f"with {in_flight} fetches hung; idle median {statistics.median(idle) * 1000:.1f} ms; "
        f"closing took {closed:.2f} s",
        flush=True,
    )
    busy_ms, idle_ms = statistics.median(busy) * 1000, statistics.median(idle) * 1000
    ratio = busy_ms / max(idle_ms, 1e-6)
    return [
        Figure(
            f"worst reply time of {users} users' /help while {in_flight} fetches hang",
            max(busy),
            "s",
            HELP_BOUND_SECONDS,
            f"median {busy_ms:.1f} ms vs {idle_ms:.1f} ms idle (x{ratio:.2f})",
        ),
        Figure(
            f"closing the bot with {in_flight} fetches hung",
            closed,
            "s",
            CLOSE_BOUND_SECONDS,
            f"fetch deadline {timeout:g} s",
        ),
    ]


def bench_help(server: HostileServer, hung: int, timeout: float, users: int) -> list[Figure]:
    return asyncio.run(_help_while_hung(server, hung, timeout, users))
