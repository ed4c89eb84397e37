"""Admin commands through Core: refusals and audit, /add in every form, topics, delete, stats."""

from __future__ import annotations

import pytest

from bot.core.app import Core
from ingest.pipeline import AddOutcome, IngestError, Ingestor, TextItem
from storage.store import Store
from storage.views import ArticleDraft
from tests.bot.core.conftest import (
    ADMIN_CHAT,
    ADMIN_ID,
    ARTICLE_BODY,
    USER_ID,
    add_articles,
    reply_text,
    send,
)


async def admin(core: Core, text: str, **kwargs: object) -> str:
    """Send as the admin and return the reply text."""
    return reply_text(await send(core, text, chat=ADMIN_CHAT, **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["/add Title\nBody text.", "/addtopic x X | y", "/deltopic energy", "/delete 1", "/stats"],
)
async def test_non_admins_are_refused_and_audited(core: Core, store: Store, text: str) -> None:
    answer = reply_text(await send(core, text))
    assert "for the bot's admins only" in answer
    entry = store.recent_audit(1)[0]
    assert entry.allowed is False and entry.actor_id == USER_ID
    assert store.count_articles() == 0
    assert store.find_topic("energy") is not None


async def test_add_with_title_on_same_line(core: Core, store: Store) -> None:
    answer = await admin(core, f"/add Beijing and Moscow sign gas deal\n{ARTICLE_BODY}")
    article = store.latest_articles(1).items[0]
    assert f"Added #{article.id}: Beijing and Moscow sign gas deal" in answer
    assert "Topics: " in answer and "china-russia" in answer
    assert "Summary" in answer and "• " in answer
    assert article.added_by == "tester"
    assert store.recent_audit(1)[0].allowed is True


async def test_add_with_title_on_next_line_and_duplicate(core: Core, store: Store) -> None:
    first = await admin(core, f"/add\nGas deal\n{ARTICLE_BODY}")
    article_id = store.latest_articles(1).items[0].id
    assert f"Added #{article_id}: Gas deal" in first
    again = await admin(core, f"/add Gas deal\n{ARTICLE_BODY}")
    assert f"Already stored as #{article_id}" in again
    assert store.count_articles() == 1


async def test_add_as_reply_to_a_forwarded_post(core: Core, store: Store) -> None:
    answer = await admin(core, "/add", reply_to=f"Pipeline news\n{ARTICLE_BODY}")
    assert "Added #" in answer and "Pipeline news" in answer
    one_paragraph = await admin(core, "/add", reply_to=ARTICLE_BODY.replace("gas", "oil"))
    assert "Added #" in one_paragraph and "China and Russia signed" in one_paragraph


@pytest.mark.parametrize("text", ["/add", "/add Just a title", "/add   \n  \n"])
async def test_add_without_body_explains(core: Core, store: Store, text: str) -> None:
    answer = await admin(core, text)
    assert "Usage: /add <url>" in answer
    assert store.count_articles() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/add javascript:alert(1)", "Only http and https links can be fetched (not javascript:)"),
        ("/add ftp://example.com/a.txt", "(not ftp:)"),
        ("/add file:///etc/passwd", "(not file:)"),
        ("/add www.example.com/news/1", "Put http:// or https:// in front"),
        ("/add example.org/news", "Put http:// or https:// in front"),
        ("/add bbc.co.uk", "e.g. /add https://bbc.co.uk"),
    ],
)
async def test_add_of_a_link_that_cannot_be_fetched(
    core: Core, store: Store, text: str, expected: str
) -> None:
    answer = await admin(core, text)
    assert expected in answer and "has no text" not in answer
    assert store.count_articles() == 0


class StubUrlIngestor(Ingestor):
    """A real Ingestor whose network fetch is replaced by a fixed text or error."""

    def add_url(self, url: str, *, added_by: str = "") -> AddOutcome:
        if "missing" in url:
            raise IngestError("The page answered 404 Not Found.")
        return self.add_text("Fetched title", ARTICLE_BODY, url=url, added_by=added_by)

    def summarize_url(self, url: str) -> ArticleDraft:
        return self.prepare(TextItem("Fetched title", ARTICLE_BODY, url))


async def test_add_url_uses_the_ingestor(store: Store, settings) -> None:  # type: ignore[no-untyped-def]
    core = Core(store, settings, StubUrlIngestor(store))
    answer = await admin(core, "/add https://example.com/story")
    assert "Added #" in answer and "Fetched title" in answer
    assert "404 Not Found" in await admin(core, "/add https://example.com/missing")
    before = store.count_articles()
    summary = await admin(core, "/summary https://example.com/other")
    assert "Fetched title" in summary and "/add" in summary
    assert store.count_articles() == before  # shown, not stored: only /add stores
    await core.close()


async def test_addtopic_saves_validates_and_retags(core: Core, store: Store) -> None:
    [article_id] = add_articles(store, 1)
    answer = await admin(core, "/addtopic pipes Pipelines & gas | pipeline, pipe; gas")
    assert "Topic Pipelines & gas (pipes) saved" in answer
    await core.close()  # waits for the background retag
    assert "pipes" in (store.get_article(article_id).topic_slugs)  # type: ignore[union-attr]
    assert "Latest in Pipelines & gas" in await admin(core, "/latest pipelines & GAS")


async def test_addtopic_of_an_existing_slug_says_what_it_replaced(core: Core) -> None:
    answer = await admin(core, "/addtopic energy Power | electricity, grid")
    assert "Topic energy updated: it was Energy | energy, oil" in answer
    assert "now Power." in answer and "Rule: electricity, grid" in answer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/addtopic", "Usage: /addtopic"),
        ("/addtopic pipes Pipelines", "Usage: /addtopic"),
        ("/addtopic Bad/Slug! Name | x", "can't be a slug"),
        ("/addtopic pipes Pipes | ", "The rule is not valid"),
        ("/addtopic pipes Pipes | a;;b", "The rule is not valid"),
        ("/addtopic pipes Energy | gas", "is taken by topic energy"),
    ],
)
async def test_addtopic_bad_input(core: Core, store: Store, text: str, expected: str) -> None:
    assert expected in await admin(core, text)
    assert store.find_topic("pipes") is None


async def test_deltopic_and_delete(core: Core, store: Store) -> None:
    assert "Deleted topic Energy" in await admin(core, "/deltopic ENERGY")
    assert store.find_topic("energy") is None
    assert "There is no topic energy" in await admin(core, "/deltopic energy")
    assert "Which topic" in await admin(core, "/deltopic")
    [article_id] = add_articles(store, 1)
    assert f"Deleted article #{article_id}" in await admin(core, f"/delete #{article_id}")
    assert f"There is no article #{article_id}" in await admin(core, f"/delete {article_id}")
    assert "Which article" in await admin(core, "/delete abc")
    assert "There is no article" in await admin(core, "/delete 99999999999999999999999")


async def test_stats(core: Core, store: Store) -> None:
    add_articles(store, 2)
    answer = await admin(core, "/stats")
    assert "Articles: 2" in answer and "Topics: 7" in answer and "Chats: 1" in answer
    assert "Blocked chats: 0" in answer and "_" not in answer


async def test_admin_flag_from_settings_or_adapter(core: Core) -> None:
    from bot.core.types import Chat

    assert "Stats" in reply_text(
        await send(core, "/stats", chat=Chat(5, "private"), user_id=ADMIN_ID)
    )


async def test_add_of_unpunctuated_text_answers_in_one_message(core: Core) -> None:
    from bot.core.render import render_html

    reply = await send(core, "/add Wall of text\n" + "word " * 20_000, chat=ADMIN_CHAT)
    assert "Added #" in reply_text(reply)
    assert len(render_html(reply.messages[0])) == 1


async def test_add_of_a_pasted_page_is_cleaned_like_a_fetched_one(
    core: Core, store: Store
) -> None:
    """'/add' + the seed page stored the title 'SI |' and the byline block in the body."""
    from tests.summarizer.conftest import FIXTURES

    seed = (FIXTURES / "china-russia-strategic-partnership.txt").read_text(encoding="utf-8")
    answer = await admin(core, f"/add {seed}")
    article = store.latest_articles(1).items[0]
    title = "Chinese-Russian ‘Strategic Partnership Taking Shape of an Alliance’"
    assert article.title == title and f"Added #{article.id}: {title}" in answer
    for line in ("SI |", "About Author", "Edward Bokhua", "Related Articles", "16:20 2017"):
        assert line not in article.body
