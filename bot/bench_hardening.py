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
each figure), with a 2 ms RSS sampler as a fallback where the reset is not allowed
(bot/bench_hardening_figures.py). The fetcher's figures and their hostile server are in
bot/bench_hardening_fetch.py, the webhook's in bot/bench_hardening_webhook.py; this module
runs them in order and prints the report.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.bench_hardening_fetch import (
    HostileServer,
    bench_bombs,
    bench_drip,
    bench_help,
    bench_old_bombs,
)
from bot.bench_hardening_figures import Figure, print_report
from bot.bench_hardening_webhook import bench_webhook


def main(argv: list[str] | None = None) -> int:
    """Run every figure and print the report; 1 when any figure is over its bound."""
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
    print_report(figures)
    return 0 if all(figure.ok for figure in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
