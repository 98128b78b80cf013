"""The report of a tournament: per strategy (and per strategy and behaviour), what it achieved.

For each group of runs: how many were played (and how many timed out or failed), the share that
ended in agreement, the share that ended in a Pareto-optimal agreement (of all runs played), the
mean distance to the Nash point (every played run counts: a run without agreement at the
parties' reservation levels), the mean rounds, and negotiations per second (runs divided by the
seconds spent inside them, one process; preparing a scenario is not counted). Where a scenario's
Genius folder carries a published reference frontier, the report adds whether gobetween's exact
frontier equals or dominates it point by point (:mod:`gobetween.batch.references`).
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gobetween.batch.references import ReferenceCheck
from gobetween.errors import N_, InputError

__all__ = ["ALL", "Summary", "summarise", "write_report"]

#: The behaviour column of a strategy's total over all behaviours.
ALL = "all"


@dataclass(frozen=True)
class Summary:
    """One line of the report."""

    strategy: str
    behaviour: str
    runs: int
    timeouts: int
    errors: int
    agreements: float
    pareto_optimal: float
    nash_distance: float | None
    rounds: float | None
    per_second: float | None


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _summary(strategy: str, behaviour: str, rows: Sequence[Mapping[str, Any]]) -> Summary:
    played = [r for r in rows if r["status"] == "ok"]
    seconds = math.fsum(float(r["seconds"] or 0.0) for r in played)
    distances = [float(r["nash_distance"]) for r in played if r["nash_distance"] is not None]
    count = len(played)
    return Summary(
        strategy=strategy,
        behaviour=behaviour,
        runs=count,
        timeouts=sum(r["status"] == "timeout" for r in rows),
        errors=sum(r["status"] not in ("ok", "timeout") for r in rows),
        agreements=sum(bool(r["agreement"]) for r in played) / count if count else 0.0,
        pareto_optimal=sum(bool(r["pareto_optimal"]) for r in played) / count if count else 0.0,
        nash_distance=_mean(distances),
        rounds=_mean([float(r["rounds"]) for r in played]),
        per_second=count / seconds if seconds > 0 else None,
    )


def summarise(
    rows: Iterable[Mapping[str, Any]],
    strategies: Sequence[str] | None = None,
    behaviours: Sequence[str] | None = None,
) -> list[Summary]:
    """Per strategy: one line per behaviour, then its total (``behaviour == "all"``).

    Strategies and behaviours appear in the given order (else in order of first appearance).
    """
    rows = list(rows)
    order = list(strategies or dict.fromkeys(r["strategy"] for r in rows))
    kinds = list(behaviours or dict.fromkeys(r["behaviour"] for r in rows))
    lines: list[Summary] = []
    for strategy in order:
        mine = [r for r in rows if r["strategy"] == strategy]
        if not mine:
            continue
        for behaviour in kinds:
            group = [r for r in mine if r["behaviour"] == behaviour]
            if group:
                lines.append(_summary(strategy, behaviour, group))
        lines.append(_summary(strategy, ALL, mine))
    return lines


def write_report(
    lines: Sequence[Summary],
    path: str | os.PathLike[str],
    references: Sequence[ReferenceCheck] = (),
) -> None:
    """The report as ``.json`` (an object: ``strategies``, a list of the lines, and
    ``reference_frontiers``, a list of the checks of the scenarios' published frontiers) or
    ``.csv`` (one row per line; the reference checks only in JSON and the printed report)."""
    target = Path(path)
    records = [asdict(line) for line in lines]
    suffix = target.suffix.lower()
    if suffix == ".json":
        document = {
            "strategies": records,
            "reference_frontiers": [asdict(check) for check in references],
        }
        target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    elif suffix == ".csv":
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(Summary.__dataclass_fields__))
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in records)
    else:
        raise InputError(
            N_("unknown report format %(suffix)r")
            if suffix
            else N_("the report's name has no extension"),
            source=str(target),
            expected=N_("a name ending in .json or .csv"),
            params={"suffix": suffix},
        )
