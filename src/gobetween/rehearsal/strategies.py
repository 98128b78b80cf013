"""Mediator strategies: how the go-between chooses the next text, registered by name.

A strategy runs one rehearsal in a :class:`Room`: it publishes texts (:meth:`Room.publish`,
each party answers accept or not, and may ask for one change) or asks the parties whether a new
text is better for them than the current one (:meth:`Room.vote`). Each published text or vote is
one *round*; the room refuses more than its limit. The track ends in agreement the first time
every party accepts a published text. Strategies see only what gobetween's mediators see: the
parties' *declared* preferences and their answers, never the truth a rehearsal scores against.

Registered in :data:`STRATEGIES` (the order the reports use):

``follow-amendments``
    Publish a first text (drawn at random), then grant every change that one party asks for and
    no other party contests, each issue at most once; stop when nothing is left to grant.
``nash-seeking``
    Compute the exact Pareto frontier of the declared preferences and publish its packages in
    order of Nash product (Nash 1950) over the declared reservation levels; after a refusal, the
    next text must give every party that refused more than the text it refused (starting again
    from the top when none does, until the rounds run out).
``hill-climbing``
    From a random text, propose texts that change one issue, in random order; move whenever every
    party prefers the change (a vote); at a text no single change improves for all, publish it.
``veto``
    A VetoST-like baseline (as in NegMAS): propose random texts; move whenever every party
    prefers the new one (nobody vetoes); publish the last text reached in the last round.

>>> sorted(STRATEGIES)
['follow-amendments', 'hill-climbing', 'nash-seeking', 'veto']
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from gobetween.errors import ProtocolError, ValidationFailed
from gobetween.rehearsal.behaviours import Delegate, Reply
from gobetween.rehearsal.tables import Choices, PartyTable

__all__ = ["STRATEGIES", "Plan", "Room", "Strategy", "strategy"]


@dataclass(frozen=True, eq=False)
class Plan:
    """The declared preferences' Pareto frontier, best Nash product first.

    Attributes
    ----------
    choices
        Shape ``(m, n_issues)``: one package per frontier point, in the order to try them.
    utilities
        Shape ``(m, n_parties)``: each party's declared utility for them.
    zone
        How many of the first packages every party declares better than no agreement.
    """

    choices: NDArray[np.intp]
    utilities: NDArray[np.float64]
    zone: int


@dataclass(eq=False)
class Room:
    """One rehearsal in progress: the delegations, the agenda's sizes and the round count.

    Parameters
    ----------
    delegates
        The simulated delegations, in party order.
    sizes
        Options per issue, in agenda order.
    rounds
        At most this many rounds (texts published plus votes).
    plan
        The declared frontier for strategies that use it (computed once per scenario and
        behaviour by the caller, called only when needed).
    """

    delegates: tuple[Delegate, ...]
    sizes: tuple[int, ...]
    rounds: int
    plan: Callable[[], Plan]
    used: int = 0
    agreement: Choices | None = None
    last: Choices | None = field(default=None)

    @property
    def left(self) -> int:
        """Rounds left."""
        return self.rounds - self.used

    @property
    def open(self) -> bool:
        """No agreement yet and rounds left."""
        return self.agreement is None and self.used < self.rounds

    def _spend(self, count: int = 1) -> None:
        if self.agreement is not None:
            raise ProtocolError("the track has ended in agreement")
        if self.used + count > self.rounds:
            raise ProtocolError(f"no rounds left (limit {self.rounds})")
        self.used += count

    def publish(self, choices: Sequence[int]) -> tuple[Reply, ...]:
        """Publish a text: every party answers; all accepting ends the track in agreement."""
        text = tuple(int(c) for c in choices)
        round_ = self.used
        self._spend()
        replies = tuple(d.answer(text, round_, self.rounds) for d in self.delegates)
        self.last = text
        if all(r.accepts for r in replies):
            self.agreement = text
        return replies

    def vote(self, new: Choices, current: Choices) -> bool:
        """Ask whether every party prefers ``new`` to ``current`` (one round)."""
        self._spend()
        return all(d.prefers(new, current) for d in self.delegates)

    def votes(self, count: int) -> None:
        """Count ``count`` votes taken in one vectorised pass (each is a round)."""
        self._spend(count)

    def random_text(self, rng: np.random.Generator) -> Choices:
        """A package drawn uniformly."""
        return tuple(rng.integers(0, self._highs).tolist())

    @cached_property
    def _highs(self) -> NDArray[np.int64]:
        return np.asarray(self.sizes, dtype=np.int64)


#: A strategy plays one rehearsal in the room, drawing randomness only from ``rng``.
Strategy = Callable[[Room, np.random.Generator], None]


def follow_amendments(room: Room, rng: np.random.Generator) -> None:
    """Grant uncontested requested changes, each issue at most once (see the module)."""
    text = room.random_text(rng)
    moved: set[int] = set()
    while room.open:
        replies = room.publish(text)
        if not room.open:
            return
        wanted: dict[int, set[int]] = {}
        for reply in replies:
            if reply.amendment is not None:
                issue, option = reply.amendment
                wanted.setdefault(issue, set()).add(option)
        grant = {
            issue: options.pop()
            for issue, options in wanted.items()
            if len(options) == 1 and issue not in moved
        }
        if not grant:
            return
        moved.update(grant)
        text = tuple(grant.get(j, c) for j, c in enumerate(text))


def nash_seeking(room: Room, rng: np.random.Generator) -> None:
    """Publish the declared zone's frontier packages by Nash product, raising each refuser's
    floor; when no package clears every floor, start again from the top (a party that holds out
    may have conceded since). With an empty declared zone, publish the best package once."""
    plan = room.plan()
    if len(plan.choices) == 0:
        return
    if plan.zone == 0:
        room.publish(plan.choices[0])
        return
    utilities = plan.utilities[: plan.zone]
    floors = np.full(utilities.shape[1], -np.inf)
    while room.open:
        fits = np.flatnonzero(np.all(utilities > floors + 1e-12, axis=1))
        if fits.size == 0:
            floors[:] = -np.inf
            continue
        row = int(fits[0])
        replies = room.publish(plan.choices[row])
        for p, reply in enumerate(replies):
            if not reply.accepts:
                floors[p] = max(floors[p], utilities[row, p])


def hill_climbing(room: Room, rng: np.random.Generator) -> None:
    """Climb by single-issue changes that every party prefers; publish the top reached.

    The votes on one text's neighbours are counted in the order they are asked (a random
    order): up to and including the first that every party prefers (the climb moves there) or
    all of them (a local top). Additive tables are walked one change at a time in plain Python
    (a change's gain is one subtraction); others are evaluated in one vectorised pass.
    """
    current = room.random_text(rng)
    issues, options = room.delegates[0].table.moves
    tables = [d.table for d in room.delegates]
    simple = all(t.flat is not None for t in tables)
    while room.left > 1:
        moves = np.flatnonzero(options != np.asarray(current)[issues])
        order = moves[rng.permutation(len(moves))][: room.left - 1]
        found = (
            _first_move(tables, current, order)
            if simple
            else _first_move_vectorised(room, current, order)
        )
        room.votes(len(order) if found is None else found + 1)
        if found is None:
            break
        move = int(order[found])
        current = (*current[: issues[move]], int(options[move]), *current[issues[move] + 1 :])
    room.publish(current)


def _first_move(
    tables: Sequence[PartyTable], current: Choices, order: NDArray[np.intp]
) -> int | None:
    """Index in ``order`` of the first move every party prefers (additive tables)."""
    issues, options = tables[0].moves_list
    parties = []
    for table in tables:
        flat, offsets = table.flat_list, table.offsets
        chosen = [flat[offsets[j] + c] for j, c in enumerate(current)]
        parties.append((flat, offsets, chosen, sum(x == -math.inf for x in chosen)))
    for k, move in enumerate(order.tolist()):
        j, o = issues[move], options[move]
        for flat, offsets, chosen, crossed in parties:
            new, old = flat[offsets[j] + o], chosen[j]
            if new == -math.inf or crossed - (old == -math.inf) > 0:
                break
            if old != -math.inf and not new - old > 1e-12:
                break
        else:
            return k
    return None


def _first_move_vectorised(room: Room, current: Choices, order: NDArray[np.intp]) -> int | None:
    """The same as :func:`_first_move` for any tables, in one vectorised pass."""
    scores = np.stack([d.table.neighbour_scores(current) for d in room.delegates])
    now = np.array([d.score(current) for d in room.delegates])
    better = np.flatnonzero(np.all(scores[:, order] > now[:, None] + 1e-12, axis=0))
    return None if better.size == 0 else int(better[0])


def veto(room: Room, rng: np.random.Generator) -> None:
    """Random proposals, kept when nobody vetoes; the last text reached is published.

    Vectorised: all proposals are drawn at once and every party's utilities computed in one
    pass, then walked in order (a red-line crossing is worse than anything else, as in
    :meth:`~gobetween.rehearsal.behaviours.Delegate.prefers`).
    """
    current = room.random_text(rng)
    count = room.left - 1
    if count > 0:
        proposals = rng.integers(0, room.sizes, size=(count, len(room.sizes)))
        scores = np.stack([d.table.utilities(proposals) for d in room.delegates]) - 1e-12
        now = np.array([d.score(current) for d in room.delegates])
        # A proposal kept later beats the first text for every party, so only those that do
        # are walked (in order); the others would be vetoed whatever came before them.
        hopeful = np.flatnonzero(np.all(scores > now[:, None], axis=0))
        kept = -1
        floor = now.tolist()
        for k in hopeful.tolist():
            column = scores[:, k].tolist()
            if all(map(operator.gt, column, floor)):
                floor = [x + 1e-12 for x in column]
                kept = k
        room.votes(count)
        if kept >= 0:
            current = tuple(int(x) for x in proposals[kept])
    room.publish(current)


@dataclass(frozen=True)
class StrategySpec:
    """A registered strategy: name, one-line description, the function that plays it, and
    whether it uses the declared frontier (:class:`Plan`, prepared once per scenario)."""

    name: str
    description: str
    play: Strategy
    uses_plan: bool = False


#: Every strategy, by name.
STRATEGIES: Mapping[str, StrategySpec] = MappingProxyType(
    {
        s.name: s
        for s in (
            StrategySpec(
                "follow-amendments",
                "grant the changes the parties ask for, one issue at a time",
                follow_amendments,
            ),
            StrategySpec(
                "nash-seeking",
                "publish the declared frontier's packages by Nash product",
                nash_seeking,
                uses_plan=True,
            ),
            StrategySpec(
                "hill-climbing",
                "move by single-issue changes every party prefers",
                hill_climbing,
            ),
            StrategySpec("veto", "random texts, kept unless someone vetoes (VetoST-like)", veto),
        )
    }
)


def strategy(name: str, registry: Mapping[str, StrategySpec] | None = None) -> StrategySpec:
    """The strategy registered as ``name``; :class:`ValidationFailed` naming the known ones."""
    known = STRATEGIES if registry is None else registry
    try:
        return known[name]
    except KeyError:
        raise ValidationFailed(
            f"no mediator strategy called {name!r}",
            location="strategy",
            expected="one of " + ", ".join(known),
        ) from None
