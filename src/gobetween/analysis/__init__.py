"""Exact, vectorised decision support: frontier, bargaining solutions, ZOPA, improvements.

>>> from gobetween.analysis import UtilitySpace, nash, pareto_frontier
>>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]] * 3)
>>> front = pareto_frontier(space)
>>> len(front), front.package_count, nash(front).utilities
(7, 27, (1.5, 1.5))
"""

from gobetween.analysis.enumeration import (
    DEFAULT_ENUMERATION_LIMIT,
    enumerate_outcomes,
    pareto_frontier,
)
from gobetween.analysis.frontier import DEFAULT_MERGE_LIMITS, Frontier, MergeLimits, merge_limits
from gobetween.analysis.improvements import Improvements, is_pareto_optimal, pareto_improvements
from gobetween.analysis.report import Analysis, analyze
from gobetween.analysis.solutions import (
    Solution,
    egalitarian,
    kalai_smorodinsky,
    max_welfare,
    nash,
)
from gobetween.analysis.space import UtilitySpace
from gobetween.analysis.tradeoffs import TradeOffHint, trade_off_hints
from gobetween.analysis.zopa import Zopa, zopa

__all__ = [
    "DEFAULT_ENUMERATION_LIMIT",
    "DEFAULT_MERGE_LIMITS",
    "Analysis",
    "Frontier",
    "Improvements",
    "MergeLimits",
    "Solution",
    "TradeOffHint",
    "UtilitySpace",
    "Zopa",
    "analyze",
    "egalitarian",
    "enumerate_outcomes",
    "is_pareto_optimal",
    "kalai_smorodinsky",
    "max_welfare",
    "merge_limits",
    "nash",
    "pareto_frontier",
    "pareto_improvements",
    "trade_off_hints",
    "zopa",
]
