"""One rehearsal: a strategy against simulated delegations on a scenario, scored on the truth.

:class:`Rehearsal` prepares a scenario once (its exact Pareto frontier and Nash point on the
parties' *true* preferences; each behaviour's delegations and declared frontier, on first use)
and then plays any number of runs: :meth:`Rehearsal.run` returns a :class:`RunResult`: whether
the parties agreed, whether the agreement is Pareto-optimal against the exact frontier, its
distance to the Nash point, and the rounds it took. A run is deterministic given its seed: the
random draws depend only on the seed and the scenario's name, so every strategy and behaviour
starts from the same first text for the same seed (common random numbers).

>>> from gobetween.model import Agenda, Issue, Preferences, Scenario
>>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]), Issue.discrete("b", ["p", "q"])))
>>> s = Scenario(agenda, {
...     "A": Preferences({"a": 2, "b": 1}, {"a": {"x": 1, "y": .6, "z": 0}, "b": {"p": 0, "q": 1}}),
...     "B": Preferences({"a": 1, "b": 2}, {"a": {"x": 0, "y": .5, "z": 1}, "b": {"p": 1, "q": 0}}),
... }, name="toy")
>>> result = Rehearsal(s).run("nash-seeking", "truthful", seed=1)
>>> result.agreement, result.pareto_optimal, round(result.nash_distance, 9), result.rounds
(True, True, 0.0, 1)
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gobetween.analysis import UtilitySpace, nash, pareto_frontier
from gobetween.analysis.frontier import Frontier
from gobetween.errors import ValidationFailed
from gobetween.model import Scenario
from gobetween.rehearsal.behaviours import Delegate, behaviour
from gobetween.rehearsal.strategies import Plan, Room, StrategySpec, strategy
from gobetween.rehearsal.tables import Choices, PartyTable

__all__ = ["DEFAULT_ROUNDS", "MAX_ROUNDS", "Rehearsal", "RunResult"]

#: Rounds (texts published plus votes) a run may take by default, and at most.
DEFAULT_ROUNDS = 100
MAX_ROUNDS = 10_000
_TOL = 1e-9
#: Agreements whose score a rehearsal keeps (then it starts afresh).
_MAX_SCORED = 1 << 16


@dataclass(frozen=True)
class RunResult:
    """What one run gave, scored on the parties' true preferences.

    Attributes
    ----------
    scenario, strategy, behaviour, seed
        The run's key.
    agreement
        Every party accepted a text.
    package
        The agreed package (option indices), or ``None``.
    utilities
        Each party's true utility: of the agreement, or its reservation level without one.
    pareto_optimal
        An agreement no package improves for one party without hurting another (exact frontier).
    nash_distance
        Euclidean distance, in utility, from ``utilities`` to the Nash point (``nan`` when the
        scenario has none: no package beats every party's reservation level).
    rounds
        Rounds the run took.
    """

    scenario: str
    strategy: str
    behaviour: str
    seed: int
    agreement: bool
    package: Choices | None
    utilities: tuple[float, ...]
    pareto_optimal: bool
    nash_distance: float
    rounds: int


def _frontier(scenario: Scenario) -> Frontier:
    space = UtilitySpace.from_scenario(scenario)
    return pareto_frontier(space if space.exact else scenario)


def _plan(scenario: Scenario) -> Plan:
    """The declared frontier, by Nash product over the declared reservation levels."""
    front = _frontier(scenario)
    utilities = np.asarray(front.utilities, dtype=np.float64)
    gains = utilities - np.asarray(scenario.reservations(), dtype=np.float64)
    positive = np.all(gains > _TOL, axis=1)
    safe = np.where(positive[:, None], gains, 1.0)
    product = np.where(positive, np.log(safe).sum(axis=1), -np.inf)
    welfare = utilities.sum(axis=1)
    order = np.lexsort((-welfare, -product))  # Nash product first, then welfare
    return Plan(np.asarray(front.choices)[order], utilities[order], int(positive.sum()))


class Rehearsal:
    """A scenario prepared for many rehearsal runs.

    Parameters
    ----------
    scenario
        The scenario; its preferences are the truth the runs are scored against.
    name
        The name results carry (the scenario's own name by default).
    strategies
        The strategy registry (:data:`~gobetween.rehearsal.strategies.STRATEGIES` by default).

    Raises
    ------
    OutcomeSpaceTooLarge, FrontierTooLarge
        The exact frontier is out of bounds for this scenario.

    A rehearsal keeps one random generator, restarted for each run: use it from one thread at a
    time (the tournament gives each worker process its own).
    """

    def __init__(
        self,
        scenario: Scenario,
        name: str | None = None,
        *,
        strategies: Mapping[str, StrategySpec] | None = None,
    ) -> None:
        self.scenario = scenario
        self.name = scenario.name if name is None else name
        self.strategies = strategies
        front = _frontier(scenario)
        self.frontier = np.asarray(front.utilities, dtype=np.float64)
        point = nash(front)
        self.nash_point = None if point is None else np.asarray(point.utilities)
        self._nash = None if point is None else tuple(float(u) for u in point.utilities)
        self.truth = tuple(
            PartyTable.of(p, prefs, scenario.agenda) for p, prefs in scenario.preferences.items()
        )
        self.sizes = tuple(issue.size for issue in scenario.agenda.issues)
        self._delegates: dict[str, tuple[Delegate, ...]] = {}
        self._plans: dict[str, Plan] = {}
        self._climbs: dict[str, dict[Choices, tuple[int, ...]]] = {}
        self._scores: dict[Choices | None, tuple[tuple[float, ...], bool, float]] = {}
        self._salt = self.name.encode()
        self._bits = np.random.PCG64(0)
        self._rng = np.random.Generator(self._bits)

    def delegates(self, behaviour_name: str) -> tuple[Delegate, ...]:
        """Every party as a delegation with that behaviour (cached)."""
        if behaviour_name not in self._delegates:
            how = behaviour(behaviour_name)
            agenda = self.scenario.agenda
            self._delegates[behaviour_name] = tuple(
                how.delegate(p, prefs, agenda) for p, prefs in self.scenario.preferences.items()
            )
            for delegate in self._delegates[behaviour_name]:
                delegate.table.compile()
        return self._delegates[behaviour_name]

    def plan(self, behaviour_name: str) -> Plan:
        """The declared frontier of that behaviour's delegations, best Nash product first."""
        if behaviour_name not in self._plans:
            declared = {d.name: d.declared for d in self.delegates(behaviour_name)}
            self._plans[behaviour_name] = _plan(
                Scenario(self.scenario.agenda, declared, name=self.name)
            )
        return self._plans[behaviour_name]

    def _generator(self, seed: int) -> np.random.Generator:
        """The run's random generator: PCG64 started from a BLAKE2b digest of the seed and the
        scenario's name (one generator per rehearsal, restarted per run: cheaper than a new
        one, and the same draws for the same seed and name in any process)."""
        digest = hashlib.blake2b(b"%d|" % seed + self._salt, digest_size=32).digest()
        self._bits.state = {
            "bit_generator": "PCG64",
            "state": {
                "state": int.from_bytes(digest[:16], "little"),
                "inc": int.from_bytes(digest[16:], "little") | 1,
            },
            "has_uint32": 0,
            "uinteger": 0,
        }
        return self._rng

    def prepare(self, strategy_name: str, behaviour_name: str) -> None:
        """Do now what the first run of this strategy and behaviour would do once: build the
        delegations and, for a strategy that uses it, the declared frontier (so that timing the
        runs leaves the preparation out)."""
        self.delegates(behaviour_name)
        if strategy(strategy_name, self.strategies).uses_plan:
            self.plan(behaviour_name)

    def run(
        self, strategy_name: str, behaviour_name: str, seed: int, *, rounds: int = DEFAULT_ROUNDS
    ) -> RunResult:
        """Play one run and score it (deterministic given ``seed``)."""
        if not 1 <= rounds <= MAX_ROUNDS:
            raise ValidationFailed(
                f"a run takes 1 to {MAX_ROUNDS} rounds, not {rounds}",
                location="rounds",
                expected=f"1 to {MAX_ROUNDS}",
            )
        spec = strategy(strategy_name, self.strategies)
        room = Room(
            self.delegates(behaviour_name),
            self.sizes,
            rounds,
            plan=lambda: self.plan(behaviour_name),
            climbs=self._climbs.setdefault(behaviour_name, {}),
        )
        spec.play(room, self._generator(seed))
        return self.score(strategy_name, behaviour_name, seed, room.agreement, room.used)

    def score(
        self,
        strategy_name: str,
        behaviour_name: str,
        seed: int,
        package: Choices | None,
        rounds: int,
    ) -> RunResult:
        """The result of a run that ended with ``package`` (``None``: no agreement)."""
        found = self._scores.get(package)
        if found is None:  # scored once per package (and once for no agreement)
            found = self._score(package)
            if len(self._scores) >= _MAX_SCORED:
                self._scores.clear()
            self._scores[package] = found
        utilities, optimal, distance = found
        return RunResult(
            scenario=self.name,
            strategy=strategy_name,
            behaviour=behaviour_name,
            seed=seed,
            agreement=package is not None,
            package=package,
            utilities=utilities,
            pareto_optimal=optimal,
            nash_distance=distance,
            rounds=rounds,
        )

    def _score(self, package: Choices | None) -> tuple[tuple[float, ...], bool, float]:
        """Utilities, Pareto-optimality and distance to Nash of one agreement (or none)."""
        if package is None:
            utilities = tuple(t.reservation for t in self.truth)
            optimal = False
        else:
            utilities = tuple(t.utility(package) for t in self.truth)
            crossed = any(t.crossed(package) for t in self.truth)
            optimal = not crossed and not self._dominated(np.asarray(utilities))
        distance = math.nan if self._nash is None else math.dist(utilities, self._nash)
        return utilities, optimal, distance

    def _dominated(self, point: np.ndarray) -> bool:
        front = self.frontier
        weakly = np.all(front >= point - _TOL, axis=1)
        strictly = np.any(front > point + _TOL, axis=1)
        return bool(np.any(weakly & strictly))
