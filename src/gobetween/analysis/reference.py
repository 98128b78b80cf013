"""Does gobetween's frontier equal, or beat, a published reference frontier? Point by point.

Some published scenarios (ANAC 2014's Genius folders among them) come with the scenario's Pareto
frontier as plain numbers (read by
:func:`gobetween.formats.genius_frontier.parse_reference_frontier`).
:func:`compare_frontiers` takes that list and the frontier gobetween found, on the same utility
scale and party order, and says for each reference point whether gobetween has it (**equal**,
within ``tol`` on every party), has a point better for some party and no worse for any
(**dominated**: the reference missed a better package), or neither (**missed**: the reference
knows a point gobetween's frontier lacks, which an exact frontier never should: a sign of a
different utility scale, party order or a frontier that is not exact). Points of gobetween's
frontier that the reference lacks are counted as ``extra``.

>>> ours = [(1.0, 0.2), (0.8, 0.8), (0.3, 1.0)]
>>> compare_frontiers(ours, [(1.0, 0.2), (0.7, 0.8), (0.3, 1.0)]).verdict
<ReferenceVerdict.DOMINATES: 'dominates'>
>>> compare_frontiers(ours, ours).verdict
<ReferenceVerdict.EQUAL: 'equal'>
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from gobetween.errors import AnalysisError

__all__ = [
    "REFERENCE_TOL",
    "PointVerdict",
    "ReferenceComparison",
    "ReferenceVerdict",
    "compare_frontiers",
]

#: Tolerance for published frontiers: they are printed with about six decimals.
REFERENCE_TOL = 1e-6


class PointVerdict(StrEnum):
    """What gobetween's frontier has for one reference point."""

    EQUAL = "equal"
    DOMINATED = "dominated"
    MISSED = "missed"


class ReferenceVerdict(StrEnum):
    """The whole comparison: ``equal`` (same points), ``dominates`` (every reference point is
    equalled or beaten, and something is beaten or added) or ``misses`` (some reference point
    is neither)."""

    EQUAL = "equal"
    DOMINATES = "dominates"
    MISSES = "misses"


@dataclass(frozen=True)
class ReferenceComparison:
    """Per reference point (in the reference's order) its verdict, and the totals.

    ``extra`` counts gobetween's points that equal no reference point.
    """

    points: tuple[PointVerdict, ...]
    extra: int
    tol: float

    @property
    def equal(self) -> int:
        return self.points.count(PointVerdict.EQUAL)

    @property
    def dominated(self) -> int:
        return self.points.count(PointVerdict.DOMINATED)

    @property
    def missed(self) -> int:
        return self.points.count(PointVerdict.MISSED)

    @property
    def verdict(self) -> ReferenceVerdict:
        if self.missed:
            return ReferenceVerdict.MISSES
        if self.dominated or self.extra:
            return ReferenceVerdict.DOMINATES
        return ReferenceVerdict.EQUAL

    def to_dict(self) -> dict[str, object]:
        """The verdict, the counts and each reference point's verdict, for JSON.

        >>> compare_frontiers([(1.0, 0.0)], [(1.0, 0.0)]).to_dict()["verdict"]
        'equal'
        """
        return {
            "verdict": str(self.verdict),
            "reference_points": len(self.points),
            "equal": self.equal,
            "dominated": self.dominated,
            "missed": self.missed,
            "extra": self.extra,
            "points": [str(p) for p in self.points],
            "tol": self.tol,
        }


def _array(
    points: Sequence[Sequence[float]] | NDArray[np.float64], what: str
) -> NDArray[np.float64]:
    array = np.asarray(points, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] == 0 or not np.all(np.isfinite(array)):
        raise AnalysisError(
            f"{what}: expected at least one row of finite utilities, one column per party"
        )
    return array


def compare_frontiers(
    found: Sequence[Sequence[float]] | NDArray[np.float64],
    reference: Sequence[Sequence[float]] | NDArray[np.float64],
    *,
    tol: float = 1e-9,
) -> ReferenceComparison:
    """Compare gobetween's frontier ``found`` (shape ``(m, n)``) with ``reference`` (``(r, n)``).

    Raises
    ------
    AnalysisError
        The two have different numbers of parties, or hold something else than finite numbers.
    """
    theirs = _array(reference, "the reference frontier")
    ours = _array(found, "gobetween's frontier") if len(found) else np.empty((0, theirs.shape[1]))
    if ours.shape[1] != theirs.shape[1]:
        raise AnalysisError(
            f"the reference frontier has {theirs.shape[1]} utilities per point, "
            f"gobetween's {ours.shape[1]}"
        )
    close = np.all(np.abs(ours[:, None, :] - theirs[None, :, :]) <= tol, axis=2)  # (m, r)
    weakly = np.all(ours[:, None, :] >= theirs[None, :, :] - tol, axis=2)
    better = np.any(ours[:, None, :] > theirs[None, :, :] + tol, axis=2)
    verdicts = tuple(
        PointVerdict.EQUAL
        if close[:, k].any()
        else PointVerdict.DOMINATED
        if (weakly[:, k] & better[:, k]).any()
        else PointVerdict.MISSED
        for k in range(theirs.shape[0])
    )
    extra = int(np.count_nonzero(~close.any(axis=1)))
    return ReferenceComparison(verdicts, extra, tol)
