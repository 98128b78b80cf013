"""An assessment citing events of the record reads the record before the write lock.

``service/provisions._record_references`` read every entry and every event of the record (a
long voyage record: thousands) inside the writing unit of work, while every other write
waited. It is now read in a read-only unit before it (``references_for``); the writing unit
uses that read, and reads again under the lock only when something cited was not found then,
or the record's kinds changed (record entries, cargo rows and events are never deleted nor
re-keyed, so what was found is still there). See docs/security.md, *Promise 2*.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.service.test_record_bounds import HEADER, _import, aid  # noqa: F401 (fixture)
from tests.service.world import World
from tests.service.write_units import WriteUnits

from gobetween.errors import InputError
from gobetween.service import provisions
from gobetween.service.provisions import RecordReferences
from gobetween.store import repositories

ROW = "EX-1,2022-09-21,Chernihiv,Russian Federation,Ukraine,civilians,2,ICRC\n"


def _assess(world: World, aid: int, reference: str) -> Any:  # noqa: F811 (aid: the fixture)
    body = {"level": "minimal", "evidence": [{"kind": "event", "reference": reference}]}
    return world.post("un", f"/api/agreements/{aid}/provisions/art-1/assessments", json=body)


def test_the_record_is_read_outside_the_writing_unit(
    world: World,
    aid: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _import(world, aid, "exchanges", HEADER + ROW)
    units = WriteUnits().install(monkeypatch.setattr)
    inside: list[bool] = []
    read = provisions._record_references

    def watched(*args: Any) -> list[str]:
        inside.append(units.open > 0)
        return read(*args)

    monkeypatch.setattr(provisions, "_record_references", watched)
    assert _assess(world, aid, "EX-1").status_code == 201
    assert inside == [False]  # read once, before the writing unit (it was [True])
    inside.clear()
    refused = _assess(world, aid, "EX-99")  # not found before: looked for again, locked
    assert refused.status_code == 422, refused.text
    assert inside == [False, True]
    inside.clear()
    link = {"level": "minimal", "evidence": [{"kind": "link", "reference": "https://un.org"}]}
    r = world.post("un", f"/api/agreements/{aid}/provisions/art-1/assessments", json=link)
    assert r.status_code == 201, r.text
    assert inside == []  # no event cited: nothing read


def test_a_read_made_stale_by_another_write_is_read_again(
    world: World,
    aid: int,  # noqa: F811
) -> None:
    """What another write added after the read is found under the lock; a kind the record no
    longer keeps is not cited from an earlier read."""
    _import(world, aid, "exchanges", HEADER + ROW)
    body = {"level": "minimal", "evidence": [{"kind": "event", "reference": "EX-1"}]}
    kinds = ("exchanges", "incidents")
    with world.services.db.unit_of_work() as session:
        actor = repositories.load_actor(session, world.users["un"])
        before = RecordReferences(kinds, ())  # read before EX-1 was imported
        provisions.assess_provision(session, actor, aid, "art-1", body, before)
    r = world.put("un", f"/api/agreements/{aid}/record/kinds", json={"kinds": ["incidents"]})
    assert r.status_code == 200, r.text
    with world.services.db.unit_of_work() as session:
        actor = repositories.load_actor(session, world.users["un"])
        stale = RecordReferences(kinds, ("EX-1",))  # read while the record kept exchanges
        with pytest.raises(InputError, match="names no event or entry"):
            provisions.assess_provision(session, actor, aid, "art-1", body, stale)
