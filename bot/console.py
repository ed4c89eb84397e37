"""The local console chat (``newsbot chat``): the bot's commands in a terminal, no token needed.

A thin front end over ``bot.core``: each line becomes a Request from the local admin, replies
are rendered as plain text, and buttons become numbered actions (type the number to press
one). Multi-line input: ``/add <title>`` continues on the following lines until an empty line
or a line that is a command (which then runs: a command is never taken as article text);
``/add`` with a link, or with something link-like that is not a title, is one line. Any
message can be wrapped in triple quotes (a line with ``\"\"\"`` opens the block, the next line
ending in ``\"\"\"`` closes it). Input is made valid Unicode first (an undecodable byte or a
lone surrogate becomes U+FFFD). Digests due for the console chat are printed between prompts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.config import Settings
from bot.console_files import local_attachment, save_documents
from bot.core.app import Core
from bot.core.commandline import split_command
from bot.core.format import is_url
from bot.core.progress import reporting_progress
from bot.core.render import render_plain_all, text_plain
from bot.core.textclean import valid_text
from bot.core.types import Button, Chat, Keyboard, Message, Reply, Request, Text
from bot.i18n import N_, _, ngettext, resolve_language, set_language, use_language

if TYPE_CHECKING:
    from ingest.pipeline import Ingestor
    from storage.store import Store

log = logging.getLogger(__name__)

CONSOLE_CHAT_ID = 1
CONSOLE_USER = "console"
MAX_MESSAGE_BYTES = 100 * 1024
QUOTES = '"""'
CONTINUE_PROMPT = "... "  # on a terminal, while an /add or a """ block takes more lines
SAMPLE_ARTICLES = Path(__file__).parent / "sample_data" / "articles.jsonl"
QUIT_WORDS = {"/quit", "/exit", "quit", "exit"}
# What the console's /add takes as a link attempt, never as a title: one token with a scheme
# (ftp:x, http://x) or a host name with an optional path (example.org/news). The core answers
# it in one line (fetched, or refused with the reason).
_LINK_LIKE = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9+.-]*:\S+|\S*://\S*|(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?)$"
)
WELCOME = N_(
    "newsbot console chat: you are the local admin.\n"
    "Type /help for the commands, a number to press a button, /quit or Ctrl-D to leave.\n"
    "Multi-line text: /add <title> then the text on the next lines and an empty line, or wrap "
    'any message in """ ... """.'
)
# The environment variables that name a terminal's language, in the order POSIX reads them.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def terminal_language(environ: Mapping[str, str]) -> str:
    """The terminal user's language as Telegram would send it ("ru" from ru_RU.UTF-8), so the
    console answers in it as the bot answers a Telegram user; "" when none is set."""
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return value.split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
    return ""


def parse_command(line: str) -> tuple[str, str]:
    """('latest', '5') from '/latest@Bot 5'; ('', '') when the text is not a command."""
    command, args, _, _ = split_command(line)
    return command, args


def add_takes_more_lines(args: str) -> bool:
    """True when ``/add <args>`` is a title whose text follows (not empty, not link-like)."""
    args = args.strip()
    return bool(args) and not is_url(args) and not _LINK_LIKE.match(args)


def _is_command_line(line: str) -> bool:
    """A line that is one of the bot's commands (or a quit word): never an article's text."""
    stripped = line.strip()
    if stripped.lower() in QUIT_WORDS:
        return True
    command, _ = parse_command(stripped)
    return bool(command) and command in _command_names()


def _command_names() -> frozenset[str]:
    return frozenset(info.name for info in Core.commands())


class ConsoleChat:
    """One terminal conversation with the core; ``deliver`` prints pushed messages."""

    def __init__(
        self, core: Core, stdin: TextIO, stdout: TextIO, *, language: str = ""
    ) -> None:
        self.core = core
        # The terminal's language: /settings lang in the chat overrides it, as on Telegram.
        self.language = language
        self.stdin = stdin
        self.stdout = stdout
        self.buttons: list[Button] = []
        self.keyboards: list[Keyboard] = []  # per button: the keyboard of its message
        self._lock = threading.Lock()
        self.chat = Chat(CONSOLE_CHAT_ID, "console", "console", CONSOLE_USER)
        self.echo = not _is_tty(stdin)
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        self._pending: str | None = None  # a command line that ended an /add's text

    def write(self, text: str) -> None:
        """Print a block of text (safe from the digest thread)."""
        with self._lock:
            self.stdout.write(text.rstrip("\n") + "\n")
            self.stdout.flush()

    def deliver(self, messages: Sequence[Message]) -> None:
        """Show messages the bot pushes on its own (digests); their buttons become current."""
        text, buttons = render_plain_all(messages)
        if buttons:
            self._set_buttons(messages, buttons)
        self.write(f"\n{text}\n")

    def _set_buttons(self, messages: Sequence[Message], buttons: list[Button]) -> None:
        self.buttons = buttons
        self.keyboards = [message.keyboard for message in messages for _ in message.buttons]

    def show(self, reply: Reply, *, pressed: bool = False) -> None:
        """Print a reply (its toast only after a button press, as Telegram shows it).

        A button press keeps the list's buttons when its answer has none (Summary #1, then #2);
        a typed command replaces them, so a number never presses a button of an older answer.
        """
        if reply.toast and pressed:
            self.write(f"({reply.toast})")
        if reply.markup is not None and pressed:  # the pressed message's buttons changed
            updated = Message(keyboard=reply.markup)
            text, buttons = render_plain_all([updated])
            self._set_buttons([updated], buttons)
            self.write(_("(buttons updated)") + f"\n{text}\n")
        if reply.messages:
            text, buttons = render_plain_all(reply.messages)
            if buttons or not pressed:  # a typed command's answer retires the older buttons
                self._set_buttons(reply.messages, buttons)
            self.write((_("(updated)") + "\n" if reply.edit else "") + text + "\n")
        if reply.documents:  # e.g. /feeds opml: saved beside the database
            folder = self.core.ctx.settings.data_dir
            self.write("\n".join(save_documents(reply.documents, folder)) + "\n")

    async def _progress(self, text: Text) -> None:
        """What a slow command is doing ("Fetching example.com …"), as a line of its own."""
        self.write(text_plain(text))

    def request(self, text: str, *, keyboard: Keyboard = ()) -> Request:
        """The Request for a line typed by the local admin (or a press of ``keyboard``)."""
        text = valid_text(text)
        command, args = parse_command(text)
        return Request(
            chat=self.chat,
            user_id=CONSOLE_CHAT_ID,
            user_name=CONSOLE_USER,
            command=command,
            args=args,
            text=text,
            is_admin=True,
            addressed=True,
            keyboard=keyboard,
            language=self.language,
            # /import FILE: the local file stands for the document a Telegram user would send.
            attachment=local_attachment(args) if command == "import" and args.strip() else None,
        )

    def _start_reader(self) -> None:
        """Read standard input in a daemon thread, so Ctrl-C never waits for a pending read."""
        loop = asyncio.get_running_loop()
        reconfigure = getattr(self.stdin, "reconfigure", None)
        if reconfigure is not None:  # an undecodable byte must not end the reader thread
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                log.debug("standard input keeps its error handler")

        def pump() -> None:
            while True:
                line = self.stdin.readline()
                try:
                    loop.call_soon_threadsafe(self._lines.put_nowait, line)
                except RuntimeError:
                    return  # the loop is gone: the chat has ended
                if line == "":
                    return

        threading.Thread(target=pump, name="console-input", daemon=True).start()

    async def _readline(self, prompt: str = "") -> str | None:
        if prompt and not self.echo:
            self.stdout.write(prompt)
            self.stdout.flush()
        line = await self._lines.get()
        return None if line == "" else valid_text(line.rstrip("\r\n"))

    async def read_message(self) -> str | None:
        """The next message: one line, an /add with its text, or a triple-quoted block."""
        if self._pending is not None:
            first, self._pending = self._pending, None
        else:
            if not self.echo:
                self.stdout.write("> ")
                self.stdout.flush()
            first = await self._readline()
            if first is None:
                return None
        if self.echo and first.strip():
            self.write(f"> {first}")
        if QUOTES in first:
            return await self._read_block(first)
        command, args = parse_command(first.strip())
        if command == "add" and add_takes_more_lines(args):
            return await self._read_until_empty(first)
        return first

    async def _read_block(self, first: str) -> str:
        prefix, _, rest = first.partition(QUOTES)
        if QUOTES in rest:
            return (prefix + rest.split(QUOTES, 1)[0]).strip()
        lines = [prefix.rstrip(), rest] if rest.strip() else [prefix.rstrip()]
        while (line := await self._readline(CONTINUE_PROMPT)) is not None:
            if line.rstrip().endswith(QUOTES):
                lines.append(line.rstrip()[: -len(QUOTES)])
                break
            lines.append(line)
        return "\n".join(lines).strip()

    async def _read_until_empty(self, first: str) -> str:
        """The /add line and its text, up to an empty line; a command line ends it and runs."""
        lines = [first]
        while (line := await self._readline(CONTINUE_PROMPT)) is not None and line.strip():
            if _is_command_line(line):
                self._pending = line
                break
            lines.append(line)
        return "\n".join(lines)

    async def press(self, number: int) -> None:
        """Press button ``number`` of the last reply."""
        if not 1 <= number <= len(self.buttons):
            self.write(_("There is no such button here. Type a command, e.g. /help."))
            return
        button = self.buttons[number - 1]
        if button.url:
            self.write(_("Open {url} in your browser.").format(url=button.url))
            return
        data = button.callback_data or ""
        request = self.request("", keyboard=self.keyboards[number - 1])
        self.show(await self.core.handle_callback(request, data), pressed=True)

    async def run(self) -> int:
        """The read-answer loop; returns the exit status."""
        self._start_reader()
        # The chat's /settings lang from an earlier session, else the terminal's language.
        set_language(await self.core.ctx.reply_language(self.request("")))
        self.write(_(WELCOME))
        while (message := await self.read_message()) is not None:
            text = valid_text(message.strip())
            if not text:
                continue
            if text.lower() in QUIT_WORDS:
                break
            if len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
                self.write(_("That message is over 100 KB; please send a shorter text."))
                continue
            if text.isdigit() and len(text) < 4:
                await self.press(int(text))
                continue
            with reporting_progress(self._progress):
                self.show(await self.core.handle(self.request(text)))
        self.write(_("Bye."))
        return 0


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def load_sample_articles(store: Store, ingestor: Ingestor, path: Path = SAMPLE_ARTICLES) -> int:
    """Add the sample articles to an empty database; returns how many were added."""
    if store.count_articles() or not path.is_file():
        return 0
    added = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        published = record.get("published_at")
        outcome = ingestor.add_text(
            record["title"],
            record["body"],
            url=record.get("url"),
            source=record.get("source", ""),
            added_by="sample",
            published_at=datetime.fromisoformat(published) if published else None,
        )
        added += int(outcome.created)
    return added


async def _serve(settings: Settings, demo: bool, stdin: TextIO, stdout: TextIO) -> int:
    from bot.digests.console import start_console_digests
    from ingest.defaults import ensure_default_topics
    from ingest.feed_polling import start_feed_polling
    from ingest.pipeline import Ingestor
    from storage import open_store

    store = await asyncio.to_thread(open_store, settings.database_url)
    ingestor = Ingestor(
        store, allow_private_urls=settings.allow_private_urls, options=settings.fetch_options()
    )
    digests = None
    feeds = start_feed_polling(store, ingestor=ingestor)
    try:
        await asyncio.to_thread(ensure_default_topics, store)
        if demo:
            added = await asyncio.to_thread(load_sample_articles, store, ingestor)
            if added:
                with use_language(resolve_language("", terminal_language(os.environ))):
                    loaded = ngettext(
                        "Loaded {count} sample article.", "Loaded {count} sample articles.", added
                    )
                stdout.write(loaded.format(count=added) + "\n")
        core = Core(store, settings, ingestor, bot_username="newsbot")
        chat = ConsoleChat(core, stdin, stdout, language=terminal_language(os.environ))
        digests = start_console_digests(
            store, CONSOLE_CHAT_ID, write=chat.write, deliver=chat.deliver
        )
        core.ctx.on_subscriptions_changed = digests.poke
        status = await chat.run()
        await core.close()
        return status
    finally:
        if digests is not None:
            digests.stop()
        feeds.stop()
        ingestor.close()
        store.close()


def run_console(
    settings: Settings,
    demo: bool,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the console chat until /quit or end of input; returns the exit status."""
    root = logging.getLogger()
    if root.getEffectiveLevel() > logging.DEBUG:
        root.setLevel(logging.WARNING)  # INFO lines would interleave with the conversation
    try:
        return asyncio.run(_serve(settings, demo, stdin or sys.stdin, stdout or sys.stdout))
    except KeyboardInterrupt:
        (stdout or sys.stdout).write("\nBye.\n")
        return 0
