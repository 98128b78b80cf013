"""Every Genius scenario loads; two-party frontiers and Nash points equal brute force.

The oracle is :mod:`benchmarks.genius_reference`: its own XML reader on Genius semantics
(normalised evaluations, weights as written, utility capped at 1) and vectorised enumeration of
every package. It shares no code with ``gobetween.formats`` or ``gobetween.analysis``.

Known, documented difference: in the five Laptop templates (weights summing to 1.0000518) Genius
caps the best package's utility at 1, which no additive profile can express; gobetween's loader
then normalises the weights (see :mod:`gobetween.formats.genius`). For those the frontier is
checked against brute force on that mapping, and its distance to Genius's capped semantics is
measured and bounded by the weight excess.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from benchmarks.genius_reference import (
    GENIUS_ROOT,
    GeniusTables,
    capped,
    enumerate_utilities,
    exact_frontier,
    frontier_with_counts,
    nash_brute_force,
    read_genius,
    scenario_folders,
    tolerant_frontier,
    unmatched,
)

from gobetween.analysis import Frontier, UtilitySpace, pareto_frontier
from gobetween.analysis.solutions import nash
from gobetween.formats.loading import load_scenario
from gobetween.model import Scenario

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not GENIUS_ROOT.is_dir(), reason="../shared/data/genius is not present"),
]

TOL = 1e-9
#: Two-party scenarios up to this many packages are enumerated (AMPOvsCity, 1.94 million, included).
BRUTE_FORCE_LIMIT = 2_000_000
GOLDEN = Path(__file__).parent / "golden"

FOLDERS = scenario_folders() if GENIUS_ROOT.is_dir() else []
TABLES = {folder: read_genius(folder) for folder in FOLDERS}
TWO_PARTY = [f for f in FOLDERS if TABLES[f].n_parties == 2 and TABLES[f].size <= BRUTE_FORCE_LIMIT]
#: Three to nine parties (ANAC 2015: all profiles of a domain as parties), up to this many packages.
MANY_PARTY_LIMIT = 25_000
MANY_PARTY = [f for f in FOLDERS if TABLES[f].n_parties > 2 and TABLES[f].size <= MANY_PARTY_LIMIT]


def _name(folder: Path) -> str:
    return str(folder.relative_to(GENIUS_ROOT))


def _column_order(scenario: Scenario, tables: GeniusTables) -> list[int]:
    """gobetween's party column of each reference profile (parties are the files' stems)."""
    names = list(scenario.party_names)
    return [names.index(profile.removesuffix(".xml")) for profile in tables.profiles]


def _weight_sums(tables: GeniusTables) -> np.ndarray:
    return np.asarray(sum(v.max(axis=0) for v in tables.values))


def _brute_force_points(tables: GeniusTables) -> np.ndarray:
    """Every package's utilities on the semantics gobetween is specified to reproduce."""
    points = enumerate_utilities(tables.values)
    best = _weight_sums(tables)
    # Where Genius would cap, the loader divides by the weight sum instead (module docstring).
    scale = np.where(best > 1.0 + 1e-12, best, 1.0)
    return capped(points / scale[None, :])


def test_the_corpus_is_complete() -> None:
    assert len(FOLDERS) == 117
    assert len(TWO_PARTY) == 103
    assert len(MANY_PARTY) == 13
    assert sum(TABLES[f].size for f in TWO_PARTY) > 5_000_000


@pytest.mark.parametrize("folder", FOLDERS, ids=_name)
def test_every_scenario_loads_with_genius_values(folder: Path) -> None:
    tables = TABLES[folder]
    scenario = load_scenario(folder)
    space = UtilitySpace.from_scenario(scenario)
    assert space.shape == tuple(len(o) for o in tables.option_names)
    assert [i.name for i in scenario.agenda.issues] == list(tables.issue_names)
    order = _column_order(scenario, tables)
    scale = np.where(_weight_sums(tables) > 1.0 + 1e-12, _weight_sums(tables), 1.0)
    for ours, theirs in zip(space.full_values, tables.values, strict=True):
        np.testing.assert_allclose(ours[:, order], theirs / scale[None, :], rtol=0, atol=1e-12)
    np.testing.assert_allclose(space.reservations[order], tables.reservations, atol=1e-12)


def _check_frontier(
    front: Frontier, truth: np.ndarray, counts: np.ndarray, order: list[int]
) -> None:
    ours = front.utilities[:, order]
    assert unmatched(ours, truth, TOL).shape[0] == 0, "gobetween points off the true frontier"
    assert unmatched(truth, ours, TOL).shape[0] == 0, "true frontier points gobetween misses"
    assert len(front) == truth.shape[0]
    assert front.package_count == int(counts.sum())
    position = {tuple(p): i for i, p in enumerate(np.round(truth, 9).tolist())}
    for point, count in zip(np.round(ours, 9).tolist(), front.tie_counts, strict=True):
        assert count == counts[position[tuple(point)]]


@pytest.mark.parametrize("folder", TWO_PARTY, ids=_name)
def test_frontier_and_nash_equal_brute_force(folder: Path) -> None:
    tables = TABLES[folder]
    scenario = load_scenario(folder)
    space = UtilitySpace.from_scenario(scenario)
    order = _column_order(scenario, tables)
    points = _brute_force_points(tables)
    truth, counts = tolerant_frontier(points, TOL)
    front = pareto_frontier(space, tol=TOL)
    _check_frontier(front, truth, counts, order)
    for i in range(len(front)):
        np.testing.assert_allclose(space.utilities(front.package(i)), front.utilities[i], atol=TOL)

    reference = nash_brute_force(points, tables.reservations)
    solution = nash(front)
    if reference is None:
        assert solution is None
        return
    assert solution is not None
    mine = np.array(solution.utilities)[order]
    assert unmatched(mine[None, :], reference.utilities, TOL).shape[0] == 0
    gains = mine - tables.reservations
    assert np.prod(gains) == pytest.approx(reference.product, rel=1e-9)


@pytest.mark.parametrize("folder", MANY_PARTY, ids=_name)
def test_many_party_frontier_and_nash_equal_brute_force(folder: Path) -> None:
    """n-dimensional dominance: these templates have no utilities within 1e-9 of each other on
    their frontiers, so the exact frontier is the one with tolerance."""
    tables = TABLES[folder]
    scenario = load_scenario(folder)
    order = _column_order(scenario, tables)
    points = _brute_force_points(tables)
    truth = exact_frontier(points)
    front = pareto_frontier(UtilitySpace.from_scenario(scenario), tol=TOL)
    ours = front.utilities[:, order]
    assert len(front) == truth.shape[0]
    assert unmatched(ours, truth, TOL).shape[0] == 0
    assert unmatched(truth, ours, TOL).shape[0] == 0
    on_frontier = sum(
        int(np.count_nonzero(np.all(np.abs(points - p) <= TOL, axis=1))) for p in truth
    )
    assert front.package_count == on_frontier
    reference = nash_brute_force(points, tables.reservations)
    solution = nash(front)
    assert (solution is None) == (reference is None)
    if solution is not None and reference is not None:
        mine = np.array(solution.utilities)[order]
        assert unmatched(mine[None, :], reference.utilities, TOL).shape[0] == 0


def test_capped_templates_are_the_known_ones_and_close_to_genius() -> None:
    capped_folders = [_name(f) for f in FOLDERS if np.any(_weight_sums(TABLES[f]) > 1.0 + 1e-12)]
    assert capped_folders == [
        "anac/y2011/Laptop",
        "anac/y2012/LaptopA",
        "anac/y2012/LaptopB",
        "anac/y2012/LaptopC",
        "anac/y2013/Laptop",
        "anac/y2015/group5-car_domain",
    ]
    tables = TABLES[GENIUS_ROOT / "anac/y2012/LaptopA"]
    genius, _ = frontier_with_counts(capped(enumerate_utilities(tables.values)))
    scenario = load_scenario(GENIUS_ROOT / "anac/y2012/LaptopA")
    ours = pareto_frontier(UtilitySpace.from_scenario(scenario)).utilities
    excess = float(_weight_sums(tables).max() - 1.0)
    assert unmatched(ours, genius, excess).shape[0] == 0
    assert unmatched(genius, ours, excess).shape[0] == 0
    assert unmatched(ours, genius, TOL).shape[0] > 0  # the difference is real, not hidden


GOLDEN_FILES = sorted(GOLDEN.glob("*.json"))


def test_golden_files_exist() -> None:
    assert len(GOLDEN_FILES) >= 4


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    golden = json.loads(path.read_text(encoding="utf-8"))
    scenario = load_scenario(GENIUS_ROOT / golden["scenario"])
    assert list(scenario.party_names) == golden["parties"]
    space = UtilitySpace.from_scenario(scenario)
    assert space.size == golden["packages"]
    front = pareto_frontier(space, tol=TOL)
    truth = np.array(golden["frontier"])
    order = list(range(len(golden["parties"])))
    _check_frontier(front, truth, np.array(golden["counts"]), order)
    solution = nash(front)
    assert solution is not None
    np.testing.assert_allclose(solution.utilities, golden["nash"]["utilities"], atol=TOL)
    names = [
        issue.option_names[c]
        for issue, c in zip(scenario.agenda.issues, solution.package.choices, strict=True)
    ]
    assert names in golden["nash"]["packages"]
