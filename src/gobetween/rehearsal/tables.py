"""A party's preferences compiled to option indices, for fast repeated evaluation.

A rehearsal evaluates thousands of packages per second, so the preferences are turned once into
per-issue value tables (``w_i * r_i(option)``), red lines over ``(issue index, option index)``
pairs, and bonuses (interactions among them) over sets of option indices per issue.
:meth:`PartyTable.utility` evaluates one package (a tuple of option indices),
:meth:`PartyTable.utilities` a whole array of them at once.

>>> from gobetween.model import Agenda, Issue, Preferences, RedLine
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
>>> prefs = Preferences({"a": 3, "b": 1}, {"a": {"x": 1, "y": 0}, "b": {"p": 0, "q": 1}},
...                     red_lines=(RedLine.of(("a", "y")),))
>>> table = PartyTable.of("A", prefs, agenda)
>>> table.utility((0, 1)), table.crossed((1, 1)), table.utilities([[0, 0], [1, 1]]).tolist()
(1.0, 1, [0.75, -inf])
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gobetween.model import Agenda, Preferences

__all__ = ["Choices", "PartyTable"]

#: A package as one option index per issue, in agenda order.
Choices = tuple[int, ...]
#: A red line as ``(issue index, option index)`` pairs.
Pairs = tuple[tuple[int, int], ...]
#: Where a bonus applies: ``(issue index, option indices that count)`` per issue it names.
Within = tuple[tuple[int, frozenset[int]], ...]


def _pairs(agenda: Agenda, pairs: frozenset[tuple[str, str]]) -> Pairs:
    found = [(agenda.index(i), agenda.issue(i).index(o)) for i, o in pairs]
    return tuple(sorted(found))


def _holds(pairs: Pairs, choices: Choices) -> bool:
    return all(choices[i] == o for i, o in pairs)


def _inside(within: Within, choices: Choices) -> bool:
    return all(choices[i] in options for i, options in within)


def _within(agenda: Agenda, within: Mapping[str, Sequence[str]]) -> Within:
    found = [
        (agenda.index(i), frozenset(agenda.issue(i).index(o) for o in options))
        for i, options in within.items()
    ]
    return tuple(sorted(found, key=lambda pair: pair[0]))


@dataclass(frozen=True, eq=False)
class PartyTable:
    """One party's preferences over option indices.

    Attributes
    ----------
    name
        The party.
    values
        Per issue (agenda order), each option's contribution ``w_i * r_i(option)``.
    red_lines
        Each red line as ``(issue index, option index)`` pairs.
    bonuses
        ``(within, value)``: ``value`` added when the package picks a listed option on every
        issue named (the preferences' bonuses, and their interactions as one-option bonuses).
    reservation
        The utility of no agreement.
    """

    name: str
    values: tuple[tuple[float, ...], ...]
    red_lines: tuple[Pairs, ...]
    bonuses: tuple[tuple[Within, float], ...]
    reservation: float

    @classmethod
    def of(cls, name: str, preferences: Preferences, agenda: Agenda) -> PartyTable:
        """Compile ``preferences`` (validated against ``agenda``)."""
        preferences.validate(agenda)
        return cls(
            name=name,
            values=preferences.issue_values(agenda),
            red_lines=tuple(_pairs(agenda, r.pairs) for r in preferences.red_lines),
            bonuses=(
                *((_within(agenda, dict(b.within)), b.value) for b in preferences.bonuses),
                *(
                    (_within(agenda, {i: (o,) for i, o in x.pairs}), x.bonus)
                    for x in preferences.interactions
                ),
            ),
            reservation=preferences.reservation,
        )

    def utility(self, choices: Choices) -> float:
        """Utility of one package (red lines not considered)."""
        total = sum([v[c] for v, c in zip(self.values, choices, strict=True)])
        if self.bonuses:
            total += sum(v for within, v in self.bonuses if _inside(within, choices))
        return total

    def crossed(self, choices: Choices) -> int:
        """How many of the red lines the package crosses."""
        if not self.red_lines:
            return 0
        return sum(_holds(pairs, choices) for pairs in self.red_lines)

    def score(self, choices: Choices) -> float:
        """Utility of one package, ``-inf`` when it crosses a red line (for an additive table,
        one sum over :attr:`flat_list`: the same additions in the same order as
        :meth:`utility`, so the same number)."""
        if self.flat is None:
            return -math.inf if self.crossed(choices) else self.utility(choices)
        return sum(map(self.flat_list.__getitem__, map(operator.add, self.offsets, choices)))

    def acceptable(self, choices: Choices, level: float | None = None) -> bool:
        """No red line crossed and utility at least ``level`` (the reservation by default)."""
        floor = self.reservation if level is None else level
        return not self.crossed(choices) and self.utility(choices) >= floor - 1e-12

    def utilities(self, packages: ArrayLike) -> NDArray[np.float64]:
        """Utilities of many packages at once; ``-inf`` where a red line is crossed.

        ``packages`` has shape ``(count, n_issues)`` (option indices); the result ``(count,)``.
        """
        rows = np.asarray(packages, dtype=np.intp).reshape(-1, len(self.values))
        total = np.zeros(rows.shape[0])
        for j, column in enumerate(self._arrays):
            total += column[rows[:, j]]
        for masks, value in self._masks:
            inside = np.ones(rows.shape[0], dtype=bool)
            for j, mask in masks:
                inside &= mask[rows[:, j]]
            total += value * inside
        for pairs in self.red_lines:
            total[_all_hold(rows, pairs)] = -np.inf
        return total

    def compile(self) -> PartyTable:
        """Build now the arrays evaluation uses (otherwise built on first use); ``self``."""
        for _ in (self._arrays, self._masks, self.moves_list, self.offsets, self.flat):
            pass
        if self.flat is not None:
            _ = self.climb_masks, self.issue_bits, self.best_moves, self.up_rows
        return self

    @cached_property
    def _arrays(self) -> tuple[NDArray[np.float64], ...]:
        return tuple(np.asarray(column, dtype=np.float64) for column in self.values)

    @cached_property
    def _masks(self) -> tuple[tuple[tuple[tuple[int, NDArray[np.bool_]], ...], float], ...]:
        masks = []
        for within, value in self.bonuses:
            per_issue = []
            for j, options in within:
                mask = np.zeros(len(self.values[j]), dtype=bool)
                mask[list(options)] = True
                per_issue.append((j, mask))
            masks.append((tuple(per_issue), value))
        return tuple(masks)

    @cached_property
    def moves(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Every ``(issue, option)`` as two flat arrays (issue by issue, option by option)."""
        sizes = [len(column) for column in self.values]
        issues = np.repeat(np.arange(len(sizes)), sizes)
        options = np.concatenate([np.arange(k) for k in sizes])
        return issues, options

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """Where each issue's options start in :attr:`moves`."""
        starts = np.cumsum([0, *(len(column) for column in self.values[:-1])])
        return tuple(int(x) for x in starts)

    @cached_property
    def moves_list(self) -> tuple[list[int], list[int]]:
        """:attr:`moves` as Python lists."""
        issues, options = self.moves
        return issues.tolist(), options.tolist()

    @cached_property
    def flat_list(self) -> list[float]:
        """:attr:`flat` as a Python list (additive tables only)."""
        flat = self.flat
        if flat is None:
            raise ValueError("this table is not additive")
        return [float(x) for x in flat]

    @cached_property
    def flat(self) -> NDArray[np.float64] | None:
        """All option values in one array, ``-inf`` where a one-option red line forbids it; or
        ``None`` when bonuses or red lines over several issues need the full evaluation."""
        if self.bonuses or any(len(pairs) > 1 for pairs in self.red_lines):
            return None
        flat = np.concatenate(self._arrays)
        offsets = self.offsets
        for ((j, o),) in self.red_lines:
            flat[offsets[j] + o] = -np.inf
        return flat

    @cached_property
    def climb_masks(self) -> tuple[tuple[int, ...], tuple[int, ...], frozenset[int]]:
        """For an additive table, the single changes as bit sets over :attr:`moves` (bit ``m``
        is move ``m``): per move ``m``, the moves on its issue worth more than ``m`` (by more
        than 1e-12); per issue, its options no one-option red line forbids; and the moves a red
        line forbids.

        >>> from gobetween.model import Agenda, Issue, Preferences
        >>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
        >>> table = PartyTable.of("A", Preferences({"a": 1}, {"a": {"x": 0, "y": 1, "z": .5}}),
        ...                       agenda)
        >>> [bin(m) for m in table.climb_masks[0]]
        ['0b110', '0b0', '0b10']
        """
        flat = self.flat_list
        issues = self.moves_list[0]
        up = tuple(
            sum(1 << k for k in range(len(flat)) if issues[k] == issues[m] and flat[k] > v + 1e-12)
            for m, v in enumerate(flat)
        )
        finite = tuple(
            sum(1 << (start + o) for o in range(len(column)) if flat[start + o] != -np.inf)
            for start, column in zip(self.offsets, self.values, strict=True)
        )
        forbidden = frozenset(m for m, v in enumerate(flat) if v == -np.inf)
        return up, finite, forbidden

    @cached_property
    def up_rows(self) -> tuple[tuple[int, ...], ...]:
        """:attr:`climb_masks`' first part per issue: per option, the moves on its issue worth
        more (additive tables only)."""
        up = self.climb_masks[0]
        return tuple(
            up[start : start + len(column)]
            for start, column in zip(self.offsets, self.values, strict=True)
        )

    @cached_property
    def best_moves(self) -> tuple[int, ...]:
        """Per issue, the move (index into :attr:`moves`) to its best option by :attr:`flat`,
        the first of ties (additive tables only)."""
        flat = self.flat_list
        return tuple(
            max(range(start, start + len(column)), key=lambda m: (flat[m], -m))
            for start, column in zip(self.offsets, self.values, strict=True)
        )

    @cached_property
    def issue_bits(self) -> tuple[int, ...]:
        """Per issue, the bit set of its moves (over :attr:`moves`).

        >>> from gobetween.model import Agenda, Issue, Preferences
        >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),
        ...                  Issue.discrete("b", ["p", "q", "r"])))
        >>> prefs = Preferences({"a": 1, "b": 1},
        ...                     {"a": {"x": 0, "y": 1}, "b": {"p": 0, "q": 1, "r": 1}})
        >>> [bin(m) for m in PartyTable.of("A", prefs, agenda).issue_bits]
        ['0b11', '0b11100']
        """
        return tuple(
            ((1 << len(column)) - 1) << start
            for start, column in zip(self.offsets, self.values, strict=True)
        )

    def neighbour_scores(self, choices: Choices) -> NDArray[np.float64]:
        """For every move of :attr:`moves`, the utility of ``choices`` with that one option
        changed (``-inf`` where the result crosses a red line); shape ``(sum of sizes,)``.
        A move to the option already chosen scores ``choices`` itself."""
        issues, options = self.moves
        flat = self.flat
        if flat is None:
            texts = np.tile(np.asarray(choices, dtype=np.intp), (len(issues), 1))
            texts[np.arange(len(issues)), issues] = options
            return self.utilities(texts)
        base = flat[np.asarray(self.offsets) + np.asarray(choices)]
        forbidden = np.isinf(base)
        finite = np.where(forbidden, 0.0, base)
        # per move: the other issues' count of forbidden choices and their finite sum
        others_forbidden = forbidden.sum() - forbidden[issues]
        others = finite.sum() - finite[issues]
        scores: NDArray[np.float64] = others + flat
        scores[others_forbidden > 0] = -np.inf
        return scores

    def best_option(self, issue: int) -> int:
        """The option this party values most on ``issue`` (the first of ties)."""
        column = self.values[issue]
        return max(range(len(column)), key=lambda o: (column[o], -o))


def _all_hold(rows: NDArray[np.intp], pairs: Pairs) -> NDArray[np.bool_]:
    held = np.ones(rows.shape[0], dtype=bool)
    for i, o in pairs:
        held &= rows[:, i] == o
    return held
