"""The preferences form is saved as the body of ``PUT /api/tracks/{id}/preferences``
(``PreferencesIn``), read through its schema and recorded by the same operation: what the API
refuses (101 red lines, the schema's limit) the page refuses, 422, the refusal in the part of the
form it is about, the form as sent, nothing recorded; what the API takes, the page takes."""

from __future__ import annotations

import httpx
from tests.web.site import Site, csrf, one, soup, text_of

OPTIONS = 120


def _wide_track(site: Site) -> int:
    """A track whose one issue has 120 options (so a party can tick 101 red lines)."""
    admin = site.client("secretariat")
    token = csrf(soup(admin.get("/processes/1/admin")))
    agenda = {"issues": [{"name": "quota", "options": [{"name": f"q{k}"} for k in range(OPTIONS)]}]}
    orgs = [site.orgs["Ukraine"], site.orgs["United Nations"]]
    body = {"name": "wide", "agenda": agenda, "organisation_ids": orgs}
    made = admin.post("/api/processes/1/tracks", json=body, headers={"X-CSRF-Token": token})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _form(page: object) -> dict[str, str]:
    doc = soup(page)  # type: ignore[arg-type]
    return {
        str(i["name"]): str(i.get("value", ""))
        for i in doc.select("#prefs-form input[name]")
        if i.get("type") != "checkbox"
    }


def _versions(c: httpx.Client, track: int) -> int:
    return len(c.get(f"/api/tracks/{track}/preferences").json())


def test_more_red_lines_than_the_api_takes_are_refused_at_the_ratings(site: Site) -> None:
    track = _wide_track(site)
    ua = site.client("ukraine")
    page = f"/tracks/{track}/preferences"
    fields = _form(ua.get(page))
    ticked = {f"red-0-{j}": "on" for j in range(101)}
    r = ua.post(page, data={**fields, **ticked})
    assert r.status_code == 422, r.text
    shown = soup(r)
    assert "at most 100 items" in text_of(shown, "#ratings-error")
    assert "red_lines" in text_of(shown, ".flash.error")
    assert len(shown.select("#prefs-form input[type=checkbox][name^=red-][checked]")) == 101
    assert _versions(ua, track) == 0
    token = csrf(soup(ua.get(page)))
    weights = {"quota": 100}
    ratings = {"quota": {f"q{k}": 0 for k in range(OPTIONS)}}
    reds = [[{"issue": "quota", "option": f"q{j}"}] for j in range(101)]
    body = {"weights": weights, "ratings": ratings, "red_lines": reds}
    api = ua.put(f"/api/tracks/{track}/preferences", json=body, headers={"X-CSRF-Token": token})
    assert api.status_code == 422, api.text
    assert api.json()["errors"][0]["location"] == "body.red_lines"
    hundred = {f"red-0-{j}": "on" for j in range(100)}
    saved = ua.post(page, data={**fields, "csrf_token": token, **hundred})
    assert saved.status_code == 303, saved.text
    recorded = ua.get(f"/api/tracks/{track}/preferences").json()[-1]["preferences"]
    assert len(recorded["red_lines"]) == 100
    assert one(soup(ua.get(page)), "#red-0-99").has_attr("checked")
