"""Mediator decision support on a track: analysis and "improve this package".

Computed by :mod:`gobetween.analysis` from the parties' *current* preferences and cached per
combination of preference versions (a new version of any party's preferences makes a new key).
Only mediators of the track may ask (:data:`~gobetween.policy.Action.READ_ANALYSIS`); to
anyone else the analysis does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.analysis import analyze, pareto_frontier, pareto_improvements
from gobetween.errors import Conflict, InvalidModel
from gobetween.model import Scenario
from gobetween.policy import Action, Actor, TrackView
from gobetween.service.negotiate import track_agenda
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store.codec import preferences_from_json

__all__ = ["improve_package", "track_analysis"]


def _scenario(session: Session, track: t.Track, view: TrackView) -> tuple[Scenario, str]:
    current = repositories.current_preferences(session, view)
    have = {row.party_id for row in current}
    missing = sorted(view.party_ids - have)
    names = dict(
        session.execute(
            select(t.Organisation.id, t.Organisation.name).where(
                t.Organisation.id.in_(view.party_ids)
            )
        ).all()
    )
    if missing:
        raise Conflict(
            "no preferences recorded yet by " + ", ".join(names.get(p, str(p)) for p in missing)
        )
    prefs = {names[row.party_id]: preferences_from_json(row.body) for row in current}
    scenario = Scenario(track_agenda(track), prefs, name=track.name)
    key = "prefs:" + ",".join(f"{row.party_id}.{row.version}" for row in current)
    return scenario, key


def track_analysis(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """The analysis of a track (frontier, solutions, ZOPA, trade-offs), cached per versions."""
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_ANALYSIS)
    scenario, key = _scenario(session, track, view)
    cached = session.execute(
        select(t.Analysis).where(t.Analysis.track_id == track.id, t.Analysis.key == key)
    ).scalar_one_or_none()
    if cached is not None:
        return {"key": key, "cached": True, **cached.result}
    result = analyze(scenario).to_dict()
    session.add(t.Analysis(track_id=track.id, key=key, result=result))
    session.flush()
    return {"key": key, "cached": False, **result}


def improve_package(
    session: Session, actor: Actor, track_id: int, options: Mapping[str, str]
) -> dict[str, Any]:
    """The packages every party prefers to ``options`` (post-settlement improvement)."""
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_ANALYSIS)
    scenario, key = _scenario(session, track, view)
    try:
        package = scenario.agenda.package(options)
    except InvalidModel as exc:
        raise exc.located(source="package") from None
    frontier = pareto_frontier(scenario)
    found = pareto_improvements(scenario, package, frontier)
    names = scenario.party_names

    def by_party(values: Any) -> dict[str, float]:
        return {n: float(v) for n, v in zip(names, values, strict=True)}

    return {
        "key": key,
        "package": package.options,
        "utilities": by_party(found.utilities),
        "is_pareto_optimal": found.is_pareto_optimal,
        "improvements": [
            {"package": frontier.package(i).options, "utilities": by_party(frontier.utilities[i])}
            for i in found.indices
        ],
        "fairest": None
        if found.fairest is None
        else {
            "package": found.fairest.package.options,
            "utilities": by_party(found.fairest.utilities),
        },
    }
