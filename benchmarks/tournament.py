"""gobetween's mediator strategies side by side with NegMAS 0.16's single-text mechanisms.

``python -m benchmarks.tournament [--seeds N] [--rounds R] [--folder PATH ...] [--protocol P
...] [--one-by-one]`` plays, in one process and one run, on the same scenarios and with the *same
simulated parties*:

- gobetween's four strategies (:mod:`gobetween.rehearsal`): follow-amendments, nash-seeking,
  hill-climbing, veto;
- NegMAS 0.16's ``VetoSTMechanism`` and ``HillClimbingSTMechanism``, each party a NegMAS
  ``BinaryComparatorNegotiator`` whose ``is_better`` and ``is_acceptable_as_agreement`` ask the
  gobetween delegation (truthful, exaggerating or stubborn) built from the same preferences; the
  mechanism gets ``n_steps`` equal to the rounds gobetween's runs may take.

Every outcome is scored by gobetween's :meth:`~gobetween.rehearsal.Rehearsal.score` on the true
preferences (agreement, Pareto-optimal against the exact frontier, distance to the Nash point).
Timing: per negotiation, the mechanism's construction, the negotiators' creation and the run on
NegMAS's side; :meth:`~gobetween.rehearsal.Rehearsal.runs` on gobetween's (with
``--one-by-one``, :meth:`~gobetween.rehearsal.Rehearsal.run` seed by seed); preparing a scenario
(outcome space, frontier, the parties' tables) is left out on both sides. Times are CPU time of
this process (``time.process_time``), so that other work on a shared machine does not count.
NegMAS's runs are timed one by one (its seeding left out); gobetween's seeds of one scenario,
strategy and behaviour together, divided by their number: reading the CPU clock is a system
call of 1 to 4 microseconds (more on a loaded machine), a few per cent of a gobetween run and
nothing against a NegMAS one.
NegMAS draws with Python's ``random``, seeded per run.

The order of the runs (``--protocol``, several played one after another): ``interleaved`` (the
default, the only one before 4 December 2026): per scenario and behaviour, gobetween's four
strategies, then NegMAS's two mechanisms, on one rehearsal; ``gobetween-first`` and
``negmas-first``: each mechanism's runs in a row over every scenario, each side on its own
rehearsals (see :func:`measure`).

NegMAS is AGPL: imported here only, never by ``src/``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from negmas.negotiators.simple import BinaryComparatorNegotiator
from negmas.outcomes import make_issue, make_os
from negmas.st import HillClimbingSTMechanism, VetoSTMechanism

from gobetween.batch.tasks import find_scenarios
from gobetween.rehearsal import BEHAVIOURS, DEFAULT_ROUNDS, STRATEGIES, Delegate, Rehearsal

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "genius" / "anac"
#: The scenarios of the documented run: ANAC 2010 and 2012 (two parties each).
DEFAULT_FOLDERS = (SHARED / "y2010", SHARED / "y2012")
#: How the runs of the two sides are ordered (see :func:`measure`).
PROTOCOLS = ("interleaved", "gobetween-first", "negmas-first")
NEGMAS = {"NegMAS VetoST": VetoSTMechanism, "NegMAS HillClimbingST": HillClimbingSTMechanism}


class Simulated(BinaryComparatorNegotiator):  # type: ignore[misc]
    """A NegMAS negotiator that answers as a gobetween delegation does."""

    def __init__(self, delegate: Delegate, rounds: int, **kwargs: Any) -> None:
        super().__init__(name=delegate.name, **kwargs)
        self.delegate = delegate
        self.rounds = rounds

    def is_better(self, first: Any, second: Any, epsilon: float = 1e-10) -> bool | None:
        if first is None:
            return False
        if second is None:
            return True
        return self.delegate.prefers(tuple(first), tuple(second))

    def is_acceptable_as_agreement(self, outcome: Any) -> bool:
        # asked once, at the end: the last round, where a stubborn party is at its reservation
        return self.delegate.answer(tuple(outcome), self.rounds - 1, self.rounds).accepts


def _agreement(value: Any) -> tuple[int, ...] | None:
    """NegMAS's agreement as option indices (HillClimbingST wraps it in a 1-tuple)."""
    if value is None:
        return None
    if len(value) == 1 and isinstance(value[0], tuple):
        value = value[0]
    return tuple(int(v) for v in value)


def play_negmas(
    rehearsal: Rehearsal, space: Any, mechanism: Any, behaviour: str, seed: int, rounds: int
) -> tuple[Any, float]:
    """One NegMAS negotiation, scored; and its seconds."""
    random.seed(seed)
    np.random.seed(seed)  # NegMAS may draw from the global generators too
    delegates = rehearsal.delegates(behaviour)
    start = time.process_time()
    run = mechanism(outcome_space=space, n_steps=rounds)
    for delegate in delegates:
        run.add(Simulated(delegate, rounds))
    run.run()
    seconds = time.process_time() - start
    steps = int(run.state.step)
    result = rehearsal.score("negmas", behaviour, seed, _agreement(run.state.agreement), steps)
    return result, seconds


def load(folders: Sequence[Path]) -> dict[str, Any]:
    """The two-party scenarios of ``folders``, by ``folder/name``."""
    scenarios: dict[str, Any] = {}
    for folder in folders:
        found, _ = find_scenarios(folder)
        scenarios.update({f"{folder.name}/{k}": v for k, v in found.items()})
    return {k: s for k, s in scenarios.items() if len(s.party_names) == 2}


#: What a mechanism's runs give: per run, its result and its CPU seconds.
Played = list[tuple[Any, float]]


def play_gobetween(
    rehearsal: Rehearsal,
    strategy: str,
    behaviour: str,
    seeds: range,
    rounds: int,
    one_by_one: bool = False,
) -> Played:
    """The seeds of one strategy and behaviour, timed together (``Rehearsal.runs``; or
    ``Rehearsal.run`` seed by seed, as before 4 December 2026, with ``one_by_one``), each run
    given the mean time."""
    rehearsal.prepare(strategy, behaviour)
    start = time.process_time()
    if one_by_one:
        results = [rehearsal.run(strategy, behaviour, s, rounds=rounds) for s in seeds]
    else:
        results = rehearsal.runs(strategy, behaviour, seeds, rounds=rounds)
    took = (time.process_time() - start) / len(results)
    return [(r, took) for r in results]


class Collections:
    """Garbage collections while each mechanism's runs are played (``--gc``): count and CPU
    milliseconds per label; ``label`` is set around each play, ``None`` between them."""

    def __init__(self) -> None:
        self.label: str | None = None
        self.seen: dict[str, list[float]] = {}
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.process_time()
            return
        row = self.seen.setdefault(self.label or "between runs", [0, 0.0])
        row[0] += 1
        row[1] += (time.process_time() - self._start) * 1e3

    def __enter__(self) -> Collections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def _space(rehearsal: Rehearsal) -> Any:
    return make_os([make_issue(k) for k in rehearsal.sizes])


def measure(
    folders: Sequence[Path],
    count: int,
    rounds: int,
    protocol: str = "interleaved",
    *,
    one_by_one: bool = False,
    collections: Collections | None = None,
) -> dict[str, Any]:
    """Every mechanism on every scenario x behaviour x seed; totals per mechanism.

    ``interleaved`` (the protocol of the figures before 4 December 2026, 19:30 UTC): per
    scenario and behaviour, gobetween's four strategies, then NegMAS's two mechanisms, on the
    same rehearsal (NegMAS's negotiators ask the delegations gobetween's runs used).
    ``gobetween-first`` and ``negmas-first``: each mechanism's runs one after another over
    every scenario (each side in its steady state, nothing of the other side in between),
    gobetween's four strategies and NegMAS's two each on their own rehearsals (neither side
    reuses what the other's runs worked out); the timing of a run as in ``interleaved``.
    """
    seeds = range(count)
    scenarios = load(folders)
    watch = collections or Collections()
    rows: dict[str, Played] = {}
    truth: dict[str, Any] = {}
    if protocol == "interleaved":
        for name, scenario in scenarios.items():
            rehearsal = Rehearsal(scenario, name)
            truth[name] = rehearsal.truth
            space = _space(rehearsal)
            for behaviour in BEHAVIOURS:
                for strategy in STRATEGIES:
                    watch.label = f"gobetween {strategy}"
                    played = play_gobetween(
                        rehearsal, strategy, behaviour, seeds, rounds, one_by_one
                    )
                    rows.setdefault(watch.label, []).extend(played)
                for label, mechanism in NEGMAS.items():
                    watch.label = label
                    for seed in seeds:
                        one = play_negmas(rehearsal, space, mechanism, behaviour, seed, rounds)
                        rows.setdefault(label, []).append(one)
                watch.label = None
    elif protocol in ("gobetween-first", "negmas-first"):
        ours = {name: Rehearsal(s, name) for name, s in scenarios.items()}
        theirs = {name: Rehearsal(s, name) for name, s in scenarios.items()}
        spaces = {name: _space(r) for name, r in theirs.items()}
        truth = {name: r.truth for name, r in ours.items()}
        for r in (*ours.values(), *theirs.values()):
            for behaviour in BEHAVIOURS:
                for strategy in STRATEGIES:
                    r.prepare(strategy, behaviour)
        sides = [
            *((f"gobetween {s}", s) for s in STRATEGIES),
            *((label, m) for label, m in NEGMAS.items()),
        ]
        if protocol == "negmas-first":
            sides.reverse()
        for label, how in sides:
            watch.label = label
            for name in scenarios:
                for behaviour in BEHAVIOURS:
                    if isinstance(how, str):
                        played = play_gobetween(
                            ours[name], how, behaviour, seeds, rounds, one_by_one
                        )
                    else:
                        played = [
                            play_negmas(theirs[name], spaces[name], how, behaviour, s, rounds)
                            for s in seeds
                        ]
                    rows.setdefault(label, []).extend(played)
        watch.label = None
        order = [*(f"gobetween {s}" for s in STRATEGIES), *NEGMAS]
        rows = {label: rows[label] for label in order}
    else:
        raise ValueError(f"no protocol {protocol!r}")
    table = {}
    for label, played in rows.items():
        results = [r for r, _ in played]
        below = [
            r
            for r in results
            if r.agreement
            and any(
                u < t.reservation - 1e-9
                for u, t in zip(r.utilities, truth[r.scenario], strict=True)
            )
        ]
        seconds = math.fsum(s for _, s in played)
        distances = [r.nash_distance for r in results if not math.isnan(r.nash_distance)]
        table[label] = {
            "runs": len(results),
            "agreements": sum(r.agreement for r in results) / len(results),
            "pareto_optimal": sum(r.pareto_optimal for r in results) / len(results),
            "nash_distance": statistics.fmean(distances),
            "rounds": statistics.fmean(r.rounds for r in results),
            "per_second": len(results) / seconds,
            "below_reservation": len(below) / len(results),
        }
    return {
        "scenarios": len(scenarios),
        "seeds": count,
        "rounds": rounds,
        "protocol": protocol,
        "one_by_one": one_by_one,
        "table": table,
        "collections": {k: {"count": int(n), "ms": ms} for k, (n, ms) in watch.seen.items()},
    }


def render(result: dict[str, Any]) -> str:
    """The table as Markdown, with the speed ratios and the goals."""
    table = result["table"]
    lines = [
        f"{result['scenarios']} two-party scenarios x {len(BEHAVIOURS)} behaviours x "
        f"{result['seeds']} seeds, at most {result['rounds']} rounds; "
        f"protocol {result['protocol']}{', one by one' if result['one_by_one'] else ''}.",
        "",
        "| mechanism | runs | agreements | below a reservation | Pareto-optimal | "
        "distance to Nash | rounds | negotiations/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in table.items():
        lines.append(
            f"| {label} | {row['runs']} | {100 * row['agreements']:.0f}% | "
            f"{100 * row['below_reservation']:.0f}% | {100 * row['pareto_optimal']:.0f}% | "
            f"{row['nash_distance']:.3f} | "
            f"{row['rounds']:.1f} | {row['per_second']:,.0f} |"
        )
    ours = {k: v for k, v in table.items() if k.startswith("gobetween")}
    theirs = {k: v for k, v in table.items() if k.startswith("NegMAS")}
    best_ours = max(ours.values(), key=lambda r: r["pareto_optimal"])
    best_theirs = max(theirs.values(), key=lambda r: r["pareto_optimal"])
    pairs = [
        ("gobetween veto", "NegMAS VetoST"),
        ("gobetween hill-climbing", "NegMAS HillClimbingST"),
    ]
    lines.append("")
    for mine, other in pairs:
        ratio = table[mine]["per_second"] / table[other]["per_second"]
        lines.append(f"- {mine} against {other}: {ratio:.1f}x the negotiations per second.")
    slowest_ours = min(r["per_second"] for r in ours.values())
    fastest_theirs = max(r["per_second"] for r in theirs.values())
    lines.append(
        f"- slowest gobetween strategy against the fastest NegMAS mechanism: "
        f"{slowest_ours / fastest_theirs:.1f}x."
    )
    lines.append(
        f"- best Pareto-optimal share: gobetween {100 * best_ours['pareto_optimal']:.0f}% "
        f"(distance to Nash {best_ours['nash_distance']:.3f}) against NegMAS "
        f"{100 * best_theirs['pareto_optimal']:.0f}% ({best_theirs['nash_distance']:.3f})."
    )
    for label, seen in result.get("collections", {}).items():
        lines.append(
            f"- garbage collections during {label}: {seen['count']}, {seen['ms']:.1f} ms of CPU."
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--folder", type=Path, action="append")
    parser.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        action="append",
        help="interleaved (the default), gobetween-first, negmas-first; repeat for several, "
        "played one after another in the same process",
    )
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="play gobetween's seeds one by one through Rehearsal.run, not Rehearsal.runs",
    )
    parser.add_argument(
        "--gc", action="store_true", help="also count the garbage collections per mechanism"
    )
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)
    results = []
    for protocol in args.protocol or ["interleaved"]:
        with contextlib.ExitStack() as stack:
            watch = stack.enter_context(Collections()) if args.gc else None
            results.append(
                measure(
                    args.folder or DEFAULT_FOLDERS,
                    args.seeds,
                    args.rounds,
                    protocol,
                    one_by_one=args.one_by_one,
                    collections=watch,
                )
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    sys.stdout.write("\n\n".join(render(r) for r in results) + "\n")


if __name__ == "__main__":
    main()
