"""Issue 12: the implementation page lists a voyage file's problems in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.site import Site, soup, text_of

from gobetween.service.demo_agreement import build_agreement_demo

SLICE = Path(__file__).parents[1] / "data" / "bsgi" / "outbound_shipments_slice.csv"


@pytest.fixture
def initiative(site: Site) -> int:
    with site.services.db.unit_of_work() as session:
        return build_agreement_demo(session)


def _problems(site: Site, initiative: int, data: bytes, language: str) -> str:
    un = site.client("un")
    un.cookies.set("gobetween_lang", language)
    page = soup(un.get(f"/agreements/{initiative}/implementation"))
    token = str(page.select("input[name=csrf_token]")[0]["value"])
    r = un.post(
        f"/agreements/{initiative}/implementation/import",
        data={"csrf_token": token},
        files={"file": ("v.csv", data, "text/csv")},
    )
    assert r.status_code == 200, r.text
    return text_of(soup(r), "#import-problems")


def test_a_structure_problem_on_the_page_in_ukrainian(site: Site, initiative: int) -> None:
    lines = SLICE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("SSI AVENGER", "SSI AVENGER II", 1)
    data = ("\n".join(lines) + "\n").encode()
    english = " ".join(_problems(site, initiative, data, "en").split())
    assert "'SSI AVENGER II' differs from row 2's 'SSI AVENGER'; the voyage keeps" in english
    ukrainian = " ".join(_problems(site, initiative, data, "uk").split())
    assert "'SSI AVENGER II' відрізняється від 'SSI AVENGER' рядка 2" in ukrainian, ukrainian
    assert "differs from" not in ukrainian
