"""Time zones named for people: the country (and city) in the reader's language, the offset, and
the order the reader's alphabet gives."""

from __future__ import annotations

import datetime as dt

import pytest

from gobetween.zone_names import offset, zone_choices, zone_label, zones

WINTER = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)


def _labels(locale: str) -> list[str]:
    return [label.split(" \u00b7 ")[0] for _, label in zone_choices(locale, WINTER)]


def test_a_zone_is_named_by_its_country_and_city_in_the_readers_language() -> None:
    assert zone_label("Europe/Kyiv", "uk", WINTER) == "Україна (Київ) \u00b7 \u2066UTC+02:00\u2069"
    assert zone_label("Asia/Qatar", "ar", WINTER) == "قطر \u00b7 \u2066UTC+03:00\u2069"
    # a country with several zones names the city too
    assert zone_label("America/New_York", "tr", WINTER).startswith(
        "Amerika Birleşik Devletleri (New York)"
    )
    assert zone_label("Europe/Moscow", "ru", WINTER).startswith("Россия (Москва)")


def test_the_offset_is_the_one_at_that_moment() -> None:
    assert offset("Europe/Kyiv", SUMMER) == "UTC+03:00"
    assert offset("Europe/Kyiv", WINTER) == "UTC+02:00"
    assert offset("Asia/Kathmandu", WINTER) == "UTC+05:45"
    assert offset("America/St_Johns", WINTER) == "UTC-03:30"
    assert offset("Atlantic/Reykjavik", WINTER) == "UTC"


def test_every_choosable_zone_has_one_labelled_choice_in_every_language() -> None:
    for locale in ("en", "uk", "ru", "tr", "ar"):
        choices = zone_choices(locale, WINTER)
        assert [zone for zone, _ in sorted(choices)] == list(zones())
        assert all(label and "/" not in label.split(" \u00b7 ")[0] for _, label in choices)


@pytest.mark.parametrize(
    ("locale", "before", "after"),
    [
        # Ukrainian: Є after Е, І after И, both before Й; Unicode puts Є and І before А
        ("uk", "Естонія", "Єгипет"),
        ("uk", "Єгипет", "Західна Сахара"),
        ("uk", "Зімбабве", "Індія"),
        ("uk", "Індія", "Йорданія"),
        ("uk", "Австрія", "Індія"),
        # Turkish: Ç after C, Ü after U, ı-words (Irak) before i-words (İran)
        ("tr", "Cezayir", "Çin"),
        ("tr", "Çin", "Danimarka"),
        ("tr", "Irak", "İran"),
        ("tr", "Uruguay", "Ürdün"),
        ("tr", "Ürdün", "Vietnam"),
    ],
)
def test_choices_are_in_the_readers_alphabetical_order(
    locale: str, before: str, after: str
) -> None:
    labels = _labels(locale)

    def first(prefix: str) -> int:
        return next(i for i, label in enumerate(labels) if label.startswith(prefix))

    assert first(before) < first(after), (before, after)
