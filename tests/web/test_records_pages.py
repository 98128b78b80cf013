"""The implementation pages of the illustrative energy and prisoner-return agreements,
structurally: no voyage vocabulary where the record keeps no voyages, caveats beside every
figure, names lists only for the mediators and the party concerned, and what is published."""

from __future__ import annotations

import pytest
from tests.web.site import Site, soup, unlabelled_controls

from gobetween.service.demo_agreement import PACKAGE, build_agreement_demo
from gobetween.service.demo_languages import (
    INITIATIVE_LANGUAGES,
    INITIATIVE_NAMES,
    INITIATIVE_WORDING,
)
from gobetween.service.demo_records import ENERGY, RETURNS, build_records_demo

VOYAGE_WORDS = ("voyage", "departure plan", "inspection team")


@pytest.fixture
def ids(site: Site) -> dict[str, int]:
    with site.services.db.unit_of_work() as session:
        return build_records_demo(session)


def test_records_without_voyages_speak_their_own_words(site: Site, ids: dict[str, int]) -> None:
    for seat in ("qatar", "ukraine"):
        page = soup(site.client(seat).get(f"/agreements/{ids[ENERGY]}/implementation"))
        words = page.select_one("main").get_text().lower()  # type: ignore[union-attr]
        assert not [w for w in VOYAGE_WORDS if w in words], seat
        assert page.select("#event-form, #import-form") == []
        assert page.select("#kind-incidents")
        assert unlabelled_controls(page) == []
    with site.services.db.unit_of_work() as session:
        corridor = build_agreement_demo(session)
    page = soup(site.client("un").get(f"/agreements/{corridor}/implementation"))
    assert page.select("#event-form")
    assert page.select("#import-form")
    obligation = page.select_one(".obligation .caveat")
    assert obligation is not None
    assert "outbound inspections only" in obligation.get_text()
    # the obligation belongs to the provision it comes from, whose level is assessed
    provision = page.select_one(".obligation [data-provision='art-3']")
    assert provision is not None
    assert provision.get_text() == "Article 3"  # named as the provisions table names it
    levels = {
        tr["data-key"]: tr.select_one(".level")["data-level"]
        for tr in page.select("#provisions-table tr[data-key]")
    }  # type: ignore[index]
    assert levels == {
        "art-1": "complete",
        "art-2": "complete",
        "art-3": "minimal",
        "art-4": "complete",
    }


def test_every_figure_has_its_caveat_and_names_lists_stay_private(
    site: Site, ids: dict[str, int]
) -> None:
    url = f"/agreements/{ids[RETURNS]}/implementation"
    ukraine = soup(site.client("ukraine").get(url))
    figures = ukraine.select("#kind-exchanges figure.figure-table")
    assert len(figures) == 2
    assert all(f.select_one(".caveat").get_text().strip() for f in figures)  # type: ignore[union-attr]
    lists = [td.get_text() for td in ukraine.select("td[data-field='names_list']")]
    assert "list UA-0921 (illustrative)" in lists
    assert "list RU-0921 (illustrative)" not in lists
    assert ukraine.select_one("#provisions figure svg") is not None  # the barometer
    public = soup(site.client().get(f"/public{url}"))
    text = public.get_text()
    assert "list UA-0921" not in text
    assert "Names list" not in text
    scopes = [li["data-scope"] for li in public.select("#published-list li")]
    assert scopes == ["figures:exchanges", "provisions"]
    assert public.select("#entries-exchanges tr[data-key]")
    assert public.select("#propose-form, .approve-publication, .import-kind") == []
    energy = soup(site.client().get(f"/public/agreements/{ids[ENERGY]}/implementation"))
    rows = energy.select("#entries-incidents tr[data-key]")
    assert len(rows) == 1  # the published incident only, not the pending one
    assert "Illustrative allegation" not in energy.get_text()


def test_every_declared_word_is_marked_for_translation() -> None:
    from gobetween.monitoring.figures import VOYAGE_CAVEATS
    from gobetween.monitoring.kinds import REGISTRY
    from gobetween.monitoring.obligations import VOYAGE_FILE_CAVEATS
    from gobetween.monitoring.provisions import BAROMETER_CAVEAT
    from gobetween.web.record_words import WORDS

    declared = {BAROMETER_CAVEAT, *VOYAGE_CAVEATS.values(), *VOYAGE_FILE_CAVEATS.values()}
    for kind in REGISTRY.values():
        declared |= {kind.label, kind.description}
        declared |= {f.label for f in kind.fields}
        declared |= {w for spec in kind.figures for w in (spec.title, spec.caveat)}
    assert sorted(declared - set(WORDS)) == []


def test_figure_columns_units_and_vocabularies_are_in_the_readers_language(
    site: Site, ids: dict[str, int]
) -> None:
    """No English left in a translated record: a figure's columns, a field's unit and the
    values of a closed vocabulary (an incident's assessment, a category) read in Arabic;
    every wide table scrolls inside its own box instead of widening a phone's page."""
    from gobetween.monitoring.kinds_builtin import CATEGORIES

    c = site.client("qatar")
    c.cookies.set("gobetween_lang", "ar")
    page = soup(c.get(f"/agreements/{ids[ENERGY]}/implementation"))
    figure = page.select_one("figure[data-figure='incidents_by_assessment']")
    assert figure is not None
    headers = {th.get_text() for th in figure.select("th")}
    assert len(headers) == 5
    assert not headers & {"month", "pending", "verified", "disputed"}
    cells = {td.get_text() for td in page.select("#entries-incidents td[data-field='assessment']")}
    assert cells
    assert not cells & {"verified", "not verified", "disputed", "pending"}, cells
    c = site.client("ukraine")
    c.cookies.set("gobetween_lang", "ar")
    returns = soup(c.get(f"/agreements/{ids[RETURNS]}/implementation"))
    head = returns.select_one("#entries-exchanges thead").get_text()  # type: ignore[union-attr]
    assert "people" not in head
    assert "أشخاص" in head
    categories = {td.get_text() for td in returns.select("td[data-field='category']")}
    assert categories
    assert not categories & set(CATEGORIES)
    records = "#provisions table, section[id^='kind-'] table"
    tables = page.select(records) + returns.select(records)
    assert all(t.parent is not None and "scroll" in t.parent.get("class", []) for t in tables)


def test_the_exchanges_summary_rows_read_in_the_readers_language(
    site: Site, ids: dict[str, int]
) -> None:
    """The summary's "returned to <party>" rows: the words translated, the party's name kept."""
    from gobetween.i18n import _, use_locale

    c = site.client("ukraine")
    c.cookies.set("gobetween_lang", "uk")
    page = soup(c.get(f"/agreements/{ids[RETURNS]}/implementation"))
    figure = page.select_one("figure[data-figure='exchanges_summary']")
    assert figure is not None
    rows = [tr.select("td")[0].get_text(strip=True) for tr in figure.select("tbody tr")]
    with use_locale("uk"):
        words = _("returned to")
    assert words != "returned to"
    assert f"{words} Ukraine" in rows, rows
    assert not any(r.startswith("returned to") for r in rows), rows


def test_a_delegation_reads_each_provision_as_signed_in_its_own_language(site: Site) -> None:
    """The provisions table showed every clause in the terms' first language (English) to a
    delegation reading in Ukrainian (found walking the demo): each is now the signed Ukrainian
    version's article under the issue's Ukrainian name, and the API gives the clause in every
    signed language."""
    with site.services.db.unit_of_work() as session:
        corridor = build_agreement_demo(session)
    ukraine = site.client("ukraine")
    ukraine.cookies.set("gobetween_lang", "uk")
    page = soup(ukraine.get(f"/agreements/{corridor}/implementation"))
    rows = {
        str(tr["data-key"]): tr.select("td")[1].get_text(" ", strip=True)
        for tr in page.select("#provisions-table tr[data-key]")
    }
    assert len(rows) == len(PACKAGE)
    for n, (issue, option) in enumerate(PACKAGE.items(), start=1):
        said = INITIATIVE_WORDING[issue][option]
        assert rows[f"art-{n}"].startswith(INITIATIVE_NAMES[issue]["names"]["uk"]), rows
        assert said["uk"] in rows[f"art-{n}"], (issue, rows)
        assert said["en"] not in rows[f"art-{n}"], (issue, rows)
    listed = ukraine.get(f"/api/agreements/{corridor}/provisions").json()["provisions"]
    for p, (issue, option) in zip(listed, PACKAGE.items(), strict=True):
        assert p["clauses"] == {
            code: INITIATIVE_WORDING[issue][option][code] for code in INITIATIVE_LANGUAGES
        }


def test_each_kinds_import_form_offers_its_templates(site: Site, ids: dict[str, int]) -> None:
    """The import form of each kind links its CSV and XLSX templates (there were none), which
    the API serves in the reader's language; a party, who imports nothing, is offered none."""
    page = soup(site.client("qatar").get(f"/agreements/{ids[ENERGY]}/implementation"))
    links = [a["href"] for a in page.select("form.import-kind .templates a")]
    assert links == [
        "/api/record/kinds/incidents/template.csv",
        "/api/record/kinds/incidents/template.xlsx",
    ], links
    template = site.client("qatar").get(str(links[0]))
    assert template.status_code == 200
    party = soup(site.client("ukraine").get(f"/agreements/{ids[ENERGY]}/implementation"))
    assert party.select(".templates") == []
