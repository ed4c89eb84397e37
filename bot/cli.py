"""The ``newsbot`` command line: argument parsing and dispatch, nothing else.

Each subcommand's logic lives with its package; this module only wires them up and turns
expected failures (bad configuration, bad input) into one clear line and a non-zero exit.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.config import ConfigError, Settings, check_port, check_webhook_url, load_settings
from bot.telegram.redact import hide_url_credentials, scrub
from storage import StorageError

Handler = Callable[[argparse.Namespace, Settings], int]


DISTRIBUTION = "newsbot-digest"  # the name on PyPI; the command stays ``newsbot``
DEMO_DATABASE = "demo.db"  # the console's own database, in NEWSBOT_DATA_DIR
NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: set it (see .env.example) to run the Telegram bot; "
    "`newsbot chat` opens the local console chat"
)


def package_version() -> str:
    """The installed distribution's version ('unknown' when run from an uninstalled tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced standard input
        return False


def _console(settings: Settings, samples: bool) -> int:
    """The console chat; sample articles only ever go into its own demo database.

    A database named by DATABASE_URL is the operator's: the console chats on it as it is.
    Without DATABASE_URL, the demo gets ``NEWSBOT_DATA_DIR/demo.db`` so that the bot's default
    database (``newsbot.db`` beside it) never receives the samples either.
    """
    from bot.console import run_console

    if settings.database_configured:
        if samples:
            print("DATABASE_URL is set: chatting on that database, without sample articles.")
        return run_console(settings, demo=False)
    if samples:
        demo_url = f"sqlite:///{settings.data_dir / DEMO_DATABASE}"
        return run_console(replace(settings, database_url=demo_url), demo=True)
    return run_console(settings, demo=False)


def _with_webhook_flags(args: argparse.Namespace, settings: Settings) -> Settings:
    """The settings with `run --webhook/--listen/--port` (when given) over the environment's."""
    if args.webhook is not None:
        url, warning = check_webhook_url(args.webhook, "--webhook")
        if warning:
            logging.getLogger("newsbot").warning(warning)
        settings = replace(settings, webhook_url=url)
    if args.listen is not None:
        settings = replace(settings, webhook_listen=args.listen)
    if args.port is not None:
        settings = replace(settings, webhook_port=check_port(args.port, "--port"))
    return settings


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_token:
        from bot.telegram.app import run_telegram
        from storage.process_lock import single_bot_process

        settings = _with_webhook_flags(args, settings)
        # On SQLite a second bot process refuses to start, naming the pid that runs (PostgreSQL
        # may be shared: each digest claim has one owner whatever the number of processes).
        with single_bot_process(settings.database_url):
            return run_telegram(
                settings,
                webhook_url=settings.webhook_url,
                listen=settings.webhook_listen,
                port=settings.webhook_port,
            )
    if not _stdin_is_terminal():
        # Docker, compose, systemd: a console here would read EOF, exit 0 and be restarted in
        # a loop, so a missing token is an error that names the fix, and nothing is written.
        print(f"newsbot: {NO_TOKEN}", file=sys.stderr)
        return 1
    print("TELEGRAM_BOT_TOKEN is not set: opening the local console chat instead.")
    return _console(settings, samples=True)


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    return _console(settings, samples=not args.no_samples)


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


def _cmd_export_feeds(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_data import export_feeds_command

    return export_feeds_command(settings, args.output)


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


def _cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.digests.worker import worker_command

    return worker_command(
        settings, until_idle=args.until_idle, stats_file=args.stats_file, rate=args.rate
    )


# `newsbot bench <what>` -> the module whose main() runs that benchmark.
BENCH_MODULES = {
    "storage": "storage.bench",
    "search": "storage.bench_search",
    "summarize": "summarizer.bench",
    "chat": "bot.bench",
    "digest": "bot.digests.bench",
    "fanout": "bot.digests.bench_fanout",
    "digest-quality": "summarizer.bench_digest",
    "digest-compose": "bot.digests.bench_compose",
    "ingest": "ingest.bench",
    "languages": "summarizer.bench_languages",
    "hardening": "bot.bench_hardening",
    "sender": "bot.digests.bench_sender",
}


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    import importlib

    module = importlib.import_module(BENCH_MODULES[args.what])
    return int(module.main(list(args.rest)) or 0)


def build_parser() -> argparse.ArgumentParser:
    """The ``newsbot`` argument parser with every subcommand and its handler."""
    parser = argparse.ArgumentParser(
        prog="newsbot", description="A chat bot that serves news summaries and topic digests."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parser.add_argument("--version", action="version", version=f"newsbot {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run", help="run the Telegram bot (without a token: the console chat, on a terminal only)"
    )
    run.add_argument(
        "--webhook", metavar="URL", help="serve updates by webhook at URL (NEWSBOT_WEBHOOK_URL)"
    )
    run.add_argument(
        "--listen", metavar="HOST", help="webhook listen address (NEWSBOT_WEBHOOK_LISTEN, 0.0.0.0)"
    )
    run.add_argument("--port", metavar="N", help="webhook port (NEWSBOT_WEBHOOK_PORT, 8443)")
    run.set_defaults(handler=_cmd_run)

    chat = sub.add_parser("chat", help="chat with the bot in this terminal, no token needed")
    chat.add_argument(
        "--no-samples",
        action="store_true",
        help="chat on the bot's database (DATABASE_URL or the default) instead of the demo one",
    )
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

    export = sub.add_parser("export", help="export data (the followed feeds, as OPML)")
    export_sub = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    feeds = export_sub.add_parser("feeds", help="the followed feeds as an OPML file")
    feeds.add_argument(
        "-o", "--output", default="-", metavar="FILE", help="where to write it (default: stdout)"
    )
    feeds.set_defaults(handler=_cmd_export_feeds)

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

    worker = sub.add_parser(
        "worker",
        help="deliver digests only (no polling); any number beside the bot, PostgreSQL only",
    )
    worker.add_argument(
        "--until-idle", action="store_true", help="exit once nothing is due or claimed"
    )
    worker.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="N",
        help="this worker's pace in messages/s (0: none; default: the bot's pace)",
    )
    worker.add_argument("--stats-file", metavar="FILE", help="write the run's costs as JSON")
    worker.set_defaults(handler=_cmd_worker)

    bench = sub.add_parser("bench", help="run a benchmark")
    bench.add_argument("what", choices=list(BENCH_MODULES))
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(handler=_cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsbot`` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"newsbot: configuration error: {scrub(str(error))}", file=sys.stderr)
        return 1
    from bot.observability.logs import configure_logging

    configure_logging("DEBUG" if args.verbose else settings.log_level, settings.log_format)
    hide_url_credentials(settings.telegram_api_url, settings.database_url, settings.proxy_url)
    for warning in settings.warnings:
        logging.getLogger("newsbot").warning(warning)
    try:
        return args.handler(args, settings)
    except ConfigError as error:  # a bad command-line flag (e.g. run --webhook)
        print(f"newsbot: configuration error: {scrub(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except StorageError as error:
        print(f"newsbot: {scrub(str(error))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
