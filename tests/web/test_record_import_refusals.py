"""What the tester found importing an exchanges file and uploading a signed bundle.

- A file with 2 valid rows and 2 bad ones answered 422 yet wrote the 2 valid rows, naming only
  the first problem. Partial imports are deliberate (docs/formats.md: "the rest is imported"),
  so the page answers as the voyage import does (200): what was written, and every problem of
  every bad row, with what was expected in the reader's language.
- A PNG renamed .csv or .xlsx pasted the library's English ("invalid start byte", "File is not
  a zip file") into the page's sentence; it now says what the file is not and what is expected.
- A bundle that cannot be used said "(1 problems)" and never which problem.
"""

from __future__ import annotations

import httpx
import pytest
from tests.web.site import Site, soup, text_of

from gobetween.service.demo_records import RETURNS, build_records_demo

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

HEADER = "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\n"
FILE = (
    HEADER
    + "EX-T-1,2023-01-05,Sumy,Russian Federation,Ukraine,civilians,3,ICRC\n"
    + "EX-T-2,2023-01-06,Sumy,Ukraine,Russian Federation,remains,4,ICRC\n"
    + "EX-T-3,2023-01-07,Sumy,Russian Federation,Ukraine,hostages,2,ICRC\n"
    + "EX-T-4,yarın,Sumy,Mars,Ukraine,civilians,abc,ICRC\n"
).encode()


@pytest.fixture
def returns(site: Site) -> int:
    with site.services.db.unit_of_work() as session:
        return build_records_demo(session)[RETURNS]


def _import(
    site: Site, agreement: int, name: str, data: bytes, language: str = "en"
) -> httpx.Response:
    uae = site.client("uae")
    uae.cookies.set("gobetween_lang", language)
    page = soup(uae.get(f"/agreements/{agreement}/implementation"))
    token = str(page.select("input[name=csrf_token]")[0]["value"])
    return uae.post(
        f"/agreements/{agreement}/implementation/kinds/exchanges/import",
        data={"csrf_token": token},
        files={"file": (name, data, "text/csv")},
    )


def _keys(site: Site, agreement: int) -> set[str]:
    body = site.client("uae").get(f"/api/agreements/{agreement}/record/kinds/exchanges").json()
    return {e["key"] for e in body["entries"]}


def test_a_partial_import_says_what_was_written_and_every_problem(site: Site, returns: int) -> None:
    before = _keys(site, returns)
    r = _import(site, returns, "returns.csv", FILE)
    assert r.status_code == 200, r.text  # written: not a refusal
    page = soup(r)
    report = " ".join(text_of(page, "#import-report").split())
    assert "2 new rows" in report, report
    assert "2 skipped" in report, report
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.select("#import-problems tbody tr")
    ]
    assert [(row[0], row[1]) for row in rows] == [
        ("4", "Category"),
        ("5", "Date"),
        ("5", "Released by"),  # Mars is no party of the agreement
        ("5", "Number"),
    ], rows
    assert "[imported]" not in report  # every listed row was left out
    assert "one of prisoners of war, civilians, remains" in rows[0][2]
    written = _keys(site, returns) - before
    assert len(written) == 2
    assert all(k.startswith(("EX-T-1", "EX-T-2")) for k in written)


def test_the_problems_and_the_kind_are_in_arabic(site: Site, returns: int) -> None:
    r = _import(site, returns, "returns.csv", FILE, "ar")
    assert r.status_code == 200, r.text
    problems = text_of(soup(r), "#import-problems")
    assert "أسرى الحرب" in problems, problems  # prisoners of war
    for english in ("prisoners of war", "civilians", "one of", "a whole number"):
        assert english not in problems, english
    wrong = _import(site, returns, "returns.csv", b"a,b\n1,2\n", "ar")
    assert wrong.status_code == 422
    said = text_of(soup(wrong), ".flash.error, .error-summary, [role=alert]")
    assert "عمليات التبادل" in said, said  # Exchanges


@pytest.mark.parametrize(
    ("name", "library"), [("photo.csv", "invalid start byte"), ("photo.xlsx", "zip file")]
)
def test_a_file_of_another_kind_is_refused_in_plain_words(
    site: Site, returns: int, name: str, library: str
) -> None:
    r = _import(site, returns, name, PNG)
    assert r.status_code == 422
    said = " ".join(soup(r).get_text(" ").split())
    assert library not in said
    assert "Exchange, Date, Place" in said  # the headers expected
    assert "naming the columns as the kind's template does" in said


def test_a_bundle_that_cannot_be_used_names_its_problem(site: Site, returns: int) -> None:
    ukraine = site.client("ukraine")
    ukraine.cookies.set("gobetween_lang", "ar")
    page = soup(ukraine.get(f"/agreements/{returns}"))
    token = str(page.select("input[name=csrf_token]")[0]["value"])
    r = ukraine.post(
        f"/agreements/{returns}/signed-bundle",
        data={"csrf_token": token},
        files={"bundle": ("signed.png", PNG, "image/png")},
    )
    assert r.status_code == 422, r.text
    said = " ".join(soup(r).get_text(" ").split())
    assert "الملف ليس حزمة اتفاق gobetween" in said, said  # the problem itself, in Arabic
    assert "invalid start byte" not in said
    assert "1 problems" not in said
    ukraine.cookies.set("gobetween_lang", "en")  # the API in English (the cookie outranks)
    api = ukraine.post(
        f"/api/agreements/{returns}/signed-bundle",
        content=PNG,
        headers={
            "Accept-Language": "en",
            "content-type": "application/octet-stream",
            "X-CSRF-Token": token,
        },
    )
    detail = api.json()["detail"]
    assert "not a gobetween agreement bundle" in detail, detail
    assert "invalid start byte" not in detail
