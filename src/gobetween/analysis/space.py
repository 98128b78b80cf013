"""The utility space: each issue's options as vectors of the parties' utility contributions.

With additive preferences a package's utility vector is the sum, over issues, of its options'
vectors, so the outcome space is a Minkowski sum of small per-issue point sets. This module builds
those sets from a :class:`~gobetween.model.Scenario` (or from plain arrays, for research use).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gobetween.errors import N_, InvalidPackage, InvalidScenario
from gobetween.model import Agenda, Issue, Package, Preferences, Scenario

__all__ = ["UtilitySpace"]

_T = TypeVar("_T", bound=np.generic)
FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class UtilitySpace:
    """Per-issue utility contributions of every allowed option, for every party.

    Attributes
    ----------
    values
        One float64 array per issue (agenda order), of shape ``(k_j, n_parties)``: row ``r`` holds
        each party's ``w_i * r_i(option)`` for the ``r``-th *allowed* option of issue ``j``.
        Options forbidden by any party's single-option red line are left out; ``k_j`` may be 0,
        and then no package is feasible.
    option_indices
        One int array per issue, of shape ``(k_j,)``: the agenda index of each row of ``values``.
    reservations
        Shape ``(n_parties,)``: each party's reservation value (utility of no agreement).
    party_names
        The parties, in the column order of ``values``.
    agenda
        The agenda the indices refer to.
    full_values
        Like ``values`` but with every option of the agenda, forbidden ones included (shape
        ``(issue.size, n_parties)``): used to evaluate a given package.
    exact
        True when the additive model is the whole truth (no interactions, no red line coupling
        two issues). When False, :func:`~gobetween.analysis.pareto_frontier` refuses the space and
        the scenario must be analysed by enumeration.

    Examples
    --------
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5]]])
    >>> space.n_parties, space.shape, space.size
    (2, (2, 1), 2)
    >>> space.values[0].shape
    (2, 2)
    """

    values: tuple[FloatArray, ...]
    option_indices: tuple[IndexArray, ...]
    reservations: FloatArray
    party_names: tuple[str, ...]
    agenda: Agenda
    full_values: tuple[FloatArray, ...]
    exact: bool = True

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> UtilitySpace:
        """Build the space of a scenario from its parties' :meth:`Preferences.issue_values`.

        Options that any party forbids with a single-option red line are removed. Red lines that
        couple issues and interactions are not representable here: the space is then marked
        ``exact=False``.

        Examples
        --------
        >>> from gobetween.model import Agenda, Issue, Preferences, RedLine, Scenario
        >>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
        >>> ratings = {"a": {"x": 1, "y": 0.5, "z": 0}}
        >>> s = Scenario(agenda, {"A": Preferences({"a": 1}, ratings),
        ...                       "B": Preferences({"a": 1}, ratings,
        ...                                        red_lines=(RedLine.of(("a", "z")),))})
        >>> space = UtilitySpace.from_scenario(s)
        >>> space.option_indices[0].tolist(), space.values[0][:, 0].tolist()
        ([0, 1], [1.0, 0.5])
        """
        agenda = scenario.agenda
        prefs = list(scenario.preferences.values())
        per_party = [p.issue_values(agenda) for p in prefs]
        forbidden = _forbidden(prefs)
        full: list[FloatArray] = []
        values: list[FloatArray] = []
        indices: list[IndexArray] = []
        for j, issue in enumerate(agenda.issues):
            table = np.array([party[j] for party in per_party], dtype=np.float64).T
            table = table.reshape(issue.size, len(prefs))
            allowed = np.array(
                [(issue.name, o) not in forbidden for o in issue.option_names], dtype=bool
            )
            full.append(_frozen(table))
            values.append(_frozen(table[allowed]))
            indices.append(_frozen(np.flatnonzero(allowed).astype(np.intp)))
        return cls(
            values=tuple(values),
            option_indices=tuple(indices),
            reservations=_frozen(np.array(scenario.reservations(), dtype=np.float64)),
            party_names=scenario.party_names,
            agenda=agenda,
            full_values=tuple(full),
            exact=scenario.is_additive,
        )

    @classmethod
    def from_arrays(
        cls,
        values: Sequence[ArrayLike],
        reservations: ArrayLike | None = None,
        *,
        party_names: Sequence[str] | None = None,
    ) -> UtilitySpace:
        """A space from raw per-issue arrays (synthetic benchmarks, research use).

        Parameters
        ----------
        values
            One array per issue of shape ``(k_j, n_parties)``, ``k_j >= 1``.
        reservations
            Shape ``(n_parties,)``; zeros when omitted.
        party_names
            Defaults to ``party0``, ``party1``, ...

        The agenda is synthetic: issue ``issue<j>`` with options ``"0"``, ``"1"``, ...

        Examples
        --------
        >>> UtilitySpace.from_arrays([[[0.2, 0.1, 0.0]]], [0.1, 0.0, 0.0]).party_names
        ('party0', 'party1', 'party2')
        """
        tables = _tables(values)
        n = tables[0].shape[1]
        reserve = np.zeros(n) if reservations is None else np.array(reservations, dtype=float)
        if reserve.shape != (n,):
            raise InvalidScenario(
                N_("reservations of shape %(shape)s"),
                expected=f"shape ({n},)",
                params={"shape": reserve.shape},
            )
        names = (
            tuple(party_names) if party_names is not None else tuple(f"party{i}" for i in range(n))
        )
        if len(names) != n:
            raise InvalidScenario(
                N_("%(names)s party names for %(parties)s parties"),
                params={"names": len(names), "parties": n},
            )
        agenda = Agenda(
            tuple(
                Issue.discrete(f"issue{j}", [str(o) for o in range(t.shape[0])])
                for j, t in enumerate(tables)
            )
        )
        frozen = tuple(_frozen(t) for t in tables)
        return cls(
            values=frozen,
            option_indices=tuple(_frozen(np.arange(t.shape[0], dtype=np.intp)) for t in tables),
            reservations=_frozen(reserve),
            party_names=names,
            agenda=agenda,
            full_values=frozen,
        )

    @property
    def n_parties(self) -> int:
        """Number of parties (columns)."""
        return len(self.party_names)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of allowed options per issue."""
        return tuple(int(v.shape[0]) for v in self.values)

    @property
    def size(self) -> int:
        """Number of packages made of allowed options (exact int; may be astronomically large)."""
        total = 1
        for k in self.shape:
            total *= k
        return total

    def utilities(self, package: Package) -> FloatArray:
        """The additive utility vector (shape ``(n_parties,)``) of any package of the agenda.

        Forbidden options count with their ratings; interactions are not included.

        >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.25]]])
        >>> space.utilities(Package(space.agenda, (1, 0))).tolist()
        [0.5, 1.25]
        """
        if package.agenda != self.agenda:
            raise InvalidPackage(N_("the package belongs to another agenda"))
        total = np.zeros(self.n_parties)
        for table, choice in zip(self.full_values, package.choices, strict=True):
            total = total + table[choice]
        return total


def _tables(values: Sequence[ArrayLike]) -> list[FloatArray]:
    """Per-issue arrays as float64, checked: 2-d, same number of parties, finite, non-empty."""
    tables = [np.array(v, dtype=np.float64) for v in values]
    if not tables:
        raise InvalidScenario(N_("a utility space needs at least one issue"))
    n = tables[0].shape[1] if tables[0].ndim == 2 else -1
    for j, table in enumerate(tables):
        if table.ndim != 2 or table.shape[1] != n or table.shape[0] < 1 or n < 1:
            raise InvalidScenario(
                N_("issue %(j)s: values of shape %(shape)s"),
                location=f"values[{j}]",
                expected="a 2-d array (options, parties) with at least one option",
                params={"j": j, "shape": table.shape},
            )
        if not np.all(np.isfinite(table)):
            raise InvalidScenario(
                N_("issue %(issue)s: non-finite values"),
                location=f"values[{j}]",
                params={"issue": j},
            )
    return tables


def _forbidden(prefs: Sequence[Preferences]) -> frozenset[tuple[str, str]]:
    result: set[tuple[str, str]] = set()
    for p in prefs:
        result |= p.forbidden_options()
    return frozenset(result)


def _frozen(array: NDArray[_T]) -> NDArray[_T]:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array
