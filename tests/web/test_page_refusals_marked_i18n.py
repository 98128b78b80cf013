"""The pages' own refusals are marked for translation (N_ templates with params) and reach the
reader in their language: a file over the upload limit (``web/agreement_views._file``: the
verification page, a key or a signed bundle), and the page of a bug (``web/render.run_page``,
whose error's words, "unexpected error", the reader never sees: the page says its own)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.test_strings_marked_more import unmarked_refusals
from tests.web.site import Site, soup, text_of

import gobetween
from gobetween import i18n
from gobetween.web.agreement_views import MAX_UPLOAD

WEB = Path(gobetween.__file__).parent / "web"
#: The pages' errors left with unmarked words, and why no reader sees them.
HIDDEN = "a NotFound: pages answer it with their own sentence (render.error_page, 404)"
ALLOWED = {
    ("web/agreement_views.py", "no track "): HIDDEN,
    ("web/assets.py", "no asset "): HIDDEN,
    ("web/console.py", "no console in track "): HIDDEN,
    ("web/drafting.py", "no drafting in track "): HIDDEN,
    ("web/drafting.py", "no action "): HIDDEN,
    ("web/home.py", "no page /"): HIDDEN,
    ("web/portal.py", "no channel of yours in track "): HIDDEN,
    ("web/setup.py", "set-up is over"): HIDDEN,
    ("web/agreement_views.py", "CSV/XLSX"): "a notation, the same in every language",
}


def _in(code: str, message: str) -> str:
    with i18n.use_locale(code):
        return i18n.gettext(message)


def test_the_pages_make_no_error_with_unmarked_words_but_those_no_reader_sees() -> None:
    trees = {
        f"web/{path.relative_to(WEB).as_posix()}": ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(WEB.rglob("*.py"))
    }
    found = unmarked_refusals(trees)
    left = [f"{m}:{line}: {words!r}" for m, words, line in found if (m, words) not in ALLOWED]
    assert left == []
    assert {(m, words) for m, words, _ in found} == set(ALLOWED)  # none allowed for nothing


def test_a_bundle_over_the_upload_limit_is_refused_in_the_readers_language(site: Site) -> None:
    anyone = site.client()
    anyone.cookies.set("gobetween_lang", "uk")
    too_big = b"{" + b" " * MAX_UPLOAD  # one byte more than the pages read
    r = anyone.post("/verify", files={"bundle": ("b.gbb", too_big)})
    assert r.status_code == 422, r.text[:300]
    said = text_of(soup(r), ".flash.error")
    limit = {"limit": MAX_UPLOAD}
    assert _in("uk", "more than %(limit)s bytes") % limit in said, said
    assert "more than" not in said


def test_a_failing_page_says_so_in_the_readers_language(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gobetween.web import home

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom at home")

    monkeypatch.setattr(home.processes, "processes", broken)
    c = site.client("ukraine")
    c.cookies.set("gobetween_lang", "uk")
    r = c.get("/")
    assert r.status_code == 500
    page = soup(r)
    assert text_of(page, "h1") == _in("uk", "Something went wrong")
    assert _in("uk", "The server could not complete the request.") in text_of(page, "main")
    for words in ("unexpected error", _in("uk", "unexpected error"), "boom"):
        assert words not in r.text
