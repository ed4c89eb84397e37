"""A channel digest's buttons: summary callbacks become deep links, the rest are left out."""

from __future__ import annotations

from bot.core.types import Button, Message
from bot.telegram.channels import channel_message


def test_summary_buttons_become_deep_links_and_callbacks_are_dropped() -> None:
    part = Message.of(
        "📰 Energy",
        keyboard=[
            [Button("Summary #12", "sum:12"), Button("Summary #7", "sum:7")],
            [Button("3 more stories", "stories:4:abc:def:10")],
            [Button("Source", url="https://news.example/a")],
            [Button("Forged", "sum:12x")],
        ],
    )
    adapted = channel_message(part, "newsbot_test_bot")
    assert adapted.items == part.items
    assert [[(b.label, b.url, b.callback_data) for b in row] for row in adapted.keyboard] == [
        [
            ("Summary #12", "https://t.me/newsbot_test_bot?start=sum_12", None),
            ("Summary #7", "https://t.me/newsbot_test_bot?start=sum_7", None),
        ],
        [("Source", "https://news.example/a", None)],
    ]


def test_without_a_bot_username_no_summary_link_is_made() -> None:
    adapted = channel_message(Message.of("x", keyboard=[[Button("Summary #1", "sum:1")]]), "")
    assert adapted.keyboard == ()
