"""A minimal fake Bot API that ships with the package, for benchmarks that start ``newsbot run``.

The tests' fake (tests/support) checks every call like Telegram and is not installed; a
benchmark run from the installed command only needs a server the bot can start against:
``getMe`` answers a bot user, every other method ``true``, and the methods called are kept
in order (so a benchmark can wait for ``setWebhook``). The standard library's threading
server is enough here: the bot makes a handful of calls at start and stop.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

BOT_USER = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
_METHOD = re.compile(r"^/bot[^/]+/(\w+)$")


class MinimalBotApi:
    """A local Bot API answering any method; ``with MinimalBotApi() as api: api.url``."""

    def __init__(self) -> None:
        self.token = f"1:{secrets.token_hex(16)}"
        self.calls: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The API root to give the bot (TELEGRAM_API_URL)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def wait_for(self, method: str, timeout: float) -> bool:
        """True once ``method`` was called, False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if method in self.calls:
                    return True
            time.sleep(0.05)
        return False

    def __enter__(self) -> MinimalBotApi:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                match = _METHOD.match(self.path.split("?")[0])
                if match is None:
                    self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = match.group(1)
                with api._lock:
                    api.calls.append(method)
                result: Any = BOT_USER if method.lower() == "getme" else True
                self._answer(200, {"ok": True, "result": result})

            do_GET = do_POST  # the same answer whichever verb PTB uses

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return  # no access log on the benchmark's output

        return Handler
