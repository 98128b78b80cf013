"""The process admin's forms read through the API's bodies (``OrganisationIn``,
``InvitationIn``, ``MemberChange``): what the API refuses with 422 naming a field, the page
refuses at that field (the words next to it, the form as typed, nothing stored)."""

from __future__ import annotations

import httpx
from tests.web.form_schema import api_refusal, post_form, refused_at
from tests.web.site import Site, one, soup, text_of

PAGE = "/processes/1/admin"


def _post(c: httpx.Client, data: dict[str, str]) -> httpx.Response:
    return post_form(c, PAGE, PAGE, data)


def _api(c: httpx.Client, method: str, address: str, body: dict[str, object]) -> str:
    return api_refusal(c, PAGE, method, address, body)


def test_an_organisation_name_too_long_is_refused_at_name(site: Site) -> None:
    admin = site.client("secretariat")
    before = admin.get("/api/processes/1/organisations").json()
    name = "o" * 201
    r = _post(admin, {"action": "organisation", "name": name, "kind": "observer"})
    assert "201 characters; at most 200" in refused_at(r, "org-name")
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
    assert "256 characters; at most 254" in refused_at(r, "invite-email")
    assert one(soup(r), "#invite-email")["value"] == email
    assert one(soup(r), "#invite-role option[selected]")["value"] == "observer"
    body = {"email": email, "role": "observer"}
    assert _api(admin, "POST", "/api/processes/1/invitations", body) == "body.email"
    odd = {**invite, "email": "new@example.org", "organisation_id": "abc"}
    assert "whole number" in refused_at(_post(admin, odd), "invite-org")
    body = {"email": "new@example.org", "role": "observer", "organisation_id": "abc"}
    assert _api(admin, "POST", "/api/processes/1/invitations", body) == "body.organisation_id"
    assert "new@example.org" not in text_of(soup(admin.get(PAGE)), "#members")


def test_a_membership_change_is_refused_at_its_row(site: Site) -> None:
    admin = site.client("secretariat")
    row = one(soup(admin.get(PAGE)), "#members tr[data-member='icrc@demo.gobetween.org']")
    membership = str(one(row, "input[name=membership_id]")["value"])
    change = {"action": "change", "membership_id": membership, "role": "observer"}
    r = _post(admin, {**change, "organisation_id": "0"})
    assert "at least 1" in refused_at(r, f"org-{membership}")
    body = {"role": "observer", "organisation_id": 0}
    address = f"/api/processes/1/members/{membership}"
    assert _api(admin, "PATCH", address, body) == "body.organisation_id"
    other = soup(r).select("#members [aria-invalid]")
    assert [str(x["id"]) for x in other] == [f"org-{membership}"]  # only the refused row


def test_the_refusal_next_to_the_field_is_in_the_readers_language(site: Site) -> None:
    from tests.web.test_notices_i18n import _in, _speaks_ukrainian

    admin = _speaks_ukrainian(site, "secretariat")
    r = _post(admin, {"action": "organisation", "name": "o" * 201, "kind": "observer"})
    words = refused_at(r, "org-name")
    expected = _in("uk", "%(length)s characters; at most %(limit)s are accepted")
    assert words == expected % {"length": "201", "limit": "200"}, words
    assert "characters" not in words
