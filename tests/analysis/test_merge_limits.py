"""The merge is bounded: a frontier-point cap and a per-step candidate cap, checked at every
merge step, stop an exploding space with a clear error instead of exhausting memory."""

from __future__ import annotations

import numpy as np
import pytest

from gobetween.analysis import (
    DEFAULT_MERGE_LIMITS,
    UtilitySpace,
    merge_limits,
    pareto_frontier,
)
from gobetween.errors import AnalysisError


def _random_space(parties: int, issues: int, options: int, seed: int = 1) -> UtilitySpace:
    rng = np.random.default_rng(seed)
    return UtilitySpace.from_arrays(rng.random((issues, options, parties)).tolist())


def test_the_point_cap_stops_a_growing_frontier_and_names_the_step() -> None:
    space = _random_space(2, 12, 10)
    full = pareto_frontier(space)
    assert len(full) > 40  # the check can fail: this frontier does outgrow the cap
    with merge_limits(points=40, candidates=10**6), pytest.raises(AnalysisError) as caught:
        pareto_frontier(space)
    message = str(caught.value)
    assert "above the limit of 40 points" in message
    assert "after merging" in message


def test_the_candidate_cap_is_checked_before_a_step_allocates() -> None:
    space = _random_space(3, 6, 50)
    with merge_limits(points=10**6, candidates=500), pytest.raises(AnalysisError) as caught:
        pareto_frontier(space)
    assert "candidate packages, above the limit of 500" in str(caught.value)


def test_within_the_caps_the_frontier_is_unchanged_and_the_default_comes_back() -> None:
    space = _random_space(2, 6, 8)
    free = pareto_frontier(space)
    with merge_limits(points=len(free), candidates=10**6):
        capped = pareto_frontier(space)
    assert capped.utilities.tolist() == free.utilities.tolist()
    assert capped.tie_counts == free.tie_counts
    pareto_frontier(_random_space(2, 12, 10))  # the block's caps no longer apply
    assert DEFAULT_MERGE_LIMITS.points >= 1_000_000
