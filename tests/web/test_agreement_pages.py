"""The agreement, verification and implementation pages, structurally (CSS selectors), on the
demo's signed Black Sea Grain Initiative agreement."""

from __future__ import annotations

import re

import pytest
from tests.web.site import Site, actors, one, soup, text_of, unlabelled_controls

from gobetween.service.demo_agreement import build_agreement_demo


@pytest.fixture
def initiative(site: Site) -> int:
    with site.services.db.unit_of_work() as session:
        return build_agreement_demo(session)


def test_the_agreement_page_shows_terms_instruments_and_the_log(
    site: Site, initiative: int
) -> None:
    page = soup(site.client("russia").get(f"/agreements/{initiative}"))
    assert one(page, "#agreement-status")["data-status"] == "expired"
    status = text_of(page, "#agreement-status")
    assert " ends " not in status, status  # an expired agreement's term "ends" no more
    assert re.search(r"term \d+: until ", status), status
    terms_hash = text_of(page, "#terms-hash")
    instruments = page.select("article.instrument")
    assert [i["data-party"] for i in instruments] == ["Ukraine", "Russian Federation"]
    assert all(terms_hash in i.get_text() for i in instruments)
    assert "own" in instruments[1]["class"]
    assert all(li["data-signed"] == "true" for li in page.select(".signatories li"))
    types = [li["data-type"] for li in page.select("#log li")]
    assert types.count("renewed") == 3
    assert types[-1] == "expired"
    assert page.select("#signing") == []  # nothing left to sign
    assert unlabelled_controls(page) == []


def test_strangers_and_non_signatories_get_not_found(site: Site, initiative: int) -> None:
    for seat in ("qatar", "icrc"):
        for url in (f"/agreements/{initiative}", f"/agreements/{initiative}/verify"):
            assert site.client(seat).get(url).status_code == 404
    # the implementation record's public part is for everyone
    public = soup(site.client().get(f"/public/agreements/{initiative}/implementation"))
    assert text_of(public, "#fig-voyages") == "981"
    assert public.select("#import-form") == []
    assert "inspector" not in public.get_text()


def test_verification_pages(site: Site, initiative: int) -> None:
    un = site.client("un")
    page = soup(un.get(f"/agreements/{initiative}/verify"))
    assert one(page, ".verdict")["data-ok"] == "true"
    assert text_of(page, "#signed-count") == "6"
    data = un.get(f"/api/agreements/{initiative}/bundle").content
    anonymous = site.client()
    good = soup(anonymous.post("/verify", files={"bundle": ("b.gbb", data)}))
    assert one(good, ".verdict")["data-ok"] == "true"
    bad = soup(anonymous.post("/verify", files={"bundle": ("b.gbb", data[:-40])}))
    assert one(bad, ".verdict")["data-ok"] == "false"
    assert bad.select("#findings tr")


def test_the_dashboard_shows_the_published_figures(site: Site, initiative: int) -> None:
    page = soup(site.client("ukraine").get(f"/agreements/{initiative}/implementation"))
    assert text_of(page, "#fig-voyages") == "981"
    assert text_of(page, "#fig-tonnes") == "31.74"
    assert text_of(page, "#fig-developing") == "57.1%"
    assert text_of(page, "#fig-wfp") == "625,169 t"
    assert text_of(page, "#fig-ports") == "Chornomorsk 433, Odesa 373, Yuzhny/Pivdennyi 314"
    assert text_of(page, "#waits tr[data-month='2022-08'] .median") == "2"
    assert text_of(page, "#waits tr[data-month='2022-10'] .median") == "15"
    assert len(page.select("svg.chart")) >= 6  # barometer, months, days, queue, waits, terms
    assert len(page.select("table.bars")) == 3  # tonnage by country, income group, commodity
    assert len(page.select("#terms tr.disputed")) == 1
    assert "missed on" in text_of(page, ".obligation")
    assert page.select("#import-form")
    assert unlabelled_controls(page) == []


def test_reimporting_from_the_page_adds_nothing(site: Site, initiative: int) -> None:
    from importlib import resources

    data = (
        resources.files("gobetween.service")
        .joinpath("data", "bsgi", "outbound_shipments_2023-06-14.csv")
        .read_bytes()
    )
    un = site.client("un")
    page = soup(un.get(f"/agreements/{initiative}/implementation"))
    token = str(page.select("input[name=csrf_token]")[0]["value"])
    r = un.post(
        f"/agreements/{initiative}/implementation/import",
        data={"csrf_token": token},
        files={"file": ("v.csv", data, "text/csv")},
    )
    assert r.status_code == 200, r.text
    report = text_of(soup(r), "#import-report p")
    assert report.startswith("0 new rows, 1120 already there")


def test_a_mediator_makes_the_agreement_from_the_ready_text(site: Site) -> None:
    from gobetween.protocols.single_text import AnswerKind
    from gobetween.service import texts
    from gobetween.store import tables as t

    food = site.tracks["food corridor"]
    with site.services.db.unit_of_work() as session:
        actor = actors(session, "un", "ukraine", "russia")
        track = session.get(t.Track, food)
        assert track is not None
        options = {i["name"]: i["options"][0]["name"] for i in track.agenda["issues"]}
        # Term and renewal come from the agreed text only (agreements/derive.py).
        clauses = {"term": "It runs for its term and is renewed automatically unless notice."}
        texts.publish_text(session, actor["un"], food, options=options, clauses=clauses)
        for seat in ("ukraine", "russia"):
            texts.answer_text(session, actor[seat], food, version=1, kind=AnswerKind.ACCEPT)
    un = site.client("un")
    listing = soup(un.get("/agreements"))
    assert one(listing, "#ready a")["href"] == f"/tracks/{food}/agreement"
    assert site.client("ukraine").get(f"/tracks/{food}/agreement").status_code == 404
    form = soup(un.get(f"/tracks/{food}/agreement"))
    term = options["term"].split()[0]
    assert one(form, "#derived-term")["data-days"] == term
    renewal = one(form, "#derived-renewal")
    assert renewal["data-rule"] == "automatic_unless_notice"
    assert "notice before the term ends" in renewal.get_text()  # no notice article: not "0 days"
    links = one(form, "#derived-links")  # the article on linked instruments says "none"
    assert options["linked export facilitation"] == "none"
    assert links.select("li") == []
    assert "linked export facilitation" in links.get_text()
    assert form.select("#agreement-form [name=link_ids]") == []  # the form cannot add one
    assert form.select("#agreement-form select, #agreement-form input[name=term_days]") == []
    # where each rule comes from, by the name in the reader's language (it said the
    # key, «term», on an Arabic page)
    un.cookies.set("gobetween_lang", "uk")
    term_uk = one(soup(un.get(f"/tracks/{food}/agreement")), "#derived-term").get_text(" ")
    agenda = un.get(f"/api/tracks/{food}").json()["agenda"]
    called = next(i for i in agenda["issues"] if i["name"] == "term")["names"]["uk"]
    assert f"«{called}»" in term_uk, term_uk  # Ukrainian quotation marks
    un.cookies.delete("gobetween_lang")
    token = str(one(form, "#agreement-form input[name=csrf_token]")["value"])
    r = un.post(
        f"/tracks/{food}/agreement",
        data={
            "csrf_token": token,
            "title": "Corridor",
            "effective_date": "2022-07-22",
        },
    )
    assert r.status_code == 303, r.text
    page = soup(un.get(r.headers["location"]))
    assert text_of(page, "h1") == "Corridor"
    assert one(page, "#agreement-status")["data-status"] == "draft"
    assert len(page.select("#signing form.sign-form")) == 1  # the UN signs both instruments
    assert soup(un.get("/agreements")).select("#ready") == []


def test_delegations_record_events_and_see_the_gates(site: Site, initiative: int) -> None:
    url = f"/agreements/{initiative}/implementation"

    def post(seat: str, **fields: str) -> object:
        client = site.client(seat)
        page = soup(client.get(url))
        token = str(one(page, "#event-form input[name=csrf_token]")["value"])
        return client.post(f"{url}/events", data={"csrf_token": token, **fields})

    r = post(
        "ukraine",
        type="registration",
        item="voyage #982",
        delegation="Ukraine",
        reason="bulk carrier, wheat",
    )
    assert r.status_code == 303, r.text
    r = post(
        "russia",
        type="decision",
        item="voyage #982",
        delegation="Russian Federation",
        step="departure plan",
        verdict="block",
        reason="papers incomplete",
    )
    assert r.status_code == 303
    forged = post(
        "russia",
        type="decision",
        item="voyage #982",
        delegation="Ukraine",
        step="departure plan",
        verdict="approve",
    )
    assert forged.status_code == 403  # as the API answers (was 422)
    page = soup(site.client("turkiye").get(url))
    row = next(tr for tr in page.select("#items tr") if "voyage #982" in tr.get_text())
    gate = one(row, ".gate")
    assert gate["data-status"] == "blocked"
    assert "blocked by Russian Federation (papers incomplete)" in gate.get_text()
    public = soup(site.client().get(f"/public/agreements/{initiative}/implementation"))
    assert "papers incomplete" not in public.get_text()
    assert public.select("#event-form") == []


def test_the_agreement_form_refuses_in_the_readers_language(site: Site) -> None:
    """A text whose article on linked instruments names a memorandum nobody made: the form
    says so, in Ukrainian on a Ukrainian page, and makes nothing."""
    from gobetween.protocols.single_text import AnswerKind
    from gobetween.service import texts
    from gobetween.store import tables as t

    food = site.tracks["food corridor"]
    with site.services.db.unit_of_work() as session:
        actor = actors(session, "un", "ukraine", "russia")
        track = session.get(t.Track, food)
        assert track is not None
        options = {i["name"]: i["options"][0]["name"] for i in track.agenda["issues"]}
        options["linked export facilitation"] = "UN memorandum, best efforts"
        texts.publish_text(session, actor["un"], food, options=options, clauses={})
        for seat in ("ukraine", "russia"):
            texts.answer_text(session, actor[seat], food, version=1, kind=AnswerKind.ACCEPT)
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    form = soup(un.get(f"/tracks/{food}/agreement"))
    links = one(form, "#derived-links")
    assert [li["data-name"] for li in links.select("li")] == ["UN memorandum, best efforts"]
    token = str(one(form, "#agreement-form input[name=csrf_token]")["value"])
    r = un.post(
        f"/tracks/{food}/agreement",
        data={"csrf_token": token, "title": "Corridor", "effective_date": "2022-07-22"},
    )
    assert r.status_code == 422, r.text
    error = soup(r).get_text(" ", strip=True)
    assert "UN memorandum, best efforts" in error
    assert "погоджений текст посилається" in error, error
    assert soup(un.get("/agreements")).select("#ready a")  # still ready: nothing was made


def test_the_dashboards_charts_speak_the_readers_language(site: Site, initiative: int) -> None:
    """The charts' own words (their accessible titles, legends, units and term labels) follow
    the page's language, as their captions do."""
    client = site.client("ukraine")
    client.cookies.set("gobetween_lang", "uk")
    page = soup(client.get(f"/agreements/{initiative}/implementation"))
    charts = " ".join(str(c) for c in page.select("svg.chart, .chart-legend, table.bars"))
    for english in ("median", "90th percentile", "Tonnage by", "Voyages departed", "term 1"):
        assert english not in charts, english
    assert "медіана" in charts
    assert "Тоннаж за групами доходу" in charts
    assert re.search(r"\d т\b", charts), "tonnes in Ukrainian"


def test_a_signatory_reads_the_signed_text_in_its_own_language(site: Site, initiative: int) -> None:
    """The initiative is signed in English, Ukrainian, Russian and Turkish, each version equally
    authentic; the operative terms list the clauses in English, so a Ukrainian reader also gets
    the Ukrainian version (before: English only on the page), and an English reader nothing
    more."""
    ukraine = site.client("ukraine")
    ukraine.cookies.set("gobetween_lang", "uk")
    page = soup(ukraine.get(f"/agreements/{initiative}"))
    section = one(page, "#text-in-reader-language")
    assert section["lang"] == "uk"
    assert "українська" in one(section, "h3").get_text()
    articles = [li.get_text(" ", strip=True) for li in section.select("li")]
    assert articles
    assert any("Одес" in a for a in articles), articles
    english = site.client("ukraine")
    english.cookies.set("gobetween_lang", "en")
    assert not soup(english.get(f"/agreements/{initiative}")).select("#text-in-reader-language")


def test_key_files_and_commands_are_folded_away_until_a_refusal_needs_them(site: Site) -> None:
    """A delegate on a phone read "gobetween keys new --org ..." and "gobetween agreement sign
    --as ..." beside the browser's own signing (found walking the demo): the key files and the
    command line sit in a closed "for technical staff" section, opened again when one of its
    forms was refused so that its problem shows."""
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session, signed=False)
    un = site.client("un")
    page = soup(un.get(f"/agreements/{aid}"))
    technical = page.select("#signing details.technical")
    assert technical, "the signing card folds its technical forms"
    assert all(not d.has_attr("open") for d in technical)
    for form in page.select(
        "#signing form.key-form, #signing form.sign-form, #signing form.bundle-form"
    ):
        assert form.find_parent("details") is not None
    assert page.select("#signing form.browser-sign-form")[0].find_parent("details") is None
    bundle = page.select("form.bundle-form")[-1]
    token = str(one(bundle, "input[name=csrf_token]")["value"])
    org = str(one(bundle, "input[name=organisation]")["value"])
    refused = un.post(
        f"/agreements/{aid}/signed-bundle",
        data={"csrf_token": token, "organisation": org},
        files={"bundle": ("signed.json", b"not json", "application/json")},
    )
    assert refused.status_code == 422
    # the refused form's section opens; another organisation's stays folded
    opened = [d.has_attr("open") for d in soup(refused).select("#signing details.technical")]
    assert opened == [i == len(opened) - 1 for i in range(len(opened))], opened
