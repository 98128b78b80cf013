"""Drawings of the utility space with matplotlib (SVG or PNG files).

The plot shows, for each pair of parties, the packages (all of them for small spaces, a uniform
sample for large ones), the Pareto frontier, the bargaining solutions and the reservation lines.
Two parties give one panel; three to five give one panel per pair.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from gobetween.errors import N_, InputError

__all__ = ["SOLUTION_STYLE", "plot_utility_space"]

#: Marker and colour per solution name, shared with the web chart's legend.
SOLUTION_STYLE: Mapping[str, tuple[str, str, int]] = {
    "nash": ("*", "#b2182b", 260),
    "kalai-smorodinsky": ("D", "#2166ac", 150),
    "egalitarian": ("s", "#1b7837", 90),
    "max-welfare": ("^", "#762a83", 90),
}


def plot_utility_space(
    path: Path | str,
    *,
    party_names: tuple[str, ...],
    frontier: NDArray[np.float64],
    packages: NDArray[np.float64] | None,
    solutions: Mapping[str, NDArray[np.float64]],
    reservations: NDArray[np.float64],
    title: str = "",
    words: Mapping[str, str] | None = None,
) -> Path:
    """Draw the utility space to ``path`` (``.svg`` or ``.png``) and return the path.

    Parameters
    ----------
    party_names
        The ``n`` parties, in column order of the arrays.
    frontier
        Shape ``(m, n)``: the Pareto frontier's utility vectors.
    packages
        Shape ``(p, n)``: packages to show as a cloud (all, or a sample), or ``None``.
    solutions
        Solution name -> shape ``(n,)`` utility vector.
    reservations
        Shape ``(n,)``: each party's reservation value, drawn as a dashed line.
    words
        The chart's words in the reader's language, by their English (``"packages"``,
        ``"Pareto frontier"``, ``"reservation"``, a solution's name, and the axis label
        ``"utility of %(party)s"``); a word not given is drawn in English.
    """
    said = dict(words or {})
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    target = Path(path)
    if target.suffix.lower() not in (".svg", ".png"):
        raise InputError(
            N_("cannot draw to %(file)r"),
            location="--plot",
            expected=N_("a .svg or .png file"),
            params={"file": target.name},
        )
    n = len(party_names)
    pairs = list(itertools.combinations(range(n), 2)) if n > 1 else []
    if not pairs:
        raise InputError(N_("a utility-space plot needs at least two parties"), location="--plot")
    columns = min(len(pairs), 3)
    rows = -(-len(pairs) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(max(7.5, 5.2 * columns), 4.8 * rows + 0.8), squeeze=False
    )
    for ax, (a, b) in zip(axes.flat, pairs, strict=False):
        if packages is not None and len(packages):
            ax.scatter(
                packages[:, a],
                packages[:, b],
                s=4,
                c="#bbbbbb",
                label=said.get("packages", "packages"),
                lw=0,
            )
        order = np.argsort(frontier[:, a], kind="stable")
        ax.plot(
            frontier[order, a],
            frontier[order, b],
            "-o",
            ms=3,
            c="#333333",
            lw=1,
            label=said.get("Pareto frontier", "Pareto frontier"),
        )
        for name, point in solutions.items():
            # Hollow markers of decreasing size keep coinciding solutions visible.
            marker, colour, size = SOLUTION_STYLE.get(name, ("o", "#000000", 90))
            ax.scatter(
                [point[a]],
                [point[b]],
                marker=marker,
                s=size,
                facecolors="none",
                edgecolors=colour,
                linewidths=1.8,
                zorder=5,
                label=said.get(name, name),
            )
        ax.axvline(reservations[a], ls="--", c="#d6604d", lw=0.8)
        ax.axhline(
            reservations[b],
            ls="--",
            c="#d6604d",
            lw=0.8,
            label=said.get("reservation", "reservation"),
        )
        axis = said.get("utility of %(party)s", "utility of %(party)s")
        ax.set_xlabel(axis % {"party": party_names[a]})
        ax.set_ylabel(axis % {"party": party_names[b]})
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(pairs) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.12, 1, 0.97))
    fig.savefig(target)
    plt.close(fig)
    return target
