"""Two small proxies on 127.0.0.1 for the proxy tests: an HTTP forward proxy and a SOCKS5 one.

Both record what they relayed, so a test can show that the bot's traffic really went through
them. Only what httpx sends to an ``http://`` Bot API is handled: absolute-form requests for
the HTTP proxy, CONNECT by IPv4 address or name without authentication for SOCKS5.
"""

from __future__ import annotations

import http.client
import select
import socket
import socketserver
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}


class _ForwardHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HttpForwardProxy

    def _forward(self) -> None:
        target = urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            self.send_error(400, "only absolute http:// requests")
            return
        self.server.record(self.path, self.headers.get("Proxy-Authorization"))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=60)
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request(self.command, path or "/", body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            upstream.close()

    do_GET = do_POST = _forward

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads ``requests`` instead."""


class HttpForwardProxy(ThreadingHTTPServer):
    """``with HttpForwardProxy() as proxy: proxy.url``; ``proxy.requests`` lists the URLs,
    ``proxy.authorizations`` each request's Proxy-Authorization header (None without one)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ForwardHandler)
        self.requests: list[str] = []
        self.authorizations: list[str | None] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, url: str, authorization: str | None = None) -> None:
        with self._lock:
            self.requests.append(url)
            self.authorizations.append(authorization)

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that hangs up mid-request (the bot stopping) is not a failure."""

    def __enter__(self) -> HttpForwardProxy:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def _read_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("the client went away during the SOCKS handshake")
        data += chunk
    return data


class _SocksHandler(socketserver.BaseRequestHandler):
    server: Socks5Proxy

    def handle(self) -> None:
        client: socket.socket = self.request
        version, methods = _read_exactly(client, 2)
        _read_exactly(client, methods)
        if version != 5:
            return
        client.sendall(b"\x05\x00")  # no authentication
        _, command, _, address_type = _read_exactly(client, 4)
        if address_type == 1:
            host = socket.inet_ntoa(_read_exactly(client, 4))
        elif address_type == 3:
            host = _read_exactly(client, _read_exactly(client, 1)[0]).decode()
        else:
            client.sendall(b"\x05\x08\x00\x01" + bytes(6))  # address type not supported
            return
        (port,) = struct.unpack("!H", _read_exactly(client, 2))
        if command != 1:
            client.sendall(b"\x05\x07\x00\x01" + bytes(6))  # only CONNECT
            return
        try:
            upstream = socket.create_connection((host, port), timeout=10)
        except OSError:
            client.sendall(b"\x05\x05\x00\x01" + bytes(6))  # connection refused
            return
        self.server.record(f"{host}:{port}")
        client.sendall(b"\x05\x00\x00\x01" + bytes(6))
        _relay(client, upstream)


def _relay(one: socket.socket, other: socket.socket) -> None:
    peers = {one: other, other: one}
    try:
        while True:
            readable, _, _ = select.select(list(peers), [], [], 60)
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                peers[sock].sendall(data)
    except OSError:
        return
    finally:
        other.close()


class Socks5Proxy(socketserver.ThreadingTCPServer):
    """``with Socks5Proxy() as proxy: proxy.url``; ``proxy.connections`` lists host:port."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SocksHandler)
        self.connections: list[str] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"socks5://127.0.0.1:{self.server_address[1]}"

    def record(self, target: str) -> None:
        with self._lock:
            self.connections.append(target)

    def __enter__(self) -> Socks5Proxy:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
