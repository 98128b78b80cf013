"""Issue 9, item 3: a monitoring import cannot freeze every write.

The probe's files (a 300,000-row XLSX under 1 MB, a 19.5 MB CSV) are refused with a 422 that
names the row limit, quickly; problems are capped (the first by row, the rest counted); the file
is parsed before the write unit opens, so another write to the same agreement goes through while
a file is being parsed; and 8 anonymous readers of the public record at once cost one
computation of the figures, not eight.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from tests.monitoring.big_files import largest_allowed_csv, probe_csv, probe_xlsx
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.asgi import client as asgi_client
from tests.service.world import World

from gobetween.service import implement
from gobetween.service.record_cache import FIGURES
from gobetween.store import agreement_tables as a

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import(world: World, aid: int, name: str, data: bytes, who: str = "un") -> Any:
    kind = XLSX if name.endswith(".xlsx") else "text/csv"
    return world.post(
        who, f"/api/agreements/{aid}/record/imports", files={"file": (name, data, kind)}
    )


@contextlib.contextmanager
def _importing_in_background(
    world: World, aid: int, rows: int, go_on: threading.Event
) -> Iterator[list[Any]]:
    """A mediator imports a ``rows``-row voyage file in another thread; its answer is appended to
    the yielded list once ``go_on`` is set and the import finished."""
    answers: list[Any] = []
    second = asgi_client(world.app)

    def importer() -> None:
        headers = {"Authorization": f"Bearer {world.tokens['un']}"}
        files = {"file": ("v.csv", largest_allowed_csv(rows), "text/csv")}
        answers.append(
            second.post(f"/api/agreements/{aid}/record/imports", files=files, headers=headers)
        )

    thread = threading.Thread(target=importer)
    thread.start()
    try:
        yield answers
    finally:
        go_on.set()
        thread.join(60)
        second.close()


def _a_write_goes_through_at_once(world: World, aid: int) -> None:
    """A party records an event, answered within 2 s (not waiting for the import)."""
    started = time.perf_counter()
    event = {
        "type": "registration",
        "at": "2022-08-01T08:00:00+00:00",
        "item": "voyage-1",
        "registered_by": "Ukraine",
    }
    r = world.post("ua", f"/api/agreements/{aid}/record/events", json=event)
    assert r.status_code == 201, r.text
    assert time.perf_counter() - started < 2


@pytest.fixture
def aid(world: World) -> int:
    agreement_id = int(create(world, make_ready(world))["id"])
    sign_all(world, agreement_id, register_keys(world))
    return agreement_id


def test_the_probes_300000_row_workbook_is_refused_at_once_naming_the_limit(
    world: World, aid: int
) -> None:
    data = probe_xlsx()
    assert len(data) < 1_100_000  # the probe's file was 833 KB
    started = time.perf_counter()
    r = _import(world, aid, "probe.xlsx", data)
    elapsed = time.perf_counter() - started
    assert r.status_code == 422, r.text
    problem = r.json()
    assert "more than 50,000 data rows" in problem["detail"]
    assert "GOBETWEEN_IMPORT_MAX_ROWS" in r.text
    assert len(r.content) < 2_000  # not 46 MB of problems
    assert elapsed < 5, elapsed  # was 150 s under the write lock


def test_the_probes_19_5_mb_csv_is_refused_naming_the_limit(world: World, aid: int) -> None:
    data = probe_csv()
    assert len(data) >= 19_500_000
    r = _import(world, aid, "probe.csv", data)
    assert r.status_code == 422, r.text
    assert "more than 50,000 data rows" in r.json()["detail"]


def test_problems_are_capped_first_by_row_and_the_rest_counted(world: World, aid: int) -> None:
    r = _import(world, aid, "bad.xlsx", probe_xlsx(1_000))
    assert r.status_code == 201, r.text
    report = r.json()
    assert len(report["problems"]) == 200
    assert [p["row"] for p in report["problems"]] == list(range(2, 202))
    assert report["problems_not_shown"] == 800
    assert (report["skipped_rows"], report["new"]) == (1_000, 0)


@pytest.mark.slow
def test_the_largest_allowed_file_is_imported_whole(world: World, aid: int) -> None:
    data = largest_allowed_csv(world.services.settings.import_max_rows)
    r = _import(world, aid, "largest.csv", data)
    assert r.status_code == 201, r.text
    assert (r.json()["new"], r.json()["problems"]) == (50_000, [])


def test_a_smaller_row_limit_from_the_settings(
    world: World, aid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = world.services.settings
    monkeypatch.setattr(
        world.services, "settings", type(settings)(**{**settings.__dict__, "import_max_rows": 5})
    )
    r = _import(world, aid, "six.csv", largest_allowed_csv(6))
    assert r.status_code == 422
    assert "more than 5 data rows" in r.json()["detail"]


def test_other_writes_go_through_while_a_file_is_parsed(
    world: World, aid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsing = threading.Event()
    go_on = threading.Event()
    parse = implement.read_upload

    def slow_parse(*args: Any, **kwargs: Any) -> Any:
        parsing.set()
        assert go_on.wait(30), "the other write never went through"
        return parse(*args, **kwargs)

    monkeypatch.setattr(implement, "read_upload", slow_parse)
    with _importing_in_background(world, aid, 100, go_on) as answers:
        assert parsing.wait(30)
        _a_write_goes_through_at_once(world, aid)
    assert answers[0].status_code == 201, answers[0].text
    assert answers[0].json()["new"] == 100


def test_eight_anonymous_readers_cost_one_computation(world: World, aid: int) -> None:
    with world.services.db.unit_of_work() as session:
        session.get(a.Agreement, aid).implementation = {"public": {}, "public_figures": True}
    assert _import(world, aid, "v.csv", largest_allowed_csv(2_000)).status_code == 201
    FIGURES.clear()
    before = FIGURES.computations
    barrier = threading.Barrier(8)
    answers: list[Any] = []

    def read() -> None:
        reader = asgi_client(world.app)
        try:
            barrier.wait(10)
            answers.append(reader.get(f"/api/public/agreements/{aid}/record"))
        finally:
            reader.close()

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [r.status_code for r in answers] == [200] * 8
    assert all(r.json()["figures"]["summary"] for r in answers)
    assert FIGURES.computations - before == 1
    # a change to the record is seen at once: the next read computes again
    assert _import(world, aid, "w.csv", largest_allowed_csv(2_001)).status_code == 201
    r = world.client.get(f"/api/public/agreements/{aid}/record")
    summary = {row[0]: row[1] for row in r.json()["figures"]["summary"]["rows"]}
    assert summary["voyages"] == 2_001
    assert FIGURES.computations - before == 2


def test_the_rows_are_written_in_short_steps_and_other_writes_go_between(
    world: World, aid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gobetween.service import import_steps

    monkeypatch.setattr(import_steps, "ROWS_PER_STEP", 100)
    between = threading.Event()
    go_on = threading.Event()
    real = import_steps.import_in_steps

    def paused(read: Any, write: Any, *args: Any, **kwargs: Any) -> Any:
        units = 0

        @contextlib.contextmanager
        def write_then_pause() -> Any:
            nonlocal units
            with write() as unit:
                yield unit
            units += 1
            if units == 3:  # three steps committed: the lock is free until the next
                between.set()
                assert go_on.wait(30), "the other write never went through"

        return real(read, write_then_pause, *args, **kwargs)

    monkeypatch.setattr(import_steps, "import_in_steps", paused)
    with _importing_in_background(world, aid, 2_000, go_on) as answers:
        assert between.wait(60)
        with world.services.db.unit_of_work(write=False) as session:
            written = len(implement.stored_shipments(session, aid))
        assert written == 300  # three steps of 100 rows are in, the rest is not yet
        _a_write_goes_through_at_once(world, aid)
    assert answers[0].status_code == 201, answers[0].text
    assert (answers[0].json()["new"], answers[0].json()["shipments"]) == (2_000, 2_000)
    again = _import(world, aid, "v.csv", largest_allowed_csv(2_000)).json()
    assert (again["new"], again["duplicates"]) == (0, 2_000)
