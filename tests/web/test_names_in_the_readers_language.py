"""A delegation reads the names of its process, its tracks and the organisations in its own
language: the demo names them in the working languages (``demo_process_names.yaml``), and
every page shows a reader of one of those languages its name there (the name as entered to
the others). Before, a Russian delegate reading in Russian saw "Black Sea food-security
talks", "food corridor" and "Ukraine" in English on every page, although the issues and options
of its agenda were named in Russian. The admin page names each of them in every working
language of the process, the form refusing at its field what the API refuses there. The
signed instruments keep the names as entered: they are part of the signed terms."""

from __future__ import annotations

from bs4 import BeautifulSoup
from tests.web.site import Site, csrf, one, soup, text_of

RUSSIAN = {
    "process": "Черноморские переговоры по продовольственной безопасности",
    "food corridor": "продовольственный коридор",
    "energy facilities": "энергетические объекты",
    "prisoner return": "возвращение пленных",
}


def _taking_part(page: BeautifulSoup) -> list[str]:
    """The organisations the track page says take part, as it names them."""
    return [b.get_text() for b in page.select("main p.muted")[0].select("bdi")]


def test_a_russian_delegate_reads_the_process_and_its_tracks_in_russian_at_home(
    site: Site,
) -> None:
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    home = soup(russia.get("/"))
    card = one(home, "section.process")
    assert text_of(card, "h2") == RUSSIAN["process"]  # before: "Black Sea food-security talks"
    tracks = [a.get_text() for a in card.select("ul.tracks a")]
    assert tracks == [
        RUSSIAN["food corridor"],
        RUSSIAN["energy facilities"],
        RUSSIAN["prisoner return"],
    ]
    english = site.client("russia")
    english.cookies.set("gobetween_lang", "en")
    card = one(soup(english.get("/")), "section.process")
    assert text_of(card, "h2") == "Black Sea food-security talks"
    assert next(a.get_text() for a in card.select("ul.tracks a")) == "food corridor"


def test_a_russian_delegate_reads_the_track_and_who_takes_part_in_russian(site: Site) -> None:
    food = site.tracks["food corridor"]
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    page = soup(russia.get(f"/tracks/{food}"))
    assert text_of(page, "main h1") == RUSSIAN["food corridor"]  # before: "food corridor"
    assert RUSSIAN["food corridor"] in text_of(page, "title")
    assert _taking_part(page) == [
        "Организация Объединённых Наций",
        "Турция",
        "Украина",  # before: "Ukraine"
        "Российская Федерация",
    ]
    channel = soup(russia.get(f"/tracks/{food}/channel"))
    assert "Российская Федерация" in text_of(channel, "title")
    ukrainian = site.client("ukraine")
    ukrainian.cookies.set("gobetween_lang", "uk")
    prisoners = soup(ukrainian.get(f"/tracks/{site.tracks['prisoner return']}"))
    assert text_of(prisoners, "main h1") == "повернення полонених"
    assert "Об'єднані Арабські Емірати" in _taking_part(prisoners)
    assert "МКЧХ" in _taking_part(prisoners)
    english = site.client("ukraine")
    english.cookies.set("gobetween_lang", "en")
    page = soup(english.get(f"/tracks/{food}"))
    assert text_of(page, "main h1") == "food corridor"
    assert "Ukraine" in _taking_part(page)


def test_a_track_not_named_in_the_readers_language_keeps_its_name(site: Site) -> None:
    """The prisoner return works in English, Ukrainian and Russian only: a Turkish reader (an
    admin of every track) reads its name as entered, the organisations in Turkish."""
    admin = site.client("secretariat")
    admin.cookies.set("gobetween_lang", "tr")
    page = soup(admin.get(f"/tracks/{site.tracks['prisoner return']}"))
    assert text_of(page, "main h1") == "prisoner return"
    assert "Ukrayna" in _taking_part(page)


def test_the_mediators_read_their_console_in_their_language(site: Site) -> None:
    turkiye = site.client("turkiye")
    turkiye.cookies.set("gobetween_lang", "tr")
    console = soup(turkiye.get(f"/tracks/{site.tracks['food corridor']}/console"))
    assert "gıda koridoru" in text_of(console, "main h1")
    said = console.select_one("main").get_text(" ")  # type: ignore[union-attr]
    assert "Ukrayna" in said
    assert "Rusya Federasyonu" in said
    assert "Ukraine" not in said
    qatar = site.client("qatar")
    qatar.cookies.set("gobetween_lang", "ar")
    energy = soup(qatar.get(f"/tracks/{site.tracks['energy facilities']}"))
    assert text_of(energy, "main h1") == "منشآت الطاقة"
    assert "أوكرانيا" in _taking_part(energy)


def _names_form(page: BeautifulSoup, subject: str) -> dict[str, str]:
    form = one(page, f"details[data-names='{subject}'] form")
    return {str(i["name"]): str(i.get("value", "")) for i in form.select("input[name]")}


def test_the_admin_page_names_each_in_every_working_language(site: Site) -> None:
    admin = site.client("secretariat")
    url = f"/processes/{_process_id(site)}/admin"
    page = soup(admin.get(url))
    ukraine = site.orgs["Ukraine"]
    form = one(page, f"details[data-names='organisation:{ukraine}'] form")
    fields = form.select("input[type=text]")
    assert [f["lang"] for f in fields] == ["en", "uk", "ru", "tr", "ar"]  # the working languages
    assert all(f["dir"] == "auto" and f["maxlength"] == "200" for f in fields)
    labels = {str(lab["for"]): lab.get_text() for lab in form.select("label")}
    said = [labels[str(f["id"])] for f in fields]
    assert said == ["English", "Українська", "Русский", "Türkçe", "العربية"]  # their own names
    assert [f.get("value") for f in fields] == ["", "Україна", "Украина", "Ukrayna", "أوكرانيا"]
    assert _names_form(page, "process")["names.ru"] == RUSSIAN["process"]
    food = site.tracks["food corridor"]
    assert _names_form(page, f"track:{food}")["names.tr"] == "gıda koridoru"
    assert _names_form(page, f"track:{food}")["names.ar"] == ""  # the corridor: no Arabic

    sent = {**_names_form(page, f"organisation:{ukraine}"), "names.ru": "Украина (делегация)"}
    saved = admin.post(url, data=sent)
    assert saved.status_code == 303, saved.text
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    assert "Украина (делегация)" in _taking_part(soup(russia.get(f"/tracks/{food}")))

    too_long = {**_names_form(page, f"track:{food}"), "names.uk": "к" * 201}
    refused = admin.post(url, data={**too_long, "csrf_token": csrf(page)})
    assert refused.status_code == 422, refused.text
    again = soup(refused)
    field = one(again, f"#names-track-{food}-uk")
    assert field["aria-invalid"] == "true"
    error = one(again, f"#names-track-{food}-uk-error").get_text()
    assert error == "201 characters; at most 200 are accepted"
    assert field["value"] == "к" * 201  # the form as typed
    assert one(again, f"details[data-names='track:{food}']").has_attr("open")
    summary = one(again, "#error-summary a")
    assert summary["href"] == f"#names-track-{food}-uk"


def test_the_admin_page_refuses_a_language_the_process_does_not_work_in(site: Site) -> None:
    """A field of a language the form does not offer (a hand-made request) is refused as the
    API refuses it, naming the language; nothing is saved."""
    admin = site.client("secretariat")
    url = f"/processes/{_process_id(site)}/admin"
    page = soup(admin.get(url))
    sent = {**_names_form(page, "process"), "names.de": "Schwarzmeer-Gespräche"}
    refused = admin.post(url, data=sent)
    assert refused.status_code == 422
    assert "German (de) is not a working language of the process" in soup(refused).get_text()
    assert _names_form(soup(admin.get(url)), "process")["names.ru"] == RUSSIAN["process"]


def test_the_agreement_names_its_signatories_in_the_readers_language(site: Site) -> None:
    """The page names each signatory in the reader's language; the instruments, signed with
    the names as entered, keep them."""
    from gobetween.service.demo_agreement import build_agreement_demo

    with site.services.db.unit_of_work() as session:
        aid = build_agreement_demo(session)
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    page = soup(russia.get(f"/agreements/{aid}"))
    signed = [li.get_text() for li in page.select("ul.signatories li")]
    assert any(s.startswith("Украина:") for s in signed), signed
    assert any(s.startswith("Организация Объединённых Наций:") for s in signed), signed
    assert not any(s.startswith("Ukraine") for s in signed), signed
    ukraine = one(page, "article.instrument[data-party='Ukraine']")  # the instrument as signed
    assert "Ukraine" in text_of(ukraine, "h3")
    log = text_of(page, "#log")  # the agreement's record: who signed for whom
    assert "Организация Объединённых Наций · сторона: Украина" in log, log
    record = soup(russia.get(f"/agreements/{aid}/implementation"))
    delegation = one(record, "#ev-delegation option")
    assert (delegation["value"], delegation.get_text()) == (
        "Russian Federation",
        "Российская Федерация",
    )
    registered = text_of(record, "#items")  # voyage #1, registered by Ukraine
    assert "Украина" in registered, registered
    assert "Ukraine" not in registered, registered


def _process_id(site: Site) -> int:
    from gobetween.service.demo import PROCESS_NAME
    from gobetween.store import tables as t

    with site.services.db.unit_of_work(write=False) as session:
        row = session.query(t.Process).filter_by(name=PROCESS_NAME).one()
        return int(row.id)
