"""NegMAS's end-to-end counterpart of ``gobetween analyze FOLDER --json``.

``python -m benchmarks.negmas_e2e FOLDER`` loads a Genius folder with NegMAS 0.16's own loader
(``Scenario.from_genius_folder``, ``safe_parsing=False`` as ``Scenario.load`` does: the strict
parser rejects AMPOvsCity), drops the dummy issue that loader adds, normalises each discrete issue's
evaluations by their maximum (Genius semantics; NegMAS keeps raw evaluations), then computes the
Pareto frontier and the Nash point and prints them as JSON. Start-up, XML parsing and output are
all part of what is timed from outside.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from negmas.inout import Scenario
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.ops import nash_points, pareto_frontier
from negmas.preferences.value_fun import TableFun


def normalised(scenario: Any) -> list[Any]:
    """Each profile on Genius semantics: a discrete issue's evaluations divided by their maximum
    (0 if all are 0), a linear evaluator clipped to [0, 1]."""
    space = scenario.outcome_space
    result = []
    for ufun in scenario.ufuns:
        tables = []
        for issue, fun in zip(space.issues, ufun.values, strict=True):
            raw = {value: float(fun(value)) for value in issue.all}
            if isinstance(fun, TableFun):  # a discrete evaluator: divide by its maximum
                top = max(raw.values())
                table = {v: (e / top if top > 0 else 0.0) for v, e in raw.items()}
            else:  # Genius's linear evaluator: clipped to [0, 1], not normalised
                table = {v: min(max(e, 0.0), 1.0) for v, e in raw.items()}
            tables.append(TableFun(table))
        result.append(
            LinearAdditiveUtilityFunction(
                values=tables,
                weights=list(ufun.weights),
                outcome_space=space,
                reserved_value=ufun.reserved_value,
            )
        )
    return result


def main(folder: str) -> dict[str, Any]:
    loaded = Scenario.from_genius_folder(folder, ignore_discount=True, safe_parsing=False)
    if loaded is None:
        raise SystemExit(f"NegMAS could not load {folder}")
    scenario = loaded.remove_dummy_issues()
    ufuns = normalised(scenario)
    points, _ = pareto_frontier(ufuns, issues=scenario.outcome_space.issues)
    nash = nash_points(ufuns, points, outcome_space=scenario.outcome_space)
    return {
        "packages": int(scenario.outcome_space.cardinality),
        "frontier": [list(p) for p in points],
        "nash": [list(u) for u, _ in nash],
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1]), sys.stdout)
    sys.stdout.write("\n")
