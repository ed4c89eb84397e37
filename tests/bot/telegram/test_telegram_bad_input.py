"""Bad input over Telegram: every odd message gets a clear answer or is ignored, none crashes.

The fake Bot API refuses what Telegram refuses (unparsable HTML, empty or over-long texts,
bad callback_data); the fixture fails the test if anything was refused.
"""

from __future__ import annotations

import pytest

from bot.core.app import APOLOGY
from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import BotMessage, FakeChat, FakeUser
from tests.support.fixtures import ADMIN, GROUP, USER

PRIVATE = FakeChat.private(USER)


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


ADMIN_CHAT = FakeChat.private(ADMIN)
LEAKS = ("Traceback", "sqlalchemy", "Error:", "NoneType", "SELECT ", "INSERT ")
NASTY_ARGUMENTS = (
    "abc",
    "100000",
    "0",
    "-5",
    "#",
    "#-1",
    "1e9",
    "9" * 40,
    "<b>",
    "</b>",
    "&",
    "&amp;",
    "<script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a>",
    "😀" * 40,
    "שלום עולם",
    "مرحبا بالعالم",
    "\u202ereversed\u202c",
    "\u200b",
    "'; DROP TABLE articles; --",
    "%s %d {0} {}",
    "\\",
    "@newsbot_test_bot",
    "/latest",
    "Mars/Olympus",
    "25:99",
    "tz",
    "length 99",
)
COMMANDS = ("latest", "summary", "search", "settings", "subscribe", "unsubscribe", "digest")
ADMIN_COMMANDS = ("add", "addtopic", "deltopic", "delete")


def assert_clean(messages: list[BotMessage]) -> None:
    for message in messages:
        assert 1 <= len(message.text) <= 4096
        for leak in LEAKS:
            assert leak not in message.text, message.text[:300]


async def test_documented_bad_inputs_get_clear_answers(telegram_bot: ChatDriver) -> None:
    not_a_topic = await telegram_bot.ask(PRIVATE, USER, "/latest abc")
    assert "abc" in not_a_topic.text and "/latest" in not_a_topic.text
    capped = await telegram_bot.send(PRIVATE, USER, "/latest 100000")
    assert "20" in capped[0].text
    assert len(capped[-1].callback_data) >= 1
    missing = await telegram_bot.ask(PRIVATE, USER, "/summary 99999999")
    assert "99999999" in missing.text
    zone = await telegram_bot.ask(PRIVATE, USER, "/settings Mars/Olympus")
    assert "Mars/Olympus" in zone.text
    zone = await telegram_bot.ask(PRIVATE, USER, "/settings tz Mars/Olympus")
    assert "Mars/Olympus" in zone.text
    empty_add = await telegram_bot.ask(ADMIN_CHAT, ADMIN, "/add")
    assert "/add" in empty_add.text
    title_only = await telegram_bot.send(ADMIN_CHAT, ADMIN, "/add Just a title")
    assert "/add" in title_only[-1].text
    assert_clean([not_a_topic, *capped, missing, zone, empty_add, *title_only])


async def test_summary_of_a_message_at_telegrams_4096_character_cap(
    telegram_bot: ChatDriver,
) -> None:
    sentence = "Ministers from twelve countries met in Geneva to discuss water rights & dams. "
    text = "/summary " + sentence * 60
    text = text[:4096]
    assert len(text) == 4096
    answer = await telegram_bot.send(PRIVATE, USER, text)
    assert answer and "Geneva" in answer[0].text
    no_spaces = "/summary " + "x" * 4087
    assert_clean(await telegram_bot.send(PRIVATE, USER, no_spaces))


async def test_html_like_titles_are_escaped_everywhere(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    tricky = next(a for a in sample_store.latest_articles(20).items if "<script>" in a.title)
    latest = await telegram_bot.ask(PRIVATE, USER, "/latest 20")
    assert tricky.title in latest.text
    assert "&lt;script&gt;" in (latest.html or "") and "<script>" not in (latest.html or "")
    summary = await telegram_bot.ask(PRIVATE, USER, f"/summary {tricky.id}")
    assert tricky.title in summary.text and "Tricky & <Co>" in summary.text
    found = await telegram_bot.ask(PRIVATE, USER, "/search markup")
    assert_clean([latest, summary, found])


async def test_emoji_and_right_to_left_text(telegram_bot: ChatDriver, sample_store: Store) -> None:
    emoji = next(a for a in sample_store.latest_articles(20).items if "🚀" in a.title)
    summary = await telegram_bot.ask(PRIVATE, USER, f"/summary #{emoji.id}")
    assert "עברית" in summary.text and "🚀" in summary.text
    found = await telegram_bot.send(PRIVATE, USER, "/search עברית")
    added = await telegram_bot.send(
        ADMIN_CHAT,
        ADMIN,
        "/add خبر عاجل 🚨\nقال المسؤولون إن المشروع سيكتمل العام المقبل. "
        "وأضافوا أن التكلفة ستبلغ مليار دولار. ويأمل السكان في تحسين حركة المرور.",
    )
    assert added and "خبر عاجل" in added[0].text
    assert_clean([summary, *found, *added])


async def test_nasty_arguments_never_break_a_command(telegram_bot: ChatDriver) -> None:
    server = telegram_bot.server

    def post_all() -> None:
        for argument in NASTY_ARGUMENTS:
            for command in COMMANDS:
                server.post_message(PRIVATE, USER, f"/{command} {argument}")
            for command in ADMIN_COMMANDS:
                server.post_message(ADMIN_CHAT, ADMIN, f"/{command} {argument}")

    private_before = len(server.messages(PRIVATE.id))
    # About 300 updates at once: give them time on a loaded machine (this checks what they
    # answer, not how fast).
    telegram_bot.timeout = max(telegram_bot.timeout, 90.0)
    answers = await telegram_bot.exchange(ADMIN_CHAT, post_all)
    answers += server.messages(PRIVATE.id)[private_before:]
    assert len(answers) >= len(NASTY_ARGUMENTS) * len(COMMANDS)
    assert_clean(answers)


async def test_edited_messages_are_ignored(telegram_bot: ChatDriver) -> None:
    original = telegram_bot.server.post_message(PRIVATE, USER, "/latest 1")
    await telegram_bot.settle()
    answered = len(telegram_bot.server.messages(PRIVATE.id))
    edits = await telegram_bot.exchange(
        PRIVATE,
        lambda: telegram_bot.server.post_edited_message(PRIVATE, USER, original, "/latest 3"),
    )
    assert answered == 1 and edits == []
    in_group = telegram_bot.server.post_message(GROUP, USER, "/latest 1")
    await telegram_bot.settle()
    assert (
        await telegram_bot.exchange(
            GROUP, lambda: telegram_bot.server.post_edited_message(GROUP, USER, in_group, "/help")
        )
        == []
    )


async def test_stickers_and_photos(telegram_bot: ChatDriver) -> None:
    server = telegram_bot.server
    [pointer] = await telegram_bot.exchange(PRIVATE, lambda: server.post_sticker(PRIVATE, USER))
    assert "/help" in pointer.text
    [again] = await telegram_bot.exchange(
        PRIVATE, lambda: server.post_photo(PRIVATE, USER, caption="look <b>")
    )
    assert again.text == pointer.text
    assert await telegram_bot.exchange(GROUP, lambda: server.post_sticker(GROUP, USER)) == []
    assert await telegram_bot.exchange(GROUP, lambda: server.post_photo(GROUP, USER)) == []


@pytest.mark.parametrize(
    "data",
    [
        "nonsense",
        "sum:abc",
        "sum:99999999",
        "more:abc:-",
        "more:-5:nope",
        "search:0:",
        "sub:999999",
        "unsub:x",
        "sum:",
        ":",
    ],
)
async def test_stale_or_forged_buttons_are_answered(telegram_bot: ChatDriver, data: str) -> None:
    latest = await telegram_bot.ask(PRIVATE, USER, "/latest 1")
    answer, _, new = await telegram_bot.press(PRIVATE, USER, latest, data=data)
    assert answer.text is None or len(answer.text) <= 200
    assert_clean(new)


async def test_a_reply_longer_than_4096_characters_is_split(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    from ingest.pipeline import Ingestor

    ingestor = Ingestor(sample_store)
    for number in range(20):
        title = f"Long headline number {number} about <harbours> & " + "shipping lanes " * 12
        first = f"Story {number} opens with a very long sentence " + "about cargo & ports " * 15
        ingestor.add_text(title.strip(), f"{first}.\n\nA second paragraph follows here {number}.")
    ingestor.close()
    parts = await telegram_bot.send(PRIVATE, USER, "/latest 20")
    assert len(parts) >= 2
    assert all(len(part.text) <= 4096 for part in parts)
    assert parts[-1].callback_data and not any(part.buttons for part in parts[:-1])
    joined = "\n".join(part.text for part in parts)
    assert all(f"Long headline number {n} " in joined for n in range(20))


# --- Lone surrogates (issue 11, case 10): JSON can carry them, Python keeps them, UTF-8 can't ---

LONE = "\ud83d"  # the first half of an emoji, alone


async def test_a_lone_surrogate_in_a_users_name_gets_a_real_answer(
    telegram_bot: ChatDriver,
) -> None:
    odd = FakeUser(6006, f"Zoë{LONE}", username=None)
    chat = FakeChat.private(odd)
    for text in ("/start", "/subscribe energy 08:00", "/settings"):
        answers = await telegram_bot.send(chat, odd, text)
        assert answers, text
        assert all(APOLOGY not in answer.text for answer in answers), answers[0].text
        assert_clean(answers)


async def test_a_lone_surrogate_in_a_search_or_a_summary_gets_a_real_answer(
    telegram_bot: ChatDriver,
) -> None:
    found = await telegram_bot.send(PRIVATE, USER, f"/search energy{LONE}")
    assert found and APOLOGY not in found[0].text
    assert "energy\ufffd" in found[0].text  # shown as the replacement character
    pasted = (
        f"/summary Ministers met in Geneva{LONE} to discuss water rights. The talks lasted "
        "two days. Delegates agreed to meet again next spring."
    )
    summary = await telegram_bot.send(PRIVATE, USER, pasted)
    assert summary and APOLOGY not in summary[0].text and "Geneva" in summary[0].text
    added = await telegram_bot.send(
        ADMIN_CHAT,
        ADMIN,
        f"/add Odd{LONE} title\nThe text of the story is here. It has a few "
        "sentences. Enough for a summary.",
    )
    assert added and APOLOGY not in added[0].text
    assert_clean([*found, *summary, *added])


async def test_a_lone_surrogate_in_button_data_gets_no_apology(telegram_bot: ChatDriver) -> None:
    listing = await telegram_bot.ask(PRIVATE, USER, "/latest 2")
    answer, _, new = await telegram_bot.press(PRIVATE, USER, listing, data=f"s:1{LONE}")
    assert APOLOGY[:200] != (answer.text or "")
    assert all(APOLOGY not in message.text for message in new)
