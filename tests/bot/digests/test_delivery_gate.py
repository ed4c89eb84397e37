"""The engine's SendGate: a chat it refuses is paused (told once), others get adapted parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.types import Message, Text
from bot.digests.delivery import ChatBlocked, DeliveryEngine, Pacer, is_group_chat
from storage.store import Store
from storage.views import ChatView
from tests.bot.digests.conftest import (
    FakeClock,
    FakeSender,
    add_articles,
    make_topic,
    subscribe_due,
)

REFUSED = -1001000000001
ALLOWED = -1001000000002


class FakeGate:
    """Refuses the chats in ``refused``; marks every part it lets through."""

    def __init__(self, refused: set[int]) -> None:
        self.refused = refused
        self.asked: list[int] = []
        self.paused_chats: list[int] = []

    async def may_send(self, chat: ChatView) -> bool:
        self.asked.append(chat.id)
        return chat.id not in self.refused

    def adapt(self, chat: ChatView, message: Message) -> Message:
        return Message((*message.items, Text.of(f"[for {chat.type}]")), (), message.link_preview)

    async def paused(self, chat: ChatView) -> None:
        self.paused_chats.append(chat.id)


def engine(store: Store, sender: FakeSender, clock: FakeClock, gate: FakeGate) -> DeliveryEngine:
    pacer = Pacer(private_interval=0.0, group_interval=0.0)
    return DeliveryEngine(store, sender, clock=clock, pacer=pacer, gate=gate)


async def test_a_refused_chat_is_paused_once_and_the_others_get_adapted_parts(
    store: Store,
) -> None:
    first = make_topic(store)
    second = make_topic(store, "energy", "Energy")
    for topic in (first, second):
        add_articles(store, topic, 2, prefix=topic.slug)
    due = datetime.now(UTC) + timedelta(milliseconds=5)
    for topic in (first, second):  # two digests of the refused channel due at once
        subscribe_due(store, topic, [REFUSED, ALLOWED], due=due, chat_type="channel")
    sender, gate = FakeSender(), FakeGate({REFUSED})
    clock = FakeClock(due + timedelta(seconds=5))

    report = await engine(store, sender, clock, gate).run_once()

    assert sender.to(REFUSED) == [] and len(sender.to(ALLOWED)) == 2
    assert all(text.endswith("[for channel]") for text in sender.to(ALLOWED))
    assert report.blocked == 2 and report.sent == 2
    assert gate.paused_chats == [REFUSED]  # told once, though two digests were refused
    refused = store.get_chat(REFUSED)
    assert refused is not None and refused.blocked_at is not None
    for sub in store.chat_subscriptions(REFUSED):  # settled and moved on, not retried
        assert sub.next_due_at is not None and sub.next_due_at > clock.now
        (row,) = store.deliveries_for(sub.id)
        assert row.status == "blocked"
    later = store.subscriptions_due(clock.now + timedelta(days=2))
    assert later and all(sub.chat_id != REFUSED for sub in later)


async def test_a_403_after_the_gate_let_it_through_pauses_and_tells_once(store: Store) -> None:
    topic = make_topic(store)
    add_articles(store, topic, 2)
    due = datetime.now(UTC) + timedelta(milliseconds=5)
    subscribe_due(store, topic, [ALLOWED], due=due, chat_type="channel")
    sender, gate = FakeSender(), FakeGate(set())
    sender.script[ALLOWED] = [ChatBlocked("Forbidden: bot is not a member of the channel chat")]

    report = await engine(store, sender, FakeClock(due + timedelta(seconds=5)), gate).run_once()

    assert report.blocked == 1 and sender.to(ALLOWED) == []
    assert gate.asked == [ALLOWED] and gate.paused_chats == [ALLOWED]


def test_a_channel_is_paced_like_a_group(store: Store) -> None:
    channel = store.upsert_chat(ALLOWED, type="channel", title="Wire")
    assert is_group_chat(channel, ALLOWED)  # 20 messages a minute, as Telegram counts it
