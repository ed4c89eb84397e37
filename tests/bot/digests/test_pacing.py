"""The Pacer's rules, one by one: a 429 holds its chat (every chat when several get one at
once), halves the pace once per burst, and the pace climbs back to the ceiling."""

from __future__ import annotations

import asyncio

from bot.digests.pacing import GLOBAL_CHATS, Pacer, in_flight_for


def _now() -> float:
    return asyncio.get_running_loop().time()


async def test_a_429_holds_its_chat_only_and_halves_the_pace_once_per_burst() -> None:
    pacer = Pacer(overall_per_second=100)
    pacer.hold(30, 1)
    pacer.hold(30, 2)  # the same burst: the pace is not halved twice
    assert pacer.held_until(1) > _now() + 29 and pacer.held_until(2) > _now() + 29
    assert pacer.held_until(3) == 0  # another chat goes on
    assert pacer.rate == 50 and pacer.slowdowns == 1
    await asyncio.wait_for(pacer.wait(3, is_group=False), 1)  # not held: no 30 s wait


async def test_429s_for_several_chats_at_once_hold_every_chat() -> None:
    pacer = Pacer(overall_per_second=100)
    for chat in range(GLOBAL_CHATS):
        pacer.hold(10, chat)
    assert pacer.held_until(999) > _now() + 9
    pacer.release()
    assert pacer.held_until(999) == 0 and pacer.held_until(0) == 0


async def test_the_pace_never_drops_below_its_floor_and_climbs_back_to_the_ceiling() -> None:
    pacer = Pacer(overall_per_second=30, decrease_every=0, recovery_per_second=0)
    for _ in range(20):
        pacer.hold(0.01, 7)
    assert pacer.rate == pacer.lowest_rate == 1.0  # the floor: 1 message a second
    pacer.recovery_per_second = 1e6  # climbs back within the next instant
    await asyncio.sleep(0.02)
    await pacer.wait(8, is_group=False)  # the first wait after the hold recovers the pace
    assert pacer.rate == pacer.ceiling == 30


async def test_without_an_overall_pace_holds_still_apply() -> None:
    pacer = Pacer()  # the console and test engines: no overall pace
    pacer.hold(5, 1)
    assert pacer.rate == 0 and pacer.slowdowns == 0
    assert pacer.held_until(1) > _now() + 4


def test_sends_in_flight_grow_with_the_pace() -> None:
    assert in_flight_for(30) == 32
    assert in_flight_for(300) == 75
    assert in_flight_for(1000) == 250
