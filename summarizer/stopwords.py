"""Stop-word lists per language: sumy's lists, plus Russian, which sumy does not ship."""

from __future__ import annotations

from functools import cache

from sumy.utils import get_stop_words as sumy_stop_words

_RUSSIAN = """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
    для до его ее её ей ему если есть еще ещё же за здесь и из или им их к как ко когда кто ли
    либо мне может мы на над надо наш не него нее неё нет ни них но ну о об однако он она они
    оно от очень по под при с со так также такой там те тем то того тоже той только том ты у
    уже хотя чего чей чем что чтобы чье чья эта эти это этого этой этом этот я ее нас нам ним
    ними был будет будут может могут свой своя свои своего своей сам сама само сами себя себе
    между после перед через про около вокруг который которая которое которые которого которой
    которых которым этим этих такие такая также всё всю всем всеми весь вся оба обе каждый
    другой другие иной мой моя мои твой наша наши ваш ваша ваши тот та те тех кого кому чему
    чем нем нём ней ими один одна одно одни два две три год года году лет сказал сказала
    заявил заявила отметил отметила по словам словам тогда теперь сейчас уже еще ещё лишь
    именно почти вновь снова где-то когда-то ли бы же ведь вот вон
    """
RUSSIAN_STOP_WORDS = frozenset(_RUSSIAN.split())

_EXTRA = {"russian": RUSSIAN_STOP_WORDS}


@cache
def stop_words(language: str) -> frozenset[str]:
    """Lower-case stop words of a language (empty for a language without a list)."""
    if language in _EXTRA:
        return _EXTRA[language]
    try:
        return frozenset(word.lower() for word in sumy_stop_words(language))
    except LookupError:
        return frozenset()
