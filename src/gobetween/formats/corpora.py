"""Recorded human negotiations as scenarios with their agreed packages.

Both corpora that gobetween reads (CaSiNo and Deal or No Deal) are *division* problems: a pool of
items of a few kinds is split between two sides, each side values each unit of a kind linearly and
privately. :func:`division_scenario` turns one negotiation into a :class:`~gobetween.model.Scenario`
whose issues are the item kinds and whose options are how many units the first side receives, so
the exact analysis engine can judge the deal the humans reached.

The readers live in :mod:`gobetween.formats.casino` and :mod:`gobetween.formats.dealornodeal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gobetween.errors import N_, DataImportError
from gobetween.model import Agenda, Issue, Package, Preferences, RatingScale, Scenario

__all__ = ["RecordedNegotiation", "division_scenario"]


@dataclass(frozen=True, slots=True)
class RecordedNegotiation:
    """One recorded negotiation: its scenario, and the agreed package (``None``: no deal).

    ``points`` are the two sides' scores in the corpus's own units for the deal, and ``scale``
    converts them to the normalised utilities of ``scenario`` (``utility = points / scale``).
    """

    corpus: str
    dialogue_id: str
    scenario: Scenario
    deal: Package | None
    scale: tuple[float, float]

    @property
    def agreed(self) -> bool:
        """Whether the negotiation ended in a deal."""
        return self.deal is not None


def division_scenario(
    counts: Mapping[str, int],
    values: tuple[Mapping[str, float], Mapping[str, float]],
    *,
    sides: tuple[str, str] = ("first", "second"),
    reservations: tuple[float, float] = (0.0, 0.0),
    name: str = "division",
) -> tuple[Scenario, tuple[float, float]]:
    """The scenario of splitting ``counts`` units per kind between two sides.

    Issue ``kind`` has options ``"0" .. str(counts[kind])``: how many units the *first* side gets;
    the second side gets the rest. Side ``s`` scores ``values[s][kind]`` points per unit it gets.
    Utilities are points divided by each side's total points for the whole pool, so they lie in
    [0, 1]; ``reservations`` are given in points and converted the same way.

    Returns the scenario and the two point scales (each side's total) that convert back.

    >>> s, scale = division_scenario({"hats": 2, "balls": 1},
    ...                              ({"hats": 3, "balls": 4}, {"hats": 1, "balls": 8}),
    ...                              sides=("A", "B"))
    >>> scale
    (10.0, 10.0)
    >>> s.utilities(s.agenda.package({"hats": "2", "balls": "0"}))
    (0.6, 0.8)
    """
    kinds = [kind for kind, count in counts.items()]
    for kind in kinds:
        if counts[kind] < 1:
            raise DataImportError(
                N_("item kind %(kind)r has count %(count)s"),
                expected=N_("a count of at least 1"),
                params={"kind": kind, "count": counts[kind]},
            )
    agenda = Agenda(
        tuple(Issue.discrete(kind, [str(k) for k in range(counts[kind] + 1)]) for kind in kinds),
        name="division",
    )
    scales: list[float] = []
    prefs: dict[str, Preferences] = {}
    for s, side in enumerate(sides):
        stake = {kind: float(values[s][kind]) * counts[kind] for kind in kinds}
        total = sum(stake.values())
        if total <= 0:
            raise DataImportError(
                N_("side %(side)r values nothing in the pool"),
                expected=N_("a positive total value"),
                params={"side": side},
            )
        ratings = {
            kind: {
                str(k): (k if s == 0 else counts[kind] - k) / counts[kind]
                for k in range(counts[kind] + 1)
            }
            for kind in kinds
        }
        # An item kind worth nothing to a side gets weight 0 for that side.
        prefs[side] = Preferences(
            weights=stake,
            ratings=ratings,
            scale=RatingScale(0.0, 1.0),
            reservation=reservations[s] / total,
        )
        scales.append(total)
    return Scenario(agenda, prefs, name=name), (scales[0], scales[1])
