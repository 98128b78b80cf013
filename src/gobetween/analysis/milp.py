"""Exact analysis of interdependent preferences by mixed-integer programming (HiGHS via SciPy).

The outcome space is never enumerated. One binary ``x[i, o]`` per option (exactly one per issue)
and one binary ``y[p, b]`` per bonus, tied to its box (``s_i``: the options of issue ``i`` the box
accepts, ``k`` its issue count) by ``y <= s_i`` for each issue of the box when the bonus is
positive, and by ``y >= sum_i s_i - (k - 1)`` when it is negative. A party's modelled utility is
then never above its true one, and equals it when every ``y`` is the box's indicator; as each
``y`` only counts for its own party, every optimum below is the true one.

- :func:`exact_frontier` (two parties, epsilon-constraint): maximise party 0's utility, plus
  :data:`RESOLUTION` times party 1's (so the point found is not dominated), with party 1's
  utility at least a floor; then raise the floor just above the point found; until infeasible.
- :func:`max_welfare_milp` and :func:`egalitarian_milp` (any number of parties): one program.
- :func:`nash_milp` (two parties): the point of the exact frontier with the largest product of
  gains over the disagreement point.

Every point's utilities are recomputed from its package (not read off the solver). HiGHS runs
with a relative and absolute MIP gap of zero and utilities scaled so that its tolerances are far
below :data:`RESOLUTION` of each party's range: points are exact unless two frontier points
differ in a party's utility by less than that fraction of its range (then one of them may stand
for both, and ``resolution`` says so). Any solve that is not proven optimal (time limit) is
reported in ``status``: the result is then marked not exact, never silently approximate.

>>> from gobetween.model import Agenda, Issue
>>> from gobetween.analysis.interdependent import Bonus, InterdependentProfile
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
>>> alice = InterdependentProfile.of(agenda, {"a": {"x": 1}}, [Bonus(2, {"b": ("q",)})])
>>> bob = InterdependentProfile.of(agenda, {"a": {"y": 2}}, [Bonus(1, {"a": ("x",), "b": ("p",)})])
>>> front = exact_frontier((alice, bob))
>>> [p.utilities for p in front.points], front.exact
([(3.0, 0.0), (2.0, 2.0)], True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.errors import AnalysisError

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "RESOLUTION",
    "MilpFrontier",
    "MilpPoint",
    "MilpSolution",
    "egalitarian_milp",
    "exact_frontier",
    "max_welfare_milp",
    "nash_milp",
]

#: Frontier points closer than this fraction of a party's utility range may be merged.
RESOLUTION = 1e-6
#: Seconds HiGHS may spend on one solve (a frontier takes two solves per point).
DEFAULT_TIME_LIMIT = 60.0
#: Utilities are scaled to this magnitude inside the solver (far above HiGHS's 1e-6 tolerances).
_SCALE = 1e4
#: At most this many frontier points (each takes two solves).
MAX_FRONTIER_POINTS = 10_000

_STATUS = {0: "optimal", 1: "time limit", 2: "infeasible", 3: "unbounded", 4: "solver error"}


@dataclass(frozen=True)
class MilpPoint:
    """A package (option index per issue) and each party's exact utility for it."""

    choices: tuple[int, ...]
    utilities: tuple[float, ...]


@dataclass(frozen=True)
class MilpFrontier:
    """The Pareto frontier found, best for party 0 first; ``status`` is HiGHS's last word."""

    points: tuple[MilpPoint, ...]
    status: str
    solves: int
    resolution: float

    @property
    def exact(self) -> bool:
        """True when every solve was proven optimal (the frontier is complete)."""
        return self.status == "optimal"


@dataclass(frozen=True)
class MilpSolution:
    """A bargaining solution: its point (``None`` if none exists) and the solver status."""

    point: MilpPoint | None
    status: str

    @property
    def exact(self) -> bool:
        """True when the solver proved the point optimal."""
        return self.status == "optimal"


class _Program:
    """The variables and structural constraints shared by every solve."""

    def __init__(self, profiles: Sequence[InterdependentProfile]) -> None:
        if not profiles:
            raise AnalysisError("no party to analyse")
        agenda = profiles[0].agenda
        if any(p.agenda != agenda for p in profiles):
            raise AnalysisError("the profiles are on different agendas")
        self.profiles = tuple(profiles)
        self.shape = agenda.shape
        self.offsets = np.cumsum((0, *self.shape))
        self.options = int(self.offsets[-1])
        rows: list[dict[int, float]] = []
        lower: list[float] = []
        upper: list[float] = []
        for i in range(len(self.shape)):
            rows.append({int(self.offsets[i]) + o: 1.0 for o in range(self.shape[i])})
            lower.append(1.0)
            upper.append(1.0)
        self.objectives: list[NDArray[np.float64]] = []
        column = self.options
        bonus_columns: list[tuple[int, Mapping[int, frozenset[int]]]] = []
        for profile in self.profiles:
            for bonus, box in zip(profile.bonuses, profile.boxes, strict=True):
                if bonus.value != 0:
                    bonus_columns.append((column, box))
                    self._tie(rows, lower, upper, column, box, positive=bonus.value > 0)
                    column += 1
        self.size = column
        self.structure: tuple[list[dict[int, float]], list[float], list[float]] = (
            rows,
            lower,
            upper,
        )
        self._objectives(bonus_columns)

    def _tie(
        self,
        rows: list[dict[int, float]],
        lower: list[float],
        upper: list[float],
        y: int,
        box: Mapping[int, frozenset[int]],
        *,
        positive: bool,
    ) -> None:
        """Rows tying bonus ``y`` to its box: ``y <= s_i`` for a positive bonus (the solver
        then never pays it outside the box), ``y >= sum_i s_i - (k - 1)`` for a negative one
        (it always pays it inside)."""
        together: dict[int, float] = {y: -1.0}
        for i, accepted in box.items():
            members = {int(self.offsets[i]) + o: 1.0 for o in accepted}
            if positive:
                rows.append({**members, y: -1.0})  # s_i - y >= 0
                lower.append(0.0)
                upper.append(math.inf)
            for key, value in members.items():
                together[key] = together.get(key, 0.0) + value
        if not positive:
            rows.append(together)  # sum s_i - y <= k - 1
            lower.append(-math.inf)
            upper.append(len(box) - 1.0)

    def _objectives(self, bonus_columns: list[tuple[int, Mapping[int, frozenset[int]]]]) -> None:
        columns = iter(bonus_columns)
        self.scales: list[float] = []
        self.spans: list[float] = []
        for profile in self.profiles:
            c = np.zeros(self.size)
            c[: self.options] = np.concatenate([np.asarray(v, dtype=float) for v in profile.values])
            for bonus in profile.bonuses:
                if bonus.value != 0:
                    c[next(columns)[0]] = bonus.value
            span = math.fsum(max(v) - min(v) for v in profile.values) + math.fsum(
                abs(b.value) for b in profile.bonuses
            )
            self.spans.append(span or 1.0)
            self.scales.append(_SCALE / (span or 1.0))
            self.objectives.append(c)

    def rows(self) -> tuple[list[dict[int, float]], list[float], list[float]]:
        """Copies of the structural rows and their bounds, to extend for one solve."""
        rows, lower, upper = self.structure
        return list(rows), list(lower), list(upper)

    def solve(
        self, weights: Mapping[int, float], floors: Mapping[int, float], time_limit: float
    ) -> tuple[str, MilpPoint | None]:
        """Maximise ``sum_p weights[p] * u_p`` with ``u_q >= floors[q]``."""
        rows, lower, upper = self.rows()
        for party, floor in floors.items():
            scale = self.scales[party]
            rows.append({j: v * scale for j, v in enumerate(self.objectives[party]) if v})
            lower.append(floor * scale)
            upper.append(math.inf)
        c = -sum(w * self.scales[p] * self.objectives[p] for p, w in weights.items())
        return self._run(np.asarray(c, dtype=float), rows, lower, upper, time_limit)

    def _run(
        self,
        c: NDArray[np.float64],
        rows: list[dict[int, float]],
        lower: list[float],
        upper: list[float],
        time_limit: float,
        free: int = 0,
    ) -> tuple[str, MilpPoint | None]:
        """Solve; the last ``free`` variables are continuous and unbounded, the others binary."""
        matrix = np.zeros((len(rows), c.size))
        for k, row in enumerate(rows):
            for j, value in row.items():
                matrix[k, j] = value
        binary = c.size - free
        result = milp(
            c,
            integrality=np.concatenate([np.ones(binary), np.zeros(free)]),
            bounds=Bounds(
                np.concatenate([np.zeros(binary), np.full(free, -np.inf)]),
                np.concatenate([np.ones(binary), np.full(free, np.inf)]),
            ),
            constraints=LinearConstraint(matrix, np.asarray(lower), np.asarray(upper)),
            options={"time_limit": max(time_limit, 0.01), "mip_rel_gap": 0.0},
        )
        status = _STATUS.get(int(result.status), "solver error")
        if result.x is None or status != "optimal":
            return status, None
        return status, self.point(np.asarray(result.x))

    def point(self, x: NDArray[np.float64]) -> MilpPoint:
        """The package the binaries ``x`` choose, with its utilities recomputed exactly."""
        choices = tuple(
            int(np.argmax(x[self.offsets[i] : self.offsets[i + 1]])) for i in range(len(self.shape))
        )
        return MilpPoint(choices, tuple(p.utility(choices) for p in self.profiles))


def exact_frontier(
    profiles: Sequence[InterdependentProfile], *, time_limit: float = DEFAULT_TIME_LIMIT
) -> MilpFrontier:
    """The Pareto frontier of two parties by epsilon-constraint (see the module docstring).

    Raises
    ------
    AnalysisError
        Not exactly two parties, or profiles on different agendas.
    """
    if len(profiles) != 2:
        raise AnalysisError(f"the exact frontier takes two parties, not {len(profiles)}")
    program = _Program(profiles)
    step = RESOLUTION * program.spans[1]
    points: list[MilpPoint] = []
    floors: dict[int, float] = {}
    solves = 0
    status = "optimal"
    while len(points) < MAX_FRONTIER_POINTS:
        status, best = program.solve({0: 1.0, 1: RESOLUTION}, floors, time_limit)
        solves += 1
        if best is None:
            status = "optimal" if status == "infeasible" else status
            break
        points.append(best)
        floors = {1: best.utilities[1] + step}
    else:
        status = "point limit"
    return MilpFrontier(tuple(points), status, solves, RESOLUTION)


def max_welfare_milp(
    profiles: Sequence[InterdependentProfile], *, time_limit: float = DEFAULT_TIME_LIMIT
) -> MilpSolution:
    """The package with the largest sum of utilities, for any number of parties.

    >>> from gobetween.model import Agenda, Issue
    >>> from gobetween.analysis.interdependent import Bonus, InterdependentProfile
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> one = InterdependentProfile.of(agenda, {"a": {"x": 1}})
    >>> two = InterdependentProfile.of(agenda, {}, [Bonus(3, {"a": ("y",)})])
    >>> max_welfare_milp((one, two)).point.utilities
    (0.0, 3.0)
    """
    program = _Program(profiles)
    weights = {p: 1.0 / program.scales[p] for p in range(len(profiles))}
    status, point = program.solve(weights, {}, time_limit)
    return MilpSolution(point, status)


def egalitarian_milp(
    profiles: Sequence[InterdependentProfile], *, time_limit: float = DEFAULT_TIME_LIMIT
) -> MilpSolution:
    """A package maximising the smallest utility, for any number of parties (ties: any one).

    >>> from gobetween.model import Agenda, Issue
    >>> from gobetween.analysis.interdependent import InterdependentProfile
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
    >>> one = InterdependentProfile.of(agenda, {"a": {"x": 3, "y": 1, "z": 2}})
    >>> two = InterdependentProfile.of(agenda, {"a": {"x": 0, "y": 3, "z": 2}})
    >>> egalitarian_milp((one, two)).point.choices
    (2,)
    """
    program = _Program(profiles)
    t = program.size
    rows, lower, upper = program.rows()
    for objective in program.objectives:
        row = {j: float(v) for j, v in enumerate(objective) if v}
        rows.append({**row, t: -1.0})  # u_p - t >= 0
        lower.append(0.0)
        upper.append(math.inf)
    bound = max(float(np.sum(np.abs(o))) for o in program.objectives) or 1.0
    rows.append({t: 1.0})
    lower.append(-bound)
    upper.append(bound)
    c = np.zeros(t + 1)
    c[t] = -_SCALE / bound
    scaled = [{j: v * _SCALE / bound for j, v in row.items()} for row in rows]
    scaled_lower = [v * _SCALE / bound for v in lower]
    scaled_upper = [v * _SCALE / bound for v in upper]
    status, point = program._run(c, scaled, scaled_lower, scaled_upper, time_limit, free=1)
    return MilpSolution(point, status)


def nash_milp(
    profiles: Sequence[InterdependentProfile],
    disagreement: Sequence[float] = (0.0, 0.0),
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> MilpSolution:
    """The Nash point of two parties: on the exact frontier, the largest product of gains over
    ``disagreement`` (every gain positive); no point when no package gives both a gain.

    >>> from gobetween.model import Agenda, Issue
    >>> from gobetween.analysis.interdependent import InterdependentProfile
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
    >>> one = InterdependentProfile.of(agenda, {"a": {"x": 3, "y": 1, "z": 2}})
    >>> two = InterdependentProfile.of(agenda, {"a": {"x": 0, "y": 3, "z": 2}})
    >>> nash_milp((one, two)).point.utilities
    (2.0, 2.0)
    """
    front = exact_frontier(profiles, time_limit=time_limit)
    gains = [
        (math.prod(u - d for u, d in zip(p.utilities, disagreement, strict=True)), p)
        for p in front.points
        if all(u > d for u, d in zip(p.utilities, disagreement, strict=True))
    ]
    best = max(gains, key=lambda pair: pair[0])[1] if gains else None
    return MilpSolution(best, front.status)
