"""The bidding page structurally (CSS selectors) on the demo: the mediators open a bidding, each
side bids through its form and reads only its own bids, the mediators release the result. The
page is the generic protocol page (``/tracks/{id}/protocols/blind_bidding``) with the bidding's
template; its forms post to the generic actions; the older address redirects there."""

from __future__ import annotations

import datetime as dt
import time

import httpx
from tests.web.site import Site, csrf, one, soup, text_of, unlabelled_controls


def _post(client: httpx.Client, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    token = csrf(soup(client.get(page)))
    return client.post(f"{page}/{action}", data={"csrf_token": token, **data})


def test_a_bidding_through_the_pages(site: Site) -> None:
    food = site.tracks["food corridor"]
    page = f"/tracks/{food}/protocols/blind_bidding"
    un, ua, ru = site.client("un"), site.client("ukraine"), site.client("russia")
    moved = un.get(f"/tracks/{food}/bidding")
    assert (moved.status_code, moved.headers["location"]) == (303, page)
    assert text_of(soup(ua.get(page)), "#bidding .empty") == (
        "There is no bidding for you in this track."
    )
    form = soup(un.get(page))
    assert unlabelled_controls(form) == []
    assert [o["value"] for o in form.select("#b-issue option")] == ["", "term"]
    opened = _post(un, page, "open_bidding", {
        "issue": "term", "payer": str(site.orgs["Russian Federation"]),
        "payee": str(site.orgs["Ukraine"]), "max_rounds": "2", "relative": "0.2",
        "absolute": "", "deadline": "", "unit": "", "monotone": "true"})  # fmt: skip
    assert opened.status_code == 303, opened.text
    seen = soup(ua.get(page))
    assert unlabelled_controls(seen) == []
    assert "Your demand for round 1" in text_of(seen, "label[for=bid-amount]")
    assert "within 20 % of the demand" in text_of(seen, "#summary")
    bad = _post(ua, page, "submit_bid", {"round": "1", "amount": "lots"})
    assert bad.status_code == 422
    assert "amount" in text_of(soup(bad), ".flash.error")
    assert _post(ua, page, "submit_bid", {"round": "1", "amount": "150"}).status_code == 303
    assert _post(ru, page, "submit_bid", {"round": "1", "amount": "130"}).status_code == 303
    mine = soup(ua.get(page))
    assert "round 1 is in" in text_of(mine, "#bid .waiting")
    assert "130" not in text_of(mine, "#bidding")
    console = soup(un.get(page))
    row = one(console, "#rounds tr[data-round='1']")
    assert "130" in row.get_text()
    assert "150" in row.get_text()
    assert "not yet released" in row.get_text()
    assert _post(un, page, "release_result", {}).status_code == 303
    for client in (ua, ru):
        done = soup(client.get(page))
        assert one(done, "#summary .status")["data-status"] == "settled"
        assert "Settled at 140 days" in text_of(done, "#agreed")
        assert "option 120 of term" in text_of(done, "#agreed")
    assert "150" not in text_of(soup(ru.get(page)), "#bidding")
    draft = one(soup(un.get(page)), "a.draft-link")["href"]
    assert draft == f"/tracks/{food}/draft?pkg-term=120"
    chosen = soup(un.get(str(draft))).select("select[name='pkg-term'] option[selected]")
    assert [o["value"] for o in chosen] == ["120"]
    twin = ua.get(page).headers["link"]
    assert f"/api/tracks/{food}/protocols/blind_bidding" in twin


def test_a_refused_opening_names_the_field_and_keeps_what_was_typed(site: Site) -> None:
    food = site.tracks["food corridor"]
    page = f"/tracks/{food}/protocols/blind_bidding"
    un = site.client("un")
    same = str(site.orgs["Ukraine"])
    refused = _post(un, page, "open_bidding", {
        "issue": "", "payer": same, "payee": same, "max_rounds": "2", "relative": "",
        "monotone": "false"})  # fmt: skip
    assert refused.status_code == 422
    shown = soup(refused)
    assert "two parties" in text_of(shown, "#b-payee-error")
    assert one(shown, "#b-payee")["aria-invalid"] == "true"
    assert one(shown, "#b-rounds")["value"] == "2"
    assert not one(shown, "#b-monotone").has_attr("checked")
    share = _post(un, page, "open_bidding", {"payer": same, "payee": same, "relative": "20"})
    assert share.status_code == 422  # a share below 1, not per cent
    assert one(soup(share), "#b-relative")["aria-invalid"] == "true"


def test_the_navigation_links_the_bidding_page(site: Site) -> None:
    food = site.tracks["food corridor"]
    for seat in ("un", "ukraine"):
        nav = soup(site.client(seat).get(f"/tracks/{food}")).select("nav.tabs a")
        assert f"/tracks/{food}/protocols/blind_bidding" in [a["href"] for a in nav], seat


def test_after_the_deadline_the_page_takes_no_bid(site: Site) -> None:
    food = site.tracks["food corridor"]
    page = f"/tracks/{food}/protocols/blind_bidding"
    un, ua = site.client("un"), site.client("ukraine")
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    refused = _post(un, page, "open_bidding", {
        "issue": "term", "payer": str(site.orgs["Russian Federation"]),
        "payee": str(site.orgs["Ukraine"]), "deadline": past})  # fmt: skip
    assert refused.status_code == 422
    assert "future" in text_of(soup(refused), "#b-deadline-error")
    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
    soon = ahead.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    opened = _post(un, page, "open_bidding", {
        "issue": "term", "payer": str(site.orgs["Russian Federation"]),
        "payee": str(site.orgs["Ukraine"]), "max_rounds": "2", "deadline": soon})  # fmt: skip
    assert opened.status_code == 303, opened.text
    assert one(soup(ua.get(page)), "#bid-amount")
    time.sleep(max(0.0, (ahead - dt.datetime.now(dt.UTC)).total_seconds()) + 1.1)
    assert text_of(soup(ua.get(page)), "#bid .empty") == "The deadline for bids has passed."
    late = _post(ua, page, "submit_bid", {"round": "1", "amount": "5"})
    assert late.status_code == 422
    assert "deadline passed" in text_of(soup(late), ".flash.error")


def test_the_bidding_page_names_the_issue_in_the_readers_language(site: Site) -> None:
    """Walking the demo in Arabic, Qatar's bidding page offered "duration" (the agenda names it
    «المدة» in Arabic), and the summary and the settlement said the issue and option as keyed:
    now as the agenda names them in the reader's language, the form still sending the key."""
    energy = site.tracks["energy facilities"]
    page = f"/tracks/{energy}/protocols/blind_bidding"
    qatar = site.client("qatar")
    qatar.cookies.set("gobetween_lang", "ar")
    form = soup(qatar.get(page))
    offered = {str(o["value"]): o.get_text(strip=True) for o in form.select("#b-issue option")}
    assert offered["duration"] == "المدة"
    opened = _post(qatar, page, "open_bidding", {
        "issue": "duration", "payer": str(site.orgs["Russian Federation"]),
        "payee": str(site.orgs["Ukraine"]), "max_rounds": "2", "relative": "",
        "absolute": "", "deadline": "", "unit": "", "monotone": "true"})  # fmt: skip
    assert opened.status_code == 303, opened.text
    assert "المدة" in text_of(soup(qatar.get(page)), "#summary-h")
    assert "duration" not in text_of(soup(qatar.get(page)), "#summary-h")
