"""The agreements and implementation guides keep up with the pages: every page is documented,
every screenshot exists and is one the agreement browser test makes."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.routing import APIRoute

from gobetween.web import agreement_views

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = [DOCS / "guide" / "agreements.md", DOCS / "guide" / "implementation.md"]
#: The browser tests whose screenshots the agreement and record guides show.
BROWSER_TESTS = [
    Path(__file__).with_name(name)
    for name in (
        "test_agreement_browser.py",
        "test_keys_browser.py",
        "test_records_browser.py",
        "test_event_form_browser.py",
        "test_chart_labels_browser.py",
        "test_record_tables_phone_browser.py",
        "test_phone_targets_browser.py",
        "test_assessment_notes_browser.py",
    )
]
#: Pages reached only from others (listed on the home page and in the API reference).
INDEX = {"/agreements"}


def _text() -> str:
    return "\n".join(g.read_text(encoding="utf-8") for g in GUIDES)


def test_every_agreement_page_is_in_a_guide() -> None:
    paths = {
        re.sub(r"\{(\w+?)(_id)?\}", r"{\1}", route.path)
        for route in agreement_views.router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods
    }
    text = _text()
    assert sorted(p for p in paths - INDEX if f"`{p}" not in text) == []


def test_every_screenshot_exists_and_comes_from_the_browser_test() -> None:
    images = set(re.findall(r"\(\.\./images/([\w-]+\.png)\)", _text()))
    sources = "\n".join(path.read_text(encoding="utf-8") for path in BROWSER_TESTS)
    taken = set(re.findall(r'"([\w-]+\.png)"', sources))
    assert images <= taken, sorted(images - taken)
    for name in images:
        assert (DOCS / "images" / name).is_file(), name
