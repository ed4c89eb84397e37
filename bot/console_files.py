"""Files in the console chat: ``/import FILE`` reads a local file as the command's attachment,
and documents the bot sends (``/feeds opml``) are saved to the data folder.

The console's user is the local admin at their own terminal, so a path they type is theirs to
read; the read is bounded like a Telegram download.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.types import Attachment, AttachmentTooLarge, AttachmentUnavailable, Document
from bot.i18n import _


def local_attachment(path_text: str) -> Attachment:
    """The file at ``path_text`` as an Attachment (read only when the core asks)."""
    path = Path(path_text.strip().strip("'\"")).expanduser()
    try:
        size: int | None = path.stat().st_size if path.is_file() else None
    except OSError:
        size = None

    async def read(limit: int) -> bytes:
        try:
            with path.open("rb") as handle:
                content = handle.read(limit + 1)
        except OSError:
            raise AttachmentUnavailable from None
        if len(content) > limit:
            raise AttachmentTooLarge
        return content

    return Attachment(path.name, size, read)


def save_documents(documents: tuple[Document, ...], folder: Path) -> list[str]:
    """Write each document into ``folder`` (created if needed); a line for each, to print."""
    lines: list[str] = []
    for document in documents:
        target = folder / Path(document.filename).name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document.content)
        except OSError as error:
            reason = error.strerror or str(error)
            failed = _("[file {name}: not saved ({reason})]")
            lines.append(failed.format(name=document.filename, reason=reason))
            continue
        caption = f" {document.caption}" if document.caption else ""
        size = len(document.content)
        saved = _("[file {name}, {size} bytes]").format(name=document.filename, size=size)
        lines.append(saved + caption)
        lines.append(_("Saved to {path}").format(path=target))
    return lines
