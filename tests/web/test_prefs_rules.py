"""The preferences page's "if ... then ... is worth ..." rules: added, read back in words,
refused when half filled, removed; the mediators' analysis then goes through the exact solver."""

from __future__ import annotations

import httpx
import pytest
from bs4 import BeautifulSoup
from tests.web.site import Site, one, soup, text_of, unlabelled_controls

from gobetween.formats import examples
from gobetween.store.codec import preferences_from_json

FOOD = "food corridor"


def _form(page: BeautifulSoup) -> dict[str, str]:
    """What a browser would send: text and hidden fields, ticked boxes as "on"."""
    data: dict[str, str] = {}
    for field in page.select("#prefs-form input[name]"):
        name = str(field["name"])
        if field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = "on"
        else:
            data[name] = str(field.get("value", ""))
    return data


def _ticks(page: BeautifulSoup, rule: int, wanted: dict[str, list[str]]) -> dict[str, str]:
    """The box names of rule ``rule`` for the options ``wanted`` (issue name -> option titles)."""
    issues = [str(fs["data-issue"]) for fs in page.select("fieldset.issue-prefs")]
    ticks = {}
    for issue, titles in wanted.items():
        i = issues.index(issue)
        fieldset = one(page, f"fieldset.issue-prefs[data-issue='{issue}']")
        options = [
            label.get_text(" ", strip=True) for label in fieldset.select("label[for^=rating-]")
        ]
        for title in titles:
            ticks[f"bonus-{rule}-{i}-{options.index(title)}"] = "on"
    return ticks


def _save(c: httpx.Client, track: int, data: dict[str, str]) -> httpx.Response:
    return c.post(f"/tracks/{track}/preferences", data=data)


def test_a_delegate_adds_a_rule_reads_it_in_words_and_removes_it(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    page = soup(c.get(f"/tracks/{food}/preferences"))
    assert len(page.select("fieldset.rule")) == 1  # one blank rule to fill
    assert unlabelled_controls(page) == []
    rule = _ticks(
        page, 0, {"term": ["120", "180"], "inspection": ["UN and Turkish teams off Istanbul"]}
    )
    data = {**_form(page), **rule, "bonus-0-points": "15"}
    saved = _save(c, food, data)
    assert saved.status_code == 303, saved.text
    page = soup(c.get(saved.headers["location"]))
    sentence = text_of(page, "fieldset.rule[data-rule='0'] .rule-sentence")
    assert sentence == (
        "If inspection is UN and Turkish teams off Istanbul and term is 120 or 180, "
        "this package is worth 15 points more."
    )
    assert len(page.select("fieldset.rule")) == 2  # the rule and a new blank one
    body = c.get(f"/api/tracks/{food}/preferences").json()[0]["preferences"]
    assert body["bonuses"] == [
        {
            "when": {"inspection": ["UN and Turkish teams off Istanbul"], "term": ["120", "180"]},
            "bonus": 0.15,
        }
    ] or body["bonuses"] == [
        {
            "when": {"term": ["120", "180"], "inspection": ["UN and Turkish teams off Istanbul"]},
            "bonus": 0.15,
        }
    ]
    removed = _save(c, food, {**_form(page), "bonus-0-remove": "on"})
    assert removed.status_code == 303
    body = c.get(f"/api/tracks/{food}/preferences").json()[0]["preferences"]
    assert "bonuses" not in body


def test_half_filled_rules_are_refused_with_what_is_missing(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    page = soup(c.get(f"/tracks/{food}/preferences"))
    no_points = _save(c, food, {**_form(page), **_ticks(page, 0, {"term": ["120"]})})
    assert no_points.status_code == 422
    assert "Rule 1: give the points" in text_of(soup(no_points), "#form-errors")
    no_options = _save(c, food, {**_form(page), "bonus-0-points": "-10"})
    assert no_options.status_code == 422
    assert "Rule 1: tick at least one option" in text_of(soup(no_options), "#form-errors")
    too_much = _save(
        c, food, {**_form(page), **_ticks(page, 0, {"term": ["120"]}), "bonus-0-points": "400"}
    )
    assert too_much.status_code == 422
    assert "outside -100 to 100" in text_of(soup(too_much), "#form-errors")
    assert len(c.get(f"/api/tracks/{food}/preferences").json()) == 1  # nothing recorded


def test_a_rule_counts_in_the_mediators_analysis(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    page = soup(c.get(f"/tracks/{food}/preferences"))
    naval = "no military within 10 nautical miles of a merchant ship"
    rule = _ticks(page, 0, {"term": ["180"], "naval presence": [naval]})
    assert _save(c, food, {**_form(page), **rule, "bonus-0-points": "-12.5"}).status_code == 303
    stored = c.get(f"/api/tracks/{food}/preferences").json()[0]["preferences"]
    prefs = preferences_from_json(stored)
    assert len(prefs.bonuses) == 1
    un = site.client("un")
    api = un.get(f"/api/tracks/{food}/analysis").json()
    # the Russian Federation's demo red line couples term and renewal: the solver takes it as
    # a constraint of its program, with the rule counted, and proves every point
    assert api["method"] == "milp"
    assert api["status"] == "optimal"
    agenda = examples.load("black_sea_corridor").scenario.agenda
    for point in api["frontier"]:
        package = agenda.package(point["package"])
        assert point["utilities"]["Ukraine"] == pytest.approx(prefs.utility(package), abs=1e-9)
    page = soup(un.get(f"/tracks/{food}/analysis"))
    assert "proved every point optimal" in page.select_one("#solver-status").get_text()
