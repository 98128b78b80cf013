"""The package cloud behind ``gobetween analyze --plot``: every package, or a uniform sample."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from gobetween import i18n
from gobetween.analysis import Analysis, UtilitySpace
from gobetween.cli.language import number
from gobetween.formats.plots import plot_utility_space
from gobetween.i18n import _
from gobetween.model import Package, Scenario

__all__ = ["chart_words", "draw", "package_cloud"]

#: Packages drawn as the grey cloud: all of them up to this many, else a uniform sample.
CLOUD_SIZE = 20_000


def package_cloud(
    scenario: Scenario, *, size: int = CLOUD_SIZE, rng: np.random.Generator | int | None = 0
) -> NDArray[np.float64]:
    """Utility vectors of every allowed package, or of ``size`` packages sampled uniformly.

    Shape ``(p, n_parties)``. Additive scenarios are summed from the per-issue arrays;
    others (interactions, coupled red lines) are evaluated package by package on a smaller
    sample, with packages that cross a red line left out.

    >>> from gobetween.formats import examples, load_scenario
    >>> package_cloud(load_scenario(examples.path("classroom"))).shape[1]
    2
    """
    generator = np.random.default_rng(rng)
    space = UtilitySpace.from_scenario(scenario)
    if space.size == 0:
        return np.zeros((0, space.n_parties))
    if space.exact and space.size <= size:
        total = np.zeros((1, space.n_parties))
        for values in space.values:
            total = (total[:, None, :] + values[None, :, :]).reshape(-1, space.n_parties)
        return total
    count = size if space.exact else min(size, 2_000)
    picks = [generator.integers(0, len(v), size=count) for v in space.values]
    if space.exact:
        cloud: NDArray[np.float64] = np.sum(
            [v[p] for v, p in zip(space.values, picks, strict=True)], axis=0
        )
        return cloud
    rows = []
    for k in range(count):
        choices = [int(idx[p[k]]) for idx, p in zip(space.option_indices, picks, strict=True)]
        package = Package(scenario.agenda, tuple(choices))
        if all(p.accepts(package) for p in scenario.preferences.values()):
            rows.append(scenario.utilities(package))
    return np.array(rows, dtype=np.float64).reshape(-1, space.n_parties)


def draw(path: Path, scenario: Scenario, result: Analysis) -> Path:
    """Draw the utility space of ``scenario`` with the analysis ``result`` to ``path``."""
    solutions = {s.name: np.array(s.utilities) for s in result.solutions}
    sampled = scenario.agenda.size > CLOUD_SIZE
    title = _("%(scenario)s: %(points)s frontier points") % {
        "scenario": scenario.name,
        "points": number(len(result.frontier)),
    }
    if sampled:
        title += _(", %(sampled)s of %(packages)s packages sampled") % {
            "sampled": number(CLOUD_SIZE),
            "packages": _short(scenario.agenda.size),
        }
    return plot_utility_space(
        path,
        party_names=scenario.party_names,
        frontier=np.asarray(result.frontier.utilities),
        packages=package_cloud(scenario),
        solutions=solutions,
        reservations=np.array(scenario.reservations()),
        title=title,
        words=chart_words(),
    )


def chart_words() -> dict[str, str]:
    """The chart's legend and axis words in the run's language, by their English (the
    solutions keep their identifiers, ``nash``, in English, as the chart always drew them)."""
    from gobetween.cli.analyze_report import SOLUTION_TITLES

    words = {
        "packages": _("packages"),
        "Pareto frontier": _("Pareto frontier"),
        "reservation": _("reservation"),
        "utility of %(party)s": _("utility of %(party)s"),
    }
    if i18n.current_locale() != i18n.DEFAULT_LOCALE:
        for key, title in SOLUTION_TITLES.items():
            words[key.replace("_", "-")] = str(title)
    return words


def _short(size: int) -> str:
    return number(size) if size < 10**9 else f"10^{number(math.log10(size), 1, grouped=False)}"
