"""What a Ukrainian mediator walking the demo's prisoner returns found on the implementation
page (its API twin: ``tests/service/test_record_bounds.py``).

- The exchanges import took rows "released by Марс, returned to Венера" and counted them
  ("повернуто до Венера 7"), and a row dated nine days after today. The page now lists each such
  row as a problem of its row, at its column (by its label in the reader's language), naming the
  value and the agreement's parties or days, and writes and counts none of them.
- An assessment cited a record event "EX-99" the record does not hold; it is now refused at the
  evidence reference, as is an entry of another agreement's record.
- The incident form was said to take 2099-01-01: it refuses it, at the date.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from tests.web.form_schema import post_form, refused_at
from tests.web.site import Site, one, soup, text_of

from gobetween.service.demo_records import ENERGY, RETURNS, build_records_demo

HEADER = "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\n"
#: Later than the latest day anywhere on Earth, whatever the hour.
FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=9)).date()


@pytest.fixture
def ids(site: Site) -> dict[str, int]:
    with site.services.db.unit_of_work() as session:
        return build_records_demo(session)


def _page(agreement: int) -> str:
    return f"/agreements/{agreement}/implementation"


def _client(site: Site, seat: str, language: str) -> httpx.Client:
    client = site.client(seat)
    client.cookies.set("gobetween_lang", language)
    return client


def _summary(site: Site, agreement: int) -> dict[str, int]:
    body = site.client("uae").get(f"/api/agreements/{agreement}/record/kinds/exchanges").json()
    return dict(map(tuple, body["figures"]["exchanges_summary"]["rows"]))


def test_the_exchanges_import_lists_strangers_and_days_to_come_in_ukrainian(
    site: Site, ids: dict[str, int]
) -> None:
    returns = ids[RETURNS]
    before = _summary(site, returns)
    uae = _client(site, "uae", "uk")
    data = (
        HEADER
        + "EX-9,2022-10-01,Суми,Марс,Венера,civilians,7,ICRC\n"
        + f"EX-10,{FUTURE.isoformat()},Суми,Ukraine,Russian Federation,civilians,3,ICRC\n"
    ).encode()
    token = str(soup(uae.get(_page(returns))).select("input[name=csrf_token]")[0]["value"])
    r = uae.post(
        f"{_page(returns)}/kinds/exchanges/import",
        data={"csrf_token": token},
        files={"file": ("returns.csv", data, "text/csv")},
    )
    assert r.status_code == 200, r.text
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in soup(r).select("#import-problems tbody tr")
    ]
    assert [(row[0], row[1]) for row in rows] == [
        ("2", "Звільнила сторона"),  # Released by
        ("2", "Повернено до"),  # Returned to
        ("3", "Дата"),
    ], rows
    assert "'Марс' не є стороною угоди" in rows[0][2], rows[0]
    assert "Ukraine, Russian Federation" in rows[1][2], rows[1]  # the names expected
    assert "ще не настала" in rows[2][2], rows[2]  # in the future
    assert _summary(site, returns) == before
    assert not any("Венера" in str(label) for label in _summary(site, returns))


def test_an_assessment_citing_no_event_of_this_record_is_refused_at_its_reference(
    site: Site, ids: dict[str, int]
) -> None:
    returns, energy = ids[RETURNS], ids[ENERGY]
    incident = str(
        soup(site.client("qatar").get(_page(energy))).select("#entries-incidents tr[data-key]")[0][
            "data-key"
        ]
    )
    uae = _client(site, "uae", "uk")
    page = _page(returns)
    form = {"key": "art-1", "level": "intermediate", "evidence": "event", "note": "ok"}
    for reference in ("EX-99", incident):  # none here; an entry of another agreement's record
        r = post_form(uae, page, f"{page}/provisions", {**form, "reference": reference})
        said = refused_at(r, "prov-reference")
        assert f"'{reference}'" in said, said
        assert "EX-2022-09-21" in said, said  # what this record's references look like
        assert one(soup(r), "#prov-reference")["value"] == reference
        assert "evidence[0]" not in text_of(soup(r), "#error-summary")
    link = post_form(
        uae, page, f"{page}/provisions", {**form, "evidence": "link", "reference": "EX-1"}
    )
    assert "https://" in refused_at(link, "prov-reference")  # was at no field: "evidence[0]"
    ok = post_form(uae, page, f"{page}/provisions", {**form, "reference": "EX-2022-09-21"})
    assert ok.status_code == 303, ok.text


def test_the_incident_form_refuses_a_day_to_come(site: Site, ids: dict[str, int]) -> None:
    energy = ids[ENERGY]
    ukraine = _client(site, "ukraine", "uk")
    page = _page(energy)
    shown = soup(ukraine.get(page))
    keys = [str(tr["data-key"]) for tr in shown.select("#entries-incidents tr[data-key]")]
    fields = {
        "alleged_by": str(one(shown, "#incident-form input[name=alleged_by]")["value"]),
        "accused": str(one(shown, "#inc-accused option")["value"]),  # its text: as called
        "date": "2099-01-01",
        "place": "Львів",
        "facility": "підстанція",
        "description": "удар ракетою",
    }
    r = post_form(ukraine, page, f"{page}/incidents", fields)
    assert "ще не настала" in refused_at(r, "inc-date")
    assert one(soup(r), "#inc-date")["value"] == "2099-01-01"
    again = [
        str(tr["data-key"])
        for tr in soup(ukraine.get(page)).select("#entries-incidents tr[data-key]")
    ]
    assert again == keys
