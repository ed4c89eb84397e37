"""Per-article term profiles for story clustering, cached by the article's content.

A profile is what the clusterer compares: the stemmed content terms of an article's headline
and summary (or the head of its text when it has no summary), the headline's own terms, the
figures and dates it mentions and the names it capitalises. Building one means tokenising and
stemming, the costly part of clustering, so profiles are memoized by content: a digest window
seen again (the next digest, another chat with the same topic) pays only for new articles.

Term weights are not stored here: they depend on the window (IDF over the window plus the
small background of generic news words below).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from summarizer import languages
from summarizer.stemmers import stemmer_for
from summarizer.stopwords import stop_words

TEXT_HEAD_CHARS = 1500
# About 10 KB a profile: 5,000 cover five full windows of 1,000 articles in some 50 MB.
_CACHE_SIZE = 5_000
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\n+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")

# Words that news of every kind shares, so that sharing them says little about being the same
# event. A hand-made background (rather than one learnt from a corpus) keeps the package free of
# data files; it only lowers these words' weight, the window's own IDF does the rest.
_GENERIC = {
    "en": """
        said says say told tell according report reported reports statement added new old year
        years month months week weeks day days time times today yesterday tomorrow last next first
        second third one two three four five six seven eight nine ten hundred thousand million
        billion trillion per cent percent pct number numbers figure figures data rise rose risen
        fall fell fallen up down higher lower high low increase increased decrease cut cuts rate
        rates price prices cost costs market markets company companies firm firms business group
        bank banks government official officials minister president chief executive boss head
        people country countries world national state public plan plans deal deals expected
        expect expects could would may might also well since still including make made take
        taken show showed shows part big large small major key latest early late end start
        quarter annual profit profits sales sale revenue revenues growth economy economic share
        shares stock stocks investors analyst analysts news week monday tuesday wednesday
        thursday friday saturday sunday uk us usa britain british america american world
        international global local many much more most less least around about over under
        back way set say get got going go went come came see seen look week weekend move
        """,
    "ru": """
        сообщил сообщила сообщили заявил заявила заявили сказал сказала рассказал рассказала
        отметил отметила говорится словам данным данные информации году года годом лет месяц
        месяца неделе недели день дня сегодня вчера завтра первый первой второй один одна два
        три четыре пять тысяч тысячи млн млрд трлн миллионов миллиардов процентов процента
        рост роста снижение снизился выросла вырос выросли цены цен цена рынок рынка рынке
        компания компании компаний банк банка банки банков правительство власти министр
        президент глава руководитель россия россии российской российских российский страны
        страна мир мировой рублей руб рубля долларов доллара евро также может могут будет
        будут стало стал стала более менее около весь ранее сейчас время этого году прошлом
        новый новые новых план планы сделка сделки ожидается ожидают эксперты аналитики
        рбк источник источники понедельник вторник среду среда четверг пятницу пятница
        субботу воскресенье
        """,
}
_MONTHS = {
    "en": """january february march april may june july august september october november
        december jan feb mar apr jun jul aug sep sept oct nov dec""",
    "ru": """январь января январе февраль февраля феврале март марта марте апрель апреля
        апреле май мая мае июнь июня июне июль июля июле август августа августе сентябрь
        сентября сентябре октябрь октября октябре ноябрь ноября ноябре декабрь декабря
        декабре""",
}
# Month names normalised to 1-12 so "March" and "Mar", "марта" and "марте" compare equal.
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_RU_MONTHS = ("янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_MONTH_NUMBERS: dict[str, int] = {
    word: (_EN_MONTHS if lang == "en" else _RU_MONTHS).index(
        word[:2] if word in ("май", "мая", "мае") else word[:3]
    ) + 1
    for lang, words in _MONTHS.items()
    for word in words.split()
}
# English month names that are also ordinary words count only when capitalised.
_AMBIGUOUS_MONTHS = frozenset(("may", "march", "mar", "jan", "sep", "dec"))


@dataclass(frozen=True, slots=True)
class Profile:
    """What clustering knows of one article.

    `terms` are stemmed content words and `#`-prefixed figures; `title` the subset from the
    headline; `names` capitalised spans as sets of stems ({"feder", "reserv"}); `figures`
    exact numbers; `months` the calendar months (1-12) it names.
    """

    language: str
    terms: frozenset[str]
    title: frozenset[str]
    names: tuple[frozenset[str], ...]
    figures: frozenset[str]
    months: frozenset[int]
    has_summary: bool
    has_text: bool = False
    content: tuple[str, ...] = ()  # the terms less the background's generic words


@cache
def _generic_terms(code: str) -> frozenset[str]:
    stem = stemmer_for(languages.SUPPORTED.get(code, (None, ""))[0])
    return frozenset(stem(word) for word in _GENERIC.get(code, "").split())


def generic_terms(code: str) -> frozenset[str]:
    """Stems of the background's generic news words of a language (empty for others)."""
    return _generic_terms(code)


def language_code(title: str, body: str, declared: str) -> str:
    """The article's language code: the declared one when we know it, else detected."""
    if declared:
        resolved = languages.resolve(declared)
        if resolved is not None:
            return resolved.code
    sample = f"{title} {body}".strip()
    if not sample:
        return languages.NEUTRAL
    return languages.detect(sample).code


def _number_term(token: str) -> str:
    if _THOUSANDS.match(token):
        token = token.replace(",", "")
    return "#" + token.replace(",", ".")


def _words_and_names(
    text: str, stem: Callable[[str], str], ignored: frozenset[str], generic: frozenset[str],
    title: bool,
) -> tuple[list[str], list[str], list[int]]:
    """Stemmed terms, capitalised name spans ("feder reserv") and months of a text."""
    terms: list[str] = []
    names: list[str] = []
    months: list[int] = []
    pieces = [text] if title else _SENTENCE_BREAK.split(text)
    for piece in pieces:
        tokens = _TOKEN.findall(piece)
        # A headline in Title Case capitalises everything: its capitals say nothing of names.
        capitals = sum(1 for t in tokens if t[:1].isupper())
        title_case = title and len(tokens) > 3 and capitals > 0.6 * len(tokens)
        span: list[str] = []
        for position, token in enumerate(tokens):
            named = False
            if token[0].isdigit():
                terms.append(_number_term(token))
            else:
                lower = token.lower()
                month = _MONTH_NUMBERS.get(lower)
                if month is not None and (lower not in _AMBIGUOUS_MONTHS or token[0].isupper()):
                    months.append(month)
                if lower not in ignored and len(lower) >= 2:
                    stemmed = stem(lower)
                    terms.append(stemmed)
                    # A sentence's first word is capitalised anyway: a name only when the next
                    # one is capitalised too ("Jet Airways said ...").
                    named = (
                        token[0].isupper() and not title_case and month is None
                        and (position > 0 or (len(tokens) > 1 and tokens[1][:1].isupper()))
                    )
                    if named:
                        span.append(stemmed)
            if not named and span:
                _add_span(names, span, generic)
                span = []
        if span:
            _add_span(names, span, generic)
    return terms, names, months


def _add_span(names: list[str], span: list[str], generic: frozenset[str]) -> None:
    # Generic words may be part of a name ("Reserve Bank") but are no name alone ("Bank").
    if any(word not in generic for word in span):
        names.append(" ".join(span))


def _content_key(title: str, summary: tuple[str, ...], head: str, language: str) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for part in (title, *summary, "\x00", head, "\x00", language):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.digest()


class ProfileCache:
    """A bounded, thread-safe memo of profiles keyed by the article's content."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[bytes, Profile] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, title: str, summary: tuple[str, ...], text: str, language: str) -> Profile:
        """The profile of an article, built once per distinct content."""
        # Only the opening of the text is read: where a news report states its event.
        head = text[: 2 * TEXT_HEAD_CHARS].strip()[:TEXT_HEAD_CHARS]
        # A digest of the content, not the content: the cache keeps no copy of the texts.
        key = _content_key(title, summary, head, language)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        body = " ".join(s.strip() for s in summary if s and s.strip())
        if head:
            body = f"{body}\n{_URL.sub(' ', head)}"
        profile = build_profile(
            title, body, language, has_summary=bool(body) and bool(summary), has_text=bool(head)
        )
        with self._lock:
            self._items[key] = profile
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return profile

    def clear(self) -> None:
        """Forget every profile (the benchmark times cold calls)."""
        with self._lock:
            self._items.clear()


def build_profile(
    title: str, body: str, declared: str, *, has_summary: bool, has_text: bool = False
) -> Profile:
    """Tokenise, stem and pick out names and figures of one article's headline and body."""
    title = _URL.sub(" ", title)
    code = language_code(title, body, declared)
    name = languages.SUPPORTED.get(code, (None, ""))[0]
    stem = stemmer_for(name)
    ignored = stop_words(name) if name else frozenset()
    generic = generic_terms(code)
    title_terms, title_names, title_months = _words_and_names(
        title, stem, ignored, generic, True
    )
    body_terms, body_names, body_months = _words_and_names(body, stem, ignored, generic, False)
    name_set = tuple(frozenset(n.split()) for n in dict.fromkeys(title_names + body_names))
    terms = frozenset(title_terms + body_terms)
    # Exact figures ("61.0", "2500"): two reports of one event give the same ones.
    figures = frozenset(t for t in terms if t[0] == "#" and ("." in t or len(t) > 4))
    return Profile(
        language=code,
        terms=terms,
        title=frozenset(title_terms),
        names=name_set,
        figures=figures,
        months=frozenset(title_months + body_months),
        has_summary=has_summary,
        has_text=has_text,
        content=tuple(terms - generic),
    )


PROFILES = ProfileCache()
