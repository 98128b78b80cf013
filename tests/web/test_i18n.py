"""The interface in five languages, page by page (structural tests on the demo site).

A page is in the reader's language: the user's setting, else the switcher's cookie, else
Accept-Language; ``<html lang dir>`` says which; no English sentence of the catalogs is left on
a translated page (user content and names stay as written); every time is in one format in the
reader's time zone; problem+json keeps an English ``title`` and localises ``detail``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from functools import cache
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from tests.web.site import Site, csrf, one, soup, text_of
from tests.web.test_pages import FOOD, post_form

from gobetween.service.demo_agreement import build_agreement_demo
from gobetween.service.demo_records import RETURNS, build_records_demo
from gobetween.service.negotiate import track_agenda
from gobetween.store import tables as t

LOCALE = Path(__file__).resolve().parents[2] / "src" / "gobetween" / "locale"
ONE_FORMAT = re.compile(r"\(UTC([+-]\d{1,2}(:\d\d)?)?\)$")
BIDI_MARKS = re.compile("[\u200e\u200f\u2066-\u2069]")


@cache
def english() -> frozenset[str]:
    """Every English sentence and word of the catalogs (with letters, placeholders left out)."""
    with (LOCALE / "messages.pot").open("rb") as fh:
        ids = [m.id for m in list(read_po(fh))[1:]]
    flat = [s for i in ids for s in (i if isinstance(i, tuple) else (i,))]
    return frozenset(s for s in flat if "%(" not in s and "{" not in s and re.search("[a-z]", s))


def user_content(node: object) -> bool:
    """Inside an agenda row or a package: words the negotiators wrote, not the interface's."""
    parent = getattr(node, "parent", None)
    while parent is not None:
        if parent.has_attr("data-issue") or "pkg" in (parent.get("class") or []):
            return True
        parent = parent.parent
    return False


def demo_words(site: Site) -> set[str]:
    """Names the negotiators gave: organisations, tracks, issues and options of the demo."""
    words: set[str] = set()
    with site.services.db.unit_of_work() as session:
        words |= {row.name for row in session.query(t.Organisation).all()}
        for track in session.query(t.Track).all():
            agenda = track_agenda(track)
            words |= {track.name, *(i.name for i in agenda.issues)}
            words |= {o.title for i in agenda.issues for o in i.options}
            words |= {o.name for i in agenda.issues for o in i.options}
    return words


def leftovers(page: BeautifulSoup, names: Collection[str] = ()) -> list[str]:
    """Texts and labels of ``page`` that are an English message of the catalogs, unchanged
    (names the negotiators gave, in ``names``, are theirs)."""
    texts = [" ".join(t.split()) for t in page.find_all(string=True) if not user_content(t)]
    texts += [
        str(el[a]) for a in ("aria-label", "title", "placeholder") for el in page.select(f"[{a}]")
    ]
    return sorted({t for t in texts if t in english() and t not in names})


def in_language(site: Site, seat: str | None, code: str) -> httpx.Client:
    c = site.client(seat)
    c.cookies.set("gobetween_lang", code)
    return c


def test_accept_language_then_the_switcher_decide_for_a_visitor(site: Site) -> None:
    c = site.client()
    page = soup(c.get("/login", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"}))
    assert one(page, "html")["lang"] == "uk"
    assert text_of(page, "h1") == "Увійти"
    arabic = soup(c.get("/login", headers={"Accept-Language": "ar-QA"}))
    assert (one(arabic, "html")["lang"], one(arabic, "html")["dir"]) == ("ar", "rtl")
    assert one(soup(c.get("/login", headers={"Accept-Language": "de, fr"})), "html")["lang"] == "en"
    switched = c.post("/language", data={"locale": "tr", "next": "/login?next=/x"})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/login?next=/x"
    page = soup(c.get("/login", headers={"Accept-Language": "uk"}))
    assert (one(page, "html")["lang"], text_of(page, "h1")) == ("tr", "Oturum aç")
    assert one(page, "#language-choice option[selected]")["value"] == "tr"
    bad = c.post("/language", data={"locale": "xx", "next": "//evil.example"})
    assert bad.status_code == 422
    assert "xx" in text_of(soup(bad), ".problem")
    assert c.post("/language", data={"locale": "ru", "next": "//evil"}).headers["location"] == "/"


def test_a_users_own_language_and_time_zone_follow_them_to_any_browser(site: Site) -> None:
    c = site.client("ukraine")
    r = post_form(c, "/settings", "/settings", {"locale": "uk", "time_zone": "Europe/Kiev"})
    assert r.status_code == 303
    fresh = site.client("ukraine")  # another browser: no cookies but the session
    page = soup(fresh.get("/", headers={"Accept-Language": "en"}))
    assert one(page, "html")["lang"] == "uk"
    # the place in the reader's language (Europe/Kiev is the legacy name of Europe/Kyiv)
    assert "Україна (Київ) \u00b7" in text_of(page, "footer")
    settings = soup(fresh.get("/settings"))
    chosen = one(settings, "#settings-zone option[selected]")
    assert chosen["value"] == "Europe/Kyiv"
    assert "Україна (Київ) \u00b7 \u2066UTC+0" in chosen.get_text()
    assert one(settings, "#settings-locale option[selected]")["value"] == "uk"
    wrong = post_form(fresh, "/settings", "/settings", {"locale": "uk", "time_zone": "Mars/Base"})
    assert wrong.status_code == 422
    assert "Mars/Base" in text_of(soup(wrong), ".flash.error")
    # a zone the tz database links elsewhere keeps its own place: Denmark, not Germany
    post_form(fresh, "/settings", "/settings", {"locale": "uk", "time_zone": "Europe/Copenhagen"})
    settings = soup(fresh.get("/settings"))
    assert one(settings, "#settings-zone option[selected]")["value"] == "Europe/Copenhagen"
    assert "Данія \u00b7" in text_of(settings, "footer")
    utc = post_form(fresh, "/settings", "/settings", {"locale": "uk", "time_zone": "UTC"})
    assert utc.status_code == 303
    assert one(soup(fresh.get("/settings")), "#settings-zone option[selected]")["value"] == "UTC"
    switched = post_form(fresh, "/", "/language", {"locale": "ar", "next": "/"})
    assert switched.status_code == 303
    assert one(soup(site.client("ukraine").get("/")), "html")["dir"] == "rtl"


def test_another_users_setting_does_not_touch_mine(site: Site) -> None:
    post_form(site.client("ukraine"), "/settings", "/settings", {"locale": "ru", "time_zone": ""})
    page = soup(site.client("russia").get("/", headers={"Accept-Language": "tr"}))
    assert one(page, "html")["lang"] == "tr"


def test_ukrainian_pages_leave_no_english(site: Site) -> None:
    food = site.tracks[FOOD]
    c = in_language(site, "ukraine", "uk")
    pages = ["/", f"/tracks/{food}", f"/tracks/{food}/channel", f"/tracks/{food}/preferences"]
    pages += ["/settings", "/agreements", "/tracks/999999"]
    names = demo_words(site)
    for path in pages:
        page = soup(c.get(path))
        assert (one(page, "html")["lang"], one(page, "html")["dir"]) == ("uk", "ltr"), path
        assert leftovers(page, names) == [], path
    nav = [a.get_text() for a in soup(c.get(f"/tracks/{food}")).select("nav.tabs a")]
    assert nav[:3] == ["Огляд", "Канал", "Пріоритети"]


#: A number in English notation: a comma between thousands, a point before decimals.
ENGLISH_NUMBER = re.compile(r"\d,\d{3}\b|\d\.\d")


def test_the_implementation_record_in_ukrainian_leaves_no_english(site: Site) -> None:
    """The joint record as the Ukrainian delegation reads it: its figures as Ukrainian writes
    numbers (31,74 and 7 578 536), months and days in words, the CSV downloads, evidence kinds,
    published record kinds, term bases, destination countries, commodities and income groups in
    Ukrainian; the data (vessel names, ports, what an assessor wrote) stays as published."""
    with site.services.db.unit_of_work() as session:
        initiative = build_agreement_demo(session)
    c = in_language(site, "ukraine", "uk")
    page = soup(c.get(f"/agreements/{initiative}/implementation"))
    assert leftovers(page, demo_words(site)) == []
    nbsp = "\u00a0"
    assert text_of(page, "#fig-voyages") == "981"
    assert text_of(page, "#fig-tonnes") == "31,74"
    assert text_of(page, "#fig-developing") == "57,1%"
    assert one(page, "#fig-wfp").get_text() == f"625{nbsp}169 т"
    august = one(page, "#waits tr[data-month='2022-08']")
    cells = [td.get_text() for td in august.select("td")]
    assert cells == ["серпень 2022\u202fр.", "63", "2", "4,8"]
    figures = " ".join(
        el.get_text(" ")
        for el in page.select("#summary, #fig-ports, #waits, #terms, svg.chart, table.bars")
    )
    assert ENGLISH_NUMBER.findall(figures) == []
    assert f"7{nbsp}578{nbsp}536 т" in figures
    downloads = {a["data-figure"]: a.get_text() for a in page.select(".downloads a[data-figure]")}
    assert downloads["tonnage_by_country"] == "тоннаж за країнами призначення"
    assert not [name for name, text in downloads.items() if "_" in text or text in name]
    first = page.select("#terms tbody tr")[0]
    assert [td.get_text(" ", strip=True) for td in first.select("td")][1:] == [
        "22 лип. 2022\u202fр.",
        "19 лист. 2022\u202fр.",
        "120",
        "набрання чинності",
    ]
    assert [t["datetime"] for t in first.select("time")] == ["2022-07-22", "2022-11-19"]
    evidence = text_of(page, "#provisions-table")
    assert "подія: voyage #1 RAZONI" in evidence
    assert "event:" not in evidence
    published = text_of(page, "#published-list")
    for key in ("voyages", "arrival", "departure", "inspection", "registration"):
        assert f"«{key}»" not in published, key
    assert "«Рейси»" in published
    assert "«прибуття»" in published
    countries = text_of(page, "table.bars[aria-label^='Тоннаж за країнами']")
    assert "Китай" in countries
    assert "Нідерланди" in countries
    assert "China" not in countries
    commodities = text_of(page, "table.bars[aria-label^='Тоннаж за товарами']")
    assert ("Кукурудза" in commodities, "Соняшникова олія" in commodities) == (True, True)
    assert ("Corn" in commodities, "Sunflower" in commodities) == (False, False)
    groups = text_of(page, "table.bars[aria-label^='Тоннаж за групами доходу']")
    assert "Дохід вище середнього" in groups
    assert "income" not in groups
    events = text_of(page, "#events")
    assert "причина:" not in events  # the demo's decisions and inspections give no reason
    duty = text_of(page, ".obligation")
    assert "щонайменше 9 на день" in duty
    assert "at least" not in duty
    assert duty.startswith("Стаття 3 ")


def test_why_each_term_ended_reads_in_ukrainian_on_the_agreement(site: Site) -> None:
    """The agreement's record keeps the English words the end of each term wrote (they are part
    of the signed log); the Ukrainian delegation reads them in Ukrainian: the renewal by consent,
    the disputed renewal of March 2023 with each signatory's days, and the expiry of July 2023."""
    with site.services.db.unit_of_work() as session:
        initiative = build_agreement_demo(session)
    page = soup(in_language(site, "ukraine", "uk").get(f"/agreements/{initiative}"))
    renewals = [li.get_text(" ", strip=True) for li in page.select("#log li[data-type=renewed]")]
    assert len(renewals) == 3
    assert "підстава: за згодою всіх підписантів" in renewals[0]
    assert (
        "підстава: найкоротший погоджений строк; згоди різняться (Ukraine: 120 днів, "
        in (renewals[1])
    )
    assert "Russian Federation: 60 днів" in renewals[1]
    assert "підстава: за згодою всіх підписантів" in renewals[2]
    expiry = text_of(page, "#log li[data-type=expired]")
    assert "причина: немає згоди на продовження від: Russian Federation" in " ".join(expiry.split())
    log = text_of(page, "#log")
    for english in ("consent of all signatories", "consents differ", " days", "no consent"):
        assert english not in log, english


def test_a_record_kinds_dates_months_and_counts_are_the_readers(site: Site) -> None:
    """The prisoner returns' record in Ukrainian: an entry's date in words (the ISO day kept in
    ``<time datetime>``), its count and the figures' months and counts as Ukrainian writes them;
    the count is "Кількість" (how many people), not "Номер" (an identifier)."""
    with site.services.db.unit_of_work() as session:
        returns = build_records_demo(session)[RETURNS]
    page = soup(in_language(site, "ukraine", "uk").get(f"/agreements/{returns}/implementation"))
    day = page.select("#entries-exchanges td[data-field='date'] time")[0]
    assert (day["datetime"], day.get_text()) == ("2022-09-21", "21 вер. 2022\u202fр.")
    months = page.select("figure[data-figure] td time")
    assert months
    assert months[0]["datetime"] == "2022-09"
    assert months[0].get_text() == "вересень 2022\u202fр."
    assert "Кількість (осіб)" in text_of(page, "#entries-exchanges thead")


def test_arabic_mediator_pages_are_right_to_left_with_no_english(site: Site) -> None:
    food = site.tracks[FOOD]
    c = in_language(site, "un", "ar")
    names = demo_words(site)
    for path in (f"/tracks/{food}/console", f"/tracks/{food}/analysis", f"/tracks/{food}"):
        page = soup(c.get(path))
        assert (one(page, "html")["lang"], one(page, "html")["dir"]) == ("ar", "rtl"), path
        assert leftovers(page, names) == [], path
    analysis = soup(c.get(f"/tracks/{food}/analysis"))
    assert one(analysis, "tr[data-solution=Nash] th").get_text() == "ناش"
    assert "المنفعة" in one(analysis, "svg.chart").get_text()


def test_every_time_has_one_format_in_the_readers_zone(site: Site) -> None:
    food = site.tracks[FOOD]
    for code in ("en", "uk", "ar"):
        c = in_language(site, "ukraine", code)
        c.cookies.set("gobetween_tz", "Europe/Kiev")
        stamps = []
        for path in (f"/tracks/{food}/channel", f"/tracks/{food}/preferences", f"/tracks/{food}"):
            stamps += [BIDI_MARKS.sub("", t.get_text()) for t in soup(c.get(path)).select("time")]
        assert stamps, code
        assert all(ONE_FORMAT.search(s) for s in stamps), stamps
        assert all("(UTC+2)" in s or "(UTC+3)" in s for s in stamps), stamps


def test_page_script_words_come_translated_from_the_page(site: Site) -> None:
    food = site.tracks[FOOD]
    page = soup(in_language(site, "ukraine", "ru").get(f"/tracks/{food}/channel"))
    words = json.loads(str(one(page, "body")["data-strings"]))
    assert words["live_on"] == "Обновления в реальном времени включены."


def test_problem_json_keeps_an_english_title_and_a_localised_detail(site: Site) -> None:
    c = site.client("ukraine")
    token = csrf(soup(c.get("/")))
    for code, words in (("uk", "не існує"), ("ar", "غير موجود"), ("en", "no track")):
        r = c.get("/api/tracks/999999", headers={"Accept-Language": code})
        assert r.status_code == 404
        problem = r.json()
        assert problem["title"] == "NotFound"
        assert words in problem["detail"], problem
    r = c.post(
        f"/api/tracks/{site.tracks[FOOD]}/messages",
        json={"text": 5},
        headers={"Accept-Language": "tr", "X-CSRF-Token": token},
    )
    if r.status_code == 422:
        assert r.json()["title"] == "ValidationFailed"
        assert not r.json()["detail"].startswith("invalid input")


@pytest.mark.parametrize("code", ["uk", "ru", "tr", "ar"])
def test_error_pages_and_forms_speak_the_readers_language(site: Site, code: str) -> None:
    c = in_language(site, None, code)
    missing = soup(c.get("/no/such/page"))
    assert leftovers(missing) == []
    assert one(missing, "html")["lang"] == code
    form = {"email": "nobody@example.org", "password": "x" * 12}
    wrong = post_form(c, "/login", "/login", form)
    assert wrong.status_code == 401
    assert leftovers(soup(wrong)) == []


@pytest.mark.parametrize(
    ("code", "bad_token"),
    [
        ("uk", "невідомий або відкликаний токен API"),
        ("ar", "رمز API غير معروف أو ملغى"),
        ("en", "unknown or revoked API token"),
    ],
)
def test_service_errors_speak_the_readers_language(site: Site, code: str, bad_token: str) -> None:
    """The messages the service layer raises (not only the web's) reach the API in the reader's
    language."""
    r = site.client(None).get(
        "/api/auth/me", headers={"Accept-Language": code, "Authorization": "Bearer junk"}
    )
    assert (r.status_code, r.json()["detail"]) == (401, bad_token)
