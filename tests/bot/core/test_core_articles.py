"""/start, /help, /latest, /summary, /search and plain text, through Core on a real store."""

from __future__ import annotations

import pytest

from bot.core.app import Core
from bot.core.render import render_html
from bot.core.types import Chat
from storage.store import Store
from tests.bot.core.conftest import (
    ADMIN_ID,
    ARTICLE_BODY,
    GROUP,
    add_articles,
    reply_text,
    request,
    send,
)


def buttons(reply) -> list[str]:  # type: ignore[no-untyped-def]
    """Every callback_data of the reply."""
    return [b.callback_data or b.url or "" for m in reply.messages for b in m.buttons]


async def test_start_greets_and_points_to_help(core: Core) -> None:
    text = reply_text(await send(core, "/start"))
    assert "Hello" in text and "/help" in text


async def test_help_lists_every_public_command_with_examples(core: Core) -> None:
    text = reply_text(await send(core, "/help"))
    for name in ("latest", "summary", "search", "topics", "settings", "subscribe"):
        assert f"/{name}" in text
    assert "/latest 10" in text and "e.g. " in text
    assert "/addtopic" not in text


async def test_help_shows_admin_commands_to_admins(core: Core) -> None:
    text = reply_text(await send(core, "/help", user_id=ADMIN_ID))
    assert "Admin commands" in text and "/addtopic" in text and "/stats" in text


async def test_menu_commands_are_public_and_valid(core: Core) -> None:
    menu = Core.menu_commands()
    names = [name for name, _ in menu]
    assert "latest" in names and "add" not in names
    for name, description in menu:
        assert name.islower() and 1 <= len(name) <= 32 and 1 <= len(description) <= 256


async def test_latest_on_empty_store(core: Core) -> None:
    assert "No articles" in reply_text(await send(core, "/latest"))


async def test_latest_defaults_to_five_newest_with_buttons(core: Core, store: Store) -> None:
    ids = add_articles(store, 8)
    reply = await send(core, "/latest")
    text = reply_text(reply)
    newest = list(reversed(ids))[:5]
    assert [f"#{i} " in text for i in newest] == [True] * 5
    assert text.index(f"#{newest[0]} ") < text.index(f"#{newest[1]} ")
    assert f"#{ids[0]} " not in text
    assert "Test Wire" in text and "First sentence of 7." in text
    assert buttons(reply) == [f"sum:{i}" for i in newest] + ["more:5+5:-"]


async def test_latest_more_button_pages(core: Core, store: Store) -> None:
    ids = add_articles(store, 7)
    reply = await core.handle_callback(request(""), "more:5:-")
    text = reply_text(reply)
    assert f"#{ids[1]} " in text and f"#{ids[0]} " in text and f"#{ids[6]} " not in text
    assert reply.edit  # the list changes in place
    # The last page: "◂ Back" to the page before, no "More ▸".
    assert buttons(reply) == [f"sum:{ids[1]}", f"sum:{ids[0]}", "more:0+5:-"]
    assert [b.label for b in reply.messages[0].keyboard[-1]] == ["◂ Back"]
    back = await core.handle_callback(request(""), "more:0+5:-")
    assert back.edit and "Latest articles\n" in reply_text(back) + "\n"
    assert buttons(back)[-1] == "more:5+5:-"  # the first page again: no Back
    done = await core.handle_callback(request(""), "more:50:-")
    assert done.messages == () and "no older articles" in (done.toast or "")


async def test_latest_count_and_topic_by_slug_or_name(core: Core, store: Store) -> None:
    add_articles(store, 3)
    energy = add_articles(store, 4, topic="energy")
    text = reply_text(await send(core, "/latest 2 ENERGY"))
    assert "Latest in Energy" in text
    assert f"#{energy[-1]} " in text and f"#{energy[-2]} " in text and f"#{energy[0]} " not in text
    by_name = reply_text(await send(core, "/latest china–russia relations"))
    assert "No articles in China–Russia relations" in by_name
    reply = await send(core, "/latest energy 3")
    assert buttons(reply)[-1] == "more:3+3:energy"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("abc", "There is no topic abc"),
        ("0", "between 1 and 20"),
        ("-5", "between 1 and 20"),
        ("99999999999999999999", "between 1 and 20"),
    ],
)
async def test_latest_bad_arguments(core: Core, store: Store, args: str, expected: str) -> None:
    add_articles(store, 2)
    assert expected in reply_text(await send(core, f"/latest {args}"))


async def test_latest_too_many_is_capped_at_twenty(core: Core, store: Store) -> None:
    add_articles(store, 25)
    reply = await send(core, "/latest 100000")
    text = reply_text(reply)
    assert "at most" not in text or "20" in text
    assert "here are the 20 newest" in text
    assert len([b for b in buttons(reply) if b.startswith("sum:")]) == 20
    for message in reply.messages:
        assert all(len(part.text) <= 4096 for part in render_html(message))


async def test_latest_dates_in_chat_timezone(core: Core, store: Store) -> None:
    add_articles(store, 1)  # published 2026-01-01 12:00 UTC
    assert "01 Jan 2026, 12:00" in reply_text(await send(core, "/latest"))
    await send(core, "/settings tz Asia/Tokyo")
    assert "01 Jan 2026, 21:00" in reply_text(await send(core, "/latest"))


async def test_summary_by_id_hash_id_and_button(core: Core, store: Store) -> None:
    [article_id] = add_articles(store, 1)
    for text in (f"/summary {article_id}", f"/summary #{article_id}"):
        answer = reply_text(await send(core, text))
        assert "• First sentence of 0." in answer and "• Third sentence." in answer
    pressed = await core.handle_callback(request(""), f"sum:{article_id}")
    assert "First sentence of 0." in reply_text(pressed)
    assert buttons(pressed) == ["https://example.com/news/0"]


async def test_summary_respects_chat_length(core: Core, store: Store) -> None:
    [article_id] = add_articles(store, 1)
    await send(core, "/settings length 1")
    answer = reply_text(await send(core, f"/summary {article_id}"))
    assert "First sentence of 0." in answer and "Second sentence." not in answer


async def test_summary_longer_than_stored_for_an_article_of_paragraphs(
    core: Core, store: Store
) -> None:
    body = "\n\n".join(  # sentences end at newlines, with no ". " anywhere
        (
            "Chinese and Russian warships began a joint exercise in the Sea of Japan.",
            "The drills include anti-submarine warfare, air defence and rescue training.",
            "Beijing said the exercise was routine and not aimed at any third country.",
            "Japan's defence ministry said it was monitoring the ships closely.",
            "Observers say the scale of the drills has grown as relations deepened.",
        )
    )
    outcome = core.ctx.ingestor.add_text("Naval exercise", body).article
    assert len(outcome.summary) == 3
    await send(core, "/settings length 5")
    answer = reply_text(await send(core, f"/summary {outcome.id}"))
    assert answer.count("• ") == 5


async def test_latest_of_a_topic_whose_name_ends_in_a_number(core: Core, store: Store) -> None:
    store.upsert_topic("web3", "Web 3", "blockchain")
    add_articles(store, 3, topic="web3")
    for args in ("Web 3", "web 3", "2 Web 3", "Web 3 2"):
        answer = reply_text(await send(core, f"/latest {args}"))
        assert answer.startswith("Latest in Web 3"), args
    assert reply_text(await send(core, "/latest 2 Web 3")).count("Summary #") == 2


@pytest.mark.parametrize("arg", ["99999999", "#0", "999999999999999999999999999"])
async def test_summary_of_missing_article(core: Core, store: Store, arg: str) -> None:
    add_articles(store, 1)
    assert "There is no article" in reply_text(await send(core, f"/summary {arg}"))


async def test_summary_without_argument_is_latest_article(core: Core, store: Store) -> None:
    assert "no articles yet" in reply_text(await send(core, "/summary"))
    ids = add_articles(store, 3)
    assert f"#{ids[-1]} " in reply_text(await send(core, "/summary"))


async def test_summary_of_pasted_text(core: Core) -> None:
    answer = reply_text(await send(core, f"/summary {ARTICLE_BODY}"))
    assert answer.startswith("Summary") and answer.count("• ") == 3


async def test_chat_summary_of_text_gets_the_cli_character_budget(core: Core) -> None:
    """A 90-word run-on of photo captions took the whole chat summary (no character budget)."""
    from summarizer import budget_for, summarize

    captions = " ".join(
        f"Pictured: guest number {n} at the gala, with friends, family and the organisers"
        for n in range(1, 8)
    ) + " in the main hall of the museum on Saturday night."
    story = (
        "The city museum reopened on Saturday after a two-year renovation costing 40 million "
        "pounds. About 3,000 visitors came on the first day, the director said. The new wing "
        "holds the largest collection of Roman coins in the country. Entry stays free for "
        "children under 16. The museum will open late on Fridays from next month."
    )
    text = f"{captions}\n\n{story}"
    answer = reply_text(await send(core, f"/summary {text}"))
    bullets = [line[2:] for line in answer.splitlines() if line.startswith("• ")]
    assert bullets and sum(map(len, bullets)) <= budget_for(3) + 150
    assert not any(bullet.startswith("Pictured: guest number 1") for bullet in bullets)
    cli = summarize(text, sentences=3, max_chars=budget_for(3)).sentences
    assert tuple(bullets) == cli


async def test_summary_of_max_size_telegram_message(core: Core) -> None:
    text = ("Markets rose on Monday after the central bank held rates. " * 80)[:4080]
    reply = await send(core, f"/summary {text}")
    assert "Summary" in reply_text(reply)
    for message in reply.messages:
        for part in render_html(message):
            assert 1 <= len(part.text) <= 4096


async def test_summary_as_reply_to_a_message(core: Core) -> None:
    reply = await send(core, "/summary", reply_to=ARTICLE_BODY)
    assert "pipeline" in reply_text(reply)


async def test_summary_of_stored_url_and_unknown_url(core: Core, store: Store) -> None:
    [article_id] = add_articles(store, 1)
    stored = reply_text(await send(core, "/summary https://example.com/news/0"))
    assert f"#{article_id} " in stored
    private = reply_text(await send(core, "/summary http://127.0.0.1:9/other"))
    assert "private or local address" in private  # fetched for anyone, by the guarded fetcher


async def test_summary_of_empty_looking_text_is_answered(core: Core) -> None:
    answer = reply_text(await send(core, "/summary ... !!! ..."))
    assert answer  # either a summary or the summarizer's clear message
    assert "Traceback" not in answer


async def test_search_pages_and_validates(core: Core, store: Store) -> None:
    assert "What should I look for" in reply_text(await send(core, "/search"))
    add_articles(store, 7)
    reply = await send(core, "/search pipeline")
    assert "Search: pipeline" in reply_text(reply)
    assert buttons(reply)[-1] == "search:5:pipeline"
    more = await core.handle_callback(request(""), "search:5:pipeline")
    assert len([b for b in buttons(more) if b.startswith("sum:")]) == 2
    nothing = reply_text(await send(core, '/search <b>zebra</b> & "quotes"'))
    assert "Nothing found for <b>zebra</b>" in nothing


async def test_search_long_query_keeps_callback_small(core: Core, store: Store) -> None:
    add_articles(store, 7)
    reply = await send(core, "/search " + "pipeline gas " * 40)
    for data in buttons(reply):
        assert len(data.encode("utf-8")) <= 64


async def test_unknown_command_and_group_behaviour(core: Core) -> None:
    assert "/help" in reply_text(await send(core, "/frobnicate"))
    assert (await send(core, "/frobnicate", chat=GROUP)).messages == ()
    assert "/help" in reply_text(await send(core, "/frobnicate@NewsBot", chat=GROUP))
    assert (await send(core, "just chatting", chat=GROUP)).messages == ()


async def test_latest_with_bot_name_in_group(core: Core, store: Store) -> None:
    add_articles(store, 2)
    assert "Latest articles" in reply_text(await send(core, "/latest@NewsBot", chat=GROUP))


async def test_plain_text_in_private_chat(core: Core) -> None:
    assert "/help" in reply_text(await send(core, "hi"))
    summarized = reply_text(await send(core, ARTICLE_BODY))
    assert "Summary" in summarized and "I summarized it" in summarized


async def test_edited_messages_and_empty_messages_are_ignored(core: Core) -> None:
    assert (await send(core, "/latest", edited=True)).messages == ()
    assert (await send(core, "")).messages == ()


async def test_unknown_or_malformed_callbacks_answer_with_a_toast(core: Core) -> None:
    for data in ("nope:1", "", "sum:abc", "more:xyz:-", "search:1:"):
        reply = await core.handle_callback(request(""), data)
        assert reply.messages == () or reply_text(reply)
        assert reply.toast is None or reply.toast


async def test_html_in_titles_is_escaped_end_to_end(core: Core, store: Store) -> None:
    await send(
        core,
        "/add <b>Bold</b> & <script>x</script> 🚀 שלום\n" + ARTICLE_BODY,
        chat=Chat(ADMIN_ID, "private"),
    )
    reply = await send(core, "/latest")
    html_text = render_html(reply.messages[0])[0].text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in html_text
    assert "🚀 שלום" in html_text


async def test_long_topic_slug_keeps_more_button_within_64_bytes(core: Core, store: Store) -> None:
    slug = "a" * 60
    store.upsert_topic(slug, "Long slug topic", "gas")
    add_articles(store, 7, topic=slug)
    reply = await send(core, f"/latest {slug}")
    more = buttons(reply)[-1]
    assert more.startswith("more:5+5:#") and len(more.encode("utf-8")) <= 64
    page = await core.handle_callback(request(""), more)
    assert "Latest in Long slug topic (from 6)" in reply_text(page)


async def test_summary_refuses_text_over_100_kb(core: Core) -> None:
    answer = reply_text(await send(core, "/summary " + "word. " * 20_000))
    assert "over 100 KB" in answer


async def test_unknown_command_suggests_a_close_one(core: Core) -> None:
    assert "Did you mean /latest?" in reply_text(await send(core, "/lates"))
    assert "Did you mean" not in reply_text(await send(core, "/xyzzy"))


async def test_more_keeps_the_page_size_the_user_asked_for(core: Core, store: Store) -> None:
    ids = add_articles(store, 8)
    reply = await send(core, "/latest 3")
    assert buttons(reply)[-1] == "more:3+3:-"
    page = await core.handle_callback(request(""), "more:3+3:-")
    newest_first = list(reversed(ids))
    assert buttons(page) == [f"sum:{i}" for i in newest_first[3:6]] + ["more:0+3:-", "more:6+3:-"]
