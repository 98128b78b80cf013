"""The user guides stay true to the pages: every page is documented, every screenshot exists
and is one the browser test makes."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.routing import APIRoute

from gobetween.web import admin, analysis, console, home, language, portal, preferences, texts

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = [DOCS / "guide" / "delegations.md", DOCS / "guide" / "mediators.md"]
BROWSER_TESTS = [
    Path(__file__).with_name(n)
    for n in (
        "test_browser.py",
        "test_i18n_browser.py",
        "test_team_browser.py",
        "test_drafting_browser.py",
        "test_drafting_alternatives_browser.py",
        "test_prefs_rules_browser.py",
        "test_account_pages.py",
        "test_refusal_pages_browser.py",
        "test_phone_fit_browser.py",
    )
]
#: Parts of pages fetched by htmx, not pages a reader opens.
FRAGMENTS = {"/channels/{channel}/messages", "/tracks/{track}/console/channels"}


def documented() -> str:
    return "\n".join(g.read_text(encoding="utf-8") for g in GUIDES)


def page_paths() -> set[str]:
    paths = set()
    for module in (admin, analysis, console, home, language, portal, preferences, texts):
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            if "GET" in route.methods:
                paths.add(re.sub(r"\{(\w+?)(_id)?\}", r"{\1}", route.path))
    return paths - FRAGMENTS


def test_every_page_is_in_a_guide() -> None:
    text = documented()
    missing = sorted(p for p in page_paths() if f"`{p}" not in text)
    assert missing == []


def test_every_screenshot_exists_and_comes_from_the_browser_test() -> None:
    text = documented()
    images = set(re.findall(r"\(\.\./images/([\w-]+\.png)\)", text))
    assert len(images) >= 8
    for name in images:
        assert (DOCS / "images" / name).is_file(), name
    tests = "".join(t.read_text(encoding="utf-8") for t in BROWSER_TESTS)
    taken = set(re.findall(r'shots / "([\w-]+\.png)"', tests))
    assert images == taken
