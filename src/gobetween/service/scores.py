"""Scores of packages under the parties' preferences, scoped by the policy.

Three questions the pages and their JSON twins ask:

- :func:`preview`: how one party's preferences (a draft, or the ones it recorded) score its best
  and worst packages, the middle options and the latest text versions. Only that party's members
  and the mediators may ask (:data:`~gobetween.policy.Action.READ_PARTY_DATA`): a party scores
  with its own preferences only, and another party's preferences do not exist for it;
- :func:`text_scores`: every party's utility of every published text version;
- :func:`package_scores`: every party's utility of one package (a draft of the next version)
  against its reservation level and red lines.

The last two are decision support for the mediators (:data:`~gobetween.policy.Action.
READ_ANALYSIS`); to anyone else they do not exist. Every number is
:meth:`gobetween.model.Preferences.utility` of the package under the party's preferences.

>>> from gobetween.model import Agenda, Issue, Preferences, RatingScale
>>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
>>> prefs = Preferences(weights={"a": 1}, ratings={"a": {"x": 0, "y": 4, "z": 10}},
...                     scale=RatingScale(0, 10), reservation=0.5)
>>> [(s.kind.value, s.package.options["a"], s.utility, s.below_reservation)
...  for s in score_packages(prefs, agenda)]
[('best', 'z', 1.0, False), ('middle', 'y', 0.4, True), ('worst', 'x', 0.0, True)]
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from gobetween.analysis.bonus_frontier import extreme_package
from gobetween.errors import Conflict, InvalidModel
from gobetween.i18n import _
from gobetween.model import Agenda, Package, Preferences, check_bonus_limit
from gobetween.policy import Action, Actor, TrackView
from gobetween.protocols.single_text import TextVersion
from gobetween.service.negotiate import track_agenda
from gobetween.service.texts import single_text_state
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store.codec import preferences_from_json

__all__ = [
    "LATEST_TEXTS",
    "PackageScores",
    "PartyScore",
    "Preview",
    "Scored",
    "ScoredKind",
    "TextScores",
    "VersionScores",
    "package_scores",
    "preview",
    "score_packages",
    "text_scores",
]

#: How many of the newest text versions a preview scores.
LATEST_TEXTS = 2


class ScoredKind(enum.StrEnum):
    """Which package of a preview a row is."""

    BEST = "best"  # the best package within the red lines
    MIDDLE = "middle"  # the middle option of every issue
    WORST = "worst"  # the worst package within the red lines
    TEXT = "text"  # a published version of the single text


@dataclass(frozen=True, slots=True)
class Scored:
    """One package of a preview and how the preferences score it."""

    kind: ScoredKind
    version: int | None  # the text version, for ``TEXT`` rows
    package: Package
    utility: float
    crosses_red_line: bool
    below_reservation: bool


@dataclass(frozen=True, slots=True)
class Preview:
    """A preview of one party's preferences: a draft, or its recorded ``version``."""

    track_id: int
    party_id: int
    draft: bool
    version: int | None
    reservation: float
    packages: tuple[Scored, ...]


@dataclass(frozen=True, slots=True)
class PartyScore:
    """One party's score of a package under its current preferences (``version``)."""

    party_id: int
    party: str
    version: int
    utility: float
    reservation: float
    crosses_red_line: bool

    @property
    def below_reservation(self) -> bool:
        """Whether the package scores below the party's reservation level."""
        return self.utility < self.reservation


@dataclass(frozen=True, slots=True)
class PackageScores:
    """Every party's score of one package; ``missing``: parties with no preferences yet."""

    package: Package
    scores: tuple[PartyScore, ...]
    missing: Mapping[int, str]


@dataclass(frozen=True, slots=True)
class VersionScores:
    """Every party's score of one text version."""

    number: int
    package: Package
    scores: tuple[PartyScore, ...]


@dataclass(frozen=True, slots=True)
class TextScores:
    """Every party's score of every text version, oldest first."""

    versions: tuple[VersionScores, ...]
    missing: Mapping[int, str]


def _extreme(prefs: Preferences, agenda: Agenda, best: bool) -> Package:
    """The best (or worst) option of every issue that is not itself a red line; with bonuses,
    the best (or worst) package as a whole, by the solver (the options one by one otherwise, or
    when the solver cannot prove it within its short time limit)."""
    if prefs.bonuses:
        found = extreme_package(prefs, agenda, best=best)
        if found is not None:
            return found
    values = prefs.issue_values(agenda)
    forbidden = prefs.forbidden_options()
    choice = {}
    for issue, row in zip(agenda.issues, values, strict=True):
        allowed = [j for j, o in enumerate(issue.option_names) if (issue.name, o) not in forbidden]
        pool = allowed or list(range(issue.size))
        j = (max if best else min)(pool, key=lambda k: row[k])
        choice[issue.name] = issue.option_names[j]
    return agenda.package(choice)


def score_packages(
    prefs: Preferences, agenda: Agenda, texts: Mapping[int, Package] | None = None
) -> list[Scored]:
    """How ``prefs`` score the best and worst packages, the middle options and each text.

    Parameters
    ----------
    prefs
        Preferences already validated against ``agenda``.
    agenda
        The track's agenda.
    texts
        Text version number -> its package, scored after the three reference packages in the
        order given.

    Returns
    -------
    list of Scored
        Best, middle, worst, then one row per text version.
    """
    middle = agenda.package({i.name: i.option_names[(i.size - 1) // 2] for i in agenda.issues})
    rows: list[tuple[ScoredKind, int | None, Package]] = [
        (ScoredKind.BEST, None, _extreme(prefs, agenda, best=True)),
        (ScoredKind.MIDDLE, None, middle),
        (ScoredKind.WORST, None, _extreme(prefs, agenda, best=False)),
    ]
    rows += [(ScoredKind.TEXT, n, p) for n, p in (texts or {}).items()]
    out = []
    for kind, version, package in rows:
        utility = prefs.utility(package)
        out.append(
            Scored(
                kind,
                version,
                package,
                utility,
                crosses_red_line=not prefs.accepts(package),
                below_reservation=utility < prefs.reservation,
            )
        )
    return out


def preview(
    session: Session,
    actor: Actor,
    track_id: int,
    party_id: int,
    draft: Preferences | None = None,
) -> Preview:
    """How ``draft`` (or, without one, the party's recorded preferences) score a few packages.

    The caller must be allowed to read ``party_id``'s data in the track (its own party's
    members, the mediators): for anyone else the party's preferences do not exist
    (:class:`~gobetween.errors.NotFound`). Without a draft and with nothing recorded yet the
    answer is :class:`~gobetween.errors.Conflict`.
    """
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_PARTY_DATA, party_id)
    agenda = track_agenda(track)
    version: int | None = None
    if draft is not None:
        try:
            draft.validate(agenda)
            check_bonus_limit(draft)
        except InvalidModel as exc:
            raise exc.located(source="preferences") from None
        prefs = draft
    else:
        rows = [
            r for r in repositories.current_preferences(session, view) if r.party_id == party_id
        ]
        if not rows:
            raise Conflict(_("no preferences recorded yet: send a draft to preview"))
        prefs, version = preferences_from_json(rows[0].body), rows[0].version
    latest = single_text_state(session, track, view).versions[-LATEST_TEXTS:]
    return Preview(
        track_id=track.id,
        party_id=party_id,
        draft=draft is not None,
        version=version,
        reservation=prefs.reservation,
        packages=tuple(score_packages(prefs, agenda, {v.number: v.package for v in latest})),
    )


@dataclass(frozen=True, slots=True)
class _Parties:
    """The current preferences of every party of a track, for a mediator."""

    prefs: Mapping[int, tuple[int, Preferences]]  # party id -> (version, preferences)
    names: Mapping[int, str]
    missing: Mapping[int, str]

    def score(self, package: Package) -> tuple[PartyScore, ...]:
        return tuple(
            PartyScore(
                party_id=party,
                party=self.names.get(party, f"organisation {party}"),
                version=version,
                utility=prefs.utility(package),
                reservation=prefs.reservation,
                crosses_red_line=not prefs.accepts(package),
            )
            for party, (version, prefs) in sorted(self.prefs.items())
        )


def _mediator_parties(
    session: Session, actor: Actor, track_id: int
) -> tuple[t.Track, TrackView, _Parties]:
    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_ANALYSIS)
    return track, view, _parties(session, view)


def _parties(session: Session, view: TrackView) -> _Parties:
    prefs = {
        row.party_id: (row.version, preferences_from_json(row.body))
        for row in repositories.current_preferences(session, view)
    }
    names = repositories.organisation_names(session, view.party_ids)
    missing = {p: names.get(p, f"organisation {p}") for p in sorted(view.party_ids - set(prefs))}
    return _Parties(prefs, names, missing)


def package_scores(
    session: Session, actor: Actor, track_id: int, options: Mapping[str, str]
) -> PackageScores:
    """Every party's score of the package ``options`` (mediators of the track only).

    Parties that have recorded no preferences yet are listed in ``missing``. An ``options``
    that is not a package of the agenda is an :class:`~gobetween.errors.InvalidPackage` located
    under ``package``.
    """
    track, _, parties = _mediator_parties(session, actor, track_id)
    try:
        package = track_agenda(track).package(options)
    except InvalidModel as exc:
        raise exc.located(source="package") from None
    return PackageScores(package, parties.score(package), parties.missing)


def text_scores(session: Session, actor: Actor, track_id: int) -> TextScores:
    """Every party's score of every published text version (mediators of the track only)."""
    track, view, parties = _mediator_parties(session, actor, track_id)
    versions: Sequence[TextVersion] = single_text_state(session, track, view).versions
    return TextScores(
        versions=tuple(
            VersionScores(v.number, v.package, parties.score(v.package)) for v in versions
        ),
        missing=parties.missing,
    )
