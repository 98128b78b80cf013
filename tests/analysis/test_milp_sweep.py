"""Two-party frontiers swept in stretches side by side (processes, Dask) equal the one sweep's
and brute force's."""

from __future__ import annotations

import multiprocessing
import pickle
import random
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import distributed
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.analysis.test_milp import SETTINGS, brute_frontier, every_package, profiles

from gobetween.analysis.interdependent import Bonus, InterdependentProfile
from gobetween.analysis.milp import exact_frontier
from gobetween.errors import AnalysisError
from gobetween.model import Agenda, Issue

T = TypeVar("T")


class InPlace(Executor):
    """Runs each task when it is submitted, in this process, and counts the tasks."""

    def __init__(self) -> None:
        self.tasks = 0

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        self.tasks += 1
        future: Future[T] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def anac(issues: int, boxes: int, seed: int) -> tuple[InterdependentProfile, InterdependentProfile]:
    """Two parties scored only by boxes of 2-3 issues (ANAC 2014-like, smaller)."""
    rng = random.Random(seed)
    agenda = Agenda(
        tuple(Issue.discrete(f"i{k}", [str(v) for v in range(6)]) for k in range(issues))
    )

    def party() -> InterdependentProfile:
        bonuses = []
        for _ in range(boxes):
            within = {}
            for k in sorted(rng.sample(range(issues), rng.randint(2, 3))):
                low = rng.randrange(6)
                within[f"i{k}"] = tuple(str(v) for v in range(low, rng.randrange(low, 6) + 1))
            bonuses.append(Bonus(rng.randint(1, 100), within))
        return InterdependentProfile.of(agenda, {}, bonuses)

    return party(), party()


@SETTINGS
@given(
    st.booleans().flatmap(lambda decimal: profiles(decimal=decimal)),
    st.integers(1, 5),
)
def test_stretches_give_the_brute_force_frontier(
    pair: tuple[InterdependentProfile, ...], bands: int
) -> None:
    executor = InPlace()
    front = exact_frontier(pair, engine="milp", executor=executor, bands=bands)
    assert front.exact, front.status
    found = {tuple(round(u, 9) for u in p.utilities) for p in front.points}
    expected = brute_frontier(every_package(*pair), tol=1e-9)
    assert found == {tuple(round(u, 9) for u in p) for p in expected}
    assert len(front.points) == len(found)  # no point twice
    for point in front.points:
        assert point.utilities == tuple(p.utility(point.choices) for p in pair)
    if front.size is not None and front.size.blocks == 1:
        assert 1 <= executor.tasks <= bands  # stretches: at most one per band


def test_a_pool_of_processes_finds_the_one_sweeps_frontier() -> None:
    pair = anac(8, 30, seed=3)
    one = exact_frontier(pair, engine="milp")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        split = exact_frontier(pair, engine="milp", executor=pool, bands=4)
    assert one.exact
    assert split.exact
    assert [p.utilities for p in split.points] == [p.utilities for p in one.points]
    assert len(one.points) >= 5  # a frontier long enough for four stretches
    # each stretch costs a solve more (where it stops), the two ends two more
    assert one.solves < split.solves <= one.solves + 4 + 2


def test_dask_workers_find_the_one_sweeps_frontier() -> None:
    pair = anac(7, 25, seed=5)
    one = exact_frontier(pair, engine="milp")
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        split = exact_frontier(pair, engine="milp", executor=client.get_executor(), bands=3)
    assert split.exact
    assert [p.utilities for p in split.points] == [p.utilities for p in one.points]


@pytest.mark.parametrize("split", [False, True])
def test_a_sweep_cut_short_keeps_only_frontier_points(split: bool) -> None:
    """Stopped by the total time limit, a sweep (or each stretch) drops the point no solve has
    yet confirmed: everything reported is on the whole frontier."""
    pair = anac(10, 40, seed=1)
    whole = {p.utilities for p in exact_frontier(pair, engine="milp").points}
    seen_short = False
    for limit in (0.05, 0.2, 0.5):
        executor = InPlace() if split else None
        front = exact_frontier(pair, engine="milp", total_time_limit=limit, executor=executor)
        assert {p.utilities for p in front.points} <= whole
        seen_short |= front.status == "time limit"
    assert seen_short  # at least one of the limits cut the frontier short


def test_profiles_travel_to_worker_processes_as_they_are() -> None:
    pair = anac(4, 6, seed=2)
    back = pickle.loads(pickle.dumps(pair))
    assert back == pair
    assert back[0].boxes == pair[0].boxes
    with pytest.raises(TypeError):  # still read-only after the trip
        back[0].bonuses[0].within["i0"] = ("0",)


class Broken(Executor):
    """A pool whose worker died: every task fails as a dead process pool's do."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        future.set_exception(BrokenProcessPool("A process in the process pool was terminated"))
        return future


def test_a_worker_that_dies_is_said_plainly() -> None:
    with pytest.raises(AnalysisError, match="a worker process stopped before its part"):
        exact_frontier(anac(6, 20, seed=4), engine="milp", executor=Broken())
