"""Starting packages for the two-party epsilon-constraint of :mod:`gobetween.analysis.milp`.

Each solve there asks for party 0's best package with party 1 at least a floor and party 0 at
most a cap (the point found last). HiGHS proves the answer faster when it starts from a good
package: from the very package it will return, a solve whose answer equals the cap ends at
once (the bound is the cap), and the others took 25-65% less time on 50 x 10 x 160
(docs/benchmarks.md). :class:`OneOptionMoves` finds such a package cheaply, from the point just
found, by changing one option at a time (every change of one option scored at once with NumPy):
while no change reaches the floor, the one that raises party 1 most; then the change that
reaches it with the most for party 0. The package is only a hint: HiGHS proves the optimum all
the same, so the frontier stays exact whatever the moves find.

>>> from gobetween.model import Agenda, Issue
>>> from gobetween.analysis.interdependent import Bonus, InterdependentProfile
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
>>> alice = InterdependentProfile.of(agenda, {"a": {"x": 2}, "b": {"p": 1}})
>>> bob = InterdependentProfile.of(agenda, {}, [Bonus(3, {"b": ("q",)})])
>>> OneOptionMoves((alice, bob), [[0, 1], [0, 1]]).climb((0, 0), floor=1.0, cap=3.0)
(0, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.analysis.milp_program import Box

__all__ = ["OneOptionMoves"]

#: At most this many moves per start.
MAX_MOVES = 50


class OneOptionMoves:
    """Every one-option change of a two-party package, scored at once.

    ``kept[i]`` lists the options of issue ``i`` a package may take (the program's kept
    options); ``forbidden`` are red lines (boxes no package may fall in).
    """

    def __init__(
        self,
        profiles: Sequence[InterdependentProfile],
        kept: Sequence[Sequence[int]],
        forbidden: Sequence[Box] = (),
    ) -> None:
        shape = profiles[0].agenda.shape
        n, width = len(shape), max(shape, default=1)
        boxes = [
            (party, bonus.value, box)
            for party, profile in enumerate(profiles)
            for bonus, box in zip(profile.bonuses, profile.boxes, strict=True)
        ]
        boxes.extend((2, 1.0, box) for box in forbidden)  # column 2: red lines completed
        # (boxes, issues, options): whether the box takes the option there (any, if unnamed)
        self.accept = np.ones((len(boxes), n, width), dtype=bool)
        self.value = np.zeros((len(boxes), 3))
        for b, (column, value, box) in enumerate(boxes):
            self.value[b, column] = value
            for i, ok in box.items():
                self.accept[b, i, :] = False
                self.accept[b, i, sorted(ok)] = True
        self.values = np.zeros((n, width, 3))
        for party, profile in enumerate(profiles):
            for i, row in enumerate(profile.values):
                self.values[i, : len(row), party] = row
        self.allowed = np.zeros((n, width), dtype=bool)
        for i, options in enumerate(kept):
            self.allowed[i, list(options)] = True

    def neighbours(self, choices: NDArray[np.intp]) -> NDArray[np.float64]:
        """``(issues, options, 3)``: both parties' utilities and the red lines completed by the
        package with one option changed (a change to an option not allowed: ``-inf``)."""
        issues = np.arange(len(choices))
        inside = self.accept[:, issues, choices]  # (boxes, issues)
        missing = (~inside).sum(axis=1)
        met = missing == 0
        now = self.values[issues, choices].sum(axis=0) + met @ self.value
        # a box is met after the change at issue i when every other issue of it is in range
        # and the new option is
        others = (missing[:, None] - ~inside) == 0
        change = (others[:, :, None] & self.accept).astype(np.float64) - met[:, None, None]
        bonus = np.einsum("bio,bc->ioc", change, self.value)
        values = self.values - self.values[issues, choices][:, None, :]
        scored = now[None, None, :] + values + bonus
        scored[~self.allowed] = -np.inf
        return np.asarray(scored)

    def climb(self, choices: Sequence[int], floor: float, cap: float) -> tuple[int, ...] | None:
        """A package with party 1 at least ``floor`` and party 0 at most ``cap``, within
        :data:`MAX_MOVES` one-option changes of ``choices``, or ``None``."""
        package = np.array(choices, dtype=np.intp)
        for _ in range(MAX_MOVES):
            scored = self.neighbours(package)
            second = scored[0, package[0], 1]  # no change: the package's own utility
            usable = (scored[:, :, 0] <= cap) & (scored[:, :, 2] == 0)
            reached = usable & (scored[:, :, 1] >= floor)
            if reached.any():  # the most for party 0, then for party 1
                rank = np.where(reached, scored[:, :, 0], -np.inf)
                best = rank == rank.max()
                rank = np.where(best, scored[:, :, 1], -np.inf)
                i, o = np.unravel_index(int(np.argmax(rank)), rank.shape)
                package[i] = o
                return tuple(int(c) for c in package)
            rising = usable & (scored[:, :, 1] > second)
            if not rising.any():
                return None
            rank = np.where(rising, scored[:, :, 1], -np.inf)
            i, o = np.unravel_index(int(np.argmax(rank)), rank.shape)
            package[i] = o
        return None
