"""Two writers of one joint record at once lose nothing (issue 10, review follow-up).

A voyage or record-kind import is planned against a read of the record taken without the lock
and written in short steps (issue 9). Here two imports of the same agreement both read the
record before either writes (a barrier between the read and the first step): each step must
merge its rows against the record as it is when the step runs, under the agreement's lock, so
that one file's inspection dates and the other's flags both end in the record, and two files
that bring the same new entry do not collide on its key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.asgi import client as asgi_client
from tests.service.world import World

from gobetween.service import implement, import_steps, records

HEADER = "Status,#,Vessel name,IMO,Departure port,Country,Commodity,Metric tons,Departure date"
BASE = [
    f"Outbound,{v},SHIP {v},{9_000_000 + v},Odesa,Kenya,Wheat,{1_000 + v},1-Aug-2022"
    for v in (1, 2, 3, 4)
]
EXCHANGES = (
    "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by,Names list\n"
    "EX-1,21-Sep-2022,Chernihiv region,Russian Federation,Ukraine,prisoners of war,215,ICRC,UA-17\n"
    "EX-2,2022-10-29,Zaporizhzhia region,Russian Federation,Ukraine,civilians,2,ICRC,\n"
)


def _file(extra_header: str, extra_value: str, voyages: range) -> bytes:
    """Voyages 1 to 4 as the base file has them, with one more column filled in."""
    rows = [f"{BASE[v - 1]},{extra_value}" for v in voyages]
    return "\n".join([f"{HEADER},{extra_header}", *rows, ""]).encode()


@pytest.fixture
def aid(world: World) -> int:
    agreement_id = int(create(world, make_ready(world))["id"])
    sign_all(world, agreement_id, register_keys(world))
    return agreement_id


def _at_once(
    world: World, monkeypatch: pytest.MonkeyPatch, module: Any, name: str, posts: list[Any]
) -> list[Any]:
    """Run ``posts`` (each ``(path, files)``) as the UN mediator, one thread each; every thread
    waits after its first call of ``module.name`` (the import's read of the record) until all
    have made it, so each plans against the same record before any step is written."""
    barrier = threading.Barrier(len(posts))
    planned = threading.local()
    real: Callable[..., Any] = getattr(module, name)

    def plan_then_wait(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        if not getattr(planned, "done", False):
            planned.done = True
            barrier.wait(30)
        return out

    monkeypatch.setattr(module, name, plan_then_wait)
    answers: list[Any] = [None] * len(posts)

    def post(i: int, path: str, files: dict[str, Any]) -> None:
        client = asgi_client(world.app)
        try:
            headers = {"Authorization": f"Bearer {world.tokens['un']}"}
            answers[i] = client.post(path, files=files, headers=headers)
        except Exception as exc:  # a 500 raised through the in-process transport
            answers[i] = exc
        finally:
            client.close()

    threads = [threading.Thread(target=post, args=(i, *p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_two_voyage_imports_at_once_keep_both_files_fields(
    world: World, aid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = "\n".join([HEADER, *BASE[:3], ""]).encode()  # voyage 4 is new to both files
    r = world.post(
        "un",
        f"/api/agreements/{aid}/record/imports",
        files={"file": ("base.csv", base, "text/csv")},
    )
    assert r.status_code == 201, r.text
    inspected = _file("Inspection cleared", "3-Aug-2022", range(1, 5))
    flagged = _file("Flag", "Malta", range(1, 5))
    path = f"/api/agreements/{aid}/record/imports"
    answers = _at_once(
        world,
        monkeypatch,
        import_steps,
        "_plan",
        [
            (path, {"file": ("inspections.csv", inspected, "text/csv")}),
            (path, {"file": ("flags.csv", flagged, "text/csv")}),
        ],
    )
    assert [getattr(a, "status_code", a) for a in answers] == [201, 201]
    with world.services.db.unit_of_work(write=False) as session:
        stored = implement.stored_shipments(session, aid)
    assert [s.voyage for s in stored] == [1, 2, 3, 4]
    assert [(str(s.inspection_date), s.flag) for s in stored] == [("2022-08-03", "Malta")] * 4


def test_two_imports_of_one_new_entry_at_once_both_succeed(
    world: World, aid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = world.put("un", f"/api/agreements/{aid}/record/kinds", json={"kinds": ["exchanges"]})
    assert r.status_code == 200, r.text
    path = f"/api/agreements/{aid}/record/kinds/exchanges/imports"
    data = EXCHANGES.encode()
    answers = _at_once(
        world,
        monkeypatch,
        records,
        "plan_entry_import",
        [
            (path, {"file": ("a.csv", data, "text/csv")}),
            (path, {"file": ("b.csv", data, "text/csv")}),
        ],
    )
    assert [getattr(a, "status_code", a) for a in answers] == [201, 201]
    entries = world.get("un", f"/api/agreements/{aid}/record/kinds/exchanges").json()["entries"]
    assert len(entries) == 2, entries
