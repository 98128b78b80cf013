"""A refused form shows its own page again, with the reason, status 422, and nothing done: the
mediator console's forwarding of an offer and an agreement's lifecycle acts (both through
``web.render.refused``); a form field beyond its length limit is refused by name."""

from __future__ import annotations

import pytest
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


@pytest.mark.parametrize(
    ("url", "field", "limit"),
    [
        ("/login", "email", 254),
        ("/login", "password", 1024),
        ("/login", "code", 64),
        ("/language", "locale", 16),
        ("/password-reset", "email", 254),
    ],
)
def test_a_form_field_beyond_its_limit_is_refused_by_name(
    site: Site, url: str, field: str, limit: int
) -> None:
    """The shared form fields (web.common.EmailField, PasswordField, CodeField, LocaleField)
    keep their limits: one character more is a 422 naming the field, never a 500, answered
    with an HTML page (not problem+json: a browser posted it)."""
    visitor = site.client()
    form = {"csrf_token": csrf(soup(visitor.get("/login"))), field: "a" * (limit + 1)}
    r = visitor.post(url, data=form)
    assert r.status_code == 422, r.text
    detail = text_of(soup(r), ".problem")
    assert detail.startswith(f"the field {field}: ")
    assert f"at most {limit:,}" in detail
