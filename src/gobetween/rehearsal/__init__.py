"""Rehearsal: mediator strategies against simulated delegations, scored on the truth.

Pure (no I/O, no clock): the tournament runner (:mod:`gobetween.batch`) and the mediators'
"rehearse this draft" (:mod:`gobetween.service.rehearse`) build on it.

- :mod:`~gobetween.rehearsal.behaviours`: truthful, exaggerating, stubborn delegations;
- :mod:`~gobetween.rehearsal.strategies`: follow amendments, Nash-seeking, hill-climbing, veto;
- :mod:`~gobetween.rehearsal.run`: one run, scored (agreement, Pareto-optimal, distance to Nash);
- :mod:`~gobetween.rehearsal.draft`: how delegations would answer one draft, article by article.
"""

from gobetween.rehearsal.behaviours import BEHAVIOURS, Behaviour, Delegate, Reply, behaviour
from gobetween.rehearsal.run import DEFAULT_ROUNDS, MAX_ROUNDS, Rehearsal, RunResult
from gobetween.rehearsal.strategies import STRATEGIES, Room, StrategySpec, strategy
from gobetween.rehearsal.tables import PartyTable

__all__ = [
    "BEHAVIOURS",
    "DEFAULT_ROUNDS",
    "MAX_ROUNDS",
    "STRATEGIES",
    "Behaviour",
    "Delegate",
    "PartyTable",
    "Rehearsal",
    "Reply",
    "Room",
    "RunResult",
    "StrategySpec",
    "behaviour",
    "strategy",
]
