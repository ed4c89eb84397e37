"""A small local web site for ingestion tests: pages, feeds, redirects, slow and huge answers.

Routes are mutable between requests (a feed that changes between polls), every request is
recorded with its headers (conditional GET), and a route may answer 304 to a matching ETag.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    stream_bytes: int = 0
    send_length: bool = True
    drip_seconds: float = 0.0  # send the status line and headers one byte at a time, this long


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-answer (timeouts, size caps) are expected here."""


class Site:
    """A threaded HTTP server on 127.0.0.1 (or ::1) with routes set by the test."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        """``host="::1"`` serves on IPv6 loopback (URLs ``http://[::1]:port/...``)."""
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def setup(self) -> None:
                super().setup()
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                site._answer(self)

        server_class = _QuietServer
        if ":" in host:
            ipv6 = {"address_family": socket.AF_INET6}
            server_class = type("_QuietServer6", (_QuietServer,), ipv6)
        self._host = f"[{host}]" if ":" in host else host
        self._server = server_class((host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://{self._host}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes = b"", **options: object) -> str:
        """Serve ``body`` at ``path``; returns the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, target: str, status: int = 302) -> str:
        """Answer ``path`` with a redirect to ``target``."""
        return self.add(path, b"", status=status, headers={"Location": target})

    def hits_of(self, path: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.hits.append(Hit(path, {k.lower(): v for k, v in handler.headers.items()}))
        route = self.routes.get(path)
        if route is None:
            self._send(handler, 404, b"not found", "text/plain", {})
            return
        if route.delay:
            time.sleep(route.delay)
        if route.drip_seconds:
            self._drip(handler, route.drip_seconds)
            return
        headers = dict(route.headers)
        if route.etag is not None:
            headers["ETag"] = route.etag
            headers["Last-Modified"] = formatdate(0, usegmt=True)
            if handler.headers.get("If-None-Match") == route.etag:
                self._send(handler, 304, b"", None, headers)
                return
        if route.stream_bytes:
            self._stream(handler, route, headers)
            return
        self._send(
            handler, route.status, route.body, route.content_type, headers, route.send_length
        )

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str],
        send_length: bool = True,
    ) -> None:
        try:
            handler.send_response(status)
            if content_type:
                handler.send_header("Content-Type", content_type)
            for name, value in headers.items():
                handler.send_header(name, value)
            if send_length or status == 304:
                handler.send_header("Content-Length", str(len(body)))
            else:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            if status != 304:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            return

    def _stream(
        self, handler: BaseHTTPRequestHandler, route: Route, headers: dict[str, str]
    ) -> None:
        """Send ``stream_bytes`` of filler without a Content-Length, until the client hangs up."""
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", route.content_type)
            handler.send_header("Connection", "close")
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.close_connection = True
            chunk = b"<p>" + b"filler text " * 5000 + b"</p>\n"
            sent = 0
            while sent < route.stream_bytes:
                handler.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return

    def _drip(self, handler: BaseHTTPRequestHandler, seconds: float) -> None:
        """Headers a byte every 0.1 s (no read timeout ever fires) for ``seconds``, then hang up.

        An endless header block: a client without one deadline for the whole request waits
        as long as the server goes on.
        """
        handler.close_connection = True
        stop = time.monotonic() + seconds
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Drip: "
        try:
            for byte in head:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
            while time.monotonic() < stop:
                handler.wfile.write(b"a")
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            return
