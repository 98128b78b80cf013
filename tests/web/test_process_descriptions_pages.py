"""The process's description in its working languages on the pages: typed on the new-process
page (a folded field per language, as the names are) and on the process's administration page,
refused at its field with everything typed kept, and read on the home page by a reader of that
language; the demo describes its processes in their working languages."""

from __future__ import annotations

from tests.web.site import Site, csrf, one, soup, text_of
from tests.web.test_forms_validation import _post
from tests.web.test_names_in_the_readers_language import _process_id

FORM = {
    "name": "Black Sea energy talks",
    "description": "Talks on strikes on energy facilities.",
    "parties": "Ukraine\nRussian Federation",
    "mediators": "Qatar",
    "languages": ["en", "uk"],
}
UKRAINIAN = "Переговори про удари по енергетичних об'єктах."


def _description(page: object, process_id: int) -> str:
    return text_of(page, f"#process-{process_id} > p[dir=auto]")


def test_a_new_process_is_described_in_the_languages_ticked(site: Site) -> None:
    c = site.client("secretariat")
    page = soup(c.get("/processes/new"))
    fold = one(page, "details#process-descriptions")
    assert not fold.has_attr("open")  # optional: folded
    fields = [str(f["name"]) for f in fold.select("textarea")]
    assert fields == [f"descriptions.{c}" for c in ("en", "uk", "ru", "tr", "ar")]
    sent = {**FORM, "descriptions.uk": f" {UKRAINIAN} ", "descriptions.ru": ""}
    r = _post(c, "/processes/new", "/processes/new", sent)
    assert r.status_code == 303, r.text
    process_id = int(r.headers["location"].split("/")[2])
    made = c.get(f"/api/processes/{process_id}").json()
    assert made["descriptions"] == {"uk": UKRAINIAN}  # trimmed; empty: none
    assert _description(soup(c.get("/")), process_id) == FORM["description"]
    c.cookies.set("gobetween_lang", "uk")
    assert _description(soup(c.get("/")), process_id) == UKRAINIAN


def test_a_description_in_a_language_not_ticked_is_refused_at_its_field(site: Site) -> None:
    c = site.client("secretariat")
    before = len(c.get("/api/processes").json())
    sent = {**FORM, "descriptions.tr": "Enerji tesisleri görüşmeleri"}
    r = _post(c, "/processes/new", "/processes/new", sent)
    assert r.status_code == 422
    page = soup(r)
    field = one(page, "#process-descriptions-tr")
    assert field["aria-invalid"] == "true"
    assert "process-descriptions-tr-error" in str(field["aria-describedby"])
    said = text_of(page, "#process-descriptions-tr-error")
    assert "Turkish (tr) is not a working language of the process" in said
    assert one(page, "#error-summary a")["href"] == "#process-descriptions-tr"
    assert one(page, "details#process-descriptions").has_attr("open")
    assert field.get_text() == "Enerji tesisleri görüşmeleri"  # kept as typed
    assert one(page, "#process-name")["value"] == FORM["name"]
    assert len(c.get("/api/processes").json()) == before  # nothing created


def test_the_admin_page_describes_the_process_in_every_working_language(site: Site) -> None:
    admin = site.client("secretariat")
    process_id = _process_id(site)
    url = f"/processes/{process_id}/admin"
    page = soup(admin.get(url))
    form = one(page, "details[data-names='process'] form")
    areas = form.select("textarea")
    assert [a["name"] for a in areas] == [
        f"descriptions.{c}" for c in ("en", "uk", "ru", "tr", "ar")
    ]
    # the demo's own Ukrainian description, shown to change
    assert one(form, "textarea[name='descriptions.uk']").get_text().startswith("Демонстрація:")
    sent = {str(i["name"]): str(i.get("value", "")) for i in form.select("input[name]")}
    sent |= {str(a["name"]): a.get_text() for a in areas}
    saved = admin.post(url, data={**sent, "descriptions.uk": UKRAINIAN})
    assert saved.status_code == 303, saved.text
    ukraine = site.client("ukraine")
    ukraine.cookies.set("gobetween_lang", "uk")
    assert _description(soup(ukraine.get("/")), process_id) == UKRAINIAN
    assert admin.get(f"/api/processes/{process_id}").json()["names"]["uk"]  # names kept

    too_long = {**sent, "descriptions.ru": "д" * 5_001, "csrf_token": csrf(page)}
    refused = admin.post(url, data=too_long)
    assert refused.status_code == 422, refused.text
    again = soup(refused)
    field = one(again, "#descriptions-process-ru")
    assert field["aria-invalid"] == "true"
    assert one(again, "#error-summary a")["href"] == "#descriptions-process-ru"
    assert field.get_text() == "д" * 5_001  # the form as typed
    assert one(again, "details[data-names='process']").has_attr("open")


def test_the_demo_describes_its_processes_in_the_readers_language(site: Site) -> None:
    process_id = _process_id(site)
    for seat, language, start in (
        ("ukraine", "uk", "Демонстрація:"),
        ("russia", "ru", "Демонстрация:"),
        ("un", "ar", "عرض توضيحي"),
        ("un", "en", "Demo:"),
    ):
        reader = site.client(seat)
        reader.cookies.set("gobetween_lang", language)
        assert _description(soup(reader.get("/")), process_id).startswith(start), language
