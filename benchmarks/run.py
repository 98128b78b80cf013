"""``make bench``: gobetween's analysis side by side with NegMAS 0.16, then the other benchmarks.

Run from the project root::

    .venv/bin/python -m benchmarks.run            # everything (NegMAS on 10^7: ~1 min, 3.4 GB)
    .venv/bin/python -m benchmarks.run --quick    # skip NegMAS's slowest cases
    .venv/bin/python -m benchmarks.run --only ampo,e2e --no-docs

Each measurement runs in its own fresh process (see :mod:`benchmarks.analysis_speed`). The run
prints a table and, unless ``--no-docs``, rewrites the figures section of ``docs/benchmarks.md``
(between its ``figures`` markers) and ``benchmarks/last_run.json``. ``benchmarks.monitoring`` and
``benchmarks.service_load``, when present, run afterwards with their own output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.analysis_speed import (
    CASES,
    PYTHON,
    ROOT,
    Case,
    compare_frontiers,
    run_e2e,
    run_measurement,
)
from benchmarks.genius_reference import GENIUS_ROOT

DOCS = ROOT / "docs" / "benchmarks.md"
LAST_RUN = ROOT / "benchmarks" / "last_run.json"
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"
E2E_FOLDER = GENIUS_ROOT / "other" / "AMPOvsCity"
E2E_SPEEDUP = 50
OTHERS = ("benchmarks.monitoring", "benchmarks.service_load")


def machine() -> dict[str, Any]:
    """Where and with what the figures were taken."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        total_kb = int(info.readline().split()[1])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    versions = {}
    for package in ("gobetween", "numpy", "negmas"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "commit": commit,
    }


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def run_case(case: Case, workdir: Path, quick: bool, repeats: int | None) -> dict[str, Any]:
    print(f"  {case.name}: gobetween ...", end="", flush=True)
    row: dict[str, Any] = {
        "case": case.name,
        "ours": run_measurement(case, "ours", workdir, repeats),
    }
    if case.negmas == "run" or (case.negmas == "slow" and not quick):
        print(" NegMAS ...", end="", flush=True)
        row["negmas"] = run_measurement(case, "negmas", workdir)
        if "error" not in row["ours"] and "error" not in row["negmas"]:
            row["match"] = compare_frontiers(row["ours"]["path"], row["negmas"]["path"])
    else:
        reason = "skipped (--quick)" if case.negmas == "slow" else case.negmas
        row["negmas"] = {"skipped": reason}
    print(" done", flush=True)
    return row


def run_end_to_end(quick: bool, repeats: int) -> dict[str, Any]:
    folder = str(E2E_FOLDER)
    ours_cmd = [str(Path(PYTHON).parent / "gobetween"), "analyze", folder, "--json"]
    theirs_cmd = [PYTHON, "-m", "benchmarks.negmas_e2e", folder]
    print("  e2e: gobetween analyze ...", end="", flush=True)
    ours = [run_e2e(ours_cmd) for _ in range(repeats)]
    print(" NegMAS script ...", end="", flush=True)
    theirs = [run_e2e(theirs_cmd) for _ in range(1 if quick else 2)]
    print(" done", flush=True)
    return {
        "ours_command": _shown(["gobetween", *ours_cmd[1:]]),
        "negmas_command": _shown(["python", *theirs_cmd[1:]]),
        "ours": ours,
        "negmas": theirs,
    }


# --------------------------------------------------------------------------- formatting


def _shown(command: list[str]) -> str:
    """A command as typed from the project root (paths relative to it)."""
    parts = [os.path.relpath(c, ROOT) if c.startswith("/") else c for c in command]
    return " ".join(shlex.quote(p) for p in parts)


def _seconds(value: float) -> str:
    if value < 0.001:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def _mb(result: dict[str, Any]) -> str:
    """Peak RSS, and in brackets the RSS just before the timed part (interpreter, data)."""
    return f"{result['peak_mb']:.0f} MB ({result['baseline_mb']:.0f})"


def _target(case: Case, ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    if "error" in ours:
        return "not measured"
    bars = []
    if case.max_seconds is not None:
        met = ours["seconds"] < case.max_seconds
        bars.append(f"< {_seconds(case.max_seconds)}: {'met' if met else 'MISSED'}")
    if case.speedup is not None:
        if "seconds" in theirs:
            met = theirs["seconds"] / ours["seconds"] >= case.speedup
            bars.append(f">= {case.speedup}x: {'met' if met else 'MISSED'}")
        else:
            bars.append(f">= {case.speedup}x: NegMAS not run")
    memory_met = ours["peak_mb"] < 300
    bars.append(f"< 300 MB: {'met' if memory_met else 'MISSED'}")
    return "; ".join(bars)


def _size(case: Case) -> str:
    exponent = len(str(case.packages)) - 1
    if case.packages == 10**exponent:
        return f"10^{exponent}"
    return f"{case.packages:,}"


def case_rows(cases: list[Case], rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| Case | Packages | gobetween best (median) | peak RSS (before) | NegMAS 0.16 "
        "| peak RSS (before) "
        "| Speed-up | Frontier points (ours / NegMAS, mismatches) | Target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case, row in zip(cases, rows, strict=True):
        ours, theirs = row["ours"], row["negmas"]
        if "error" in ours:
            mine, mine_mb = f"error: {ours['error']}", "-"
        else:
            median = statistics.median(ours["times"])
            mine, mine_mb = f"{_seconds(ours['seconds'])} ({_seconds(median)})", _mb(ours)
        if "seconds" in theirs:
            other, other_mb = _seconds(theirs["seconds"]), _mb(theirs)
        else:
            other, other_mb = theirs.get("skipped") or f"error: {theirs.get('error')}", "-"
        speed = "-"
        if "seconds" in theirs and "seconds" in ours:
            speed = f"{theirs['seconds'] / ours['seconds']:,.0f}x"
        points = "-" if "error" in ours else str(ours["frontier"])
        if "match" in row:
            m = row["match"]
            points += f" / {theirs['frontier']} ({m['ours_only']} ours only, "
            points += f"{m['negmas_only']} NegMAS only)"
        lines.append(
            f"| {case.title} | {_size(case)} | {mine} | {mine_mb} | {other} | {other_mb} "
            f"| {speed} | {points} | {_target(case, ours, theirs)} |"
        )
    return lines


def e2e_rows(e2e: dict[str, Any]) -> list[str]:
    def summary(runs: list[dict[str, Any]]) -> tuple[str, str, float | None]:
        good = [r for r in runs if "error" not in r]
        if not good:
            return f"error: {runs[0]['error']}", "-", None
        best = min(r["seconds"] for r in good)
        peak = max(r["peak_mb"] for r in good)
        return f"{_seconds(best)} (best of {len(good)})", f"{peak:.0f} MB", best

    ours, ours_mb, ours_s = summary(e2e["ours"])
    theirs, theirs_mb, theirs_s = summary(e2e["negmas"])
    speed, verdict = "-", "not measured"
    if ours_s and theirs_s:
        speed = f"{theirs_s / ours_s:,.0f}x"
        verdict = f">= {E2E_SPEEDUP}x: {'met' if theirs_s / ours_s >= E2E_SPEEDUP else 'MISSED'}"
    return [
        "| End to end, AMPOvsCity | wall time | peak RSS |",
        "|---|---|---|",
        f"| `{e2e['ours_command']}` | {ours} | {ours_mb} |",
        f"| `{e2e['negmas_command']}` | {theirs} | {theirs_mb} |",
        f"| speed-up | {speed} | {verdict} |",
    ]


def figures(info: dict[str, Any], command: str, cases: list[Case], result: dict[str, Any]) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    lines = [
        f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores, "
        f"{info['memory_gb']} GB RAM), {info['os']}, Python {info['python']}; {versions}; "
        f"commit `{info['commit']}`.",
        "",
        f"Command: `{command}`. Load average (1/5/15 min) before: {result['load_before']}; "
        f"after: {result['load_after']}.",
        "",
    ]
    if cases:
        lines += [*case_rows(cases, result["rows"]), ""]
    if result.get("e2e"):
        lines += [*e2e_rows(result["e2e"]), ""]
    return "\n".join(lines)


def write_docs(text: str) -> None:
    current = (
        DOCS.read_text(encoding="utf-8") if DOCS.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    )
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def run_others() -> None:
    for module in OTHERS:
        if importlib.util.find_spec(module) is None:
            continue
        print(f"\n== {module} ==", flush=True)
        subprocess.run([PYTHON, "-m", module], cwd=ROOT, check=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip NegMAS's slowest cases")
    parser.add_argument("--only", default="", help="comma-separated case names (and/or 'e2e')")
    parser.add_argument("--repeats", type=int, default=None, help="gobetween repeats per case")
    parser.add_argument("--e2e-repeats", type=int, default=5)
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument("--no-others", action="store_true", help="skip the other benchmarks")
    args = parser.parse_args(argv)
    wanted = {w for w in args.only.split(",") if w}
    cases = [c for c in CASES if not wanted or c.name in wanted]
    info = machine()
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    result: dict[str, Any] = {"machine": info, "command": command.strip(), "load_before": _load()}
    print(f"gobetween vs NegMAS ({info['date']}, load {result['load_before']})", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        result["rows"] = [run_case(c, Path(tmp), args.quick, args.repeats) for c in cases]
    if not wanted or "e2e" in wanted:
        result["e2e"] = run_end_to_end(args.quick, args.e2e_repeats)
    result["load_after"] = _load()
    text = figures(info, result["command"], cases, result)
    print()
    print(text)
    if not args.no_docs:
        write_docs(text)
        LAST_RUN.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {DOCS.relative_to(ROOT)} and {LAST_RUN.relative_to(ROOT)}")
    if not args.no_others and not wanted:
        run_others()


if __name__ == "__main__":
    main()
