"""Names listed the way the reader's language lists them (CLDR's list patterns, Babel's
``format_list``): "A, B, and C" in English, "A, B і C" in Ukrainian, "A وB وC" in Arabic,
each name kept in ``<bdi>``. Before 5 December 2026 every template joined names with a Latin
", " whatever the language (an implementation gate "waiting for United Nations, Türkiye,
Russian Federation" on an Arabic page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.lists import format_list
from tests.web.site import Site, one, soup

from gobetween import i18n
from gobetween.service.demo_agreement import build_agreement_demo
from gobetween.web.render import TEMPLATES

WAITING = ["United Nations", "Türkiye", "Russian Federation"]
#: the same as readers of the signed initiative's working languages call them
#: (``demo_process_names.yaml``); Arabic is none of them: the names as entered
WAITING_IN = {
    "en": WAITING,
    "uk": ["Організація Об'єднаних Націй", "Туреччина", "Російська Федерація"],
    "ru": ["Организация Объединённых Наций", "Турция", "Российская Федерация"],
    "tr": ["Birleşmiş Milletler", "Türkiye", "Rusya Federasyonu"],
    "ar": WAITING,
}


def _said(lang: str, message: str, context: str | None = None, **values: object) -> str:
    with i18n.use_locale(lang):
        words = i18n.pgettext(context, message) if context else i18n._(message)
    return words % values if values else words


@pytest.fixture
def gate_url(site: Site) -> str:
    """The corridor's joint record with voyage #982 registered and approved by Ukraine alone:
    its departure-plan gate waits for the three other delegations."""
    with site.services.db.unit_of_work() as session:
        url = f"/agreements/{build_agreement_demo(session)}/implementation"
    ukraine = site.client("ukraine")
    page = soup(ukraine.get(url))
    token = str(one(page, "#event-form input[name=csrf_token]")["value"])
    for event in (
        {"type": "registration", "reason": "bulk carrier, wheat"},
        {"type": "decision", "step": "departure plan", "verdict": "approve"},
    ):
        sent = {"item": "voyage #982", "delegation": "Ukraine", **event}
        r = ukraine.post(f"{url}/events", data={"csrf_token": token, **sent})
        assert r.status_code == 303, r.text
    return url


@pytest.mark.parametrize(
    ("lang", "listed"),
    [
        ("en", "United Nations, Türkiye, and Russian Federation"),
        ("uk", "Організація Об'єднаних Націй, Туреччина і Російська Федерація"),
        ("ru", "Организация Объединённых Наций, Турция и Российская Федерация"),
        ("tr", "Birleşmiş Milletler, Türkiye ve Rusya Federasyonu"),
        ("ar", "United Nations وTürkiye وRussian Federation"),
    ],
)
def test_a_gate_waits_for_names_listed_as_the_reader_lists(
    site: Site, gate_url: str, lang: str, listed: str
) -> None:
    waiting = WAITING_IN[lang]  # each named as the reader's language calls it
    assert format_list(waiting, locale=lang) == listed  # CLDR, as Babel ships it
    page = soup(site.client("turkiye").get(gate_url, headers={"Accept-Language": lang}))
    row = next(tr for tr in page.select("#items tr") if "voyage #982" in tr.get_text())
    gate = one(row, ".gate[data-step='departure plan']")
    assert gate["data-status"] == "pending"
    assert [b.get_text() for b in gate.select("bdi")] == waiting  # each name set apart
    comma = _said(lang, ", ", "between the clauses of a gate")
    waiting = _said(lang, "waiting for %(who)s", who=listed)
    assert gate.get_text().endswith(comma + waiting)
    if lang == "ar":  # no Latin comma on the Arabic page's gate: "،" between its clauses
        assert "," not in gate.get_text()
        assert "، " + waiting in gate.get_text()


@pytest.mark.parametrize("lang", ["en", "uk", "ar"])
def test_the_track_page_lists_who_takes_part_as_the_reader_lists(site: Site, lang: str) -> None:
    food = site.tracks["food corridor"]
    page = soup(site.client("ukraine").get(f"/tracks/{food}", headers={"Accept-Language": lang}))
    line = page.select("main p.muted")[0]
    names = [b.get_text() for b in line.select("bdi")]
    assert len(names) >= 3  # the parties and the mediators of the food corridor
    assert format_list(names, locale=lang) in line.get_text()


def test_no_template_joins_words_with_a_latin_comma() -> None:
    """Lists for people to read go through ``listed``; a data attribute or an address may
    still join with a space."""
    joined = {
        f"{path.name}:{n}"
        for path in Path(TEMPLATES).rglob("*.html")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"""join\(\s*["'][,;] ?["']\s*\)""", line)
        or re.search(r"""if not loop\.last %\}, \{%""", line)
    }
    assert joined == set()


def test_who_approved_a_publication_is_listed_as_the_reader_lists(site: Site) -> None:
    """The public record's "approved by" joined both delegations with a Latin comma on an
    Arabic page ("وموافقة Ukraine, Russian Federation", found walking the demo)."""
    from gobetween.service.demo_records import ENERGY, build_records_demo

    with site.services.db.unit_of_work() as session:
        aid = build_records_demo(session)[ENERGY]
    qatar = site.client("qatar")
    qatar.cookies.set("gobetween_lang", "ar")
    page = soup(qatar.get(f"/agreements/{aid}/implementation"))
    published = " ".join(li.get_text(" ", strip=True) for li in page.select("li[data-scope]"))
    assert "أوكرانيا, الاتحاد الروسي" not in published, published
    # each delegation as an Arabic reader calls it (demo_process_names.yaml)
    assert re.search(r"أوكرانيا\s*و\s*الاتحاد الروسي", published), published
