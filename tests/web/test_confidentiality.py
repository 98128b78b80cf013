"""Nothing of another party reaches a party's browser: not in any page, header or event stream.

The Russian Federation's delegate leaves marked traces of every private kind (messages, an
attachment, preferences, an answer with reasons, an offer the mediators have not forwarded);
then every page the Ukrainian delegate can open (and every page it cannot, which must look
missing) is rendered and searched for every marker, body and headers alike, and so is
Ukraine's live-update stream.
"""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import unquote

import httpx
from sqlalchemy import select
from tests.web import drafting_helpers as drafting
from tests.web.site import Site, csrf, one, soup
from tests.web.test_pages import FOOD, post_form

from gobetween.store import tables as t

MARKERS = (
    "RU-PRIVATE-MESSAGE-7f3a",
    "ru-private-file-7f3a.txt",
    "RU-PRIVATE-FILE-BODY",
    "RU-PRIVATE-REASON-7f3a",
    "RU-PRIVATE-OFFER-7f3a",
    'value="43.5"',  # Russia's reservation level, as its own form shows it
    "0.435",
)


def leave_russian_traces(site: Site) -> dict[str, int]:
    food = site.tracks[FOOD]
    ru = site.client("russia")
    post_form(
        ru,
        f"/tracks/{food}/channel",
        "/channels/2/messages",
        {"text": "RU-PRIVATE-MESSAGE-7f3a"},
        files={"file": ("ru-private-file-7f3a.txt", b"RU-PRIVATE-FILE-BODY", "text/plain")},
    )
    page = soup(ru.get(f"/tracks/{food}/preferences"))
    form = {str(i["name"]): str(i.get("value", "")) for i in page.select("#prefs-form input[name]")}
    form = {k: v for k, v in form.items() if not k.startswith("red-")}
    saved = ru.post(f"/tracks/{food}/preferences", data={**form, "reservation": "43.5"})
    assert saved.status_code == 303
    post_form(
        ru,
        f"/tracks/{food}/channel",
        f"/tracks/{food}/offers",
        {"option:term": "60", "message": "RU-PRIVATE-OFFER-7f3a"},
    )
    un = site.client("un")
    nash = one(soup(un.get(f"/tracks/{food}/analysis")), "tr[data-solution=Nash] a.draft-from")
    assert drafting.publish(un, food, page=str(nash["href"])).status_code == 303
    post_form(
        ru,
        f"/tracks/{food}/text",
        f"/tracks/{food}/text/answer",
        {"kind": "reject", "version": "1", "reasons": "RU-PRIVATE-REASON-7f3a"},
    )
    message_id = un.get("/api/channels/2/messages").json()[0]["id"]
    return {"message": message_id}


def assert_clean(response: httpx.Response, where: str) -> None:
    head = json.dumps(dict(response.headers))
    for marker in MARKERS:
        assert marker not in response.text, f"{marker} in the body of {where}"
        assert marker not in head, f"{marker} in the headers of {where}"


def test_no_trace_of_another_party_in_any_page_header_or_stream(site: Site) -> None:
    food = site.tracks[FOOD]
    ids = leave_russian_traces(site)
    ua = site.client("ukraine")
    before = soup(ua.get(f"/tracks/{food}/channel"))
    stream_start = one(before, "[data-events]")["data-events"]
    pages = [
        "/",
        f"/tracks/{food}",
        f"/tracks/{food}/channel",
        "/channels/1",
        "/channels/1/messages",
        f"/tracks/{food}/preferences",
        f"/tracks/{food}/text",
        f"/tracks/{site.tracks['energy facilities']}",
        # hidden from a party: each must answer like a page that does not exist
        "/channels/2",
        "/channels/2/messages",
        f"/tracks/{food}/console",
        f"/tracks/{food}/console/channels",
        f"/tracks/{food}/analysis",
        f"/tracks/{food}/draft",
        "/processes/1/admin",
        "/api/attachments/1",
    ]
    for path in pages:
        assert_clean(ua.get(path), path)
    token = csrf(before)
    preview = ua.post(
        f"/tracks/{food}/preferences/preview", data={"csrf_token": token, "points-0": "100"}
    )
    assert_clean(preview, "the preview")
    for path in (f"/tracks/{food}/console", f"/tracks/{food}/analysis", "/channels/2"):
        assert ua.get(path).status_code == 404
    events = ua.get(f"/api/tracks/{food}/events?follow=false")
    assert_clean(events, "the event stream")
    kinds = [json.loads(line[6:]) for line in events.text.splitlines() if line.startswith("data: ")]
    with site.services.db.unit_of_work(write=False) as session:
        scopes = session.execute(
            select(t.Notification.party_id).where(t.Notification.track_id == food)
        ).scalars()
        counted = Counter(scopes)
    assert counted[site.orgs["Russian Federation"]] >= 4  # message, preferences, offer, answer
    # exactly the public events and Ukraine's own: not one of Russia's
    assert len(kinds) == counted[None] + counted[site.orgs["Ukraine"]]
    assert not any(e["kind"] == "message" and e["object_id"] == ids["message"] for e in kinds)
    overview = soup(ua.get(f"/tracks/{food}"))
    assert [li.get_text(" ", strip=True) for li in overview.select("#channels li")] == ["Ukraine"]
    # Russia acting again does not move anything on Ukraine's pages, not even the stream cursor.
    post_form(
        site.client("russia"),
        f"/tracks/{food}/channel",
        "/channels/2/messages",
        {"text": "RU-PRIVATE-MESSAGE-7f3a again"},
    )
    after = soup(ua.get(f"/tracks/{food}/channel"))
    assert one(after, "[data-events]")["data-events"] == stream_start
    cursor = unquote(str(stream_start).split("cursor=")[1])
    scopes = {int(pair.split(":")[0]) for pair in cursor.split(",")}
    assert scopes == {0, site.orgs["Ukraine"]}  # public events and Ukraine's own, counted apart


def test_a_mediator_sees_both_sides(site: Site) -> None:
    """The markers are really there for a mediator: the search above could not pass vacuously."""
    food = site.tracks[FOOD]
    leave_russian_traces(site)
    un = site.client("un")
    console = un.get(f"/tracks/{food}/console").text
    assert "RU-PRIVATE-MESSAGE-7f3a" in console
    assert "ru-private-file-7f3a.txt" in console
    assert "RU-PRIVATE-OFFER-7f3a" in console
    assert "RU-PRIVATE-REASON-7f3a" in un.get(f"/tracks/{food}/draft").text
    ru_prefs = site.client("russia").get(f"/tracks/{food}/preferences").text
    assert 'value="43.5"' in ru_prefs
