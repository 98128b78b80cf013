"""Analyses computed in a worker process: bounded in size, memory and wall-clock time.

The service never computes an analysis in a request's thread, inside a transaction or under the
write lock. It reads what it needs (:mod:`gobetween.service.decide`), checks the size against
:class:`Limits` (422 naming the limit and the track's size), then hands the track's agenda and
preferences (as JSON) to a fresh Python process (``python -m gobetween.service.analysis_worker``),
which answers on its standard output. The process runs under an address-space limit and a
CPU-time backstop, with the merge's own bounds (:func:`gobetween.analysis.merge_limits`); the
request waits for it on the event loop without holding a thread, a transaction or a lock, and
kills it when the wall-clock limit passes (422), when the client goes away, or when the server
stops. How many run at once per server process is limited (429 beyond, see
:mod:`gobetween.service.decide`).

>>> limits = Limits(max_values=10, max_frontier=100, seconds=1.0, memory_mb=512)
>>> limits.candidates
2000
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

import anyio
import anyio.to_thread
from starlette.exceptions import HTTPException

from gobetween.analysis import analyze, merge_limits, pareto_frontier, pareto_improvements
from gobetween.analysis.bonus_frontier import milp_time_limit
from gobetween.errors import AnalysisError, Count, FrontierTooLarge, GobetweenError, Sentence
from gobetween.i18n import _, format_decimal
from gobetween.model import Agenda, Scenario
from gobetween.service.settings import Settings
from gobetween.store.codec import agenda_from_json, preferences_from_json

__all__ = [
    "Job",
    "Limits",
    "analysis_result",
    "check_size",
    "compute",
    "improvement_result",
    "run_in_worker",
    "stop_on_shutdown_signals",
    "stop_workers",
]

log = logging.getLogger(__name__)

#: The worker processes running now (this server process), killed at once when it stops.
_RUNNING: set[asyncio.subprocess.Process] = set()
_STOPPING = threading.Event()


def stop_workers() -> None:
    """The server is stopping: kill every running worker now, and start no new one; their
    requests answer 503 instead of holding the shutdown up to the analysis limit."""
    _STOPPING.set()
    for process in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError):
            process.kill()


def stop_on_shutdown_signals() -> None:
    """Chain :func:`stop_workers` before the server's own SIGTERM and SIGINT handlers (uvicorn's
    graceful shutdown, which waits for running requests). Only in the main thread, and only
    over a handler that is there (a test's in-process app keeps the signals as they are)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def handler(
            number: int, frame: FrameType | None, previous: Callable[..., Any] = previous
        ) -> None:
            stop_workers()
            previous(number, frame)

        signal.signal(sig, handler)


def _stopping() -> HTTPException:
    return HTTPException(
        503, _("the server is stopping, so the analysis was stopped; ask again in a moment")
    )


#: Candidate sums allowed per merge step, per frontier point allowed.
CANDIDATES_PER_POINT = 20
#: The worker's scheduling priority below the server's (``nice``).
NICENESS = 10
#: Share of the analysis's wall-clock limit one solver run may take (tracks with bonuses): a
#: run that hits it ends with the status "time limit" (shown, never passed off as exact); the
#: whole analysis is still stopped at the limit itself.
SOLVE_SHARE = 0.5


@dataclass(frozen=True)
class Limits:
    """The bounds of one analysis (from :class:`~gobetween.service.settings.Settings`)."""

    max_values: int
    max_frontier: int
    seconds: float
    memory_mb: int

    @property
    def candidates(self) -> int:
        """Candidate sums allowed in one merge step."""
        return self.max_frontier * CANDIDATES_PER_POINT

    @property
    def solve_seconds(self) -> float:
        """Seconds one solver run may take (see :data:`SOLVE_SHARE`)."""
        return self.seconds * SOLVE_SHARE

    @contextlib.contextmanager
    def applied(self) -> Iterator[None]:
        """Within it, the frontier's merge steps and each solver run keep to these limits."""
        with (
            merge_limits(points=self.max_frontier, candidates=self.candidates),
            milp_time_limit(self.solve_seconds),
        ):
            yield

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """The limits the settings declare."""
        return cls(
            max_values=settings.analysis_max_values,
            max_frontier=settings.analysis_max_frontier,
            seconds=settings.analysis_seconds,
            memory_mb=settings.analysis_memory_mb,
        )


@dataclass(frozen=True)
class Job:
    """What one analysis needs, as plain data (model objects do not cross processes).

    ``preferences`` pairs each party's name with its stored preferences (JSON); ``key`` names
    the combination of preference versions the result is cached under.
    """

    key: str
    name: str
    agenda: Mapping[str, Any]
    preferences: tuple[tuple[str, Mapping[str, Any]], ...]
    packages: int = 0  # the agenda's outcome space: options multiplied over the issues

    def scenario(self) -> Scenario:
        """The scenario (validated: an invalid one raises :class:`InvalidModel`)."""
        prefs = {name: preferences_from_json(body) for name, body in self.preferences}
        return Scenario(agenda_from_json(self.agenda), prefs, name=self.name)


def check_size(parties: int, agenda: Agenda, limits: Limits) -> None:
    """Refuse (:class:`AnalysisError`, 422) a track above ``limits.max_values``.

    The size is parties x options summed over the issues: the utilities the analysis starts from.

    >>> from gobetween.model import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q", "r"])))
    >>> check_size(2, agenda, Limits(max_values=8, max_frontier=10, seconds=1, memory_mb=256))
    Traceback (most recent call last):
    ...
    gobetween.errors.AnalysisError: this track is too large to analyse here: 2 parties x 5 ...
    """
    issues = len(agenda.issues)
    options = sum(len(i.options) for i in agenda.issues)
    values = parties * options
    if values > limits.max_values:
        raise AnalysisError(
            _(
                "this track is too large to analyse here: %(parties)s parties x %(options)s "
                "options in %(issues)s issues = %(values)s utility values, above the limit of "
                "%(limit)s (GOBETWEEN_ANALYSIS_MAX_VALUES)"
            )
            % {
                "parties": parties,
                "options": format_decimal(options),
                "issues": issues,
                "values": format_decimal(values),
                "limit": format_decimal(limits.max_values),
            }
        )


def analysis_result(job: Job, limits: Limits) -> dict[str, Any]:
    """The analysis of the job's scenario as the API serves it (runs in the worker)."""
    scenario = job.scenario()
    with limits.applied():
        return analyze(scenario).to_dict()


def improvement_result(job: Job, options: Mapping[str, str], limits: Limits) -> dict[str, Any]:
    """The packages every party prefers to ``options`` (runs in the worker).

    ``options`` is a draft's package, no party's fallback: each improvement names the parties it
    leaves below their reservation value (``below_reservation``), and the fairest is one that
    leaves none (see :func:`gobetween.analysis.pareto_improvements`). ``tie_count``: how many
    packages reach the improvement's utilities (the one shown stands for them all).
    """
    scenario = job.scenario()
    package = scenario.agenda.package(options)
    with limits.applied():
        frontier = pareto_frontier(scenario)
    found = pareto_improvements(scenario, package, frontier, reservations=scenario.reservations())
    names = scenario.party_names

    def by_party(values: Any) -> dict[str, float]:
        return {n: float(v) for n, v in zip(names, values, strict=True)}

    def shown(i: int, below: tuple[int, ...] = ()) -> dict[str, Any]:
        return {
            "package": frontier.package(i).options,
            "utilities": by_party(frontier.utilities[i]),
            "below_reservation": [names[p] for p in below],
            "tie_count": frontier.tie_counts[i],
        }

    return {
        "key": job.key,
        "package": package.options,
        "utilities": by_party(found.utilities),
        "reservations": by_party(scenario.reservations()),
        "is_pareto_optimal": found.is_pareto_optimal,
        "status": frontier.status,
        "exact": frontier.exact,
        "ties_counted": frontier.ties_counted,
        "improvements": [shown(i, b) for i, b in zip(found.indices, found.below, strict=True)],
        "fairest": None if found.fairest is None else shown(found.fairest.index),
    }


#: What a worker may be asked to compute, by name (the request names one; nothing else runs).
TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "analysis": lambda job, _options, limits: analysis_result(job, limits),
    "improve": lambda job, options, limits: improvement_result(job, options, limits),
}


def _job_json(job: Job) -> dict[str, Any]:
    return {
        "key": job.key,
        "name": job.name,
        "agenda": dict(job.agenda),
        "preferences": [[name, dict(body)] for name, body in job.preferences],
        "packages": job.packages,
    }


def _job_of(data: Mapping[str, Any]) -> Job:
    preferences = tuple((str(name), body) for name, body in data["preferences"])
    return Job(str(data["key"]), str(data["name"]), data["agenda"], preferences, data["packages"])


def main() -> None:
    """The worker process: read one request (JSON) on stdin, answer on stdout, exit.

    It runs at a lower priority than the server. Memory is capped (address space) and CPU time
    too, as a backstop to the parent's wall-clock kill. Answers: ``{"ok": result}``,
    ``{"refused": message}`` (a bound or invalid input), or ``{"memory": true}``.
    """
    os.nice(NICENESS)  # the server's requests come first when cores are short
    request = json.loads(sys.stdin.buffer.read())
    limits = Limits(**request["limits"])
    memory = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    task = TASKS[request["task"]]
    try:
        answer: dict[str, Any] = {
            "ok": task(_job_of(request["job"]), request.get("options"), limits)
        }
    except FrontierTooLarge as exc:  # the parent words it in the reader's language
        answer = {"frontier": [exc.what, exc.count, exc.limit, exc.step, exc.issues]}
    except GobetweenError as exc:  # the parent words it in the reader's language
        answer = {"refused": str(exc), **_template(exc)}
    except MemoryError:
        answer = {"memory": True}
    sys.stdout.buffer.write(json.dumps(answer, separators=(",", ":")).encode())
    sys.stdout.flush()


def _template(exc: GobetweenError) -> dict[str, Any]:
    """A refusal's template and values (a marked refusal of the core, translated by the
    parent), its sentences among them as JSON (why exact enumeration was needed: "interactions
    and red lines that couple issues"); nothing (the English sentence alone) when a value is
    neither plain JSON nor a sentence.

    >>> from gobetween.errors import N_, OutcomeSpaceTooLarge, Sentence
    >>> _template(OutcomeSpaceTooLarge(9, 8, Sentence(N_("interactions"))))["params"]["reason"]
    {'template': 'interactions', 'params': {}}
    """
    try:
        params = {key: _sent(value) for key, value in exc.params.items()}
    except TypeError:
        return {}
    return {"template": exc.template, "params": params} if params else {}


def _sent(value: object) -> Any:
    """A refusal's value as JSON: a plain value as it is, a :class:`Count` as ``{"count": n}``
    (written in the reader's notation by the parent), a :class:`Sentence` as its template and
    values, a tuple of sentences as a list; :class:`TypeError` for anything else.

    >>> str(_received(_sent(Count(100000)))), _sent(Count(3))
    ('100,000', {'count': 3})
    """
    if isinstance(value, Count):
        return {"count": int(value)}
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Sentence):
        return {
            "template": value.template,
            "params": {k: _sent(v) for k, v in value.params.items()},
        }
    if isinstance(value, tuple) and value and all(isinstance(v, Sentence) for v in value):
        return [_sent(v) for v in value]
    raise TypeError(type(value).__name__)


def _received(value: Any) -> object:
    """A value :func:`_sent` wrote, as the core gave it (sentences again, to be translated)."""
    if isinstance(value, dict) and "count" in value:
        return Count(value["count"])
    if isinstance(value, dict):
        params = {str(k): _received(v) for k, v in value["params"].items()}
        return Sentence(str(value["template"]), params)
    if isinstance(value, list):
        return tuple(_received(v) for v in value)
    return value


#: Single-threaded numerical libraries in the worker: predictable memory and one core each.
_WORKER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


#: Tracks of at most this many utilities (packages x parties) are computed in a thread of the
#: server, still outside any transaction or lock, but with no wall-clock limit: at this
#: boundary, from 2 to 100 parties, the analysis took 1 to 66 ms (``python -m
#: benchmarks.inline_analysis``), far less than starting a worker process. Parties count,
#: because the dominance work grows with them: 500 parties on 5,000 packages (within
#: ``GOBETWEEN_ANALYSIS_MAX_VALUES``) took 13 to 16 s, in a thread nothing could stop.
INLINE_UTILITIES = 20_000


def runs_inline(job: Job) -> bool:
    """Whether ``job`` is small enough to compute in a thread (else: a worker process).

    >>> job = Job("k", "t", {}, (("a", {}), ("b", {}), ("c", {}), ("d", {})), packages=5_000)
    >>> runs_inline(job), runs_inline(dataclasses.replace(job, preferences=job.preferences * 2))
    (True, False)
    """
    return 0 < job.packages * len(job.preferences) <= INLINE_UTILITIES


async def compute(
    task: str, job: Job, limits: Limits, options: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``TASKS[task]`` on ``job``: in a thread when the track is tiny, else in a worker process."""
    if runs_inline(job):
        try:
            return await anyio.to_thread.run_sync(TASKS[task], job, options, limits)
        except FrontierTooLarge as exc:
            raise frontier_refused(exc) from None
    return await run_in_worker(task, job, limits, options)


def frontier_refused(exc: FrontierTooLarge) -> AnalysisError:
    """The merge's bound that ``exc`` reports, in the reader's language, naming the setting.

    >>> print(frontier_refused(FrontierTooLarge("points", 51, 50, 3, 8)))
    the Pareto frontier (...) grew to 51 points after merging 3 of 8 issues, above the limit of ...
    """
    values = {
        "count": format_decimal(exc.count),
        "limit": format_decimal(exc.limit),
        "step": exc.step,
        "issues": exc.issues,
        "per": CANDIDATES_PER_POINT,
    }
    if exc.what == "points":
        text = _(
            "the Pareto frontier (the packages no other package beats for every party) grew to "
            "%(count)s points after merging %(step)s of %(issues)s issues, above the limit of "
            "%(limit)s points (GOBETWEEN_ANALYSIS_MAX_FRONTIER)"
        )
    else:
        text = _(
            "merging issue %(step)s of %(issues)s needs %(count)s candidate packages, above the "
            "limit of %(limit)s (%(per)s times GOBETWEEN_ANALYSIS_MAX_FRONTIER)"
        )
    return AnalysisError(text % values)


async def run_in_worker(
    task: str, job: Job, limits: Limits, options: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Run ``TASKS[task]`` on ``job`` in a fresh worker process; killed after ``limits.seconds``.

    Raises :class:`AnalysisError` (422) when the worker is refused by a bound, runs out of its
    memory, or does not answer in time. Cancelling the caller (client gone, server stopping)
    kills the worker too; nothing here holds a thread, a transaction or a lock.
    """
    request = {
        "task": task,
        "job": _job_json(job),
        "options": dict(options) if options is not None else None,
        "limits": dataclasses.asdict(limits),
    }
    if _STOPPING.is_set():
        raise _stopping()
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, **_WORKER_ENV},
    )
    _RUNNING.add(process)
    try:
        data = json.dumps(request, separators=(",", ":")).encode()
        out, _errors = await asyncio.wait_for(process.communicate(data), limits.seconds)
        if _STOPPING.is_set():
            raise _stopping()
    except TimeoutError:
        log.warning(
            "analysis stopped after %.1f s (limit %s s)", time.monotonic() - started, limits.seconds
        )
        raise AnalysisError(
            _(
                "the analysis did not finish within the limit of %(seconds)s seconds "
                "(GOBETWEEN_ANALYSIS_SECONDS) and was stopped; fewer options or issues, or red "
                "lines, make the space smaller"
            )
            % {"seconds": format_decimal(limits.seconds)}
        ) from None
    finally:
        _RUNNING.discard(process)
        if process.returncode is None:
            process.kill()  # timed out, or the request was cancelled (client gone, shutdown)
            with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
                await process.communicate()  # reaps it and closes its pipes at once
    return _answer(out, process.returncode, limits)


def _answer(out: bytes, returncode: int | None, limits: Limits) -> dict[str, Any]:
    try:
        answer = json.loads(out) if out else {}
    except ValueError:
        answer = {}
    if "ok" in answer:
        result: dict[str, Any] = answer["ok"]
        return result
    if "frontier" in answer:
        raise frontier_refused(FrontierTooLarge(*answer["frontier"]))
    if "refused" in answer and "template" in answer:
        params = {str(k): _received(v) for k, v in answer["params"].items()}
        raise AnalysisError(str(answer["template"]), params=params)
    if "refused" in answer:
        raise AnalysisError(str(answer["refused"]))
    if answer.get("memory"):
        raise AnalysisError(
            _(
                "the analysis needed more than its memory limit of %(mb)s MB "
                "(GOBETWEEN_ANALYSIS_MEMORY_MB) and was stopped"
            )
            % {"mb": format_decimal(limits.memory_mb)}
        )
    if returncode == -signal.SIGXCPU:
        raise AnalysisError(
            _("the analysis used more than %(seconds)s seconds of CPU and was stopped")
            % {"seconds": format_decimal(limits.seconds)}
        )
    log.error("analysis worker ended with status %s and no answer", returncode)
    raise AnalysisError(
        _(
            "the analysis worker stopped without an answer (status %(status)s); it may have "
            "hit its memory limit of %(mb)s MB (GOBETWEEN_ANALYSIS_MEMORY_MB)"
        )
        % {"status": returncode, "mb": format_decimal(limits.memory_mb)}
    )


if __name__ == "__main__":
    main()
