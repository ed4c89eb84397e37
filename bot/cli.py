"""The ``newsbot`` command line: argument parsing and dispatch, nothing else.

Each subcommand's logic lives with its package; this module only wires them up and turns
expected failures (bad configuration, bad input) into one clear line and a non-zero exit.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from bot.config import ConfigError, Settings, load_settings
from storage import StorageError

Handler = Callable[[argparse.Namespace, Settings], int]


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_token:
        from bot.telegram.app import run_telegram

        return run_telegram(settings, webhook_url=args.webhook, listen=args.listen, port=args.port)
    from bot.console import run_console

    print("TELEGRAM_BOT_TOKEN is not set: opening the local console chat instead.")
    return run_console(settings, demo=True)


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import run_console

    return run_console(settings, demo=not args.no_samples)


def _cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.store import Store

    store = Store(settings.database_url)
    store.upgrade()
    print(f"Database is at the latest schema ({store.dialect}).")
    return 0


def _cmd_db_check(args: argparse.Namespace, settings: Settings) -> int:
    from storage import open_store

    store = open_store(settings.database_url)
    print(f"Database answers ({store.dialect}); {store.count_articles()} articles.")
    return 0


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_data import import_command

    return import_command(settings, args.path)


def _cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_data import add_command

    return add_command(settings, args.target)


def _cmd_articles_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_data import list_articles_command

    return list_articles_command(settings, limit=args.limit, topic=args.topic)


def _cmd_summarize(args: argparse.Namespace, settings: Settings) -> int:
    from summarizer.cli import summarize_command

    return summarize_command(
        args.file, sentences=args.sentences, algorithm=args.algorithm, language=args.language
    )


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    import importlib

    modules = {
        "storage": "storage.bench",
        "summarize": "summarizer.bench",
        "chat": "bot.bench",
        "digest": "bot.digests.bench",
        "ingest": "ingest.bench",
    }
    module = importlib.import_module(modules[args.what])
    return int(module.main(list(args.rest)) or 0)


def build_parser() -> argparse.ArgumentParser:
    """The ``newsbot`` argument parser with every subcommand and its handler."""
    parser = argparse.ArgumentParser(
        prog="newsbot", description="A chat bot that serves news summaries and topic digests."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (Telegram with a token, else the console chat)")
    run.add_argument("--webhook", metavar="URL", help="serve updates by webhook at this URL")
    run.add_argument("--listen", default="0.0.0.0", metavar="HOST", help="webhook listen address")
    run.add_argument("--port", type=int, default=8443, metavar="N", help="webhook port")
    run.set_defaults(handler=_cmd_run)

    chat = sub.add_parser("chat", help="chat with the bot in this terminal, no token needed")
    chat.add_argument("--no-samples", action="store_true", help="do not load the sample articles")
    chat.set_defaults(handler=_cmd_chat)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(handler=_cmd_db_upgrade)
    db_check = db_sub.add_parser("check", help="check that the database answers")
    db_check.set_defaults(handler=_cmd_db_check)

    imp = sub.add_parser(
        "import", help="import articles (.jsonl, a folder of .txt) or feeds (.opml)"
    )
    imp.add_argument("path")
    imp.set_defaults(handler=_cmd_import)

    add = sub.add_parser("add", help="add one article from a URL or a text file")
    add.add_argument("target", metavar="URL|FILE")
    add.set_defaults(handler=_cmd_add)

    articles = sub.add_parser("articles", help="list stored articles")
    articles_sub = articles.add_subparsers(dest="articles_command", required=True, metavar="ACTION")
    listing = articles_sub.add_parser("list", help="the newest articles")
    listing.add_argument("--limit", type=int, default=20)
    listing.add_argument("--topic", default=None)
    listing.set_defaults(handler=_cmd_articles_list)

    summarize = sub.add_parser("summarize", help="summarize a text file or standard input")
    summarize.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    summarize.add_argument("--sentences", type=int, default=None, metavar="N")
    summarize.add_argument("--algorithm", default=None, metavar="NAME")
    summarize.add_argument("--language", default=None, metavar="xx")
    summarize.set_defaults(handler=_cmd_summarize)

    bench = sub.add_parser("bench", help="run a benchmark")
    bench.add_argument("what", choices=["storage", "summarize", "chat", "digest", "ingest"])
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(handler=_cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsbot`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"newsbot: configuration error: {error}", file=sys.stderr)
        return 2
    try:
        return args.handler(args, settings)
    except KeyboardInterrupt:
        return 130
    except StorageError as error:
        print(f"newsbot: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
