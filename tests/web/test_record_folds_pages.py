"""The joint record's page, folded for a phone (:mod:`gobetween.web.record_folds`), read
structurally: what is on it listed first, each section's long parts (tables, charts, forms) in a
closed ``<details>``, opened by the query (``?open=events``, ``?open=all``) or when a form comes
back refused, and the events shown a page at a time. The browser's side (the page's height on a
phone, the folds opened by the keyboard and without a script) is
``tests/web/test_phone_targets_browser.py``."""

from __future__ import annotations

import pytest
from tests.web.site import Site, one, soup
from tests.web.test_pages import post_form

from gobetween.service.demo_agreement import build_agreement_demo
from gobetween.web import record_folds


@pytest.fixture
def record(site: Site) -> str:
    """The grain agreement's implementation page."""
    with site.services.db.unit_of_work() as session:
        agreement = build_agreement_demo(session)
    return f"/agreements/{agreement}/implementation"


def _open_folds(site: Site, url: str, seat: str = "ukraine") -> list[str]:
    page = soup(site.client(seat).get(url))
    return [str(d["data-fold"]) for d in page.select("main details.fold[open]")]


@pytest.mark.parametrize("seat", ["ukraine", "un"])
def test_the_sections_are_listed_first_and_their_long_parts_folded(
    site: Site, record: str, seat: str
) -> None:
    page = soup(site.client(seat).get(record))
    main = one(page, "main")
    contents = one(main, "nav#contents")
    assert main.find_all(["section", "nav"])[0] is contents  # before every section
    sections = [str(s["id"]) for s in main.select("section[id]")]
    assert [str(a["href"]) for a in contents.select("li a")] == [f"#{s}" for s in sections]
    assert one(contents, "a#open-all")["href"] == "?open=all#contents"
    folds = main.select("details.fold")
    assert folds
    assert [d["data-fold"] for d in folds if d.has_attr("open")] == []
    for d in folds:  # each names what it holds
        assert d.select_one(":scope > summary").get_text(strip=True), d["data-fold"]
    for part in ("#provisions-table", "#terms", "#waits", "#items", "#events", "#event-form"):
        assert one(main, part).find_parent("details", class_="fold"), part
    for gist in ("#summary", "#published-list", "#provisions figure"):  # stay shown
        assert one(main, gist).find_parent("details") is None, gist
    for h2 in main.select("section h2"):  # headings stay headings, outside the folds
        assert h2.find_parent("details") is None, h2


def test_the_query_opens_one_fold_or_every_one(site: Site, record: str) -> None:
    assert _open_folds(site, f"{record}?open=events") == ["events"]
    every = soup(site.client("un").get(f"{record}?open=all")).select("main details.fold")
    assert every
    assert all(d.has_attr("open") for d in every)
    for asked in ("<b>", "events%20all", "x" * 100, "nothing-of-that-name"):
        assert _open_folds(site, f"{record}?open={asked}") == [], asked


def test_a_form_sent_comes_back_with_its_section_open_and_refused_with_its_own(
    site: Site, record: str
) -> None:
    c = site.client("ukraine")
    sent = {"type": "registration", "item": "voyage #990", "delegation": "Ukraine"}
    r = post_form(c, record, f"{record}/events", {**sent, "reason": "registered"})
    assert r.status_code == 303
    assert r.headers["location"] == f"{record}?open=events#events"
    refused = {**sent, "type": "decision", "verdict": "block", "step": "departure plan"}
    r = post_form(c, record, f"{record}/events", {**refused, "reason": ""})
    assert r.status_code == 422
    assert [str(d["data-fold"]) for d in soup(r).select("main details.fold[open]")] == [
        "event-form"
    ]


def test_the_events_are_shown_a_page_at_a_time(
    site: Site, record: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_folds, "EVENTS_PER_PAGE", 3)
    c = site.client("ukraine")
    api = c.get("/api" + record.replace("/implementation", "/record")).json()
    events = [e["at"] for e in api["events"]]
    assert len(events) > 6  # three pages at least

    def shown(url: str) -> tuple[list[str], dict[str, str]]:
        page = soup(c.get(url))
        rows = [str(t["datetime"]) for t in page.select("#events tbody td.lead time")]
        links = {str(a["rel"][0]): str(a["href"]) for a in page.select("#event-pages a")}
        return rows, links

    rows, links = shown(record)  # the latest events, and the way back
    assert rows == events[-3:]
    pages = -(-len(events) // 3)
    assert links == {"prev": f"?open=events&events_page={pages - 1}#events-section"}
    rows, links = shown(f"{record}?open=events&events_page=1")  # the earliest, left over
    assert rows == events[: len(events) - 3 * (pages - 1)]
    assert links == {"next": "?open=events&events_page=2#events-section"}
    assert shown(f"{record}?events_page=999")[0] == events[-3:]  # no such page: the latest
    said = one(soup(c.get(record)), "#event-pages").text
    assert f"Events {len(events) - 2} to {len(events)} of {len(events)}" in said
