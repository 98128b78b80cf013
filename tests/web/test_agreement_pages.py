"""The agreement, verification and implementation pages, structurally (CSS selectors), on the
demo's signed Black Sea Grain Initiative agreement."""

from __future__ import annotations

import pytest
from tests.web.site import Site, one, soup, text_of, unlabelled_controls

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
    assert text_of(page, "#fig-developing") == "57.1 %"
    assert text_of(page, "#fig-wfp") == "625,169 t"
    assert text_of(page, "#fig-ports") == "Chornomorsk 433, Odesa 373, Yuzhny/Pivdennyi 314"
    assert text_of(page, "#waits tr[data-month='2022-08'] .median") == "2"
    assert text_of(page, "#waits tr[data-month='2022-10'] .median") == "15"
    assert len(page.select("svg.chart")) >= 8
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
