"""Figures of the joint record as the reader's language writes numbers.

Babel's "ar" locale writes Latin digits (its default numbering system is ``latn``), as the
pages' dates in Arabic already do; the tests pin that, so a change of Babel's data shows here.
"""

from __future__ import annotations

import pytest

from gobetween import i18n
from gobetween.web.agreement_charts import number

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("code", "whole", "tenths"),
    [
        ("en", "7,578,536", "4.8"),
        ("uk", f"7{NBSP}578{NBSP}536", "4,8"),
        ("ru", f"7{NBSP}578{NBSP}536", "4,8"),
        ("tr", "7.578.536", "4,8"),
        ("ar", "7,578,536", "4.8"),
    ],
)
def test_a_figure_is_written_as_the_readers_language_writes_numbers(
    code: str, whole: str, tenths: str
) -> None:
    with i18n.use_locale(code):
        assert number(7578536.0) == whole
        assert number(4.8) == tenths
        assert number(13.64) == tenths.replace("4", "13").replace("8", "6")
        assert number(2.0) == "2"


@pytest.mark.parametrize(
    ("code", "share", "megatonnes"),
    [
        ("en", "57.1%", "31.74"),
        ("uk", "57,1%", "31,74"),
        ("tr", "%57,1", "31,74"),
        ("ar", "57.1%", "31.74"),
    ],
)
def test_shares_and_decimals_keep_their_digits_in_the_readers_notation(
    code: str, share: str, megatonnes: str
) -> None:
    assert i18n.format_percent(0.5712, code, digits=1) == share
    assert i18n.format_decimal(31.7448, code, digits=2) == megatonnes
    assert i18n.format_decimal(31.7, code, digits=2) == megatonnes[:-2] + "70"
    assert i18n.format_percent(0.25, code) == share.replace("57,1", "25").replace("57.1", "25")
