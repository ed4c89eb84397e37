"""Errors of storage, ingest and the summarizer said in the reader's language (bot/core/errors.py).

Those packages raise typed errors (a code and its params) and never translate; the bot maps
each code to a catalog template. These tests hold the two sides together: every code raised
has a template whose placeholders the raise supplies, and the Russian reader gets Russian.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core import errors
from bot.core.errors import MESSAGES, PLURAL_MESSAGES, error_text
from bot.i18n import use_language
from ingest.errors import IngestError
from ingest.extract import extract_text_document
from ingest.fetch import check_url
from ingest.tagging import RuleError, parse_rule
from storage.errors import StorageError
from storage.validation import check_timezone
from summarizer import SummarizerError, summarize

ROOT = Path(__file__).resolve().parents[3]
ERROR_CLASSES = {"StorageError", "IngestError", "SummarizerError", "RuleError", "TooLarge"}
# Errors that never reach a chat: start-up and the database (storage/db.py, process_lock.py,
# store.py), the delivery log (deliveries.py) and OPML files, which only the command line reads.
NOT_FOR_CHATS = {
    "storage/db.py",
    "storage/process_lock.py",
    "storage/store.py",
    "storage/deliveries.py",
    "ingest/feed_parsing.py",
}
CODE = re.compile(r"^(fetch|extract|article|feed|topic|rule|chat|summary)\.[a-z_]+$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _error_calls() -> Iterator[tuple[str, ast.Call]]:
    """Every construction of a user-facing error in storage/, ingest/ and summarizer/."""
    for package in ("storage", "ingest", "summarizer"):
        for path in sorted((ROOT / package).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            if "/migrations/" in where or where in NOT_FOR_CHATS:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ERROR_CLASSES
                ):
                    yield f"{where}:{node.lineno}", node


def _templates(code: str) -> list[str]:
    if code in PLURAL_MESSAGES:
        _counter, template_for = PLURAL_MESSAGES[code]
        return [template_for(1), template_for(5)]
    return [MESSAGES[code]]


def _codes_in(node: ast.expr) -> list[str]:
    """The code constants an expression can take (``"a" if x else "b"`` gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes_in(node.body) + _codes_in(node.orelse)
    return []


def test_every_error_that_can_reach_a_chat_has_a_code_and_a_template() -> None:
    uncoded, unmapped, unfilled = [], [], []
    for where, call in _error_calls():
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        if "code" not in keywords:
            uncoded.append(where)
            continue
        passed = {name for name in keywords if name and name != "code"}
        for code in _codes_in(keywords["code"]):
            if code not in MESSAGES and code not in PLURAL_MESSAGES:
                unmapped.append((where, code))
                continue
            for template in _templates(code):
                missing = set(PLACEHOLDER.findall(template)) - passed
                if missing:
                    unfilled.append((where, code, missing))
    assert uncoded == [], "give these errors a code (and a template in bot/core/errors.py)"
    assert unmapped == [], "add a template for these codes to bot/core/errors.py"
    assert unfilled == [], "the raise does not pass what the template shows"


def test_every_template_belongs_to_a_code_that_is_raised() -> None:
    raised = set()
    for package in ("storage", "ingest", "summarizer"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and CODE.match(str(node.value)):
                    raised.add(node.value)
    assert set(MESSAGES) | set(PLURAL_MESSAGES) <= raised


def _raised(action: object, *args: object) -> Exception:
    with pytest.raises((IngestError, StorageError, SummarizerError, RuleError)) as caught:
        action(*args)  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize(
    ("action", "argument", "russian"),
    [
        (check_url, "ftp://example.com/x", "можно только ссылки http и https (а не ftp:)."),
        (check_url, "example.com/news", "Это не адрес: ссылка начинается с http:// или https://."),
        (parse_rule, "China;;Russia", "группа 2 пуста: уберите лишнюю «;»"),
        (parse_rule, '"China, Russia', "группа 1: кавычка \" не закрыта"),
        (check_timezone, "Mars/Olympus", "Неизвестный часовой пояс «Mars/Olympus»"),
        (summarize, "   ", "Нет текста для выжимки."),
    ],
)
def test_errors_are_said_in_russian(action: object, argument: str, russian: str) -> None:
    error = _raised(action, argument)
    with use_language("ru"):
        assert russian in error_text(error)
    with use_language("en"):
        assert error_text(error) == str(error)  # English is the packages' own line


@pytest.mark.parametrize(
    ("length", "phrase"),
    [(1, "после заголовка 1 символ,"), (3, "после заголовка 3 символа,"),
     (25, "после заголовка 25 символов,")],
)
def test_a_counted_error_takes_the_russian_plural(length: int, phrase: str) -> None:
    error = _raised(extract_text_document, "Title line\n" + "x" * length)
    with use_language("ru"):
        assert phrase in error_text(error) and "не меньше 40" in error_text(error)


def test_numbers_in_errors_are_written_the_russian_way() -> None:
    error = IngestError("The page is too large (over 2.5 MB).", code="fetch.too_large",
                        megabytes=2.5)
    with use_language("ru"):
        assert error_text(error) == "Страница слишком большая (больше 2,5 МБ)."
    limit = IngestError("That URL is too long.", code="fetch.url_too_long", limit=2048)
    with use_language("ru"):
        assert error_text(limit) == "Слишком длинный адрес (не более 2\xa0048 символов)."


def test_an_error_inside_an_error_is_said_in_the_same_language() -> None:
    inner = IngestError("The server answered 404 Not Found.", code="fetch.http_error",
                        status=404, reason="Not Found")
    outer = IngestError(f"The feed was not added: {inner}", code="feed.not_added", reason=inner)
    with use_language("ru"):
        assert error_text(outer) == "Лента не добавлена: Сервер ответил: 404 Not Found."


def test_an_unknown_code_or_no_code_shows_the_english_line() -> None:
    with use_language("ru"):
        assert error_text(IngestError("Something new.", code="fetch.brand_new")) == "Something new."
        assert error_text(StorageError("Plain.")) == "Plain."


def test_a_translation_with_a_broken_placeholder_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A catalog entry like "Страница больше {megabyte} МБ" (misspelt) must not crash a reply.
    monkeypatch.setattr(errors, "_", lambda message: "Страница больше {megabyte} МБ.")
    error = IngestError("The page is too large (over 2 MB).", code="fetch.too_large", megabytes=2)
    with use_language("ru"):
        assert error_text(error) == "The page is too large (over 2 MB)."
