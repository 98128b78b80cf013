"""The PDF's refusal of characters its fonts cannot draw (``formats/instrument_pdf.py``) reaches
a person on the agreement's page and in the API: it is said in the reader's language (it was
English only), English word for word as before."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gobetween import i18n
from gobetween.agreements import Bundle
from gobetween.errors import AgreementError
from gobetween.formats.instrument_pdf import instrument_pdf
from gobetween.service.errors import describe


def _refusal(signed: Bundle, clause: str) -> AgreementError:
    ua = signed.instrument("Ukraine")
    terms = replace(ua.terms, clauses={**ua.terms.clauses, "ports": clause})
    with pytest.raises(AgreementError) as caught:
        instrument_pdf(replace(ua, terms=terms))
    return caught.value


def test_a_missing_glyph_is_refused_in_ukrainian(signed: Bundle) -> None:
    error = _refusal(signed, "港: Одеса")
    assert str(error) == (
        "the PDF fonts (DejaVu Sans, Noto Naskh Arabic) have no glyph for "
        "'港' (U+6E2F CJK UNIFIED IDEOGRAPH-6E2F); render this instrument as HTML or Akoma "
        "Ntoso instead"
    )
    with i18n.use_locale("uk"):
        said = describe(error)
    assert said == (
        "шрифти PDF (DejaVu Sans, Noto Naskh Arabic) не мають гліфа для "
        "'港' (U+6E2F CJK UNIFIED IDEOGRAPH-6E2F); відобразіть цей документ у форматі HTML "
        "або Akoma Ntoso"
    )


def test_more_than_five_missing_glyphs_are_counted_in_ukrainian(signed: Bundle) -> None:
    error = _refusal(signed, "一二三四五六七")
    assert str(error).endswith(" and 2 more; render this instrument as HTML or Akoma Ntoso instead")
    with i18n.use_locale("uk"):
        said = describe(error)
    assert " і ще 2 симв.; відобразіть цей документ" in said
    assert "more" not in said
