"""OPML in chat over Telegram: /feeds opml sends the feeds as a file (sendDocument); an
admin's .opml document with the caption /import follows its feeds (getFile + a bounded
download); each bad file gets one clear answer and changes nothing."""

from __future__ import annotations

import pytest

from ingest.opml import parse_opml
from storage.store import Store
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import ADMIN, USER

ADMIN_CHAT = FakeChat.private(ADMIN)
USER_CHAT = FakeChat.private(USER)
GOOD_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My reader</title></head><body>
  <outline text="News"><outline text="Wire" xmlUrl="https://wire.example/rss"/>
  <outline text="Desk" title="The Desk" xmlUrl="https://desk.example/atom.xml"/></outline>
  <outline text="Known" xmlUrl="https://known.example/feed"/>
  <outline text="Broken" xmlUrl="ftp://files.example/feed"/>
</body></opml>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
<opml><body><outline text="&f;" xmlUrl="https://bomb.example/rss"/></body></opml>"""


async def _send_file(
    driver: ChatDriver, chat: FakeChat, content: bytes, **options: object
) -> list[str]:
    user = ADMIN if chat is ADMIN_CHAT else USER
    caption = options.pop("caption", "/import")
    new = await driver.exchange(
        chat,
        lambda: driver.server.post_document(chat, user, content, caption=caption, **options),  # type: ignore[arg-type]
    )
    return [message.text for message in new]


async def test_feeds_opml_sends_the_feeds_as_a_file(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    sample_store.add_feed("https://wire.example/rss", added_by="test")
    sample_store.add_feed("https://desk.example/atom.xml", added_by="test")
    assert await telegram_bot.send(ADMIN_CHAT, ADMIN, "/feeds opml") == []  # a file, no text
    (document,) = telegram_bot.server.documents(ADMIN_CHAT.id)
    assert document.filename == "newsbot-feeds.opml" and document.caption == "2 feeds, as OPML"
    urls = sorted(feed.url for feed in parse_opml(document.content))
    assert urls == ["https://desk.example/atom.xml", "https://wire.example/rss"]
    refused = await telegram_bot.ask(USER_CHAT, USER, "/feeds opml")
    assert "for the bot's admins only" in refused.text
    assert telegram_bot.server.documents(USER_CHAT.id) == []


async def test_an_admin_imports_an_opml_file(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    sample_store.add_feed("https://known.example/feed", added_by="test")
    (answer,) = await _send_file(telegram_bot, ADMIN_CHAT, GOOD_OPML, file_name="reader.opml")
    assert "Imported reader.opml: 2 feeds added, 1 already followed, 1 skipped." in answer
    assert "ftp://files.example/feed" in answer  # the skipped line, with why
    assert "polled within a minute" in answer
    urls = sorted(feed.url for feed in sample_store.list_feeds())
    assert urls == [
        "https://desk.example/atom.xml",
        "https://known.example/feed",
        "https://wire.example/rss",
    ]
    assert len(telegram_bot.server.calls("getFile")) == 1
    assert len(telegram_bot.server.downloads()) == 1


async def test_only_admins_import(telegram_bot: ChatDriver, sample_store: Store) -> None:
    (answer,) = await _send_file(telegram_bot, USER_CHAT, GOOD_OPML)
    assert "/import is for the bot's admins only" in answer
    assert sample_store.list_feeds() == []
    assert telegram_bot.server.calls("getFile") == []  # nothing downloaded for a non-admin


async def test_a_5_mb_file_is_refused_before_downloading(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    (answer,) = await _send_file(
        telegram_bot, ADMIN_CHAT, GOOD_OPML, file_size=5 * 1024 * 1024
    )
    assert answer == "That file is 5.0 MB; an OPML file I import may be at most 1.0 MB."
    assert telegram_bot.server.calls("getFile") == [] and telegram_bot.server.downloads() == []
    assert sample_store.list_feeds() == []


async def test_a_file_larger_than_it_says_is_cut_off(
    telegram_bot: ChatDriver, sample_store: Store
) -> None:
    padding = b"<!-- " + b"x" * (3 * 1024 * 1024) + b" -->"
    (answer,) = await _send_file(
        telegram_bot, ADMIN_CHAT, GOOD_OPML + padding, file_size=len(GOOD_OPML)
    )
    assert answer == "That file is over 1.0 MB, the most I import."
    assert len(telegram_bot.server.downloads()) == 1
    assert sample_store.list_feeds() == []


@pytest.mark.parametrize(
    ("content", "file_name", "expected"),
    [
        (b"this is not xml <at all", "feeds.opml", "That file is not valid XML"),
        (b"<html><body>hi</body></html>", "feeds.opml", "That file is XML but not OPML"),
        (b'<opml version="2.0"><body><outline text="x"/></body></opml>', "feeds.opml",
         "That OPML file lists no feeds"),
        (BILLION_LAUGHS, "bomb.opml", "That file declares XML entities"),
        (GOOD_OPML, "photo.jpg", "photo.jpg is not an OPML file"),
    ],
)
async def test_each_bad_file_gets_one_answer(
    telegram_bot: ChatDriver, sample_store: Store, content: bytes, file_name: str, expected: str
) -> None:
    answers = await _send_file(telegram_bot, ADMIN_CHAT, content, file_name=file_name)
    assert len(answers) == 1 and answers[0].startswith(expected), answers
    assert sample_store.list_feeds() == []


async def test_import_without_a_file_says_how(telegram_bot: ChatDriver) -> None:
    answer = await telegram_bot.ask(ADMIN_CHAT, ADMIN, "/import")
    assert "Send an OPML file (.opml" in answer.text and "caption /import" in answer.text
    # A document with a caption that is no command is any other file: the usual pointer.
    texts = await _send_file(telegram_bot, ADMIN_CHAT, GOOD_OPML, caption="my feeds")
    assert len(texts) == 1 and "I can only read text" in texts[0]
