"""Tiny scenarios for the rehearsal tests, with frontiers small enough to check by hand."""

from __future__ import annotations

from gobetween.formats import examples
from gobetween.model import Agenda, Issue, Preferences, RedLine, Scenario


def toy() -> Scenario:
    """Two parties, 3 x 2 packages. Utilities (A, B), with A's weights 2:1 and B's 1:2:

    ====  ===========  ===========
    a/b   p            q
    ====  ===========  ===========
    x     (.667, .667) (1, 0)
    y     (.4, .833)   (.733, .167)
    z     (0, 1)       (.333, .333)
    ====  ===========  ===========

    The frontier is (1, 0), (.733, .167), (.667, .667), (.4, .833), (0, 1); the Nash point over the
    reservations (.3, .2) is x/p.
    """
    agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]), Issue.discrete("b", ["p", "q"])))
    sell = Preferences(
        {"a": 2, "b": 1}, {"a": {"x": 1, "y": 0.6, "z": 0}, "b": {"p": 0, "q": 1}}, reservation=0.3
    )
    buy = Preferences(
        {"a": 1, "b": 2}, {"a": {"x": 0, "y": 0.5, "z": 1}, "b": {"p": 1, "q": 0}}, reservation=0.2
    )
    return Scenario(agenda, {"seller": sell, "buyer": buy}, name="toy")


def four_issues() -> Scenario:
    """Two parties on four issues of four options with opposed ratings and one red line each
    (256 packages): big enough that strategies differ."""
    names = ["o0", "o1", "o2", "o3"]
    agenda = Agenda(tuple(Issue.discrete(f"i{j}", names) for j in range(4)))
    up = {n: k / 3 for k, n in enumerate(names)}
    down = {n: 1 - k / 3 for k, n in enumerate(names)}
    a = Preferences(
        {"i0": 4, "i1": 3, "i2": 2, "i3": 1},
        {f"i{j}": (up if j % 2 else down) for j in range(4)},
        reservation=0.35,
        red_lines=(RedLine.of(("i0", "o3")),),
    )
    b = Preferences(
        {"i0": 1, "i1": 2, "i2": 3, "i3": 4},
        {f"i{j}": (down if j % 2 else up) for j in range(4)},
        reservation=0.3,
        red_lines=(RedLine.of(("i3", "o0"), ("i2", "o0")),),
    )
    return Scenario(agenda, {"A": a, "B": b}, name="four")


def several() -> list[Scenario]:
    """The toy, the four issues and two bundled examples (red lines, bonuses, more parties)."""
    return [
        toy(),
        four_issues(),
        examples.load("classroom").scenario,
        examples.load("black_sea_corridor").scenario,
    ]


def long_climbs() -> Scenario:
    """Two parties who want the same, on 40 issues of 6 options: a climb from a random text
    takes far more than the moves one block of draws serves (two draws a move)."""
    names = [f"o{k}" for k in range(6)]
    agenda = Agenda(tuple(Issue.discrete(f"i{j}", names) for j in range(40)))
    up = {n: k / 5 for k, n in enumerate(names)}
    return Scenario(
        agenda,
        {
            "A": Preferences(
                {f"i{j}": 1 + j % 3 for j in range(40)}, {f"i{j}": up for j in range(40)}
            ),
            "B": Preferences(
                {f"i{j}": 3 - j % 3 for j in range(40)}, {f"i{j}": up for j in range(40)}
            ),
        },
        name="long",
    )
