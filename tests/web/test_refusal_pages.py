"""A refused form shows its own page again, with the reason, status 422, and nothing done: the
mediator console's forwarding of an offer and an agreement's lifecycle acts (both through
``web.render.refused``)."""

from __future__ import annotations

from tests.web.site import Site, csrf, one, soup, text_of
from tests.web.test_agreement_pages import initiative  # noqa: F401  (fixture)


def test_forwarding_an_offer_to_nobody_shows_the_console_again(site: Site) -> None:
    food = site.tracks["food corridor"]
    un = site.client("un")
    console = soup(un.get(f"/tracks/{food}/console"))
    form = {"csrf_token": csrf(console), "decision": "forward", "message": "as sent"}
    r = un.post(f"/tracks/{food}/offers/1/decide", data=form)
    assert r.status_code == 422, r.text
    page = soup(r)
    assert "tick at least one party" in text_of(page, ".flash.error")
    assert one(page, "h1").get_text(strip=True) == "Mediator console: food corridor"


def test_suspending_without_the_confirmation_shows_the_agreement_again(
    site: Site,
    initiative: int,  # noqa: F811
) -> None:
    un = site.client("un")
    url = f"/agreements/{initiative}"
    before = soup(un.get(url))
    log = len(before.select("#log li"))
    form = {"csrf_token": csrf(before), "act": "suspend", "reason": "a test"}
    r = un.post(f"{url}/act", data=form)
    assert r.status_code == 422, r.text
    page = soup(r)
    assert "confirm" in text_of(page, ".flash.error")
    assert one(page, "#terms-hash")  # the agreement's own page
    assert len(soup(un.get(url)).select("#log li")) == log  # nothing recorded
