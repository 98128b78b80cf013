"""How a simulated delegation behaves: what it declares, and how it answers a text.

Every behaviour starts from a party's *true* preferences (what the rehearsal scores against) and
gives a :class:`Delegate`: the preferences it *declares* to the mediators (what a gobetween
mediator sees in the party's channel) and how it answers each text. The behaviours are
registered by name in :data:`BEHAVIOURS`:

``truthful``
    Declares its true preferences; accepts any text that crosses none of its red lines and is
    worth at least its reservation level; otherwise asks for the one change it wants most.
``exaggerating``
    Claims red lines it does not have: on every issue that matters to it at least as much as the
    average issue and still has three or more options open to it, its worst option becomes a
    declared red line. It declares and answers by these claims, consistently.
``stubborn``
    Declares the truth but holds out: it first accepts only texts worth at least halfway between
    its reservation level and its best, concedes linearly to its reservation level by the last
    round, and never proposes changes (it only says no).

>>> from gobetween.model import Agenda, Issue, Preferences
>>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
>>> prefs = Preferences({"a": 1}, {"a": {"x": 1, "y": 0.5, "z": 0}})
>>> delegate = behaviour("exaggerating").delegate("A", prefs, agenda)
>>> [sorted(r.pairs) for r in delegate.declared.red_lines]
[[('a', 'z')]]
>>> delegate.answer((2,), 0, 10).accepts, delegate.answer((2,), 0, 10).amendment
(False, (0, 0))
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from gobetween.errors import N_
from gobetween.model import Agenda, Preferences, RedLine
from gobetween.rehearsal.registry import registered
from gobetween.rehearsal.tables import Choices, PartyTable

__all__ = ["BEHAVIOURS", "Behaviour", "Delegate", "Reply", "behaviour"]


@dataclass(frozen=True, slots=True)
class Reply:
    """A delegation's answer to one text.

    Attributes
    ----------
    accepts
        It accepts the text as a whole.
    amendment
        ``(issue index, option index)``: the one change it asks for, or ``None``.
    """

    accepts: bool
    amendment: tuple[int, int] | None = None


@dataclass(frozen=True, eq=False)
class Delegate:
    """A simulated delegation: declared preferences and an answering rule.

    Attributes
    ----------
    name
        The party.
    declared
        The preferences it records with the mediators (and answers by).
    table
        ``declared`` compiled for fast evaluation.
    holdout
        Share of the way from its reservation level to its best that it demands at the first
        round (0: none), conceded linearly to 0 by the last round.
    proposes
        Whether it asks for changes when it cannot accept.
    """

    name: str
    declared: Preferences
    table: PartyTable
    holdout: float = 0.0
    proposes: bool = True
    best: float = field(default=1.0)
    _scores: dict[Choices, float] = field(default_factory=dict, init=False, repr=False)
    _answers: dict[Choices, Reply] = field(default_factory=dict, init=False, repr=False)

    def level(self, round_: int, rounds: int) -> float:
        """The utility it demands (on its declared preferences) at ``round_`` of ``rounds``."""
        reserve = self.table.reservation
        if self.holdout <= 0 or rounds <= 1:
            return reserve
        # max(0.0, x) written out as x if x > 0.0 else 0.0: the same number, without a call
        left = 1.0 - round_ / (rounds - 1)
        left = left if left > 0.0 else 0.0
        above = self.best - reserve
        return reserve + self.holdout * left * (above if above > 0.0 else 0.0)

    def answer(self, choices: Choices, round_: int, rounds: int) -> Reply:
        """Its answer to the text ``choices`` at ``round_`` (0-based) of at most ``rounds``
        (kept per text when it does not depend on the round: no holdout)."""
        if self.holdout > 0:
            return self._answer(choices, self.level(round_, rounds))
        found = self._answers.get(choices)
        if found is None:
            found = self._answer(choices, self.table.reservation)
            if len(self._answers) >= _MAX_SCORES:
                self._answers.clear()
            self._answers[choices] = found
        return found

    def accepts(self, choices: Choices, round_: int, rounds: int) -> bool:
        """Whether it accepts the text: :meth:`answer`'s ``accepts``, without working out the
        change it would ask for."""
        scores = self._scores
        score = scores.get(choices)
        if score is None:  # as score() keeps it
            score = self.table.score(choices)
            if len(scores) >= _MAX_SCORES:
                scores.clear()
            scores[choices] = score
        level = self.table.reservation if self.holdout <= 0 else self.level(round_, rounds)
        return score != _CROSSED and score >= level - 1e-12

    def _answer(self, choices: Choices, level: float) -> Reply:
        score = self.score(choices)
        if score != -math.inf and score >= level - 1e-12:
            return _ACCEPTS
        return Reply(False, self.wish(choices) if self.proposes else None)

    def wish(self, choices: Choices) -> tuple[int, int] | None:
        """The single-issue change it wants most: the largest gain, a text that crosses none of
        its red lines counting above any that crosses one; ``None`` when no change helps. Ties
        go to the first issue and option."""
        table = self.table
        if table.flat is not None:
            return _additive_wish(table, choices)
        scores = table.neighbour_scores(choices)
        now = self.score(choices)
        best = int(np.argmax(scores))
        if not scores[best] > now + 1e-12:
            return None
        issues, options = table.moves
        return int(issues[best]), int(options[best])

    def score(self, choices: Choices) -> float:
        """Its declared utility for ``choices``; ``-inf`` when the text crosses a red line
        (computed once per text: a rehearsal asks about the same texts again and again)."""
        found = self._scores.get(choices)
        if found is None:
            found = self.table.score(choices)
            if len(self._scores) >= _MAX_SCORES:
                self._scores.clear()
            self._scores[choices] = found
        return found

    def share_scores(self, other: Delegate) -> bool:
        """Keep scores in ``other``'s store when it declares the same preferences (its scores
        are then this delegation's); whether it does."""
        if other.declared != self.declared:
            return False
        object.__setattr__(self, "_scores", other._scores)  # frozen: the store is shared
        return True

    def prefers(self, new: Choices, old: Choices) -> bool:
        """Whether it prefers the text ``new`` to ``old`` by its declared preferences (a text
        crossing one of its red lines is never preferred)."""
        return self.score(new) > self.score(old) + 1e-12


def _additive_wish(table: PartyTable, choices: Choices) -> tuple[int, int] | None:
    """:meth:`Delegate.wish` for an additive table (one-option red lines included), in plain
    Python: the largest gain of one change, the first of ties. Per issue the largest gain is
    its best option's (:attr:`PartyTable.best_moves`), so one comparison per issue."""
    flat, best_moves = table.flat_list, table.best_moves
    options = table.moves_list[1]
    chosen = list(map(flat.__getitem__, map(operator.add, table.offsets, choices)))
    if -math.inf in chosen:
        crossed = [j for j, x in enumerate(chosen) if x == -math.inf]
        if len(crossed) > 1:
            return None  # one change leaves a red line crossed
        j = crossed[0]  # the best option that leaves the one red line crossed
        best = best_moves[j]
        return None if flat[best] == -math.inf else (j, options[best])
    gains = [flat[m] - x for m, x in zip(best_moves, chosen, strict=True)]
    gain = max(gains)
    if not gain > 1e-12:
        return None
    j = gains.index(gain)  # moves run issue by issue: the first issue has the first move
    return j, options[best_moves[j]]


#: The score of a text that crosses a red line.
_CROSSED = -math.inf
#: The one answer that accepts (answers are immutable).
_ACCEPTS = Reply(True)
#: Texts whose score a delegation keeps (then it starts afresh).
_MAX_SCORES = 1 << 16

Declare = Callable[[Preferences, Agenda], Preferences]


@dataclass(frozen=True)
class Behaviour:
    """A registered behaviour: its name, a one-line description, and how it builds a delegate."""

    name: str
    description: str
    declare: Declare
    holdout: float = 0.0
    proposes: bool = True

    def delegate(self, name: str, preferences: Preferences, agenda: Agenda) -> Delegate:
        """The delegation of party ``name`` whose true preferences are ``preferences``."""
        declared = self.declare(preferences, agenda)
        table = PartyTable.of(name, declared, agenda)
        best = sum(max(column) for column in table.values) + sum(
            max(0.0, value) for _, value in table.bonuses
        )
        return Delegate(name, declared, table, self.holdout, self.proposes, best)


def _truth(preferences: Preferences, agenda: Agenda) -> Preferences:
    return preferences


def _exaggerate(preferences: Preferences, agenda: Agenda) -> Preferences:
    weights = preferences.normalised_weights(agenda)
    average = 1.0 / len(weights)
    forbidden = preferences.forbidden_options()
    claimed: list[RedLine] = []
    for issue, weight in zip(agenda.issues, weights, strict=True):
        if weight < average - 1e-12:
            continue
        ratings = preferences.ratings[issue.name]
        open_options = [o for o in issue.option_names if (issue.name, o) not in forbidden]
        if len(open_options) < 3:
            continue
        worst = min(open_options, key=lambda o: (ratings[o], issue.option_names.index(o)))
        if ratings[worst] < max(ratings[o] for o in open_options):
            claimed.append(RedLine.of((issue.name, worst)))
    return replace(preferences, red_lines=(*preferences.red_lines, *claimed))


#: Every behaviour, by name (the order the reports use).
BEHAVIOURS: Mapping[str, Behaviour] = MappingProxyType(
    {
        b.name: b
        for b in (
            Behaviour("truthful", "declares its true preferences and answers by them", _truth),
            Behaviour(
                "exaggerating",
                "claims its worst option on each issue it cares about as a red line",
                _exaggerate,
            ),
            Behaviour(
                "stubborn",
                "holds out for half its best, concedes slowly, never proposes changes",
                _truth,
                holdout=0.5,
                proposes=False,
            ),
        )
    }
)


def behaviour(name: str) -> Behaviour:
    """The behaviour registered as ``name``; :class:`ValidationFailed` naming the known ones."""
    return registered(BEHAVIOURS, name, N_("no party behaviour called %(name)r"), "behaviour")
