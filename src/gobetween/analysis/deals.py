"""How good were the deals people actually reached? Pareto efficiency and the gain left over.

For a reached deal, :func:`assess_deal` says whether it is Pareto-optimal and, when it is not,
what the fairest Pareto improvement (Raiffa's post-settlement settlement: the improvement that
maximises the Nash product of gains over the deal) would have added for each side.
"""

from __future__ import annotations

from dataclasses import dataclass

from gobetween.analysis.enumeration import pareto_frontier
from gobetween.analysis.improvements import pareto_improvements
from gobetween.model import Package, Scenario

__all__ = ["DealAssessment", "assess_deal"]


@dataclass(frozen=True, slots=True)
class DealAssessment:
    """The verdict on one reached deal.

    Attributes
    ----------
    utilities
        Each party's utility for the deal.
    pareto_optimal
        True when no package makes one party better off and none worse.
    improvements
        How many frontier points improve on the deal.
    gains
        Per party, what the fairest improvement adds (zeros when the deal is Pareto-optimal).
    improved
        The fairest improvement's package, or ``None``.
    """

    utilities: tuple[float, ...]
    pareto_optimal: bool
    improvements: int
    gains: tuple[float, ...]
    improved: Package | None

    @property
    def joint_gain(self) -> float:
        """Sum of the gains: the joint utility a mediator's proposal would have added."""
        return sum(self.gains)


def assess_deal(scenario: Scenario, deal: Package, *, tol: float = 1e-9) -> DealAssessment:
    """Judge a reached ``deal`` against the exact frontier of ``scenario``.

    >>> from gobetween.model import Agenda, Issue, Preferences, Scenario
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["x", "y"])))
    >>> s = Scenario(agenda, {
    ...     "A": Preferences({"a": 3, "b": 1}, {"a": {"x": 1, "y": 0}, "b": {"x": 1, "y": 0}}),
    ...     "B": Preferences({"a": 1, "b": 3}, {"a": {"x": 0, "y": 1}, "b": {"x": 0, "y": 1}})})
    >>> verdict = assess_deal(s, agenda.package({"a": "y", "b": "x"}))
    >>> verdict.pareto_optimal, verdict.gains, verdict.improved.options
    (False, (0.5, 0.5), {'a': 'x', 'b': 'y'})
    """
    frontier = pareto_frontier(scenario, tol=tol)
    found = pareto_improvements(scenario, deal, frontier)
    fairest = found.fairest
    zero = tuple(0.0 for _ in scenario.party_names)
    return DealAssessment(
        utilities=found.utilities,
        pareto_optimal=found.is_pareto_optimal,
        improvements=len(found.indices),
        gains=zero if fairest is None else fairest.gains,
        improved=None if fairest is None else fairest.package,
    )
