"""Render a mirror instrument as PDF with fpdf2 (pure Python, no system packages).

The text is set in DejaVu Sans, a Unicode TrueType font embedded in the PDF (subset), so that
names such as "Türkiye" render. The font files come from a PyPI package already required by
gobetween: matplotlib ships the DejaVu family (Bitstream Vera licence) in ``mpl-data/fonts/ttf``;
it is located on disk without importing matplotlib. Every page carries the terms hash in its
header and the page number in its footer.

The output is reproducible: the PDF's creation date is the terms' effective date, so the same
instrument always gives the same bytes. Text the font cannot draw (DejaVu covers Latin, Greek,
Cyrillic, Armenian, Georgian, Hebrew and basic Arabic, but not Chinese, Japanese or Korean) is
refused with :class:`~gobetween.errors.AgreementError` naming the characters, rather than printed
as gaps in a legal text.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # no type information
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from gobetween.agreements import Instrument, Signature
from gobetween.errors import AgreementError, ConfigurationError
from gobetween.formats.instrument_html import operative_articles

__all__ = ["font_directory", "instrument_pdf"]

_FAMILY = "DejaVu"


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


@functools.cache
def _covered() -> frozenset[int]:
    """Code points that both DejaVu Sans faces used for text can draw."""
    folder = font_directory()
    faces = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    maps = []
    for face in faces:
        with TTFont(str(folder / face), lazy=True) as font:
            maps.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*maps))


def _check_glyphs(instrument: Instrument) -> None:
    """Refuse text the embedded font cannot draw, rather than print an instrument with gaps."""
    texts = [instrument.title, instrument.preamble, instrument.party]
    texts += [s.organisation + s.signs_as for s in instrument.signatories]
    texts += [f"{k}{v}" for k, v in instrument.terms.options.items()]
    texts += list(instrument.terms.clauses.values()) + [
        link.title for link in instrument.terms.links
    ]
    covered = _covered()
    missing = sorted(
        {c for text in texts for c in text if ord(c) not in covered and not c.isspace()}
    )
    if missing:
        shown = ", ".join(f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, '?')})" for c in missing[:5])
        raise AgreementError(
            f"the PDF font (DejaVu Sans) has no glyph for {shown}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            + "; render this instrument as HTML or Akoma Ntoso instead"
        )


class _InstrumentPDF(FPDF):
    def __init__(self, terms_hash: str, party: str) -> None:
        super().__init__(format="A4")
        self.terms_hash = terms_hash
        self.party = party
        folder = font_directory()
        self.add_font(_FAMILY, "", str(folder / "DejaVuSans.ttf"))
        self.add_font(_FAMILY, "B", str(folder / "DejaVuSans-Bold.ttf"))
        self.add_font(_FAMILY + "Mono", "", str(folder / "DejaVuSansMono.ttf"))
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(20, 22, 20)

    def header(self) -> None:
        self.set_y(8)
        self.set_font(_FAMILY + "Mono", size=7)
        self.set_text_color(80, 80, 80)
        self.cell(0, 4, f"Terms hash (SHA-256): {self.terms_hash}", align="C")
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(_FAMILY, size=7)
        self.set_text_color(80, 80, 80)
        self.cell(0, 4, f"Instrument of {self.party} - page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def instrument_pdf(instrument: Instrument, signatures: Iterable[Signature] = ()) -> bytes:
    """The instrument as PDF bytes; given ``signatures`` are noted under their signatory.

    >>> import datetime as dt
    >>> from gobetween.agreements import (OperativeTerms, Renewal, RenewalRule, Signatory,
    ...     mirror_instruments)
    >>> from gobetween.model import OrganisationKind as K
    >>> terms = OperativeTerms("corridor", {"ports": "three"}, {"ports": "Three ports."}, 120,
    ...                        Renewal(RenewalRule.NONE), dt.date(2022, 7, 22))
    >>> (ua,) = mirror_instruments(terms, [Signatory("Ukraine", K.PARTY)],
    ...                            [Signatory("Türkiye", K.MEDIATOR)])
    >>> instrument_pdf(ua)[:5]
    b'%PDF-'
    """
    _check_glyphs(instrument)
    terms_hash = instrument.terms.terms_hash()
    pdf = _InstrumentPDF(terms_hash, instrument.party)
    pdf.set_title(instrument.title)
    pdf.set_subject(f"terms hash {terms_hash}")
    pdf.set_creator("gobetween")
    effective = instrument.terms.effective_date
    pdf.set_creation_date(dt.datetime.combine(effective, dt.time(), dt.UTC))
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(_FAMILY, "B", 15)
    pdf.multi_cell(width, 8, instrument.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(_FAMILY, size=10.5)
    for paragraph in instrument.preamble.split("\n\n"):
        pdf.multi_cell(width, 5.5, paragraph.strip(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    for number, (heading, paragraphs) in enumerate(operative_articles(instrument), start=1):
        pdf.ln(2)
        pdf.set_font(_FAMILY, "B", 11)
        pdf.multi_cell(
            width, 6, f"Article {number}. {heading}", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_font(_FAMILY, size=10.5)
        for paragraph in paragraphs:
            pdf.multi_cell(width, 5.5, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
    _signature_block(pdf, instrument, signatures)
    return bytes(pdf.output())


def _signature_block(pdf: FPDF, instrument: Instrument, signatures: Iterable[Signature]) -> None:
    signed = {s.signer: s for s in signatures if s.instrument_party == instrument.party}
    pdf.ln(6)
    for s in instrument.signatories:
        if pdf.will_page_break(24):
            pdf.add_page()
        pdf.ln(10)
        pdf.set_font(_FAMILY, size=10.5)
        pdf.cell(0, 0, "", border="T")
        pdf.ln(1.5)
        role = s.signs_as or str(s.kind)
        pdf.multi_cell(
            pdf.epw, 5.5, f"For {s.organisation} ({role})", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        signature = signed.get(s.organisation)
        if signature is not None:
            pdf.set_font(_FAMILY + "Mono", size=7.5)
            pdf.multi_cell(
                pdf.epw,
                4,
                f"Signed with Ed25519 key {signature.key_fingerprint}",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
