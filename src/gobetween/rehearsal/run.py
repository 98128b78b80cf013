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

import bisect
import hashlib
import itertools
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gobetween.analysis import UtilitySpace, nash, pareto_frontier
from gobetween.analysis.frontier import Frontier
from gobetween.errors import N_, ValidationFailed
from gobetween.model import Scenario
from gobetween.rehearsal.behaviours import Delegate, behaviour
from gobetween.rehearsal.strategies import (
    CLIMB_BLOCK,
    Climb,
    Plan,
    Room,
    StrategySpec,
    strategy,
    text_of,
)
from gobetween.rehearsal.tables import Choices, PartyTable

__all__ = ["DEFAULT_ROUNDS", "MAX_ROUNDS", "Rehearsal", "RunResult", "exact_frontier"]

#: Rounds (texts published plus votes) a run may take by default, and at most.
DEFAULT_ROUNDS = 100
MAX_ROUNDS = 10_000
_TOL = 1e-9
#: Agreements whose score a rehearsal keeps (then it starts afresh).
_MAX_SCORED = 1 << 16
#: Seeds whose first text and draws a rehearsal keeps (then it starts afresh), and whose walks
#: it keeps per behaviour and rounds.
_MAX_FIRSTS = 1 << 12
#: Round limits a rehearsal keeps walks for per behaviour (then it starts afresh).
_MAX_WALKS = 16
#: A seed's first text, the last draws of the block after it, and the block's others.
First = tuple[Choices, list[float], NDArray[np.float64]]
#: Draws of a kept block served as a list at once (even, see :data:`CLIMB_BLOCK`).
_TAIL = 16
#: The period of the generator (PCG64's state is 128 bits).
_PERIOD = 1 << 128
#: Draws per run's block of the rehearsal's random stream, and blocks (seeds) before repeating.
_BLOCKS = 1 << 64


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

    def __init__(
        self,
        scenario: str,
        strategy: str,
        behaviour: str,
        seed: int,
        agreement: bool,
        package: Choices | None,
        utilities: tuple[float, ...],
        pareto_optimal: bool,
        nash_distance: float,
        rounds: int,
    ) -> None:
        # Ten writes into the instance's dictionary in place of ten frozen-field writes (a run
        # of a tournament is a few microseconds, and the generated __init__ took 5 of them;
        # one update by keywords, building a dictionary of them first, half as fast as this).
        fields = self.__dict__
        fields["scenario"] = scenario
        fields["strategy"] = strategy
        fields["behaviour"] = behaviour
        fields["seed"] = seed
        fields["agreement"] = agreement
        fields["package"] = package
        fields["utilities"] = utilities
        fields["pareto_optimal"] = pareto_optimal
        fields["nash_distance"] = nash_distance
        fields["rounds"] = rounds


def exact_frontier(scenario: Scenario) -> Frontier:
    """The scenario's exact Pareto frontier, the one runs are scored against (from the utility
    space when it can be enumerated exactly, else from the preferences themselves)."""
    space = UtilitySpace.from_scenario(scenario)
    return pareto_frontier(space if space.exact else scenario)


def _plan(scenario: Scenario) -> Plan:
    """The declared frontier, by Nash product over the declared reservation levels."""
    front = exact_frontier(scenario)
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
        front = exact_frontier(scenario)
        self.frontier = np.asarray(front.utilities, dtype=np.float64)
        point = nash(front)
        self.nash_point = None if point is None else np.asarray(point.utilities)
        self._nash = None if point is None else tuple(float(u) for u in point.utilities)
        self.truth = tuple(
            PartyTable.of(p, prefs, scenario.agenda) for p, prefs in scenario.preferences.items()
        )
        #: Each party's option values in one list and where each issue's start, when every
        #: true table is additive without red lines (a package's utility is then one sum of
        #: them: the same additions in the same order as PartyTable.utility); else None.
        self._flat_truth = (
            tuple((t.flat_list, t.offsets) for t in self.truth)
            if all(t.flat is not None and not t.red_lines for t in self.truth)
            else None
        )
        self.sizes = tuple(issue.size for issue in scenario.agenda.issues)
        self._delegates: dict[str, tuple[Delegate, ...]] = {}
        self._plans: dict[str, Plan] = {}
        self._climbs: dict[str, dict[Choices, Climb]] = {}
        #: Per behaviour (shared by behaviours that declare the same): a walk's votes and text
        #: by rounds, then seed.
        self._walks: dict[str, dict[int, dict[int, tuple[int, Choices]]]] = {}
        self._scores: dict[Choices | None, tuple[tuple[float, ...], bool, float]] = {}
        self._firsts: dict[int, First] = {}
        #: Where the generator is in its stream (draws from its start), when known.
        self._position: int | None = None
        digest = hashlib.blake2b(self.name.encode(), digest_size=32).digest()
        self._bits = np.random.PCG64(0)
        self._bits.state = {
            "bit_generator": "PCG64",
            "state": {
                "state": int.from_bytes(digest[:16], "little"),
                "inc": int.from_bytes(digest[16:], "little") | 1,
            },
            "has_uint32": 0,
            "uinteger": 0,
        }
        self._start = self._bits.state
        self._rng = np.random.Generator(self._bits)
        self._front2 = _SortedFront.of(self.frontier)

    def delegates(self, behaviour_name: str) -> tuple[Delegate, ...]:
        """Every party as a delegation with that behaviour (cached)."""
        found = self._delegates.get(behaviour_name)
        if found is not None:
            return found
        if behaviour_name not in self._delegates:
            how = behaviour(behaviour_name)
            agenda = self.scenario.agenda
            self._delegates[behaviour_name] = tuple(
                how.delegate(p, prefs, agenda) for p, prefs in self.scenario.preferences.items()
            )
            for delegate in self._delegates[behaviour_name]:
                delegate.table.compile()
                self._share_scores(delegate)
            self._link(behaviour_name)
        return self._delegates[behaviour_name]

    def _link(self, behaviour_name: str) -> None:
        """Give that behaviour's climbs and walks the stores of a behaviour whose delegations
        declare the same preferences (a climb's moves and walks depend only on them: truthful
        and stubborn share what their climbs found), else new ones (compared party by party:
        hashing the declared preferences took about 10 microseconds)."""
        mine = self._delegates[behaviour_name]
        for other, theirs in self._delegates.items():
            if (
                other != behaviour_name
                and other in self._climbs
                and all(a.declared == b.declared for a, b in zip(mine, theirs, strict=True))
            ):
                self._climbs[behaviour_name] = self._climbs[other]
                self._walks[behaviour_name] = self._walks[other]
                return
        self._climbs[behaviour_name], self._walks[behaviour_name] = {}, {}

    def _share_scores(self, delegate: Delegate) -> None:
        """Let ``delegate`` keep its scores with the first delegation of the same party built
        for another behaviour that declares the same preferences (truthful and stubborn)."""
        for others in self._delegates.values():
            for other in others:
                same_party = other is not delegate and other.name == delegate.name
                if same_party and delegate.share_scores(other):
                    return

    def plan(self, behaviour_name: str) -> Plan:
        """The declared frontier of that behaviour's delegations, best Nash product first."""
        if behaviour_name not in self._plans:
            declared = {d.name: d.declared for d in self.delegates(behaviour_name)}
            self._plans[behaviour_name] = _plan(
                Scenario(self.scenario.agenda, declared, name=self.name)
            )
        return self._plans[behaviour_name]

    def _generator(self, seed: int) -> np.random.Generator:
        """The run's random generator: block ``seed`` (modulo ``2**64``) of ``2**64`` draws of
        one PCG64 stream, started from a BLAKE2b digest of the scenario's name (one generator
        per rehearsal, reset and advanced per run: cheaper than a new one or a new digest per
        run, and the same draws for the same seed and name in any process; a run draws far
        fewer than ``2**64`` numbers, so the blocks never overlap)."""
        bits = self._bits
        bits.state = self._start
        bits.advance((seed % _BLOCKS) * _BLOCKS)
        self._position = None  # the caller draws: where it leaves the stream is not known
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
        spec, room = self._room(strategy_name, behaviour_name, rounds)
        spec.play(room, self._generator(seed))
        return self.score(strategy_name, behaviour_name, seed, room.agreement, room.used)

    def runs(
        self,
        strategy_name: str,
        behaviour_name: str,
        seeds: Iterable[int],
        *,
        rounds: int = DEFAULT_ROUNDS,
    ) -> list[RunResult]:
        """One run per seed, in order: what :meth:`run` gives for each. A strategy that can
        play from its first text and draws up to the text it settles (:attr:`StrategySpec.walk`)
        takes them from what the rehearsal keeps per seed, drawn once for every behaviour (and
        every such strategy) that plays the seed; and the walk itself (votes and text) is kept
        per seed and rounds for every behaviour that declares the same preferences (truthful
        and stubborn delegations walk alike and differ only in what they accept)."""
        spec, room = self._room(strategy_name, behaviour_name, rounds)
        walk = spec.walk
        if walk is None:
            return [self.run(strategy_name, behaviour_name, seed, rounds=rounds) for seed in seeds]
        results = []
        score, firsts = self.score, self._firsts
        kept = self._walks[behaviour_name]
        walks = kept.get(rounds)
        if walks is None:
            if len(kept) >= _MAX_WALKS:
                kept.clear()
            walks = kept[rounds] = {}
        seeds = list(seeds)
        new = [s for s in seeds if s not in walks and s not in firsts]
        if new:
            self._draw(list(dict.fromkeys(new)))
        conclude = room._conclude
        more = _More(self, len(self.sizes) + CLIMB_BLOCK)
        for seed in seeds:
            room.used = 0
            end = walks.get(seed)
            if end is None:
                start, draws, more.head = firsts.get(seed) or self._first(seed)
                more.seed, more.rng = seed, None
                end = walk(room, start, draws, more)
                if len(walks) >= _MAX_FIRSTS:
                    walks.clear()
                walks[seed] = end
            room.agreement = None
            conclude(*end)
            results.append(score(strategy_name, behaviour_name, seed, room.agreement, room.used))
        return results

    def _room(
        self, strategy_name: str, behaviour_name: str, rounds: int
    ) -> tuple[StrategySpec, Room]:
        """The strategy and a fresh room for a run of it."""
        if not 1 <= rounds <= MAX_ROUNDS:
            raise ValidationFailed(
                N_("a run takes 1 to %(most)s rounds, not %(rounds)s"),
                location="rounds",
                expected=N_("1 to %(most)s"),
                params={"most": MAX_ROUNDS, "rounds": rounds},
            )
        spec = strategy(strategy_name, self.strategies)
        room = Room(
            self.delegates(behaviour_name),
            self.sizes,
            rounds,
            plan=lambda: self.plan(behaviour_name),
            climbs=self._climbs[behaviour_name],
        )
        return spec, room

    def _first(self, seed: int) -> First:
        """A seed's first text and the :data:`CLIMB_BLOCK` draws after it (:meth:`_draw`)."""
        self._draw([seed])
        return self._firsts[seed]

    def _draw(self, seeds: Sequence[int]) -> None:
        """Keep the first text of every seed of ``seeds`` and the :data:`CLIMB_BLOCK` draws
        after it (their last :data:`_TAIL` apart: a run takes them first, and seldom the
        others), all the seeds' draws made one after another and turned into Python floats at
        once. The generator is moved to each seed's block from where the last seed's first
        draws left it (one jump, cheaper than a restart) when nothing has drawn from it since."""
        bits, rng, n = self._bits, self._rng, len(self.sizes)
        width = n + CLIMB_BLOCK
        cut = width - _TAIL
        if len(self._firsts) + len(seeds) > _MAX_FIRSTS:
            self._firsts.clear()
        for seed in seeds:
            target = (seed % _BLOCKS) * _BLOCKS
            if self._position is None:
                self._generator(seed)
            else:
                bits.advance((target - self._position) % _PERIOD)
            block = rng.random(width)
            self._position = target + width
            self._firsts[seed] = (
                text_of(block[:n].tolist(), self.sizes),
                block[cut:].tolist(),
                block[n:cut],
            )

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
        return RunResult(  # by position: half a microsecond less than by name
            self.name,
            strategy_name,
            behaviour_name,
            seed,
            package is not None,
            package,
            utilities,
            optimal,
            distance,
            rounds,
        )

    def _score(self, package: Choices | None) -> tuple[tuple[float, ...], bool, float]:
        """Utilities, Pareto-optimality and distance to Nash of one agreement (or none)."""
        if package is None:
            utilities = tuple(t.reservation for t in self.truth)
            optimal = False
        elif self._flat_truth is not None:
            utilities = tuple(
                [
                    sum(map(flat.__getitem__, map(operator.add, offsets, package)))
                    for flat, offsets in self._flat_truth
                ]
            )
            optimal = not self._dominated(utilities)
        else:
            utilities = tuple(t.utility(package) for t in self.truth)
            crossed = any(t.crossed(package) for t in self.truth)
            optimal = not crossed and not self._dominated(utilities)
        distance = math.nan if self._nash is None else math.dist(utilities, self._nash)
        return utilities, optimal, distance

    def _dominated(self, utilities: tuple[float, ...]) -> bool:
        """Whether a frontier point is no worse for every party and better for one (by more
        than the tolerance); two parties by binary search, more in one vectorised pass."""
        if self._front2 is not None:
            return self._front2.dominates(*utilities)
        return _dominated_by(self.frontier, utilities)


class _More:
    """The draws of a seed's run after the tail of its first block: the block's others
    (``head``), then its generator, restarted and advanced past the first block (``skip``
    draws), a block per call. Set ``seed``, ``head`` and ``rng = None`` for each run."""

    __slots__ = ("head", "rehearsal", "rng", "seed", "skip")

    def __init__(self, rehearsal: Rehearsal, skip: int) -> None:
        self.rehearsal, self.skip = rehearsal, skip
        self.seed = 0
        self.head: NDArray[np.float64] | None = None
        self.rng: np.random.Generator | None = None

    def __call__(self) -> list[float]:
        draws: list[float]
        if self.head is not None:
            draws, self.head = self.head.tolist(), None
            return draws
        if self.rng is None:
            self.rng = self.rehearsal._generator(self.seed)
            self.rehearsal._bits.advance(self.skip)
        draws = self.rng.random(CLIMB_BLOCK).tolist()
        return draws


def _dominated_by(front: NDArray[np.float64], utilities: Sequence[float]) -> bool:
    """Whether a row of ``front`` (shape ``(m, n_parties)``) is no worse than ``utilities`` for
    every party and better for one, by more than the tolerance."""
    point = np.asarray(utilities, dtype=np.float64)
    weakly = np.all(front >= point - _TOL, axis=1)
    strictly = np.any(front > point + _TOL, axis=1)
    return bool(np.any(weakly & strictly))


@dataclass(frozen=True)
class _SortedFront:
    """A two-party frontier sorted by the first party's utility, for answering "does a frontier
    point dominate this one?" by two binary searches (the tolerance as in
    :func:`_dominated_by`, which a test compares it with).

    On a Pareto frontier, the second party's utility falls as the first's rises; :meth:`of`
    gives ``None`` when the points do not (then the general check is used).
    """

    first: list[float]
    second_down: list[float]  # the second party's utilities, negated: ascending

    @classmethod
    def of(cls, front: NDArray[np.float64]) -> _SortedFront | None:
        if front.ndim != 2 or front.shape[1] != 2 or front.shape[0] == 0:
            return None
        order = np.lexsort((-front[:, 1], front[:, 0]))
        first, second = front[order, 0].tolist(), front[order, 1].tolist()
        if any(b > a for a, b in itertools.pairwise(second)):
            return None
        return cls(first, [-x for x in second])

    def dominates(self, a: float, b: float) -> bool:
        """Whether some point ``f`` has ``f >= (a, b) - tol`` on both and ``f > (a, b) + tol``
        on one (``tol`` = 1e-9)."""
        # points no worse for the first party: from start on; for the second: before stop
        start = bisect.bisect_left(self.first, a - _TOL)
        stop = bisect.bisect_right(self.second_down, -(b - _TOL))
        if start >= stop:
            return False
        # among them the first party's best is the last, the second party's the first
        return self.first[stop - 1] > a + _TOL or -self.second_down[start] > b + _TOL
