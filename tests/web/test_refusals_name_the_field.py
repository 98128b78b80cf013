"""Refusals of the set-up forms that clash with what exists (an organisation's name taken, an
address that holds a seat already, a name typed twice) name their field: next to it on the
page, in ``errors[].location`` in the API's answer, saying what to do (a tester found them
said only at the top of the page, the API's ``errors`` empty)."""

from __future__ import annotations

import httpx
from tests.web.form_schema import post_form, refused_at
from tests.web.site import Site, csrf, one, soup, text_of

PAGE = "/processes/1/admin"


def _api(c: httpx.Client, address: str, body: dict[str, object]) -> httpx.Response:
    return c.post(address, json=body, headers={"X-CSRF-Token": csrf(soup(c.get(PAGE)))})


def test_an_organisation_name_taken_is_refused_at_the_name(site: Site) -> None:
    admin = site.client("secretariat")
    r = post_form(admin, PAGE, PAGE, {"action": "organisation", "name": "ICRC", "kind": "party"})
    said = refused_at(r, "org-name")
    assert said == "the process has an organisation called “ICRC” already: choose another name"
    assert one(soup(r), "#org-name")["value"] == "ICRC"
    assert "Name: " in text_of(soup(r), "#error-summary")  # by its label, linked to the field
    api = _api(admin, "/api/processes/1/organisations", {"name": "ICRC", "kind": "party"})
    assert api.status_code == 409
    assert [x["location"] for x in api.json()["errors"]] == ["name"]
    assert "choose another name" in api.json()["errors"][0]["message"]


def test_an_address_holding_the_seat_already_is_refused_at_the_email(site: Site) -> None:
    admin = site.client("secretariat")
    seat = {"role": "observer", "organisation_id": "7"}  # ICRC's observer is a member already
    invite = {"action": "invite", "email": "ICRC@demo.gobetween.org", **seat}
    said = refused_at(post_form(admin, PAGE, PAGE, invite), "invite-email")
    assert "icrc@demo.gobetween.org holds a role in this process already" in said
    assert "change that member's role" in said
    body = {"email": "icrc@demo.gobetween.org", "role": "observer", "organisation_id": 7}
    api = _api(admin, "/api/processes/1/invitations", body)
    assert api.status_code == 409, api.text
    assert [x["location"] for x in api.json()["errors"]] == ["email"]
    listed = admin.get("/api/processes/1/invitations").json()
    assert "icrc@demo.gobetween.org" not in {i["email"] for i in listed}


def test_the_address_and_the_seat_are_refused_together(site: Site) -> None:
    admin = site.client("secretariat")
    invite = {"action": "invite", "email": "abc", "role": "party_member", "organisation_id": ""}
    page = soup(post_form(admin, PAGE, PAGE, invite))
    for field in ("invite-email", "invite-org"):
        assert one(page, f"#{field}")["aria-invalid"] == "true"
        assert text_of(page, f"#{field}-error")


def test_an_organisation_named_twice_in_a_new_process_is_refused_at_its_field(
    site: Site,
) -> None:
    c = site.client("secretariat")
    form = {"name": "Energy talks", "parties": "Ukraine\nRussia", "mediators": "UN\nUkraine"}
    r = post_form(c, "/processes/new", "/processes/new", form)
    said = refused_at(r, "process-mediators")
    assert said == "“Ukraine” is named twice: each organisation of a process has its own name"
    assert "Energy talks" not in {p["name"] for p in c.get("/api/processes").json()}
