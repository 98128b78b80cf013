"""The new-process page names the process in its other working languages at once, as the API's
``POST /api/processes`` does (``names``), refusing a name in a language not ticked at its field
and keeping everything typed."""

from __future__ import annotations

from tests.web.site import Site, one, soup, text_of
from tests.web.test_forms_validation import _post

FORM = {
    "name": "Black Sea energy talks",
    "parties": "Ukraine\nRussian Federation",
    "mediators": "Qatar",
    "languages": ["en", "uk"],
}


def test_the_page_offers_a_name_field_per_language_folded_until_used(site: Site) -> None:
    page = soup(site.client("secretariat").get("/processes/new"))
    names = one(page, "details#process-names")
    assert not names.has_attr("open")  # optional: folded
    fields = [i["name"] for i in names.select("input[type=text]")]
    assert fields == ["names.en", "names.uk", "names.ru", "names.tr", "names.ar"]
    assert one(names, "#process-names-ar")["lang"] == "ar"
    assert one(names, "label[for=process-names-uk]").get_text() == "Українська"


def test_a_new_process_is_named_in_the_languages_ticked(site: Site) -> None:
    c = site.client("secretariat")
    sent = {**FORM, "names.uk": "  Чорноморські енергетичні переговори ", "names.ru": ""}
    r = _post(c, "/processes/new", "/processes/new", sent)
    assert r.status_code == 303, r.text
    process_id = int(r.headers["location"].split("/")[2])
    made = c.get(f"/api/processes/{process_id}").json()
    assert made["names"] == {"uk": "Чорноморські енергетичні переговори"}  # trimmed; empty: none
    c.cookies.set("gobetween_lang", "uk")
    assert "Чорноморські енергетичні переговори" in text_of(soup(c.get("/")), "main")


def test_a_name_in_a_language_not_ticked_is_refused_at_its_field_and_nothing_is_lost(
    site: Site,
) -> None:
    c = site.client("secretariat")
    before = len(c.get("/api/processes").json())
    sent = {**FORM, "names.uk": "Чорноморські переговори", "names.tr": "Karadeniz görüşmeleri"}
    r = _post(c, "/processes/new", "/processes/new", sent)
    assert r.status_code == 422
    page = soup(r)
    said = text_of(page, ".flash.error")
    # named by the field's label, linked to it (not "names.tr")
    assert "Name in Turkish (what readers of that language see): Turkish (tr) is not" in said
    assert one(page, "#error-summary a")["href"] == "#process-names-tr"
    assert one(page, "#process-names-tr")["aria-invalid"] == "true"
    assert one(page, "details#process-names").has_attr("open")  # the refused field is shown
    assert one(page, "#process-names-tr")["value"] == "Karadeniz görüşmeleri"  # kept as typed
    assert one(page, "#process-names-uk")["value"] == "Чорноморські переговори"
    assert one(page, "#process-name")["value"] == FORM["name"]
    assert len(c.get("/api/processes").json()) == before  # nothing created


def test_the_organisations_are_named_in_the_languages_ticked(site: Site) -> None:
    """A field per language of lines ``name as typed above = name there`` names the process's
    organisations at once, as the admin page and the API name them."""
    c = site.client("secretariat")
    page = soup(c.get("/processes/new"))
    fold = one(page, "details#process-organisation_names")
    assert not fold.has_attr("open")
    assert [str(a["name"]) for a in fold.select("textarea")][:2] == [
        "organisation_names.en",
        "organisation_names.uk",
    ]
    sent = {
        **FORM,
        "languages": ["en", "uk", "ru"],
        "organisation_names.uk": "Ukraine = Україна\n\n  Qatar=Катар  \n",
        "organisation_names.ru": "Russian Federation = Российская Федерация",
    }
    r = _post(c, "/processes/new", "/processes/new", sent)
    assert r.status_code == 303, r.text
    process_id = int(r.headers["location"].split("/")[2])
    orgs = c.get(f"/api/processes/{process_id}/organisations").json()
    assert {o["name"]: o["names"] for o in orgs} == {
        "Ukraine": {"uk": "Україна"},
        "Russian Federation": {"ru": "Российская Федерация"},
        "Qatar": {"uk": "Катар"},
    }


def test_a_bad_line_of_organisations_names_is_refused_at_its_field(site: Site) -> None:
    c = site.client("secretariat")
    before = len(c.get("/api/processes").json())
    typed = "Ukraine = Україна\nUkrane = Україна\nРосійська Федерація"
    sent = {**FORM, "organisation_names.uk": typed, "organisation_names.tr": "Qatar = Katar"}
    r = _post(c, "/processes/new", "/processes/new", sent)
    assert r.status_code == 422
    page = soup(r)
    said = text_of(page, "#process-organisation_names-uk-error")
    assert "line 2: “Ukrane” is none of the organisations typed above" in said
    assert "line 3 is not like “Ukraine = Україна”" in text_of(page, "#error-summary")  # every one
    assert one(page, "#process-organisation_names-uk")["aria-invalid"] == "true"
    turkish = text_of(page, "#process-organisation_names-tr-error")
    assert "Turkish (tr) is not a working language of the process" in turkish
    assert one(page, "details#process-organisation_names").has_attr("open")
    assert one(page, "#process-organisation_names-uk").get_text() == typed  # kept as typed
    assert len(c.get("/api/processes").json()) == before  # nothing created
