"""The generic protocol page with the consultation poll on the demo: the mediators open it and put
statements, each party answers through its form and reads only its own answers, a published
result says only "agreed by all" or not; forms validate through the API's schemas; the
navigation's tabs come from the registry."""

from __future__ import annotations

import httpx
from tests.web.site import Site, csrf, one, soup, text_of, unlabelled_controls

from gobetween.protocols import registry


def _post(client: httpx.Client, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    token = csrf(soup(client.get(page)))
    return client.post(f"{page}/{action}", data={"csrf_token": token, **data})


def test_a_poll_through_the_pages(site: Site) -> None:
    food = site.tracks["food corridor"]
    page = f"/tracks/{food}/protocols/poll"
    un, ua, ru = site.client("un"), site.client("ukraine"), site.client("russia")
    assert text_of(soup(ua.get(page)), "#poll .empty") == (
        "There is no consultation for you in this track."
    )
    form = soup(un.get(page))
    assert unlabelled_controls(form) == []
    opened = _post(un, page, "open_poll", {"subject": "Ports of the corridor"})
    assert opened.status_code == 303, opened.text
    assert _post(un, page, "put_statement", {"text": "Include Chornomorsk"}).status_code == 303
    assert _post(un, page, "put_statement", {"text": "Inspect in Istanbul"}).status_code == 303
    seen = soup(ua.get(page))
    assert unlabelled_controls(seen) == []
    assert text_of(seen, "#summary h2") == "Ports of the corridor"
    assert len(seen.select("form.answer-form")) == 2
    answer = {"statement": "1", "answer": "agree", "comment": "and Pivdennyi"}
    assert _post(ua, page, "answer_statement", answer).status_code == 303
    disagree = {"statement": "1", "answer": "disagree", "comment": "Odesa only"}
    assert _post(ru, page, "answer_statement", disagree).status_code == 303
    mine = soup(ua.get(page))
    assert "Your answer: agree" in text_of(mine, "#statement-1 .own")
    assert "Odesa only" not in text_of(mine, "#poll")
    assert "disagree" not in text_of(mine, "#statement-1 .own")
    console = soup(un.get(page))
    row = one(console, f"#statement-1 tr[data-party='{site.orgs['Russian Federation']}']")
    assert "disagree" in row.get_text()
    assert "Odesa only" in row.get_text()
    assert "Agree: 1 · disagree: 1" in text_of(console, "#statement-1 .counts")
    assert _post(un, page, "publish_result", {"statement": "1"}).status_code == 303
    for client in (ua, ru):
        done = soup(client.get(page))
        assert one(done, "#statement-1 .result")["data-agreed"] == "no"
        assert text_of(done, "#statement-1 .result") == "Not agreed by all parties."
        assert not done.select("#statement-1 form")  # published: no more answers
    assert "Odesa only" not in text_of(soup(ua.get(page)), "#poll")
    twin = ua.get(page).headers["link"]
    assert f"/api/tracks/{food}/protocols/poll" in twin


def test_page_forms_are_read_through_the_api_schema(site: Site) -> None:
    food = site.tracks["food corridor"]
    page = f"/tracks/{food}/protocols/poll"
    un, ua = site.client("un"), site.client("ukraine")
    _post(un, page, "open_poll", {"subject": ""})
    _post(un, page, "put_statement", {"text": "s"})
    long = {"statement": "1", "answer": "agree", "comment": "x" * 2001}
    refused = _post(ua, page, "answer_statement", long)
    assert refused.status_code == 422
    shown = soup(refused)
    assert "comment" in text_of(shown, ".flash.error")
    assert one(shown, "#c-1")["aria-invalid"] == "true"
    assert "2,000" in text_of(shown, "#c-1-error")
    odd = _post(ua, page, "answer_statement", {"statement": "1", "answer": "maybe"})
    assert odd.status_code == 422
    assert _post(ua, page, "put_statement", {"text": "a party cannot"}).status_code == 422
    assert _post(un, page, "nonesuch", {}).status_code == 404
    assert un.get(f"/tracks/{food}/protocols/nonesuch").status_code == 404
    # blind bidding is served by the same page, with its own template
    assert un.get(f"/tracks/{food}/protocols/blind_bidding").status_code == 200


def test_the_track_tabs_come_from_the_registry(site: Site) -> None:
    food = site.tracks["food corridor"]
    tabs = [p for p in registry.protocols() if p.tab is not None]
    assert {p.name for p in tabs} >= {"blind_bidding", "poll"}
    for seat in ("un", "ukraine"):
        nav = soup(site.client(seat).get(f"/tracks/{food}")).select("nav.tabs a")
        links = {str(a["href"]): a.get_text(strip=True) for a in nav}
        assert links[f"/tracks/{food}/protocols/blind_bidding"] == "Bidding", seat
        assert links[f"/tracks/{food}/protocols/poll"] == "Consultation", seat


def test_the_tabs_are_in_the_readers_language(site: Site) -> None:
    food = site.tracks["food corridor"]
    ua = site.client("ukraine")
    nav = soup(ua.get(f"/tracks/{food}", headers={"Accept-Language": "uk"})).select("nav.tabs a")
    label = {str(a["href"]): a.get_text(strip=True) for a in nav}[f"/tracks/{food}/protocols/poll"]
    assert label not in ("", "Consultation")


def test_the_poll_pages_leave_no_english_in_ukrainian_and_arabic(site: Site) -> None:
    from tests.web.test_i18n import demo_words, in_language, leftovers

    food = site.tracks["food corridor"]
    page = f"/tracks/{food}/protocols/poll"
    un = site.client("un")
    _post(un, page, "open_poll", {"subject": "Ports"})
    _post(un, page, "put_statement", {"text": "Include Chornomorsk"})
    _post(site.client("ukraine"), page, "answer_statement", {"statement": "1", "answer": "pass"})
    names = demo_words(site) | {"Ports", "Include Chornomorsk"}
    ua = soup(in_language(site, "ukraine", "uk").get(page))
    assert (one(ua, "html")["lang"], one(ua, "html")["dir"]) == ("uk", "ltr")
    assert leftovers(ua, names) == []
    assert "утримуємося" in text_of(ua, "#statement-1 .own")
    ar = soup(in_language(site, "un", "ar").get(page))
    assert (one(ar, "html")["lang"], one(ar, "html")["dir"]) == ("ar", "rtl")
    assert leftovers(ar, names) == []
    assert "امتناع" in text_of(ar, "#statement-1 table")
