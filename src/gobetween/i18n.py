"""The interface in five languages: translations, the reader's locale and time zone, formatting.

Mark every user-facing string with :func:`_` (``gettext``), :func:`ngettext` for counts,
:func:`pgettext` when the same English word needs different translations, and :func:`lazy_gettext`
(alias ``_l``) for strings defined at import time (module constants, table headers), which are
translated each time they are turned into text. The locale and time zone of the current request
live in context variables: the web layer sets them once per request (:func:`use_locale`) and every
call below reads them, so nothing has to be passed around.

Catalogs are the ``.po`` files under ``gobetween/locale/<lang>/LC_MESSAGES/messages.po`` (package
data); each is compiled in memory with Babel the first time a request needs it, so an editable
install and a wheel behave the same and there is no build step to forget.

This module reads package files, so the pure core (model, analysis, protocols, agreements,
monitoring) never imports it; the core's words are translated where the outer layers show them.

>>> with use_locale("uk", "Europe/Kiev"):
...     current_locale(), current_zone(), _("Log out")
('uk', 'Europe/Kyiv', 'Вийти')
>>> with use_locale("en"):
...     ngettext("%(num)d message", "%(num)d messages", 2) % {"num": 2}
'2 messages'
>>> format_datetime(dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC), "en", "Europe/Istanbul")
'Jan 1, 2026, 3:00\u202fPM (UTC+3)'
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import functools
import gettext as _gettext
import io
import zoneinfo
from collections.abc import Iterator
from importlib import resources
from typing import Any

from babel import Locale
from babel import dates as _dates
from babel import numbers as _numbers
from babel.core import get_global
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import Markup, escape

__all__ = [
    "DEFAULT_LOCALE",
    "LANGUAGE_NAMES",
    "LOCALES",
    "LazyString",
    "_",
    "_l",
    "canonical_zone",
    "current_locale",
    "current_zone",
    "direction",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_percent",
    "gettext",
    "lazy_gettext",
    "negotiate",
    "ngettext",
    "npgettext",
    "pgettext",
    "supported",
    "translations",
    "use_locale",
]

#: The interface languages, English first (the source language of every message).
LOCALES: tuple[str, ...] = ("en", "uk", "ru", "tr", "ar")
DEFAULT_LOCALE = "en"
#: Each language's name in that language (the switcher shows them so, never translated).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "ar": "العربية",
}

_locale: contextvars.ContextVar[str] = contextvars.ContextVar("gobetween_locale", default="en")
_zone: contextvars.ContextVar[str] = contextvars.ContextVar("gobetween_zone", default="UTC")


def supported(code: str | None) -> str | None:
    """The interface language ``code`` names (``"uk-UA"`` -> ``"uk"``), or None.

    >>> supported("uk-UA"), supported("AR"), supported("de"), supported(None)
    ('uk', 'ar', None, None)
    """
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else None


def negotiate(accept_language: str | None) -> str:
    """The best interface language for an ``Accept-Language`` header (English when none fits).

    >>> negotiate("de-DE,de;q=0.9,ru;q=0.8,en;q=0.5")
    'ru'
    >>> negotiate("fr, *;q=0.1")
    'en'
    """
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "")[:512].split(",")[:32]):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        code = supported(tag)
        if code is not None and weight > 0:
            ranked.append((-weight, index, code))
    return min(ranked)[2] if ranked else DEFAULT_LOCALE


def direction(locale: str | None = None) -> str:
    """``"rtl"`` for a right-to-left language, else ``"ltr"`` (the current locale by default).

    >>> direction("ar"), direction("uk")
    ('rtl', 'ltr')
    """
    return str(_babel_locale(locale or current_locale()).text_direction)


@functools.lru_cache(maxsize=16)
def _babel_locale(code: str) -> Locale:
    return Locale.parse(supported(code) or DEFAULT_LOCALE)


@functools.cache
def _links() -> dict[str, str]:
    """Legacy zone name -> canonical name, from the tz database's link lines."""
    links: dict[str, str] = {}
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = ""
    for path in zoneinfo.TZPATH:
        if text:
            break
        with contextlib.suppress(OSError), open(f"{path}/tzdata.zi", encoding="utf-8") as fh:
            text = fh.read()
    for line in text.splitlines():
        if line.startswith("L "):
            _kind, target, alias = line.split()[:3]
            links[alias] = target
    return links


@functools.cache
def _places() -> frozenset[str]:
    """The zones CLDR names a place by (its ``zone_territories``)."""
    return frozenset(get_global("zone_territories"))


@functools.lru_cache(maxsize=512)
def canonical_zone(name: str | None) -> str:
    """The canonical IANA name of time zone ``name``: a zone CLDR names a place by keeps its
    name (Europe/Copenhagen stays Denmark's, though the tz database links it to Europe/Berlin),
    other legacy aliases are mapped (Europe/Kiev: Europe/Kyiv); ``"UTC"`` for UTC's aliases and
    if unknown.

    >>> canonical_zone("Europe/Kiev"), canonical_zone("Asia/Qatar"), canonical_zone("Mars/Base")
    ('Europe/Kyiv', 'Asia/Qatar', 'UTC')
    >>> canonical_zone("Europe/Copenhagen")
    'Europe/Copenhagen'
    """
    if not name or len(name) > 64:
        return "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "UTC"
    if name in _places() and not name.startswith("Etc/"):
        return name
    target = _links().get(name, name)
    return "UTC" if target in {"Etc/UTC", "Etc/GMT", "Etc/Universal", "Etc/Zulu"} else target


@functools.cache
def translations(locale: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``locale`` (English, and unknown codes, translate to themselves)."""
    if locale not in LOCALES or locale == DEFAULT_LOCALE:
        return _gettext.NullTranslations()
    source = resources.files("gobetween").joinpath("locale", locale, "LC_MESSAGES", "messages.po")
    with source.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def current_locale() -> str:
    """The interface language of the current request (``"en"`` outside one)."""
    return _locale.get()


def current_zone() -> str:
    """The canonical IANA time zone of the current request (``"UTC"`` outside one)."""
    return _zone.get()


@contextlib.contextmanager
def use_locale(locale: str | None, zone: str | None = None) -> Iterator[None]:
    """Run a block in interface language ``locale`` and time zone ``zone`` (both checked)."""
    token = _locale.set(supported(locale) or DEFAULT_LOCALE)
    zone_token = _zone.set(canonical_zone(zone)) if zone is not None else None
    try:
        yield
    finally:
        if zone_token is not None:
            _zone.reset(zone_token)
        _locale.reset(token)


def set_locale(locale: str | None, zone: str | None = None) -> None:
    """Set the current request's language (and zone) for the rest of its context.

    Used once the signed-in user's own setting is known; :func:`use_locale` is the scoped form.
    """
    _locale.set(supported(locale) or DEFAULT_LOCALE)
    if zone is not None:
        _zone.set(canonical_zone(zone))


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translations(current_locale()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for count ``n`` in the current language."""
    return translations(current_locale()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, in ``context`` (for words with several meanings)."""
    return translations(current_locale()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`ngettext` with a context."""
    return translations(current_locale()).npgettext(context, singular, plural, n)


class LazyString:
    """A marked message translated each time it becomes text (for strings made at import time).

    >>> label = lazy_gettext("Channel")
    >>> with use_locale("ru"):
    ...     str(label)
    'Канал'
    """

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return gettext(self.message)

    def __html__(self) -> Markup:
        return escape(str(self))

    def __repr__(self) -> str:
        return f"lazy_gettext({self.message!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other) if isinstance(other, (str, LazyString)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.message)

    def __len__(self) -> int:
        return len(str(self))

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __mod__(self, values: Any) -> str:
        return str(str(self) % values)

    def format(self, *args: Any, **kwargs: Any) -> str:
        """``str.format`` on the translation."""
        return str(self).format(*args, **kwargs)


def lazy_gettext(message: str) -> LazyString:
    """Mark ``message`` now, translate it when it is shown."""
    return LazyString(message)


_l = lazy_gettext


def _zone_label(local: dt.datetime) -> str:
    offset = local.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _as_datetime(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def format_datetime(
    value: dt.datetime | str | None, locale: str | None = None, zone: str | None = None
) -> str:
    """The one way pages show a moment: medium date, short time, and the zone's UTC offset.

    >>> format_datetime("2026-03-01T09:30:00+00:00", "uk", "Europe/Kiev")
    '1 бер. 2026\u202fр., 11:30 (UTC+2)'
    >>> format_datetime(None)
    '–'
    """
    if value is None:
        return "–"
    code = supported(locale) or current_locale()
    local = _as_datetime(value).astimezone(
        zoneinfo.ZoneInfo(canonical_zone(zone or current_zone()))
    )
    date = _dates.format_date(local, "medium", locale=code)
    time = _dates.format_time(local, "short", tzinfo=local.tzinfo, locale=code)
    joined = str(_babel_locale(code).datetime_formats["medium"]).format(time, date)
    return f"{joined} ({_zone_label(local)})"


def format_date(value: dt.date | dt.datetime | str | None, locale: str | None = None) -> str:
    """A calendar day in the current language (medium length), or ``'–'``.

    >>> format_date(dt.date(2026, 12, 2), "tr")
    '2 Ara 2026'
    """
    if value is None:
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        tz = zoneinfo.ZoneInfo(canonical_zone(current_zone()))
        value = _as_datetime(value).astimezone(tz).date()
    return str(_dates.format_date(value, "medium", locale=supported(locale) or current_locale()))


def format_decimal(
    value: float | int | decimal.Decimal, locale: str | None = None, *, digits: int | None = None
) -> str:
    """A number in the current language's notation; with ``digits``, exactly that many
    decimals (rounded half-even, as Babel does).

    >>> format_decimal(1234.5, "ru"), format_decimal(1234.5, "en")
    ('1\\xa0234,5', '1,234.5')
    >>> format_decimal(31.7448, "uk", digits=2), format_decimal(7578536, "tr")
    ('31,74', '7.578.536')
    """
    code = supported(locale) or current_locale()
    if digits is None:
        return str(_numbers.format_decimal(value, locale=code))
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(_numbers.format_decimal(value, format=pattern, locale=code))


def format_percent(value: float, locale: str | None = None, *, digits: int = 0) -> str:
    """A share (0.25) as a percentage in the current language's notation (its own sign and
    place of the sign), with ``digits`` decimals.

    >>> format_percent(0.25, "tr"), format_percent(0.5712, "uk", digits=1)
    ('%25', '57,1%')
    """
    code = supported(locale) or current_locale()
    pattern = str(_babel_locale(code).percent_formats[None].pattern)
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits)
    return str(_numbers.format_percent(value, format=pattern, locale=code))
