"""The demo's signed Black Sea Grain Initiative carries its four working languages as equally
authentic texts, signed and verifying (issue 12)."""

from __future__ import annotations

from tests.web.site import Site

from gobetween.agreements import Bundle, verify_bundle
from gobetween.formats.instrument_html import instrument_html
from gobetween.model.languages import equally_authentic_clause
from gobetween.service.demo_agreement import PACKAGE, SIGNED_AT, build_agreement_demo
from gobetween.service.demo_languages import INITIATIVE_LANGUAGES, INITIATIVE_WORDING


def test_the_demo_agreement_is_signed_in_english_ukrainian_russian_and_turkish(site: Site) -> None:
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    un = site.client("un")
    data = un.get(f"/api/agreements/{aid}/bundle").content
    report = verify_bundle(data)
    assert report.ok, report.findings
    bundle = Bundle.from_bytes(data)
    terms = bundle.instruments[0].terms
    assert terms.languages == INITIATIVE_LANGUAGES == ("en", "uk", "ru", "tr")
    for version in terms.versions:
        wording = [article.text for article in version.articles]
        expected = [INITIATIVE_WORDING[i][o][version.language] for i, o in PACKAGE.items()]
        assert wording == expected
    for instrument in bundle.instruments:
        for code in INITIATIVE_LANGUAGES:
            assert instrument.text(code)  # title and preamble in every language
    page = instrument_html(bundle.instruments[0])
    for code in INITIATIVE_LANGUAGES:  # each text ends saying all four are equally authentic
        assert equally_authentic_clause(code, INITIATIVE_LANGUAGES, SIGNED_AT.date()) in page
    signed = {(s.instrument_party, s.signer) for s in bundle.signatures}
    assert len(signed) == 6  # two instruments, each signed by its party and both mediators
    docx = un.get(f"/api/agreements/{aid}/instruments/1/docx")
    assert docx.status_code == 200


def test_the_energy_moratorium_adds_arabic_for_qatar(site: Site) -> None:
    from gobetween.service.demo_languages import (
        ENERGY_AGREEMENT_LANGUAGES,
        ENERGY_AGREEMENT_WORDING,
    )
    from gobetween.service.demo_records import ENERGY, build_records_demo

    with site.services.db.unit_of_work() as session:
        aid = build_records_demo(session)[ENERGY]
    data = site.client("qatar").get(f"/api/agreements/{aid}/bundle").content
    report = verify_bundle(data)
    assert report.ok, report.findings
    terms = Bundle.from_bytes(data).instruments[0].terms
    assert terms.languages == ENERGY_AGREEMENT_LANGUAGES == ("en", "uk", "ru", "ar")
    (arabic,) = [v for v in terms.versions if v.language == "ar"]
    assert [a.text for a in arabic.articles] == [
        ENERGY_AGREEMENT_WORDING["scope"]["all energy"]["ar"],
        ENERGY_AGREEMENT_WORDING["term"]["30"]["ar"],
    ]
    # the lifecycle is read from the English wording: renewed by consent, 30 days
    assert terms.term_days == 30
    assert terms.renewal.rule.value == "by_consent"
    assert terms.clauses["term"] == ENERGY_AGREEMENT_WORDING["term"]["30"]["en"]


def test_a_delegation_reads_the_operative_terms_in_its_own_language(site: Site) -> None:
    """The agreement page's table of operative terms was in English for a delegation reading
    in Russian (found walking the demo), though the agreement is signed in Russian too: each
    row now names the issue and the agreed option as the agenda names them in Russian, and
    quotes the clause as the signed Russian version words it."""
    from bs4 import BeautifulSoup

    from gobetween.service.demo_languages import INITIATIVE_NAMES

    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    page = BeautifulSoup(russia.get(f"/agreements/{aid}").text, "html.parser")
    rows = {str(tr["data-issue"]): tr for tr in page.select("#terms tbody tr")}
    assert list(rows) == list(PACKAGE)
    for issue, option in PACKAGE.items():
        name, agreed, clause = (c.get_text(strip=True) for c in rows[issue].select("th, td"))
        assert name == INITIATIVE_NAMES[issue]["names"]["ru"]
        options = INITIATIVE_NAMES[issue].get("options", {})
        assert agreed == options.get(option, {}).get("ru", option)
        assert clause == INITIATIVE_WORDING[issue][option]["ru"]


def test_the_records_demos_agreements_read_in_their_languages(site: Site) -> None:
    """Walking the demo in Russian found the moratorium's agenda in English ("scope", "power
    generation", "term") and the prisoner-return arrangement signed in English alone: both now
    name their issues and options in their working languages, and the returns are signed in
    English, Ukrainian and Russian, each text worded from the demo's clauses."""
    from bs4 import BeautifulSoup

    from gobetween.service.demo_languages import (
        RETURNS_AGREEMENT_LANGUAGES,
        RETURNS_AGREEMENT_WORDING,
    )
    from gobetween.service.demo_records import ENERGY, RETURNS, build_records_demo

    with site.services.db.unit_of_work() as session:
        made = build_records_demo(session)
    uae = site.client("uae")
    data = uae.get(f"/api/agreements/{made[RETURNS]}/bundle").content
    assert verify_bundle(data).ok
    terms = Bundle.from_bytes(data).instruments[0].terms
    assert terms.languages == RETURNS_AGREEMENT_LANGUAGES == ("en", "uk", "ru")
    package = {"exchange": "one for one", "verification": "ICRC", "term": "120"}
    for version in terms.versions:
        assert [a.text for a in version.articles] == [
            RETURNS_AGREEMENT_WORDING[i][o][version.language] for i, o in package.items()
        ]
    assert terms.term_days == 120
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    for name, issue, option, called, option_called in (
        (ENERGY, "scope", "all energy", "сфера действия", "вся энергетическая инфраструктура"),
        (RETURNS, "verification", "ICRC", "проверка", "МККК"),
    ):
        page = BeautifulSoup(russia.get(f"/agreements/{made[name]}").text, "html.parser")
        row = page.select_one(f"#terms tbody tr[data-issue='{issue}']")
        assert row is not None, name
        words = row.get_text(" ", strip=True)
        assert called in words, (name, words)
        assert option_called in words, (name, words)
        assert option not in words, (name, words)
