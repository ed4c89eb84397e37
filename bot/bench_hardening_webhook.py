"""The webhook figure of ``newsbot bench hardening``: oversized POSTs without the secret.

``newsbot run`` in webhook mode, a process of its own, against the benchmarks' fake Bot API
(bot/bench_bot_api.py, shipped with the package, so this runs from the installed command);
its peak memory while parallel POSTs of many megabytes without the secret header hit it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bot.bench_bot_api import BotApiProcess
from bot.bench_hardening_figures import MB, Figure, peak_memory

WEBHOOK_BOUND_MB = 50.0
TOKEN = "123456789:BENCH-hardening_token-abcdefghijklmnop"


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
