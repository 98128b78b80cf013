"""On every two-party Genius scenario (real, non-grid utilities) the merge equals the tolerance
definition applied to all packages at once.

The reference is the whole outcome space, enumerated, filtered in one go by the two-party sweep
(which ``test_dominance`` checks against the pairwise definition): same points, same tie counts.
This is the check that tolerance comparisons, which are not transitive, do not make the
issue-by-issue pruning lose or invent frontier points on real data.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.shared_data import SHARED_DATA

from gobetween.analysis import UtilitySpace, pareto_frontier
from gobetween.analysis.dominance import nondominated

SHARED = SHARED_DATA / "genius"
LIMIT = 2_000_000

pytestmark = [
    pytest.mark.shared,
    pytest.mark.slow,
    pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/genius is not present"),
]


def _all_packages(values: tuple[np.ndarray, ...]) -> np.ndarray:
    total = np.zeros((1, values[0].shape[1]))
    for table in values:
        total = (total[:, None, :] + table[None, :, :]).reshape(-1, table.shape[1])
    return total


def test_merge_equals_the_definition_on_all_two_party_genius_scenarios() -> None:
    from gobetween.formats.loading import load_scenario

    checked = 0
    for folder in sorted({p.parent for p in SHARED.rglob("*.xml")}):
        scenario = load_scenario(folder)
        if len(scenario.party_names) != 2 or not scenario.is_additive:
            continue
        space = UtilitySpace.from_scenario(scenario)
        if space.size > LIMIT:
            continue
        points = _all_packages(space.values)
        groups = nondominated(points, 1e-9)
        order = np.argsort(-points[groups.representatives, 0], kind="stable")
        truth = points[groups.representatives][order]
        counts = np.bincount(groups.group[groups.group >= 0])[order]
        front = pareto_frontier(space, tol=1e-9)
        assert len(front) == truth.shape[0], folder.name
        np.testing.assert_allclose(front.utilities, truth, rtol=0, atol=1e-9)
        assert list(front.tie_counts) == counts.tolist(), folder.name
        checked += 1
    assert checked == 103
