"""Inline mode end to end: inline_query updates to the real Application, answers checked by
the fake Bot API the way Telegram checks answerInlineQuery."""

from __future__ import annotations

import pytest

from storage.store import Store
from storage.views import ArticleDraft
from tests.support.bot_api_inline import InlineAnswer
from tests.support.bot_api_server import BotApiServer
from tests.support.chat_driver import ChatDriver
from tests.support.fake_telegram import FakeChat
from tests.support.fixtures import USER


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def ask_inline(driver: ChatDriver, server: BotApiServer, query: str) -> InlineAnswer:
    query_id = server.post_inline_query(USER, query)
    await driver.settle()
    [answer] = server.inline_answers(query_id)
    return answer


async def test_words_answer_with_articles_whose_messages_telegram_accepts(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store
) -> None:
    answer = await ask_inline(telegram_bot, bot_api_server, "China")
    assert 1 <= len(answer.results) <= 10
    assert answer.is_personal is False and answer.cache_time == 30
    for result in answer.results:
        article_id = int(result.id.removeprefix("article-"))
        article = sample_store.get_article(article_id)
        assert article is not None and result.title == article.title
        assert result.description and " · " in result.description
        assert result.text.startswith(f"#{article_id} ") and "• " in result.text
        assert 1 <= len(result.text) <= 4096
        assert result.buttons[-1]["url"] == (
            f"https://t.me/{bot_api_server.bot_username}?start=sum_{article_id}"
        )
    assert bot_api_server.unanswered_inline_queries() == []


async def test_empty_query_and_hash_id(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store
) -> None:
    latest = await ask_inline(telegram_bot, bot_api_server, "")
    newest = [a.id for a in sample_store.latest_articles(10).items]
    assert [r.id for r in latest.results] == [f"article-{i}" for i in newest]
    one = await ask_inline(telegram_bot, bot_api_server, f"#{newest[3]}")
    assert [r.id for r in one.results] == [f"article-{newest[3]}"]


async def test_markup_in_titles_is_escaped_in_the_sent_message(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    answer = await ask_inline(telegram_bot, bot_api_server, "Bold claims")
    [result] = [r for r in answer.results if "<script>" in r.title]
    assert "<b>Bold</b> claims & <script>" in result.text  # shown as typed, not as markup


@pytest.mark.parametrize(
    ("query", "button_part"),
    [
        ("zeppelin airship", "Nothing found for “zeppelin airship”"),
        ("#99999", "There is no article #99999"),
    ],
)
async def test_nothing_found_answers_no_results_and_a_button_into_the_bot(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, query: str, button_part: str
) -> None:
    answer = await ask_inline(telegram_bot, bot_api_server, query)
    assert answer.results == []
    assert answer.button == {"text": button_part, "start_parameter": "inline"}
    chat = FakeChat.private(USER)
    welcome = await telegram_bot.ask(chat, USER, "/start inline")  # where the button leads
    assert "Hello" in welcome.text and "not one of mine" not in welcome.text


async def test_emoji_only_and_overlong_queries_are_answered(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    emoji = await ask_inline(telegram_bot, bot_api_server, "🔥🚀")
    assert emoji.results and "Type words" in emoji.button["text"]  # type: ignore[index]
    long_query = ("China Russia energy " * 20)[:256]
    long_answer = await ask_inline(telegram_bot, bot_api_server, long_query)
    assert long_answer.results  # cut to the search's limit, and found
    assert bot_api_server.unanswered_inline_queries() == []


async def test_a_russian_user_gets_russian_buttons(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer
) -> None:
    from tests.support.fake_telegram import FakeUser

    russian = FakeUser(4004, "Иван", username="ivan", language_code="ru")
    query_id = bot_api_server.post_inline_query(russian, "дирижабль")
    await telegram_bot.settle()
    [answer] = bot_api_server.inline_answers(query_id)
    assert answer.button is not None and "ничего не найдено" in answer.button["text"]


async def test_a_summary_too_long_for_one_message_is_cut_to_fit(
    telegram_bot: ChatDriver, bot_api_server: BotApiServer, sample_store: Store
) -> None:
    sentence = "Zeppelins return to the skies over Friedrichshafen " + "again " * 150 + "."
    sample_store.add_article(
        ArticleDraft(
            title="Zeppelins return",
            body=sentence * 8,
            url="https://example.com/zeppelin",
            source="Wire",
            summary=tuple(f"{index}. {sentence}" for index in range(8)),
            summary_algorithm="test",
        )
    )
    answer = await ask_inline(telegram_bot, bot_api_server, "Zeppelins")
    [result] = answer.results
    assert 1000 < len(result.text) <= 4096 and "0. Zeppelins" in result.text
    assert result.buttons[0] == {"text": "Read the article", "url": "https://example.com/zeppelin"}
