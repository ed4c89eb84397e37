"""Benchmark: CPU a delivered message costs the lean digest sender, beside the PTB sender.

One digest (``Message``: five stories and two buttons, rendered to about 2,000 characters) goes
to N distinct chats through each sender in turn, N/``--in-flight`` sends at a time, as the
engine sends one digest variant to its subscribers. The Bot API is a minimal keep-alive HTTP
server in a child process (answering sendMessage with a valid Message, getMe for PTB's start),
so the CPU measured in this process (``time.process_time``) is the sender's alone, the
server's excluded. Rounds alternate the senders; the figures are medians over the rounds.

    newsbot bench sender [--messages 3000] [--rounds 5] [--in-flight 32]
    newsbot bench sender --paced 147 [--messages 3000] [--rounds 3]

``--paced R``: the lean sender paced at R messages a second by the engine's Pacer (a chat lock,
the pace's wait, the send), as a worker sends, with each send woken at its own slot (one timer
a send: the pacing before issue 14's fix) beside sends released on the Pacer's ticks;
``--in-flight`` defaults to what the engine keeps in flight at that pace.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core.types import Button, Message
from bot.digests.pacing import in_flight_for

TOKEN = "123456:" + "B" * 35
# Fixed answers: what Telegram sends for a sendMessage (PTB parses it into a Message) and getMe.
_SENT = (
    b'{"ok":true,"result":{"message_id":1,"date":1764633600,'
    b'"chat":{"id":1,"type":"private","first_name":"A"},"text":"digest"}}'
)
_ME = (
    b'{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Bench",'
    b'"username":"bench_bot","can_join_groups":true,"can_read_all_group_messages":false,'
    b'"supports_inline_queries":false}}'
)


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    # A raw HTTP/1.1 keep-alive loop, not the benches' fake Bot API (bot/bench_bot_api.py):
    # this bench compares two senders' own cost, and a costlier server (rate checks, counting,
    # aiohttp's parsing) would slow both alike but blur the wall time.
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            body = _ME if b"/getMe" in head.split(b"\r\n", 1)[0] else _SENT
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def _serve(port_out: Any) -> None:
    async def run() -> None:
        server = await asyncio.start_server(_answer, "127.0.0.1", 0, backlog=1024)
        port_out.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(run())


def bench_digest() -> Message:
    """A digest-sized message: five stories, a summary each, and two buttons."""
    stories = [
        f"<b>Story {n}</b>: " + "Markets moved as officials met & talked about prices. " * 6
        for n in range(5)
    ]
    return Message.of(
        *stories,
        keyboard=[
            [Button("More", callback_data="digest:more")],
            [Button("Site", url="https://x.y")],
        ],
    )


@dataclass
class Round:
    """One sender's pass: CPU and wall seconds for ``messages`` sends."""

    name: str
    messages: int
    cpu: float
    wall: float

    @property
    def cpu_ms_per_message(self) -> float:
        """CPU milliseconds a message."""
        return self.cpu * 1000 / self.messages


async def _pass(name: str, send: Callable[[int, Message], Any], count: int, width: int) -> Round:
    message = bench_digest()
    chats = iter(range(1_000_000, 1_000_000 + count))

    async def worker() -> None:
        for chat_id in chats:
            await send(chat_id, message)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(width)))
    return Round(name, count, time.process_time() - cpu, time.perf_counter() - wall)


async def _rounds(api: str, count: int, rounds: int, width: int) -> list[Round]:
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from bot.digests.bulk_sender import BulkSender
    from bot.digests.telegram import TelegramSender

    bot = ExtBot(TOKEN, base_url=f"{api}/bot", request=HTTPXRequest(connection_pool_size=width))
    results: list[Round] = []
    async with bot, BulkSender(TOKEN, api, connections=width) as lean:
        ptb = TelegramSender(bot)
        await _pass("warm-up", ptb.send, width, width)  # connections open, imports done
        await _pass("warm-up", lean.send, width, width)
        for _ in range(rounds):
            results.append(await _pass("PTB sender", ptb.send, count, width))
            results.append(await _pass("lean sender", lean.send, count, width))
    return results


async def _paced_rounds(api: str, count: int, rounds: int, width: int, rate: float) -> list[Round]:
    from bot.digests.bulk_sender import BulkSender
    from bot.digests.pacing import Pacer

    def paced(sender: BulkSender, pacer: Pacer) -> Callable[[int, Message], Any]:
        async def send(chat_id: int, message: Message) -> None:
            async with pacer.chat_lock(chat_id):
                await pacer.wait(chat_id, is_group=False)
                try:
                    await sender.send(chat_id, message)
                finally:
                    pacer.sent(chat_id)

        return send

    results: list[Round] = []
    async with BulkSender(TOKEN, api, connections=width) as lean:
        await _pass("warm-up", lean.send, width, width)
        for _ in range(rounds):
            for name, tick in (("timer a send", 0.0), ("ticks", None)):
                send = paced(lean, Pacer(overall_per_second=rate, tick=tick))
                results.append(await _pass(name, send, count, width))
    return results


def _median(results: list[Round], name: str, field: Callable[[Round], float]) -> float:
    return statistics.median(field(result) for result in results if result.name == name)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="newsbot bench sender", description=__doc__)
    parser.add_argument("--messages", type=int, default=3000, help="messages a round (3000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per sender (5)")
    parser.add_argument("--in-flight", type=int, default=None, help="sends at once (32)")
    parser.add_argument("--paced", type=float, default=None, help="pace the lean sender at R/s")
    args = parser.parse_args(argv)
    if args.in_flight is None:
        args.in_flight = in_flight_for(args.paced) if args.paced else 32
    if args.messages < 1 or args.rounds < 1 or args.in_flight < 1:
        parser.error("--messages, --rounds and --in-flight must be at least 1")
    if args.paced is not None and not 0 < args.paced <= 1000:
        parser.error("--paced must be above 0 and at most 1000 messages a second")
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(send,), daemon=True)
    server.start()
    try:
        if not receive.poll(30):
            print("newsbot: the benchmark's Bot API server did not start", file=sys.stderr)
            return 1
        api = f"http://127.0.0.1:{receive.recv()}"
        if args.paced:
            results = asyncio.run(
                _paced_rounds(api, args.messages, args.rounds, args.in_flight, args.paced)
            )
        else:
            results = asyncio.run(_rounds(api, args.messages, args.rounds, args.in_flight))
    finally:
        server.terminate()
        server.join(5)
    if args.paced:
        heading = f"{args.in_flight} in flight, paced at {args.paced:g}/s"
        return _print_table(results, args, heading, "pacing", ("timer a send", "ticks"),
                            "timer a send / ticks", rate_digits=1, ratio_digits=2)
    return _print_table(results, args, f"{args.in_flight} in flight", "sender",
                        ("PTB sender", "lean sender"), "PTB / lean")


def _print_table(
    results: list[Round],
    args: argparse.Namespace,
    heading: str,
    column: str,
    names: tuple[str, str],
    ratio_label: str,
    *,
    rate_digits: int = 0,
    ratio_digits: int = 1,
) -> int:
    """Each way's median CPU per message and rate, and the first's CPU over the second's."""
    print(
        f"{args.messages} messages a round, {args.rounds} rounds, {heading}; "
        "medians (the server's CPU excluded)"
    )
    width = max(len(column), *(len(name) for name in names)) + 1
    print(f"{column:<{width}} {'CPU ms/msg':>10} {'msg/s':>8}")
    cpu: dict[str, float] = {}
    for name in names:
        cpu[name] = _median(results, name, lambda r: r.cpu_ms_per_message)
        rate = _median(results, name, lambda r: r.messages / r.wall)
        print(f"{name:<{width}} {cpu[name]:>10.3f} {rate:>8.{rate_digits}f}")
    first, second = names
    print(f"CPU per message, {ratio_label}: {cpu[first] / cpu[second]:.{ratio_digits}f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
