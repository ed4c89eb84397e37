"""The reply catalogs: complete, placeholders intact, the shipped .mo up to date; no reply
string left out of them; Russian plurals; how the reply language is chosen."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
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


def broken_placeholders(catalog: Catalog) -> list[tuple[str, str]]:
    """(msgid, translation) of each entry whose translation does not have exactly the
    placeholders of its source, or whose braces do not pair up."""
    broken = []
    for entry in catalog:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(_PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if not string:
                continue  # untranslated: the completeness test reports it
            if set(_PLACEHOLDER.findall(string)) != wanted or string.count("{") != string.count(
                "}"
            ):
                broken.append((ids[0], string))
    return broken


def test_translations_keep_their_placeholders() -> None:
    assert broken_placeholders(_russian_catalog()) == []


@pytest.mark.parametrize(
    ("msgid", "translation"),
    [
        ("Deleted article {id}.", "Статья {ид} удалена."),  # the name translated too
        ("Deleted article {id}.", "Статья удалена."),  # the placeholder dropped
        ("Deleted article {id}.", "Статья {id удалена."),  # an unclosed brace
        ("Topic {name} ({slug}) saved.", "Тема {name} ({slug}) {extra} сохранена."),  # one more
        (("{count} new article", "{count} new articles"), ("{count} статья", "{n} статьи", "")),
    ],
)
def test_a_catalog_entry_with_a_broken_placeholder_is_caught(
    msgid: str | tuple[str, str], translation: str | tuple[str, ...]
) -> None:
    catalog = Catalog(locale="ru")
    catalog.add("Hello,", "Здравствуйте,")
    catalog.add(msgid, translation)
    key = msgid if isinstance(msgid, str) else msgid[0]
    assert [entry for entry, _string in broken_placeholders(catalog)] == [key]


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


# The modules that write what users read: command logic, the core, the digest layout, both
# adapters' own lines.
REPLY_MODULES = (
    *sorted((ROOT / "bot/core/commands").glob("*.py")),
    *(ROOT / "bot" / name for name in (
        "core/app.py", "core/context.py", "core/errors.py", "core/search_query.py",
        "core/deeplinks.py", "core/limits.py", "core/permissions.py", "core/progress.py",
        "digests/compose.py", "console.py", "telegram/handlers.py", "telegram/inline.py",
        "telegram/progress.py", "telegram/chat_admins.py",
    )),
)
# Two words of English: a phrase someone reads (single words like ids and styles are not).
_ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}[,.:;!?]? [A-Za-z]{2,}")
_MARKERS = {"_", "N_", "ngettext", "gettext"}
# Calls whose strings are not replies: logs, audit details, Babel date patterns.
_NOT_REPLIES = {"debug", "info", "warning", "error", "exception", "audit", "format_datetime"}
# Keyword arguments that hold command syntax or internal labels, never prose.
_SYNTAX_KEYWORDS = {"usage", "examples", "label", "detail"}


def _untranslated_strings(path: Path, root: Path = ROOT) -> list[str]:
    """English phrases in ``path`` that reach users without passing through the catalogs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if node.value.startswith("/") or not _ENGLISH_PHRASE.search(node.value):
            continue  # a command and its syntax, or no prose
        if not _is_exempt(node, parents):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value[:60]!r}")
    return found


def _is_exempt(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.Expr | ast.Raise):
            return True  # a docstring; an exception for logs (user errors are mapped by code)
        if isinstance(parent, ast.keyword) and parent.arg in _SYNTAX_KEYWORDS:
            return True
        if isinstance(parent, ast.Call):
            function = parent.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(
                function, "id", ""
            )
            if name in _MARKERS or name in _NOT_REPLIES:
                return True
        node = parent
    return False


def test_no_reply_string_bypasses_the_catalogs() -> None:
    found = [line for path in REPLY_MODULES for line in _untranslated_strings(path)]
    assert found == [], "wrap these in _() / ngettext() and run `make translations`"


def test_the_check_for_bypassing_strings_finds_one(tmp_path: Path) -> None:
    module = tmp_path / "reply.py"
    source = (
        'def reply():\n    """Docstring words are fine."""\n'
        '    return _("Fine words") + "Bare words"\n'
    )
    module.write_text(source, encoding="utf-8")
    assert _untranslated_strings(module, tmp_path) == ["reply.py:3: 'Bare words'"]
