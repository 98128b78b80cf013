"""The new-track page names the track in the working languages of its process at once, as the
API's ``POST /api/processes/{id}/tracks`` does (``names``): a folded field per language, a name
in a language the process does not work in (or over 200 characters) refused at its field with
everything typed kept, an empty one left out; the names shown at once to their readers."""

from __future__ import annotations

import httpx
from tests.web.site import Site, csrf, one, soup, text_of
from tests.web.test_forms_validation import _post

NEW = "/processes/1/tracks/new"
ROWS = {"i0.name": "price", "i0.kind": "discrete", "i0.o0.name": "low", "i0.o1.name": "high"}


def _form(site: Site, name: str = "grain prices") -> dict[str, object]:
    orgs = [str(site.orgs["Ukraine"]), str(site.orgs["Qatar"])]
    return {"action": "save", "track_name": name, "organisation_ids": orgs, **ROWS}


def _tracks(c: httpx.Client, process_id: int) -> dict[str, dict[str, object]]:
    listed = c.get(f"/api/processes/{process_id}/tracks").json()
    return {str(track["name"]): track for track in listed}


def _process_in_english_and_ukrainian(c: httpx.Client) -> tuple[int, list[str]]:
    """A new process working in English and Ukrainian only; its id and a party's and a
    mediator's ids."""
    made = {
        "name": "Danube talks",
        "parties": "Ukraine\nRussian Federation",
        "mediators": "Qatar",
        "languages": ["en", "uk"],
    }
    r = _post(c, "/processes/new", "/processes/new", made)
    assert r.status_code == 303, r.text
    process_id = int(r.headers["location"].split("/")[2])
    orgs = {o["name"]: o["id"] for o in c.get(f"/api/processes/{process_id}/organisations").json()}
    return process_id, [str(orgs["Ukraine"]), str(orgs["Qatar"])]


def test_the_page_offers_a_name_field_per_working_language_folded_until_used(
    site: Site,
) -> None:
    page = soup(site.client("secretariat").get(NEW))
    names = one(page, "form#agenda-form details#track-names")
    assert not names.has_attr("open")  # optional: folded
    fields = [i["name"] for i in names.select("input[type=text]")]
    assert fields == ["names.en", "names.uk", "names.ru", "names.tr", "names.ar"]  # the process's
    assert one(names, "#track-names-ar")["lang"] == "ar"
    assert one(names, "#track-names-ar")["maxlength"] == "200"
    assert one(names, "label[for=track-names-uk]").get_text() == "Українська"
    assert one(names, "label[for=track-names-ar] span")["dir"] == "rtl"  # the language its own
    assert one(names, "label[for=track-names-en]")["dir"] == "ltr"  # the label: the page's


def test_a_new_track_is_named_in_the_working_languages_and_read_so(site: Site) -> None:
    c = site.client("secretariat")
    sent = {**_form(site), "names.uk": "  ціни на зерно ", "names.ru": "", "names.tr": " "}
    r = _post(c, NEW, NEW, sent)
    assert r.status_code == 303, r.text
    made = _tracks(c, 1)["grain prices"]
    assert made["names"] == {"uk": "ціни на зерно"}  # trimmed; empty ones: none
    page = f"/tracks/{made['id']}"
    assert "ціни на зерно" not in text_of(soup(c.get(page)), "main")  # English: as entered
    c.cookies.set("gobetween_lang", "uk")
    assert "ціни на зерно" in text_of(soup(c.get(page)), "main h1")


def test_a_name_in_a_language_the_process_does_not_work_in_is_refused_at_its_field(
    site: Site,
) -> None:
    c = site.client("secretariat")
    process_id, orgs = _process_in_english_and_ukrainian(c)
    new = f"/processes/{process_id}/tracks/new"
    assert [i["name"] for i in soup(c.get(new)).select("#track-names input")] == [
        "names.en",
        "names.uk",
    ]
    sent = {
        **_form(site),
        "organisation_ids": orgs,
        "names.uk": "ціни на зерно",
        "names.tr": "tahıl fiyatları",  # a form of before, or made by hand
        "i0.o1.name": "h" * 201,  # refused with it, at once
    }
    r = _post(c, new, new, sent)
    assert r.status_code == 422, r.text
    page = soup(r)
    said = [li.get_text(" ", strip=True) for li in page.select("#error-summary li")]
    # named by the field's label, linked to it (not "names.tr"), before the agenda's problem
    assert said[0].startswith(
        "Name in Turkish (what readers of that language see): Turkish (tr) is not a working "
        "language of the process: add it to the working languages first, or leave this name out"
    )
    assert len(said) == 2
    assert "201 characters" in said[1]
    assert page.select("#error-summary a")[0]["href"] == "#track-names-tr"
    assert one(page, "#track-names-tr")["aria-invalid"] == "true"
    assert "Turkish (tr) is not a working" in text_of(page, "#track-names-tr-error")
    assert one(page, "details#track-names").has_attr("open")  # the refused field is shown
    assert one(page, "#track-names-tr")["value"] == "tahıl fiyatları"  # kept as typed
    assert one(page, "#track-names-uk")["value"] == "ціни на зерно"
    assert one(page, "#track-name")["value"] == "grain prices"
    assert one(page, "#i0-o1")["value"] == "h" * 201
    assert _tracks(c, process_id) == {}  # nothing created


def test_a_name_over_200_characters_is_refused_at_its_field(site: Site) -> None:
    c = site.client("secretariat")
    long = "з" * 201
    r = _post(c, NEW, NEW, {**_form(site), "names.uk": long})
    assert r.status_code == 422, r.text
    page = soup(r)
    assert one(page, "#track-names-uk")["aria-invalid"] == "true"
    assert text_of(page, "#track-names-uk-error") == "201 characters; at most 200 are accepted"
    assert one(page, "#track-names-uk")["value"] == long  # kept, not cut
    assert one(page, "details#track-names").has_attr("open")
    assert "grain prices" not in _tracks(c, 1)
    r = _post(c, NEW, NEW, {**_form(site), "names.uk": "з" * 200})
    assert r.status_code == 303, r.text


def test_the_api_names_a_new_track_and_refuses_alike(site: Site) -> None:
    c = site.client("secretariat")
    process_id, orgs = _process_in_english_and_ukrainian(c)
    headers = {"X-CSRF-Token": csrf(soup(c.get(f"/processes/{process_id}/tracks/new")))}
    agenda = {"issues": [{"name": "price", "options": [{"name": "low"}, {"name": "high"}]}]}
    body = {"name": "grain prices", "agenda": agenda, "organisation_ids": [int(o) for o in orgs]}
    url = f"/api/processes/{process_id}/tracks"
    for names, location in (({"tr": "tahıl"}, "names.tr"), ({"uk": "з" * 201}, "body.names.uk")):
        r = c.post(url, json={**body, "names": names}, headers=headers)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["location"] == location
    assert _tracks(c, process_id) == {}
    r = c.post(url, json={**body, "names": {"uk": " ціни на зерно "}}, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["names"] == {"uk": "ціни на зерно"}
