"""Files users send, read through the Bot API with a bound: getFile, then a streamed download.

PTB's ``File.download_*`` reads the whole body into memory, whatever its size; a document's
declared size comes from the client and getFile's from Telegram, so neither is trusted alone.
The download is streamed with httpx (through the bot's proxy, if any) and cut off past the
limit. The file URL holds the bot token: it is never logged.
"""

from __future__ import annotations

import logging

import httpx
from telegram import Bot, Document
from telegram.error import BadRequest, TelegramError

from bot.core.textclean import valid_text
from bot.core.types import Attachment, AttachmentTooLarge, AttachmentUnavailable

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 30.0


def document_attachment(bot: Bot, document: Document, *, proxy: str | None = None) -> Attachment:
    """The core's Attachment for a document a user sent (nothing is downloaded yet)."""

    async def read(limit: int) -> bytes:
        if document.file_size is not None and document.file_size > limit:
            raise AttachmentTooLarge
        try:
            file = await bot.get_file(document.file_id)
        except BadRequest as error:
            if "too big" in error.message.lower():  # over the Bot API's 20 MB
                raise AttachmentTooLarge from None
            log.info("getFile refused a document: %s", error.message)
            raise AttachmentUnavailable from None
        except TelegramError as error:
            log.warning("getFile failed: %s", error)
            raise AttachmentUnavailable from None
        if file.file_size is not None and file.file_size > limit:
            raise AttachmentTooLarge
        if not file.file_path:
            raise AttachmentUnavailable
        return await download_bounded(file.file_path, limit, proxy=proxy)

    return Attachment(valid_text(document.file_name or ""), document.file_size, read)


async def download_bounded(url: str, limit: int, *, proxy: str | None = None) -> bytes:
    """The body at ``url``; AttachmentTooLarge as soon as it passes ``limit`` bytes."""
    received = bytearray()
    try:
        async with (
            httpx.AsyncClient(proxy=proxy, timeout=DOWNLOAD_TIMEOUT) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                log.info("file download answered %s", response.status_code)
                raise AttachmentUnavailable
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) > limit:
                    raise AttachmentTooLarge
    except httpx.HTTPError as error:  # the message names no URL: the URL holds the token
        log.warning("file download failed: %s", type(error).__name__)
        raise AttachmentUnavailable from None
    return bytes(received)
