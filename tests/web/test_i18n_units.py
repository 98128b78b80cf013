"""The pieces of :mod:`gobetween.i18n` a page relies on: choosing a language, zone names,
plural forms, lazy strings, one time format, and translations that never unescape HTML."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween import i18n
from gobetween.i18n_http import choose, cookies_of
from gobetween.web.render import environment, local_time

MOMENT = dt.datetime(2026, 7, 1, 9, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("uk-UA,uk;q=0.9,en-US;q=0.8,en;q=0.7", "uk"),
        ("de-DE, ru;q=0.5, tr;q=0.6", "tr"),
        ("ar;q=0, ru", "ru"),  # q=0 means "not this one"
        ("en;q=bogus, tr", "tr"),  # an unreadable weight counts as 0
        ("*", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_accept_language_is_read_as_the_standard_says(header: str | None, code: str) -> None:
    assert i18n.negotiate(header) == code


@given(st.text(max_size=2000))
def test_any_header_or_cookie_gives_a_supported_language(text: str) -> None:
    assert i18n.negotiate(text) in i18n.LOCALES
    assert choose(cookies_of(text), text) in i18n.LOCALES


def test_the_switcher_cookie_wins_over_the_browser_and_junk_is_ignored() -> None:
    assert choose({"gobetween_lang": "ar"}, "uk") == "ar"
    assert choose({"gobetween_lang": "xx"}, "uk") == "uk"


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Asia/Qatar", "Asia/Qatar"),
        ("Europe/Istanbul", "Europe/Istanbul"),
        ("Etc/UTC", "UTC"),
        ("../../etc/passwd", "UTC"),
        ("", "UTC"),
        ("x" * 500, "UTC"),
    ],
)
def test_zone_names_are_canonical_and_unknown_ones_are_utc(name: str, canonical: str) -> None:
    assert i18n.canonical_zone(name) == canonical


@pytest.mark.parametrize(
    ("code", "counts"),
    [
        ("uk", {1: "повідомлення", 3: "повідомлення", 5: "повідомлень", 11: "повідомлень"}),
        ("ru", {1: "сообщение", 2: "сообщения", 5: "сообщений", 21: "сообщение"}),
        ("tr", {1: "mesaj", 7: "mesaj"}),
        ("ar", {0: "رسالة", 2: "رسالتان", 3: "رسائل", 11: "رسالة", 100: "رسالة"}),
    ],
)
def test_plural_forms_follow_each_language(code: str, counts: dict[int, str]) -> None:
    with i18n.use_locale(code):
        for n, word in counts.items():
            text = i18n.ngettext("%(num)d message", "%(num)d messages", n) % {"num": n}
            # Arabic says two by the dual alone ("رسالتان", two messages)
            assert text == (word if (code, n) == ("ar", 2) else f"{n} {word}")


def test_lazy_strings_translate_when_shown_not_when_made() -> None:
    label = i18n.lazy_gettext("Channels")
    with i18n.use_locale("tr"):
        assert str(label) == "Kanallar"
        assert label + "!" == "Kanallar!"
    with i18n.use_locale("uk"):
        assert f"{label}" == "Канали"
    assert str(label) == "Channels"


def test_one_time_format_in_every_language_with_the_zone_offset() -> None:
    shown = {code: i18n.format_datetime(MOMENT, code, "Europe/Kiev") for code in i18n.LOCALES}
    assert all(text.endswith("(UTC+3)") for text in shown.values()), shown
    assert "12:05" in shown["uk"]
    assert "лип." in shown["uk"]
    assert "июл." in shown["ru"]
    assert "Tem" in shown["tr"]
    assert shown["en"].startswith("Jul 1, 2026")
    assert i18n.format_datetime(MOMENT, "en", "Asia/Kolkata").endswith("(UTC+5:30)")
    with i18n.use_locale("ru"):
        assert local_time(MOMENT.isoformat(), "UTC").endswith("(UTC)")


def test_unknown_codes_fall_back_to_english() -> None:
    with i18n.use_locale("xx"):
        assert i18n.current_locale() == "en"
        assert i18n._("Log out") == "Log out"
    assert i18n.direction("xx") == "ltr"


def test_templates_translate_and_still_escape() -> None:
    template = environment().from_string(
        '{{ _("Channel with %(party)s", party=name) }}|{{ _("Log out") }}'
    )
    with i18n.use_locale("ru"):
        out = template.render(name="<b>X</b>")
    assert out == "Канал со стороной &lt;b&gt;X&lt;/b&gt;|Выйти"


def test_a_word_filtered_from_a_literal_follows_each_request_language() -> None:
    # Jinja folds a filter on a literal at compile time unless the filter takes the context:
    # the home page's "party" | label kept the language of the first page that compiled it.
    template = environment().from_string('{{ "party" | label }} {{ 1234.5 | number }}')
    with i18n.use_locale("en"):
        english = template.render()
    with i18n.use_locale("uk"):
        ukrainian = template.render()
        word = i18n.gettext("party")
    assert english.startswith("party ")
    assert word != "party"
    assert ukrainian.startswith(word + " ")
