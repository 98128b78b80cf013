"""Hypothesis strategies for small random negotiation scenarios (shared by the test suites).

Ratings are integers on a 0..4 scale and weights integers 0..3 (not all zero), so every utility
is a multiple of ``1 / (4 * total weight)``: distinct utilities differ by far more than the
analysis tolerance, ties are exact up to rounding, and equal ratings are frequent. Interaction
bonuses are multiples of 1/8 for the same reason.

>>> from hypothesis import find
>>> find(scenarios(max_issues=2), lambda s: len(s.party_names) == 3).agenda.size >= 1
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st

from gobetween.model import (
    Agenda,
    Interaction,
    Issue,
    Package,
    Preferences,
    RatingScale,
    RedLine,
    Scenario,
)

__all__ = ["agendas", "packages", "preferences_for", "scenarios", "utility_arrays"]

SCALE = RatingScale(0, 4)


@st.composite
def agendas(draw: st.DrawFn, *, max_issues: int = 4, max_options: int = 4) -> Agenda:
    """An agenda of 1..max_issues issues with 1..max_options options each."""
    sizes = draw(st.lists(st.integers(1, max_options), min_size=1, max_size=max_issues))
    return Agenda(
        tuple(
            Issue.discrete(f"i{j}", [f"o{k}" for k in range(size)]) for j, size in enumerate(sizes)
        )
    )


@st.composite
def packages(draw: st.DrawFn, agenda: Agenda) -> Package:
    """Any package of ``agenda`` (red lines are not consulted)."""
    return Package(agenda, tuple(draw(st.integers(0, i.size - 1)) for i in agenda.issues))


def _pairs(draw: st.DrawFn, agenda: Agenda, max_pairs: int) -> frozenset[tuple[str, str]]:
    count = draw(st.integers(1, min(max_pairs, len(agenda))))
    issues = draw(st.permutations(agenda.issues))[:count]
    return frozenset((i.name, draw(st.sampled_from(i.option_names))) for i in issues)


@st.composite
def preferences_for(
    draw: st.DrawFn,
    agenda: Agenda,
    *,
    red_lines: bool = True,
    coupled: bool = True,
    interactions: bool = True,
) -> Preferences:
    """Random preferences over ``agenda`` on the 0..4 scale (see the module docstring)."""
    weights = {i.name: draw(st.integers(0, 3)) for i in agenda.issues}
    if not any(weights.values()):
        weights[agenda.issues[0].name] = 1
    ratings = {i.name: {o: draw(st.integers(0, 4)) for o in i.option_names} for i in agenda}
    lines: list[RedLine] = []
    if red_lines:
        for _ in range(draw(st.integers(0, 2))):
            pairs = _pairs(draw, agenda, 2 if coupled else 1)
            lines.append(RedLine(pairs))
    bonuses: list[Interaction] = []
    if interactions:
        for _ in range(draw(st.integers(0, 2))):
            bonus = draw(st.integers(-4, 4)) / 8
            bonuses.append(Interaction(_pairs(draw, agenda, 2), bonus))
    reservation = draw(st.integers(0, 8)) / 16
    return Preferences(
        weights,
        ratings,
        scale=SCALE,
        reservation=reservation,
        red_lines=tuple(lines),
        interactions=tuple(bonuses),
    )


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    min_parties: int = 2,
    max_parties: int = 4,
    max_issues: int = 4,
    max_options: int = 4,
    red_lines: bool = True,
    coupled: bool = True,
    interactions: bool = True,
) -> Scenario:
    """A random scenario; ``interactions``/``coupled`` False keeps it additive."""
    agenda = draw(agendas(max_issues=max_issues, max_options=max_options))
    n = draw(st.integers(min_parties, max_parties))
    prefs = {
        f"P{p}": draw(
            preferences_for(agenda, red_lines=red_lines, coupled=coupled, interactions=interactions)
        )
        for p in range(n)
    }
    return Scenario(agenda, prefs, name="random")


@st.composite
def utility_arrays(
    draw: st.DrawFn,
    *,
    parties: Sequence[int] = (2, 3, 4),
    max_issues: int = 5,
    max_options: int = 5,
) -> list[np.ndarray]:
    """Per-issue arrays ``(k_j, n)`` of grid values (multiples of 1/8) for
    ``UtilitySpace.from_arrays``."""
    n = draw(st.sampled_from(tuple(parties)))
    sizes = draw(st.lists(st.integers(1, max_options), min_size=1, max_size=max_issues))
    return [
        np.array(
            [[draw(st.integers(0, 8)) / 8 for _ in range(n)] for _ in range(k)], dtype=np.float64
        )
        for k in sizes
    ]
