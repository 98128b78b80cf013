"""Mediator analysis page: utility-space chart, ZOPA, trade-offs, Pareto improvements of the text.

Data come from :func:`gobetween.service.decide.track_analysis` and
:func:`~gobetween.service.decide.improve_package` (mediators only; to anyone else the page does
not exist), the text versions from :func:`gobetween.service.texts.text_view` and each party's
utility of them from :func:`gobetween.service.scores.text_scores`. Every package shown links to
the drafting page prefilled with it. JSON twins: ``GET /api/tracks/{id}/analysis``,
``POST /api/tracks/{id}/analysis/improve``, ``GET /api/tracks/{id}/text/scores``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from gobetween import errors as e
from gobetween.i18n import _
from gobetween.i18n import lazy_gettext as _l
from gobetween.policy import Action
from gobetween.service import decide, scores, texts
from gobetween.web.chart import utility_chart
from gobetween.web.common import Ctx, track_page
from gobetween.web.render import render, run_page

__all__ = ["IMPROVEMENTS_SHOWN", "draft_link", "improvement_rows", "router"]

router = APIRouter(include_in_schema=False)

SOLUTIONS = (
    ("nash", "Nash"),
    ("kalai_smorodinsky", "Kalai-Smorodinsky"),
    ("egalitarian", "Egalitarian"),
    ("max_welfare", "Max welfare"),
)

#: What each bargaining solution chooses, in plain words, for a mediator who has not met them.
SOLUTIONS_SAID = {
    "nash": _l(
        "the package that makes the product of the parties' gains over no deal largest: it "
        "balances the gains, so that no party gains without another losing more in proportion"
    ),
    "kalai_smorodinsky": _l(
        "each party gains the same share of the most it could hope for on the frontier"
    ),
    "egalitarian": _l(
        "the largest gain that every party gets alike: the worst-off as well off as can be"
    ),
    "max_welfare": _l(
        "the largest sum of the parties' utilities, however it is shared between them"
    ),
}


#: Most Pareto improvements the page lists (a frontier can hold thousands; the JSON twin lists
#: them all, and the page says how many it shows).
IMPROVEMENTS_SHOWN = 10


def improvement_rows(
    improve: Mapping[str, Any], limit: int = IMPROVEMENTS_SHOWN
) -> list[dict[str, Any]]:
    """The improvements of the current text as the page lists them, each once: the fairest
    first (``"fairest": True``), then the others that leave every party at or above its
    reservation level, then those that leave a party below it, in frontier order within each;
    at most ``limit``.

    >>> def row(name, below=()):
    ...     return {"package": {"term": name}, "below_reservation": list(below)}
    >>> improve = {"improvements": [row("180", ["Ukraine"]), row("120"), row("90")],
    ...            "fairest": row("90")}
    >>> [(r["package"]["term"], r["fairest"]) for r in improvement_rows(improve, 2)]
    [('90', True), ('120', False)]
    """
    fairest = improve.get("fairest")
    found = list(improve["improvements"])
    ordered = sorted(
        found,
        key=lambda r: (
            fairest is None or r["package"] != fairest["package"],
            bool(r.get("below_reservation")),
        ),
    )
    return [
        {**r, "fairest": fairest is not None and r["package"] == fairest["package"]}
        for r in ordered[:limit]
    ]


def draft_link(track_id: int, package: Mapping[str, str]) -> str:
    """The drafting page prefilled with ``package``.

    >>> draft_link(3, {"term": "120"})
    '/tracks/3/draft?pkg-term=120'
    """
    return f"/tracks/{track_id}/draft?" + urlencode({f"pkg-{k}": v for k, v in package.items()})


def _pair(parties: list[str], x: str | None, y: str | None) -> tuple[str, str]:
    first = x if x in parties else parties[0]
    rest = [p for p in parties if p != first]
    second = y if y in rest else rest[0]
    return first, second


def _chart(
    result: Mapping[str, Any],
    x: str,
    y: str,
    versions: list[tuple[int, dict[str, float]]],
    named: Callable[[str], str] = str,
) -> str:
    """The utility space of parties ``x`` and ``y`` (as the analysis names them), each labelled
    as ``named`` says (the reader's language)."""
    reservations = result["zopa"]["reservations"]
    solutions = [
        (label, (s["utilities"][x], s["utilities"][y]))
        for key, label in SOLUTIONS[:3]
        if (s := result["solutions"].get(key)) is not None
    ]
    return utility_chart(
        named(x),
        named(y),
        frontier=[(p["utilities"][x], p["utilities"][y]) for p in result["frontier"]],
        reservations=(reservations[x], reservations[y]),
        solutions=solutions,
        versions=[(n, (u[x], u[y])) for n, u in versions if x in u and y in u],
    )


def based_on(result: Mapping[str, Any], named: Callable[[str], str] = str) -> list[str]:
    """Each party and the version of its saved priorities the analysis is computed from, in
    the reader's words (each party as ``named`` shows it), read from the analysis's key
    (``prefs:<party id>.<version>,...``, in the parties' order); none where the key says
    otherwise.

    >>> based_on({"key": "prefs:5.2,6.1", "parties": ["Ukraine", "Russian Federation"]})
    ['Ukraine (version 2)', 'Russian Federation (version 1)']
    """
    key = str(result.get("key", ""))
    versions = [part.rpartition(".")[2] for part in key.removeprefix("prefs:").split(",")]
    parties = list(result.get("parties", ()))
    if len(versions) != len(parties) or not all(v.isdigit() for v in versions):
        return []
    return [
        _("%(party)s (version %(number)s)") % {"party": named(party), "number": int(v)}
        for party, v in zip(parties, versions, strict=True)
    ]


@router.get("/tracks/{track_id}/analysis")
def analysis_page(
    request: Request, ctx: Ctx, track_id: int, x: str | None = None, y: str | None = None
) -> Response:
    """The analysis of the parties' current preferences, for the mediators of the track."""

    def build() -> Response:
        with ctx.read() as unit:  # 404 or 403 before any work
            track_page(unit, track_id).view.require(Action.READ_ANALYSIS)
        # computed in a worker process, outside any transaction or lock, as the JSON twin does
        try:
            result, missing = decide.track_analysis_blocking(ctx, track_id), None
        except e.Conflict as exc:
            result, missing = {}, str(exc)
        with ctx.read() as unit:
            tp = track_page(unit, track_id)
            base = tp.context(ctx, unit, title=_("Analysis"), draft_link=draft_link)
            if missing is not None:
                return render(request, "analysis.html", {**base, "missing": missing})
            text = texts.text_view(unit.session, unit.actor, track_id)
            versions = [
                (v.number, {score.party: score.utility for score in v.scores})
                for v in scores.text_scores(unit.session, unit.actor, track_id).versions
            ]
        improve = None
        if text["versions"]:
            current = text["versions"][-1]["package"]
            improve = decide.improve_package_blocking(ctx, track_id, current)
        parties = list(result["parties"])
        px, py = _pair(parties, x, y)
        context = {
            **base,
            "missing": None,
            "result": result,
            "parties": parties,
            "px": px,
            "py": py,
            "chart": Markup(_chart(result, px, py, versions, tp.named)),  # from escaped parts
            "solutions": [
                (label, _l(label), result["solutions"][key], SOLUTIONS_SAID[key])
                for key, label in SOLUTIONS
                if result["solutions"].get(key)
            ],
            "versions": versions,
            "based_on": based_on(result, tp.named),
            "improve": improve,
            "improvement_rows": improvement_rows(improve) if improve else [],
            "current": text["versions"][-1] if text["versions"] else None,
        }
        return render(request, "analysis.html", context)

    return run_page(request, build)
