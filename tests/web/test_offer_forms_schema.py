"""The channel's offer form and the console's forward and decline forms read through the API's
bodies (``OfferIn``, ``ForwardIn``, ``DeclineIn``): a value the API refuses with 422 naming a
field is refused by the page at the same field (422, the page again with the words next to it,
what was typed kept, nothing stored); a value the API accepts, the page accepts."""

from __future__ import annotations

import httpx
from tests.web.site import Site, csrf, one, soup, text_of

FOOD = "food corridor"
TOO_LONG = "x" * 20_001


def _post(c: httpx.Client, page: str, action: str, data: dict[str, object]) -> httpx.Response:
    token = csrf(soup(c.get(page, follow_redirects=True)))
    return c.post(action, data={"csrf_token": token, **data})


def _api(c: httpx.Client, page: str, address: str, body: dict[str, object]) -> httpx.Response:
    token = csrf(soup(c.get(page, follow_redirects=True)))
    return c.post(address, json=body, headers={"X-CSRF-Token": token})


def _location(r: httpx.Response) -> str:
    assert r.status_code == 422, r.text
    return str(r.json()["errors"][0]["location"])


def _pending_offer(site: Site) -> tuple[int, httpx.Client, str]:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    sent = _post(ua, f"/tracks/{food}/channel", f"/tracks/{food}/offers", {"message": "120?"})
    assert sent.status_code == 303
    return food, site.client("un"), f"/tracks/{food}/console"


def _status(site: Site, food: int) -> str:
    page = soup(site.client("ukraine").get(f"/tracks/{food}/channel", follow_redirects=True))
    return text_of(page, ".sent-offer .status")


def test_an_offer_message_too_long_is_refused_by_page_and_api_at_message(site: Site) -> None:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    page = f"/tracks/{food}/channel"
    r = _post(ua, page, f"/tracks/{food}/offers", {"message": TOO_LONG})
    assert r.status_code == 422
    assert "20,001 characters; at most 20,000" in text_of(soup(r), "#offer-message-error")
    assert _location(_api(ua, page, f"/api/tracks/{food}/offers", {"message": TOO_LONG})) == (
        "body.message"
    )
    generic = f"/api/tracks/{food}/protocols/relay/send_offer"
    assert _location(_api(ua, page, generic, {"message": TOO_LONG})) == "body.message"
    assert ua.get(f"/api/tracks/{food}/offers").json()["sent"] == []
    longest = {"message": "y" * 20_000}
    assert _post(ua, page, f"/tracks/{food}/offers", longest).status_code == 303
    assert _api(ua, page, f"/api/tracks/{food}/offers", longest).status_code == 201
    sent = ua.get(f"/api/tracks/{food}/offers").json()["sent"]
    assert [len(o["message"]) for o in sent] == [20_000, 20_000]


def test_a_forwarded_message_too_long_is_refused_next_to_its_field(site: Site) -> None:
    food, un, console = _pending_offer(site)
    action = str(one(soup(un.get(console)), "form#offer-1")["action"])
    ukraine_russia = [
        str(i["value"]) for i in soup(un.get(console)).select("#offer-1 [name=recipient]")
    ]
    form = {"decision": "forward", "recipient": ukraine_russia, "message": TOO_LONG}
    r = _post(un, console, action, form)
    assert r.status_code == 422
    doc = soup(r)
    assert "20,001 characters; at most 20,000" in text_of(doc, "#offer-1-message-error")
    area = one(doc, "#offer-1-message")
    assert area["aria-describedby"] == "offer-1-message-error"
    assert area.get_text() == TOO_LONG  # what was typed comes back whole
    api = _api(un, console, f"/api/tracks/{food}/offers/1/forward", {"message": TOO_LONG})
    assert _location(api) == "body.message"
    assert "pending" in _status(site, food)
    ok = _post(un, console, action, {**form, "message": "y" * 20_000})
    assert ok.status_code == 303
    assert "forwarded" in _status(site, food)


def test_a_decline_reason_too_long_is_refused_next_to_its_field(site: Site) -> None:
    food, un, console = _pending_offer(site)
    action = str(one(soup(un.get(console)), "form#offer-1")["action"])
    r = _post(un, console, action, {"decision": "decline", "reason": "z" * 5001})
    assert r.status_code == 422
    doc = soup(r)
    assert "5,001 characters; at most 5,000" in text_of(doc, "#offer-1-reason-error")
    assert one(doc, "#offer-1-reason")["value"] == "z" * 5001
    api = _api(un, console, f"/api/tracks/{food}/offers/1/decline", {"reason": "z" * 5001})
    assert _location(api) == "body.reason"
    assert "pending" in _status(site, food)


def test_a_recipient_that_is_not_an_id_is_refused_not_dropped(site: Site) -> None:
    food, un, console = _pending_offer(site)
    action = str(one(soup(un.get(console)), "form#offer-1")["action"])
    form = {"decision": "forward", "recipient": "Russia", "message": "as sent"}
    r = _post(un, console, action, form)
    assert r.status_code == 422  # was dropped, and the offer forwarded to nobody named
    assert "whole number" in text_of(soup(r), "#offer-1-recipients-error")
    api = _api(un, console, f"/api/tracks/{food}/offers/1/forward", {"recipients": ["Russia"]})
    assert _location(api) == "body.recipients.0"
    assert "pending" in _status(site, food)


def test_the_console_says_the_refusal_in_the_readers_language(site: Site) -> None:
    _food, un, console = _pending_offer(site)
    uk = {"Accept-Language": "uk"}
    token = csrf(soup(un.get(console, headers=uk)))
    action = str(one(soup(un.get(console)), "form#offer-1")["action"])
    data = {"csrf_token": token, "decision": "decline", "reason": "z" * 5001}
    r = un.post(action, data=data, headers=uk)
    assert r.status_code == 422
    assert "симв.; приймається щонайбільше" in text_of(soup(r), "#offer-1-reason-error")


def test_an_option_off_the_agenda_is_refused_at_options_as_the_generic_api_does(
    site: Site,
) -> None:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    page = f"/tracks/{food}/channel"
    r = _post(ua, page, f"/tracks/{food}/offers", {"option:term": "999", "message": "999 days"})
    assert r.status_code == 422
    doc = soup(r)
    assert "the option '999' of issue 'term'" in text_of(doc, "#offer-options-error")
    assert one(doc, "textarea#offer-message").get_text() == "999 days"
    generic = f"/api/tracks/{food}/protocols/relay/send_offer"
    assert _location(_api(ua, page, generic, {"options": {"term": "999"}})) == "body.options"
    assert ua.get(f"/api/tracks/{food}/offers").json()["sent"] == []
    ok = _post(ua, page, f"/tracks/{food}/offers", {"option:term": "120", "message": "120"})
    assert ok.status_code == 303
    (sent,) = ua.get(f"/api/tracks/{food}/offers").json()["sent"]
    assert (sent["options"], sent["message"]) == ({"term": "120"}, "120")


def test_a_forwarded_option_off_the_agenda_is_refused_at_options(site: Site) -> None:
    food, un, console = _pending_offer(site)
    doc = soup(un.get(console))
    action = str(one(doc, "form#offer-1")["action"])
    to = [str(i["value"]) for i in doc.select("#offer-1 [name=recipient]")]
    form = {"decision": "forward", "recipient": to, "option:term": "999", "message": "999"}
    r = _post(un, console, action, form)
    assert r.status_code == 422
    assert "the option '999' of issue 'term'" in text_of(soup(r), "#offer-1-options-error")
    generic = f"/api/tracks/{food}/protocols/relay/forward_offer"
    api = _api(un, console, generic, {"offer": 1, "options": {"term": "999"}})
    assert _location(api) == "body.options"
    assert "pending" in _status(site, food)
    ok = _post(un, console, action, {**form, "option:term": "120"})
    assert ok.status_code == 303
    assert "forwarded" in _status(site, food)
    received = site.client("russia").get(f"/api/tracks/{food}/offers").json()["received"]
    assert [(o["options"], o["message"]) for o in received] == [({"term": "120"}, "999")]
