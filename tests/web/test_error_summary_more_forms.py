"""The drafting, publishing, agreement and admin forms list every problem of a refusal at the
top of the page, each by its field's label in the reader's language and linked to the field,
never by the API's name or path for it (``note:``, ``confirm: true``, ``effective_date``,
``organisation_id``, ``articles.3.wording.uk``), what was typed kept (a tester walking the
demo in Turkish and Arabic found English names on their pages, scrambling Arabic lines)."""

from __future__ import annotations

from tests.web import drafting_helpers as drafting
from tests.web.site import Site, one, soup, text_of
from tests.web.test_error_summary import _summary
from tests.web.test_error_summary_forms import _no_api_names
from tests.web.test_pages import FOOD, post_form

ADMIN = "/processes/1/admin"


def test_a_draft_lists_its_wording_deadline_and_note_in_form_order_in_ukrainian(
    site: Site,
) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    page = f"/tracks/{food}/draft"
    fields = drafting.draft_fields(un, food)
    issues = [k[4:] for k in fields if k.startswith("pkg-")]
    n = issues.index("term") + 1
    typed = {"clause-term@uk": "т" * 20_001, "deadline": "завтра", "note": "n" * 5001}
    r = post_form(un, page, page, {**fields, **typed})
    assert r.status_code == 422
    doc = soup(r)
    assert [target for target, _ in _summary(doc)] == [f"clause-{n}-uk", "deadline", "note"]
    said = text_of(doc, "#error-summary")
    assert "Є проблема" in said
    _no_api_names(said, "articles.", "wording.", "note:", "deadline:", "clause-", "term")
    assert one(doc, f"#clause-{n}-uk").get_text() == "т" * 20_001
    assert one(doc, "#deadline")["value"] == "завтра"
    assert one(doc, "#note").get_text() == "n" * 5001


def test_publishing_without_the_tick_says_so_in_words_in_arabic(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    page = f"/tracks/{food}/draft"
    saved = post_form(un, page, page, {**drafting.draft_fields(un, food)})
    assert saved.status_code == 303, saved.text
    draft = str(saved.headers["location"])
    un.cookies.set("gobetween_lang", "ar")
    r = post_form(un, draft, f"{draft}/publish", {})
    assert r.status_code == 422
    doc = soup(r)
    assert [target for target, _ in _summary(doc)] == ["confirm"]
    said = text_of(doc, "#error-summary")
    _no_api_names(said, "confirm", "true")
    assert one(doc, "#confirm-group-error").get_text(strip=True)


def test_the_agreement_form_names_its_title_and_date_by_label_in_ukrainian(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    page = f"/tracks/{food}/agreement"
    form: dict[str, object] = {"title": "Т" * 301, "effective_date": "вчора"}
    r = post_form(un, page, page, form)
    assert r.status_code == 422
    doc = soup(r)
    assert [target for target, _ in _summary(doc)] == ["title", "effective_date"]
    _no_api_names(text_of(doc, "#error-summary"), "effective_date", "title:")
    assert one(doc, "#title")["value"] == "Т" * 301
    assert one(doc, "#effective_date")["value"] == "вчора"


def test_an_invitation_lists_its_address_role_and_organisation_in_arabic(site: Site) -> None:
    admin = site.client("secretariat")
    admin.cookies.set("gobetween_lang", "ar")
    email = "a" * 250 + "@x.org"
    invite: dict[str, object] = {
        "action": "invite",
        "email": email,
        "role": "king",
        "organisation_id": "abc",
    }
    r = post_form(admin, ADMIN, ADMIN, invite)
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == ["invite-email", "invite-role", "invite-org"]
    _no_api_names(text_of(doc, "#error-summary"), "email", "role:", "organisation_id")
    assert one(doc, "#invite-email")["value"] == email


def test_a_new_organisation_and_a_member_change_name_their_fields_in_ukrainian(
    site: Site,
) -> None:
    admin = site.client("secretariat")
    admin.cookies.set("gobetween_lang", "uk")
    r = post_form(admin, ADMIN, ADMIN, {"action": "organisation", "name": "", "kind": "king"})
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == ["org-name", "org-kind"]
    _no_api_names(text_of(doc, "#error-summary"), "name:", "kind:")
    row = one(soup(admin.get(ADMIN)), "#members tr[data-member='icrc@demo.gobetween.org']")
    membership = str(one(row, "input[name=membership_id]")["value"])
    change = {"action": "change", "membership_id": membership}
    r = post_form(admin, ADMIN, ADMIN, {**change, "role": "king", "organisation_id": "0"})
    assert r.status_code == 422
    doc = soup(r)
    targets = [t for t, _ in _summary(doc)]
    assert targets == [f"role-{membership}", f"org-{membership}"], targets
    _no_api_names(text_of(doc, "#error-summary"), "role:", "organisation_id")
