"""Files in the fake server: documents users send (getFile and the download), sendDocument.

A mixin of ``BotApiServer``. ``post_document`` queues a message with a document whose bytes
the server keeps; getFile answers its ``file_path`` (refusing files over Telegram's 20 MB
download limit), and ``GET /file/bot<token>/<file_path>`` serves the bytes. A document's
declared ``file_size`` may be set apart from its content, to play a client that lies.
sendDocument takes a multipart upload and keeps it: ``documents(chat_id)`` reads it back.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.validation import ApiError

DOWNLOAD_LIMIT = 20 * 1024 * 1024  # Telegram's getFile refuses larger files
CAPTION_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class SentDocument:
    """A document the bot sent (sendDocument)."""

    chat_id: int
    message_id: int
    filename: str
    mime_type: str
    content: bytes
    caption: str | None


@dataclass(frozen=True, slots=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    path: str
    content: bytes
    declared_size: int


class BotFiles:
    """post_document, documents(); sendDocument, getFile, and file downloads."""

    token: str
    bot_user: dict[str, Any]
    _files: dict[str, _StoredFile]
    _documents: list[SentDocument]
    _file_numbers: itertools.count[int]
    _downloads: list[str]

    def _reset_files(self) -> None:
        self._files = {}
        self._documents = []
        self._file_numbers = itertools.count(1)
        self._downloads = []

    # ------------------------------------------------------------------ users' side
    def post_document(
        self,
        chat: FakeChat,
        user: FakeUser,
        content: bytes,
        *,
        file_name: str = "feeds.opml",
        caption: str | None = None,
        mime_type: str = "text/x-opml",
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """``user`` sends a document holding ``content``; ``file_size`` overrides the size
        Telegram declares (default: the content's length)."""
        from tests.support.validation import command_entities

        with self._lock:  # type: ignore[attr-defined]
            number = next(self._file_numbers)
            stored = _StoredFile(
                f"BQACAgIAAxkBAAE{number:06d}doc",
                f"AgAD{number:06d}",
                f"documents/file_{number}{_suffix(file_name)}",
                content,
                len(content) if file_size is None else file_size,
            )
            self._files[stored.file_id] = stored
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored.declared_size,
        }
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
            entities = command_entities(caption)
            if entities:
                extra["caption_entities"] = entities
        message = self._user_message(chat, user, extra)  # type: ignore[attr-defined]
        self.post_update({"message": message})  # type: ignore[attr-defined]
        return message

    # ------------------------------------------------------------------ readouts
    def documents(self, chat_id: int | None = None) -> list[SentDocument]:
        """Documents the bot sent (to ``chat_id`` if given), oldest first."""
        with self._lock:  # type: ignore[attr-defined]
            return [d for d in self._documents if chat_id is None or d.chat_id == chat_id]

    def downloads(self) -> list[str]:
        """The file paths the bot downloaded, in order."""
        with self._lock:  # type: ignore[attr-defined]
            return list(self._downloads)

    # ------------------------------------------------------------------ API side
    def _api_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.declared_size > DOWNLOAD_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.declared_size,
            "file_path": stored.path,
        }

    def _api_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        upload = (params.get("_files") or {}).get("document")
        if not isinstance(upload, UploadedFile):
            raise ApiError(400, "Bad Request: there is no document in the request")
        if not upload.content:
            raise ApiError(400, "Bad Request: file must be non-empty")
        caption = params.get("caption")
        if isinstance(caption, str) and len(caption) > CAPTION_LIMIT:
            raise ApiError(400, "Bad Request: message caption is too long")
        message_id = self._new_message_id(chat_id)  # type: ignore[attr-defined]
        sent = SentDocument(
            chat_id,
            message_id,
            upload.filename,
            upload.content_type,
            upload.content,
            caption if isinstance(caption, str) else None,
        )
        self._documents.append(sent)
        number = next(self._file_numbers)
        data: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": self._chat(chat_id).to_dict(),  # type: ignore[attr-defined]
            "date": int(time.time()),
            "document": {
                "file_id": f"BQACAgIAAxkBAAE{number:06d}sent",
                "file_unique_id": f"AgAD{number:06d}s",
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "file_size": len(upload.content),
            },
        }
        if sent.caption:
            data["caption"] = sent.caption
        return data

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """GET /file/bot<token>/<file_path>: the bytes (404 for anything else)."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        with self._lock:  # type: ignore[attr-defined]
            stored = next((f for f in self._files.values() if f.path == path), None)
            self._downloads.append(path)
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.content, content_type="application/octet-stream")


def _suffix(file_name: str) -> str:
    dot = file_name.rfind(".")
    return file_name[dot:][:10] if dot > 0 else ""


def read_uploads(form: Any) -> dict[str, UploadedFile]:
    """The file parts of a multipart form (aiohttp FileField values), read into memory."""
    files: dict[str, UploadedFile] = {}
    for name, value in form.items():
        if isinstance(value, str):
            continue
        content = value.file.read()
        files[name] = UploadedFile(
            value.filename or name, value.content_type or "application/octet-stream", content
        )
    return files
