"""The process admin's forms read through the API's bodies (``OrganisationIn``,
``InvitationIn``, ``MemberChange``): what the API refuses with 422 naming a field, the page
refuses at that field (the words next to it, the form as typed, nothing stored)."""

from __future__ import annotations

import httpx
from tests.web.site import Site, csrf, one, soup, text_of

PAGE = "/processes/1/admin"


def _post(c: httpx.Client, data: dict[str, str]) -> httpx.Response:
    token = csrf(soup(c.get(PAGE)))
    return c.post(PAGE, data={"csrf_token": token, **data})


def _api(c: httpx.Client, method: str, address: str, body: dict[str, object]) -> str:
    token = csrf(soup(c.get(PAGE)))
    r = c.request(method, address, json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 422, r.text
    return str(r.json()["errors"][0]["location"])


def _refused_at(r: httpx.Response, element: str) -> str:
    assert r.status_code == 422, r.text
    shown = soup(r)
    assert one(shown, f"#{element}")["aria-invalid"] == "true"
    return text_of(shown, f"#{element}-error")


def test_an_organisation_name_too_long_is_refused_at_name(site: Site) -> None:
    admin = site.client("secretariat")
    before = admin.get("/api/processes/1/organisations").json()
    name = "o" * 201
    r = _post(admin, {"action": "organisation", "name": name, "kind": "observer"})
    assert "201 characters; at most 200" in _refused_at(r, "org-name")
    assert one(soup(r), "#org-name")["value"] == name
    assert one(soup(r), "#org-kind option[selected]")["value"] == "observer"
    body = {"name": name, "kind": "observer"}
    assert _api(admin, "POST", "/api/processes/1/organisations", body) == "body.name"
    assert admin.get("/api/processes/1/organisations").json() == before
    assert (
        _post(admin, {"action": "organisation", "name": "o" * 200, "kind": "observer"}).status_code
        == 303
    )


def test_an_invitation_is_refused_where_the_api_refuses_it(site: Site) -> None:
    admin = site.client("secretariat")
    email = "a" * 250 + "@x.org"
    invite = {"action": "invite", "email": email, "role": "observer", "organisation_id": ""}
    r = _post(admin, invite)
    assert "256 characters; at most 254" in _refused_at(r, "invite-email")
    assert one(soup(r), "#invite-email")["value"] == email
    assert one(soup(r), "#invite-role option[selected]")["value"] == "observer"
    body = {"email": email, "role": "observer"}
    assert _api(admin, "POST", "/api/processes/1/invitations", body) == "body.email"
    odd = {**invite, "email": "new@example.org", "organisation_id": "abc"}
    assert "whole number" in _refused_at(_post(admin, odd), "invite-org")
    body = {"email": "new@example.org", "role": "observer", "organisation_id": "abc"}
    assert _api(admin, "POST", "/api/processes/1/invitations", body) == "body.organisation_id"
    assert "new@example.org" not in text_of(soup(admin.get(PAGE)), "#members")


def test_a_membership_change_is_refused_at_its_row(site: Site) -> None:
    admin = site.client("secretariat")
    row = one(soup(admin.get(PAGE)), "#members tr[data-member='icrc@demo.gobetween.org']")
    membership = str(one(row, "input[name=membership_id]")["value"])
    change = {"action": "change", "membership_id": membership, "role": "observer"}
    r = _post(admin, {**change, "organisation_id": "0"})
    assert "at least 1" in _refused_at(r, f"org-{membership}")
    body = {"role": "observer", "organisation_id": 0}
    address = f"/api/processes/1/members/{membership}"
    assert _api(admin, "PATCH", address, body) == "body.organisation_id"
    other = soup(r).select("#members [aria-invalid]")
    assert [str(x["id"]) for x in other] == [f"org-{membership}"]  # only the refused row


def test_the_refusal_next_to_the_field_is_in_the_readers_language(site: Site) -> None:
    from tests.web.test_notices_i18n import _in, _speaks_ukrainian

    admin = _speaks_ukrainian(site, "secretariat")
    r = _post(admin, {"action": "organisation", "name": "o" * 201, "kind": "observer"})
    words = _refused_at(r, "org-name")
    expected = _in("uk", "%(length)s characters; at most %(limit)s are accepted")
    assert words == expected % {"length": "201", "limit": "200"}, words
    assert "characters" not in words
