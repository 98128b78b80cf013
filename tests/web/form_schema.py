"""What the tests of page forms read through the API's schemas share: where the API refuses a
body (the location it names) and where the page refuses the same value (the words next to the
field, which is marked invalid)."""

from __future__ import annotations

import httpx
from tests.web.site import csrf, one, soup, text_of
from tests.web.test_pages import post_form

__all__ = ["api_refusal", "post_form", "refused_at"]


def api_refusal(c: httpx.Client, page: str, method: str, address: str, body: object) -> str:
    """The location the API names when it refuses ``body`` at ``address`` (422), called with
    the CSRF token of ``page``."""
    token = csrf(soup(c.get(page)))
    r = c.request(method, address, json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 422, r.text
    return str(r.json()["errors"][0]["location"])


def refused_at(r: httpx.Response, element: str) -> str:
    """The words a refused page (422) shows next to the field ``#element``, marked invalid."""
    assert r.status_code == 422, r.text
    shown = soup(r)
    assert one(shown, f"#{element}")["aria-invalid"] == "true"
    return text_of(shown, f"#{element}-error")
