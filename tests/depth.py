"""How far the suite's explorations go: ``GOBETWEEN_DEPTH``.

``make test`` runs every test at depth 1, so the whole suite stays within its 15 minutes on a
2-core machine. ``.ci/run`` then runs ``make test-deep``: the tests marked ``deep`` (the stateful
confidentiality machines, the API fuzzing) again at depth 8, with eight times their Hypothesis
examples, split into shards that pytest-xdist spreads over the workers. A test that takes part
asks for its number of examples through :func:`examples` and for its shards through
:func:`shards`; ``GOBETWEEN_STATEFUL_EXAMPLES`` still overrides the count of one shard (to
reproduce a failure quickly, or to explore much further by hand).
"""

from __future__ import annotations

import os

__all__ = ["depth", "examples", "shards"]


def depth() -> int:
    """The depth asked for (``GOBETWEEN_DEPTH``, a whole number from 1; 1 when unset)."""
    raw = os.environ.get("GOBETWEEN_DEPTH", "1")
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"GOBETWEEN_DEPTH must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"GOBETWEEN_DEPTH must be 1 or more, not {value}")
    return value


def examples(base: int) -> int:
    """The examples one shard runs: ``base``, or ``GOBETWEEN_STATEFUL_EXAMPLES`` when set."""
    return int(os.environ.get("GOBETWEEN_STATEFUL_EXAMPLES", base))


def shards() -> list[int]:
    """The shards of a deep test: one per level of depth, each its own random exploration."""
    return list(range(depth()))
