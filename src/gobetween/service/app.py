"""The application factory: :func:`create_app` builds a FastAPI app from :class:`Settings`.

Nothing connects at import time; the database is opened (and migrated, unless
``GOBETWEEN_MIGRATE=false``) when the app is created.

>>> from gobetween.service.settings import Settings
>>> app = create_app(Settings(database_url="sqlite://"))
>>> app.title
'gobetween'
"""

from __future__ import annotations

import contextlib
import gc
import operator
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

from gobetween import __version__
from gobetween.i18n_http import LocaleMiddleware
from gobetween.protocols import registry
from gobetween.service import (
    analysis_worker,
    errors,
    mail,
    protocol_states,
    retention,
    security_log,
    state_keeper,
)
from gobetween.service.api import (
    account,
    agree,
    auth,
    bidding,
    decide,
    events,
    implement,
    negotiate,
    prepare,
    protocols,
    rehearse,
    scores,
    setup,
    team,
    texts,
    translations,
)
from gobetween.service.api_docs import router as docs_router
from gobetween.service.context import Services
from gobetween.service.guard import RequestGuard
from gobetween.service.route_gate import gated
from gobetween.service.security import PasswordHasher
from gobetween.service.settings import Settings
from gobetween.store.db import Database, upgrade
from gobetween.web import fallback as unknown_pages
from gobetween.web import router as web_router

__all__ = ["create_app", "ready", "routers"]


def routers() -> list[APIRouter]:
    """The API's routers, in the order they are mounted.

    A request is matched against the routes in this order, each a regular expression and some
    bookkeeping, so the busiest, posting and reading messages, come first: behind the 25
    routes of ``auth`` and ``prepare`` a message request made 560 more Python calls (15 % of
    its 3,700). No route of one router matches a path of another's (a test), so the order
    decides nothing else (the API docs sort their groups by name).
    """
    return [
        negotiate.router,
        auth.router,
        prepare.router,
        texts.router,
        bidding.router,
        protocols.build_router(),  # generic over the protocol registry
        decide.router,
        scores.router,
        rehearse.router,
        events.router,
        agree.router,
        implement.router,
        translations.router,
        setup.router,
        team.router,
        account.router,
    ]


def ready(app: FastAPI) -> None:
    """Build before serving what the first requests would build, then freeze what was built.

    FastAPI prepares a route (its dependencies, its parameters' and body's validators) when a
    request first walks the router that holds it: 140 ms of CPU for the app's 282 routes, paid
    by a worker's first requests (a first message POST prepared 11 to 36 routes: 6 to 22 ms),
    in objects made after the start-up freeze. :meth:`FastAPI.openapi` walks every route, so it
    prepares them all; it also builds the OpenAPI description once (430 ms, which the first
    request for it paid).

    The app, its routes, schemas and imported modules are then some 290,000 objects that live
    as long as the process; a full collection walks all of them (over 150 ms here), stalling
    every request of the worker. ``gc.freeze()`` moves them to the permanent generation, so
    collections walk only what requests allocate. (The in-process profile,
    ``benchmarks/service_profile.py``, calls this too: without it, one of its requests paid
    such a collection.)
    """
    app.openapi()
    gc.collect()
    gc.freeze()


def _lifespan(
    threads: int,
    background: Callable[[], contextlib.AbstractAsyncContextManager[None]] | None = None,
) -> Callable[[FastAPI], Any]:
    """Start-up: cap the threads that run the (synchronous) database work of requests, and
    :func:`ready` the app.

    Starlette's default is 40 threads. They share one GIL, and a thread that waits for the
    database gets the GIL back only after the running thread yields it (every 5 ms): with
    many threads, a request holding the audit chain's lock waits that long after each
    statement. Fewer threads keep requests queued in the event loop instead.

    Then :func:`ready`: what the first requests would build is built, and the app is taken out
    of the garbage collector's sight.

    ``background`` runs beside the app while it serves (the e-mail sender and notifier).
    """

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        analysis_worker.stop_on_shutdown_signals()  # SIGTERM: workers killed, requests 503
        ready(_app)
        if background is None:
            yield
        else:
            async with background():
                yield

    return lifespan


@contextlib.asynccontextmanager
async def _background(db: Database, settings: Settings) -> AsyncIterator[None]:
    """The protocol states kept current (:mod:`gobetween.service.state_keeper`: replayed
    before the worker serves, then what other workers write every ``sse_poll_seconds``), the
    e-mail sender and notifier, and the scheduled tasks (purge, administrators' alerts:
    :func:`gobetween.service.retention.worker`)."""
    async with (
        state_keeper.worker(db, settings.sse_poll_seconds),
        mail.worker(db, settings),
        retention.worker(db, settings),
    ):
        yield


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """A gobetween app for ``settings`` (default: from the environment).

    Parameters
    ----------
    settings
        The service settings; :meth:`Settings.from_env` when omitted.
    database
        An already opened database to use instead of ``settings.database_url`` (tests).
    """
    settings = settings or Settings.from_env()
    db = database or Database(
        settings.database_url,
        pool_size=settings.pool_size,
        loop_connections=settings.loop_connections,
    )
    if settings.migrate:
        upgrade(db)
    protocol_states.configure(
        db.engine,
        tracks=settings.kept_state_tracks,
        track_size=settings.kept_state_track_mb * 1024 * 1024,
    )
    app = FastAPI(lifespan=_lifespan(settings.threads, lambda: _background(db, settings)), **_APP)
    app.state.services = Services(
        settings=settings,
        db=db,
        hasher=PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib
        ),
    )
    errors.install(app)
    app.add_middleware(RequestGuard, settings=settings)  # body limits, strict JSON, headers
    app.add_middleware(LocaleMiddleware)  # each request's language and time zone
    app.add_middleware(security_log.RequestClient)  # the browser named in the security log
    app.router.routes.extend(_routes())
    return app


#: The app's options (but its lifespan), shared by every app and by :func:`_routes`' template.
_APP: dict[str, Any] = {
    "title": "gobetween",
    "version": __version__,
    "description": "Mediated negotiation: private channels, analysis, single text, agreements.",
    "openapi_url": "/api/openapi.json",
    "docs_url": None,  # service/api_docs.py: the vendored, pinned Swagger UI
    "redoc_url": None,
}
_ROUTES: list[tuple[tuple[Any, ...], tuple[BaseRoute, ...]]] = []
_ROUTES_LOCK = threading.Lock()


def _routes() -> tuple[BaseRoute, ...]:
    """The routes of every app this process makes (the API's routers, the API docs, the pages),
    made once for the protocols registered.

    FastAPI prepares a route (its dependencies, its parameters' and body's validators) for the
    router that includes it, when a request first walks that router: each app including the
    routers paid it again (an app's first request through one router: 18-21 ms of CPU, now
    2.3 ms; ``python -m benchmarks.app_making``), most of what a short test that makes its own
    app cost. A route holds nothing of one app: the services,
    settings and database are the request's app's (``request.app.state``). So the routes are
    included once, in a template app with the same options, and every app lists those same
    route objects. A protocol registered later (the tests' own) makes a new set.
    """
    registered = registry.protocols()
    with _ROUTES_LOCK:
        for made_for, routes in _ROUTES:
            if len(made_for) == len(registered) and all(map(operator.is_, made_for, registered)):
                return routes
        template = FastAPI(**_APP)
        mine = len(template.router.routes)  # the template's own (the OpenAPI description)
        # the pages (gobetween.web) first, in a group that refuses the JSON API's paths at once
        # (route_gate); then the API, whose paths are all under /api/, busiest first
        template.include_router(gated([web_router]))
        for router in routers():
            template.include_router(router)
        template.include_router(docs_router)  # /api/docs from the vendored Swagger UI
        template.include_router(unknown_pages)  # last: any other address outside /api/
        routes = tuple(template.router.routes[mine:])
        del _ROUTES[:-3]  # a few sets at most (tests register protocols of their own)
        _ROUTES.append((registered, routes))
        return routes
