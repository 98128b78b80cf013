"""An independent reference for Genius scenarios: XML reader on Genius semantics, brute force.

This module shares no code with :mod:`gobetween.formats` or :mod:`gobetween.analysis` on
purpose: it is the oracle the tests compare them against.

Genius semantics (its ``EvaluatorDiscrete`` and ``EvaluatorInteger``): a package's utility for a
party is ``sum_i w_i * e_i(v_i)`` where, for a discrete issue, ``e_i(v) = eval(v) / max_v eval(v)``
(items matched by their ``value`` string; when a profile lists the same value twice the later
entry wins, as in Genius's hash map), and for an integer issue with a linear evaluator
``e_i(v) = clip(offset + slope * (v - lowerbound), 0, 1)``. Reservation values are on that scale
(0 when absent). Utilities are summed in agenda order starting from 0.0, the order a
Minkowski-sum merge adds them in, so exact frontiers can be compared bit for bit.

One exception at the end, :func:`compare_with_reference`: it runs gobetween itself (its Genius
import, its frontier, :func:`gobetween.analysis.reference.compare_frontiers`) against the
reference frontiers published in a folder (``python -m benchmarks.genius_reference FOLDER``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import numpy as np
from defusedxml import ElementTree
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

GENIUS_ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "genius"


@dataclass(frozen=True)
class GeniusTables:
    """A Genius scenario as per-issue tables.

    ``values[j]`` has shape ``(k_j, n_parties)``: ``w_i * e_i(option)`` for each option of issue
    ``j`` in domain order; ``evaluations[j]`` the same without the weight; ``weights`` has shape
    ``(n_parties, n_issues)``.
    """

    folder: Path
    issue_names: tuple[str, ...]
    option_names: tuple[tuple[str, ...], ...]
    profiles: tuple[str, ...]
    values: tuple[FloatArray, ...]
    evaluations: tuple[FloatArray, ...]
    weights: FloatArray
    reservations: FloatArray

    @property
    def n_parties(self) -> int:
        return len(self.profiles)

    @property
    def size(self) -> int:
        total = 1
        for v in self.values:
            total *= int(v.shape[0])
        return total


def scenario_folders(root: Path = GENIUS_ROOT) -> list[Path]:
    """Every folder under ``root`` holding a Genius domain (sorted)."""
    return sorted({p.parent for p in root.rglob("*.xml")})


def _root(path: Path) -> Element:
    root: Element = ElementTree.parse(path).getroot()
    return root


def split_folder(folder: Path) -> tuple[Path, list[Path]]:
    """The domain file and the profile files (sorted by name) of a Genius folder."""
    domain: Path | None = None
    profiles: list[Path] = []
    for path in sorted(folder.glob("*.xml")):
        tag = _root(path).tag
        if tag == "negotiation_template":
            domain = path
        elif tag == "utility_space":
            profiles.append(path)
    if domain is None:
        raise ValueError(f"{folder}: no negotiation_template file")
    return domain, profiles


def _domain_issues(domain: Path) -> list[tuple[str, str, list[str], Element]]:
    issues = []
    for issue in _root(domain).iter("issue"):
        kind = issue.get("type") or issue.get("etype") or "discrete"
        if kind == "integer":
            low, high = int(issue.get("lowerbound", "0")), int(issue.get("upperbound", "0"))
            options = [str(v) for v in range(low, high + 1)]
        else:
            options = [str(item.get("value")) for item in issue.findall("item")]
        issues.append((str(issue.get("index")), str(issue.get("name")), options, issue))
    return issues


def _evaluate(issue: Element, domain_issue: Element, options: list[str]) -> FloatArray:
    evaluator = issue.find("evaluator")
    if evaluator is not None and evaluator.get("ftype") == "linear":
        low = int(domain_issue.get("lowerbound", "0"))
        offset, slope = float(evaluator.get("offset", "0")), float(evaluator.get("slope", "0"))
        raw = np.array([offset + slope * (int(v) - low) for v in options])
        return np.asarray(np.clip(raw, 0.0, 1.0), dtype=np.float64)
    table: dict[str, float] = {}
    for item in issue.findall("item"):
        table[str(item.get("value"))] = float(item.get("evaluation", "0"))
    top = max(table.values())
    if top <= 0.0:  # Genius guards an all-zero issue: it then scores 0 everywhere
        return np.zeros(len(options))
    return np.array([table.get(o, 0.0) / top for o in options], dtype=np.float64)


def read_genius(folder: Path) -> GeniusTables:
    """Read a Genius folder on Genius semantics (see the module docstring)."""
    domain, profile_paths = split_folder(folder)
    issues = _domain_issues(domain)
    n, m = len(profile_paths), len(issues)
    weights = np.zeros((n, m))
    evaluations = [np.zeros((len(opts), n)) for _, _, opts, _ in issues]
    reservations = np.zeros(n)
    for p, path in enumerate(profile_paths):
        root = _root(path)
        by_index = {str(i.get("index")): i for i in root.iter("issue")}
        weight_of = {str(w.get("index")): float(w.get("value", "0")) for w in root.iter("weight")}
        for j, (index, _name, options, dom) in enumerate(issues):
            evaluations[j][:, p] = _evaluate(by_index[index], dom, options)
            weights[p, j] = weight_of[index]
        reservation = root.find("reservation")
        if reservation is not None:
            reservations[p] = float(reservation.get("value", "0"))
    values = tuple(evaluations[j] * weights[:, j][None, :] for j in range(m))
    for v in (*values, *evaluations, weights, reservations):
        v.flags.writeable = False
    return GeniusTables(
        folder=folder,
        issue_names=tuple(name for _, name, _, _ in issues),
        option_names=tuple(tuple(opts) for _, _, opts, _ in issues),
        profiles=tuple(p.name for p in profile_paths),
        values=values,
        evaluations=tuple(evaluations),
        weights=weights,
        reservations=reservations,
    )


def enumerate_utilities(values: tuple[FloatArray, ...] | list[FloatArray]) -> FloatArray:
    """Every package's utility vector, shape ``(N, n)``, first issue varying slowest.

    Summed in agenda order from 0.0 (the merge's order), vectorised.
    """
    n = values[0].shape[1]
    total = np.zeros((1, n))
    for table in values:
        total = (total[:, None, :] + table[None, :, :]).reshape(-1, n)
    return total


def package_index(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The option indices of package ``flat`` in :func:`enumerate_utilities` order."""
    return tuple(int(i) for i in np.unravel_index(flat, shape))


def exact_frontier(points: FloatArray) -> FloatArray:
    """The exactly undominated distinct utility vectors, sorted by the first party descending.

    Two parties: an ``O(N log N)`` sweep. More parties: distinct points in decreasing order of
    their sum, each block compared with the undominated points kept so far and with its own
    neighbourhood (``O(N * frontier)``).
    """
    if points.shape[1] == 2:
        # Sorted by u0 then u1 descending, a point is undominated and the first of its duplicates
        # iff its u1 beats every earlier point's u1.
        order = np.lexsort((-points[:, 1], -points[:, 0]))
        ordered = points[order]
        best_before = np.maximum.accumulate(np.concatenate(([-np.inf], ordered[:-1, 1])))
        result: FloatArray = ordered[ordered[:, 1] > best_before]
        return result
    unique = np.unique(points, axis=0)
    sums = unique.sum(axis=1)
    order = np.argsort(-sums, kind="stable")
    ordered, neg_sums = unique[order], -sums[order]
    kept = np.empty((0, unique.shape[1]))
    for start in range(0, ordered.shape[0], 256):
        block = ordered[start : start + 256]
        # A dominator has a larger sum, up to rounding: look a little past the block too.
        reach = int(np.searchsorted(neg_sums, neg_sums[start + block.shape[0] - 1] + 1e-9, "right"))
        rivals = np.concatenate((kept, ordered[start:reach]))
        geq = np.all(rivals[None, :, :] >= block[:, None, :], axis=2)
        gt = np.any(rivals[None, :, :] > block[:, None, :], axis=2)
        kept = np.concatenate((kept, block[~np.any(geq & gt, axis=1)]))
    keys = tuple(-kept[:, c] for c in range(kept.shape[1] - 1, -1, -1))
    front: FloatArray = kept[np.lexsort(keys)]
    return front


@dataclass(frozen=True)
class NashReference:
    """The brute-force Nash point: the best product, the utilities and packages reaching it."""

    product: float
    utilities: FloatArray  # (ties, n): distinct utility vectors within ``rtol`` of the best
    packages: NDArray[np.intp]  # flat package indices reaching the best product


def nash_brute_force(
    points: FloatArray, disagreement: FloatArray, rtol: float = 1e-9
) -> NashReference | None:
    """Maximise ``prod(u - d)`` over packages with ``u > d`` for every party; ``None`` if none."""
    gains = points - disagreement[None, :]
    feasible = np.all(gains > 0, axis=1)
    if not feasible.any():
        return None
    product = np.where(feasible, np.prod(np.where(feasible[:, None], gains, 1.0), axis=1), -1.0)
    best = float(product.max())
    near = np.flatnonzero(product >= best * (1 - rtol))
    return NashReference(best, np.unique(points[near], axis=0), near.astype(np.intp))


def capped(points: FloatArray) -> FloatArray:
    """Genius caps a package's utility at 1 (``AdditiveUtilitySpace.getUtility``)."""
    return np.minimum(points, 1.0)


def frontier_with_counts(points: FloatArray) -> tuple[FloatArray, NDArray[np.int64]]:
    """Two parties: the exact frontier (as :func:`exact_frontier`) and how many packages reach
    each of its points (exact equality)."""
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    ordered = points[order]
    starts = np.ones(ordered.shape[0], dtype=bool)
    starts[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    first = np.flatnonzero(starts)
    sizes = np.diff(np.append(first, ordered.shape[0])).astype(np.int64)
    groups = ordered[first]
    best_before = np.maximum.accumulate(np.concatenate(([-np.inf], groups[:-1, 1])))
    keep = groups[:, 1] > best_before
    return groups[keep], sizes[keep]


def unmatched(a: FloatArray, b: FloatArray, tol: float) -> FloatArray:
    """The rows of ``a`` farther than ``tol`` (max norm) from every row of ``b``."""
    if a.shape[0] == 0 or b.shape[0] == 0:
        return a
    far = np.ones(a.shape[0], dtype=bool)
    for start in range(0, a.shape[0], 512):
        block = a[start : start + 512]
        dist = np.abs(block[:, None, :] - b[None, :, :]).max(axis=2)
        far[start : start + 512] = dist.min(axis=1) > tol
    result: FloatArray = a[far]
    return result


def tolerant_frontier(points: FloatArray, tol: float) -> tuple[FloatArray, NDArray[np.int64]]:
    """Two parties, with tolerance: ``a`` is dominated iff some ``b >= a - tol`` everywhere and
    ``b > a + tol`` somewhere; undominated points within ``tol`` of each other are one tie group.

    Returns one point per tie group (its largest first utility) and the group's package count.
    A point ``b`` that tol-dominates ``a`` is itself weakly dominated by an exact frontier point,
    which then tol-dominates ``a`` too; and an undominated ``a`` lies within ``tol`` of the exact
    frontier point above it. So only packages within ``tol`` of the exact frontier are candidates,
    and they are tested against the exact frontier only.
    """
    exact = exact_frontier(points)
    by_x = exact[np.argsort(exact[:, 0])]
    lo = np.searchsorted(by_x[:, 0], points[:, 0] - tol, side="left")
    hi = np.searchsorted(by_x[:, 0], points[:, 0] + tol, side="right")
    near = np.flatnonzero(hi > lo)
    close = np.zeros(near.size, dtype=bool)
    width = int((hi[near] - lo[near]).max()) if near.size else 0
    for offset in range(width):
        k = np.minimum(lo[near] + offset, by_x.shape[0] - 1)
        valid = lo[near] + offset < hi[near]
        close |= valid & np.all(np.abs(by_x[k] - points[near]) <= tol, axis=1)
    candidates = points[near[close]]
    weak = np.all(exact[None, :, :] >= candidates[:, None, :] - tol, axis=2)
    strict = np.any(exact[None, :, :] > candidates[:, None, :] + tol, axis=2)
    alive = candidates[~np.any(weak & strict, axis=1)]
    alive = alive[np.lexsort((-alive[:, 1], -alive[:, 0]))]
    starts = np.ones(alive.shape[0], dtype=bool)
    starts[1:] = np.any(np.abs(np.diff(alive, axis=0)) > tol, axis=1)
    first = np.flatnonzero(starts)
    sizes = np.diff(np.append(first, alive.shape[0])).astype(np.int64)
    return alive[first], sizes


def compare_with_reference(folder: Path, *, tol: float = 1e-6) -> list[dict[str, Any]]:
    """For each reference frontier file in a Genius ``folder`` (rows of comma-separated
    utilities, in profile order), whether gobetween's frontier equals or dominates it, point by
    point (:func:`gobetween.analysis.reference.compare_frontiers`). Empty when there is none."""
    from gobetween.analysis import pareto_frontier
    from gobetween.analysis.reference import compare_frontiers
    from gobetween.formats.genius import load_genius
    from gobetween.formats.genius_frontier import parse_reference_frontier

    references = {
        path.name: rows
        for path in sorted(folder.iterdir())
        if path.is_file() and (rows := parse_reference_frontier(path.read_bytes())) is not None
    }
    if not references:
        return []
    scenario = load_genius(folder)
    front = pareto_frontier(scenario)
    reports = []
    for name, rows in references.items():
        comparison = compare_frontiers(front.utilities, rows, tol=tol)
        reports.append(
            {
                "folder": str(folder),
                "reference": name,
                "parties": list(scenario.party_names),
                "method": front.method,
                "status": front.status,
                "verdict": str(comparison.verdict),
                "reference_points": len(rows),
                "equal": comparison.equal,
                "dominated": comparison.dominated,
                "missed": comparison.missed,
                "gobetween_points": len(front.utilities),
                "extra": comparison.extra,
                "points": [
                    {"reference": list(row), "verdict": str(verdict)}
                    for row, verdict in zip(rows, comparison.points, strict=True)
                ],
                "tol": tol,
            }
        )
    return reports


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.genius_reference",
        description="gobetween's frontier against the reference frontiers in Genius folders",
    )
    parser.add_argument(
        "folders", nargs="*", type=Path, help=f"default: every folder under {GENIUS_ROOT}"
    )
    parser.add_argument("--tol", type=float, default=1e-6)
    args = parser.parse_args(argv)
    for folder in args.folders or scenario_folders():
        for report in compare_with_reference(folder, tol=args.tol):
            print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
