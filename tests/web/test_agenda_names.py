"""A delegation reads its agenda in its own language: the demo's food corridor names its issues
and options in Ukrainian, Russian and Turkish (``names``), and the pages a delegate works on
(the track, the priorities form, the drafting page) show them; the agenda editor shows and
keeps them, so saving the agenda loses none."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
from bs4 import BeautifulSoup
from tests.web.site import Site, csrf, one, soup, text_of


def _form(page: BeautifulSoup, action: str) -> dict[str, Any]:
    """The agenda editor's fields as the browser would send them, with ``action``."""
    data: dict[str, Any] = {}
    form = one(page, "#agenda-form")
    for field in form.select("input[name], textarea[name], select[name]"):
        name = str(field["name"])
        if field.name == "textarea":
            data[name] = field.text
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = "" if chosen is None else str(chosen.get("value", ""))
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data.setdefault(name, []).append(str(field.get("value", "on")))
        elif field.get("type") != "file":
            data[name] = str(field.get("value", ""))
    data["action"] = action
    return data


def test_a_russian_delegate_reads_the_agenda_and_sets_priorities_in_russian(site: Site) -> None:
    track = site.tracks["food corridor"]
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    overview = soup(russia.get(f"/tracks/{track}"))
    rows = {str(r["data-issue"]): r for r in overview.select("tr[data-issue]")}
    assert text_of(rows["ports"], "th").startswith("порты ")  # before: "ports"
    assert "Одесса и Черноморск" in [li.get_text() for li in rows["ports"].select("li")]
    assert "Украинские порты, из которых" in text_of(rows["ports"], "th")  # its description
    assert text_of(rows["term"], "th").startswith("срок (дней)")  # before: "срок (days)"
    # the agenda's caption names the track as the reader does (before: the scenario's English
    # name of the agenda, "Black Sea corridor")
    caption = text_of(overview, "table.agenda caption")
    assert caption.startswith("продовольственный коридор"), caption
    form = soup(russia.get(f"/tracks/{track}/preferences"))
    legend = one(form, "fieldset.issue-prefs[data-issue='naval presence'] legend").get_text()
    assert legend.startswith("военно-морское")
    assert one(form, "fieldset.issue-prefs[data-issue='term'] legend").get_text() == "срок (дней)"
    assert "Красная линия: никогда не принимать «Одесса»" in form.get_text()
    # the form still sends the names the preferences are keyed by
    assert form.select("input[name^='red-']")
    kept = next(p.get_text() for p in form.select("p.muted") if "красная линия" in p.get_text())
    assert "продление = автоматически" in kept, kept  # a kept red line, before: "renewal = ..."
    assert "срок = 180" in kept, kept
    english = site.client("ukraine")
    english.cookies.set("gobetween_lang", "en")
    rows = {
        str(r["data-issue"]): r
        for r in soup(english.get(f"/tracks/{track}")).select("tr[data-issue]")
    }
    assert text_of(rows["ports"], "th").startswith("ports ")


def test_the_agenda_editor_shows_and_keeps_the_names_and_descriptions(site: Site) -> None:
    track = site.tracks["food corridor"]
    admin = site.client("secretariat")
    page = soup(admin.get(f"/tracks/{track}/agenda"))
    issue = one(page, "fieldset.issue[data-issue='ports']")
    i = str(issue["id"]).removeprefix("issue-")
    assert one(page, f"#i{i}-n-ru")["value"] == "порты"
    assert one(page, f"#i{i}-o0-n-uk")["value"] == "Одеса"
    t = str(one(page, "fieldset.issue[data-issue='term']")["id"]).removeprefix("issue-")
    assert one(page, f"#i{t}-u-ru")["value"] == "дней"
    data = _form(page, "save")
    data[f"i{t}.u.tr"] = "takvim günü"
    data[f"i{i}.n.tr"] = "limanlar (düzeltildi)"
    data[f"i{i}.o0.n.ru"] = ""  # emptied: the option has no Russian name any more
    data[f"i{i}.d.ar"] = "الموانئ التي تبحر منها السفن."
    saved = admin.post(f"/tracks/{track}/agenda", data=data)
    assert saved.status_code == 303, saved.text
    agenda = admin.get(f"/api/tracks/{track}").json()["agenda"]
    ports = next(x for x in agenda["issues"] if x["name"] == "ports")
    assert ports["names"] == {"uk": "порти", "ru": "порты", "tr": "limanlar (düzeltildi)"}
    assert ports["options"][0]["names"] == {"uk": "Одеса", "tr": "Odesa"}
    assert ports["descriptions"]["ar"] == "الموانئ التي تبحر منها السفن."
    term = next(x for x in agenda["issues"] if x["name"] == "term")
    assert term["units"] == {"uk": "днів", "ru": "дней", "tr": "takvim günü"}
    cargo = next(x for x in agenda["issues"] if x["name"] == "cargo")
    assert cargo["names"]["ru"] == "груз"  # untouched: kept
    assert all(o.get("names") for o in cargo["options"])


def test_a_refused_name_is_shown_at_its_field(site: Site) -> None:
    track = site.tracks["food corridor"]
    admin = site.client("secretariat")
    page = soup(admin.get(f"/tracks/{track}/agenda"))
    i = str(one(page, "fieldset.issue[data-issue='ports']")["id"]).removeprefix("issue-")
    data = _form(page, "save")
    data[f"i{i}.n.uk"] = "п" * 201  # longer than a name may be
    refused = admin.post(f"/tracks/{track}/agenda", data=data)
    assert refused.status_code == 422, refused.text
    again = soup(refused)
    assert one(again, f"#i{i}-n-uk").get("aria-invalid") == "true"
    assert one(again, f"#i{i}-n-uk-error").get_text()
    t = str(one(page, "fieldset.issue[data-issue='term']")["id"]).removeprefix("issue-")
    data = _form(page, "save")
    data[f"i{t}.u.ru"] = "д" * 51  # longer than a unit may be
    refused = admin.post(f"/tracks/{track}/agenda", data=data)
    assert refused.status_code == 422, refused.text
    assert one(soup(refused), f"#i{t}-u-ru").get("aria-invalid") == "true"


def test_a_mediator_reads_the_analysis_packages_in_their_language(site: Site) -> None:
    track = site.tracks["food corridor"]
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    page = soup(un.get(f"/tracks/{track}/analysis"))
    lines = [li.get_text() for li in page.select(".package-details li")]
    assert lines, page.get_text()[:500]
    assert any(line.startswith("порти: Одеса") for line in lines), lines[
        :8
    ]  # before: "ports: Odesa"
    assert not any(line.startswith("ports: ") for line in lines), lines[:8]


def test_a_delegates_own_offer_reads_in_their_language(site: Site) -> None:
    track = site.tracks["food corridor"]
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    page = f"/tracks/{track}/channel"
    token = csrf(soup(russia.get(page)))
    offer = {"csrf_token": token, "option:ports": "Odesa", "message": "Только Одесса."}
    assert russia.post(f"/tracks/{track}/offers", data=offer).status_code == 303
    sent = soup(russia.get(page)).select(".sent-offer")
    assert sent, "no offer listed"
    assert "порты: Одесса" in sent[-1].get_text()  # before: "ports: Odesa"
    assert "«Только Одесса.»" in sent[-1].get_text()  # Russian quotation marks (were “…”)


def test_texts_in_a_language_without_fields_survive_a_save(site: Site) -> None:
    """A name, a description or a clause in a language the process does not work in (set
    through the API, or from an imported file) has no field in the editor; it rides along
    hidden, so saving the agenda in the editor keeps it (before: lost on save)."""
    track = site.tracks["food corridor"]
    admin = site.client("secretariat")
    agenda = admin.get(f"/api/tracks/{track}").json()["agenda"]
    agenda["issues"][0]["names"]["de"] = "Häfen"
    agenda["issues"][0]["descriptions"]["de"] = "Die Häfen."
    agenda["issues"][0]["options"][0]["names"]["de"] = "Odessa"
    agenda["issues"][0]["options"][0]["wording"]["de"] = "Die Schiffe fahren von Odessa ab."
    token = csrf(soup(admin.get(f"/tracks/{track}/agenda")))
    body = {"agenda": agenda, "note": ""}
    put = admin.put(f"/api/tracks/{track}/agenda", json=body, headers={"X-CSRF-Token": token})
    assert put.status_code == 200, put.text
    page = soup(admin.get(f"/tracks/{track}/agenda"))
    assert not page.select("input[type=text][name$='.n.de']")  # no field: not a working language
    saved = admin.post(f"/tracks/{track}/agenda", data=_form(page, "save"))
    assert saved.status_code == 303, saved.text
    ports = admin.get(f"/api/tracks/{track}").json()["agenda"]["issues"][0]
    assert ports["names"]["de"] == "Häfen"
    assert ports["descriptions"]["de"] == "Die Häfen."
    assert ports["options"][0]["names"]["de"] == "Odessa"
    assert ports["options"][0]["wording"]["de"] == "Die Schiffe fahren von Odessa ab."
    assert ports["names"]["uk"] == "порти"


def test_the_texts_articles_and_the_analysis_name_issues_in_the_readers_language(
    site: Site,
) -> None:
    track = site.tracks["food corridor"]
    un = site.client("un")
    agenda = un.get(f"/api/tracks/{track}").json()["agenda"]
    package = {i["name"]: i["options"][0]["name"] for i in agenda["issues"]}
    token = csrf(soup(un.get(f"/tracks/{track}/draft")))
    published = un.post(
        f"/api/tracks/{track}/text/versions",
        json={"package": package},
        headers={"X-CSRF-Token": token},
    )
    assert published.status_code == 201, published.text
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    text = soup(russia.get(f"/tracks/{track}/text"))
    heads = [p.get_text(" ") for p in text.select(".article-head")]
    assert any(h.startswith("порты") and "Одесса" in h for h in heads), heads  # before: "ports"
    answering = [b.get_text() for b in text.select("#answer-form .article-answer strong")]
    assert "порты" in answering, answering  # the answer form's articles (before: "ports")
    # the wording in the reader's language where the text has it (before: its first, English)
    ports = one(text, "#current .article[data-issue=ports] .wording span")
    assert ports["lang"] == "ru"
    assert ports.get_text().startswith("Суда отходят из порта Одесса"), ports.get_text()
    # and its download is in the reader's language too (before: always English)
    link = str(one(text, "#current a.docx")["href"])
    assert link.endswith("?language=ru"), link
    document = docx.Document(io.BytesIO(russia.get(link).content))
    assert any(p.text.startswith("Суда отходят") for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith(". порты") for h in headings), headings  # before: ". ports"
    package["ports"] = agenda["issues"][0]["options"][1]["name"]
    again = un.post(
        f"/api/tracks/{track}/text/versions",
        json={"package": package},
        headers={"X-CSRF-Token": token},
    )
    assert again.status_code == 201, again.text
    changes = soup(russia.get(f"/tracks/{track}/text")).select("#current ul.changes li")
    said = [li.get_text(" ") for li in changes]
    assert any("порты:" in c and "«Одесса» → «Одесса и Черноморск»" in c for c in said), said
    redline = soup(russia.get(f"/tracks/{track}/text/redline?old=1&new=2"))  # no language asked
    assert one(redline, "#redline-language option[selected]")["value"] == "ru"  # the reader's
    assert "Суда отходят" in text_of(redline, "#redline")  # the Russian text (before: English)
    heads = [h.get_text() for h in redline.select("#redline .article-head strong")]
    assert "порты" in heads, heads
    for kind in ("docx", "pdf"):  # before: the redline's downloads forgot its language
        assert str(one(redline, f"#redline-{kind}")["href"]).endswith("?language=ru")
    un.cookies.set("gobetween_lang", "uk")
    stakes = soup(un.get(f"/tracks/{track}/analysis")).select("tr[data-issue] th[scope=row]")
    assert "порти" in [th.get_text() for th in stakes]


def test_every_demo_track_reads_in_its_languages(site: Site) -> None:
    """The demo names each of its three agendas in its tracks' languages (the prisoner return
    in Ukrainian and Russian, the energy facilities in Arabic too)."""
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    for track, issue, called in (
        ("prisoner return", "categories", "категории"),
        ("energy facilities", "scope", "сфера действия"),
    ):
        page = soup(russia.get(f"/tracks/{site.tracks[track]}"))
        head = text_of(one(page, f"tr[data-issue='{issue}']"), "th")
        assert head.startswith(called), (track, head)


def test_the_drafting_page_words_an_option_without_wording_in_each_column_language(
    site: Site,
) -> None:
    """Where the agenda has no prepared wording for an option in a language, the drafting page
    fills that language's column with the issue's and the unit's names in it (before: the
    English names, "term: 120 days.", in the Ukrainian column)."""
    track = site.tracks["food corridor"]
    admin = site.client("secretariat")
    agenda = admin.get(f"/api/tracks/{track}").json()["agenda"]
    term = next(x for x in agenda["issues"] if x["name"] == "term")
    for option in term["options"]:
        option.get("wording", {}).pop("uk", None)
    token = csrf(soup(admin.get(f"/tracks/{track}/agenda")))
    body = {"agenda": agenda, "note": ""}
    put = admin.put(f"/api/tracks/{track}/agenda", json=body, headers={"X-CSRF-Token": token})
    assert put.status_code == 200, put.text
    form = one(soup(site.client("un").get(f"/tracks/{track}/draft")), "#draft-form")
    chosen = str(one(form, "select[name='pkg-term'] option[selected]")["value"])
    assert one(form, "textarea[name='clause-term@uk']").get_text() == f"строк: {chosen} днів."


def test_the_drafting_form_labels_issues_and_languages_in_the_readers_language(
    site: Site,
) -> None:
    """The drafting form's labels name the issue and each column's language as the mediator
    reads them (they said "ports" and "(uk)" on a Ukrainian page; found walking the demo)."""
    track = site.tracks["food corridor"]
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    form = one(soup(un.get(f"/tracks/{track}/draft")), "#draft-form")
    select = one(form, "select[name='pkg-ports']")
    label = text_of(form, f"label[for='{select['id']}']")
    assert "порти" in label, label
    assert "ports" not in label, label
    area = one(form, "textarea[name='clause-ports@ru']")
    said = text_of(form, f"label[for='{area['id']}']")
    assert said.endswith("(російська)"), said


def test_the_analysis_says_which_priorities_it_is_computed_from_in_words(site: Site) -> None:
    """The analysis names each party and the version of its priorities it is computed from,
    in the reader's language (it showed its cache key, "(prefs:5.1,6.1)"; found walking the
    demo)."""
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    page = soup(un.get(f"/tracks/{site.tracks['food corridor']}/analysis"))
    said = next(p.get_text() for p in page.select("p.muted") if "пріоритетами" in p.get_text())
    assert "prefs:" not in said, said
    # each party as Ukrainian names it (demo_process_names.yaml)
    assert re.search(r"Україна \(версія \d+\) і Російська Федерація \(версія \d+\)", said), said


def test_the_analysis_says_what_each_bargaining_solution_chooses(site: Site) -> None:
    """ "Nash", "Kalai-Smorodinsky", "Egalitarian" were names only: a mediation officer who has
    not met them reads, under the table, what each one chooses, in plain words of the page's
    language (found walking the demo)."""
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    page = soup(un.get(f"/tracks/{site.tracks['food corridor']}/analysis"))
    shown = [str(row["data-solution"]) for row in page.select("tr[data-solution]")]
    said = one(page, "#solutions-said")
    terms = [dt.get_text(strip=True) for dt in said.select("dt")]
    words = [dd.get_text(strip=True) for dd in said.select("dd")]
    assert len(terms) == len(shown) >= 3, (terms, shown)
    assert all(words), words
    assert any("добут" in w for w in words), words  # "product" of the gains, in Ukrainian
    assert not any("the largest" in w for w in words), words


def test_the_priorities_forms_refusals_name_issues_in_the_readers_language(site: Site) -> None:
    """Every option of one issue made a red line is refused naming the issue as the reader
    calls it (it named the key: "كل خيارات «scope»"; found walking the demo)."""
    track = site.tracks["food corridor"]
    russia = site.client("russia")
    russia.cookies.set("gobetween_lang", "ru")
    page = soup(russia.get(f"/tracks/{track}/preferences"))
    form = one(page, "#prefs-form")
    data: dict[str, Any] = {}
    for field in form.select("input[name]"):
        kind = field.get("type")
        if kind == "checkbox":
            if field.has_attr("checked"):
                data[str(field["name"])] = "on"
        elif kind != "file":
            data[str(field["name"])] = str(field.get("value", ""))
    ports = one(form, "fieldset.issue-prefs[data-issue='ports']")
    for box in ports.select("input[name^='red-']"):
        data[str(box["name"])] = "on"
    refused = russia.post(f"/tracks/{track}/preferences", data=data)
    assert refused.status_code == 422, refused.status_code
    said = soup(refused).get_text(" ")
    assert "«порты»" in said, said[:2000]
    assert "«ports»" not in said


def test_no_party_reads_the_analysis_page_or_the_others_priorities_versions(site: Site) -> None:
    """The analysis page names each party's priorities version; a party gets no such page (the
    same refusal as the API's: not found), so it never learns how often the other side saved."""
    track = site.tracks["food corridor"]
    for seat in ("ukraine", "russia"):
        page = site.client(seat).get(f"/tracks/{track}/analysis")
        assert page.status_code == 404, (seat, page.status_code)
        assert "version" not in page.text.lower().split("<main")[-1], seat
