"""/api/docs in Debian's chromium, in Ukrainian and in Arabic: the operations' summaries and
descriptions and Swagger UI's own words ("Try it out", "Responses"...) are in the reader's
language, drawn right to left for Arabic; nothing of the chrome's English is left in an opened
operation.

Screenshots go to ``$GOBETWEEN_SCREENSHOTS`` when set (``docs/images`` for the API guide).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gobetween import i18n
from gobetween.service.api_docs_words import CHROME

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize(("code", "width"), [("uk", 390), ("ar", 1280)])
def test_the_api_reference_speaks_the_readers_language(
    tmp_path: Path, code: str, width: int
) -> None:
    from tests.web.server import CHROMIUM_ARGS, chromium_path, serve

    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        if os.environ.get("GOBETWEEN_REQUIRE_BROWSER") == "1":
            pytest.fail("Playwright is not installed and GOBETWEEN_REQUIRE_BROWSER=1")
        pytest.skip("Playwright for Python is not installed")
    with i18n.use_locale(code):
        local = {english: str(word) for english, word in CHROME.items()}
    shots = Path(os.environ.get("GOBETWEEN_SCREENSHOTS") or tmp_path)
    with serve(tmp_path) as (base, _site), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale=code, viewport={"width": width, "height": 900})
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(base + "/api/docs")
            assert page.locator("html").get_attribute("dir") == i18n.direction(code)
            page.wait_for_selector(".opblock", timeout=30_000)  # the description is large
            first = page.locator(".opblock").first
            operation_id = first.get_attribute("id").split("-", 2)[2]
            canonical = page.request.get(base + "/api/openapi.json").json()
            operation = next(
                op
                for item in canonical["paths"].values()
                for op in item.values()
                if op["operationId"] == operation_id
            )
            with i18n.use_locale(code):
                summary = i18n.pgettext("API operation", operation["summary"])
                first_paragraph = operation["description"].split("\n\n")[0]
                description = i18n.pgettext("API operation", first_paragraph)
            assert summary != operation["summary"]
            assert description != first_paragraph
            shown = first
            expect(shown.locator(".opblock-summary-description")).to_have_text(summary)
            shown.locator(".opblock-summary-control").click()
            expect(shown.locator(".opblock-description-wrapper").first).to_contain_text(
                description[:30]
            )
            shown.locator(".try-out__btn").click()
            expect(shown.locator(".execute")).to_have_text(local["Execute"])
            expect(shown.locator(".try-out__btn")).to_have_text(local["Cancel"])
            opened = shown.inner_text()
            for english in ("Try it out", "Parameters", "Request body", "Responses", "Execute"):
                assert english not in opened, english
            for english in ("Responses", "Code", "Description", "Links"):
                assert local[english] in opened, english
            page.screenshot(path=str(shots / f"api-docs-{code}.png"), full_page=False)
        finally:
            browser.close()
    assert errors == []
