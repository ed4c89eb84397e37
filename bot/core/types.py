"""Transport-free values the core speaks: a Request in, a Reply (messages of rich text) out.

Adapters (Telegram, console) build a ``Request`` from whatever arrived, hand it to
``Core.handle`` and render the ``Reply`` with ``bot.core.render`` (HTML or plain text).
Nothing here knows about Telegram or about the terminal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

ChatType = Literal["private", "group", "supergroup", "channel", "console"]
Style = Literal["plain", "bold", "italic", "code", "link", "bold_link"]
# A block a span belongs to: none, or a quotation ("expandable": folded until tapped).
Quote = Literal["", "quote", "expandable"]

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's cap on callback_data


@dataclass(frozen=True, slots=True)
class Chat:
    """The conversation a request came from."""

    id: int
    type: ChatType = "private"
    title: str = ""
    username: str = ""

    @property
    def is_private(self) -> bool:
        """A one-to-one conversation (Telegram private chat or the local console)."""
        return self.type in {"private", "console"}


@dataclass(frozen=True, slots=True)
class Request:
    """One incoming message (or button press), already stripped of transport details.

    ``command`` is lower-case without '/' and '@BotName' ('' for plain text); ``args`` is the
    text after the command (it may span several lines); ``text`` is the whole message.
    """

    chat: Chat
    user_id: int | None = None
    user_name: str = ""
    command: str = ""
    args: str = ""
    text: str = ""
    reply_to_text: str | None = None
    is_admin: bool = False
    message_id: int | None = None
    edited: bool = False
    language: str = ""
    addressed: bool = False  # the command named this bot explicitly (/latest@ThisBot)
    # The chat a message was sent on behalf of: a group's anonymous administrators write as
    # the group itself (sender_chat_id == chat.id); a linked channel writes as the channel.
    sender_chat_id: int | None = None
    # A button press: the keyboard of the message whose button was pressed, so the answer can
    # switch the pressed button (Subscribe <-> Unsubscribe) in place; () when unknown.
    keyboard: Keyboard = ()
    # A file sent with the message (a document): read through the adapter, with a bound.
    attachment: Attachment | None = None

    @property
    def actor(self) -> str:
        """A short label for logs and ``added_by``: the user name, else the user id."""
        return self.user_name or (str(self.user_id) if self.user_id is not None else "")


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text in one style; ``url`` is set for links only.

    ``quote`` puts the span in a block quotation; adjacent spans with the same value share
    one block (on Telegram, ``<blockquote>`` or ``<blockquote expandable>``).
    """

    text: str
    style: Style = "plain"
    url: str | None = None
    quote: Quote = ""


def plain(text: str) -> Span:
    """A plain span."""
    return Span(text)


def bold(text: str) -> Span:
    """A bold span."""
    return Span(text, "bold")


def italic(text: str) -> Span:
    """An italic span."""
    return Span(text, "italic")


def code(text: str) -> Span:
    """A monospace span."""
    return Span(text, "code")


def link(text: str, url: str) -> Span:
    """A hyperlink span."""
    return Span(text, "link", url)


def bold_link(text: str, url: str) -> Span:
    """A hyperlink span shown in bold (a headline)."""
    return Span(text, "bold_link", url)


def quoted(*parts: str | Span, expandable: bool = True) -> Text:
    """Spans (strings are plain) inside one block quotation, expandable by default."""
    kind: Quote = "expandable" if expandable else "quote"
    spans = [part if isinstance(part, Span) else Span(part) for part in parts]
    return Text(tuple(replace(span, quote=kind) for span in spans if span.text))


@dataclass(frozen=True, slots=True)
class Text:
    """One item of a message: a small rich-text value made of spans (newlines allowed)."""

    spans: tuple[Span, ...] = ()

    @classmethod
    def of(cls, *parts: str | Span | Text) -> Text:
        """Build from strings (plain), spans and other Texts, in order."""
        spans: list[Span] = []
        for part in parts:
            if isinstance(part, Text):
                spans.extend(part.spans)
            elif isinstance(part, Span):
                spans.append(part)
            elif part:
                spans.append(Span(part))
        return cls(tuple(span for span in spans if span.text))

    def __add__(self, other: str | Span | Text) -> Text:
        return Text.of(self, other)

    @property
    def plain_text(self) -> str:
        """The text without styling."""
        return "".join(span.text for span in self.spans)

    def __bool__(self) -> bool:
        return bool(self.spans)


def truncate_callback_data(data: str, limit: int = CALLBACK_DATA_LIMIT) -> str:
    """Cut ``data`` to at most ``limit`` UTF-8 bytes without splitting a character."""
    encoded = data.encode("utf-8")
    if len(encoded) <= limit:
        return data
    return encoded[:limit].decode("utf-8", errors="ignore")


def fit_callback(prefix: str, text: str, limit: int = CALLBACK_DATA_LIMIT) -> str:
    """``prefix + text`` within ``limit`` bytes, cutting ``text`` at a word when it is long."""
    room = limit - len(prefix.encode("utf-8"))
    if len(text.encode("utf-8")) <= room:
        return prefix + text
    cut = truncate_callback_data(text, max(room, 0))
    if " " in cut.strip():
        cut = cut.rsplit(" ", 1)[0]
    return prefix + cut.strip()


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: ``callback_data`` (<= 64 bytes, truncated if longer) or a ``url``."""

    label: str
    callback_data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.callback_data is None) == (self.url is None):
            raise ValueError("a Button needs exactly one of callback_data and url")
        if self.callback_data is not None:
            object.__setattr__(self, "callback_data", truncate_callback_data(self.callback_data))


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message: items (rendered one after another, blank line between) and buttons.

    Renderers may split a message that is too long between items; the keyboard goes with
    the last part.
    """

    items: tuple[Text, ...] = ()
    keyboard: Keyboard = ()
    link_preview: bool = False

    @classmethod
    def of(
        cls,
        *items: str | Span | Text,
        keyboard: Sequence[Sequence[Button]] = (),
        link_preview: bool = False,
    ) -> Message:
        """Build from items (each a str, Span or Text) and keyboard rows."""
        texts = tuple(item if isinstance(item, Text) else Text.of(item) for item in items)
        rows = tuple(tuple(row) for row in keyboard if row)
        return cls(tuple(text for text in texts if text), rows, link_preview)

    @property
    def buttons(self) -> tuple[Button, ...]:
        """All buttons, row by row."""
        return tuple(button for row in self.keyboard for button in row)


@dataclass(frozen=True, slots=True)
class Reply:
    """What the core answers: messages to send, or (for a button press) an edit and a toast.

    ``edit`` asks the adapter to replace the message whose button was pressed with the first
    message (the others are sent after it); ``toast`` is the short callback answer text.
    An empty Reply means: say nothing.
    """

    messages: tuple[Message, ...] = ()
    edit: bool = False
    toast: str | None = None
    # A new keyboard for the message whose button was pressed (Telegram:
    # editMessageReplyMarkup), so the buttons follow the state; None leaves them.
    markup: Keyboard | None = None
    # Files to send after the messages (e.g. the feeds as OPML).
    documents: tuple[Document, ...] = ()

    @classmethod
    def say(
        cls,
        *items: str | Span | Text,
        keyboard: Sequence[Sequence[Button]] = (),
        edit: bool = False,
        toast: str | None = None,
    ) -> Reply:
        """A reply of one message built from ``items``."""
        return cls((Message.of(*items, keyboard=keyboard),), edit, toast)

    @classmethod
    def of(
        cls, messages: Iterable[Message], *, edit: bool = False, toast: str | None = None
    ) -> Reply:
        """A reply of several messages."""
        return cls(tuple(messages), edit, toast)

    @classmethod
    def nothing(cls, toast: str | None = None) -> Reply:
        """No message (a button press may still get a toast)."""
        return cls((), False, toast)

    @classmethod
    def follow(cls, keyboard: Keyboard, toast: str | None = None) -> Reply:
        """No new message: the pressed message's buttons become ``keyboard``, with a toast."""
        return cls((), False, toast, keyboard)

    @classmethod
    def file(cls, document: Document, *items: str | Span | Text) -> Reply:
        """A document, with an optional message of ``items`` before it."""
        messages = (Message.of(*items),) if items else ()
        return cls(messages, documents=(document,))


@dataclass(frozen=True, slots=True)
class Document:
    """A file the bot sends: its name, bytes, MIME type and a short plain-text caption."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"
    caption: str = ""


class AttachmentTooLarge(Exception):
    """The file is larger than the reader's bound (refused before or while downloading)."""


class AttachmentUnavailable(Exception):
    """The file could not be read (the download failed, the file is gone)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a user sent, as the core sees it: name, declared size, and a bounded reader.

    ``read(limit)`` returns the content, or raises AttachmentTooLarge past ``limit`` bytes
    (the adapter stops downloading there: a declared size can lie) and AttachmentUnavailable
    when it cannot get the file.
    """

    filename: str
    size: int | None
    read: Callable[[int], Awaitable[bytes]]


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """A command as shown in /help and in Telegram's command menu."""

    name: str
    description: str
    usage: str = ""
    examples: tuple[str, ...] = ()
    admin: bool = False
