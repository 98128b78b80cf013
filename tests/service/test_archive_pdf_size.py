"""The archive's PDF of a text version (service/archive_pdf.py) prints a long text's every word
in order, laid out with a bounded number of text measurements (fpdf2's multi_cell() measured
the whole line again at every character: 2.25 measurements per character, 4.2 s CPU for a
948 KB version; docs/benchmarks.md, *Exports of the negotiating text*)."""

from __future__ import annotations

import io
import random

import pytest
from benchmarks.document_exports import multilingual_version, paragraph
from pypdf import PdfReader
from tests.formats.measuring import counting_measurements

from gobetween.service.archive_pdf import text_version_pdf


def test_a_long_version_prints_every_word_in_order() -> None:
    version = multilingual_version(seed=4)
    version["articles"] = version["articles"][:6]
    pdf = PdfReader(io.BytesIO(text_version_pdf(version)))
    printed = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    position = 0
    for article in version["articles"]:
        if article["alternatives"]:  # each alternative in its first language
            texts = [a["wording"]["en"] for a in article["alternatives"]]
        else:  # each language, in the order of their codes (Arabic aside: printed unshaped)
            texts = [article["wording"][code] for code in ("en", "ru", "tr", "uk")]
        for text in texts:
            words = " ".join(text.split())
            found = printed.find(words, position)
            assert found >= 0, words[:80]
            position = found + len(words)


def test_a_long_version_takes_few_text_measurements(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting_measurements(monkeypatch)
    wording = paragraph(random.Random(7), "en", 20_000)
    text_version_pdf({"number": 1, "articles": [{"id": "a", "wording": {"en": wording}}]})
    assert calls() < len(wording) / 4, (calls(), len(wording))  # was 2.25 per character
