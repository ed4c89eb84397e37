"""Errors from storage, ingest and the summarizer, said in the reader's language.

Those packages know nothing of the bot, so they never translate: each error they raise for a
user carries a ``code`` and its ``params`` (str() stays the English line, for logs and the
command line). Here each code has its English template, marked for the catalogs; the bot says
the template in the reply language with the params slotted in. An error without a known code
(or a template whose translation cannot be filled) is shown as its English line rather than
not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from babel.numbers import format_decimal

from bot.i18n import DEFAULT, N_, _, current_language, ngettext

log = logging.getLogger(__name__)


# code -> English template. Codes are named by the area that raises them.
MESSAGES: dict[str, str] = {
    # fetching a link (ingest/fetch.py, ingest/decompress.py)
    "fetch.no_url": N_("No URL given."),
    "fetch.url_too_long": N_("That URL is too long (at most {limit} characters)."),
    "fetch.url_spaces": N_(
        "That is not a valid URL (it contains spaces or control characters)."
    ),
    "fetch.invalid_url": N_("That is not a valid URL."),
    "fetch.no_scheme": N_("That is not a valid URL: links start with http:// or https://."),
    "fetch.scheme": N_("Only http and https links can be fetched (not {scheme}:)."),
    "fetch.no_host": N_("That is not a valid URL: it has no host name."),
    "fetch.port_zero": N_("That is not a valid URL: port 0."),
    "fetch.shutdown": N_(
        "The bot is shutting down, so the fetch was stopped. Please send it again in a minute."
    ),
    "fetch.closed": N_(
        "The bot is shutting down, so the fetch was stopped. Please send it again in a minute."
    ),
    "fetch.redirects": N_("Too many redirects (more than {limit})."),
    "fetch.redirect_nowhere": N_("The server answered {status} without a new address."),
    "fetch.http_error": N_("The server answered {status} {reason}."),
    "fetch.http_status": N_("The server answered {status} instead of a page."),
    "fetch.private_address": N_(
        "Refusing to fetch {host}: it resolves to a private or local address ({address})."
    ),
    "fetch.timeout": N_("{host} took too long to answer (timed out)."),
    "fetch.too_slow": N_("{host} took too long to answer (over {seconds} s in all)."),
    "fetch.no_such_host": N_("Could not fetch from {host}: the host name does not resolve."),
    "fetch.refused": N_("Could not fetch from {host}: the connection was refused."),
    "fetch.connect": N_("Could not fetch from {host}: {reason}."),
    "fetch.too_large": N_("The page is too large (over {megabytes} MB)."),
    "fetch.media_type": N_("That link is not a web page or text (it is {media})."),
    "fetch.unknown_media": N_("That link is not a web page or text (unknown content type)."),
    "fetch.stacked_encoding": N_(
        "The server compressed the page several times over (Content-Encoding: {codings}); "
        "refused."
    ),
    "fetch.encoding": N_("The server used a compression I do not read ({coding})."),
    "fetch.damaged": N_("The server sent a compressed body that is damaged."),
    "fetch.truncated": N_("The server sent a compressed body that was cut short."),
    # extracting the article (ingest/extract.py)
    "extract.no_title_body": N_("No article text found: a title line and a body are needed."),
    "extract.no_text": N_("No article text found on that page."),
    # storing it (storage/validation.py, storage/articles.py, ingest/pipeline.py)
    "article.no_title": N_("The article has no title."),
    "article.no_text": N_("The article has no text."),
    "article.too_long": N_("The article text is too long ({megabytes} MB); the limit is {limit}."),
    "article.not_stored": N_("The article could not be stored; try again."),
    "article.bad_date": N_("The publication date is not a date and time."),
    # feeds (ingest/feeds.py, storage/feeds.py)
    "feed.invalid": N_("That is not a valid RSS or Atom feed ({problem})."),
    "feed.no_entries": N_("That is not a valid RSS or Atom feed (no entries)."),
    "feed.not_a_feed": N_("That is not an RSS or Atom feed."),
    "feed.every_range": N_("every= must be between {low} and {high} minutes."),
    "feed.not_added": N_("The feed was not added: {reason}"),
    "feed.no_url": N_("A feed needs a URL."),
    "feed.every_bounds": N_("A feed is polled every 1 minute to 7 days."),
    "feed.internal": N_("internal error ({kind})"),
    # topics and their rules (storage/, ingest/tagging.py, ingest/pipeline.py)
    "topic.no_name": N_("A topic needs a name."),
    "topic.bad_slug": N_(
        "A topic slug uses only latin letters, digits and hyphens, like china-russia."
    ),
    "topic.missing": N_("There is no such topic."),
    "topic.unknown": N_("There is no topic {topic}."),
    "topic.bad_rule": N_("The rule of topic {topic} is not valid: {reason}"),
    "rule.unclosed_quote": N_("group {group}: the quote {quote} is never closed"),
    "rule.comma_after_phrase": N_("group {group}: put a comma after the quoted phrase {phrase}"),
    "rule.empty": N_("the rule is empty: write keywords, e.g. China, Chinese; Russia, Moscow"),
    "rule.too_long": N_("the rule is too long (at most {limit} characters)"),
    "rule.empty_group": N_(
        "group {group} is empty: remove the extra ';' (groups are separated by ';')"
    ),
    "rule.empty_alternative": N_("group {group} has an empty alternative: remove the extra ','"),
    "rule.no_letters": N_("{term} in group {group} has no letters or digits to match"),
    "rule.phrase_too_long": N_("the phrase {phrase} is too long (at most {limit} words)"),
    "rule.too_many_alternatives": N_("group {group} has too many alternatives (at most {limit})"),
    "rule.too_many_groups": N_("the rule has too many groups (at most {limit})"),
    # chats and subscriptions (storage/chats.py, storage/validation.py)
    "chat.unknown": N_("This chat is not known yet."),
    "chat.summary_length": N_("A summary has between 1 and {limit} sentences."),
    "chat.weekday": N_("A weekday is 0 (Monday) to 6 (Sunday)."),
    "chat.local_time": N_("A delivery time is written HH:MM, for example 08:30."),
    "chat.language": N_("{language} is not a language code such as en or ru."),
    "chat.timezone": N_("Unknown time zone {timezone}: use an IANA name such as Europe/Moscow."),
    # summarizing (summarizer/api.py, ingest/pipeline.py)
    "summary.failed": N_("The text could not be summarized."),
    "summary.budget": N_("The character budget must be a whole number above 0."),
    "summary.no_text": N_("There is no text to summarize."),
    "summary.algorithm": N_("The algorithm must be given by name."),
    "summary.unknown_algorithm": N_("Unknown algorithm {algorithm}. Choose one of: {choices}."),
    "summary.sentences_and_ratio": N_("Give either a number of sentences or a ratio, not both."),
    "summary.sentences": N_("The number of sentences must be a whole number from 1 to {limit}."),
    "summary.ratio": N_("The ratio must be a number above 0 and at most 1."),
    "summary.language_code": N_("The language must be a code such as 'en' or 'ru'."),
    "summary.unsupported_language": N_(
        "Unsupported language {language}. Supported: {supported}."
    ),
    "summary.not_a_string": N_("The text to summarize must be a string."),
    "summary.binary": N_("This does not look like text (binary data?); nothing to summarize."),
}



def _too_short(length: int) -> str:
    return ngettext(
        "The article text is too short ({length} character after the title line; at least "
        "{minimum} are needed).",
        "The article text is too short ({length} characters after the title line; at least "
        "{minimum} are needed).",
        length,
    )


# Codes whose message counts something: the param that counts, and the template for a count.
PLURAL_MESSAGES: dict[str, tuple[str, Callable[[int], str]]] = {
    "extract.too_short": ("length", _too_short),
}

# Params that the message quotes (a name the user typed).
_QUOTED = frozenset({"language", "timezone", "term", "phrase", "topic", "algorithm"})


def error_text(error: Exception) -> str:
    """The error's message in the current reply language (its English line otherwise)."""
    return coded_text(getattr(error, "code", ""), getattr(error, "params", None), str(error))


def coded_text(code: str, params: object, english: str) -> str:
    """An error known by its code and params (one stored with a feed's last poll, say) in the
    current reply language; ``english``, its English line, for an unknown code or none."""
    if current_language() == DEFAULT or not code or not isinstance(params, dict):
        return english
    if code in PLURAL_MESSAGES:
        counter, template_for = PLURAL_MESSAGES[code]
        count = params.get(counter)
        template = template_for(count if isinstance(count, int) else 0)
    elif code in MESSAGES:
        template = _(MESSAGES[code])
    else:
        return english
    shown = {name: _shown(name, value) for name, value in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        # A translation with a broken placeholder (tests/bot/test_i18n.py catches these).
        log.warning("the %s translation of error %s cannot be filled", current_language(), code)
        return english


def _shown(name: str, value: object) -> str:
    """A param as the reader sees it: numbers in the locale's notation, nested errors said in
    the same language, names the user typed in quotation marks (« » in Russian)."""
    if isinstance(value, Exception):
        return error_text(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if name == "status":  # an HTTP status code is a code, not a quantity
            return str(value)
        return format_decimal(value, format="#,##0.##", locale=current_language())
    text = str(value)
    return _("“{text}”").format(text=text) if name in _QUOTED else text
