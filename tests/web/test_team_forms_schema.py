"""The team page's note and assignment forms and the meetings form read through the API's bodies
(``NoteIn``, ``AssignmentIn``, ``MeetingIn``): what the API refuses with 422 naming a field, the
page refuses at that field (the words next to it, the form as typed, nothing stored)."""

from __future__ import annotations

import httpx
from tests.web.form_schema import api_refusal, post_form, refused_at
from tests.web.site import Site, csrf, one, soup, text_of

FOOD = "food corridor"


def _api(c: httpx.Client, page: str, address: str, body: dict[str, object]) -> str:
    return api_refusal(c, page, "POST", address, body)


def test_a_note_too_long_is_refused_at_text_and_kept(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    page, action = f"/tracks/{food}/team", f"/tracks/{food}/notes"
    text = "n" * 20_001
    r = post_form(un, page, action, {"text": text, "channel_id": ""})
    assert "20,001 characters; at most 20,000" in refused_at(r, "note-text")
    assert one(soup(r), "#note-text").get_text() == text
    assert _api(un, page, f"/api/tracks/{food}/notes", {"text": text}) == "body.text"
    odd = post_form(un, page, action, {"text": "fine", "channel_id": "abc"})
    assert "whole number" in refused_at(odd, "note-about")
    body = {"text": "fine", "channel_id": "abc"}
    assert _api(un, page, f"/api/tracks/{food}/notes", body) == "body.channel_id"
    assert un.get(f"/api/tracks/{food}/notes").json() == []
    assert post_form(un, page, action, {"text": "n" * 20_000}).status_code == 303


def test_an_assignment_of_a_non_id_is_refused_at_its_field(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    page, action = f"/tracks/{food}/team", f"/tracks/{food}/assignments"
    r = post_form(un, page, action, {"channel_id": "1", "user_id": "0"})
    assert "at least 1" in refused_at(r, "assign-user")
    body = {"channel_id": 1, "user_id": 0}
    assert _api(un, page, f"/api/tracks/{food}/assignments", body) == "body.user_id"


def test_a_meeting_is_refused_where_the_api_refuses_it(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    page = f"/tracks/{food}/meetings"
    ukraine = str(site.orgs["Ukraine"])
    form = {"held_at": "2022-07-13T11:00", "kind": "call", "party_ids": ukraine}
    r = post_form(un, page, page, {**form, "place": "p" * 301, "summary": "kept"})
    assert "301 characters; at most 300" in refused_at(r, "m-place")
    shown = soup(r)
    assert one(shown, "#m-place")["value"] == "p" * 301
    assert one(shown, "#m-summary").get_text() == "kept"
    assert one(shown, "#m-kind option[selected]")["value"] == "call"
    assert one(shown, f"#m-party-{ukraine}").has_attr("checked")
    body = {"held_at": "2022-07-13T11:00:00Z", "place": "p" * 301, "party_ids": [int(ukraine)]}
    assert _api(un, page, f"/api/tracks/{food}/meetings", body) == "body.place"
    follow = {**form, "place": "Istanbul", "follow_ups": "f" * 2001}
    assert "2,001" in refused_at(post_form(un, page, page, follow), "m-follow")
    body = {**body, "place": "Istanbul", "follow_ups": [{"text": "f" * 2001}]}
    assert _api(un, page, f"/api/tracks/{food}/meetings", body) == "body.follow_ups.0.text"
    alone = post_form(un, page, page, {"held_at": "2022-07-13T11:00", "place": "Istanbul"})
    assert alone.status_code == 422
    assert "at least 1" in text_of(soup(alone), "#m-parties-error")
    assert un.get(f"/api/tracks/{food}/meetings").json() == []


def test_a_revocation_reason_too_long_is_refused_at_its_key(site: Site) -> None:
    from gobetween.agreements import generate_private_key, public_key_pem

    ukraine = site.client("ukraine")
    org = site.orgs["Ukraine"]
    pem = public_key_pem(generate_private_key()).decode()
    body = {"public_key_pem": pem, "origin": "browser"}
    token = csrf(soup(ukraine.get("/keys")))
    made = ukraine.post(
        f"/api/organisations/{org}/keys", json=body, headers={"X-CSRF-Token": token}
    )
    assert made.status_code == 201, made.text
    key = made.json()["id"]
    reason = "r" * 501
    r = post_form(ukraine, "/keys", f"/keys/{key}/revoke", {"reason": reason})
    assert "501 characters; at most 500" in refused_at(r, f"reason-{key}")
    assert one(soup(r), f"#reason-{key}")["value"] == reason
    assert (
        _api(ukraine, "/keys", f"/api/keys/{key}/revocation", {"reason": reason}) == "body.reason"
    )
    page = soup(ukraine.get("/keys"))
    assert one(page, f"li.key:has(#reason-{key})")["data-status"] == "pending"
    assert (
        post_form(ukraine, "/keys", f"/keys/{key}/revoke", {"reason": "r" * 500}).status_code == 303
    )


def test_the_team_forms_refusals_are_summarised_by_their_labels_in_ukrainian(site: Site) -> None:
    """The team page's summary said the API's place ("text: ...", "user_id: ..."): each
    refusal now names the field by its label in the page's language and links to it."""
    food = site.tracks[FOOD]
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    page = f"/tracks/{food}/team"
    note = soup(post_form(un, page, f"/tracks/{food}/notes", {"text": "n" * 20_001}))
    link = one(note, "#error-summary a")
    assert link["href"] == "#note-text"
    label = text_of(note, "label[for=note-text]")
    assert text_of(note, "#error-summary li").startswith(f"{label}:")
    assert "text:" not in text_of(note, "#error-summary")
    assignment = post_form(
        un, page, f"/tracks/{food}/assignments", {"channel_id": "1", "user_id": "0"}
    )
    summary = soup(assignment)
    assert one(summary, "#error-summary a")["href"] == "#assign-user"
    assert "user_id" not in text_of(summary, "#error-summary")
