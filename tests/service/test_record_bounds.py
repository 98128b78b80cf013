"""What a Ukrainian mediator walking the demo found in a joint record, through the API.

- An exchanges file whose "Released by" and "Returned to" were "Марс" and "Венера" (no parties
  of the agreement) was imported and counted ("повернуто до Венера 7"); so was an exchange dated
  nine days after today. An incidents file took a date of 2099 and parties no one signed as.
  Every such row is now a problem of its row, at its column, naming the value and what was
  expected (the signatory parties, the days from the entry into force to today), and nothing of
  it is written or counted.
- A provision's assessment cited a record event "EX-99" that the record does not hold. Evidence
  of kind ``event`` must now name an event or entry of this agreement's record; a party, who
  may not assess, learns nothing from trying.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.world import World

from gobetween.errors import InputError, problems_of
from gobetween.formats.records import read_entry_file
from gobetween.monitoring.kinds_builtin import EXCHANGES
from gobetween.service import records
from gobetween.store import repositories

HEADER = "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by\n"
#: Later than the latest day anywhere on Earth, whatever the hour.
FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=9)).date()


@pytest.fixture
def aid(world: World) -> int:
    """A signed agreement of Ukraine and the Russian Federation (UN and Türkiye mediating), in
    force from 2022-07-22, whose record keeps exchanges and incidents."""
    agreement_id = int(create(world, make_ready(world))["id"])
    sign_all(world, agreement_id, register_keys(world))
    kinds = {"kinds": ["exchanges", "incidents"]}
    r = world.put("un", f"/api/agreements/{agreement_id}/record/kinds", json=kinds)
    assert r.status_code == 200, r.text
    return agreement_id


def _import(world: World, aid: int, kind: str, text: str, language: str = "en") -> Any:
    r = world.post(
        "un",
        f"/api/agreements/{aid}/record/kinds/{kind}/imports",
        files={"file": (f"{kind}.csv", text.encode(), "text/csv")},
        headers={"Accept-Language": language},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _entries(world: World, aid: int, kind: str) -> dict[str, Any]:
    body = world.get("un", f"/api/agreements/{aid}/record/kinds/{kind}").json()
    return {e["key"]: e for e in body["entries"]}


def test_an_exchange_of_strangers_or_of_a_day_to_come_is_refused_at_its_row(
    world: World, aid: int
) -> None:
    text = (
        HEADER
        + "EX-1,2022-09-21,Chernihiv region,Russian Federation,Ukraine,prisoners of war,215,ICRC\n"
        + "EX-9,2022-10-01,Суми,Марс,Венера,civilians,7,ICRC\n"
        + f"EX-10,{FUTURE:%d.%m.%Y},Суми,Ukraine,Russian Federation,civilians,3,ICRC\n"
        + "EX-11,2022-07-21,Суми,Ukraine,Russian Federation,remains,1,ICRC\n"
    )
    report = _import(world, aid, "exchanges", text)
    problems = report["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [
        (3, "Released by"),
        (3, "Returned to"),
        (4, "Date"),
        (5, "Date"),
    ]
    assert problems[0]["message"] == "'Марс' is not a party of the agreement"
    assert problems[1]["message"] == "'Венера' is not a party of the agreement"
    assert problems[0]["expected"] == "one of Ukraine, Russian Federation"
    assert problems[2]["message"] == f"the date {FUTURE.isoformat()} is in the future"
    assert problems[2]["expected"].startswith("a date on or before ")
    assert problems[3]["message"] == (
        "the date 2022-07-21 is before the agreement entered into force"
    )
    assert "2022-07-22" in problems[3]["expected"]
    assert (report["new"], report["skipped_rows"]) == (1, 3)
    assert list(_entries(world, aid, "exchanges")) == ["EX-1/Ukraine/prisoners of war"]
    figures = world.get("un", f"/api/agreements/{aid}/record/kinds/exchanges").json()["figures"]
    assert dict(map(tuple, figures["exchanges_summary"]["rows"])) == {
        "exchanges": 1,
        "returned to Ukraine": 215,
    }
    ukrainian = _import(world, aid, "exchanges", text, "uk")["problems"]
    assert ukrainian[1]["message"] == "'Венера' не є стороною угоди", ukrainian[1]
    assert ukrainian[1]["expected"] == "одне з: Ukraine, Russian Federation"


def test_an_incidents_file_keeps_to_the_same_parties_and_days(world: World, aid: int) -> None:
    """The incident form refused 2099-01-01 (and still does); a file of incidents took it."""
    text = (
        "Incident,Date,Place,Facility,Alleged by,Party accused,Description\n"
        "INC-A,2022-09-03,Sudzha,gas metering station,Russian Federation,Ukraine,a drone\n"
        "INC-B,2099-01-01,Lviv,substation,Ukraine,Russian Federation,a missile\n"
        "INC-C,2022-09-04,Lviv,substation,Марс,Венера,a missile\n"
    )
    report = _import(world, aid, "incidents", text)
    assert [(p["row"], p["column"]) for p in report["problems"]] == [
        (3, "Date"),
        (4, "Alleged by"),
        (4, "Party accused"),
    ]
    assert list(_entries(world, aid, "incidents")) == ["INC-A"]
    form = {
        "alleged_by": "Ukraine",
        "accused": "Russian Federation",
        "date": "2099-01-01",
        "place": "Lviv",
        "facility": "substation",
        "description": "a missile",
    }
    r = world.post("ua", f"/api/agreements/{aid}/incidents", json=form)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["location"] == "date"
    assert "in the future" in r.json()["detail"]
    assert list(_entries(world, aid, "incidents")) == ["INC-A"]


def test_a_file_read_without_the_agreements_bounds_writes_nothing_outside_them(
    world: World, aid: int
) -> None:
    """Every import is planned in one place, which holds a file read without this agreement's
    parties and days (a caller that forgot them) to them: nothing outside is written."""
    text = HEADER + "EX-9,2022-10-01,Суми,Марс,Ukraine,civilians,7,ICRC\n"
    unchecked = read_entry_file(EXCHANGES, "returns.csv", text.encode())
    assert len(unchecked.entries) == 1
    with world.services.db.unit_of_work() as session:
        actor = repositories.load_actor(session, world.users["un"])
        with pytest.raises(InputError) as info:
            records.import_entries(session, actor, aid, unchecked)
    assert [p.location for p in problems_of(info.value)] == [
        "exchanges[EX-9/Ukraine/civilians].released_by"
    ]
    assert "'Марс' is not a party of the agreement" in str(info.value)
    assert _entries(world, aid, "exchanges") == {}


def _assess(world: World, aid: int, reference: str, who: str = "un") -> Any:
    body = {"level": "minimal", "evidence": [{"kind": "event", "reference": reference}]}
    return world.post(who, f"/api/agreements/{aid}/provisions/art-1/assessments", json=body)


def test_evidence_of_an_event_names_one_this_record_holds(world: World, aid: int) -> None:
    text = HEADER + "EX-1,2022-09-21,Chernihiv,Russian Federation,Ukraine,civilians,2,ICRC\n"
    _import(world, aid, "exchanges", text)
    refused = _assess(world, aid, "EX-99")
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["errors"][0]["location"] == "evidence[0].reference"
    assert "'EX-99' names no event or entry of this agreement's record" in problem["detail"]
    assert "e.g. EX-2022-09-21, INC-2025-04-03-1" in problem["detail"]  # the kinds' examples
    for near_miss in ("EX-10", "EX-1/Russian Federation/civilians", "ex-1a"):
        assert _assess(world, aid, near_miss).status_code == 422, near_miss
    history = world.get("un", f"/api/agreements/{aid}/provisions").json()["provisions"][0]
    assert history["history"] == []
    # a party may not assess: the same 403 whether the reference is in the record or not
    assert _assess(world, aid, "EX-99", "ua").json() == _assess(world, aid, "EX-1", "ua").json()
    assert _assess(world, aid, "EX-1", "ua").status_code == 403
    for cited in ("EX-1", "exchange EX-1: 2 civilians returned", "EX-1/Ukraine/civilians"):
        r = _assess(world, aid, cited)
        assert r.status_code == 201, (cited, r.text)
    incident = {
        "alleged_by": "Russian Federation",
        "accused": "Ukraine",
        "date": "2022-09-03",
        "place": "Sudzha",
        "facility": "gas metering station",
        "description": "a drone",
    }
    key = world.post("ru", f"/api/agreements/{aid}/incidents", json=incident).json()["key"]
    assert _assess(world, aid, f"incident {key}").status_code == 201
