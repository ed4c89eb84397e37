"""Inline mode on Telegram: an ``inline_query`` update in, answerInlineQuery out.

The core (``bot/core/commands/inline.py``) chooses the articles; this adapter only turns its
``InlineAnswer`` into PTB objects: each result an ``InlineQueryResultArticle`` whose message
is the core's rendered HTML (one part: the core fits it into 4,096 characters), the hint or
"nothing found" as the ``InlineQueryResultsButton`` into the bot's chat.
Inline mode has to be switched on with @BotFather (/setinline) for Telegram to send queries.
"""

from __future__ import annotations

import logging

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core.commands.inline import InlineAnswer, InlineArticle
from bot.core.render import render_html
from bot.core.textclean import valid_text
from bot.core.types import Chat, Request
from bot.telegram.replies import inline_markup

log = logging.getLogger(__name__)

BUTTON_TEXT_LIMIT = 64  # what fits on the button above the results


def _result(article: InlineArticle) -> InlineQueryResultArticle:
    part = render_html(article.message)[0]
    return InlineQueryResultArticle(
        id=article.id,
        title=article.title,
        description=article.description or None,
        input_message_content=InputTextMessageContent(
            part.text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=not part.link_preview),
        ),
        reply_markup=inline_markup(part.keyboard),
        url=article.url,
    )


def _button(answer: InlineAnswer) -> InlineQueryResultsButton | None:
    if answer.button is None:
        return None
    text, payload = answer.button
    return InlineQueryResultsButton(text=text[:BUTTON_TEXT_LIMIT], start_parameter=payload)


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Someone typed ``@bot <words>``: answer with the core's articles (never personal)."""
    query = update.inline_query
    if query is None:
        return
    from bot.telegram.handlers import adapter_of  # the handlers module registers this one

    adapter = adapter_of(context)
    user = query.from_user
    request = Request(
        chat=Chat(user.id, "private"),
        user_id=user.id,
        user_name=valid_text(user.username or user.full_name or ""),
        args=valid_text(query.query or ""),
        text=valid_text(query.query or ""),
        language=valid_text(user.language_code or ""),
    )
    answer = await adapter.core.handle_inline(request)
    try:
        await query.answer(
            [_result(article) for article in answer.results],
            cache_time=answer.cache_seconds,
            is_personal=False,
            button=_button(answer),
        )
    except BadRequest as error:  # typed long ago: Telegram no longer takes an answer
        log.info("could not answer inline query %s: %s", query.id, error)
