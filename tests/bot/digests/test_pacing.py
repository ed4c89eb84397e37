"""The Pacer's rules, one by one: a 429 holds its chat (every chat when several get one at
once), halves the pace once per burst, and the pace climbs back to the ceiling; sends leave
in groups on the pace's ticks, never before their slot; claims grow with the pace."""

from __future__ import annotations

import asyncio
import itertools

from bot.digests.pacing import (
    CATCH_UP,
    GLOBAL_CHATS,
    Pacer,
    claim_sizes,
    in_flight_for,
    tick_for,
)


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


async def test_paced_sends_leave_together_on_ticks_and_never_ahead_of_the_pace() -> None:
    rate, sends = 200.0, 60
    pacer = Pacer(overall_per_second=rate)
    loop = asyncio.get_running_loop()
    released: list[float] = []

    async def send(chat: int) -> None:
        await pacer.wait(chat, is_group=False)
        released.append(loop.time())

    start = _now()
    await asyncio.gather(*(send(chat) for chat in range(sends)))
    released.sort()
    # The k-th send leaves no earlier than its slot: the pace holds over any stretch, with
    # a burst of CATCH_UP's worth of slots at most (what a short stall lets it make up).
    burst = int(rate * CATCH_UP)
    assert released[burst] - start < 0.01  # at the start, as after a stall: made up at once
    for k, at in enumerate(released):
        assert at >= start + (k - burst) / rate - 0.002
    # ... and they leave in groups, one wake-up a tick, not one a send.
    groups = 1 + sum(1 for a, b in itertools.pairwise(released) if b - a > 0.02)
    # 6 ticks (a little more on a busy machine)
    assert groups <= sends / (rate * tick_for(rate)) + 5
    assert released[-1] - start < (sends - burst) / rate + 2 * tick_for(rate) + 0.5


def test_claims_are_a_few_seconds_of_the_pace_in_two_or_three_lanes() -> None:
    assert claim_sizes(147) == (294, 3)  # R = 300 over two workers: as before
    assert claim_sizes(14.7) == (44, 2)  # R = 30 over two: two lanes, not three of 29
    assert claim_sizes(30) == (90, 2)
    assert claim_sizes(1000) == (500, 3)
    assert claim_sizes(0) == (500, 3)  # no pace: as many as a claim takes


def test_a_slow_pace_releases_a_few_sends_a_tick() -> None:
    assert tick_for(147) == 0.05  # 7 sends a tick
    assert tick_for(30) == 4 / 30  # the free rate: 4 a tick
    assert tick_for(14.7) == 0.25  # 3.7 a tick: ticks last a quarter of a second at most
    assert tick_for(1) == 0.25
