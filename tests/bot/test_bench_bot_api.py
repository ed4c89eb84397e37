"""The benchmarks' fake Bot API (bot/bench_bot_api.py): limits, counts, and its own process."""

from __future__ import annotations

import asyncio

import httpx
from aiohttp.test_utils import TestClient, TestServer

from bot.bench_bot_api import BenchApi, BotApiProcess, build_app


async def test_the_bench_server_enforces_the_limits_and_counts_duplicates() -> None:
    api = BenchApi(rate=2.0)
    async with TestClient(TestServer(build_app(api))) as client:

        async def send(chat_id: int, text: str) -> int:
            answer = await client.post(
                "/bot1:x/sendMessage", json={"chat_id": chat_id, "text": text}
            )
            return answer.status

        assert [await send(chat, "a") for chat in (1, 2)] == [200, 200]
        assert await send(3, "a") == 429  # over 2 a second overall
        assert await send(1, "b") == 429  # and 1 a second per chat
        await asyncio.sleep(1.1)
        assert await send(1, "a") == 200  # the same text again: a duplicate
        stats = api.stats()
        assert stats["delivered"] == 3 and stats["too_many"] == 2
        assert stats["duplicates"] == 1
        assert stats["distinct_per_chat"] == {"1": 2}
        assert stats["calls"] == {}  # sendMessage's outcomes are the counts above


def test_the_server_process_answers_the_bot_and_counts_its_other_calls() -> None:
    with BotApiProcess(0) as api:
        assert not api.wait_for("setWebhook", 0.2)
        with httpx.Client(base_url=f"{api.url}/bot1:x", timeout=10) as bot:
            me = bot.post("/getMe").json()
            assert me["ok"] and me["result"]["is_bot"] and me["result"]["username"]
            hooked = bot.post("/setWebhook", data={"url": "https://example.org/telegram"})
            assert hooked.json() == {"ok": True, "result": True}
            sent = bot.post("/sendMessage", json={"chat_id": -5, "text": "hi"}).json()
            assert sent["result"]["chat"] == {"id": -5, "type": "group"}
        assert api.wait_for("setWebhook", 5)
        stats = api.stats()
        assert stats["calls"] == {"getMe": 1, "setWebhook": 1}
        assert stats["delivered"] == 1 and stats["chats"] == 1
        api.reset()
        assert api.stats()["calls"] == {} and api.stats()["delivered"] == 0
    assert api.process.returncode is not None  # closed with the block
