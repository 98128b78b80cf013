"""Export of a text version (with its brackets) and of a redline between two versions, as DOCX
(diplomats edit in Word; python-docx) and PDF (fpdf2 with the DejaVu faces, so Cyrillic and
Turkish print as typed).

Inputs are the JSON forms the service gives: a version's ``to_dict()`` (articles with wording
per language, bracketed alternatives) and a redline's ``to_dict()`` (segments ``equal``,
``insert``, ``delete`` per article). Insertions are underlined, deletions struck through, in
both formats. :func:`export_name` names the file after the process, the track and the version.

>>> export_name("Black Sea talks", "food corridor", "v2", "docx")
'black-sea-talks_food-corridor_v2.docx'
>>> version_docx("Food corridor", {"number": 1, "note": "", "articles": [
...     {"id": "a", "kind": "operative", "issue": "ports", "option": None, "wording": {},
...      "alternatives": [{"option": "x", "wording": {"en": "One port."}},
...                       {"option": "y", "wording": {"en": "Three ports."}}]}]})[:2]
b'PK'
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import docx
from docx.shared import Pt
from fpdf import FPDF

from gobetween.formats.instrument_pdf import font_directory

__all__ = ["export_name", "redline_docx", "redline_pdf", "version_docx", "version_pdf"]

_FAMILY = "DejaVu"


def export_name(process: str, track: str, what: str, extension: str) -> str:
    """A file name of ASCII words: ``<process>_<track>_<what>.<extension>``."""

    def slug(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "text"

    return f"{slug(process)}_{slug(track)}_{slug(what)}.{extension}"


def _first(wording: Mapping[str, str] | None, language: str) -> str:
    if not wording:
        return ""
    return wording.get(language) or next(iter(wording.values()))


def _heading(article: Mapping[str, Any], n: int) -> str:
    label = article.get("issue") or article.get("kind", "")
    return f"{n}. {label}" if article.get("kind") == "operative" else str(label).capitalize()


def _pieces(article: Mapping[str, Any], language: str) -> list[tuple[str, bool]]:
    """The article's text as (text, is_bracket) pieces: brackets in bold."""
    alternatives = article.get("alternatives") or []
    if not alternatives:
        return [(_first(article.get("wording"), language), False)]
    out: list[tuple[str, bool]] = []
    for k, alt in enumerate(alternatives):
        if k:
            out.append((" ", False))
        out += [("[", True), (_first(alt.get("wording"), language), False), ("]", True)]
    return out


def _numbered(articles: Sequence[Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    out, n = [], 0
    for article in articles:
        if article.get("kind", "operative") == "operative":
            n += 1
        out.append((_heading(article, n), article))
    return out


def version_docx(title: str, version: Mapping[str, Any], language: str = "en") -> bytes:
    """A version of the text, articles in order, open articles with their [brackets]."""
    document = docx.Document()
    document.add_heading(f"{title} — version {version['number']}", level=1)
    if version.get("note"):
        document.add_paragraph().add_run(str(version["note"])).italic = True
    for heading, article in _numbered(version.get("articles", [])):
        document.add_heading(heading, level=2)
        paragraph = document.add_paragraph()
        for text, bracket in _pieces(article, language):
            run = paragraph.add_run(text)
            run.bold = bracket
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def redline_docx(title: str, redline: Mapping[str, Any]) -> bytes:
    """A redline: insertions underlined, deletions struck through, moved articles marked."""
    document = docx.Document()
    document.add_heading(f"{title} — redline of version {redline['old']} to {redline['new']}", 1)
    for article in redline.get("articles", []):
        mark = {"added": " (added)", "removed": " (removed)"}.get(article["change"], "")
        moved = " (moved)" if article.get("moved") else ""
        name = article.get("issue") or article["id"]
        document.add_heading(f"{name}{mark}{moved}", level=2)
        paragraph = document.add_paragraph()
        for segment in article.get("segments", []):
            run = paragraph.add_run(segment["text"])
            run.underline = segment["op"] == "insert"
            run.font.strike = segment["op"] == "delete"
            if segment["op"] != "equal":
                run.font.size = Pt(11)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    folder = font_directory()
    pdf.add_font(_FAMILY, "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font(_FAMILY, "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font(_FAMILY, "B", 15)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    return pdf


def _write(pdf: FPDF, pieces: Sequence[tuple[str, str]]) -> None:
    """Flowing text: each piece with its style ("", "B", "U" underlined, "S" struck through)."""
    for text, style in pieces:
        pdf.set_font(_FAMILY, style, 11)
        pdf.write(6, text)
    pdf.ln(8)


def version_pdf(title: str, version: Mapping[str, Any], language: str = "en") -> bytes:
    """The version as a PDF, brackets in bold."""
    pdf = _pdf(f"{title} — version {version['number']}")
    if version.get("note"):
        _write(pdf, [(str(version["note"]), "")])
    for heading, article in _numbered(version.get("articles", [])):
        pdf.set_font(_FAMILY, "B", 12)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        _write(
            pdf, [(text, "B" if bracket else "") for text, bracket in _pieces(article, language)]
        )
    return bytes(pdf.output())


def redline_pdf(title: str, redline: Mapping[str, Any]) -> bytes:
    """The redline as a PDF: insertions underlined, deletions struck through."""
    pdf = _pdf(f"{title} — redline of version {redline['old']} to {redline['new']}")
    styles = {"equal": "", "insert": "U", "delete": "S"}
    for article in redline.get("articles", []):
        mark = {"added": " (added)", "removed": " (removed)"}.get(article["change"], "")
        pdf.set_font(_FAMILY, "B", 12)
        pdf.multi_cell(
            0,
            7,
            f"{article['id']}{mark}{' (moved)' if article.get('moved') else ''}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        _write(pdf, [(s["text"], styles[s["op"]]) for s in article.get("segments", [])])
    return bytes(pdf.output())
