"""The one mixed-integer program behind :mod:`gobetween.analysis.milp`, built once, solved often.

Three reductions before the solver sees anything, each exact for every Pareto question (every
party weakly prefers what is kept):

- **Option classes.** On an issue, option ``a`` stands for option ``b`` when every party values
  ``a`` at least as much as ``b``, every positive bonus that accepts ``b`` there accepts ``a``,
  and every negative bonus that accepts ``a`` there accepts ``b``: swapping ``b`` for ``a`` in any
  package leaves nobody worse off. Only the options no other option stands for are kept (one per
  class of interchangeable options, the first); a frontier point keeps its utilities and is
  reported with kept options.
- **Boxes after the classes.** A bonus that accepts every kept option of an issue does not depend
  on that issue; one that accepts none of them never pays; one left with no issue always pays (a
  constant of the party's utility).
- One binary ``x[i, o]`` per kept option (exactly one per issue) and one binary ``y[b]`` per bonus
  left, tied to its box as before (``y <= s_i`` per issue of a positive bonus, ``y >= sum_i s_i -
  (k - 1)`` for a negative one: a party's modelled utility is never above its true one and equals
  it at every optimum).
- **Red lines over several issues** (``forbidden``: boxes no package may fall in, one option or
  more per issue) are rows, never enumerated: ``sum_i s_i <= k - 1`` over the ``k`` issues the
  box still depends on. They take part in the option classes as a negative bonus of any size
  would (an option stands for another only if every red line it completes, the other completes
  too), so a merge never makes a package cross one. A red line that no kept option completes is
  dropped; one that every package completes leaves no package (the program is infeasible).

The model is handed to HiGHS (``highspy``) once; a solve changes only the objective and the
bounds of one utility row per party (floors and caps), so nothing is rebuilt between the points
of a frontier.

Utilities whose values and bonuses are whole numbers of some decimal unit (1, 0.1 ... down to
:data:`_FINEST`: 0.25 and 0.3 are whole in hundredths and tenths) are solved as integers in that
unit, and frontier floors step by exactly one unit (the resolution is then 0: no two points can
merge, and HiGHS's tolerances cannot make a package look worth a unit more than it is).
Otherwise utilities are scaled to :data:`_SCALE` and floors step by ``resolution`` times a
party's range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.errors import AnalysisError

__all__ = ["Box", "MilpPoint", "Program", "ProgramSize", "kept_options", "whole_units"]

#: Non-integer utilities are scaled to this magnitude inside the solver: a resolution of 1e-6 of
#: the range is then 1e-3, far above HiGHS's feasibility tolerance (:data:`_OPTIONS`), and the
#: coefficients stay small enough that HiGHS's own check of its solution passes (at 1e4, an
#: integrality error of 1e-9 times the coefficients failed it: "solve error").
_SCALE = 1e3
#: Utilities are solved as integers (in their decimal unit) when their range stays below this.
_INTEGRAL_SPAN = 2.0**40
#: The finest decimal unit tried: values with more decimals are scaled to :data:`_SCALE`.
_FINEST = 1e-6
#: HiGHS settings measured to help these programs (docs/benchmarks.md): its primal heuristics
#: and restarts cost more than they save when the frontier loop proves every point anyway.
_OPTIONS: Mapping[str, bool | int | float | str] = {
    "output_flag": False,
    "mip_rel_gap": 0.0,
    "mip_abs_gap": 0.0,
    "mip_heuristic_effort": 0.0,
    # effort 0 still runs these at the root (sub-MIPs of RENS and RINS took a quarter of a
    # solve's time); each solve starts from a package of milp_starts instead: 20 x 10 x 80,
    # 10.0-10.8 s CPU against 13.8-14.1 s with them (docs/benchmarks.md)
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_lp_age_limit": 2,
    "mip_pool_soft_limit": 100,
    "mip_allow_restart": False,
    # HiGHS 1.16's presolve is not to be trusted on these programs: Hypothesis found it calling
    # a feasible program infeasible, calling a package optimal when a better one keeps the same
    # bounds, and restoring solutions that break a utility row (tests/analysis/test_milp.py,
    # test_bonus_frontier.py, against brute force); without it every case agrees
    "presolve": "off",
    # a binary may be off integrality by this much times a utility's coefficients (up to
    # _SCALE): at 1e-5 a package could pass a floor one resolution step above its own utility
    "primal_feasibility_tolerance": 1e-9,
    "mip_feasibility_tolerance": 1e-9,
    # one thread: on 10 x 10 x 40 (seeds 0-2) 18% less CPU than HiGHS's two (docs/benchmarks.md)
    "threads": 1,
}
_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    # every variable is bounded, so "unbounded or infeasible" can only be infeasible
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    highspy.HighsModelStatus.kTimeLimit: "time limit",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
}


@dataclass(frozen=True)
class MilpPoint:
    """A package (option index per issue) and each party's exact utility for it."""

    choices: tuple[int, ...]
    utilities: tuple[float, ...]


@dataclass(frozen=True)
class ProgramSize:
    """What the reductions left: options kept of all, bonuses and red lines modelled of all,
    and the size of the program HiGHS solves."""

    options: int
    options_kept: int
    bonuses: int
    bonuses_modelled: int
    columns: int
    rows: int
    red_lines: int = 0
    red_lines_modelled: int = 0
    blocks: int = 1


#: A box over option indices: per issue index, the options it accepts (absent: any).
Box = Mapping[int, frozenset[int]]


def kept_options(
    profiles: Sequence[InterdependentProfile], forbidden: Sequence[Box], issue: int, n: int
) -> list[int]:
    """The options of ``issue`` that no other option stands for (see the module docstring)."""
    positive = [0] * n  # bitsets of the (party, bonus) pairs accepting each option
    negative = [0] * n  # ... of negative bonuses and red lines
    bit = 1
    for profile in profiles:
        for bonus, box in zip(profile.bonuses, profile.boxes, strict=True):
            if issue in box and bonus.value != 0:
                target = positive if bonus.value > 0 else negative
                for o in box[issue]:
                    target[o] |= bit
            bit <<= 1
    for box in forbidden:
        if issue in box:
            for o in box[issue]:
                negative[o] |= bit
        bit <<= 1
    values = [tuple(p.values[issue][o] for p in profiles) for o in range(n)]

    def stands_for(a: int, b: int) -> bool:
        return (
            all(x >= y for x, y in zip(values[a], values[b], strict=True))
            and positive[b] & ~positive[a] == 0
            and negative[a] & ~negative[b] == 0
        )

    return [
        o
        for o in range(n)
        if not any(
            q != o and stands_for(q, o) and (q < o or not stands_for(o, q)) for q in range(n)
        )
    ]


def whole_units(numbers: Sequence[float], span: float) -> float | None:
    """How many of the coarsest decimal unit (1, 0.1 ... :data:`_FINEST`) make one, when every
    number is a whole number of it (within a billionth) and the range stays below
    :data:`_INTEGRAL_SPAN` units; else ``None``.

    >>> whole_units([3.0, -2.0], 5.0), whole_units([0.25, 0.3], 0.55), whole_units([1 / 3], 1.0)
    (1.0, 100.0, None)
    """
    units = 1.0
    while units <= 1.0 / _FINEST:
        if span * units >= _INTEGRAL_SPAN:
            return None
        if all(
            abs(v * units - round(v * units)) <= 1e-9 * max(1.0, abs(v * units)) for v in numbers
        ):
            return units
        units *= 10.0
    return None


class Program:
    """The program for some parties' profiles (one agenda) and the boxes of options no package
    may fall in (``forbidden``: red lines), ready to solve with any objective.

    Raises
    ------
    AnalysisError
        No profile, or profiles on different agendas.
    """

    def __init__(
        self, profiles: Sequence[InterdependentProfile], forbidden: Sequence[Box] = ()
    ) -> None:
        if not profiles:
            raise AnalysisError("no party to analyse")
        agenda = profiles[0].agenda
        if any(p.agenda != agenda for p in profiles):
            raise AnalysisError("the profiles are on different agendas")
        self.profiles = tuple(profiles)
        shape = agenda.shape
        self.kept = [kept_options(self.profiles, forbidden, i, n) for i, n in enumerate(shape)]
        self.columns: list[dict[int, int]] = []  # per issue: kept option -> column
        column = 0
        for kept in self.kept:
            self.columns.append({o: column + k for k, o in enumerate(kept)})
            column += len(kept)
        self.binaries = column
        rows: list[tuple[dict[int, float], float, float]] = [
            (dict.fromkeys(columns.values(), 1.0), 1.0, 1.0) for columns in self.columns
        ]
        lines = 0
        for box in forbidden:  # sum_i s_i <= k - 1: never every issue of the box at once
            reduced = self._box(box)
            if reduced is None:
                continue  # no kept option completes it
            together: dict[int, float] = {}
            for chosen in reduced.values():
                together.update(dict.fromkeys(chosen, 1.0))
            rows.append((together, -math.inf, len(reduced) - 1.0))
            lines += 1
        self.objectives: list[dict[int, float]] = []
        self.constants: list[float] = []
        self.ties: list[tuple[int, Mapping[int, frozenset[int]]]] = []  # bonus column, box
        modelled = 0
        for profile in self.profiles:
            objective: dict[int, float] = {}
            for i, columns in enumerate(self.columns):
                for o, c in columns.items():
                    if profile.values[i][o]:
                        objective[c] = profile.values[i][o]
            constant: list[float] = []
            for bonus, box in zip(profile.bonuses, profile.boxes, strict=True):
                reduced = self._box(box)
                if bonus.value == 0 or reduced is None:
                    continue
                if not reduced:
                    constant.append(bonus.value)
                    continue
                rows.extend(self._tie(column, reduced, positive=bonus.value > 0))
                self.ties.append((column, box))
                objective[column] = bonus.value
                column += 1
                modelled += 1
            self.objectives.append(objective)
            self.constants.append(math.fsum(constant))
        self.width = column
        self.size = ProgramSize(
            options=sum(shape),
            options_kept=self.binaries,
            bonuses=sum(len(p.bonuses) for p in self.profiles),
            bonuses_modelled=modelled,
            columns=column,
            rows=len(rows) + len(self.profiles),
            red_lines=len(forbidden),
            red_lines_modelled=lines,
        )
        self._scales(rows)
        self._highs = self._build(rows)

    def _box(self, box: Mapping[int, frozenset[int]]) -> dict[int, list[int]] | None:
        """The box on kept options: issues it no longer depends on dropped; ``None`` when it
        accepts no kept option of some issue (it never pays)."""
        kept: dict[int, list[int]] = {}
        for i, accepted in box.items():
            columns = [c for o, c in self.columns[i].items() if o in accepted]
            if not columns:
                return None
            if len(columns) < len(self.columns[i]):
                kept[i] = columns
        return kept

    @staticmethod
    def _tie(
        y: int, box: Mapping[int, list[int]], *, positive: bool
    ) -> list[tuple[dict[int, float], float, float]]:
        if positive:  # s_i - y >= 0 for each issue of the box
            return [
                ({**dict.fromkeys(columns, 1.0), y: -1.0}, 0.0, math.inf)
                for columns in box.values()
            ]
        together: dict[int, float] = {y: -1.0}  # sum_i s_i - y <= k - 1
        for columns in box.values():
            for c in columns:
                together[c] = together.get(c, 0.0) + 1.0
        return [(together, -math.inf, len(box) - 1.0)]

    def _scales(self, rows: list[tuple[dict[int, float], float, float]]) -> None:
        """Per party: the range of its utility (``spans``), the solver's scale and whether its
        utilities are whole numbers of a decimal unit (``integral``; the scale is then one over
        the unit, and floors step by exactly one unit)."""
        self.spans: list[float] = []
        self.scales: list[float] = []
        self.integral: list[bool] = []
        for profile, objective in zip(self.profiles, self.objectives, strict=True):
            span = math.fsum(max(v) - min(v) for v in profile.values) + math.fsum(
                abs(b.value) for b in profile.bonuses
            )
            numbers = [*objective.values(), self.constants[len(self.spans)]]
            units = whole_units(numbers, span)
            self.spans.append(span or 1.0)
            self.integral.append(units is not None)
            self.scales.append(units if units is not None else _SCALE / (span or 1.0))
        self.rows = rows

    def _build(self, rows: list[tuple[dict[int, float], float, float]]) -> highspy._core._Highs:
        # The bare core class: highspy.Highs() prints a banner before any option can be set.
        highs = highspy._core._Highs()
        for name, setting in _OPTIONS.items():
            highs.setOptionValue(name, setting)
        n = self.width
        highs.addVars(n, np.zeros(n), np.ones(n))
        highs.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
        )
        utility_rows = [
            ({j: self._scaled(p, v) for j, v in objective.items()}, -math.inf, math.inf)
            for p, objective in enumerate(self.objectives)
        ]
        every = [*rows, *utility_rows]
        starts = np.cumsum([0] + [len(r) for r, _, _ in every[:-1]]).astype(np.int32)
        index = np.fromiter((j for r, _, _ in every for j in r), dtype=np.int32)
        value = np.fromiter((v for r, _, _ in every for v in r.values()), dtype=np.float64)
        highs.addRows(
            len(every),
            np.array([lo for _, lo, _ in every]),
            np.array([hi for _, _, hi in every]),
            index.size,
            starts,
            index,
            value,
        )
        self.utility_row = len(rows)
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return highs

    def _scaled(self, party: int, value: float) -> float:
        """``value`` of ``party``'s utility in the solver's scale (a whole number when the
        party's utilities are whole in their unit)."""
        scaled = value * self.scales[party]
        return float(round(scaled)) if self.integral[party] else scaled

    def step(self, party: int, resolution: float) -> float:
        """How far above a utility the next frontier floor lies for ``party``: one unit when its
        utilities are whole numbers of a unit, else ``resolution`` of its range."""
        if self.integral[party]:
            return 1.0 / self.scales[party]
        return resolution * self.spans[party]

    def solve(
        self,
        weights: Mapping[int, float],
        floors: Mapping[int, float],
        time_limit: float,
        caps: Mapping[int, float] | None = None,
        start: Sequence[int] | None = None,
    ) -> tuple[str, MilpPoint | None]:
        """Maximise ``sum_p weights[p] * u_p`` with ``floors[q] <= u_q <= caps[q]``.

        The status is HiGHS's word (``"optimal"``, ``"infeasible"``, ``"time limit"`` ...); the
        point's utilities are recomputed from its package, never read off the solver. ``start``
        (a package of kept options) is handed to HiGHS as its first solution (ignored when it
        breaks a bound): only a hint, the optimum is proven all the same.
        """
        caps = caps or {}
        whole = all(self.integral[p] and float(w).is_integer() for p, w in weights.items())
        largest = max((abs(w) * self.spans[p] for p, w in weights.items()), default=1.0)
        factor = 1.0 if whole else _SCALE / (largest or 1.0)
        # whole weights of whole utilities: an integer objective in the finest party's unit
        unit = max((self.scales[p] for p in weights), default=1.0) if whole else 1.0
        cost = np.zeros(self.width)
        for party, weight in weights.items():
            for j, v in self.objectives[party].items():
                cost[j] += weight * round(v * unit) if whole else factor * weight * v
        self._highs.changeColsCost(self.width, np.arange(self.width, dtype=np.int32), cost)
        for party in range(len(self.profiles)):
            constant = self.constants[party]
            low = self._scaled(party, floors[party] - constant) if party in floors else -math.inf
            high = self._scaled(party, caps[party] - constant) if party in caps else math.inf
            self._highs.changeRowBounds(self.utility_row + party, low, high)
        if start is not None:  # after the costs and bounds change, which drop a solution set
            self._highs.setSolution(self._columns_of(start))
        status, point = self._run(time_limit)
        if point is not None and not self._within(point, floors, caps):
            return "solver error (a bound broken)", None  # never passed on as a point
        return status, point

    def _columns_of(self, choices: Sequence[int]) -> highspy.HighsSolution:
        """The program's columns for a package of kept options (each bonus column: met)."""
        x = np.zeros(self.width)
        for columns, choice in zip(self.columns, choices, strict=True):
            x[columns[choice]] = 1.0
        for column, box in self.ties:
            x[column] = float(all(choices[i] in ok for i, ok in box.items()))
        solution = highspy.HighsSolution()
        solution.col_value = x.tolist()
        solution.value_valid = True
        return solution

    def _within(
        self, point: MilpPoint, floors: Mapping[int, float], caps: Mapping[int, float]
    ) -> bool:
        """Whether the point's exact utilities keep the floors and caps (up to a billionth of
        each party's range)."""
        return all(
            point.utilities[p] >= floor - 1e-9 * self.spans[p] for p, floor in floors.items()
        ) and all(point.utilities[p] <= cap + 1e-9 * self.spans[p] for p, cap in caps.items())

    @property
    def seconds(self) -> float:
        """Seconds HiGHS has spent on this program so far (its own clock, every solve)."""
        return float(self._highs.getRunTime())

    def _run(self, time_limit: float) -> tuple[str, MilpPoint | None]:
        self._highs.setOptionValue("time_limit", max(time_limit, 0.01))
        self._highs.run()
        model_status = self._highs.getModelStatus()
        status = _STATUS.get(model_status, f"solver error ({model_status.name})")
        if status != "optimal":
            return status, None
        return status, self.point(np.asarray(self._highs.getSolution().col_value))

    def point(self, x: NDArray[np.float64]) -> MilpPoint:
        """The package the binaries ``x`` choose, with its utilities recomputed exactly."""
        choices = tuple(max(columns, key=lambda o: x[columns[o]]) for columns in self.columns)
        return MilpPoint(choices, tuple(p.utility(choices) for p in self.profiles))
