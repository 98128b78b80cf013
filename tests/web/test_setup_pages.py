"""The set-up pages and the agenda editor, tested structurally, and their guide kept true."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import httpx
from fastapi.routing import APIRoute
from sqlalchemy import select
from tests.web.site import Site, csrf, invitation_token, one, soup, text_of, unlabelled_controls

from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.web import agenda, setup

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = DOCS / "guide" / "setup.md"
BROWSER_TEST = Path(__file__).with_name("test_setup_browser.py")
GENIUS = Path(__file__).resolve().parents[1] / "data" / "genius" / "fitness"


def post(c: httpx.Client, page: str, action: str, data: dict[str, object], **kw: object):
    return c.post(action, data={"csrf_token": csrf(soup(c.get(page))), **data}, **kw)  # type: ignore[arg-type]


def test_every_set_up_page_is_in_the_guide() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    paths = {
        re.sub(r"\{(\w+?)(_id)?\}", r"{\1}", route.path)
        for module in (setup, agenda)
        for route in module.router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods
    }
    assert sorted(p for p in paths if f"`{p}" not in text) == []


def test_every_screenshot_of_the_guide_comes_from_the_browser_walk() -> None:
    images = set(re.findall(r"\(\.\./images/([\w-]+\.png)\)", GUIDE.read_text(encoding="utf-8")))
    taken = set(re.findall(r'walk\.shot\(\w+, "([\w-]+)"\)', BROWSER_TEST.read_text("utf-8")))
    assert images == {f"{name}.png" for name in taken}
    assert all((DOCS / "images" / name).is_file() for name in images)


def test_set_up_is_gone_on_an_installation_with_users(site: Site) -> None:
    assert site.client().get("/setup").status_code == 404
    assert site.client().get("/login").status_code == 200  # not sent to set-up


def test_a_new_process_keeps_what_was_typed_when_something_is_wrong(site: Site) -> None:
    c = site.client("secretariat")
    form = {"name": "  ", "parties": "Ukraine\nTürkiye, Ankara office", "mediators": "UN"}
    r = post(c, "/processes/new", "/processes/new", form)
    assert r.status_code == 422
    page = soup(r)
    assert "name" in text_of(page, ".flash.error")
    assert one(page, "#process-parties").get_text() == "Ukraine\nTürkiye, Ankara office"
    assert unlabelled_controls(page) == []
    form["name"] = "Talks on energy facilities"
    made = post(c, "/processes/new", "/processes/new", form, follow_redirects=False)
    assert made.status_code == 303
    editor = made.headers["location"]
    assert re.fullmatch(r"/processes/\d+/tracks/new", editor)
    page = soup(c.get(editor))
    orgs = [label.get_text(" ", strip=True) for label in page.select("fieldset label.check")]
    assert "Türkiye, Ankara office (party)" in orgs  # a comma is part of the name
    assert unlabelled_controls(page) == []


def test_a_working_language_that_is_not_a_code_is_refused_saying_what_is_expected(
    site: Site,
) -> None:
    """A language sent by its name ("türkçe", by a hand-made request: the page offers only
    the languages' boxes) is refused saying a code is expected (it said only "this is not in
    the expected form"; found walking the demo)."""
    c = site.client("secretariat")
    c.cookies.set("gobetween_lang", "tr")
    form = {"name": "Dil", "parties": "A\nB", "mediators": "M", "languages": ["en", "türkçe"]}
    r = post(c, "/processes/new", "/processes/new", form)
    assert r.status_code == 422
    said = text_of(soup(r), ".flash.error")
    assert "'türkçe'" in said, said
    assert "en, uk, ru, tr" in said, said


def test_a_working_language_in_capitals_is_read_as_its_code(site: Site) -> None:
    """ "EN" was refused as not a language code (found walking the demo): a code in capitals or
    with spaces around it is the code; the same language twice is still refused."""
    c = site.client("secretariat")
    form = {"name": "Dil", "parties": "A\nB", "mediators": "M", "languages": ["EN", "Uk "]}
    made = post(c, "/processes/new", "/processes/new", form, follow_redirects=False)
    assert made.status_code == 303, made.text
    process = int(made.headers["location"].split("/")[2])
    assert c.get(f"/api/processes/{process}/languages").json()["languages"] == ["en", "uk"]
    twice = {**form, "name": "Dil 2", "languages": ["en", "EN"]}
    r = post(c, "/processes/new", "/processes/new", twice)
    assert r.status_code == 422
    assert "'en'" in text_of(soup(r), "[role=alert]")


def test_the_working_languages_are_offered_by_their_own_names(site: Site) -> None:
    """The new process's working languages are boxes to tick, each language named in itself
    (and in the reader's language), the reader's own ticked at first: a tester had to type
    codes ("uk, ru"). Ticked, they are sent as the API's codes, in the list's order; one that
    gobetween does not know is refused at the languages, by their label."""
    c = site.client("secretariat")
    c.cookies.set("gobetween_lang", "ru")
    page = soup(c.get("/processes/new"))
    boxes = page.select("#process-languages input[type=checkbox][name=languages]")
    assert [str(b["value"]) for b in boxes] == ["en", "uk", "ru", "tr", "ar"]
    assert [str(b["value"]) for b in boxes if b.has_attr("checked")] == ["ru"]
    named = {str(b["value"]): text_of(page, f"label[for={b['id']}]") for b in boxes}
    assert named["uk"] == "Українська (украинский)"
    assert named["ru"] == "Русский"
    assert one(page, "label[for=process-languages-ar] span")["dir"] == "rtl"
    assert text_of(page, "#process-languages legend")
    form = {"name": "Мови", "parties": "A\nB", "mediators": "M", "languages": ["uk", "ru"]}
    made = post(c, "/processes/new", "/processes/new", form, follow_redirects=False)
    assert made.status_code == 303, made.text
    process = int(made.headers["location"].split("/")[2])
    assert c.get(f"/api/processes/{process}/languages").json()["languages"] == ["uk", "ru"]
    r = post(c, "/processes/new", "/processes/new", {**form, "languages": ["uk", "xx"]})
    assert r.status_code == 422
    refused = soup(r)
    assert "'xx'" in text_of(refused, "#process-languages-error")
    (link,) = refused.select("#error-summary li a")
    assert link["href"] == "#process-languages-en"
    assert [str(b["value"]) for b in refused.select("#process-languages input[checked]")] == ["uk"]


def _genius_zip() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for path in sorted(GENIUS.glob("*.xml")):
            archive.write(path, f"fitness/{path.name}")
    return data.getvalue()


def test_a_genius_folder_imports_into_the_editor_as_a_zip(site: Site) -> None:
    c = site.client("secretariat")
    editor = "/processes/1/tracks/new"
    files = {"files": ("fitness.zip", _genius_zip(), "application/zip")}
    r = post(c, editor, editor, {"action": "import", "track_name": "fitness"}, files=files)
    assert r.status_code == 200, soup(r).select(".flash")
    page = soup(r)
    assert "Imported" in text_of(page, ".flash.notice")
    assert len(page.select("fieldset.issue")) >= 2
    assert one(page, "input[name=source]")["value"].startswith("genius:")
    broken = {"files": ("fitness.zip", b"not a zip", "application/zip")}
    r = post(c, editor, editor, {"action": "import"}, files=broken)
    assert r.status_code == 422
    assert "not a ZIP" in text_of(soup(r), ".flash.error")


def test_the_agenda_page_is_for_admins_and_mediators(site: Site) -> None:
    track = min(site.tracks.values())
    assert site.client("secretariat").get(f"/tracks/{track}/agenda").status_code == 200
    assert site.client("ukraine").get(f"/tracks/{track}/agenda").status_code == 403
    assert site.client().get(f"/tracks/{track}/agenda").status_code == 303  # log in first


def test_the_agenda_editor_fields_follow_their_own_direction(site: Site) -> None:
    """On an Arabic page, English names and each language's wording read left to right."""
    admin = site.client("secretariat")
    admin.cookies.set("gobetween_lang", "ar")
    page = soup(admin.get(f"/tracks/{site.tracks['food corridor']}/agenda"))
    assert one(page, "html")["dir"] == "rtl"
    fields = page.select("#agenda-form input[type=text]:not([inputmode]), #agenda-form textarea")
    assert len(fields) > 20
    assert [f["id"] for f in fields if f.get("dir") != "auto"] == []


def test_each_wording_field_is_labelled_with_its_own_option(site: Site) -> None:
    """A wording field's label names its option's number (shown on a phone, read by screen
    readers); it once named the language's place in the row: the Ukrainian wording of option 1
    was "of option 2"."""
    page = soup(site.client("secretariat").get(f"/tracks/{site.tracks['food corridor']}/agenda"))
    fields = page.select("#agenda-form table.options textarea")
    assert len(fields) > 8
    for field in fields:
        option = int(re.fullmatch(r"i\d+-o(\d+)-\w+", field["id"]).group(1)) + 1  # type: ignore[union-attr]
        language = {
            "en": "English",
            "uk": "Ukrainian",
            "ru": "Russian",
            "tr": "Turkish",
            "ar": "Arabic",
        }
        said = text_of(page, f"label[for='{field['id']}']")
        wanted = f"Clause wording ({language[str(field['lang'])]}) of option {option}"
        # the language by its name (before: its code, "uk"), after the issue it is in
        assert said.endswith(f"), {wanted}"), (field["id"], said)
        assert said.startswith("Issue "), (field["id"], said)


def test_reset_and_mail_settings_pages(site: Site) -> None:
    guest = site.client()
    asked = post(guest, "/password-reset", "/password-reset", {"email": "nobody@example.org"})
    known = post(
        guest, "/password-reset", "/password-reset", {"email": "ukraine@demo.gobetween.org"}
    )
    assert text_of(soup(asked), ".flash.notice") == text_of(soup(known), ".flash.notice")
    assert guest.get("/reset/not-a-token").status_code == 200
    bad = guest.post("/reset/not-a-token", data={"password": "a long new password"})
    assert bad.status_code == 422
    assert guest.get("/verify/not-a-token").status_code == 404
    c = site.client("ukraine")
    page = soup(c.get("/settings/mail"))
    assert one(page, "#mail-unverified")
    assert one(page, "#mail-disabled")  # this site sends no e-mail
    with site.services.db.unit_of_work(write=False) as session:  # so no link waits anywhere
        assert session.execute(select(st.MailOutbox.id)).first() is None
    assert one(page, "#notify-immediate").has_attr("checked")
    assert unlabelled_controls(page) == []
    r = post(c, "/settings/mail", "/settings/mail", {"notify": "daily"})
    assert r.status_code == 303
    assert one(soup(c.get("/settings/mail")), "#notify-daily").has_attr("checked")
    assert c.get("/api/me/mail").json()["notify"] == "daily"


def test_a_look_alike_process_cannot_pull_a_delegate_in(site: Site) -> None:
    """Anyone can convene a process with a famous name, but a delegate joins only by accepting,
    and sees who convened each process."""
    impostor = site.client("ukraine")
    made = post(
        impostor,
        "/processes/new",
        "/processes/new",
        {"name": "Black Sea grain talks", "parties": "Russian Federation", "mediators": "UN"},
        follow_redirects=False,
    )
    pid = int(made.headers["location"].split("/")[2])
    orgs = {o["name"]: o["id"] for o in impostor.get(f"/api/processes/{pid}/organisations").json()}
    admin_page = f"/processes/{pid}/admin"
    invite = {
        "action": "invite",
        "email": "russia@demo.gobetween.org",
        "role": "party_member",
        "organisation_id": str(orgs["Russian Federation"]),
    }
    assert post(impostor, admin_page, admin_page, invite).status_code == 200
    delegate = site.client("russia")
    assert delegate.get(admin_page).status_code == 404  # not a member: the process is hidden
    home = soup(delegate.get("/"))
    pending = text_of(home, "#pending-invitations li")
    assert "Black Sea grain talks" in pending
    assert "convened by" in pending
    assert "ukraine@demo.gobetween.org" in pending
    # names inside the sentence keep their own direction (an Arabic page read '<<address')
    isolated = [b.get_text() for b in home.select("#pending-invitations li bdi")]
    assert "Black Sea grain talks" in isolated
    assert any("ukraine@demo.gobetween.org" in text for text in isolated)
    invitation = one(home, "#pending-invitations li")["data-invitation"]
    declined = post(delegate, "/", f"/my-invitations/{invitation}", {"answer": "decline"})
    assert declined.status_code == 303
    home = soup(delegate.get("/"))
    assert home.select("#pending-invitations") == []
    assert "Black Sea grain talks" not in home.get_text()
    assert delegate.get(f"/api/processes/{pid}").status_code == 404
    assert "declined" in text_of(soup(impostor.get(admin_page)), "#members ul")
    assert one(soup(site.client().get("/login")), "a#forgot-password")["href"] == "/password-reset"


def test_pages_name_their_json_twins(site: Site) -> None:
    c = site.client("secretariat")
    assert c.get("/settings/mail").headers["Link"].startswith("</api/me/mail>")
    assert c.get("/processes/new").headers["Link"].startswith("</api/processes>")
    track = min(site.tracks.values())
    assert c.get(f"/tracks/{track}/agenda").headers["Link"].startswith(f"</api/tracks/{track}>")


def test_the_invitation_isolates_names_and_addresses_right_to_left(site: Site) -> None:
    """On an Arabic page "Name <address>" must not read "<<address": each value is a <bdi>."""
    token = invitation_token(site)
    visitor = site.client()
    visitor.cookies.set("gobetween_lang", "ar")
    page = soup(visitor.get(f"/invitations/{token}"))
    assert one(page, "html")["dir"] == "rtl"
    for field in ("process", "convener", "role", "inviter", "email"):
        assert page.select(f"#invitation-{field} bdi"), field
    assert text_of(page, "#invitation-convener bdi").endswith("<secretariat@demo.gobetween.org>")
    assert text_of(page, "#invitation-role bdi") == "الأمم المتحدة"  # as Arabic names it


def test_the_admin_page_says_where_each_agenda_came_from_in_words(site: Site) -> None:
    """A track's agenda source was shown as its stored code ("gündem kaynağı: editor" on a
    Turkish page, found walking the demo): the editor and a scenario are said in words, an
    uploaded file by its name."""
    with site.services.db.unit_of_work() as session:
        rows = session.execute(select(t.Track).order_by(t.Track.id)).scalars().all()
        process = rows[0].process_id
        mine = [row for row in rows if row.process_id == process]
        mine[0].source = "editor"
        mine[1].source = "scenario:black_sea_corridor"
        mine[2].source = "talks.yaml"
    c = site.client("secretariat")
    c.cookies.set("gobetween_lang", "tr")
    said = text_of(soup(c.get(f"/processes/{process}/admin")), "main")
    assert "editor" not in said, said
    assert "scenario:" not in said, said
    assert "“black_sea_corridor”" in said, said
    assert "talks.yaml" in said, said
