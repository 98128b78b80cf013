"""The working languages of a negotiation: one declaration per language, registered in one place.

A *process* declares the languages it works in (its working languages). Messages keep the
language they were written in; every article of the negotiating text has its wording in each
working language; the instruments carry every language version and end with the clause that
makes them equally authentic, written in each language.

A :class:`Language` holds what the pure core needs to write an instrument in that language
without reading any file: its names (ISO 639-1 and 639-2, as Akoma Ntoso's FRBR expression
wants), its direction, the word for "Article", the month names of a written date, and the
final clause, naming the other languages as that language names them. Adding a language is
one more entry in :data:`LANGUAGES` (and its row in every other language's ``names``), with
the tests in ``tests/agreements/test_languages.py`` covering it like the others.

The clauses follow the treaty formulas of each language ("Done at ... in the English and
Russian languages, each text being equally authentic"; Ukrainian "Вчинено ... причому всі
тексти є однаково автентичними"; Russian "Совершено ... причём все тексты имеют одинаковую
силу"; Turkish "... düzenlenmiş olup tüm metinler eşit derecede geçerlidir"; Arabic "حرر في ...
وجميع النصوص متساوية في الحجية").

>>> equally_authentic_clause("en", ("en", "uk", "ru"), dt.date(2022, 7, 22))
'Done on 22 July 2022 in the English, Ukrainian and Russian languages, each text being \
equally authentic.'
>>> language("ar").direction
'rtl'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gobetween.errors import N_, InvalidModel

__all__ = [
    "LANGUAGES",
    "Language",
    "called_in",
    "check_languages",
    "equally_authentic_clause",
    "language",
    "written_date",
]


@dataclass(frozen=True, slots=True)
class Language:
    """One working language and the words an instrument needs in it.

    ``names`` gives every registered language's name in the grammatical form this language's
    final clause uses (``"англійською"`` in Ukrainian, instrumental case). ``clause`` holds the
    final clause for one language (``"one"``), two (``"two"``, falls back to ``"many"``) and
    more; ``{date}`` and ``{languages}`` are filled in. ``date`` is the pattern of a written
    date with ``{day}``, ``{month}`` (the name from ``months``) and ``{year}``. ``labels``
    are the instrument's other words: ``title`` and ``preamble`` (the defaults of a party's
    instrument, with ``{agenda}``, ``{party}``, ``{mediators}``), ``terms_hash``,
    ``signatory`` (``{organisation}``, ``{role}``), ``party``, ``mediator``, ``signed``
    (``{key}``) and ``page`` (``{party}``, ``{page}``, ``{pages}``); the headings of a text's
    exports are ``text_version`` (``{title}``, ``{number}``), ``text_redline`` (``{title}``,
    ``{old}``, ``{new}``), ``added``, ``removed``, ``moved``, ``heading_preamble`` and
    ``heading_final``.
    """

    code: str
    code3: str
    name: str
    native: str
    direction: str
    article: str
    months: tuple[str, ...]
    date: str
    names: Mapping[str, str]
    clause: Mapping[str, str]
    labels: Mapping[str, str]
    separator: str = ", "
    last_separator: str = " and "

    def label(self, key: str, /, **values: object) -> str:
        """The instrument word ``key`` with ``values`` filled in.

        >>> language("uk").label("signatory", organisation="ООН", role="посередник")
        'Від імені: ООН (посередник)'
        """
        return self.labels[key].format(**values)

    def join(self, items: Sequence[str]) -> str:
        """``items`` joined as a list in this language (``"A, B and C"``).

        >>> language("tr").join(["BM", "Türkiye"])
        'BM ve Türkiye'
        """
        if len(items) <= 1:
            return "".join(items)
        return self.separator.join(items[:-1]) + self.last_separator + items[-1]

    def list_names(self, codes: Sequence[str]) -> str:
        """The languages ``codes`` named and joined in this language.

        >>> language("ru").list_names(("en", "ru", "tr"))
        'английском, русском и турецком'
        >>> language("ar").list_names(("en", "ar"))
        'الإنجليزية والعربية'
        """
        return self.join([self.names[code] for code in codes])


_MONTHS_EN = "January February March April May June July August September October November December"

#: Every language the negotiation itself can be held in, in the order they are offered.
LANGUAGES: Mapping[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            code="en",
            code3="eng",
            name="English",
            native="English",
            direction="ltr",
            article="Article {number}",
            months=tuple(_MONTHS_EN.split()),
            date="{day} {month} {year}",
            names={
                "en": "English",
                "uk": "Ukrainian",
                "ru": "Russian",
                "tr": "Turkish",
                "ar": "Arabic",
            },
            clause={
                "one": "Done on {date} in the {languages} language.",
                "many": "Done on {date} in the {languages} languages, each text being equally "
                "authentic.",
            },
            labels={
                "title": "{agenda}: instrument of {party}",
                "preamble": "{party}, with {mediators}, agrees to the operative terms below.",
                "terms_hash": "Terms hash (SHA-256)",
                "signatory": "For {organisation} ({role})",
                "party": "party",
                "mediator": "mediator",
                "signed": "signed with Ed25519 key {key}",
                "page": "Instrument of {party}, page {page}/{pages}",
                "text_version": "{title} — version {number}",
                "text_redline": "{title} — redline of version {old} to {new}",
                "added": "added",
                "removed": "removed",
                "moved": "moved",
                "heading_preamble": "Preamble",
                "heading_final": "Final clauses",
            },
        ),
        Language(
            code="uk",
            code3="ukr",
            name="Ukrainian",
            native="Українська",
            direction="ltr",
            article="Стаття {number}",
            months=(
                "січня",
                "лютого",
                "березня",
                "квітня",
                "травня",
                "червня",
                "липня",
                "серпня",
                "вересня",
                "жовтня",
                "листопада",
                "грудня",
            ),
            date="{day} {month} {year} року",
            names={
                "en": "англійською",
                "uk": "українською",
                "ru": "російською",
                "tr": "турецькою",
                "ar": "арабською",
            },
            clause={
                "one": "Вчинено {date} {languages} мовою.",
                "many": "Вчинено {date} {languages} мовами, причому всі тексти є однаково "
                "автентичними.",
            },
            labels={
                "title": "{agenda}: документ сторони {party}",
                "preamble": "{party} разом із посередниками ({mediators}) погоджується з "
                "викладеними нижче умовами.",
                "terms_hash": "Хеш умов (SHA-256)",
                "signatory": "Від імені: {organisation} ({role})",
                "party": "сторона",
                "mediator": "посередник",
                "signed": "підписано ключем Ed25519 {key}",
                "page": "Документ сторони {party}, сторінка {page}/{pages}",
                "text_version": "{title} — версія {number}",
                "text_redline": "{title} — порівняння версії {old} з версією {new}",
                "added": "додано",
                "removed": "вилучено",
                "moved": "переміщено",
                "heading_preamble": "Преамбула",
                "heading_final": "Прикінцеві положення",
            },
            last_separator=" та ",
        ),
        Language(
            code="ru",
            code3="rus",
            name="Russian",
            native="Русский",
            direction="ltr",
            article="Статья {number}",
            months=(
                "января",
                "февраля",
                "марта",
                "апреля",
                "мая",
                "июня",
                "июля",
                "августа",
                "сентября",
                "октября",
                "ноября",
                "декабря",
            ),
            date="{day} {month} {year} года",
            names={
                "en": "английском",
                "uk": "украинском",
                "ru": "русском",
                "tr": "турецком",
                "ar": "арабском",
            },
            clause={
                "one": "Совершено {date} на {languages} языке.",
                "many": "Совершено {date} на {languages} языках, причём все тексты имеют "
                "одинаковую силу.",
            },
            labels={
                "title": "{agenda}: документ стороны {party}",
                "preamble": "{party} совместно с посредниками ({mediators}) соглашается с "
                "изложенными ниже условиями.",
                "terms_hash": "Хеш условий (SHA-256)",
                "signatory": "От имени: {organisation} ({role})",
                "party": "сторона",
                "mediator": "посредник",
                "signed": "подписано ключом Ed25519 {key}",
                "page": "Документ стороны {party}, страница {page}/{pages}",
                "text_version": "{title} — версия {number}",
                "text_redline": "{title} — сравнение версии {old} с версией {new}",
                "added": "добавлена",
                "removed": "исключена",
                "moved": "перемещена",
                "heading_preamble": "Преамбула",
                "heading_final": "Заключительные положения",
            },
            last_separator=" и ",
        ),
        Language(
            code="tr",
            code3="tur",
            name="Turkish",
            native="Türkçe",
            direction="ltr",
            article="Madde {number}",
            months=(
                "Ocak",
                "Şubat",
                "Mart",
                "Nisan",
                "Mayıs",
                "Haziran",
                "Temmuz",
                "Ağustos",
                "Eylül",
                "Ekim",
                "Kasım",
                "Aralık",
            ),
            date="{day} {month} {year}",
            names={
                "en": "İngilizce",
                "uk": "Ukraynaca",
                "ru": "Rusça",
                "tr": "Türkçe",
                "ar": "Arapça",
            },
            clause={
                "one": "{date} tarihinde {languages} dilinde düzenlenmiştir.",
                "many": "{date} tarihinde {languages} dillerinde düzenlenmiş olup tüm metinler "
                "eşit derecede geçerlidir.",
            },
            labels={
                "title": "{agenda}: {party} belgesi",
                "preamble": "{party}, arabulucularla ({mediators}) birlikte aşağıdaki "
                "hükümleri kabul eder.",
                "terms_hash": "Hükümlerin özet değeri (SHA-256)",
                "signatory": "{organisation} adına ({role})",
                "party": "taraf",
                "mediator": "arabulucu",
                "signed": "Ed25519 anahtarıyla imzalandı: {key}",
                "page": "{party} belgesi, sayfa {page}/{pages}",
                "text_version": "{title} — {number}. sürüm",
                "text_redline": "{title} — {old}. sürümden {new}. sürüme değişiklikler",
                "added": "eklendi",
                "removed": "çıkarıldı",
                "moved": "taşındı",
                "heading_preamble": "Başlangıç",
                "heading_final": "Son hükümler",
            },
            last_separator=" ve ",
        ),
        Language(
            code="ar",
            code3="ara",
            name="Arabic",
            native="العربية",
            direction="rtl",
            article="المادة {number}",
            months=(
                "يناير",
                "فبراير",
                "مارس",
                "أبريل",
                "مايو",
                "يونيو",
                "يوليو",
                "أغسطس",
                "سبتمبر",
                "أكتوبر",
                "نوفمبر",
                "ديسمبر",
            ),
            date="{day} {month} {year}",
            names={
                "en": "الإنجليزية",
                "uk": "الأوكرانية",
                "ru": "الروسية",
                "tr": "التركية",
                "ar": "العربية",
            },
            clause={
                "one": "حرر في {date} باللغة {languages}.",
                "two": "حرر في {date} باللغتين {languages}، والنصان متساويان في الحجية.",
                "many": "حرر في {date} باللغات {languages}، وجميع النصوص متساوية في الحجية.",
            },
            labels={
                "title": "{agenda}: صك {party}",
                "preamble": "يوافق {party}، مع الوسطاء ({mediators})، على الأحكام الواردة أدناه.",
                "terms_hash": "بصمة الأحكام (SHA-256)",
                "signatory": "عن {organisation} ({role})",
                "party": "طرف",
                "mediator": "وسيط",
                "signed": "موقع بمفتاح Ed25519: {key}",
                "page": "صك {party}، صفحة {page}/{pages}",
                "text_version": "{title} — الصيغة {number}",
                "text_redline": "{title} — مقارنة الصيغة {old} بالصيغة {new}",
                "added": "أُضيفت",
                "removed": "حُذفت",
                "moved": "نُقلت",
                "heading_preamble": "الديباجة",
                "heading_final": "الأحكام الختامية",
            },
            separator=" و",
            last_separator=" و",
        ),
    )
}


def language(code: str) -> Language:
    """The registered language ``code``; :class:`~gobetween.errors.InvalidModel` if unknown.

    >>> language("tr").native
    'Türkçe'
    """
    try:
        return LANGUAGES[code]
    except (KeyError, TypeError):
        raise InvalidModel(
            N_("%(code)r is not a working language gobetween knows"),
            location="languages",
            expected=N_("one of %(known)s"),
            params={"code": code, "known": ", ".join(LANGUAGES)},
        ) from None


def check_languages(codes: Iterable[object], location: str = "languages") -> tuple[str, ...]:
    """Validate a list of working languages: known codes, none twice, at least one.

    >>> check_languages(["en", "uk"])
    ('en', 'uk')
    >>> check_languages(["en", "en"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gobetween.errors.InvalidModel: languages: 'en' is listed twice...
    """
    out: list[str] = []
    for code in codes:
        if not isinstance(code, str) or code not in LANGUAGES:
            raise InvalidModel(
                N_("%(code)r is not a working language gobetween knows"),
                location=location,
                expected=N_("ISO 639-1 codes among %(known)s"),
                params={"code": code, "known": ", ".join(LANGUAGES)},
            )
        if code in out:
            raise InvalidModel(
                N_("%(code)r is listed twice"),
                location=location,
                expected=N_("each language once"),
                params={"code": code},
            )
        out.append(code)
    if not out:
        raise InvalidModel(
            N_("no working language"), location=location, expected=N_("at least one language")
        )
    return tuple(out)


def called_in(language: str, name: str, names: Mapping[str, str]) -> str:
    """What a reader of ``language`` calls something named ``name`` that has ``names`` in
    other languages (language code -> name): its name in that language where it has one, else
    ``name``, as entered.

    The one rule for every name shown in the reader's language: an agenda's issues and options
    (:meth:`gobetween.model.Issue.called`, :meth:`gobetween.model.Option.called`) and the
    processes, organisations and tracks a secretariat names.

    >>> called_in("ru", "Ukraine", {"ru": "Украина", "uk": "Україна"})
    'Украина'
    >>> called_in("tr", "Ukraine", {"ru": "Украина"}), called_in("ru", "Ukraine", {"ru": ""})
    ('Ukraine', 'Ukraine')
    """
    return names.get(language) or name


def written_date(code: str, date: dt.date) -> str:
    """``date`` written out in language ``code`` (day, month name, year).

    >>> written_date("uk", dt.date(2022, 7, 22)), written_date("tr", dt.date(2022, 7, 22))
    ('22 липня 2022 року', '22 Temmuz 2022')
    """
    lang = language(code)
    return lang.date.format(day=date.day, month=lang.months[date.month - 1], year=date.year)


def equally_authentic_clause(code: str, languages: Sequence[str], date: dt.date) -> str:
    """The final clause of an instrument in language ``code``, naming all its ``languages``.

    >>> equally_authentic_clause("tr", ("en", "tr"), dt.date(2022, 7, 22))
    '22 Temmuz 2022 tarihinde İngilizce ve Türkçe dillerinde düzenlenmiş olup tüm metinler \
eşit derecede geçerlidir.'
    >>> equally_authentic_clause("en", ("en",), dt.date(2022, 7, 22))
    'Done on 22 July 2022 in the English language.'
    """
    lang = language(code)
    codes = check_languages(languages)
    form = "one" if len(codes) == 1 else "two" if len(codes) == 2 else "many"
    template = lang.clause.get(form) or lang.clause["many"]
    return template.format(date=written_date(code, date), languages=lang.list_names(codes))
