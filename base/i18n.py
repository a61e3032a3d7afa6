"""Words shown to people, worded from gettext catalogues (Babel) in the reader's language.

    from base.i18n import N_, _, ngettext, pgettext

Messages are English msgids in the code; locale/vi/LC_MESSAGES/messages.po holds their
Vietnamese (English needs no catalogue: it is the msgids). The language is the current one:
a request's (dashboards/languages.py chooses it from the cookie, then Accept-Language), a
document's own (`with language("en"):` around a briefing), or the configured default.
N_() marks text defined at import time (a table of labels): it is worded with _() when shown.
Catalogue names of units, databases and metrics (name_vi/name_en in config/) stay data.

Kept up to date with pybabel (babel.cfg; the commands are in the README); tests/test_text.py
fails on a message without a translation, a translation nobody uses, or a stale .mo file.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

from babel.support import Translations

LANGUAGES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language, as a switch offers it
SOURCE_LANGUAGE = "en"  # the msgids' language
_NO_CATALOGUE = frozenset({SOURCE_LANGUAGE})  # its words are the msgids themselves
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

_default = "vi"
_current: ContextVar[str | None] = ContextVar("ioc_language", default=None)


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of a language; a language without one is refused, not shown in English."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    if lang in _NO_CATALOGUE:
        return _gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: compile the catalogues (pybabel compile -d locale)")
    return Translations.load(str(LOCALE_DIR), [lang], DOMAIN)


def set_default(lang: str) -> None:
    """The language of whatever runs outside a request or a document (the start-up sets it)."""
    global _default
    translations(lang)
    _default = lang


def current() -> str:
    return _current.get() or _default


def choose(*candidates: str | None) -> str:
    """The first known language among candidates, else the default."""
    return next((c for c in candidates if c in LANGUAGES), _default)


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Word everything inside in lang (a briefing in English, a wall screen's document)."""
    token = enter(lang)
    try:
        yield lang
    finally:
        leave(token)


def enter(lang: str) -> Token:
    """Start wording in lang until leave(token): for a request, whose start and end are two hooks."""
    translations(lang)
    return _current.set(lang)


def leave(token: Token) -> None:
    _current.reset(token)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """For a word that means two things: pgettext("organisation", "Unit") is not pgettext("measure", "Unit")."""
    return translations(current()).pgettext(context, message)


def mid_sentence(name: str) -> str:
    """A figure's name inside a sentence: Vietnamese writes it in lower case, English keeps its capitals."""
    return name.lower() if current() in _LOWER_CASE_MID_SENTENCE else name


_LOWER_CASE_MID_SENTENCE = frozenset({"vi"})


def N_(message: str) -> str:  # noqa: N802 (gettext's name)
    """Mark message for the catalogue without wording it now; _(message) words it when shown."""
    return message
