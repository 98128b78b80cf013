"""Issue 14 through the API: provisions and their assessments, exchanges and incidents with who
sees what, publishing as an approved action, and what the public page says is published."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.world import World

EXCHANGES_CSV = (
    "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by,Names list\n"
    "EX-1,21-Sep-2022,Chernihiv region,Russian Federation,Ukraine,prisoners of war,215,ICRC,UA-17\n"
    "EX-1,21-Sep-2022,Chernihiv region,Ukraine,Russian Federation,prisoners of war,55,ICRC,RU-4\n"
    "EX-2,2022-10-29,Zaporizhzhia region,Russian Federation,Ukraine,civilians,2,ICRC,\n"
)
INCIDENT = {
    "alleged_by": "Russian Federation",
    "accused": "Ukraine",
    "date": "2022-09-03",
    "place": "Sudzha",
    "facility": "gas metering station",
    "description": "a drone struck the station at 04:10; our engineers' report follows",
}


@pytest.fixture
def aid(world: World) -> int:
    agreement_id = int(create(world, make_ready(world))["id"])
    sign_all(world, agreement_id, register_keys(world))
    r = world.put(
        "un",
        f"/api/agreements/{agreement_id}/record/kinds",
        json={"kinds": ["exchanges", "incidents"]},
    )
    assert r.status_code == 200, r.text
    return agreement_id


def _import(world: World, aid: int, name: str, data: bytes, who: str = "un") -> Any:
    return world.post(
        who,
        f"/api/agreements/{aid}/record/kinds/exchanges/imports",
        files={"file": (name, data, "text/csv")},
    )


def test_provisions_are_the_articles_and_assessments_need_evidence(world: World, aid: int) -> None:
    view = world.get("ua", f"/api/agreements/{aid}/provisions").json()
    assert [(p["key"], p["title"], p["level"]) for p in view["provisions"]] == [
        ("art-1", "ports", "not_initiated"),
        ("art-2", "inspection", "not_initiated"),
        ("art-3", "term", "not_initiated"),
    ]
    url = f"/api/agreements/{aid}/provisions/art-2/assessments"
    bare = world.post("un", url, json={"level": "complete", "at": "2022-08-01T12:00:00+00:00"})
    assert bare.status_code == 422
    assert "needs evidence" in bare.json()["detail"]
    good = {
        "level": "complete",
        "at": "2022-08-01T12:00:00+00:00",
        "evidence": [
            {"kind": "link", "reference": "https://www.un.org/en/black-sea-grain-initiative"}
        ],
    }
    assert world.post("ua", url, json=good).status_code == 403  # the joint team assesses
    assert world.post("outsider", url, json=good).status_code == 404
    r = world.post("tr", url, json=good)
    assert r.status_code == 201, r.text
    assert r.json()["assessed_by"] == "Türkiye"
    view = world.get("ru", f"/api/agreements/{aid}/provisions").json()
    assert view["provisions"][1]["level"] == "complete"
    barometer = view["barometer"]
    assert barometer["caveat"]
    last = dict(zip(barometer["columns"], barometer["rows"][-1], strict=True))
    assert (last["complete"], last["not_initiated"], last["provisions"]) == (1 / 3, 2 / 3, 3)
    assert world.client.get(f"/api/public/agreements/{aid}/provisions").status_code == 404


def test_exchanges_import_reimport_and_the_names_list(world: World, aid: int) -> None:
    r = _import(world, aid, "returns.csv", EXCHANGES_CSV.encode())
    assert r.status_code == 201, r.text
    assert (r.json()["new"], r.json()["entries"]) == (3, 3)
    again = _import(world, aid, "returns.csv", EXCHANGES_CSV.encode()).json()
    assert (again["new"], again["duplicates"], again["entries"]) == (0, 3, 3)
    bad = EXCHANGES_CSV + "EX-3,2022-11-31,x,A,B,hostages,2,ICRC,\n"
    report = _import(world, aid, "bad.csv", bad.encode()).json()
    # every problem of the row, not only its first ("A" and "B" are no parties of it)
    assert [(p["row"], p["column"]) for p in report["problems"]] == [
        (5, "Date"),
        (5, "Released by"),
        (5, "Returned to"),
        (5, "Category"),
    ]
    assert _import(world, aid, "returns.csv", EXCHANGES_CSV.encode(), who="ua").status_code == 403

    def lists(who: str) -> dict[str, Any]:
        entries = world.get(who, f"/api/agreements/{aid}/record/kinds/exchanges").json()["entries"]
        return {e["key"]: e.get("names_list") for e in entries}

    assert lists("un") == {
        "EX-1/Ukraine/prisoners of war": "UA-17",
        "EX-1/Russian Federation/prisoners of war": "RU-4",
        "EX-2/Ukraine/civilians": None,
    }
    assert lists("ua") == {  # its own people's list only
        "EX-1/Ukraine/prisoners of war": "UA-17",
        "EX-1/Russian Federation/prisoners of war": None,
        "EX-2/Ukraine/civilians": None,
    }
    assert lists("ru")["EX-1/Russian Federation/prisoners of war"] == "RU-4"
    assert lists("ru")["EX-1/Ukraine/prisoners of war"] is None
    figures = world.get("ru", f"/api/agreements/{aid}/record/kinds/exchanges").json()["figures"]
    assert dict(map(tuple, figures["exchanges_summary"]["rows"]))["returned to Ukraine"] == 217
    assert figures["exchanges_summary"]["caveat"].startswith("Counts the people the observer")
    assert (
        world.client.get(f"/api/public/agreements/{aid}/record/kinds/exchanges").json()["entries"]
        == []
    )


def test_exchanges_from_an_hdx_style_workbook(world: World, aid: int) -> None:
    book = openpyxl.Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "README"
    readme.append(["Returns verified by the ICRC (illustrative)"])
    data = book.create_sheet("Data_HXL")
    rows = [line.split(",") for line in EXCHANGES_CSV.splitlines()]
    data.append(rows[0])
    data.append(["#meta+id", "#date", "#loc", "#org+from", "#org+to", "#category", "#affected+num"])
    for row in rows[1:]:
        data.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    r = world.post(
        "un",
        f"/api/agreements/{aid}/record/kinds/exchanges/imports",
        files={"file": ("returns.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert r.status_code == 201, r.text
    assert (r.json()["new"], r.json()["problems"]) == (3, [])


def _incident_keys(world: World, who: str, aid: int, public: bool = False) -> dict[str, Any]:
    path = f"agreements/{aid}/record/kinds/incidents"
    r = world.client.get(f"/api/public/{path}") if public else world.get(who, f"/api/{path}")
    assert r.status_code == 200, r.text
    return {e["key"]: e for e in r.json()["entries"]}


def test_who_sees_which_incident(world: World, aid: int) -> None:
    assert world.post("ua", f"/api/agreements/{aid}/incidents", json=INCIDENT).status_code == 403
    at_mediator = {**INCIDENT, "accused": "Türkiye"}  # a signatory, but not a party
    wrong = world.post("ru", f"/api/agreements/{aid}/incidents", json=at_mediator)
    assert wrong.status_code == 422
    assert "Ukraine" in wrong.text  # what it expects: the other party
    r = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT)
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    # before the joint team's assessment: the mediators and the alleging party only
    assert _incident_keys(world, "un", aid)[key]["description"] == INCIDENT["description"]
    assert _incident_keys(world, "ru", aid)[key]["description"] == INCIDENT["description"]
    assert _incident_keys(world, "ua", aid) == {}
    assert _incident_keys(world, "", aid, public=True) == {}
    ua_figures = world.get("ua", f"/api/agreements/{aid}/record/kinds/incidents").json()["figures"]
    assert ua_figures["incidents_by_assessment"]["rows"] == []  # no count leaks either
    # a party cannot assess, and gets the same answer for a real and a made-up incident
    real = world.post(
        "ua", f"/api/agreements/{aid}/incidents/{key}/assessment", json={"assessment": "verified"}
    )
    fake = world.post(
        "ua",
        f"/api/agreements/{aid}/incidents/INC-00000000/assessment",
        json={"assessment": "verified"},
    )
    assert (real.status_code, fake.status_code) == (403, 403)
    assert real.json()["detail"] == fake.json()["detail"]
    r = world.post(
        "un", f"/api/agreements/{aid}/incidents/{key}/assessment", json={"assessment": "disputed"}
    )
    assert r.status_code == 200, r.text
    # assessed: the accused party sees it, without the allegation's confidential words
    seen = _incident_keys(world, "ua", aid)[key]
    assert seen["assessment"] == "disputed"
    assert "description" not in seen
    assert _incident_keys(world, "", aid, public=True) == {}


def test_an_incident_is_not_proposed_for_publishing_before_the_accused_may_read_it(
    world: World, aid: int
) -> None:
    """Every signatory reads the proposals: proposing to publish a pending incident would tell
    the accused party of the allegation (the page offers assessed incidents only; the API took
    any). Refused at ``scope`` for the mediator, nothing stored; after the assessment, taken."""
    key = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).json()["key"]
    url = f"/api/agreements/{aid}/publications"
    before = world.get("ua", url).json()
    early = world.post("un", url, json={"scope": f"incident:{key}", "summary": "Alleged."})
    assert early.status_code == 422, early.text
    (problem,) = early.json()["errors"]
    assert problem["location"] == "scope"
    assert key in problem["message"]
    assert "Ukraine" in problem["message"]
    assert world.get("ua", url).json() == before == []  # nothing proposed, nothing to read
    world.post(
        "un", f"/api/agreements/{aid}/incidents/{key}/assessment", json={"assessment": "verified"}
    )
    late = world.post("un", url, json={"scope": f"incident:{key}", "summary": "Verified."})
    assert late.status_code == 201, late.text
    assert [p["scope"] for p in world.get("ua", url).json()] == [f"incident:{key}"]


def test_publishing_is_proposed_and_approved_by_another_mediating_organisation(
    world: World, aid: int
) -> None:
    key = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).json()["key"]
    world.post(
        "un", f"/api/agreements/{aid}/incidents/{key}/assessment", json={"assessment": "verified"}
    )
    url = f"/api/agreements/{aid}/publications"
    no_summary = world.post("un", url, json={"scope": f"incident:{key}"})
    assert no_summary.status_code == 422
    assert (
        world.post("ru", url, json={"scope": f"incident:{key}", "summary": "x"}).status_code == 403
    )
    summary = (
        "The joint team verified a strike on a gas metering station near Sudzha on 3 September."
    )
    proposal = world.post("un", url, json={"scope": f"incident:{key}", "summary": summary})
    assert proposal.status_code == 201, proposal.text
    pid = proposal.json()["id"]
    assert _incident_keys(world, "", aid, public=True) == {}  # proposed is not published
    same_org = world.post("un", f"{url}/{pid}/approval")
    assert same_org.status_code == 403
    assert "another mediating organisation" in same_org.json()["detail"]
    # proposing the same again says where the first proposal waits, in words: not the scope's
    # key ("incident:INC-...")
    twice = world.post("tr", url, json={"scope": f"incident:{key}", "summary": summary})
    assert twice.status_code == 409
    assert "already proposed" in twice.json()["detail"]
    assert "incident:" not in twice.json()["detail"]
    approved = world.post("tr", f"{url}/{pid}/approval")
    assert approved.status_code == 200, approved.text
    public = _incident_keys(world, "", aid, public=True)[key]
    assert public == {
        "key": key,
        "date": "2022-09-03",
        "place": "Sudzha",
        "facility": "gas metering station",
        "assessment": "verified",
        "summary": summary,
    }
    # the public page says what is published, since when and who decided
    record = world.client.get(f"/api/public/agreements/{aid}/record").json()
    published = {p["scope"]: p for p in record["published"]}
    assert published[f"incident:{key}"]["published_since"] == approved.json()["published_since"]
    assert (
        published[f"incident:{key}"]["proposed_by"],
        published[f"incident:{key}"]["approved_by"],
    ) == (
        "United Nations",
        "Türkiye",
    )
    assert world.post("tr", f"{url}/{pid}/approval").status_code == 409


def test_kinds_are_chosen_by_the_mediators_from_the_registry(world: World, aid: int) -> None:
    url = f"/api/agreements/{aid}/record/kinds"
    assert world.put("ua", url, json={"kinds": ["voyages"]}).status_code == 403
    r = world.put("un", url, json={"kinds": ["ships"]})
    assert r.status_code == 422
    assert "no record kind 'ships'" in r.json()["detail"]
    assert world.get("un", f"{url}/voyages").status_code == 404  # not one of this record's kinds
    record = world.get("ua", f"/api/agreements/{aid}/record").json()
    assert [k["name"] for k in record["kinds"]] == ["exchanges", "incidents"]
    assert all("plan" not in k["vocabulary"] for k in record["kinds"])


def test_a_private_report_costs_the_other_party_no_recomputation(world: World, aid: int) -> None:
    """No timing channel through the figure cache: only voyage imports change its key."""
    from gobetween.service.record_cache import FIGURES

    assert world.get("ua", f"/api/agreements/{aid}/record").status_code == 200
    before = FIGURES.computations
    assert world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).status_code == 201
    assert world.get("ua", f"/api/agreements/{aid}/record").status_code == 200
    assert FIGURES.computations == before


def test_a_kind_file_is_written_in_steps_and_reimports_add_nothing(
    world: World, aid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gobetween.service import import_steps, records

    monkeypatch.setattr(import_steps, "ROWS_PER_STEP", 2)
    steps: list[int] = []
    real = records.write_entries

    def counted(*args: Any) -> None:
        steps.append(len(args[-1]))
        real(*args)

    monkeypatch.setattr(records, "write_entries", counted)
    r = _import(world, aid, "returns.csv", EXCHANGES_CSV.encode())
    assert r.status_code == 201, r.text
    assert steps == [2, 1]  # three new entries, at most two per writing unit
    again = _import(world, aid, "returns.csv", EXCHANGES_CSV.encode()).json()
    assert (again["new"], again["entries"], steps) == (0, 3, [2, 1])


def test_a_listing_loads_only_the_rows_the_policy_grants(world: World, aid: int) -> None:
    """No timing channel through hidden rows: the query selects exactly what the policy grants.

    Hidden entries are filtered in SQL, not loaded and dropped, so a listing's work does not
    grow with entries the caller may not see. Checked against the row-by-row policy decision
    for every kind of reader, over incidents in every state and published and unpublished kinds.
    """
    from sqlalchemy import select

    from gobetween.service import records
    from gobetween.service.agree import load_or_public
    from gobetween.store import record_tables as rt
    from gobetween.store import repositories

    assert _import(world, aid, "ex.csv", EXCHANGES_CSV.encode()).status_code in (200, 201, 202)
    keys = []
    reporters = [("ru", "Russian Federation", "Ukraine")] * 2 + [
        ("ua", "Ukraine", "Russian Federation")
    ]
    for who, alleged_by, accused in reporters:
        body = {**INCIDENT, "alleged_by": alleged_by, "accused": accused}
        r = world.post(who, f"/api/agreements/{aid}/incidents", json=body)
        assert r.status_code == 201, r.text
        keys.append(r.json()["key"])
    url = f"/api/agreements/{aid}"
    world.post("un", f"{url}/incidents/{keys[1]}/assessment", json={"assessment": "verified"})
    world.post("un", f"{url}/incidents/{keys[2]}/assessment", json={"assessment": "disputed"})
    pid = world.post(
        "un", f"{url}/publications", json={"scope": f"incident:{keys[1]}", "summary": "Verified."}
    ).json()["id"]
    assert world.post("tr", f"{url}/publications/{pid}/approval").status_code == 200

    seen: dict[tuple[str, str], set[str]] = {}
    with world.services.db.unit_of_work() as session:
        published = records.approved_publications(session, aid)
        for who in ["un", "tr", "ru", "ua", ""]:
            actor = repositories.load_actor(session, world.users[who]) if who else None
            loaded, _signatory = load_or_public(session, actor, aid)
            for name in ["exchanges", "incidents"]:
                kind = records.kept_kind(loaded, name)
                rows = list(
                    session.execute(
                        select(rt.EntryRow).where(
                            rt.EntryRow.agreement_id == aid, rt.EntryRow.kind == name
                        )
                    ).scalars()
                )
                granted = {
                    row.key
                    for row in rows
                    if records.access_to(
                        loaded.view, kind, records.loaded_entry(kind, row), published
                    )
                    is not records.EntryAccess.NONE
                }
                selected = set(
                    session.execute(
                        select(rt.EntryRow.key).where(
                            rt.EntryRow.agreement_id == aid,
                            rt.EntryRow.kind == name,
                            records.readable_rows(loaded.view, kind, published),
                        )
                    ).scalars()
                )
                assert selected == granted, (who, name)
                seen[who, name] = selected
    assert seen["ua", "incidents"] == {keys[1], keys[2]}  # assessed against it, and its own
    assert seen["ru", "incidents"] == {keys[0], keys[1], keys[2]}
    assert seen["", "incidents"] == {keys[1]}  # the published one only
    assert seen["", "exchanges"] == set()  # figures not published
    assert len(seen["ua", "exchanges"]) == 3


def test_a_private_report_changes_no_byte_the_other_party_reads(world: World, aid: int) -> None:
    """Contents, counts, figures, ids and sizes: the accused party's view of the record is byte
    for byte the same before and after a private allegation against it."""
    paths = [
        f"/api/agreements/{aid}/record/kinds/incidents",
        f"/api/agreements/{aid}/record/kinds/exchanges",
        f"/api/agreements/{aid}/record",
        f"/api/agreements/{aid}/provisions",
    ]

    def seen() -> list[bytes]:
        return [world.get("ua", p).content for p in paths]

    before = seen()
    assert world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT).status_code == 201
    assert seen() == before


@pytest.mark.parametrize(
    ("date", "words"),
    [("2099-01-01", "in the future"), ("1900-01-01", "before the agreement entered into force")],
)
def test_an_incident_dated_out_of_time_is_refused_naming_the_date(
    world: World, aid: int, date: str, words: str
) -> None:
    """2099-01-01 and 1900-01-01 were saved and counted in the monthly incident figures. An
    incident is an alleged breach: none can be dated before the agreement entered into force
    (2022-07-22 here), nor after today (a day's tolerance for the time zones)."""
    before = _incident_keys(world, "un", aid)
    r = world.post("ru", f"/api/agreements/{aid}/incidents", json={**INCIDENT, "date": date})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["errors"][0]["location"].endswith("date"), problem
    assert words in problem["detail"], problem
    assert ("2022-07-22" if date < "2000" else "on or before") in problem["detail"]
    assert _incident_keys(world, "un", aid) == before
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)).date().isoformat()
    ok = world.post("ru", f"/api/agreements/{aid}/incidents", json={**INCIDENT, "date": tomorrow})
    assert ok.status_code == 201, ok.text  # the latest day anywhere on Earth is accepted


def test_a_partys_incident_reference_is_drawn_again_when_the_other_partys_holds_it(
    world: World, aid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Incident references are random (``INC-`` and 8 hex digits); a draw that another
    party's incident of the agreement holds is drawn again: the filing neither fails (a 500
    until 7 December 2026) nor tells the party that the other one filed."""
    import secrets

    draws = iter(["aabbccdd", "aabbccdd", "11223344"])
    monkeypatch.setattr(secrets, "token_hex", lambda n=32: next(draws))
    theirs = world.post("ru", f"/api/agreements/{aid}/incidents", json=INCIDENT)
    assert theirs.json()["key"] == "INC-AABBCCDD"
    ours = {**INCIDENT, "alleged_by": "Ukraine", "accused": "Russian Federation"}
    r = world.post("ua", f"/api/agreements/{aid}/incidents", json=ours)
    assert r.status_code == 201, r.text
    assert r.json()["key"] == "INC-11223344"
