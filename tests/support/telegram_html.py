"""Telegram's HTML parse mode, as the Bot API applies it to a message text (for the fake server).

``parse_html`` returns the plain text and its entities, or raises ``EntityError`` with the
reason Telegram gives after "Bad Request: can't parse entities: ". It follows the rules of
https://core.telegram.org/bots/api#html-style: only the listed tags, proper nesting, only
the named entities &lt; &gt; &amp; &quot; plus numeric ones; ``<blockquote>`` and
``<blockquote expandable>`` (Bot API 7.3: entity types "blockquote" and "expandable_blockquote").
It is stricter than Telegram in two ways: an ``&`` that starts no entity is refused (Telegram
shows it as is), because in this project every ``&`` of user or stored text must be escaped;
and entities Telegram would drop silently (a blockquote inside a blockquote, anything inside
code) are refused, so that formatting a user would never see fails a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAG_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTRIBUTE = re.compile(
    r"""\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)
_NUMERIC = re.compile(r"#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
_NAMED = re.compile(r"([a-zA-Z]{1,10});")


class EntityError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's reason."""


@dataclass(frozen=True, slots=True)
class Entity:
    """A formatting entity; offset and length count UTF-16 code units, as Telegram's do."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The Bot API's MessageEntity JSON shape."""
        data: dict[str, object] = {"type": self.type, "offset": self.offset, "length": self.length}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        return data


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (how Telegram counts offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decode the entity starting at ``text[index] == '&'``: (character, next index)."""
    numeric = _NUMERIC.match(text, index + 1)
    if numeric:
        value = int(numeric.group(1), 16) if numeric.group(1) else int(numeric.group(2))
        if value == 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return None
        return chr(value), numeric.end()
    named = _NAMED.match(text, index + 1)
    if named and named.group(1) in NAMED_ENTITIES:
        return NAMED_ENTITIES[named.group(1)], named.end()
    return None


def _parse_attributes(text: str, start: int, end: int, tag: str, tag_at: int) -> dict[str, str]:
    attributes: dict[str, str] = {}
    position = start
    while position < end:
        if text[position:end].strip() == "":
            break
        match = _ATTRIBUTE.match(text, position, end)
        if not match or match.end() == position:
            raise EntityError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(text, tag_at)}"
            )
        value = next((group for group in match.groups()[1:] if group is not None), "")
        attributes[match.group(1).lower()] = _unescape_attribute(value)
        position = match.end()
    return attributes


def _unescape_attribute(value: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(value):
        if value[index] == "&":
            decoded = _decode_entity(value, index)
            if decoded:
                out.append(decoded[0])
                index = decoded[1]
                continue
        out.append(value[index])
        index += 1
    return "".join(out)


@dataclass
class _Open:
    tag: str
    attributes: dict[str, str]
    start: int  # UTF-16 offset in the output


def _entity_for(opened: _Open, end: int) -> Entity | None:
    kind = TAG_ENTITY_TYPES[opened.tag]
    length = end - opened.start
    if length <= 0:
        return None
    if kind == "text_link":
        url = opened.attributes.get("href", "")
        return Entity(kind, opened.start, length, url=url) if url else None
    if kind == "pre":
        return Entity(kind, opened.start, length, language=opened.attributes.get("language"))
    if kind == "blockquote" and "expandable" in opened.attributes:
        return Entity("expandable_blockquote", opened.start, length)
    return Entity(kind, opened.start, length)


def _check_nesting(tag: str, stack: list[_Open], text: str, index: int) -> None:
    """Refuse what Telegram's entity rules forbid (Bot API 7.3, "Formatting options").

    Block quotations (plain or expandable) can't be nested, and pre/code can't contain other
    entities. Telegram drops such an entity silently; this server refuses the message instead,
    so the bot never relies on formatting that a user would not see.
    """
    if tag == "blockquote" and any(opened.tag == "blockquote" for opened in stack):
        raise EntityError(
            f"Blockquote entities can't be nested at byte offset {_byte_offset(text, index)}"
        )
    inside = next((opened.tag for opened in stack if opened.tag in ("pre", "code")), None)
    if inside is not None and not (inside == "pre" and tag == "code"):
        raise EntityError(
            f'Entity "{tag}" can\'t be inside "{inside}" at byte offset '
            f"{_byte_offset(text, index)}"
        )


def _open_tag(text: str, index: int, stack: list[_Open], out_length: int) -> int:
    name_end = index + 1
    while name_end < len(text) and not text[name_end].isspace() and text[name_end] != ">":
        name_end += 1
    end = text.find(">", name_end)
    if name_end >= len(text):
        raise EntityError(f"Unclosed start tag at byte offset {_byte_offset(text, index)}")
    tag = text[index + 1 : name_end].lower()
    if tag not in TAG_ENTITY_TYPES:
        raise EntityError(
            f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, index)}'
        )
    if end < 0:
        raise EntityError(f"Unclosed start tag at byte offset {_byte_offset(text, index)}")
    attributes = _parse_attributes(text, name_end, end, tag, index)
    _check_nesting(tag, stack, text, index)
    if tag == "span" and attributes.get("class") != "tg-spoiler":
        raise EntityError('Tag "span" must have class "tg-spoiler"')
    if tag == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
        raise EntityError("Custom emoji entity must contain a tg://emoji URL")
    stack.append(_Open(tag, attributes, out_length))
    return end + 1


def _close_tag(
    text: str, index: int, stack: list[_Open], out_length: int, entities: list[Entity]
) -> int:
    end = text.find(">", index)
    if end < 0:
        raise EntityError(f"Unclosed end tag at byte offset {_byte_offset(text, index)}")
    tag = text[index + 2 : end].strip().lower()
    if not stack:
        raise EntityError(f"Unexpected end tag at byte offset {_byte_offset(text, index)}")
    opened = stack.pop()
    if tag and tag != opened.tag:
        raise EntityError(
            f"Unmatched end tag at byte offset {_byte_offset(text, index)}, "
            f'expected "</{opened.tag}>", found "</{tag}>"'
        )
    entity = _entity_for(opened, out_length)
    if entity is not None:
        entities.append(entity)
    return end + 1


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Parse ``text`` as Telegram HTML: (plain text, entities sorted by offset)."""
    out: list[str] = []
    out_length = 0
    stack: list[_Open] = []
    entities: list[Entity] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "&":
            decoded = _decode_entity(text, index)
            if decoded is None:
                raise EntityError(
                    "Character '&' is reserved and must be escaped with \"&amp;\" "
                    f"at byte offset {_byte_offset(text, index)}"
                )
            out.append(decoded[0])
            out_length += utf16_length(decoded[0])
            index = decoded[1]
        elif char == "<":
            if text.startswith("</", index):
                index = _close_tag(text, index, stack, out_length, entities)
            else:
                index = _open_tag(text, index, stack, out_length)
        elif char == ">":
            raise EntityError(
                "Character '>' is reserved and must be escaped with \"&gt;\" "
                f"at byte offset {_byte_offset(text, index)}"
            )
        else:
            out.append(char)
            out_length += utf16_length(char)
            index += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda entity: (entity.offset, -entity.length))
    return "".join(out), entities
