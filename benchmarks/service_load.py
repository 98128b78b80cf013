"""Service load: 50 concurrent clients on loopback posting messages and reading channels.

For SQLite (a file, WAL) and PostgreSQL (when reachable), with 1 and 2 uvicorn workers.
Reports writes/s, reads/s and p50/p99 latency of each, and writes ``service_load.json``.

The load comes from ``wrk`` (C, epoll; Debian package ``wrk``) when it is on the PATH: two wrk
processes of one thread each, 25 connections posting messages (``POST
/api/channels/{id}/messages``, bearer API tokens of two parties, alternating) and 25 reading the
channels' latest 20 messages. wrk costs a few percent of one core, so the server gets the
machine. Without wrk, a Python asyncio/httpx client runs instead (50 clients, each posting then
reading); it needs about as much CPU as the server and so understates the server's throughput.
Both bound their run by time (``--seconds``) and talk to 127.0.0.1 only.

    .venv/bin/python -m benchmarks.service_load                  # all configurations, 10 s each
    .venv/bin/python -m benchmarks.service_load --seconds 5 --only sqlite
    .venv/bin/python -m benchmarks.service_load --only postgresql --workers 2 --runs 3  # warm
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from gobetween.model import Agenda, Issue, OrganisationKind, Role
from gobetween.service import identity, prepare
from gobetween.service.security import PasswordHasher
from gobetween.store import repositories
from gobetween.store.db import Database, upgrade

ROOT = Path(__file__).resolve().parent
PG_URL = os.environ.get(
    "GOBETWEEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CLIENTS = 50

_WRITE_LUA = """
local seats = {%s}
local n = 0
request = function()
  n = n + 1
  local seat = seats[(n %% #seats) + 1]
  return wrk.format("POST", "/api/channels/" .. seat[2] .. "/messages",
    {["Authorization"] = "Bearer " .. seat[1], ["Content-Type"] = "application/json"},
    '{"text": "m' .. n .. '"}')
end
"""

_READ_LUA = """
local seats = {%s}
local n = 0
request = function()
  n = n + 1
  local seat = seats[(n %% #seats) + 1]
  return wrk.format("GET", "/api/channels/" .. seat[2] .. "/messages?limit=20&after=0",
    {["Authorization"] = "Bearer " .. seat[1]})
end
"""


def setup(url: str) -> list[tuple[str, int]]:
    """A process with two parties and a mediator; (token, channel) per party member client."""
    db = Database(url)
    upgrade(db)
    hasher = PasswordHasher(time_cost=1, memory_kib=64)
    out: list[tuple[str, int]] = []
    with db.unit_of_work() as s:
        admin_user = identity.create_user(s, hasher, email="admin@b.org", name="a", password=None)
        admin = repositories.load_actor(s, admin_user.id)
        process = prepare.create_process(s, admin, name="bench")
        admin = repositories.load_actor(s, admin_user.id)
        orgs = {
            name: prepare.add_organisation(s, admin, process.id, name=name, kind=kind).id
            for name, kind in (
                ("A", OrganisationKind.PARTY),
                ("B", OrganisationKind.PARTY),
                ("M", OrganisationKind.MEDIATOR),
            )
        }
        track = prepare.create_track(
            s,
            admin,
            process.id,
            name="t",
            agenda=Agenda((Issue.discrete("x", ["1", "2"]),)),
            organisation_ids=list(orgs.values()),
        )
        s.flush()
        for party in ("A", "B"):
            user = identity.create_user(
                s, hasher, email=f"{party}@b.org", name=party, password=None
            )
            prepare.add_member(
                s,
                admin,
                process.id,
                email=user.email,
                role=Role.PARTY_MEMBER,
                organisation_id=orgs[party],
            )
            actor = repositories.load_actor(s, user.id)
            _, token = identity.create_api_token(s, actor, "bench")
            _, view = repositories.track(s, actor, track.id)
            channel = repositories.channels(s, view)[0].id
            out.append((token, channel))
    db.dispose()
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def client(
    base: str, token: str, channel: int, until: float, lat: dict[str, list[float]]
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as c:
        n = 0
        while time.perf_counter() < until:
            n += 1
            t0 = time.perf_counter()
            r = await c.post(f"/api/channels/{channel}/messages", json={"text": f"m{n}"})
            t1 = time.perf_counter()
            if r.status_code == 201:
                lat["write"].append(t1 - t0)
            else:
                lat["error"].append(t1 - t0)
            r = await c.get(f"/api/channels/{channel}/messages", params={"limit": 20, "after": 0})
            t2 = time.perf_counter()
            lat["read" if r.status_code == 200 else "error"].append(t2 - t1)


async def drive(base: str, seats: list[tuple[str, int]], seconds: float) -> dict[str, list[float]]:
    lat: dict[str, list[float]] = {"write": [], "read": [], "error": []}
    until = time.perf_counter() + seconds
    await asyncio.gather(
        *(client(base, *seats[i % len(seats)], until, lat) for i in range(CLIENTS))
    )
    return lat


def _wrk_stats(output: str, seconds: float) -> dict[str, float]:
    """Requests/s, p50/p99 (ms) and errors parsed from ``wrk --latency`` output."""
    units = {"us": 1e-3, "ms": 1.0, "s": 1000.0}

    def pct(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(m.group(1)) * units[m.group(2)] if m else float("nan")

    done = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    ok = (int(done.group(1)) if done else 0) - (int(bad.group(1)) if bad else 0)
    return {
        "per_s": ok / seconds,
        "p50": pct("50"),
        "p99": pct("99"),
        "errors": (int(bad.group(1)) if bad else 0) + errors,
    }


def drive_wrk(base: str, seats: list[tuple[str, int]], seconds: float) -> dict[str, Any]:
    """Run 25 writing and 25 reading wrk connections at once; their parsed statistics."""
    table = ", ".join(f'{{"{token}", {channel}}}' for token, channel in seats)
    folder = Path(tempfile.mkdtemp(prefix="gobetween-wrk-"))
    procs = {}
    for kind, lua in (("write", _WRITE_LUA), ("read", _READ_LUA)):
        script = folder / f"{kind}.lua"
        script.write_text(lua % table, encoding="utf-8")
        cmd = ["wrk", "-t1", f"-c{CLIENTS // 2}", f"-d{seconds:g}s", "--timeout", "30s"]
        cmd += ["--latency", "-s", str(script), base]
        procs[kind] = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    outputs = {kind: proc.communicate(timeout=seconds + 60)[0] for kind, proc in procs.items()}
    shutil.rmtree(folder, ignore_errors=True)
    return {kind: _wrk_stats(out, seconds) for kind, out in outputs.items()}


def wait_for_workers(proc: subprocess.Popen[str], workers: int, timeout: float = 120) -> None:
    """Wait until every worker has started its application (uvicorn logs it once per worker).

    Answering one request is not enough: with two workers the first to start would take every
    connection wrk opens, and the run would measure one worker. A thread reads (and drains)
    the server's log for the whole run.
    """
    assert proc.stderr is not None
    stream, ready, started = proc.stderr, threading.Event(), [0]

    def read() -> None:
        for line in stream:
            started[0] += "Application startup complete" in line
            if started[0] >= workers:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(timeout):
        raise RuntimeError(f"the server started {started[0]} of {workers} workers in {timeout} s")


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the server (Python), PostgreSQL's processes and wrk (Linux;
    wrk's from this process's finished children, as it has exited when a run ends)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = {"server": 0.0, "postgresql": 0.0, "wrk": children.ru_utime + children.ru_stime}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, UnicodeDecodeError):
            continue
        group = (
            "postgresql"
            if cmd.startswith("postgres")
            else "server"
            if "gobetween" in cmd or "multiprocessing" in cmd
            else None
        )
        if group:
            out[group] += (int(stat[11]) + int(stat[12])) / tick
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(
    url: str, workers: int, seconds: float, python_client: bool = False, runs: int = 1
) -> list[dict[str, Any]]:
    """Start the server and drive it ``runs`` times in a row (the later runs find it warm).

    Each run's row has its throughput, latency and the CPU the server, PostgreSQL and wrk
    used meanwhile, in per cent of one core.
    """
    seats = setup(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GOBETWEEN_DATABASE_URL": url}
    cmd = [sys.executable, "-m", "gobetween", "serve", "--port", str(port)]
    cmd += ["--workers", str(workers), "--log-level", "info"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    rows = []
    use_wrk = bool(shutil.which("wrk")) and not python_client
    try:
        wait_for_workers(proc, workers)
        if httpx.get(f"{base}/api/auth/me", timeout=5).status_code != 401:
            raise RuntimeError("the server does not answer as expected")
        for number in range(1, runs + 1):
            cpu_before, started = cpu_seconds(), time.perf_counter()
            row = _drive(base, seats, seconds, use_wrk)
            elapsed = time.perf_counter() - started
            cpu = {k: v - cpu_before[k] for k, v in cpu_seconds().items()}
            row["run"] = number
            row.update({f"cpu_{k}_pct": round(100 * v / elapsed, 1) for k, v in cpu.items()})
            rows.append(row)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    return rows


def _drive(
    base: str, seats: list[tuple[str, int]], seconds: float, use_wrk: bool
) -> dict[str, Any]:
    """One bounded run of the load; its figures."""
    if use_wrk:
        stats = drive_wrk(base, seats, seconds)
        return {
            "client": "wrk",
            "writes_per_s": stats["write"]["per_s"],
            "reads_per_s": stats["read"]["per_s"],
            "errors": stats["write"]["errors"] + stats["read"]["errors"],
            "write_p50_ms": stats["write"]["p50"],
            "write_p99_ms": stats["write"]["p99"],
            "read_p50_ms": stats["read"]["p50"],
            "read_p99_ms": stats["read"]["p99"],
        }
    lat = asyncio.run(drive(base, seats, seconds))
    return {
        "client": "python",
        "writes_per_s": len(lat["write"]) / seconds,
        "reads_per_s": len(lat["read"]) / seconds,
        "errors": len(lat["error"]),
        "write_p50_ms": percentile(lat["write"], 0.50),
        "write_p99_ms": percentile(lat["write"], 0.99),
        "read_p50_ms": percentile(lat["read"], 0.50),
        "read_p99_ms": percentile(lat["read"], 0.99),
    }


def postgres_schema_url() -> tuple[str, str] | None:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    schema = "bench_" + uuid.uuid4().hex[:8]
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception:
        return None
    finally:
        engine.dispose()
    return f"{PG_URL}?options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def markdown(
    results: list[dict[str, Any]], before: tuple[float, ...], after: tuple[float, ...]
) -> str:
    """The results as the Markdown table of ``docs/benchmarks.md``."""
    lines = [
        f"Load average (1/5/15 min) before: {' / '.join(f'{x:.2f}' for x in before)}; "
        f"after: {' / '.join(f'{x:.2f}' for x in after)}.",
        "",
        "| Database | Workers | Run | Writes/s | Write p50 / p99 | Reads/s | Read p50 / p99 "
        "| Errors | CPU % server / PostgreSQL / wrk |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {r['workers']} | {r['run']} | {r['writes_per_s']:.0f} "
            f"| {r['write_p50_ms']:.0f} / {r['write_p99_ms']:.0f} ms | {r['reads_per_s']:.0f} "
            f"| {r['read_p50_ms']:.0f} / {r['read_p99_ms']:.0f} ms | {r['errors']} "
            f"| {r['cpu_server_pct']:.0f} / {r['cpu_postgresql_pct']:.0f} "
            f"/ {r['cpu_wrk_pct']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument(
        "--python-client", action="store_true", help="use the asyncio/httpx client even with wrk"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="runs in a row against each server (later ones warm)"
    )
    args = parser.parse_args(argv)
    results = []
    load_before = os.getloadavg()
    for backend in ("sqlite", "postgresql"):
        if args.only and backend != args.only:
            continue
        for workers in (int(w) for w in args.workers.split(",")):
            schema = None
            if backend == "sqlite":
                folder = tempfile.mkdtemp(prefix="gobetween-bench-")
                url = f"sqlite:///{folder}/bench.db"
            else:
                made = postgres_schema_url()
                if made is None:
                    print("PostgreSQL not reachable: skipped", flush=True)
                    break
                url, schema = made
            try:
                rows = run(url, workers, args.seconds, args.python_client, args.runs)
            finally:
                if schema:
                    drop_schema(schema)
            for row in rows:
                row = {"backend": backend, "workers": workers, **row}
                results.append(row)
                print(
                    f"{backend:<10} workers={workers} run {row['run']}  writes/s "
                    f"{row['writes_per_s']:7.1f}  reads/s {row['reads_per_s']:7.1f}  write p50/p99 "
                    f"{row['write_p50_ms']:6.1f}/{row['write_p99_ms']:6.1f} ms  read p50/p99 "
                    f"{row['read_p50_ms']:6.1f}/{row['read_p99_ms']:6.1f} ms  errors "
                    f"{row['errors']}  CPU % server {row['cpu_server_pct']} PostgreSQL "
                    f"{row['cpu_postgresql_pct']} wrk {row['cpu_wrk_pct']}",
                    flush=True,
                )
    load = os.getloadavg()
    print(markdown(results, load_before, load), flush=True)
    out = {
        "clients": CLIENTS,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "loadavg_after": load,
        "loadavg_before": load_before,
        "results": results,
    }
    (ROOT / "service_load.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
