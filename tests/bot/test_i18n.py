"""The reply catalogs: complete, placeholders intact, the shipped .mo up to date; Russian
plurals; how the reply language is chosen."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from bot import i18n

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "bot/locale/ru/LC_MESSAGES/newsbot.po"
MO = PO.with_suffix(".mo")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _russian_catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="ru")


def _source_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    method_map = [("**.py", "python")]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "bot"), method_map, keywords={"_": None, "ngettext": (1, 2), "N_": None}
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_reply_string_has_a_russian_translation() -> None:
    catalog = _russian_catalog()
    missing = []
    for message in _source_messages():
        key = message if isinstance(message, str) else message[0]
        entry = catalog.get(key)
        strings = () if entry is None else (
            entry.string if isinstance(entry.string, tuple) else (entry.string,)
        )
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(key)
    assert missing == [], f"run `make translations` and translate: {missing}"


def test_translations_keep_their_placeholders() -> None:
    broken = []
    for entry in _russian_catalog():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(_PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(_PLACEHOLDER.findall(string)) != wanted or string.count("{") != string.count(
                "}"
            ):
                broken.append((ids[0], string))
    assert broken == []


def test_the_shipped_mo_file_is_compiled_from_the_po_file() -> None:
    def messages(handle: io.BufferedIOBase) -> dict[object, object]:
        def frozen(value: object) -> object:
            return tuple(value) if isinstance(value, list | tuple) else value

        return {frozen(m.id): frozen(m.string) for m in read_mo(handle) if m.id}

    with MO.open("rb") as handle:
        shipped = messages(handle)
    compiled = io.BytesIO()
    write_mo(compiled, _russian_catalog())
    compiled.seek(0)
    fresh = messages(compiled)
    assert shipped == fresh, "run `make translations`"


@pytest.mark.parametrize(
    ("count", "word"),
    [(1, "предложение"), (2, "предложения"), (4, "предложения"), (5, "предложений"),
     (11, "предложений"), (21, "предложение"), (22, "предложения"), (111, "предложений")],
)
def test_russian_plurals(count: int, word: str) -> None:
    with i18n.use_language("ru"):
        assert i18n.ngettext("{count} sentence", "{count} sentences", count).format(
            count=count
        ) == f"{count} {word}"


@pytest.mark.parametrize(
    ("preference", "language_code", "expected"),
    [("auto", "ru", "ru"), ("auto", "ru-RU", "ru"), ("auto", "de", "en"), ("auto", "", "en"),
     ("en", "ru", "en"), ("ru", "en", "ru"), ("auto", "xx-YY", "en")],
)
def test_the_reply_language(preference: str, language_code: str, expected: str) -> None:
    assert i18n.resolve_language(preference, language_code) == expected
