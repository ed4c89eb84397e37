"""Hardening benchmark (``newsbot bench hardening``): hostile input, each figure beside its bound.

Everything runs on 127.0.0.1, bounded in count and time:

- peak memory while a 629 MB double-gzip bomb and a 300 MB single-gzip bomb are fetched (at
  most 20 MB above idle), beside httpx's own decoding of the same bodies (what the fetcher did
  before; measured last, because it leaves the process larger);
- wall time of a fetch from a server that drips its headers (at most the total timeout + 1 s);
- reply time of other users' /help while 6 admin /add's of such a server hang (at most 1 s),
  beside the same /help with nothing in flight, and how long closing the bot then takes;
- peak memory of a ``newsbot run`` webhook process while 6 parallel 95 MB POSTs without the
  secret hit it (at most 50 MB above idle), against the benchmarks' fake Bot API that ships
  with the package (bot/bench_bot_api.py, a process of its own), so it runs from the
  installed command too.

Peak memory is the kernel's high-water mark (VmHWM, reset through /proc/PID/clear_refs before
each figure), with a 2 ms RSS sampler as a fallback where the reset is not allowed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.bench_bot_api import BotApiProcess

MB = 1024 * 1024
BOMB_BOUND_MB = 20.0
WEBHOOK_BOUND_MB = 50.0
TOKEN = "123456789:BENCH-hardening_token-abcdefghijklmnop"
HELP_BOUND_SECONDS = 1.0
DRIP_MARGIN_SECONDS = 1.0


@dataclass
class Figure:
    """One line of the report."""

    name: str
    value: float
    unit: str
    bound: float
    baseline: str = ""

    @property
    def ok(self) -> bool:
        return self.value <= self.bound


# --- memory -------------------------------------------------------------------------------


def _status_kb(pid: int | str, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field} in /proc/{pid}/status")


@contextmanager
def peak_memory(pid: int | str = "self") -> Iterator[dict[str, float]]:
    """Yields a dict that holds ``idle_mb`` and, after the block, ``peak_mb`` of process ``pid``."""
    gc.collect()
    result = {"idle_mb": _status_kb(pid, "VmRSS") / 1024, "peak_mb": 0.0}
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")  # resets VmHWM to the current RSS
        exact = True
    except OSError:
        exact = False
    sampled = [result["idle_mb"]]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                sampled.append(_status_kb(pid, "VmRSS") / 1024)
            except OSError:
                return
            stop.wait(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        stop.set()
        sampler.join()
        high = _status_kb(pid, "VmHWM") / 1024 if exact else 0.0
        result["peak_mb"] = max(high, *sampled)


# --- a hostile web server -------------------------------------------------------------------


@dataclass
class Answer:
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


# --- the figures ----------------------------------------------------------------------------


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
            8.0,
            f"fetch deadline {timeout:g} s",
        ),
    ]


def bench_help(server: HostileServer, hung: int, timeout: float, users: int) -> list[Figure]:
    return asyncio.run(_help_while_hung(server, hung, timeout, users))


def _post_without_secret(port: int, size: int) -> str:
    """POST ``size`` bytes of body without the secret header; the status line (or the error)."""
    head = (
        f"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    ).encode()
    chunk = b"x" * MB
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
            connection.sendall(head)
            sent = 0
            try:
                while sent < size:
                    connection.sendall(chunk[: size - sent])
                    sent += min(len(chunk), size - sent)
            except OSError:
                pass  # refused on the headers: the server hung up mid-body
            reply = connection.recv(200)
            return reply.split(b"\r\n", 1)[0].decode("latin-1") or "closed"
    except OSError as error:
        return type(error).__name__


def bench_webhook(posts: int, size_mb: int) -> Figure | None:
    root = Path(__file__).resolve().parents[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # No overall rate limit: the bot only calls getMe, deleteWebhook, setWebhook and the like.
    with BotApiProcess(0) as api, tempfile.TemporaryDirectory(prefix="newsbot-bench-") as folder:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(root),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bot.db'}",
            "NEWSBOT_DATA_DIR": folder,
            "NEWSBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "NEWSBOT_WEBHOOK_LISTEN": "127.0.0.1",
            "NEWSBOT_WEBHOOK_PORT": str(port),
            "NEWSBOT_WEBHOOK_SECRET": "bench-secret-0123456789",
        }
        with open(Path(folder) / "bot.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            while not api.wait_for("setWebhook", 0.1) and time.monotonic() < deadline:
                if process.poll() is not None:
                    break
            if "setWebhook" not in api.stats()["calls"]:
                log_text = (Path(folder) / "bot.log").read_text(errors="replace")[-500:]
                print(f"  webhook: the bot did not start in webhook mode:\n{log_text}")
                return None
            time.sleep(1.0)  # let start-up settle before reading the idle size
            with peak_memory(process.pid) as memory:
                results: list[str] = []
                threads = [
                    threading.Thread(
                        target=lambda: results.append(_post_without_secret(port, size_mb * MB))
                    )
                    for _ in range(posts)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(120)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    grown = memory["peak_mb"] - memory["idle_mb"]
    answers = ", ".join(sorted(set(results)))
    print(
        f"  webhook: idle {memory['idle_mb']:.0f} MB, peak {memory['peak_mb']:.0f} MB ({answers})",
        flush=True,
    )
    return Figure(
        f"peak memory, webhook hit by {posts} parallel {size_mb} MB POSTs without the secret",
        grown,
        "MB above idle",
        WEBHOOK_BOUND_MB,
        f"idle {memory['idle_mb']:.0f} MB",
    )


def _report(figures: list[Figure]) -> None:
    width = max(len(figure.name) for figure in figures)
    print()
    print(f"{'figure':<{width}}  {'measured':>12}  {'bound':>8}       baseline / note")
    for figure in figures:
        verdict = "ok" if figure.ok else "OVER"
        digits = 3 if figure.unit == "s" else 1
        print(
            f"{figure.name:<{width}}  {figure.value:>9.{digits}f} {figure.unit[:2]:<2}  "
            f"{figure.bound:>6.1f} {figure.unit[:2]:<2}  {verdict:<4}  {figure.baseline}"
        )
    print("(MB: above idle; s: seconds)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsbot bench hardening", description=__doc__)
    parser.add_argument("--timeout", type=float, default=30.0, help="fetch total timeout, s")
    parser.add_argument("--hung", type=int, default=6, help="hung fetches in flight")
    parser.add_argument("--users", type=int, default=20, help="users asking /help")
    parser.add_argument("--double-mb", type=int, default=629, help="double-gzip bomb, inflated")
    parser.add_argument("--single-mb", type=int, default=300, help="single-gzip bomb, inflated")
    parser.add_argument("--posts", type=int, default=6, help="parallel webhook POSTs")
    parser.add_argument("--post-mb", type=int, default=95, help="size of each webhook POST")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip httpx's decoding of the bombs"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.timeout <= 120 or not 1 <= args.hung <= 32 or not 1 <= args.users <= 200:
        parser.error("--timeout 1..120, --hung 1..32, --users 1..200")
    if not 1 <= args.double_mb <= 2048 or not 1 <= args.single_mb <= 2048:
        parser.error("bombs of 1..2048 MB")
    if not 1 <= args.posts <= 16 or not 1 <= args.post_mb <= 200:
        parser.error("--posts 1..16, --post-mb 1..200")
    if not Path("/proc/self/status").exists():
        print("newsbot bench hardening: needs Linux (/proc) to read memory", file=sys.stderr)
        return 1
    logging.getLogger("ingest").setLevel(logging.WARNING)  # no "created default topic" lines
    server = HostileServer()
    figures: list[Figure] = []
    try:
        print("bombs (built in memory first) ...", flush=True)
        bombs = bench_bombs(server, args.double_mb, args.single_mb)
        figures += bombs
        print("dripped headers ...", flush=True)
        figures.append(bench_drip(server, args.timeout))
        print("/help while fetches hang ...", flush=True)
        figures += bench_help(server, args.hung, args.timeout, args.users)
        print("webhook ...", flush=True)
        webhook = bench_webhook(args.posts, args.post_mb)
        if webhook is not None:
            figures.append(webhook)
        if not args.no_baseline:
            print("baseline: the bombs through httpx's own decoding ...", flush=True)
            bench_old_bombs(server, bombs)
    finally:
        server.close()
    _report(figures)
    return 0 if all(figure.ok for figure in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
