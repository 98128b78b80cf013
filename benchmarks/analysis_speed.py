"""Side-by-side speed and memory of gobetween's analysis and NegMAS 0.16.

Every measurement runs in a fresh subprocess (``python -m benchmarks.analysis_speed measure CASE
SIDE``) that sets the problem up, times the computation, and reports the best time, the peak
resident memory of the whole process (``getrusage`` ``ru_maxrss``: interpreter, libraries and
data included) and its resident memory just before the timed part. The frontier is written to a
``.npy`` file so that the parent can check both sides found the same one.

Compute time is:

- gobetween: ``UtilitySpace.from_scenario`` (or ``from_arrays``) + ``pareto_frontier`` + ``nash``,
  the best of several repeats;
- NegMAS: ``pareto_frontier(ufuns, issues=...)`` + ``nash_points(ufuns, frontier, ...)``, once,
  with the utility functions built beforehand from the same normalised values
  (:mod:`benchmarks.negmas_side`).

Synthetic cases are Genius-like: for each party, issue weights drawn from a flat Dirichlet and
option evaluations uniform in [0, 1] divided by their maximum (seed 0, ``numpy`` PCG64).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from benchmarks.genius_reference import GENIUS_ROOT, read_genius, unmatched

FloatArray = NDArray[np.float64]
ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TOL = 1e-9


@dataclass(frozen=True)
class Case:
    """One benchmark problem.

    ``negmas`` is ``"run"``, ``"slow"`` (skipped by ``--quick``) or a reason it is not run.
    ``target`` is the requirement's bar: a maximum time in seconds for gobetween, or a minimum
    speed-up over NegMAS (``speedup``).
    """

    name: str
    title: str
    parties: int
    packages: int
    source: str  # "genius:<folder>", "synthetic:<parties>x<issues>x<options>" or "demo:<example>"
    negmas: str = "run"
    max_seconds: float | None = None
    speedup: float | None = None
    repeats: int = 5
    notes: str = field(default="")


CASES: tuple[Case, ...] = (
    Case("ampo", "AMPOvsCity (Genius)", 2, 1_944_000, "genius:other/AMPOvsCity", speedup=1000),
    Case("g6issues", "6issues (Genius)", 2, 10**6, "genius:other/6issues"),
    Case("s2x6x10", "2 parties, 6 issues x 10", 2, 10**6, "synthetic:2x6x10", speedup=1000),
    Case("s2x7x10", "2 parties, 7 issues x 10", 2, 10**7, "synthetic:2x7x10", "slow", speedup=1000),
    Case(
        "s2x50x10",
        "2 parties, 50 issues x 10",
        2,
        10**50,
        "synthetic:2x50x10",
        "impossible (10^50 packages)",
        max_seconds=0.1,
    ),
    Case("s3x8x7", "3 parties, 8 issues x 7", 3, 7**8, "synthetic:3x8x7", "slow", max_seconds=0.1),
    Case(
        "s3x12x10",
        "3 parties, 12 issues x 10",
        3,
        10**12,
        "synthetic:3x12x10",
        "impossible (10^12 packages)",
        max_seconds=1.0,
    ),
    Case(
        "s5x6x10",
        "5 parties, 6 issues x 10",
        5,
        10**6,
        "synthetic:5x6x10",
        "slow",
        max_seconds=1.0,
    ),
    Case(
        "demo",
        "Demo track (food corridor) after a preference change",
        2,
        15_552,
        "demo:black_sea_corridor",
        "no counterpart",
        max_seconds=0.05,
        repeats=20,
    ),
)
BY_NAME = {c.name: c for c in CASES}


# --------------------------------------------------------------------------- problem set-up


def synthetic(parties: int, issues: int, options: int, seed: int = 0) -> tuple[list[Any], Any]:
    """Genius-like evaluations (max 1 per issue and party) and Dirichlet weights ``(n, m)``."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(issues), size=parties)
    evaluations = []
    for _ in range(issues):
        e = rng.random((options, parties))
        evaluations.append(e / e.max(axis=0))
    return evaluations, weights


def _synthetic_shape(source: str) -> tuple[int, int, int]:
    parties, issues, options = (int(x) for x in source.split(":", 1)[1].split("x"))
    return parties, issues, options


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    """The process's own peak RSS (``VmHWM``; ``ru_maxrss`` can carry a parent's peak across
    ``vfork`` + ``exec``, so it is kept only as a cross-check)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best_of(run: Callable[[], FloatArray], repeats: int) -> tuple[float, list[float], FloatArray]:
    times: list[float] = []
    frontier = np.empty((0, 0))
    for _ in range(repeats):
        start = time.perf_counter()
        frontier = run()
        times.append(time.perf_counter() - start)
    return min(times), times, frontier


def _ours(case: Case, repeats: int) -> tuple[float, list[float], FloatArray, float]:
    from gobetween.analysis import UtilitySpace, pareto_frontier
    from gobetween.analysis.solutions import nash

    if case.source.startswith("demo:"):
        return _ours_demo(case, repeats)
    if case.source.startswith("genius:"):
        from gobetween.formats.loading import load_scenario

        scenario = load_scenario(GENIUS_ROOT / case.source.split(":", 1)[1])

        def run() -> FloatArray:
            front = pareto_frontier(UtilitySpace.from_scenario(scenario))
            nash(front)
            return front.utilities

    else:
        evaluations, weights = synthetic(*_synthetic_shape(case.source))
        values = [e * weights[:, j][None, :] for j, e in enumerate(evaluations)]

        def run() -> FloatArray:
            front = pareto_frontier(UtilitySpace.from_arrays(values))
            nash(front)
            return front.utilities

    baseline = _rss_mb()
    best, times, frontier = _best_of(run, repeats)
    return best, times, frontier, baseline


def _ours_demo(case: Case, repeats: int) -> tuple[float, list[float], FloatArray, float]:
    """Re-analyse the demo track after a party changes one weight (a new scenario every time)."""
    from gobetween.analysis.report import analyze
    from gobetween.formats import examples
    from gobetween.model import Scenario

    base = examples.load(case.source.split(":", 1)[1]).scenario
    party = base.party_names[0]
    prefs = base.preferences[party]
    issue = next(iter(prefs.weights))
    changed = []
    for k in range(repeats):
        weights = dict(prefs.weights)
        weights[issue] = weights[issue] * (1.0 + 0.01 * (k + 1))
        mapping = dict(base.preferences)
        mapping[party] = replace(prefs, weights=weights)
        changed.append(mapping)
    state = {"k": 0}

    def run() -> FloatArray:
        mapping = changed[state["k"] % len(changed)]
        state["k"] += 1
        scenario = Scenario(base.agenda, mapping, name=base.name)
        result = analyze(scenario)
        result.to_dict()
        return result.frontier.utilities

    baseline = _rss_mb()
    best, times, frontier = _best_of(run, repeats)
    return best, times, frontier, baseline


def _negmas(case: Case) -> tuple[float, list[float], FloatArray, float]:
    from benchmarks.negmas_side import frontier_and_nash, problem_from_genius, problem_from_tables

    if case.source.startswith("genius:"):
        problem = problem_from_genius(read_genius(GENIUS_ROOT / case.source.split(":", 1)[1]))
    else:
        parties, issues, options = _synthetic_shape(case.source)
        evaluations, weights = synthetic(parties, issues, options)
        problem = problem_from_tables(evaluations, weights, np.zeros(parties))
    baseline = _rss_mb()
    result = frontier_and_nash(problem, packages=False)
    return result.seconds, [result.seconds], result.frontier, baseline


def measure(case_name: str, side: str, repeats: int | None, out: Path | None) -> dict[str, Any]:
    """Run one measurement in this process (call it in a fresh subprocess)."""
    case = BY_NAME[case_name]
    if side == "ours":
        best, times, frontier, baseline = _ours(case, repeats or case.repeats)
    else:
        best, times, frontier, baseline = _negmas(case)
    if out is not None:
        np.save(out, frontier)
    return {
        "case": case.name,
        "side": side,
        "seconds": best,
        "times": times,
        "frontier": int(frontier.shape[0]),
        "peak_mb": _peak_mb(),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "baseline_mb": baseline,
    }


# --------------------------------------------------------------------------- orchestration


def run_measurement(
    case: Case, side: str, workdir: Path, repeats: int | None = None, timeout: float = 1800
) -> dict[str, Any]:
    """One measurement in a fresh subprocess; ``{"error": ...}`` when it fails."""
    out = workdir / f"{case.name}-{side}.npy"
    command = [PYTHON, "-m", "benchmarks.analysis_speed", "measure", case.name, side, str(out)]
    if repeats is not None:
        command += ["--repeats", str(repeats)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["path"] = str(out)
    return result


def compare_frontiers(ours_path: str, theirs_path: str) -> dict[str, int]:
    """Points of each frontier farther than 1e-9 from the other (NegMAS keeps rational points
    only, but these synthetic and Genius cases have reservation 0, so nothing is filtered)."""
    ours, theirs = np.load(ours_path), np.load(theirs_path)
    return {
        "ours_only": int(unmatched(ours, theirs, TOL).shape[0]),
        "negmas_only": int(unmatched(theirs, ours, TOL).shape[0]),
    }


def run_e2e(command: list[str], timeout: float = 900) -> dict[str, Any]:
    """Wall time and peak memory of a command, measured by a fresh wrapper process."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "dt = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': dt, 'peak_mb': peak, 'rc': r.returncode,"
        " 'err': r.stderr.decode()[-300:]}))\n"
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    try:
        done = subprocess.run(
            [PYTHON, "-c", wrapper, *command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        lines = result["err"].strip().splitlines() or ["no output"]
        return {"error": f"exit {result['rc']}: {lines[-1]}"}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="one benchmark measurement (internal)")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("measure")
    one.add_argument("case", choices=sorted(BY_NAME))
    one.add_argument("side", choices=["ours", "negmas"])
    one.add_argument("out", type=Path)
    one.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.case, args.side, args.repeats, args.out)))


if __name__ == "__main__":
    main()
