"""The agreement's page, folded for a phone as the joint record's is
(:mod:`gobetween.web.record_folds`, ``_fold.html``), read structurally: the signed terms first,
whole and outside every fold; then what is on the page; then the instruments, the signing forms
for technical staff, the lifecycle form and the record, each in a closed ``<details>``, opened
by the query (``?open=log``, ``?open=all``) or when one of its forms comes back refused. A
party's delegate sees the same sections as before, only folded. The browser's side (the page's
height on a 390 px phone) is ``tests/web/test_record_tables_phone_browser.py``."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup, Tag
from tests.web.site import Site, csrf, one, soup
from tests.web.test_error_summary import _summary

from gobetween.service import demo_agreement
from gobetween.service.demo_agreement import build_agreement_demo
from gobetween.service.demo_records import sign_as


def _folds(page: BeautifulSoup) -> list[Tag]:
    return page.select("main details.fold")


def _open(page: BeautifulSoup) -> list[str]:
    return [str(d["data-fold"]) for d in _folds(page) if d.has_attr("open")]


def _words(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def test_the_terms_come_first_and_whole_the_other_sections_folded_under_a_contents_list(
    site: Site,
) -> None:
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)  # the Black Sea Grain Initiative, signed and over
    for seat, lang in (("ukraine", "en"), ("russia", "ru")):
        _terms_first_then_folded(site, aid, seat, lang)
    # the query opens one fold, or every one; nothing else
    c = site.client("un")
    url = f"/agreements/{aid}"
    assert _open(soup(c.get(f"{url}?open=log"))) == ["log"]
    assert _open(soup(c.get(f"{url}?open=instrument-2"))) == ["instrument-2"]
    every = _folds(soup(c.get(f"{url}?open=all")))
    assert len(every) == 3
    assert all(d.has_attr("open") for d in every)
    for asked in ("<b>", "log%20all", "x" * 100, "instruments"):
        assert _open(soup(c.get(f"{url}?open={asked}"))) == [], asked


def _terms_first_then_folded(site: Site, aid: int, seat: str, lang: str) -> None:
    """The page as ``seat`` reads it in ``lang``: the terms whole and first, the rest folded,
    no more than a party's delegate saw before."""
    c = site.client(seat)
    c.cookies.set("gobetween_lang", lang)
    api = c.get(f"/api/agreements/{aid}").json()
    url = f"/agreements/{aid}"
    page = soup(c.get(url))
    main = one(page, "main")
    # the terms first, every clause as signed in the reader's language (else as the terms keep
    # it), in the agenda's order, and nothing of them folded
    sections = main.find_all(["section", "nav"], recursive=False)
    terms = one(main, "section#terms-section")
    assert sections[0] is terms
    assert terms.find_parent("details") is None
    assert terms.find("details") is None
    rows = terms.select("#terms tbody tr")
    assert [str(r["data-issue"]) for r in rows] == list(api["terms"]["options"])
    for row in rows:
        issue = str(row["data-issue"])
        signed = api["terms_read"].get(issue, {}).get("clauses", {}).get(lang)
        assert row.select("td")[-1].get_text() == (signed or api["terms"]["clauses"][issue])
    if lang == "ru":  # the whole agreed text in Russian, article by article, as signed
        articles = terms.select("#text-in-reader-language li")
        assert len(articles) == len(api["terms"]["versions"]["ru"])
        for li, art in zip(articles, api["terms"]["versions"]["ru"], strict=True):
            assert li.get_text().endswith(art["text"])
    assert f"{api['terms']['term_days']}" in one(terms, ":scope > p").get_text()
    # then what is on the page, each entry linking to a section after it
    contents = one(main, "nav#contents")
    assert sections[1] is contents
    listed = [str(a["href"]) for a in contents.select("li a")]
    assert listed == [f"#{s['id']}" for s in sections[2:]] == ["#instruments", "#log-section"]
    assert one(contents, "a#open-all")["href"] == "?open=all#contents"
    n = len(api["instruments"])
    if lang == "en":  # each entry its gist: how many signed, how many entries
        assert f"Instruments ({n}: {3 * n} of {3 * n} signed)" in _words(contents)
        assert f"signatory) ({len(api['log'])})" in _words(contents)
    # every fold closed, each naming what it holds; headings stay outside them
    keys = [str(d["data-fold"]) for d in _folds(page)]
    assert keys == [f"instrument-{i}" for i in range(1, n + 1)] + ["log"]
    assert _open(page) == []
    for d in _folds(page):
        assert d.select_one(":scope > summary").get_text(strip=True), d["data-fold"]
    for part in ("ul.signatories", "p.downloads", "#log"):
        assert all(p.find_parent("details", class_="fold") for p in main.select(part)), part
    for h in main.select("h2, article.instrument h3"):
        assert h.find_parent("details") is None, h
    # a party's delegate: the same sections as before (terms, instruments, record: nothing to
    # sign, no act on an agreement that is over), the same links, one entry per event
    labelled = [str(s["aria-labelledby"]) for s in main.find_all("section", recursive=False)]
    assert labelled == ["terms-h", "instruments-h", "log-h"]
    links = {str(a["href"]) for a in main.select("a[href]")} - {"?open=all#contents"}
    assert {h for h in links if not h.startswith("#")} == {
        f"/api/agreements/{aid}/bundle",
        f"/agreements/{aid}/verify",
        f"/api/agreements/{aid}/registry",
        f"/agreements/{aid}/implementation",
    } | {
        f"/api/agreements/{aid}/instruments/{i}/{kind}"
        for i in range(1, n + 1)
        for kind in ("html", "pdf", "akn")
    }
    assert main.select("form") == []
    assert len(main.select("#log li")) == len(api["log"])


def test_a_refused_form_comes_back_with_its_section_open(site: Site) -> None:
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session, signed=False)
    url = f"/agreements/{aid}"
    un = site.client("un")  # signs for the UN: the signing forms, one fold each, all closed
    page = soup(un.get(url))
    assert _open(page) == []
    technical = [k for k in map(str, (d["data-fold"] for d in _folds(page))) if "technical" in k]
    assert technical == ["technical-1"]
    orgs = [str(i["value"]) for i in page.select("form.key-form input[name=organisation]")]
    r = un.post(
        f"{url}/key",
        data={"csrf_token": csrf(page), "organisation": orgs[0]},
        files={"public_key": ("upload.pem", b"not a key", "application/octet-stream")},
    )
    assert r.status_code == 422
    refused = soup(r)
    assert _open(refused) == ["technical-1"]
    assert [t for t, _ in _summary(refused)] == ["pub-1"]
    assert one(refused, "#pub-1").find_parent("details", class_="fold").has_attr("open")

    with site.services.db.unit_of_work() as session:  # in force: the lifecycle form, folded
        actors = demo_agreement._actors(session)
        signers = {s: (actors[s], name) for s, (name, _, _) in demo_agreement.SIGNERS.items()}
        sign_as(session, signers, aid, dt.datetime.now(dt.UTC))
    ru = site.client("russia")
    page = soup(ru.get(url))
    assert "#acts" in [str(a["href"]) for a in page.select("nav#contents li a")]
    assert _open(page) == []
    assert one(page, "#act-form").find_parent("details", class_="fold")["data-fold"] == "act"
    act = {"organisation": "Russian Federation", "act": "consent", "term_days": "ninety"}
    r = ru.post(f"{url}/act", data={"csrf_token": csrf(page), **act})
    assert r.status_code == 422
    refused = soup(r)
    assert _open(refused) == ["act"]
    for target, _words_said in _summary(refused):
        assert one(refused, f"#{target}").find_parent("details", class_="fold").has_attr("open")
    # recorded, the page comes back with its record open at the new entry
    r = ru.post(f"{url}/act", data={"csrf_token": csrf(page), **act, "term_days": "90"})
    assert r.status_code == 303
    assert r.headers["location"] == f"{url}?done=recorded&open=log#log-section"
    again = soup(ru.get(r.headers["location"]))
    assert _open(again) == ["log"]
    assert one(again, "#log li:last-child")["data-type"] == "renewal_consented"
