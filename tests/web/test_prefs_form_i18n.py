"""The preferences form's refusals in the reader's language and notation."""

from __future__ import annotations

from tests.web.test_prefs_form import AGENDA

from gobetween.i18n import use_locale
from gobetween.web.prefs_form import parse_form


def test_the_forms_refusals_speak_the_readers_language() -> None:
    values = {"points-0": "50", "points-1": "abc", "points-2": "50", "rating-0-0": "10.5"}
    with use_locale("uk"):
        errors = parse_form(values, AGENDA).errors
    assert not [e for e in errors if "is not a number" in e or "is outside" in e], errors
    assert any("«abc»" in e and "не число" in e for e in errors), errors
    assert any("10,5" in e for e in errors), errors
    with use_locale("tr"):
        errors = parse_form(values, AGENDA).errors
    assert any("abc" in e and "sayı değil" in e for e in errors), errors
