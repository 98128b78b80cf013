"""Routes: scores of packages under the parties' preferences (see :mod:`gobetween.service.scores`).

The JSON twins of the preferences page's preview (a party, or the mediators, for that party),
and of the text versions' and the drafted package's scores on the analysis and drafting pages
(mediators).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Body

from gobetween.errors import InvalidModel
from gobetween.service import schemas as s
from gobetween.service import scores
from gobetween.service.api.calls import Ctx, reading
from gobetween.service.scores import PartyScore
from gobetween.store.codec import preferences_from_json

router = APIRouter(prefix="/api", tags=["scores"])


class PreviewIn(s.In):
    """A draft to score; without one, the party's recorded preferences are scored."""

    preferences: s.PreferencesIn | None = None


class PackageIn(s.In):
    package: s.Options


class ScoredOut(s.Out):
    kind: scores.ScoredKind
    version: int | None
    package: dict[str, str]
    utility: float
    crosses_red_line: bool
    below_reservation: bool


class PreviewOut(s.Out):
    track_id: int
    party_id: int
    draft: bool
    version: int | None
    reservation: float
    packages: list[ScoredOut]


class PartyScoreOut(s.Out):
    party_id: int
    party: str
    version: int
    utility: float
    reservation: float
    crosses_red_line: bool
    below_reservation: bool


class PartyRefOut(s.Out):
    party_id: int
    party: str


class PackageScoresOut(s.Out):
    package: dict[str, str]
    scores: list[PartyScoreOut]
    missing: list[PartyRefOut]


class VersionScoresOut(s.Out):
    number: int
    package: dict[str, str]
    scores: list[PartyScoreOut]


class TextScoresOut(s.Out):
    versions: list[VersionScoresOut]
    missing: list[PartyRefOut]


def _party_scores(rows: tuple[PartyScore, ...]) -> list[PartyScoreOut]:
    return [PartyScoreOut.model_validate(r) for r in rows]


def _missing(missing: Mapping[int, str]) -> list[PartyRefOut]:
    return [PartyRefOut(party_id=p, party=n) for p, n in missing.items()]


@router.post("/tracks/{track_id}/parties/{party_id}/preferences/preview", response_model=PreviewOut)
def preview(
    track_id: s.Id,
    party_id: s.Id,
    ctx: Ctx,
    body: Annotated[PreviewIn | None, Body()] = None,
) -> PreviewOut:
    """How a party's draft (or recorded) preferences score a few packages (nothing is stored)."""
    draft = None
    if body is not None and body.preferences is not None:
        try:
            draft = preferences_from_json(body.preferences.model_dump())
        except InvalidModel as exc:
            raise exc.located(source="preferences") from None
    result = reading(ctx, scores.preview, track_id, party_id, draft)
    return PreviewOut(
        track_id=result.track_id,
        party_id=result.party_id,
        draft=result.draft,
        version=result.version,
        reservation=result.reservation,
        packages=[
            ScoredOut(
                kind=r.kind,
                version=r.version,
                package=dict(r.package.options),
                utility=r.utility,
                crosses_red_line=r.crosses_red_line,
                below_reservation=r.below_reservation,
            )
            for r in result.packages
        ],
    )


@router.get("/tracks/{track_id}/text/scores", response_model=TextScoresOut)
def text_scores(track_id: s.Id, ctx: Ctx) -> TextScoresOut:
    """Every party's utility of every text version (mediators)."""
    result = reading(ctx, scores.text_scores, track_id)
    return TextScoresOut(
        versions=[
            VersionScoresOut(
                number=v.number, package=dict(v.package.options), scores=_party_scores(v.scores)
            )
            for v in result.versions
        ],
        missing=_missing(result.missing),
    )


@router.post("/tracks/{track_id}/scores", response_model=PackageScoresOut)
def package_scores(track_id: s.Id, body: PackageIn, ctx: Ctx) -> PackageScoresOut:
    """Every party's utility of a package against its reservation and red lines (mediators)."""
    result = reading(ctx, scores.package_scores, track_id, body.package)
    return PackageScoresOut(
        package=dict(result.package.options),
        scores=_party_scores(result.scores),
        missing=_missing(result.missing),
    )
