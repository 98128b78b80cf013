"""Render a mirror instrument as a Word document (DOCX, python-docx).

The document holds every language version of the instrument in turn (each after a page
break): title, terms hash, preamble, the agreed articles, the final "equally authentic" clause
and the signature block, the same words as the HTML, PDF and Akoma Ntoso renderings
(:func:`gobetween.formats.instrument_html.language_sections`). Each paragraph and run carries
its language (``w:lang``; ``w:bidi`` for Arabic, with right-to-left paragraphs and runs, so
Word lays Arabic out right to left and uses its complex-script settings), which spelling
checkers and screen readers follow.

The output is reproducible: the document's core properties (created, modified) are the terms'
effective date, and python-docx writes the parts in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from gobetween.agreements import Instrument, Signature
from gobetween.formats.instrument_html import LanguageSection, language_sections

__all__ = ["instrument_docx"]

_STAMP = dt.time(12, 0)


def _language(paragraph: Paragraph, section: LanguageSection) -> None:
    """Mark the paragraph and its runs with the section's language (and direction)."""
    ppr = paragraph._p.get_or_add_pPr()
    if section.rtl:
        ppr.append(OxmlElement("w:bidi"))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in paragraph.runs:
        rpr = run._r.get_or_add_rPr()
        if section.rtl:
            rpr.append(OxmlElement("w:rtl"))
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val" if not section.rtl else "w:bidi"), section.code)
        rpr.append(lang)


def _para(document: DocumentObject, section: LanguageSection, text: str) -> None:
    _language(document.add_paragraph(text), section)


def instrument_docx(instrument: Instrument, signatures: Iterable[Signature] = ()) -> bytes:
    """The instrument as DOCX bytes; given ``signatures`` are noted under their signatory.

    >>> from gobetween.agreements.examples import example_instrument
    >>> ua = example_instrument()
    >>> instrument_docx(ua)[:2]
    b'PK'
    """
    signed = {s.signer: s for s in signatures if s.instrument_party == instrument.party}
    sections = language_sections(instrument)
    terms_hash = instrument.terms.terms_hash()
    document = Document()
    stamp = dt.datetime.combine(instrument.terms.effective_date, _STAMP)
    props = document.core_properties
    props.title = sections[0].title
    props.subject = f"terms hash {terms_hash}"
    props.author = props.last_modified_by = "gobetween"
    props.created = props.modified = stamp
    props.language = sections[0].code
    for index, section in enumerate(sections):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        heading = document.add_heading(section.title, level=1)
        _language(heading, section)
        _para(document, section, f"{section.lang.label('terms_hash')}: {terms_hash}")
        for paragraph in section.preamble:
            _para(document, section, paragraph)
        for title, paragraphs in section.articles:
            _language(document.add_heading(title, level=2), section)
            for paragraph in paragraphs:
                _para(document, section, paragraph)
        if section.clause:
            _para(document, section, section.clause)
        for s in instrument.signatories:
            _para(document, section, section.signatory_line(s))
            signature = signed.get(s.organisation)
            if signature is not None:
                _para(
                    document, section, section.lang.label("signed", key=signature.key_fingerprint)
                )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
