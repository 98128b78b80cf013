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

import bisect
import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from gobetween.errors import N_, ProtocolError
from gobetween.protocols.simulated import uncontested
from gobetween.rehearsal.behaviours import Delegate, Reply
from gobetween.rehearsal.registry import registered
from gobetween.rehearsal.tables import Choices, PartyTable

__all__ = [
    "CLIMB_BLOCK",
    "STRATEGIES",
    "Climb",
    "Climber",
    "Plan",
    "Room",
    "Strategy",
    "Walk",
    "climb_walk",
    "strategy",
    "text_of",
]

#: At one text: the moves every party prefers, as a bit set over :attr:`PartyTable.moves` (bit
#: ``m``: move ``m``), and whether the text crosses none of the parties' red lines.
Climb = tuple[int, bool]


class Climber(NamedTuple):
    """What a climb needs of the delegations' tables, worked out once per room: the tables,
    whether all are additive, the moves (:attr:`PartyTable.moves_list`), how many change the
    text, the chances of :func:`first_marked` by how many moves are preferred (filled in as
    met), and, for additive tables, each party's moves worth more than each move (the first
    part of :attr:`PartyTable.climb_masks`) and each issue's moves
    (:attr:`PartyTable.issue_bits`)."""

    tables: tuple[PartyTable, ...]
    additive: bool
    issues: list[int]
    options: list[int]
    changes: int
    cdfs: list[tuple[float, ...] | None]
    ups: list[tuple[int, ...]]
    spans: tuple[int, ...]

    @classmethod
    def of(cls, tables: tuple[PartyTable, ...]) -> Climber:
        """The climb's view of ``tables`` (one per party, all over the same agenda)."""
        first = tables[0]
        issues, options = first.moves_list
        changes = len(issues) - len(first.values)
        cdfs = _CDFS.get(changes)
        if cdfs is None:
            if len(_CDFS) >= _MAX_CDFS:
                _CDFS.clear()
            cdfs = _CDFS[changes] = [None] * (changes + 1)
        for table in tables:
            if table.flat is None:
                return cls(tables, False, issues, options, changes, cdfs, [], ())
        ups = [t.climb_masks[0] for t in tables]
        return cls(tables, True, issues, options, changes, cdfs, ups, first.issue_bits)


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


@dataclass(eq=False, slots=True)
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
    climbs
        For hill-climbing: the changes every delegation prefers, by text, found so far (the
        caller may pass the same dictionary to every room with the same delegations).
    """

    delegates: tuple[Delegate, ...]
    sizes: tuple[int, ...]
    rounds: int
    plan: Callable[[], Plan]
    climbs: dict[Choices, Climb] = field(default_factory=dict)
    used: int = 0
    agreement: Choices | None = None
    last: Choices | None = field(default=None)
    _climber: Climber | None = field(default=None, init=False, repr=False)

    def climber(self) -> Climber:
        """What a climb needs of the delegations, worked out once per room."""
        found = self._climber
        if found is None:
            found = self._climber = Climber.of(tuple(d.table for d in self.delegates))
        return found

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
            raise ProtocolError(N_("the track has ended in agreement"))
        if self.used + count > self.rounds:
            raise ProtocolError(
                N_("no rounds left (limit %(rounds)s)"), params={"rounds": self.rounds}
            )
        self.used += count

    def publish(self, choices: Sequence[int]) -> tuple[Reply, ...]:
        """Publish a text: every party answers; all accepting ends the track in agreement."""
        text = tuple(map(int, choices))
        round_ = self.used
        self._spend()
        replies = tuple(d.answer(text, round_, self.rounds) for d in self.delegates)
        self.last = text
        if all(r.accepts for r in replies):
            self.agreement = text
        return replies

    def settle(self, choices: Sequence[int]) -> bool:
        """Publish a text as :meth:`publish` does, learning only whether every party accepts
        it (for a strategy that reads no more: the changes the parties would ask for are not
        worked out)."""
        return self._conclude(0, tuple(map(int, choices)))

    def _conclude(self, votes: int, text: Choices) -> bool:
        """:meth:`votes` (``votes`` of them), then :meth:`settle` the text (already a tuple of
        Python integers)."""
        used = self.used + votes + 1
        if self.agreement is not None or used > self.rounds:
            self._spend(votes + 1)  # refused, saying why
        self.used = used
        round_ = used - 1
        self.last = text
        rounds = self.rounds
        for d in self.delegates:
            if not d.accepts(text, round_, rounds):
                return False
        self.agreement = text
        return True

    def vote(self, new: Choices, current: Choices) -> bool:
        """Ask whether every party prefers ``new`` to ``current`` (one round)."""
        self._spend()
        return all(d.prefers(new, current) for d in self.delegates)

    def votes(self, count: int) -> None:
        """Count ``count`` votes taken in one vectorised pass (each is a round)."""
        self._spend(count)

    def random_text(self, rng: np.random.Generator) -> Choices:
        """A package drawn uniformly (one uniform number per issue)."""
        return text_of(rng.random(len(self.sizes)).tolist(), self.sizes)


def text_of(draws: Sequence[float], sizes: tuple[int, ...]) -> Choices:
    """The package :meth:`Room.random_text` draws from ``draws``, one uniform number in
    ``[0, 1)`` per issue (the first ``len(sizes)``)."""
    text = tuple(map(int, map(operator.mul, draws, sizes)))
    if any(map(operator.ge, text, sizes)):  # u * k rounded up to k
        text = tuple(min(c, k - 1) for c, k in zip(text, sizes, strict=True))
    return text


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
        grant = uncontested((r.amendment for r in replies if r.amendment is not None), moved)
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

    At each text the mediator asks about its single-issue changes in a random order, up to and
    including the first that every party prefers (the climb moves there), or all of them (a
    local top: it is published); each question is a round. Drawn without walking the order:
    the changes every party prefers are found once per text (:func:`improving_moves`, kept in
    the room's ``climbs`` for later runs; after a move, for additive tables, from the text
    before it by replacing the changed issue's part: :func:`climb_step`), the first of them in
    a random order is any one of them with equal chance, and the number of questions up to it
    is drawn from its exact distribution (:func:`first_marked`): the same chances as shuffling
    the changes.

    The run's draws: one uniform number per issue for the first text, then blocks of
    :data:`CLIMB_BLOCK`, two per move taken from the end of the block (a fresh block when fewer
    than two are left). :func:`climb_walk` plays it from those numbers up to the text it
    publishes.
    """

    def more() -> list[float]:
        return rng.random(CLIMB_BLOCK).tolist()  # type: ignore[no-any-return]

    room._conclude(*climb_walk(room, room.random_text(rng), [], more))


#: Uniform numbers the climb draws at a time (even: a move takes two, so a block is used up
#: exactly before the next is drawn).
CLIMB_BLOCK = 64


def climb_walk(
    room: Room, start: Choices, draws: list[float], more: Callable[[], list[float]]
) -> tuple[int, Choices]:
    """:func:`hill_climbing` from ``start`` up to the text it publishes: the votes it takes
    (questions asked) and that text, neither spent nor published (the caller settles them:
    :meth:`Room._conclude`). It takes its draws from the end of ``draws``, then from the end of
    each list ``more()`` gives, in turn (each of even length, so that a move's two draws never
    straddle two lists; ``draws`` is not changed: a caller may share it). For the strategy's
    own draws, ``draws`` is empty and ``more()`` draws :data:`CLIMB_BLOCK` numbers; a caller
    that keeps a block may split it, its last numbers first. What it gives depends only on the
    delegations' declared preferences, the room's rounds, ``start`` and the draws.

    The moves every party prefers at a text are one bit set (:data:`Climb`); the climb takes
    the ``k``-th of them, ``k`` drawn from their count, without listing them."""
    current = start
    climber = room.climber()
    issues, options, changes, cdfs = climber.issues, climber.options, climber.changes, climber.cdfs
    climbs = room.climbs
    budget = room.left - 1  # questions that leave a round to publish in
    asked_all = 0
    left = len(draws)  # draws[left - 1] is the next one
    # the moves every party prefers at the text before `current`, whether that text crossed
    # no red line (then only the moved issue's part changes), and the move from there: worked
    # out at `current` only when the climbs have not met it yet
    found, clean = 0, False
    j = move = 0
    while budget > 0:
        known = climbs.get(current)
        if known is None:
            if clean:
                known = (climb_step(climber, found, j, move), True)
            elif climber.additive:
                known = climb_masks(climber, current)
            else:
                moves = improving_moves_vectorised(room.delegates, current)
                known = (sum(1 << m for m in moves), False)
            if len(climbs) >= _MAX_CLIMBS:
                climbs.clear()
            climbs[current] = known
        found, clean = known
        if not found:
            asked_all += changes if changes < budget else budget
            break
        if left < 2:
            draws = more()
            left = len(draws)
        count = found.bit_count()
        cdf = cdfs[count]
        if cdf is None:
            cdf = cdfs[count] = first_marked(changes, count)
        asked = bisect.bisect_right(cdf, draws[left - 1]) + 1
        if asked > budget:
            asked_all += budget
            break
        asked_all += asked
        budget -= asked
        rest, k = found, int(draws[left - 2] * count)
        if k:
            for _ in range(k if k < count else count - 1):
                rest &= rest - 1  # the lowest moves before the chosen one dropped
        move = (rest & -rest).bit_length() - 1
        left -= 2
        j = issues[move]
        # concatenated: a third of the time of unpacking the slices into a new tuple
        current = current[:j] + (options[move],) + current[j + 1 :]  # noqa: RUF005
    return asked_all, current


def climb_step(climber: Climber, found: int, issue: int, move: int) -> int:
    """The moves every party prefers (a bit set over :attr:`PartyTable.moves`) after ``move``
    on ``issue``, from ``found``, those at the text before it, when that text crosses no red
    line (additive tables): only the changed issue's part differs, and there each party
    prefers the options it values above ``move``'s (so the text after crosses none either).
    """
    joint = -1
    for up in climber.ups:
        joint &= up[move]
    return (found & ~climber.spans[issue]) | joint


def climb_masks(climber: Climber, text: Choices) -> tuple[int, bool]:
    """The moves every party prefers at ``text`` as one bit set over :attr:`PartyTable.moves`
    (additive tables; :func:`improving_moves` lists them), and whether ``text`` crosses none of
    the parties' red lines (else :func:`climb_step` does not apply after a move)."""
    found = -1  # bit m: move m helps every party looked at so far
    clean = True
    for table in climber.tables:
        _, finite, forbidden = table.climb_masks
        if forbidden:
            at = list(map(operator.add, table.offsets, text))
            if not forbidden.isdisjoint(at):
                clean = False
                crossed = [j for j, m in enumerate(at) if m in forbidden]
                # only leaving the one red line crossed helps
                found &= finite[crossed[0]] if len(crossed) == 1 else 0
                continue
        # a change helps when it gains (then it crosses nothing)
        found &= functools.reduce(operator.or_, map(operator.getitem, table.up_rows, text), 0)
    return found, clean


def _bits(found: int) -> tuple[int, ...]:
    """The set bits of ``found``, lowest first."""
    moves = []
    while found:
        lowest = found & -found
        moves.append(lowest.bit_length() - 1)
        found ^= lowest
    return tuple(moves)


#: Texts whose improving changes a room keeps (then it starts afresh).
_MAX_CLIMBS = 1 << 16
#: :func:`first_marked`'s chances by the number of changes, then of those preferred (for as
#: many numbers of changes, then started afresh).
_CDFS: dict[int, list[tuple[float, ...] | None]] = {}
_MAX_CDFS = 256


@functools.lru_cache(maxsize=4096)
def first_marked(total: int, marked: int) -> tuple[float, ...]:
    """``P(X <= j)`` for ``j = 0 .. total - marked``, where ``X`` is the position (0-based) of
    the first of ``marked`` items among ``total`` put in a uniformly random order.

    >>> [round(p, 4) for p in first_marked(3, 1)]
    [0.3333, 0.6667, 1.0]
    >>> first_marked(4, 4)
    (1.0,)
    """
    if not 0 < marked <= total:
        raise ValueError(f"{marked} marked items among {total}")
    cumulative: list[float] = []
    none_yet, total_so_far = 1.0, 0.0
    for j in range(total - marked + 1):
        total_so_far += none_yet * marked / (total - j)
        cumulative.append(total_so_far)
        none_yet *= (total - marked - j) / (total - j)
    cumulative[-1] = 1.0
    return tuple(cumulative)


def improving_moves(delegates: Sequence[Delegate], text: Choices) -> tuple[int, ...]:
    """The moves (indices into :attr:`PartyTable.moves`) that every delegation prefers to
    ``text``, in move order. Additive tables (one-option red lines included) from bit sets in
    plain Python (:func:`climb_masks`), others in one vectorised pass
    (:func:`improving_moves_vectorised`)."""
    tables = [d.table for d in delegates]
    if any(t.flat is None for t in tables):
        return improving_moves_vectorised(delegates, text)
    return _bits(climb_masks(Climber.of(tuple(tables)), text)[0])


def improving_moves_vectorised(delegates: Sequence[Delegate], text: Choices) -> tuple[int, ...]:
    """:func:`improving_moves` for any tables: every neighbour scored in one pass."""
    scores = np.stack([d.table.neighbour_scores(text) for d in delegates])
    now = np.array([d.score(text) for d in delegates])
    return tuple(np.flatnonzero(np.all(scores > now[:, None] + 1e-12, axis=0)).tolist())


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
    room.settle(current)


#: Plays a run as its :data:`Strategy` does up to the text it publishes last, given the run's
#: first text and draws (see :func:`climb_walk`): the votes taken and that text. What a
#: rehearsal calls to play many seeds from draws it keeps per seed; what it gives depends only
#: on the declared preferences, the rounds and the draws, so a rehearsal may keep it.
Walk = Callable[[Room, Choices, list[float], Callable[[], list[float]]], tuple[int, Choices]]


@dataclass(frozen=True)
class StrategySpec:
    """A registered strategy: name, one-line description, the function that plays it, whether
    it uses the declared frontier (:class:`Plan`, prepared once per scenario), and the same
    play from the run's first text and draws up to the text it settles (:data:`Walk`; ``None``
    when it has none)."""

    name: str
    description: str
    play: Strategy
    uses_plan: bool = False
    walk: Walk | None = None


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
                walk=climb_walk,
            ),
            StrategySpec("veto", "random texts, kept unless someone vetoes (VetoST-like)", veto),
        )
    }
)


def strategy(name: str, registry: Mapping[str, StrategySpec] | None = None) -> StrategySpec:
    """The strategy registered as ``name``; :class:`ValidationFailed` naming the known ones."""
    known = STRATEGIES if registry is None else registry
    return registered(known, name, N_("no mediator strategy called %(name)r"), "strategy")
