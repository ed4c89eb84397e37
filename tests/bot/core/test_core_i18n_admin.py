"""A Russian admin and a Russian reader through the core: admin commands, errors from the
packages below the bot, and the bad input of issue 13 (search, languages without a stemmer)."""

from __future__ import annotations

from dataclasses import replace

from bot.config import Settings
from bot.core.app import Core
from bot.core.render import render_plain_all
from bot.core.types import Chat, Reply
from ingest.pipeline import Ingestor
from storage.store import Store
from tests.bot.core.conftest import (
    ADMIN_CHAT,
    ARTICLE_BODY,
    PRIVATE,
    add_articles,
    reply_text,
    request,
)
from tests.ingest.site import Site

BULGARIAN = (
    "Правителството одобри нов план за енергийна сигурност в сряда. "
    "Министърът на енергетиката каза, че страната ще намали вноса на газ до края на годината. "
    "Планът предвижда нови инвестиции във вятърни и слънчеви централи по Черноморието. "
    "Опозицията критикува мерките като недостатъчни и закъснели. "
    "Парламентът ще обсъди документа следващата седмица."
)


async def _as(core: Core, text: str, *, chat: Chat = PRIVATE, language: str = "ru") -> Reply:
    return await core.handle(replace(request(text, chat=chat), language=language))


async def _admin(core: Core, text: str, language: str = "ru") -> str:
    return reply_text(await _as(core, text, chat=ADMIN_CHAT, language=language))


async def test_topic_admin_in_russian(core: Core, store: Store) -> None:
    bad = await _admin(core, "/addtopic energy2 Энергия | China;;Russia")
    assert "Правило написано неверно: группа 2 пуста: уберите лишнюю «;»" in bad
    assert "Как писать: /addtopic <slug> <display name> | <rule>" in bad
    slug = await _admin(core, "/addtopic Энергия Энергия | газ")
    assert "«Энергия» не годится как короткое имя" in slug
    saved = await _admin(core, "/addtopic energy2 Энергия | газ, нефть")
    assert "Тема Энергия (energy2) сохранена." in saved and "Правило: газ, нефть" in saved
    assert "Сохранённые статьи размечаются этой темой в фоне" in saved
    assert "Темы Марс нет. Список тем — /topics." in await _admin(core, "/deltopic Марс")


async def test_deleting_a_followed_topic_in_russian(core: Core, store: Store) -> None:
    await _as(core, "/subscribe energy 08:00")
    question = await _as(core, "/deltopic energy", chat=ADMIN_CHAT)
    text, buttons = render_plain_all(question.messages)
    assert "подписан 1 чат. Если её удалить" in text
    labels = [button.label for button in buttons]
    assert labels == ["Удалить, отписать 1 чат", "Оставить"]
    confirm = next(button for button in buttons if button.label.startswith("Удалить"))
    done = await core.handle_callback(
        replace(request("", chat=ADMIN_CHAT), language="ru"), confirm.callback_data or ""
    )
    assert "удалена. Дайджесты остановлены в 1 чате." in reply_text(done)
    assert done.toast == "Удалено"


async def test_articles_feeds_and_stats_in_russian(core: Core, store: Store) -> None:
    add_articles(store, 3)
    latest = reply_text(await _as(core, "/latest"))
    assert "01 янв. 2026, 14:00" in latest  # dates with Russian month names (Babel)
    stats = await _admin(core, "/stats")
    assert "Статистика" in stats and "Статьи: 3" in stats and "Ленты: 0" in stats
    assert "Статьи #999 нет." in await _admin(core, "/delete 999")
    assert "Какую статью? Например: /delete 12." in await _admin(core, "/delete")
    assert "Статья #1 удалена." in await _admin(core, "/delete 1")
    usage = await _admin(core, "/add")
    assert usage.startswith("Как писать: /add <url>, или /add <title> с текстом статьи")
    assert "Загрузить можно только ссылки http и https (а не ftp:)." in await _admin(
        core, "/add ftp://example.com/news"
    )
    assert "Лент пока нет. Добавьте ленту командой /addfeed <url>." in await _admin(core, "/feeds")
    assert "В every= указывается число минут. Как писать: /addfeed" in await _admin(
        core, "/addfeed https://example.com/rss every=soon"
    )


async def test_errors_from_below_the_bot_reach_a_russian_admin_in_russian(core: Core) -> None:
    # The ingest guard refuses a private address; the error has a code, the bot says it.
    refused = await _admin(core, "/add http://127.0.0.1:9/news")
    assert refused == (
        "Не загружаю 127.0.0.1: этот адрес ведёт во внутреннюю или локальную сеть (127.0.0.1)."
    )
    english = await _admin(core, "/add http://127.0.0.1:9/news", language="en")
    assert english.startswith("Refusing to fetch 127.0.0.1")
    added = await _admin(core, f"/add Газовая сделка\n{ARTICLE_BODY}")
    assert added.startswith("Статья #1 добавлена: Газовая сделка")
    assert "Темы: china-russia" in added and "Выжимка\n• " in added
    again = await _admin(core, f"/add Газовая сделка\n{ARTICLE_BODY}")
    assert again.startswith("Эта статья уже сохранена как #1: Газовая сделка")
    assert "Посмотреть: /summary 1." in again
    untitled = await _admin(core, "/add Заголовок")
    assert untitled.startswith("В статье нет текста: напишите заголовок в первой строке")


async def test_search_of_only_stop_words_or_punctuation(core: Core, store: Store) -> None:
    add_articles(store, 2)
    for query in ("the and of", "и в на"):
        answer = reply_text(await _as(core, f"/search {query}"))
        assert f"В запросе {query} только самые частые слова" in answer
    english = reply_text(await _as(core, "/search the of", language="en"))
    assert "the of has only very common words" in english
    for query in ("?!…", "-- ..."):
        answer = reply_text(await _as(core, f"/search {query}"))
        assert f"В запросе {query} нет слов для поиска." in answer
    found = reply_text(await _as(core, "/search the pipeline"))  # one real word is enough
    assert "Поиск: the pipeline" in found


async def test_search_mixing_scripts_in_russian(core: Core, store: Store) -> None:
    add_articles(store, 2)
    mixed = reply_text(await _as(core, "/search газопровод pipeline"))
    assert "Поиск: газопровод pipeline" in mixed and "Article number" in mixed
    nothing = reply_text(await _as(core, "/search Путина zzqx"))
    assert "По запросу Путина zzqx ничего не найдено" in nothing


async def test_a_text_in_a_language_without_a_stemmer(core: Core) -> None:
    answer = reply_text(await _as(core, f"/summary {BULGARIAN}"))
    assert answer.startswith("Выжимка")
    assert "Правителството одобри нов план" in answer


async def test_an_untranslated_telegram_language_gets_english(core: Core) -> None:
    for code in ("de", "uk", "zh-hans", "xx"):
        answer = reply_text(await _as(core, "/stats", chat=ADMIN_CHAT, language=code))
        assert answer.startswith("Stats") and "Articles: 0" in answer


async def test_a_link_that_fails_to_fetch_is_explained_in_russian(
    store: Store, settings: Settings
) -> None:
    site = Site()
    gone = site.add("/gone", "<html>gone</html>", status=404)
    ingestor = Ingestor(store, allow_private_urls=True)
    core = Core(store, settings, ingestor)
    try:
        answer = reply_text(await _as(core, f"/summary {gone}"))
        assert "Сервер ответил: 404 Not Found." in answer
        added = await _admin(core, f"/add {gone}")
        assert added.endswith("Сервер ответил: 404 Not Found.")
    finally:
        await core.close()
        ingestor.close()
        site.close()
