"""The team's pages structurally (CSS selectors) on the demo: keys, notes and assignments,
meetings, search, and the assignments on the console."""

from __future__ import annotations

import json

import httpx
from tests.web.site import Site, csrf, one, soup, text_of, unlabelled_controls

from gobetween.agreements import generate_private_key, public_key_pem
from gobetween.service.demo_agreement import build_agreement_demo


def _form_post(
    client: httpx.Client, page_url: str, action: str, data: dict[str, str]
) -> httpx.Response:
    token = csrf(soup(client.get(page_url)))
    return client.post(action, data={"csrf_token": token, **data})


def test_mediators_keep_notes_and_assign_channels_in_the_browser(site: Site) -> None:
    food = site.tracks["food corridor"]
    un = site.client("un")
    page = soup(un.get(f"/tracks/{food}/team"))
    assert unlabelled_controls(page) == []
    channels = {o.get_text(): o["value"] for o in page.select("#assign-channel option")}
    mediators = {o.get_text(): o["value"] for o in page.select("#assign-user option")}
    assert set(channels) == {"Ukraine", "Russian Federation"}
    assert set(mediators) == {"UN mediator", "Türkiye mediator"}
    note = {"channel_id": channels["Ukraine"], "text": "Kyiv can live with Istanbul inspections"}
    r = _form_post(un, f"/tracks/{food}/team", f"/tracks/{food}/notes", note)
    assert r.status_code == 303, r.text
    r = _form_post(un, f"/tracks/{food}/team", f"/tracks/{food}/assignments", {
        "channel_id": channels["Ukraine"], "user_id": mediators["Türkiye mediator"]})  # fmt: skip
    assert r.status_code == 303
    page = soup(un.get(f"/tracks/{food}/team"))
    assert text_of(page, ".note .note-text") == "Kyiv can live with Istanbul inspections"
    assert "Ukraine" in text_of(page, ".note .meta")
    row = one(page, f"#assignments tr[data-channel='{channels['Ukraine']}'] .handled-by")
    assert row.get_text(strip=True) == "Türkiye mediator"
    console = soup(un.get(f"/tracks/{food}/console"))
    ukraine = one(console, f".channel-column:has(a[href='/channels/{channels['Ukraine']}'])")
    assert "Türkiye mediator" in text_of(ukraine, ".handled-by")
    empty = _form_post(un, f"/tracks/{food}/team", f"/tracks/{food}/notes", {"text": " "})
    assert empty.status_code == 422
    assert "text" in text_of(soup(empty), ".flash.error")
    # parties, observers and mediators of other tracks: no such page
    for seat in ("ukraine", "russia", "icrc", "qatar", "secretariat"):
        assert site.client(seat).get(f"/tracks/{food}/team").status_code == 404


def test_meetings_page_records_and_shows_each_party_its_own(site: Site) -> None:
    food = site.tracks["food corridor"]
    un = site.client("un")
    page = soup(un.get(f"/tracks/{food}/meetings"))
    assert unlabelled_controls(page) == []
    ids = {
        lab.get_text(strip=True): str(one(lab, "input")["value"])
        for lab in page.select(".meeting-form label.check")
    }
    r = _form_post(un, f"/tracks/{food}/meetings", f"/tracks/{food}/meetings", {
        "held_at": "2022-07-13T11:00", "kind": "meeting", "place": "Istanbul",
        "party_ids": ids["Ukraine"], "summary": "Ukraine accepts the JCC",
        "follow_ups": "Send the draft\nBook the room"})  # fmt: skip
    assert r.status_code == 303, r.text
    shown = soup(site.client("ukraine").get(f"/tracks/{food}/meetings"))
    assert text_of(shown, ".meeting .summary") == "Ukraine accepts the JCC"
    assert [li.get_text(strip=True) for li in shown.select(".follow-ups li")] == [
        "Send the draft",
        "Book the room",
    ]
    assert shown.select(".meeting-form") == []  # parties read, they do not record
    assert soup(site.client("russia").get(f"/tracks/{food}/meetings")).select(".meeting") == []
    assert site.client("icrc").get(f"/tracks/{food}/meetings").status_code == 404
    bad = _form_post(un, f"/tracks/{food}/meetings", f"/tracks/{food}/meetings", {
        "held_at": "2022-07-13T11:00", "place": "Istanbul"})  # fmt: skip
    assert bad.status_code == 422
    assert "party_ids" in text_of(soup(bad), ".flash.error")


def test_search_page_shows_only_readable_hits(site: Site) -> None:
    food = site.tracks["food corridor"]
    un = site.client("un")
    _form_post(un, f"/tracks/{food}/team", f"/tracks/{food}/notes", {"text": "Zebra crossing"})
    assert soup(site.client("ukraine").get("/search?q=zebra")).select(".result") == []
    page = soup(un.get("/search?q=zebra"))
    assert one(page, "#result-count")["data-count"] == "1"
    assert one(page, ".result")["data-kind"] == "note"
    assert unlabelled_controls(page) == []
    short = site.client("ukraine").get("/search?q=z")
    assert short.status_code == 422
    assert "q:" in text_of(soup(short), ".flash.error")


def test_keys_page_lists_keys_and_the_admin_confirms_them(site: Site) -> None:
    ukraine = site.client("ukraine")
    page = soup(ukraine.get("/keys"))
    assert unlabelled_controls(page) == []
    form = one(page, "form.key-new-form")
    org = int(form["data-organisation-id"])
    assert form["data-organisation"] == "Ukraine"
    assert page.select("script[src='/static/keys.js']")
    token = csrf(page)
    r = ukraine.post(
        f"/api/organisations/{org}/keys",
        json={
            "public_key_pem": public_key_pem(generate_private_key()).decode(),
            "origin": "browser",
        },
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 201, r.text
    key = r.json()
    page = soup(ukraine.get("/keys"))
    assert one(page, f"li.key[data-fingerprint='{key['fingerprint']}']")["data-status"] == "pending"
    assert page.select("#pending") == []  # only admins confirm
    admin = site.client("secretariat")
    admin_page = soup(admin.get("/keys"))
    assert one(admin_page, f".pending-keys li[data-fingerprint='{key['fingerprint']}']")
    r = _form_post(admin, "/keys", f"/keys/{key['id']}/confirm", {})
    assert r.status_code == 303
    page = soup(ukraine.get("/keys"))
    assert (
        one(page, f"li.key[data-fingerprint='{key['fingerprint']}']")["data-status"] == "confirmed"
    )
    # the other party neither sees nor touches it
    russia = site.client("russia")
    assert key["fingerprint"] not in russia.get("/keys").text
    r = _form_post(russia, "/keys", f"/keys/{key['id']}/revoke", {"reason": "x"})
    assert r.status_code == 404
    r = _form_post(ukraine, "/keys", f"/keys/{key['id']}/revoke", {"reason": "lost laptop"})
    assert r.status_code == 303
    page = soup(ukraine.get("/keys"))
    assert one(page, f"li.key[data-fingerprint='{key['fingerprint']}']")["data-status"] == "revoked"


def test_the_web_verifier_checks_an_uploaded_registry(site: Site) -> None:
    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    russia = site.client("russia")
    page = soup(russia.get(f"/agreements/{aid}"))
    assert one(page, "#registry-link")["href"] == f"/api/agreements/{aid}/registry"
    bundle = russia.get(f"/api/agreements/{aid}/bundle").content
    registry = russia.get(f"/api/agreements/{aid}/registry").json()
    stored = soup(russia.get(f"/agreements/{aid}/verify"))
    assert one(stored, ".verdict")["data-ok"] == "true"
    assert one(stored, "#registry-checked")["data-checked"] == "true"
    anyone = site.client()

    def verify(reg: object) -> httpx.Response:
        files = {"bundle": ("a.gbb", bundle), "registry": ("registry.json", json.dumps(reg))}
        return anyone.post("/verify", files=files)

    ok = soup(verify(registry))
    assert one(ok, ".verdict")["data-ok"] == "true"
    assert one(ok, "#registry-checked")["data-checked"] == "true"
    keys = [k for k in registry["keys"] if k["organisation"] != "Ukraine"]
    bad = soup(verify({**registry, "keys": keys}))
    assert one(bad, ".verdict")["data-ok"] == "false"
    assert [c.get_text() for c in bad.select("#findings code")] == ["key-unregistered"]
    broken = verify({"format": "x"})
    assert broken.status_code == 422
    assert "registry" in text_of(soup(broken), ".flash.error")
    plain = soup(anyone.post("/verify", files={"bundle": ("a.gbb", bundle)}))
    assert one(plain, "#registry-checked")["data-checked"] == "false"


def test_what_the_team_writes_takes_its_own_direction(site: Site) -> None:
    """On an Arabic page an English note, meeting or search hit reads left to right: every
    field and every shown text the team writes follows its own first letters (dir=auto) or is
    isolated (<bdi>)."""
    food = site.tracks["food corridor"]
    un = site.client("un")
    _form_post(un, f"/tracks/{food}/team", f"/tracks/{food}/notes", {"text": "Odesa first."})
    meetings = soup(un.get(f"/tracks/{food}/meetings"))
    party = meetings.select(".meeting-form label.check input")[0]["value"]
    meeting = {
        "held_at": "2022-07-13T11:00",
        "kind": "meeting",
        "place": "Istanbul",
        "party_ids": str(party),
        "attendees": "UN; Ukraine",
        "summary": "Odesa first.",
        "follow_ups": "Call Kyiv.",
    }
    made = _form_post(un, f"/tracks/{food}/meetings", f"/tracks/{food}/meetings", meeting)
    assert made.status_code == 303, made.text
    un.cookies.set("gobetween_lang", "ar")
    for path, written in (
        (f"/tracks/{food}/team", "#note-text, .note-text"),
        (f"/tracks/{food}/meetings", "#m-place, #m-attendees, #m-summary, #m-follow, "
         ".meeting .attendees, .meeting .summary"),
        ("/search?q=Odesa", "#search-q, .result p:has(a)"),
    ):  # fmt: skip
        page = soup(un.get(path))
        assert one(page, "html")["dir"] == "rtl"
        found = page.select(written)
        assert len(found) >= 2, path
        assert [str(f)[:60] for f in found if f.get("dir") != "auto"] == [], path
    shown = one(soup(un.get(f"/tracks/{food}/meetings")), ".meeting")
    assert text_of(shown, "h3 bdi") == "Istanbul"
    assert text_of(shown, ".follow-ups li bdi") == "Call Kyiv."


def test_the_meeting_time_names_its_zone_without_brackets_in_brackets(site: Site) -> None:
    # before: "Date and time (Ukraine (Kyiv) · UTC+02:00)", in every language
    food = site.tracks["food corridor"]
    un = site.client("un")
    for language in ("en", "uk", "ar", "tr", "ru"):
        page = soup(un.get(f"/tracks/{food}/meetings", headers={"Accept-Language": language}))
        label = text_of(page, "label[for=m-held]")
        assert "UTC" in label, (language, label)
        assert label.count("(") <= 1, (language, label)
