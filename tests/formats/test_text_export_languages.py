"""Text exports write their headings in the language of the text exported (issue 11): the
words extracted back from the PDF and the DOCX are Ukrainian or Arabic, not English."""

from __future__ import annotations

import io
import re
import unicodedata

import docx
import pytest
from pypdf import PdfReader

from gobetween.formats.text_export import redline_docx, redline_pdf, version_docx, version_pdf
from gobetween.model.languages import language

UK_WORDING = "Судна відходять з портів Одеса і Чорноморськ."
AR_WORDING = "تغادر السفن من ميناءي أوديسا وتشورنومورسك."


def version(code: str, wording: str) -> dict[str, object]:
    return {
        "number": 2,
        "note": "",
        "articles": [
            {"id": "pre", "kind": "preamble", "issue": None, "wording": {code: "…"}},
            {"id": "art-1", "kind": "operative", "issue": "ports", "wording": {code: wording}},
            {"id": "fin", "kind": "final", "issue": None, "wording": {code: "…"}},
        ],
    }


def redline(code: str, wording: str) -> dict[str, object]:
    return {
        "old": 1,
        "new": 2,
        "language": code,
        "articles": [
            {
                "id": "art-1",
                "issue": "ports",
                "change": "added",
                "moved": True,
                "segments": [{"op": "insert", "text": wording}],
            }
        ],
    }


def _pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _arabic_words(text: str) -> list[str]:
    """Arabic words with the shaping undone (the PDF gives them in visual order)."""
    return re.findall(r"[\u0600-\u06ff]+", unicodedata.normalize("NFKC", text))


ENGLISH = ("version", "Article", "Preamble", "Final", "redline", "added", "moved")


@pytest.mark.parametrize("render", [version_pdf, version_docx])
def test_a_ukrainian_version_has_ukrainian_headings(render: object) -> None:
    assert callable(render)
    data = render("Чорноморські переговори", version("uk", UK_WORDING), "uk")
    text = _pdf_text(data) if data[:4] == b"%PDF" else _docx_text(data)
    words = language("uk")
    for expected in (
        words.label("text_version", title="Чорноморські переговори", number=2),
        "Стаття 1. ports",  # the issue's name is the users' own
        words.label("heading_preamble"),
        words.label("heading_final"),
        UK_WORDING,
    ):
        assert expected in text, (expected, text)
    assert not any(re.search(rf"\b{w}\b", text) for w in ENGLISH), text


@pytest.mark.parametrize("render", [redline_pdf, redline_docx])
def test_a_ukrainian_redline_has_ukrainian_headings(render: object) -> None:
    assert callable(render)
    data = render("Переговори", redline("uk", UK_WORDING))
    text = _pdf_text(data) if data[:4] == b"%PDF" else _docx_text(data)
    words = language("uk")
    assert words.label("text_redline", title="Переговори", old=1, new=2) in text
    assert f"ports ({words.label('added')}) ({words.label('moved')})" in text
    assert not any(re.search(rf"\b{w}\b", text) for w in ENGLISH), text


def test_an_arabic_version_and_redline_have_arabic_headings() -> None:
    words = language("ar")
    text = _arabic_words(_pdf_text(version_pdf("محادثات", version("ar", AR_WORDING), "ar")))
    for heading in (
        words.label("text_version", title="محادثات", number=2),
        words.article.format(number=1),
        words.label("heading_preamble"),
        words.label("heading_final"),
        AR_WORDING,
    ):
        for word in _arabic_words(heading):
            assert word in text, (word, heading)
    text = _arabic_words(_pdf_text(redline_pdf("محادثات", redline("ar", AR_WORDING))))
    heading = words.label("text_redline", title="محادثات", old=1, new=2)
    for word in _arabic_words(heading) + _arabic_words(words.label("moved")):
        assert word in text, word
    docx_text = _docx_text(version_docx("محادثات", version("ar", AR_WORDING), "ar"))
    assert words.label("text_version", title="محادثات", number=2) in docx_text


def _framed_redline(code: str) -> dict[str, object]:
    """A redline whose preamble and final clauses changed: their ids, ``preamble`` and
    ``final`` (as the drafting page names them), are no headings."""

    def framed(article_id: str, kind: str) -> dict[str, object]:
        return {
            "id": article_id,
            "kind": kind,
            "heading": {},
            "issue": None,
            "change": "changed",
            "moved": False,
            "segments": [{"op": "insert", "text": "…"}],
        }

    body = redline(code, UK_WORDING)
    articles = body["articles"]
    assert isinstance(articles, list)
    body["articles"] = [framed("preamble", "preamble"), *articles, framed("final", "final")]
    return body


@pytest.mark.parametrize("render", [redline_pdf, redline_docx])
@pytest.mark.parametrize("code", ["uk", "en"])
def test_a_redline_heads_the_preamble_and_final_clauses_in_words(render: object, code: str) -> None:
    """A tester's exported redline was headed "preamble" and "final", the articles' ids: they
    are headed as the pages and the version export head them, in the redline's language."""
    assert callable(render)
    data = render("Talks", _framed_redline(code))
    text = _pdf_text(data) if data[:4] == b"%PDF" else _docx_text(data)
    words = language(code)
    for heading in (words.label("heading_preamble"), words.label("heading_final")):
        assert heading in text, (heading, text)
    assert not re.search(r"\b(preamble|final)\b", text), text
