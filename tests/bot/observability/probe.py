"""A tiny HTTP client for the tests: GET a URL, return (status, body); never raises on 5xx."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any


def get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """(status, body) of GET ``url``; (0, b'') when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def get_json(url: str) -> tuple[int, dict[str, Any]]:
    """(status, parsed JSON body) of GET ``url``."""
    status, body = get(url)
    return status, (json.loads(body) if body else {})


def wait_for(check: Callable[[], Any], timeout: float, interval: float = 0.25) -> Any:
    """Poll ``check`` until it returns something truthy (returned) or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
