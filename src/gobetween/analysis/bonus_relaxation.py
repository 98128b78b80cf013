"""The linear relaxation behind the branch and bound's second bound (:mod:`.bonus_search`).

The search bounds a subtree by sharing each positive bonus's value over the issues of its box
(a Lagrangian relaxation of "every issue of the box in range"). The best shares are the duals of
the linear relaxation of the weighted sum's best package: one option per issue, fractions
allowed, a bonus met at most as much as its box's options are chosen on each of its issues
(``y_b <= sum of x[i, o] over the options o of issue i in the box``; negative bonuses and red
lines left out, which only loosens a bound). With those shares, a subtree's bound at its top is
the relaxation's optimum there.

:class:`Relaxation` states that program once, for the root's kept options, and solves it for
any subtree by bounding to zero the options the subtree has ruled out: HiGHS starts each solve
from the basis of the last one (one weighted sum after another, one subtree after another),
instead of building and solving a program from scratch.
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np
from numpy.typing import NDArray

__all__ = ["Link", "Relaxation"]

#: A bonus's row on one issue: the bonus (its index among all bonuses, both parties), the
#: position of the issue in the search, and the indices of the options there it takes (among
#: the root's kept options of that position).
Link = tuple[int, int, Sequence[int]]

#: HiGHS settings for these linear programs (one thread, quiet; no presolve, so that the basis
#: carries from one solve to the next).
_OPTIONS: dict[str, bool | int | str] = {
    "output_flag": False,
    "threads": 1,
    "presolve": "off",
}


class Relaxation:
    """The relaxation of every weighted sum, on the root's options.

    ``values`` is ``(positions, weights, width)``: each option's value in each weighted sum
    (options past ``sizes[pos]`` are padding); ``worth`` is ``(bonuses, weights)``: each
    bonus's value in each weighted sum (0 leaves it out); ``links`` the rows tying each
    positive bonus to the issues of its box.
    """

    def __init__(
        self,
        values: NDArray[np.float64],
        sizes: Sequence[int],
        worth: NDArray[np.float64],
        links: Sequence[Link],
    ) -> None:
        n, self.weights, _ = values.shape
        self.bonuses = worth.shape[0]
        self.positions = n
        self.first = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)
        bonuses = sorted({b for b, _, _ in links})
        column = {b: int(self.first[-1]) + k for k, b in enumerate(bonuses)}
        self.columns = int(self.first[-1]) + len(bonuses)
        starts: list[int] = []
        index: list[int] = []
        coefficient: list[float] = []
        for pos in range(n):  # one option per issue
            starts.append(len(index))
            index.extend(range(self.first[pos], self.first[pos + 1]))
            coefficient.extend([1.0] * sizes[pos])
        for b, pos, taken in links:  # the options in range there, less the bonus: at least 0
            starts.append(len(index))
            index.extend([*(int(self.first[pos]) + o for o in taken), column[b]])
            coefficient.extend([*([1.0] * len(taken)), -1.0])
        self.links = np.array([(b, pos) for b, pos, _ in links], dtype=np.intp).reshape(-1, 2)
        self.costs = [
            np.concatenate([*(values[pos, w, : sizes[pos]] for pos in range(n)), worth[bonuses, w]])
            for w in range(self.weights)
        ]
        self.highs = highspy._core._Highs()  # the bare class: no banner
        for name, setting in _OPTIONS.items():
            self.highs.setOptionValue(name, setting)
        self.highs.addVars(self.columns, np.zeros(self.columns), np.full(self.columns, np.inf))
        rows = n + len(links)
        self.highs.addRows(
            rows,
            np.concatenate([np.ones(n), np.zeros(len(links))]),
            np.concatenate([np.ones(n), np.full(len(links), np.inf)]),
            len(index),
            np.array(starts, dtype=np.int32),
            np.array(index, dtype=np.int32),
            np.array(coefficient),
        )
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.upper = np.full(int(self.first[-1]), np.inf)  # the options' current bounds

    def duals(self, allowed: Sequence[Sequence[int]] | None = None) -> NDArray[np.float64]:
        """Per weighted sum, bonus and position, the dual of the bonus's row there (0 where
        it has none), ``(weights, bonuses, positions)``, non-negative; ``allowed`` lists per
        position the options a subtree may still take (``None``: every option). A weighted
        sum HiGHS does not solve to optimality gets no duals (all 0)."""
        upper = np.full(int(self.first[-1]), np.inf)
        if allowed is not None:
            upper[:] = 0.0
            for pos, options in enumerate(allowed):
                upper[[int(self.first[pos]) + o for o in options]] = np.inf
        changed = np.flatnonzero(upper != self.upper).astype(np.int32)
        if changed.size:
            self.highs.changeColsBounds(
                changed.size, changed, np.zeros(changed.size), upper[changed]
            )
            self.upper = upper
        parts = np.zeros((self.weights, self.bonuses, self.positions))
        if not len(self.links):
            return parts
        every = np.arange(self.columns, dtype=np.int32)
        for w, cost in enumerate(self.costs):
            self.highs.changeColsCost(self.columns, every, cost)
            self.highs.run()
            if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                continue
            duals = np.abs(np.asarray(self.highs.getSolution().row_dual)[self.positions :])
            parts[w, self.links[:, 0], self.links[:, 1]] = duals
        return parts
