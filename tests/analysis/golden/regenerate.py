"""Regenerate the golden files from brute force on Genius semantics (not from gobetween).

Run from the project root: ``.venv/bin/python -m tests.analysis.golden.regenerate``. Each file
holds a scenario's Pareto frontier with tolerance 1e-9 (one point per tie group; utilities in the
order of the profiles' file names, written with full ``repr`` precision), the number of packages
reaching each point, and the Nash point with every package reaching its product (option names,
agenda order).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from benchmarks.genius_reference import (
    GENIUS_ROOT,
    capped,
    enumerate_utilities,
    nash_brute_force,
    package_index,
    read_genius,
    tolerant_frontier,
)

SCENARIOS = (
    "anac/y2010/ItexvsCypress",
    "anac/y2010/Travel",
    "anac/y2012/EnergyA",
    "anac/y2011/Grocery",
    "other/AMPOvsCity",
)
HERE = Path(__file__).parent
#: Utilities equal within this are ties; a point must beat another by more to dominate it.
TOL = 1e-9


def golden(name: str) -> dict[str, object]:
    """The golden record of one scenario (no cap binds in these: weights sum to at most 1)."""
    tables = read_genius(GENIUS_ROOT / name)
    points = capped(enumerate_utilities(tables.values))
    front, counts = tolerant_frontier(points, TOL)
    best = nash_brute_force(points, tables.reservations)
    assert best is not None
    shape = tuple(len(o) for o in tables.option_names)
    packages = [
        [tables.option_names[j][c] for j, c in enumerate(package_index(int(flat), shape))]
        for flat in best.packages[:50]
    ]
    return {
        "scenario": name,
        "semantics": "Genius: sum_i w_i * eval_i / max eval_i, capped at 1; brute force",
        "tolerance": TOL,
        "parties": [p.removesuffix(".xml") for p in tables.profiles],
        "packages": tables.size,
        "reservations": tables.reservations.tolist(),
        "frontier": front.tolist(),
        "counts": counts.tolist(),
        "nash": {
            "product": best.product,
            "utilities": np.asarray(best.utilities[0]).tolist(),
            "packages": packages,
        },
    }


def main() -> None:
    for name in SCENARIOS:
        path = HERE / (name.replace("/", "__") + ".json")
        path.write_text(json.dumps(golden(name), indent=1) + "\n", encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()
