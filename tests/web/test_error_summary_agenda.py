"""The new-track form and the agenda editor list every problem of a refusal at the top of the
page, each naming the issue by its number and name and the field by its label, in the reader's
language and linked to the field, never by the API's path for it (``agenda.issues.0.name``,
``agenda, options[1]``, ``organisation_ids``), what was typed kept (testers in Turkish and
Arabic read the API's English names)."""

from __future__ import annotations

from tests.web.site import Site, one, soup, text_of
from tests.web.test_error_summary import _summary
from tests.web.test_error_summary_forms import _no_api_names
from tests.web.test_pages import post_form

NEW = "/processes/1/tracks/new"
API_NAMES = ("agenda.issues", "agenda,", "options[", "organisation_ids", "name:", "issues[")


def test_a_new_track_lists_every_problem_the_schema_finds_in_ukrainian(site: Site) -> None:
    admin = site.client("secretariat")
    admin.cookies.set("gobetween_lang", "uk")
    first = min(site.orgs.values())
    form: dict[str, object] = {
        "action": "save",
        "track_name": "т" * 201,
        "organisation_ids": [str(site.orgs["Ukraine"])],
        "i0.name": "п" * 201,
        "i0.kind": "discrete",
        "i0.o0.name": "низькі",
        "i0.o1.name": "високі",
        "i1.name": "порти",
        "i1.kind": "discrete",
        "i1.position": "2",
        "i1.o0.name": "Одеса",
        "i1.o1.name": "Чорноморськ",
        "i1.o1.w.en": "w" * 5001,
    }
    r = post_form(admin, NEW, NEW, form)
    assert r.status_code == 422
    doc = soup(r)
    listed = _summary(doc)
    assert [t for t, _ in listed] == ["track-name", f"track-org-{first}", "i0-name", "i1-o1-en"]
    said = text_of(doc, "#error-summary")
    assert "Є проблема" in said
    assert "(порти)" in listed[3][1], listed
    _no_api_names(said, *API_NAMES, "wording")
    assert one(doc, "#track-name")["value"] == "т" * 201
    assert one(doc, "#i0-name")["value"] == "п" * 201
    assert one(doc, "#i1-o1-en").get_text() == "w" * 5001
    assert one(doc, f"#track-org-{site.orgs['Ukraine']}").has_attr("checked")


def test_the_editors_own_and_the_models_refusals_name_the_issue_and_field_in_arabic(
    site: Site,
) -> None:
    admin = site.client("secretariat")
    admin.cookies.set("gobetween_lang", "ar")
    orgs = [str(site.orgs["Ukraine"]), str(site.orgs["Qatar"])]
    base: dict[str, object] = {"action": "save", "track_name": "موانئ", "organisation_ids": orgs}
    rows = {
        "i0.name": "ports",
        "i0.kind": "discrete",
        "i0.o0.name": "Odesa",
        "i0.o1.name": "Odesa",
        "i1.name": "fees",
        "i1.kind": "discrete",
        "i1.position": "2",
        "i1.o0.name": "low",
        "i2.name": "days",
        "i2.kind": "integer",
        "i2.position": "3",
        "i2.low": "x",
        "i2.high": "10",
        "i2.step": "y",
    }
    r = post_form(admin, NEW, NEW, {**base, **rows})
    assert r.status_code == 422
    doc = soup(r)
    listed = _summary(doc)
    # the editor's checks (one option, numbers) and the model's (two options named alike)
    assert [t for t, _ in listed] == ["i0-o1", "i1-o1", "i2-low", "i2-step"], listed
    assert "(ports)" in listed[0][1], listed
    assert "(fees)" in listed[1][1], listed
    _no_api_names(text_of(doc, "#error-summary"), *API_NAMES)
    assert one(doc, "#i0-o1")["value"] == "Odesa"
    assert one(doc, "#i2-low")["value"] == "x"
    # two issues named alike: the model's refusal at the second's name
    twice = {**rows, "i1.name": "ports", "i1.o1.name": "high", "i2.kind": "discrete"}
    twice |= {"i0.o1.name": "Chornomorsk", "i2.o0.name": "1", "i2.o1.name": "2"}
    r = post_form(admin, NEW, NEW, {**base, **twice})
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == ["i1-name"]
    _no_api_names(text_of(doc, "#error-summary"), *API_NAMES)


def test_an_empty_agenda_and_a_long_note_are_said_in_words_in_ukrainian(site: Site) -> None:
    admin = site.client("secretariat")
    admin.cookies.set("gobetween_lang", "uk")
    orgs = [str(site.orgs["Ukraine"]), str(site.orgs["Qatar"])]
    form: dict[str, object] = {"action": "save", "track_name": "порожньо", "organisation_ids": orgs}
    r = post_form(admin, NEW, NEW, {**form, "i0.name": "x", "i0.remove": "1"})
    assert r.status_code == 422
    doc = soup(r)
    listed = _summary(doc)
    assert [t for t, _ in listed] == [None]
    assert listed[0][1].startswith("Порядок денний"), listed
    _no_api_names(text_of(doc, "#error-summary"), *API_NAMES, "agenda")


def test_an_agenda_change_lists_the_issue_and_the_note_in_arabic(site: Site) -> None:
    from tests.web import drafting_helpers as drafting

    un, page, fields = drafting.published_agenda(site)
    un.cookies.set("gobetween_lang", "ar")
    typed = {"i0.name": "", "i1.description": "d" * 5001, "note": "n" * 5001}
    r = post_form(un, page, page, {**fields, **typed, "action": "save"})
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == ["i0-name", "i1-description", "agenda-note"]
    _no_api_names(text_of(doc, "#error-summary"), *API_NAMES, "note:", "description:")
    assert one(doc, "#i1-description").get_text() == "d" * 5001
    assert one(doc, "#agenda-note").get_text() == "n" * 5001


def test_a_file_that_is_no_agenda_is_refused_at_the_file_field_by_its_label(site: Site) -> None:
    """A picture uploaded as the agenda was refused as "files: upload one scenario file (.yaml,
    .yml, .json) or Genius XML files (.xml)": the API's name for the field, and no word of the
    ZIP the field's label offers (found walking the demo). The summary now links the file field
    by its label and names every kind of file it takes."""
    admin = site.client("secretariat")
    orgs = [str(site.orgs["Ukraine"]), str(site.orgs["Qatar"])]
    data = {"action": "import", "track_name": "fees", "organisation_ids": orgs}
    files = {"files": ("photo.png", b"\x89PNG\r\n\x1a\n", "image/png")}
    r = post_form(admin, NEW, NEW, data, files=files)
    assert r.status_code == 422, r.text
    doc = soup(r)
    listed = _summary(doc)
    assert [t for t, _ in listed] == ["agenda-files"], listed
    said = text_of(doc, "#error-summary")
    assert "files:" not in said, said
    assert ".zip" in said, said
    assert "Genius" in said, said
