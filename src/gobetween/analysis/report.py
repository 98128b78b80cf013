"""One call for the whole analysis of a scenario, with a JSON-ready form."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from gobetween.analysis.enumeration import DEFAULT_ENUMERATION_LIMIT, pareto_frontier
from gobetween.analysis.frontier import Frontier
from gobetween.analysis.solutions import (
    Solution,
    disagreement_point,
    egalitarian,
    kalai_smorodinsky,
    max_welfare,
    nash,
)
from gobetween.analysis.space import UtilitySpace
from gobetween.analysis.tradeoffs import TradeOffHint, trade_off_hints
from gobetween.analysis.zopa import Zopa, zopa
from gobetween.model import Package, Scenario

__all__ = ["Analysis", "analyze"]


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything the mediators' decision support shows for one scenario.

    Attributes
    ----------
    scenario_name, party_names
        What was analysed.
    frontier
        The exact Pareto frontier.
    disagreement
        The disagreement point the solutions use (one value per party).
    nash, kalai_smorodinsky, egalitarian, max_welfare
        The bargaining solutions (``None`` where none exists, see
        :mod:`gobetween.analysis.solutions`).
    zopa
        The zone of possible agreement for the parties' reservation values.
    trade_offs
        One hint per issue.
    outcome_space_size
        Packages on the agenda (exact int, red lines ignored).
    allowed_size
        Packages left once singly forbidden options are removed.

    >>> from gobetween.model import Agenda, Issue, Preferences, Scenario
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
    >>> s = Scenario(agenda, {"A": Preferences({"a": 1}, {"a": {"x": 1, "y": 0.6, "z": 0}}),
    ...                       "B": Preferences({"a": 1}, {"a": {"x": 0, "y": 0.6, "z": 1}})})
    >>> result = analyze(s)
    >>> result.nash.package.options, result.zopa.count
    ({'a': 'y'}, 3)
    >>> sorted(result.to_dict())[:4]
    ['allowed_size', 'disagreement', 'exact', 'frontier']
    """

    scenario_name: str
    party_names: tuple[str, ...]
    frontier: Frontier
    disagreement: tuple[float, ...]
    nash: Solution | None
    kalai_smorodinsky: Solution | None
    egalitarian: Solution | None
    max_welfare: Solution | None
    zopa: Zopa
    trade_offs: tuple[TradeOffHint, ...]
    outcome_space_size: int
    allowed_size: int

    @property
    def solutions(self) -> tuple[Solution, ...]:
        """The solutions that exist, in the order Nash, KS, egalitarian, max-welfare."""
        found = (self.nash, self.kalai_smorodinsky, self.egalitarian, self.max_welfare)
        return tuple(s for s in found if s is not None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary (exact ints stay ints; an infinite ratio becomes null)."""
        names = self.party_names
        front = self.frontier
        return {
            "scenario": self.scenario_name,
            "parties": list(names),
            "method": front.method,
            "status": front.status,
            "exact": front.exact,
            "ties_counted": front.ties_counted,
            "tolerance": front.tol,
            "outcome_space_size": self.outcome_space_size,
            "allowed_size": self.allowed_size,
            "frontier_size": len(front),
            "frontier_package_count": front.package_count,
            "disagreement": _by_party(names, self.disagreement),
            "frontier": [
                {
                    "utilities": _by_party(names, front.utilities[i]),
                    "package": front.package(i).options,
                    "tie_count": front.tie_counts[i],
                }
                for i in range(len(front))
            ],
            "solutions": {
                "nash": _solution(names, self.nash),
                "kalai_smorodinsky": _solution(names, self.kalai_smorodinsky),
                "egalitarian": _solution(names, self.egalitarian),
                "max_welfare": _solution(names, self.max_welfare),
            },
            "zopa": {
                "exists": self.zopa.exists,
                "count": self.zopa.count,
                "package_count": self.zopa.package_count,
                "indices": list(self.zopa.indices),
                "reservations": _by_party(names, self.zopa.reservations),
                "best": _by_party(names, self.zopa.best) if self.zopa.exists else None,
            },
            "trade_offs": [
                {
                    "issue": h.issue,
                    "stakes": _by_party(names, h.stakes),
                    "cares_most": h.cares_most,
                    "cares_least": h.cares_least,
                    "balanced": h.balanced,
                    "ratio": h.ratio if math.isfinite(h.ratio) else None,
                    "tradeable": h.tradeable,
                }
                for h in self.trade_offs
            ],
        }


def _by_party(names: tuple[str, ...], values: Any) -> dict[str, float]:
    return {name: float(v) for name, v in zip(names, values, strict=True)}


def _package(package: Package) -> dict[str, str]:
    return package.options


def _solution(names: tuple[str, ...], solution: Solution | None) -> dict[str, Any] | None:
    if solution is None:
        return None
    return {
        "name": solution.name,
        "index": solution.index,
        "package": _package(solution.package),
        "utilities": _by_party(names, solution.utilities),
        "gains": _by_party(names, solution.gains),
    }


def analyze(
    scenario: Scenario,
    *,
    disagreement: ArrayLike | None = None,
    tol: float = 1e-9,
    enumeration_limit: int = DEFAULT_ENUMERATION_LIMIT,
) -> Analysis:
    """Analyse a scenario: frontier, the four solutions, ZOPA and trade-off hints.

    Parameters
    ----------
    scenario
        The scenario; additive ones take the fast exact merge, those with bonuses the exact
        mixed-integer program (the frontier's ``status`` says whether the solver proved it),
        others exact enumeration (refused above ``enumeration_limit`` packages with
        :class:`~gobetween.errors.OutcomeSpaceTooLarge`).
    disagreement
        The disagreement point for the solutions (shape ``(n_parties,)``); the reservation values
        by default. The ZOPA always uses the reservation values.
    tol
        Utility tolerance (see :func:`pareto_frontier`).

    Examples
    --------
    >>> from gobetween.model import Agenda, Issue, Preferences, Scenario
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    >>> ra = {"a": {"x": 1, "y": 0}, "b": {"p": 0, "q": 1}}
    >>> rb = {"a": {"x": 0, "y": 1}, "b": {"p": 1, "q": 0}}
    >>> s = Scenario(agenda, {"A": Preferences({"a": 3, "b": 1}, ra),
    ...                       "B": Preferences({"a": 1, "b": 3}, rb)})
    >>> result = analyze(s)
    >>> result.nash.package.options, result.nash.utilities
    ({'a': 'x', 'b': 'p'}, (0.75, 0.75))
    """
    # One space serves the merge (additive scenarios) and the trade-off hints; a non-additive
    # scenario (space.exact is False) is enumerated from the scenario itself.
    space = UtilitySpace.from_scenario(scenario)
    frontier = pareto_frontier(
        space if space.exact else scenario, tol=tol, enumeration_limit=enumeration_limit
    )
    point = disagreement_point(frontier, disagreement)
    return Analysis(
        scenario_name=scenario.name,
        party_names=scenario.party_names,
        frontier=frontier,
        disagreement=tuple(float(d) for d in point),
        nash=nash(frontier, point),
        kalai_smorodinsky=kalai_smorodinsky(frontier, point),
        egalitarian=egalitarian(frontier, point),
        max_welfare=max_welfare(frontier, point),
        zopa=zopa(frontier, np.asarray(scenario.reservations())),
        trade_offs=trade_off_hints(space),
        outcome_space_size=scenario.agenda.size,
        allowed_size=space.size,
    )
