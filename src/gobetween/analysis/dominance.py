"""Nondominated filtering with an explicit tolerance, vectorised with NumPy.

Definitions (``tol >= 0``), for utility vectors ``a`` and ``b`` of the same length:

- ``a`` is *dominated* by ``b`` iff ``b >= a - tol`` in every coordinate and ``b > a + tol`` in
  at least one;
- ``a`` and ``b`` are *tied* iff ``|a - b| <= tol`` in every coordinate.

:func:`nondominated` drops the dominated points of a set and groups the others into tie groups,
each represented by one of its points. Two parties use an exact ``O(N log N)`` sweep against all
points. Three or more parties sort the points by coordinate sum (a dominator's sum exceeds the
dominated point's sum minus ``(n - 2) * tol``) and test blocks of points against the
representatives kept so far (in chunks, dropping the rows already found dominated), then the rows
that survive against each other and against the points just after the block whose sums are
within the tolerance window.

Tolerance comparisons are not transitive, so testing against the survivors only (rather than
against every point) can differ from the pairwise definition when distinct utilities lie within a
few ``tol`` of each other. When they differ by more than ``2 * tol`` (ratings on any grid coarser
than the tolerance) the result equals the pairwise definition exactly.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

__all__ = ["Groups", "nondominated", "undominated_rows"]

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]

#: Rows of candidates tested together against the kept representatives.
BLOCK = 512
#: Kept representatives compared with one block at a time (growing from FIRST_CHUNK).
CHUNK = 2048
FIRST_CHUNK = 64


class Groups(NamedTuple):
    """The result of :func:`nondominated` (internal).

    ``representatives`` (shape ``(m,)``): indices of one point per tie group of nondominated
    points, in decreasing order of priority (the order the frontier is built in).
    ``group`` (shape ``(N,)``): for every input point, the position in ``representatives`` of its
    tie group, or ``-1`` when the point is dominated.
    """

    representatives: IndexArray
    group: IndexArray


def nondominated(points: FloatArray, tol: float) -> Groups:
    """Drop dominated points and group ties; ``points`` has shape ``(N, n)``.

    Examples
    --------
    >>> pts = np.array([[1.0, 0.0], [0.0, 1.0], [0.4, 0.4], [1.0, 0.0], [0.5, 0.5]])
    >>> g = nondominated(pts, 1e-9)
    >>> g.representatives.tolist(), g.group.tolist()
    ([0, 4, 1], [0, 2, -1, 0, 1])
    """
    count, n = points.shape
    if count == 0:
        return Groups(np.empty(0, np.intp), np.empty(0, np.intp))
    if n == 1:
        return _one_dimension(points[:, 0], tol)
    if n == 2:
        return _two_dimensions(points, tol)
    return _many_dimensions(points, tol)


def undominated_rows(points: FloatArray, tol: float) -> NDArray[np.bool_]:
    """Boolean mask (shape ``(N,)``) of the points no other point dominates.

    >>> undominated_rows(np.array([[1.0, 0.0], [0.5, 0.0]]), 0.0).tolist()
    [True, False]
    """
    return nondominated(points, tol).group >= 0


def _one_dimension(x: FloatArray, tol: float) -> Groups:
    best = int(np.argmax(x))
    group = np.where(x >= x[best] - tol, 0, -1).astype(np.intp)
    return Groups(np.array([best], np.intp), group)


def _two_dimensions(points: FloatArray, tol: float) -> Groups:
    # Only the order by x matters for the sweep: among survivors, points within tol on x are
    # within tol on y too (else one would dominate the other). A stable sort is also fast on the
    # merge's candidates, which are k runs already sorted by x.
    order = np.argsort(-points[:, 0], kind="stable")
    x = points[order, 0]
    y = points[order, 1]
    neg_x = -x
    running = np.maximum.accumulate(y)
    # A dominator strictly better on x: x_j > x_i + tol and y_j >= y_i - tol.
    ahead = neg_x.searchsorted(neg_x - tol, side="left")
    dominated = running[ahead - 1] >= y - tol
    dominated &= ahead > 0
    # A dominator strictly better on y: x_j >= x_i - tol and y_j > y_i + tol.
    near = neg_x.searchsorted(neg_x + tol, side="right")
    dominated |= running[near - 1] > y + tol
    alive = (~dominated).nonzero()[0]
    ax, ay = x[alive], y[alive]
    starts = np.empty(alive.size, dtype=bool)
    starts[0] = True
    np.greater(np.abs(ax[1:] - ax[:-1]), tol, out=starts[1:])
    starts[1:] |= np.abs(ay[1:] - ay[:-1]) > tol
    group = np.full(points.shape[0], -1, dtype=np.intp)
    group[order[alive]] = starts.cumsum() - 1
    return Groups(order[alive[starts]], group)


def _covered(targets: FloatArray, lows: FloatArray) -> NDArray[np.bool_]:
    """``out[i, j]`` iff ``targets[j] >= lows[i]`` in every coordinate.

    Shape ``(len(lows), len(targets))``.
    """
    out = lows[:, None, 0] <= targets[None, :, 0]
    for c in range(1, lows.shape[1]):
        out &= lows[:, None, c] <= targets[None, :, c]
    return out


def _within(a: FloatArray, b: FloatArray, tol: float) -> NDArray[np.bool_]:
    """Row-wise tie test of two equally long arrays of points."""
    result: NDArray[np.bool_] = np.all(np.abs(a - b) <= tol, axis=1)
    return result


def _many_dimensions(points: FloatArray, tol: float) -> Groups:
    count, n = points.shape
    sums = points.sum(axis=1)
    order = np.argsort(-sums, kind="stable")
    ordered = points[order]
    neg_sums = -sums[order]
    kept = np.empty_like(ordered)
    n_kept = 0
    group = np.full(count, -1, dtype=np.intp)
    representatives: list[IndexArray] = []
    for start in range(0, count, BLOCK):
        stop = min(start + BLOCK, count)
        # Points later in the order can still dominate or tie within the tolerance window.
        reach = int(np.searchsorted(neg_sums, neg_sums[stop - 1] + n * tol, side="right"))
        block = ordered[start:stop]
        dominated, tie_kept = _against_kept(block, kept[:n_kept], tol)
        alive = np.flatnonzero(~dominated)
        if alive.size:
            window = np.concatenate([block[alive], ordered[stop:reach]])
            dominated[alive[_against_window(block[alive], window, tol)]] = True
        fresh, tie_block = _ties_in_block(block, dominated, tie_kept, tol)
        ids = np.full(block.shape[0], -1, dtype=np.intp)
        ids[tie_kept >= 0] = tie_kept[tie_kept >= 0]
        ids[fresh] = n_kept + np.arange(fresh.size)
        linked = tie_block >= 0
        ids[linked] = ids[tie_block[linked]]
        ids[dominated] = -1
        group[order[start:stop]] = ids
        kept[n_kept : n_kept + fresh.size] = block[fresh]
        n_kept += fresh.size
        representatives.append(order[start + fresh])
    return Groups(np.concatenate(representatives).astype(np.intp), group)


def _against_kept(
    block: FloatArray, kept: FloatArray, tol: float
) -> tuple[NDArray[np.bool_], IndexArray]:
    """Which block rows a kept point dominates, and the first kept point each row ties with."""
    rows = block.shape[0]
    dominated = np.zeros(rows, dtype=bool)
    tie = np.full(rows, -1, dtype=np.intp)
    active = np.arange(rows)
    lows = block - tol
    start, size = 0, FIRST_CHUNK
    while start < kept.shape[0] and active.size:
        # Small chunks first: the kept points of largest sum settle most rows cheaply.
        chunk = kept[start : start + size]
        cover = _covered(chunk, lows[active])
        strict, first_tie = _judge(cover, chunk, block[active], tol)
        dominated[active[strict]] = True
        fresh = (first_tie >= 0) & (tie[active] < 0)
        tie[active[fresh]] = start + first_tie[fresh]
        active = active[~dominated[active]]
        start, size = start + size, min(4 * size, CHUNK)
    tie[dominated] = -1
    return dominated, tie


def _judge(
    cover: NDArray[np.bool_], targets: FloatArray, points: FloatArray, tol: float
) -> tuple[IndexArray, IndexArray]:
    """From a cover matrix (``points`` x ``targets``): the rows some target dominates, and per
    row the first target it ties with (-1 if none).

    Most covered rows are decided by their first covering target; only rows whose first
    covering target is a tie are examined in full.
    """
    first_tie = np.full(points.shape[0], -1, dtype=np.intp)
    hit = np.flatnonzero(cover.any(axis=1))
    if hit.size == 0:
        return hit.astype(np.intp), first_tie
    first = cover[hit].argmax(axis=1)
    same = _within(targets[first], points[hit], tol)
    unsure = hit[same]
    first_tie[unsure] = first[same]
    strict = [hit[~same]]
    if unsure.size:
        r, c = np.nonzero(cover[unsure])
        beyond = ~_within(targets[c], points[unsure[r]], tol)
        strict.append(unsure[r[beyond]])
    return np.concatenate(strict).astype(np.intp), first_tie


def _against_window(block: FloatArray, window: FloatArray, tol: float) -> NDArray[np.bool_]:
    """Which rows of ``block`` a point of ``window`` dominates; ``window`` starts with ``block``."""
    cover = _covered(window, block - tol)
    np.fill_diagonal(cover, False)  # row i of the block is column i of the window
    strict, _ = _judge(cover, window, block, tol)
    dominated = np.zeros(block.shape[0], dtype=bool)
    dominated[strict] = True
    return dominated


def _ties_in_block(
    block: FloatArray, dominated: NDArray[np.bool_], tie_kept: IndexArray, tol: float
) -> tuple[IndexArray, IndexArray]:
    """New representatives of the block, and for other rows the earlier block row they tie with."""
    rows = block.shape[0]
    candidates = np.flatnonzero(~dominated & (tie_kept < 0))
    tie_block = np.full(rows, -1, dtype=np.intp)
    if candidates.size == 0:
        return candidates.astype(np.intp), tie_block
    sub = block[candidates]
    sums = sub.sum(axis=1)
    if np.all(np.abs(np.diff(sums)) > sub.shape[1] * tol):
        # The block is in order of sum and tied points' sums differ by at most n * tol.
        return candidates.astype(np.intp), tie_block
    same = np.all(np.abs(sub[:, None, :] - sub[None, :, :]) <= tol, axis=2)
    same &= np.tri(candidates.size, k=-1, dtype=bool)
    has_earlier = same.any(axis=1)
    earliest = np.argmax(same, axis=1)
    root = np.where(has_earlier, earliest, np.arange(candidates.size))
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    fresh = candidates[root == np.arange(candidates.size)]
    linked = root != np.arange(candidates.size)
    tie_block[candidates[linked]] = candidates[root[linked]]
    return fresh.astype(np.intp), tie_block
