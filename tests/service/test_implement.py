"""The joint implementation record through the API: voyage imports (idempotent, problems by
row), events with each delegation speaking for itself, the published figures, the public view
and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from importlib import resources
from typing import Any

import openpyxl
import pytest
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.world import World

CSV = resources.files("gobetween.service").joinpath(
    "data", "bsgi", "outbound_shipments_2023-06-14.csv"
)


def _import(world: World, who: str, aid: int, name: str, data: bytes) -> Any:
    return world.post(
        who, f"/api/agreements/{aid}/record/imports", files={"file": (name, data, "text/csv")}
    )


@pytest.fixture
def aid(world: World) -> int:
    agreement_id = int(create(world, make_ready(world))["id"])
    sign_all(world, agreement_id, register_keys(world))
    return agreement_id


def _figure(record: dict[str, Any], table: str) -> dict[str, Any]:
    data = record["figures"][table]
    return {row[0]: dict(zip(data["columns"], row, strict=True)) for row in data["rows"]}


def test_the_published_figures_from_the_jcc_file(world: World, aid: int) -> None:
    r = _import(world, "un", aid, "outbound_shipments_2023-06-14.csv", CSV.read_bytes())
    assert r.status_code == 201, r.text
    report = r.json()
    assert (report["voyages"], report["shipments"], report["new"]) == (981, 1120, 1120)
    record = world.get("ua", f"/api/agreements/{aid}/record").json()
    summary = {k: v["value"] for k, v in _figure(record, "summary").items()}
    assert summary["voyages"] == 981
    assert round(summary["tonnes"] / 1e6, 2) == 31.74
    assert round(100 * summary["developing_share"], 1) == 57.1
    assert round(summary["wfp_tonnes"]) == 625_169
    ports = {k: v["shipments"] for k, v in _figure(record, "tonnage_by_departure_port").items()}
    assert ports == {"Chornomorsk": 433, "Odesa": 373, "Yuzhny/Pivdennyi": 314}
    waits = _figure(record, "departure_to_inspection")
    assert (waits["2022-08"]["median_days"], waits["2022-10"]["median_days"]) == (2.0, 15.0)
    assert {
        "throughput_per_day",
        "throughput_per_month",
        "queue_length",
        "tonnage_by_country",
        "tonnage_by_income_group",
        "tonnage_by_commodity",
    } <= set(record["figures"])
    start = dt.date.today()  # signed just now, after the effective date
    assert record["term_clock"]["rows"][0][1:4] == [
        start.isoformat(),
        (start + dt.timedelta(days=120)).isoformat(),
        120,
    ]


def test_reimporting_adds_nothing_and_problems_name_their_rows(world: World, aid: int) -> None:
    data = CSV.read_bytes()
    _import(world, "un", aid, "v.csv", data)
    again = _import(world, "ru", aid, "v.csv", data).json()
    assert (again["new"], again["duplicates"], again["shipments"]) == (0, 1120, 1120)
    header = data.decode("utf-8-sig").splitlines()[0]
    bad = f'{header}\nOutbound,2000,X,9000001,Odesa,Kenya,Wheat,"n/a",1-Aug-2022,,,,,,,\n'
    report = _import(world, "ua", aid, "bad.csv", bad.encode()).json()
    assert report["skipped_rows"] == 1
    assert report["problems"][0]["row"] == 2
    assert report["problems"][0]["column"] == "Metric tons"
    r = _import(world, "ua", aid, "v.txt", b"x")
    assert r.status_code == 422
    assert world.get("ua", f"/api/agreements/{aid}/record").json()["figures"]["summary"]


def test_workbooks_are_imported_too(world: World, aid: int) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "Status",
            "Outbound Sequence",
            "Vessel name",
            "IMO",
            "Departure port",
            "Country",
            "Commodity",
            "Tonnage",
            "Departure",
            "Inspection İstanbul",
        ]
    )
    sheet.append(
        [
            "Outbound",
            1,
            "RAZONI",
            9086526,
            "Odesa",
            "Lebanon",
            "Corn",
            26527,
            "1-Aug-2022",
            "3-Aug-2022",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    r = world.post(
        "un",
        f"/api/agreements/{aid}/record/imports",
        files={"file": ("jcc.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert r.status_code == 201, r.text
    assert (r.json()["format"], r.json()["voyages"]) == ("xlsx", 1)
    r = world.post(
        "un",
        f"/api/agreements/{aid}/record/imports",
        files={"file": ("bad.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert r.status_code == 422
    assert "bad.xlsx" in r.text
    assert "/tmp" not in r.text


def _event(kind: str, at: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "at": f"2022-08-01T{at}:00+00:00", **fields}


def test_events_each_delegation_speaks_for_itself(world: World, aid: int) -> None:
    url = f"/api/agreements/{aid}/record/events"
    r = world.post(
        "ua", url, json=_event("registration", "06:00", item="v1", registered_by="Ukraine")
    )
    assert r.status_code == 201, r.text
    forged = _event(
        "decision",
        "07:00",
        item="v1",
        step="departure plan",
        delegation="Ukraine",
        verdict="block",
        reason="forged",
    )
    assert world.post("ru", url, json=forged).status_code == 403
    block = _event(
        "decision",
        "07:00",
        item="v1",
        step="departure plan",
        delegation="Russian Federation",
        verdict="block",
        reason="papers",
    )
    assert world.post("ru", url, json=block).status_code == 201
    late = _event("registration", "05:00", item="v2", registered_by="Ukraine")
    assert world.post("ua", url, json=late).status_code == 409  # out of time order
    unknown = _event("departure", "08:00", item="nowhere", port="Odesa")
    assert world.post("ua", url, json=unknown).status_code == 409
    assert world.post("ua", url, json={"type": "party"}).status_code == 422
    record = world.get("tr", f"/api/agreements/{aid}/record").json()
    assert [e["type"] for e in record["events"]] == ["registration", "decision"]
    assert record["events"][1]["reason"] == "papers"


def test_the_public_sees_only_what_the_agreement_declares(world: World, aid: int) -> None:
    url = f"/api/agreements/{aid}/record/events"
    world.post(
        "ua",
        url,
        json=_event(
            "registration",
            "06:00",
            item="v1",
            registered_by="Ukraine",
            description="secret cargo note",
        ),
    )
    world.post("ua", url, json=_event("departure", "08:00", item="v1", port="Odesa"))
    public = world.client.get(f"/api/public/agreements/{aid}/record").json()
    assert public["view"] == "public"
    assert public["events"] == [
        {"type": "departure", "at": "2022-08-01T08:00:00+00:00", "item": "v1", "port": "Odesa"}
    ]
    assert "secret" not in str(public)
    assert "obligations" not in public
    # a member of the process who does not sign gets the same public view
    assert world.get("icrc", f"/api/agreements/{aid}/record").json()["view"] == "public"
    assert world.get("obs", f"/api/agreements/{aid}").status_code == 404


def test_csv_export(world: World, aid: int) -> None:
    _import(world, "un", aid, "v.csv", CSV.read_bytes())
    r = world.get("ua", f"/api/agreements/{aid}/record/departure_to_inspection.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:4] == ["month", "inspected", "waiting", "median_days"]
    assert rows[1][0] == "2022-08"
    # the figure never travels without what its data can and cannot show
    figures = world.get("ua", f"/api/agreements/{aid}/record").json()["figures"]
    caveat = figures["departure_to_inspection"]["caveat"]
    assert caveat
    assert rows[0][-1] == "caveat"
    assert {row[-1] for row in rows[1:]} == {caveat}
    voyages = world.get("ua", f"/api/agreements/{aid}/record/voyages.csv").text
    assert len(voyages.splitlines()) == 1121
    assert world.get("ua", f"/api/agreements/{aid}/record/nothing.csv").status_code == 404
    term = world.get("ru", f"/api/agreements/{aid}/record/term_clock.csv").text
    assert term.splitlines()[0] == "term,start,expires,days,consents,disputed"
