"""A pseudo-language for tests: the words a catalog would translate come out in CAPITALS.

Installed for ``uk`` (:func:`speak_pseudo`), it translates exactly the messages the sources
mark for translation (``_()``, ``N_()``, ...: what ``make i18n`` extracts), upper-casing their
words and keeping their placeholders, and leaves every other string as it is. A sentence a
reader would get in English whatever their language then shows as lower-case English words
beside the capitals: words built with an f-string, or a marked template filled with a value
that is English words (``voyage #1`` in "%(where)s has neither ...") instead of a sentence that
is translated in turn. It does not depend on what the catalogs hold yet, so a test written with
a new message passes before the catalogs are filled.
"""

from __future__ import annotations

import functools
import gettext
import re

import pytest
from tests.test_catalogs import PLACEHOLDER, extracted

from gobetween import i18n

__all__ = ["LOWER_WORDS", "speak_pseudo"]

#: English words left in a pseudo-translated sentence (two letters or more, lower case).
LOWER_WORDS = re.compile(r"\b[a-z]{2,}\b")


def _capitals(message: str) -> str:
    out, at = [], 0
    for found in PLACEHOLDER.finditer(message):
        out.append(message[at : found.start()].upper())
        out.append(found.group(0))
        at = found.end()
    out.append(message[at:].upper())
    return "".join(out)


class _Pseudo(gettext.NullTranslations):
    def __init__(self, marked: frozenset[tuple[str | None, str]]) -> None:
        super().__init__()
        self.marked = marked

    def gettext(self, message: str) -> str:
        return _capitals(message) if (None, message) in self.marked else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return _capitals(message) if (context, message) in self.marked else message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.pgettext(context, singular if n == 1 else plural)


@functools.cache
def _pseudo() -> _Pseudo:
    return _Pseudo(frozenset(extracted()))


def speak_pseudo(monkeypatch: pytest.MonkeyPatch, code: str = "uk") -> None:
    """Make ``code`` the pseudo-language (the other languages keep their catalogs)."""
    real = i18n.translations

    def translations(locale: str) -> gettext.NullTranslations:
        return _pseudo() if locale == code else real(locale)

    monkeypatch.setattr(i18n, "translations", translations)
