"""A version of the single text as PDF for the archive (fpdf2, the DejaVu fonts of matplotlib).

The version is taken as the caller's view gives it (``TextVersion.to_dict()``): its articles with
headings, wording in each working language and any bracketed alternatives; a version from before
articles existed prints its clauses. The PDF is a reading copy for the archive; the JSON beside it
in the ZIP is the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from gobetween.formats.instrument_pdf import font_directory
from gobetween.formats.text_lines import break_lines, letter_widths
from gobetween.i18n import _

__all__ = ["text_version_pdf"]

_FAMILY = "DejaVu"


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    folder = font_directory()
    pdf.add_font(_FAMILY, "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font(_FAMILY, "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 20, 20)
    pdf.set_creator("gobetween")
    return pdf


def _line(pdf: FPDF, text: str, *, bold: bool = False, size: float = 10) -> None:
    """``text`` as lines of ``pdf``'s width, broken once, word by word (fpdf2's multi_cell()
    measured the whole line again at every character: 11 s for an archive's million)."""
    style = "B" if bold else ""
    measure = letter_widths(pdf, _FAMILY, size)
    for line in break_lines([(text, style)], measure, pdf.epw - 2 * pdf.c_margin):
        pdf.set_font(_FAMILY, style, size=size)
        printed = "".join(piece for piece, _style in line)
        pdf.cell(pdf.epw, 5.5, printed, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _first(values: Mapping[str, str] | None) -> str:
    return next(iter((values or {}).values()), "")


def _article(pdf: FPDF, number: int, article: Mapping[str, Any]) -> None:
    heading = _first(article.get("heading")) or str(article.get("issue") or "")
    title = _("Article %(number)s") % {"number": number}
    _line(pdf, f"{title}: {heading}" if heading else title, bold=True)
    for language, wording in sorted((article.get("wording") or {}).items()):
        _line(pdf, f"[{language}] {wording}")
    for i, alternative in enumerate(article.get("alternatives") or [], start=1):
        wording = alternative.get("wording") if isinstance(alternative, Mapping) else None
        shown = _first(wording) if isinstance(wording, Mapping) else str(alternative)
        _line(pdf, "[" + _("alternative %(number)s: %(text)s") % {"number": i, "text": shown} + "]")
    pdf.ln(2)


def text_version_pdf(version: Mapping[str, Any]) -> bytes:
    """Version ``version`` (a ``TextVersion.to_dict()``) as PDF bytes.

    >>> text_version_pdf({"number": 1, "clauses": {"ports": "Three ports."}})[:5]
    b'%PDF-'
    """
    pdf = _pdf()
    number = version.get("number")
    title = _("Single negotiating text, version %(number)s") % {"number": number}
    pdf.set_title(title)
    pdf.add_page()
    _line(pdf, title, bold=True, size=14)
    if version.get("published_at"):
        _line(pdf, _("Published %(time)s") % {"time": version["published_at"]}, size=9)
    if version.get("note"):
        _line(pdf, str(version["note"]), size=9)
    pdf.ln(3)
    articles = version.get("articles") or []
    for i, article in enumerate(articles, start=1):
        _article(pdf, i, article)
    if not articles:
        for issue, clause in (version.get("clauses") or {}).items():
            _line(pdf, str(issue), bold=True)
            _line(pdf, str(clause))
            pdf.ln(2)
    return bytes(pdf.output())
