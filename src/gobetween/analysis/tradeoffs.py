"""Trade-off hints: which issues each party cares about, and which are worth trading.

A party's *stake* in an issue is how much of its utility the issue can move: its normalised weight
times the spread of its normalised ratings over the options still on the table (the range of the
issue's column in the :class:`UtilitySpace`). Issues on which one party's stake is much larger
than another's are where logrolling creates value: each side concedes on what it cares less about
(Raiffa 1982, ch. 10).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gobetween.analysis.space import UtilitySpace
from gobetween.model import Scenario

__all__ = ["TradeOffHint", "trade_off_hints"]


@dataclass(frozen=True)
class TradeOffHint:
    """How much each party has at stake on one issue.

    Attributes
    ----------
    issue
        The issue's name.
    stakes
        Per party (scenario order): normalised weight x spread of normalised ratings, in utility
        units (0 to 1).
    party_names
        The parties the stakes refer to.
    cares_most, cares_least
        The parties with the largest and the smallest stake (first in party order on ties).
    ratio
        Largest stake over smallest (``math.inf`` when the smallest is 0 and the largest is not;
        1.0 when nobody has a stake).
    tradeable
        True when ``ratio >= threshold`` and the largest stake is positive: a good issue to
        concede to ``cares_most`` in exchange for an issue that ``cares_least`` values more.

    >>> from gobetween.model import Agenda, Issue, Preferences, Scenario
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    >>> r = {"a": {"x": 1, "y": 0}, "b": {"p": 0, "q": 1}}
    >>> s = Scenario(agenda, {"A": Preferences({"a": 3, "b": 1}, r),
    ...                       "B": Preferences({"a": 1, "b": 3}, r)})
    >>> [(h.issue, h.cares_most, h.ratio, h.tradeable) for h in trade_off_hints(s)]
    [('a', 'A', 3.0, True), ('b', 'B', 3.0, True)]
    """

    issue: str
    stakes: tuple[float, ...]
    party_names: tuple[str, ...]
    cares_most: str
    cares_least: str
    ratio: float
    tradeable: bool

    @property
    def balanced(self) -> bool:
        """True when every party has the same stake (or none): nobody cares more.

        >>> TradeOffHint("a", (0.2, 0.2), ("A", "B"), "A", "B", 1.0, False).balanced
        True
        """
        return self.ratio <= 1.0 + 1e-9


def trade_off_hints(
    source: Scenario | UtilitySpace, *, threshold: float = 2.0
) -> tuple[TradeOffHint, ...]:
    """One :class:`TradeOffHint` per issue, in agenda order.

    Interactions are not included in the stakes (they are not attributable to one issue).

    >>> from gobetween.analysis import UtilitySpace
    >>> space = UtilitySpace.from_arrays([[[0.6, 0.1], [0.0, 0.0]], [[0.1, 0.4], [0.0, 0.0]]])
    >>> [(h.cares_most, h.tradeable) for h in trade_off_hints(space)]
    [('party0', True), ('party1', True)]
    """
    space = source if isinstance(source, UtilitySpace) else UtilitySpace.from_scenario(source)
    hints = []
    for issue, values in zip(space.agenda.issues, space.values, strict=True):
        if values.shape[0]:
            stakes = tuple(float(s) for s in values.max(axis=0) - values.min(axis=0))
        else:
            stakes = (0.0,) * space.n_parties
        most = max(range(len(stakes)), key=lambda p: (stakes[p], -p))
        least = min(range(len(stakes)), key=lambda p: (stakes[p], p))
        if stakes[most] <= 0:
            ratio = 1.0
        elif stakes[least] <= 0:
            ratio = math.inf
        else:
            ratio = stakes[most] / stakes[least]
        hints.append(
            TradeOffHint(
                issue=issue.name,
                stakes=stakes,
                party_names=space.party_names,
                cares_most=space.party_names[most],
                cares_least=space.party_names[least],
                ratio=ratio,
                tradeable=stakes[most] > 0 and ratio >= threshold,
            )
        )
    return tuple(hints)
