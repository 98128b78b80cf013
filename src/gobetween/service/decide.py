"""Mediator decision support on a track: analysis and "improve this package".

Computed by :mod:`gobetween.analysis` from the parties' *current* preferences and cached per
combination of preference versions (a new version of any party's preferences makes a new key).
Only mediators of the track may ask (:data:`~gobetween.policy.Action.READ_ANALYSIS`); to
anyone else the analysis does not exist.

An analysis takes three steps, and only the short first and last touch the database:

1. a read-only unit of work checks the caller, reads the preferences and the cache, and checks
   the track's size against ``GOBETWEEN_ANALYSIS_MAX_VALUES`` (422 naming both);
2. a worker process computes (:mod:`gobetween.service.analysis_worker`): no transaction, no
   lock, a wall-clock limit after which it is killed (422), one per user and at most
   ``GOBETWEEN_ANALYSES_RUNNING`` at once per server process (429 beyond);
3. a short writing unit of work checks the caller again and stores the result in the cache
   (a result someone stored meanwhile is kept). Improvements of a package are cached too, per
   preference versions and package.

:func:`track_analysis` and :func:`improve_package` run these steps from the event loop;
:func:`track_analysis_blocking` and :func:`improve_package_blocking` from a page's worker thread.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import anyio.from_thread
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from gobetween.errors import Conflict, InvalidModel
from gobetween.i18n import _
from gobetween.i18n import lazy_gettext as _l
from gobetween.policy import Action, Actor, TrackView
from gobetween.service import analysis_worker as worker
from gobetween.service import unique
from gobetween.service.context import RequestContext
from gobetween.service.names import called
from gobetween.service.negotiate import track_agenda
from gobetween.service.slots import Slots, app_slots
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = [
    "cache_key",
    "improve_package",
    "improve_package_blocking",
    "prepare",
    "store",
    "track_analysis",
    "track_analysis_blocking",
]

#: Seconds a client refused an analysis slot is asked to wait.
RETRY_AFTER = 5

#: The form of a cached improvement; a new one makes new keys, so that a result of another form
#: (2: the fairest leaves no party below its reservation value) is computed again, not served.
IMPROVEMENT_FORM = 2


def _job(session: Session, track: t.Track, view: TrackView) -> worker.Job:
    current = repositories.current_preferences(session, view)
    have = {row.party_id for row in current}
    missing = sorted(view.party_ids - have)
    names = repositories.organisation_names(session, view.party_ids)
    if missing:
        orgs = repositories.organisations_by_id(session, missing)
        parties = ", ".join(called(orgs[p]) if p in orgs else str(p) for p in missing)
        raise Conflict(_("no preferences recorded yet by %(parties)s") % {"parties": parties})
    key = "prefs:" + ",".join(f"{row.party_id}.{row.version}" for row in current)
    preferences = tuple((names[row.party_id], row.body) for row in current)
    return worker.Job(key=key, name=track.name, agenda=track.agenda, preferences=preferences)


def prepare(
    session: Session,
    actor: Actor,
    track_id: int,
    limits: worker.Limits,
    package: Mapping[str, str] | None = None,
) -> tuple[worker.Job, dict[str, Any] | None]:
    """Step 1: the job (or 404/403/409/422) and its cached result, if any.

    ``package``, when given, must be a package of the track's agenda (422 naming it if not).
    """
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_ANALYSIS)
    agenda = track_agenda(track)
    job = dataclasses.replace(_job(session, track, view), packages=min(agenda.size, 2**62))
    worker.check_size(len(job.preferences), agenda, limits)
    if package is not None:
        try:
            agenda.package(package)
        except InvalidModel as exc:
            raise exc.located(source="package") from None
    key = cache_key(job, package)
    cached = session.execute(
        select(t.CachedAnalysis.result).where(
            t.CachedAnalysis.track_id == track.id, t.CachedAnalysis.key == key
        )
    ).scalar_one_or_none()
    return job, cached


def cache_key(job: worker.Job, package: Mapping[str, str] | None = None) -> str:
    """The cache key of the analysis (the preference versions) or of improving ``package``.

    >>> job = worker.Job("prefs:3.1,4.2", "t", {}, ())
    >>> cache_key(job)
    'prefs:3.1,4.2'
    >>> cache_key(job, {"b": "y", "a": "x"}) == cache_key(job, {"a": "x", "b": "y"})
    True
    """
    if package is None:
        return job.key
    text = json.dumps([IMPROVEMENT_FORM, job.key, dict(package)], sort_keys=True, ensure_ascii=True)
    return "improve:" + hashlib.sha256(text.encode()).hexdigest()


def store(session: Session, actor: Actor, track_id: int, key: str, result: Any) -> None:
    """Step 3: cache ``result`` under ``key`` (kept if another request stored it first)."""
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_ANALYSIS)
    row = t.CachedAnalysis(track_id=track.id, key=key, result=result)
    unique.added_once(session, row, "uq_analyses_track_id")  # else stored meanwhile: the same


def _slots(ctx: RequestContext) -> Slots:
    settings = ctx.settings
    return app_slots(
        ctx.services,
        "analysis_slots",
        lambda: Slots(
            per_user=1,
            total=settings.analyses_running,
            retry_after=RETRY_AFTER,
            what=_l("analyses"),
        ),
    )


def _read(
    ctx: RequestContext,
    track_id: int,
    limits: worker.Limits,
    package: Mapping[str, str] | None = None,
) -> tuple[int, worker.Job, dict[str, Any] | None]:
    with ctx.read() as unit:
        job, cached = prepare(unit.session, unit.actor, track_id, limits, package)
        return unit.actor.user_id, job, cached


def _store(ctx: RequestContext, track_id: int, key: str, result: Any) -> None:
    with ctx.write() as unit:
        store(unit.session, unit.actor, track_id, key, result)


async def track_analysis(ctx: RequestContext, track_id: int) -> dict[str, Any]:
    """The analysis of a track (frontier, solutions, ZOPA, trade-offs), cached per versions."""
    limits = worker.Limits.of(ctx.settings)
    user, job, cached = await run_in_threadpool(_read, ctx, track_id, limits)
    if cached is not None:
        return {"key": job.key, "cached": True, **cached}
    with _slots(ctx).take(user):
        result = await worker.compute("analysis", job, limits)
    await run_in_threadpool(_store, ctx, track_id, job.key, result)
    return {"key": job.key, "cached": False, **result}


async def improve_package(
    ctx: RequestContext, track_id: int, options: Mapping[str, str]
) -> dict[str, Any]:
    """The packages every party prefers to ``options`` (post-settlement improvement)."""
    limits = worker.Limits.of(ctx.settings)
    user, job, cached = await run_in_threadpool(_read, ctx, track_id, limits, options)
    if cached is not None:
        return cached
    with _slots(ctx).take(user):
        result = await worker.compute("improve", job, limits, options)
    await run_in_threadpool(_store, ctx, track_id, cache_key(job, options), result)
    return result


def track_analysis_blocking(ctx: RequestContext, track_id: int) -> dict[str, Any]:
    """:func:`track_analysis` from a worker thread of the server (a page's)."""
    return anyio.from_thread.run(track_analysis, ctx, track_id)


def improve_package_blocking(
    ctx: RequestContext, track_id: int, options: Mapping[str, str]
) -> dict[str, Any]:
    """:func:`improve_package` from a worker thread of the server (a page's)."""
    return anyio.from_thread.run(improve_package, ctx, track_id, options)
