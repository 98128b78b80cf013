"""Render a mirror instrument as PDF with fpdf2 (pure Python, no system packages).

Latin, Cyrillic and Turkish text is set in DejaVu Sans, a Unicode TrueType font embedded in the
PDF (subset); the font files come from a PyPI package already required by gobetween: matplotlib
ships the DejaVu family (Bitstream Vera licence) in ``mpl-data/fonts/ttf``, located on disk
without importing matplotlib. Arabic is set in Noto Naskh Arabic (SIL Open Font Licence,
vendored in ``gobetween/formats/fonts`` with its licence), shaped by HarfBuzz (fpdf2's text
shaping with ``uharfbuzz``: joined letter forms, ligatures) and laid out right to left, aligned
to the right; Latin words inside Arabic text fall back to DejaVu Sans.

An instrument in several working languages prints each language version in turn, each starting
on a new page, with its own title, preamble, articles, final "equally authentic" clause and
signature block (see :func:`gobetween.formats.instrument_html.language_sections`). Every page
carries the terms hash in its header and the page number in its footer, in the language of that
page.

The output is reproducible: the PDF's creation date is the terms' effective date, so the same
instrument always gives the same bytes. Text the fonts cannot draw (Chinese, Japanese, Korean,
for example) is refused with :class:`~gobetween.errors.AgreementError` naming the characters,
rather than printed as gaps in a legal text.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import unicodedata
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # no type information
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from gobetween.agreements import Instrument, Signature
from gobetween.errors import N_, AgreementError, ConfigurationError
from gobetween.formats.instrument_html import LanguageSection, language_sections

__all__ = ["arabic_font_directory", "font_directory", "instrument_pdf"]

_FAMILY = "DejaVu"
_ARABIC = "NotoNaskhArabic"


def font_directory() -> Path:
    """The folder holding DejaVuSans.ttf (matplotlib's bundled fonts).

    >>> (font_directory() / "DejaVuSans.ttf").is_file()
    True
    """
    spec = importlib.util.find_spec("matplotlib")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "mpl-data" / "fonts" / "ttf"
        if (folder / "DejaVuSans.ttf").is_file():
            return folder
    raise ConfigurationError(
        "the DejaVu fonts for PDF rendering were not found: matplotlib (a dependency of "
        "gobetween) is missing or incomplete; reinstall gobetween"
    )


def arabic_font_directory() -> Path:
    """The folder of the vendored Noto Naskh Arabic faces (and their licence, OFL.txt).

    >>> sorted(p.name for p in arabic_font_directory().glob("*.ttf"))
    ['NotoNaskhArabic-Bold.ttf', 'NotoNaskhArabic-Regular.ttf']
    """
    folder = Path(str(resources.files("gobetween.formats") / "fonts"))
    if not (folder / f"{_ARABIC}-Regular.ttf").is_file():
        raise ConfigurationError(
            "the Arabic font for PDF rendering (gobetween/formats/fonts) is missing; "
            "reinstall gobetween"
        )
    return folder


def _cmap(path: Path) -> set[int]:
    with TTFont(str(path), lazy=True) as font:
        return set(font.getBestCmap())


@functools.cache
def _covered(arabic: bool) -> frozenset[int]:
    """Code points that the text faces can draw (regular and bold alike); for an Arabic page,
    those of Noto Naskh Arabic or, falling back, of DejaVu Sans."""
    folder = font_directory()
    dejavu = set.intersection(
        *(_cmap(folder / f) for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
    )
    if not arabic:
        return frozenset(dejavu)
    naskh = arabic_font_directory()
    faces = (f"{_ARABIC}-Regular.ttf", f"{_ARABIC}-Bold.ttf")
    return frozenset(dejavu | set.intersection(*(_cmap(naskh / f) for f in faces)))


def _check_glyphs(instrument: Instrument, sections: list[LanguageSection]) -> None:
    """Refuse text the embedded fonts cannot draw, rather than print an instrument with gaps."""
    missing: set[str] = set()
    for section in sections:
        texts = [section.title, section.clause, *section.preamble, instrument.party]
        texts += [h + "".join(p) for h, p in section.articles]
        texts += [section.signatory_line(s) for s in instrument.signatories]
        covered = _covered(section.rtl)
        missing |= {c for text in texts for c in text if ord(c) not in covered and not c.isspace()}
    if missing:
        chars = sorted(missing)
        shown = ", ".join(f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, '?')})" for c in chars[:5])
        raise AgreementError(
            N_(
                "the PDF fonts (DejaVu Sans, Noto Naskh Arabic) have no glyph for %(shown)s and "
                "%(more)s more; render this instrument as HTML or Akoma Ntoso instead"
            )
            if len(chars) > 5
            else N_(
                "the PDF fonts (DejaVu Sans, Noto Naskh Arabic) have no glyph for %(shown)s; "
                "render this instrument as HTML or Akoma Ntoso instead"
            ),
            params={"shown": shown, "more": len(chars) - 5},
        )


class _InstrumentPDF(FPDF):
    def __init__(self, terms_hash: str, party: str, arabic: bool) -> None:
        super().__init__(format="A4")
        self.terms_hash = terms_hash
        self.party = party
        folder = font_directory()
        self.add_font(_FAMILY, "", str(folder / "DejaVuSans.ttf"))
        self.add_font(_FAMILY, "B", str(folder / "DejaVuSans-Bold.ttf"))
        self.add_font(_FAMILY + "Mono", "", str(folder / "DejaVuSansMono.ttf"))
        if arabic:
            naskh = arabic_font_directory()
            self.add_font(_ARABIC, "", str(naskh / f"{_ARABIC}-Regular.ttf"))
            self.add_font(_ARABIC, "B", str(naskh / f"{_ARABIC}-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(20, 22, 20)
        self.section: LanguageSection | None = None  # the language being printed
        self.page_section: LanguageSection | None = None  # the language of the current page

    def use(self, section: LanguageSection, style: str = "", size: float = 10.5) -> None:
        """Set the face (and, for Arabic, shaping right to left) of ``section``'s language."""
        if section.rtl:
            self.set_font(_ARABIC, style, size + 1)
            self.set_fallback_fonts([_FAMILY])
            self.set_text_shaping(
                use_shaping_engine=True, direction="rtl", script="arab", language="ara"
            )
        else:
            self.set_font(_FAMILY, style, size)
            self.set_fallback_fonts([])
            self.set_text_shaping(False)

    @property
    def align(self) -> str:
        """Paragraph alignment on the current page: right for a right-to-left language."""
        return "R" if self.section is not None and self.section.rtl else "L"

    def header(self) -> None:
        self.page_section = self.section
        self.set_y(8)
        self.set_text_color(80, 80, 80)
        if self.section is None:
            return
        self.use(self.section, size=7)
        label = self.section.lang.label("terms_hash")
        self.cell(0, 4, f"{label}: {self.terms_hash}", align="C")
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self) -> None:
        section = self.page_section
        if section is None:
            return
        self.set_y(-14)
        self.use(section, size=7)
        self.set_text_color(80, 80, 80)
        text = section.lang.label("page", party=self.party, page=self.page_no(), pages="{nb}")
        self.cell(0, 4, text, align="C")
        self.set_text_color(0, 0, 0)


def instrument_pdf(instrument: Instrument, signatures: Iterable[Signature] = ()) -> bytes:
    """The instrument as PDF bytes; given ``signatures`` are noted under their signatory.

    >>> from gobetween.agreements.examples import example_instrument
    >>> ua = example_instrument()
    >>> instrument_pdf(ua)[:5]
    b'%PDF-'
    """
    sections = language_sections(instrument)
    _check_glyphs(instrument, sections)
    signatures = list(signatures)
    terms_hash = instrument.terms.terms_hash()
    pdf = _InstrumentPDF(terms_hash, instrument.party, any(s.rtl for s in sections))
    pdf.set_title(sections[0].title)
    pdf.set_subject(f"terms hash {terms_hash}")
    pdf.set_creator("gobetween")
    if len(sections) > 1:
        pdf.set_lang(sections[0].code)
    effective = instrument.terms.effective_date
    pdf.set_creation_date(dt.datetime.combine(effective, dt.time(), dt.UTC))
    for section in sections:
        pdf.section = section
        pdf.add_page()
        _section(pdf, section, instrument, signatures)
    return bytes(pdf.output())


def _section(
    pdf: _InstrumentPDF,
    section: LanguageSection,
    instrument: Instrument,
    signatures: list[Signature],
) -> None:
    """One language version: title, preamble, articles, final clause, signature block."""
    width = pdf.epw
    pdf.use(section, "B", 15)
    pdf.multi_cell(width, 8, section.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.use(section)
    for paragraph in section.preamble:
        pdf.multi_cell(width, 5.5, paragraph, align=pdf.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    for heading, paragraphs in section.articles:
        pdf.ln(2)
        pdf.use(section, "B", 11)
        pdf.multi_cell(width, 6, heading, align=pdf.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.use(section)
        for paragraph in paragraphs:
            pdf.multi_cell(
                width, 5.5, paragraph, align=pdf.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.ln(1)
    if section.clause:
        pdf.ln(4)
        pdf.multi_cell(
            width, 5.5, section.clause, align=pdf.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    _signature_block(pdf, section, instrument, signatures)


def _signature_block(
    pdf: _InstrumentPDF,
    section: LanguageSection,
    instrument: Instrument,
    signatures: Iterable[Signature],
) -> None:
    signed = {s.signer: s for s in signatures if s.instrument_party == instrument.party}
    pdf.ln(6)
    for s in instrument.signatories:
        if pdf.will_page_break(24):
            pdf.add_page()
        pdf.ln(10)
        pdf.use(section)
        pdf.cell(0, 0, "", border="T")
        pdf.ln(1.5)
        pdf.multi_cell(
            pdf.epw,
            5.5,
            section.signatory_line(s),
            align=pdf.align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        signature = signed.get(s.organisation)
        if signature is not None:
            if section.rtl:
                pdf.use(section, size=6.5)
            else:
                pdf.set_font(_FAMILY + "Mono", size=7.5)
            signed_with = section.lang.label("signed", key=signature.key_fingerprint)
            pdf.multi_cell(
                pdf.epw,
                4,
                signed_with[:1].upper() + signed_with[1:],
                align=pdf.align,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
