"""Time zones named for people: "Україна (Київ) · UTC+02:00" rather than ``Europe/Kyiv``.

A zone's name is its country in the reader's language, with the city where the country has
more than one zone (CLDR's names, through Babel), then its offset from UTC at the moment. The
choices are sorted the way the reader's alphabet sorts (Ukrainian є after е, Turkish ç after c,
ı before i), so that a delegate finds their country where they expect it in a long list. The
value a form sends stays the canonical IANA name.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
import zoneinfo

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from gobetween.i18n import _, canonical_zone

__all__ = ["chosen_zone", "offset", "zone_choices", "zone_label", "zones"]

#: The alphabets whose order Unicode's does not follow (other languages sort by letter, accents
#: after the bare letter). Latin letters a language lacks stand where English has them.
_ALPHABETS = {
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "tr": "abcçdefgğhıijklmnoöpqrsştuüvwxyz",
}
#: Left-to-right isolate around the offset, so that "UTC+02:00" reads the same in Arabic.
_ISOLATE = "\u2066{}\u2069"


def offset(zone: str, at: dt.datetime) -> str:
    """``zone``'s offset from UTC at ``at``, as ``UTC+02:00`` (``UTC`` when none).

    >>> offset("Asia/Kolkata", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    'UTC+05:30'
    >>> offset("America/New_York", dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    'UTC-04:00'
    """
    delta = at.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() or dt.timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


@functools.cache
def zones() -> tuple[str, ...]:
    """The zones a user can choose: one for each place CLDR names (so Denmark's own
    Europe/Copenhagen, though the tz database now links it to Europe/Berlin), under the names
    CLDR uses today (Europe/Kyiv, not the legacy Europe/Kiev).

    >>> "Europe/Kyiv" in zones(), "Europe/Kiev" in zones(), "Europe/Copenhagen" in zones()
    (True, False, True)
    """
    available = zoneinfo.available_timezones()
    named = get_global("zone_territories")
    return tuple(sorted(z for z in named if z in available and not z.startswith("Etc/")))


def chosen_zone(name: str) -> str | None:
    """The zone to keep for a user who chose ``name``: its canonical name if that is a choice
    or UTC (Europe/Kiev: Europe/Kyiv; Etc/GMT: UTC), ``None`` if it is no zone to choose.

    >>> chosen_zone("Europe/Copenhagen"), chosen_zone("Europe/Kiev"), chosen_zone("Mars/Base")
    ('Europe/Copenhagen', 'Europe/Kyiv', None)
    """
    if name != "UTC" and name not in zoneinfo.available_timezones():
        return None
    canonical = canonical_zone(name)
    return canonical if canonical in zones() or canonical == "UTC" else None


@functools.cache
def _zones_per_territory() -> dict[str, int]:
    """How many of the zones a user can choose each country has."""
    territories = get_global("zone_territories")
    counts: dict[str, int] = {}
    for zone in zones():
        territory = territories.get(zone, "")
        counts[territory] = counts.get(territory, 0) + 1
    return counts


@functools.lru_cache(maxsize=1024)
def _place(zone: str, locale: str) -> str:
    """Where ``zone`` is, in ``locale``: the country, with the city if it has other zones."""
    city = str(get_timezone_location(zone, locale=locale, return_city=True))
    territory = get_global("zone_territories").get(zone, "")
    country = Locale.parse(locale).territories.get(territory) if territory != "001" else None
    if not country:
        return city
    if _zones_per_territory().get(territory, 0) > 1 and city != country:
        return f"{country} ({city})"
    return str(country)


def zone_label(zone: str, locale: str, at: dt.datetime | None = None) -> str:
    """``zone`` named for a reader of ``locale``: place, then offset at ``at`` (default now),
    e.g. "Україна (Київ) · UTC+02:00" (the offset isolated left to right)."""
    if zone == "UTC":
        return _("Coordinated Universal Time (UTC)")
    when = at or dt.datetime.now(dt.UTC)
    return f"{_place(zone, locale)} \u00b7 {_ISOLATE.format(offset(zone, when))}"


def _letter_rank(char: str, alphabet: str) -> int:
    """Where ``char`` sorts in ``alphabet``: separators first, then letters in the alphabet's
    order (an accented letter it lacks just after its bare letter), then anything else."""
    if char in alphabet:
        return 1_000 + 10 * alphabet.index(char)
    bare = unicodedata.normalize("NFD", char)
    if bare[0] in alphabet:
        return 1_000 + 10 * alphabet.index(bare[0]) + len(bare)
    if not char.isalnum():
        return min(ord(char), 999)
    return 100_000 + ord(char)


def _sort_key(label: str, locale: str) -> tuple[int, ...] | str:
    """A key that sorts ``label`` as ``locale``'s alphabet does (Ukrainian є after е and
    і, ї, й after и; Turkish ç after c, ı before i, Turkish I being ı and İ being i)."""
    alphabet = _ALPHABETS.get(locale)
    if alphabet is None:
        return unicodedata.normalize("NFD", label.casefold())
    if locale == "tr":
        label = label.replace("I", "ı").replace("İ", "i")
    return tuple(_letter_rank(char, alphabet) for char in label.lower())


def zone_choices(locale: str, at: dt.datetime | None = None) -> tuple[tuple[str, str], ...]:
    """``(zone, label)`` for each choosable zone, sorted by label in ``locale``'s alphabet."""
    when = at or dt.datetime.now(dt.UTC)
    labelled = [(zone, zone_label(zone, locale, when)) for zone in zones()]
    return tuple(sorted(labelled, key=lambda pair: (_sort_key(pair[1], locale), pair[0])))
