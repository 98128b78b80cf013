"""Export of a text version (with its brackets) and of a redline between two versions, as DOCX
(diplomats edit in Word; python-docx) and PDF (fpdf2 with the DejaVu faces, so Cyrillic and
Turkish print as typed; a right-to-left language such as Arabic is set in Noto Naskh Arabic,
shaped by HarfBuzz and laid out right to left, as :mod:`~gobetween.formats.instrument_pdf` does).

Inputs are the JSON forms the service gives: a version's ``to_dict()`` (articles with wording
per language, bracketed alternatives) and a redline's ``to_dict()`` (segments ``equal``,
``insert``, ``delete`` per article). Insertions are underlined, deletions struck through, in
both formats. :func:`export_name` names the file after the process, the track and the version.
The PDF's lines are broken by :func:`~gobetween.formats.text_lines.break_lines`, each word
measured once, and printed a line at a time (fpdf2's own breaking measured the whole line again
at every character: a text of the body limit's size took 5-21 s, now 1.3-5.6 s CPU).
The headings ("version 2", "Article 3", "added", "moved", ...) are written in the language of
the text exported, as its instruments are (the labels of :mod:`gobetween.model.languages`);
the process, track and issue names are the users' own words and stay as written.

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

from gobetween.formats.instrument_pdf import arabic_font_directory, font_directory
from gobetween.formats.text_lines import Line, Piece, break_lines, letter_widths
from gobetween.model.languages import LANGUAGES, Language
from gobetween.model.languages import language as language_named

__all__ = ["export_name", "redline_docx", "redline_pdf", "version_docx", "version_pdf"]

_FAMILY = "DejaVu"
_RTL_FAMILY = "NotoNaskhArabic"
#: Styles as fpdf2's markdown markers: right-to-left paragraphs go through its markdown, the one
#: path on which it orders styled pieces right to left.
_ZWSP = "\u200b"
_SIZE = 11  # the body's font size (pt)
_LINE = 6  # the body's line height (mm)
_STYLE_MARKER = {"": "", "B": "**", "U": "--", "S": "~~"}


def export_name(process: str, track: str, what: str, extension: str) -> str:
    """A file name of the names' words, in their own script: ``<process>_<track>_<what>.<ext>``
    (the download sends it in UTF-8: :mod:`gobetween.service.api.downloads`).

    >>> export_name("Black Sea talks", "food corridor", "v1", "docx")
    'black-sea-talks_food-corridor_v1.docx'
    >>> export_name("Переговори", "Гуманітарний напрям", "redline-v1-v2", "pdf")
    'переговори_гуманітарний-напрям_redline-v1-v2.pdf'
    """

    def slug(text: str) -> str:
        words = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower())
        return words.strip("-") or "text"

    return f"{slug(process)}_{slug(track)}_{slug(what)}.{extension}"


def _first(wording: Mapping[str, str] | None, language: str) -> str:
    if not wording:
        return ""
    return wording.get(language) or next(iter(wording.values()))


def _words(language: str) -> Language:
    """The export's words in ``language`` (English for a language gobetween does not know)."""
    return LANGUAGES.get(language) or LANGUAGES["en"]


def _issue(article: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The article's issue as the export's language calls it (``names``: issue -> name, from
    the agenda), else as the text names it."""
    issue = str(article.get("issue") or "")
    return names.get(issue, issue)


def _heading(article: Mapping[str, Any], n: int, language: str, names: Mapping[str, str]) -> str:
    words = _words(language)
    kind = article.get("kind", "operative")
    if kind == "operative":
        numbered = words.article.format(number=n)
        return f"{numbered}. {_issue(article, names)}" if article.get("issue") else numbered
    heading = _first(article.get("heading"), language)
    return heading or words.label(f"heading_{kind}") if kind in ("preamble", "final") else heading


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


def _numbered(
    articles: Sequence[Mapping[str, Any]], language: str, names: Mapping[str, str]
) -> list[tuple[str, Mapping[str, Any]]]:
    out, n = [], 0
    for article in articles:
        if article.get("kind", "operative") == "operative":
            n += 1
        out.append((_heading(article, n, language, names), article))
    return out


def _version_title(title: str, version: Mapping[str, Any], language: str) -> str:
    return _words(language).label("text_version", title=title, number=version["number"])


def _redline_title(title: str, redline: Mapping[str, Any]) -> str:
    words = _words(str(redline.get("language", "en")))
    return words.label("text_redline", title=title, old=redline["old"], new=redline["new"])


def version_docx(title: str, version: Mapping[str, Any], language: str = "en") -> bytes:
    """A version of the text, articles in order, open articles with their [brackets]."""
    document = docx.Document()
    document.add_heading(_version_title(title, version, language), level=1)
    if version.get("note"):
        document.add_paragraph().add_run(str(version["note"])).italic = True
    names = version.get("issue_names", {})
    for heading, article in _numbered(version.get("articles", []), language, names):
        document.add_heading(heading, level=2)
        paragraph = document.add_paragraph()
        for text, bracket in _pieces(article, language):
            run = paragraph.add_run(text)
            run.bold = bracket
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _redline_heading(article: Mapping[str, Any], language: str, names: Mapping[str, str]) -> str:
    """An article of a redline as both formats name it, in the redline's language, as the
    pages do: its issue (as ``names`` calls it, else as the text does), else its heading, else
    its kind's (*Preamble*, *Final clauses*), its id only when it has none of these (the ids
    ``preamble`` and ``final`` were written as headings); then whether it was added, removed or
    moved."""
    words = _words(language)
    marks = [words.label(article["change"])] if article["change"] in ("added", "removed") else []
    if article.get("moved"):
        marks.append(words.label("moved"))
    kind = article.get("kind")
    named = (
        _issue(article, names)
        or _first(article.get("heading"), language)
        or (words.label(f"heading_{kind}") if kind in ("preamble", "final") else "")
        or str(article["id"])
    )
    return " ".join([named, *(f"({m})" for m in marks)])


def redline_docx(title: str, redline: Mapping[str, Any]) -> bytes:
    """A redline: insertions underlined, deletions struck through, moved articles marked."""
    document = docx.Document()
    document.add_heading(_redline_title(title, redline), 1)
    language = str(redline.get("language", "en"))
    names = redline.get("issue_names", {})
    for article in redline.get("articles", []):
        document.add_heading(_redline_heading(article, language, names), level=2)
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


class _TextPDF(FPDF):
    """A4 with the DejaVu faces; for a right-to-left language Noto Naskh Arabic first (DejaVu
    for the Latin words inside), shaped right to left and aligned to the right."""

    def __init__(self, title: str, language: str) -> None:
        super().__init__(format="A4")
        self.rtl = language_named(language).direction == "rtl" if language else False
        folder = font_directory()
        self.add_font(_FAMILY, "", str(folder / "DejaVuSans.ttf"))
        self.add_font(_FAMILY, "B", str(folder / "DejaVuSans-Bold.ttf"))
        self.family = _FAMILY
        if self.rtl:
            naskh = arabic_font_directory()
            self.add_font(_RTL_FAMILY, "", str(naskh / f"{_RTL_FAMILY}-Regular.ttf"))
            self.add_font(_RTL_FAMILY, "B", str(naskh / f"{_RTL_FAMILY}-Bold.ttf"))
            self.set_fallback_fonts([_FAMILY])
            self.set_text_shaping(
                use_shaping_engine=True, direction="rtl", script="arab", language="ara"
            )
            self.family = _RTL_FAMILY
        self._letters = letter_widths(self, _FAMILY, _SIZE)
        self.set_title(title)
        self.add_page()
        self.heading(title, 15, 8)
        self.ln(2)

    def measure(self, text: str, style: str) -> float:
        """The width of ``text`` printed in ``style`` at the body's size."""
        if self.rtl:  # shaped: the width of a word is not the sum of its letters' widths
            self.set_font(self.family, style, _SIZE)
            return self.get_string_width(text)
        return self._letters(text, style)

    def heading(self, text: str, size: float = 12, height: float = 7) -> None:
        """A bold line (or lines) in the page's direction."""
        self.set_font(self.family, "B", size)
        self.multi_cell(
            0, height, text, align="R" if self.rtl else "L", new_x="LMARGIN", new_y="NEXT"
        )


def _markdown(text: str, style: str = "") -> str:
    """``text`` as fpdf2 markdown that prints exactly as written, in ``style``.

    A zero-width space goes between two marker characters (``**``, ``--``, ...), after a
    backslash (fpdf2's escape), inside ``](`` (its link syntax) and on both sides of each
    style marker, so that nothing a party wrote reads as markup.
    """
    text = re.sub(r"([*_~\-])(?=\1)", "\\1" + _ZWSP, text)
    text = text.replace("\\", "\\" + _ZWSP).replace("](", "]" + _ZWSP + "(")
    marker = _STYLE_MARKER[style]
    return f"{_ZWSP}{marker}{_ZWSP}{text}{_ZWSP}{marker}{_ZWSP}" if marker and text else text


_LRM = "\u200e"  # LEFT-TO-RIGHT MARK: a strong left-to-right character, zero width


def _strong(text: str) -> str | None:
    """The direction of ``text``'s first strong character ("L" or "R"), if it has one."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return None


def _in_context(lines: Sequence[Line]) -> list[tuple[str, str]]:
    """The lines of one right-to-left paragraph, each with a left-to-right mark at an end
    whose neighbour across the break is left-to-right while the end itself is not strong.

    fpdf2 runs the bidirectional algorithm on each printed line alone, as if its ends met the
    paragraph's right-to-left direction; it ran on the whole paragraph before. So ``[2](b)``
    opening a line after a Latin word would have its brackets set right to left (mirrored);
    the mark gives each end the neighbour it has in the paragraph (UAX #9, rules W7 and N1).
    """
    texts = ["".join(text for text, _ in line) for line in lines]
    before: list[str | None] = []
    last = None
    for text in texts:
        before.append(last)
        last = _strong(text[::-1]) or last
    after: list[str | None] = []
    last = None
    for text in reversed(texts):
        after.append(last)
        last = _strong(text) or last
    after.reverse()
    return [
        (
            _LRM if text and before[i] == "L" and not _strong(text[0]) else "",
            _LRM if text and after[i] == "L" and not _strong(text[-1]) else "",
        )
        for i, text in enumerate(texts)
    ]


def _paragraphs(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """``pieces`` cut at their newlines (where the bidirectional algorithm starts again)."""
    out: list[list[Piece]] = [[]]
    for text, style in pieces:
        for k, part in enumerate(text.split("\n")):
            if k:
                out.append([])
            if part:
                out[-1].append((part, style))
    return out


def _write(pdf: _TextPDF, pieces: Sequence[Piece]) -> None:
    """Flowing text: each piece with its style ("", "B", "U" underlined, "S" struck through).

    The lines are broken here (:func:`~gobetween.formats.text_lines.break_lines`, each word
    measured once) and each is printed as one line: fpdf2's own breaking measures the line
    again at every character. A right-to-left line is one cell (of fpdf2's markdown when it
    holds more than one style: the one path on which fpdf2 orders styled pieces right to
    left); a left-to-right line is a cell per style, one after the other.
    """
    margin = pdf.c_margin
    if pdf.rtl:
        for paragraph in _paragraphs(pieces):
            lines = break_lines(paragraph, pdf.measure, pdf.epw - 2 * margin)
            for line, (first, last) in zip(lines, _in_context(lines), strict=True):
                _right_to_left(pdf, line, first, last)
        pdf.ln(2)
        return
    for line in break_lines(pieces, pdf.measure, pdf.epw - 2 * margin):
        if pdf.will_page_break(_LINE):
            pdf.add_page()
        pdf.set_x(pdf.l_margin + margin)  # where fpdf2's write() began a line
        pdf.c_margin = 0  # the cells of one line touch
        try:
            for text, style in line:
                pdf.set_font(_FAMILY, style, _SIZE)
                pdf.cell(pdf.measure(text, style), _LINE, text)
        finally:
            pdf.c_margin = margin
        pdf.ln(_LINE)
    pdf.ln(2)


def _right_to_left(pdf: _TextPDF, line: Line, first: str, last: str) -> None:
    """One right-to-left line between ``first`` and ``last`` (marks, :func:`_in_context`)."""
    if pdf.will_page_break(_LINE):
        pdf.add_page()
    if len(line) == 1:  # one style: no markup to read
        pdf.set_font(pdf.family, line[0][1], _SIZE)
        text = first + line[0][0] + last
        pdf.cell(0, _LINE, text, align="R", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font(pdf.family, "", _SIZE)
    marked = first + "".join(_markdown(text, style) for text, style in line) + last
    pdf.cell(0, _LINE, marked, align="R", markdown=True, new_x="LMARGIN", new_y="NEXT")


def version_pdf(title: str, version: Mapping[str, Any], language: str = "en") -> bytes:
    """The version as a PDF, brackets in bold."""
    pdf = _TextPDF(_version_title(title, version, language), language)
    if version.get("note"):
        _write(pdf, [(str(version["note"]), "")])
    names = version.get("issue_names", {})
    for heading, article in _numbered(version.get("articles", []), language, names):
        pdf.heading(heading)
        _write(
            pdf, [(text, "B" if bracket else "") for text, bracket in _pieces(article, language)]
        )
    return bytes(pdf.output())


def redline_pdf(title: str, redline: Mapping[str, Any]) -> bytes:
    """The redline as a PDF: insertions underlined, deletions struck through."""
    language = str(redline.get("language", "en"))
    pdf = _TextPDF(_redline_title(title, redline), language)
    styles = {"equal": "", "insert": "U", "delete": "S"}
    names = redline.get("issue_names", {})
    for article in redline.get("articles", []):
        pdf.heading(_redline_heading(article, language, names))
        _write(pdf, [(s["text"], styles[s["op"]]) for s in article.get("segments", [])])
    return bytes(pdf.output())
