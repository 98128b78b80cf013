"""PDF exports of the negotiating text in a right-to-left language (formats/text_export.py)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from gobetween.formats.text_export import redline_pdf, version_pdf

ARABIC = "تغادر السفن من موانئ أوديسا"
VERSION = {
    "number": 1,
    "note": "",
    "articles": [
        {
            "id": "art-1",
            "kind": "operative",
            "issue": "ports",
            "option": None,
            "wording": {},
            "alternatives": [
                {"option": "a", "wording": {"ar": ARABIC + " [2](b) -- **x**"}},
                {"option": "b", "wording": {"ar": ARABIC + " (Odesa)"}},
            ],
        }
    ],
}


def _fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return {str(f.get_object()["/BaseFont"]) for f in fonts.values()}


def _text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_an_arabic_version_is_set_in_naskh_and_prints_what_was_written() -> None:
    data = version_pdf("Talks", VERSION, "ar")
    assert any("NotoNaskhArabic" in f for f in _fonts(data))
    text = _text(data).replace("\u200b", "")  # extracted in visual order, right to left
    # fpdf2's markdown and link syntax in a party's words print as written, not as styles
    for literal in ("2", "b", "--", "**x**", "Odesa"):
        assert literal in text, (literal, text)
    assert text.count("**") == 2  # the party's own, none left of the bold brackets' markup
    assert "/Annots" not in PdfReader(io.BytesIO(data)).pages[0]  # [2](b) is no link


def test_an_english_version_needs_no_arabic_face() -> None:
    english = {**VERSION, "articles": [{**VERSION["articles"][0], "alternatives": []}]}
    english["articles"][0]["wording"] = {"en": "Ships leave from Odesa."}
    data = version_pdf("Talks", english, "en")
    assert not any("NotoNaskhArabic" in f for f in _fonts(data))
    assert "Ships leave from Odesa." in _text(data)


def test_an_arabic_redline_names_articles_by_issue_in_naskh() -> None:
    redline = {
        "old": 1,
        "new": 2,
        "language": "ar",
        "articles": [
            {
                "id": "art-1",
                "issue": "ports",
                "change": "changed",
                "moved": False,
                "segments": [
                    {"op": "equal", "text": ARABIC + " "},
                    {"op": "delete", "text": "وتشورنومورسك"},
                    {"op": "insert", "text": "ويوجني"},
                ],
            }
        ],
    }
    data = redline_pdf("Talks", redline)
    assert any("NotoNaskhArabic" in f for f in _fonts(data))
    assert "ports" in _text(data)
    assert "art-1" not in _text(data)
