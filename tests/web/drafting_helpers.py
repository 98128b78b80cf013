"""Publishing a text through the drafting pages as a mediator does: fill the drafting form, save
the draft, open its preview, tick the confirmation and publish."""

from __future__ import annotations

import json
from typing import Any

import httpx
from tests.web.site import Site, csrf, one, soup


def draft_fields(client: httpx.Client, track_id: int, page: str | None = None) -> dict[str, str]:
    """The drafting form's fields as the page fills them (options, wording, preamble, ...)."""
    doc = soup(client.get(page or f"/tracks/{track_id}/draft"))
    form = one(doc, "#draft-form")
    fields: dict[str, str] = {}
    for select in form.select("select[data-prepared]"):
        fields[str(select["name"])] = str(one(select, "option[selected]")["value"])
    for area in form.select("textarea"):
        fields[str(area["name"])] = area.get_text()
    fields["languages"] = str(one(form, "input[name=languages]")["value"])
    return fields


def publish(
    client: httpx.Client,
    track_id: int,
    changes: dict[str, Any] | None = None,
    page: str | None = None,
) -> httpx.Response:
    """Publish the drafting form with ``changes`` (``pkg-<issue>`` changes also replace that
    article's wording with the chosen option's, as the page's script does); the answer to the
    publication (303 to the drafting page)."""
    doc = soup(client.get(page or f"/tracks/{track_id}/draft"))
    fields = draft_fields(client, track_id, page)
    for key, value in (changes or {}).items():
        fields[key] = value
        if not key.startswith("pkg-"):
            continue
        select = one(doc, f"select[name='{key}']")
        if f"clause-{key[4:]}" not in (changes or {}):
            fields[f"clause-{key[4:]}"] = json.loads(str(select["data-prepared"]))[value]
        for code, text in json.loads(str(select["data-languages"]))[value].items():
            name = f"clause-{key[4:]}@{code}"
            if name in fields and name not in (changes or {}):
                fields[name] = text
    saved = client.post(f"/tracks/{track_id}/draft", data={"csrf_token": csrf(doc), **fields})
    assert saved.status_code == 303, saved.text
    draft_page = saved.headers["location"]
    token = csrf(soup(client.get(draft_page)))
    return client.post(f"{draft_page}/publish", data={"csrf_token": token, "confirm": "yes"})


def published_agenda(site: Site) -> tuple[httpx.Client, str, dict[str, object]]:
    """The food corridor's agenda editor once the Nash package was published as a text: the
    UN mediator's client, the editor's address and its fields as the page fills them."""
    food = site.tracks["food corridor"]
    un = site.client("un")
    nash = one(soup(un.get(f"/tracks/{food}/analysis")), "tr[data-solution=Nash] a.draft-from")
    assert publish(un, food, page=str(nash["href"])).status_code == 303
    page = f"/tracks/{food}/agenda"
    shown = soup(un.get(page))
    fields: dict[str, object] = {
        str(f["name"]): str(f.get("value", ""))
        for f in shown.select("#agenda-form input[name]")
        if f.get("type") not in ("checkbox", "file", "hidden")
    }
    fields |= {str(t["name"]): t.get_text() for t in shown.select("#agenda-form textarea")}
    for select in shown.select("#agenda-form select"):
        chosen = select.select_one("option[selected]") or one(select, "option")
        fields[str(select["name"])] = str(chosen["value"])
    return un, page, fields
