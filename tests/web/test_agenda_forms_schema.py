"""The agenda editor reads its saved form as the API's bodies (``TrackIn`` for a new track,
``AgendaChangeIn`` for a change) and builds the agenda with the API's ``agenda_of``: what the API
refuses with 422 naming a field, the page refuses at that field (the words next to it, the rows
as typed, nothing stored, nothing cut); the import's source is refused over 200 characters."""

from __future__ import annotations

import httpx
from tests.web.form_schema import api_refusal, post_form, refused_at
from tests.web.site import Site, one, soup, text_of

NEW = "/processes/1/tracks/new"


def _post(c: httpx.Client, page: str, data: dict[str, object]) -> httpx.Response:
    return post_form(c, page, page, data)


def _orgs(site: Site) -> list[str]:
    return [str(site.orgs["Ukraine"]), str(site.orgs["Qatar"])]


ROWS = {"i0.name": "price", "i0.kind": "discrete", "i0.o0.name": "low", "i0.o1.name": "high"}


def _tracks(site: Site) -> list[str]:
    return [t["name"] for t in site.client("secretariat").get("/api/processes/1/tracks").json()]


def test_a_new_track_refused_at_the_field_the_api_names(site: Site) -> None:
    admin = site.client("secretariat")
    before = _tracks(site)
    form = {"action": "save", "track_name": "grain prices", "organisation_ids": _orgs(site)}
    long_issue = {**form, **ROWS, "i0.name": "p" * 201}
    r = _post(admin, NEW, long_issue)
    assert "201 characters; at most 200" in refused_at(r, "i0-name")
    assert one(soup(r), "#i0-name")["value"] == "p" * 201  # kept as typed
    assert one(soup(r), "#i0-o1")["value"] == "high"
    agenda = {"issues": [{"name": "p" * 201, "options": [{"name": "low"}]}]}
    body = {"name": "grain prices", "agenda": agenda, "organisation_ids": [1, 2]}
    assert api_refusal(admin, NEW, "POST", "/api/processes/1/tracks", body) == (
        "body.agenda.issues.0.name"
    )
    wording = {**form, **ROWS, "i0.o1.w.en": "w" * 5001}
    r = _post(admin, NEW, wording)
    assert "5,001 characters" in refused_at(r, "i0-o1-en")
    assert one(soup(r), "#i0-o1-en").get_text() == "w" * 5001
    named = {**form, **ROWS, "track_name": "t" * 201}
    assert "201 characters" in refused_at(_post(admin, NEW, named), "track-name")
    assert _tracks(site) == before


def test_more_than_a_hundred_issues_are_refused_not_cut(site: Site) -> None:
    admin = site.client("secretariat")
    rows: dict[str, object] = {}
    for i in range(101):
        rows |= {f"i{i}.name": f"issue {i}", f"i{i}.kind": "discrete", f"i{i}.o0.name": "yes"}
        rows[f"i{i}.o1.name"] = "no"  # a single option is refused first (nothing to negotiate)
        rows[f"i{i}.position"] = str(i + 1)
    form = {"action": "save", "track_name": "many", "organisation_ids": _orgs(site), **rows}
    r = _post(admin, NEW, form)
    assert r.status_code == 422, r.text
    said = text_of(soup(r), "#error-summary")
    assert "Agenda: at most 100" in said, said  # the agenda's, in words: not "agenda.issues"
    assert "agenda.issues" not in said, said
    assert "many" not in _tracks(site)  # was cut to 100 issues and made


def test_the_import_source_is_refused_over_200_characters(site: Site) -> None:
    admin = site.client("secretariat")
    form = {"action": "save", "track_name": "sourced", "organisation_ids": _orgs(site), **ROWS}
    r = _post(admin, NEW, {**form, "source": "s" * 201})
    assert "201 characters" in refused_at(r, "agenda-files")  # the imported files' names
    assert "source" not in text_of(soup(r), "#error-summary")
    assert _post(admin, NEW, {**form, "source": "s" * 200}).status_code == 303
    assert "sourced" in _tracks(site)


def test_an_agenda_change_note_too_long_is_refused_at_note(site: Site) -> None:
    from tests.web import drafting_helpers as drafting

    food = site.tracks["food corridor"]
    un, page, fields = drafting.published_agenda(site)
    r = _post(un, page, {**fields, "action": "save", "note": "n" * 5001})
    assert "5,001 characters" in refused_at(r, "agenda-note")
    assert one(soup(r), "#agenda-note").get_text() == "n" * 5001
    body = {"agenda": un.get(f"/api/tracks/{food}").json()["agenda"], "note": "n" * 5001}
    assert api_refusal(un, page, "PUT", f"/api/tracks/{food}/agenda", body) == "body.note"
