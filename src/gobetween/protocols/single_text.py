"""The single negotiating text as a pure, event-sourced state machine.

The mediators publish numbered versions of one text (a package, one option per issue, with clause
text per issue and a note); each party answers the current version privately: accept, reject
with reasons, or request amendments. When every party has accepted the same version the track is
*ready for agreement* (the one-text procedure Roger Fisher proposed and the United States used
at Camp David in 1978; see Raiffa 1982).

The module is pure: no clock (time is passed in as an aware ``now``), no I/O, no randomness.

API
---
- :class:`SingleTextState` (``SingleTextState.open(agenda, parties, mediators)``) with
  :class:`TextVersion`, :class:`PartyAnswer`, :class:`TrackStatus`, :class:`AnswerKind`.
- Actions (the union :data:`SingleTextAction`): :class:`PublishText`, :class:`Answer`,
  :class:`WithdrawAnswer`, :class:`ExtendDeadline`, :class:`CloseTrack`.
- Events (the union :data:`SingleTextEvent`): :class:`TextPublished`, :class:`AnswerGiven`,
  :class:`AnswerWithdrawn`, :class:`DeadlineExtended`, :class:`TrackReady`, :class:`TrackClosed`;
  each has ``to_dict()``; :func:`event_from_dict` reads them back (by the ``type`` field). They
  are defined in :mod:`gobetween.protocols.single_text_events` and re-exported here.
- :func:`decide` (action -> events, or :class:`~gobetween.errors.ProtocolError`), :func:`apply`
  (event -> state), :func:`step` (both), :func:`replay` (initial state + stored events -> state).
- Views and the diff between versions: :mod:`gobetween.protocols.single_text_views`.

Rules: only a mediator of the track publishes, closes or moves a deadline; versions are numbered
1, 2, 3, ...; an answer is for the current version, by a party of the track, no later than the
version's deadline; a party may change or withdraw its answer until the version is superseded or
the track is ready; publishing a new version supersedes every earlier answer; a track is ready
when every party has accepted its current version, and then takes no further answers or texts.

>>> from datetime import datetime, timedelta, timezone
>>> from gobetween.model import Agenda, Issue
>>> agenda = Agenda((Issue.discrete("ports", ["one", "three"]),))
>>> t0 = datetime(2022, 7, 1, tzinfo=timezone.utc)
>>> state = SingleTextState.open(agenda, parties=("A", "B"), mediators=("UN",))
>>> state, events = step(state, PublishText("UN", agenda.package({"ports": "three"})), now=t0)
>>> state, _ = step(state, Answer("A", 1, AnswerKind.ACCEPT), now=t0 + timedelta(hours=1))
>>> state, events = step(state, Answer("B", 1, AnswerKind.ACCEPT), now=t0 + timedelta(hours=2))
>>> [e.type for e in events], state.status.value
(['answer_given', 'track_ready'], 'ready_for_agreement')
>>> replay(SingleTextState.open(agenda, ("A", "B"), ("UN",)), state.log) == state
True
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated, Any, Required

from annotated_types import Ge, Le, MaxLen
from typing_extensions import TypedDict

from gobetween import wire
from gobetween.errors import N_, ProtocolError
from gobetween.model import Agenda, Package
from gobetween.protocols import _common as c
from gobetween.protocols import base
from gobetween.protocols.base import ActionRule
from gobetween.protocols.single_text_articles import (
    MAX_ARTICLES,
    Article,
    ArticleAnswer,
    Stance,
    article_answers_from_wire,
    articles_from_package,
    articles_from_wire,
    check_article_answers,
    check_articles,
    raise_problems,
    wording_of,
)
from gobetween.protocols.single_text_events import (
    AnswerGiven,
    AnswerKind,
    AnswerWithdrawn,
    DeadlineExtended,
    SingleTextEvent,
    TextPublished,
    TrackClosed,
    TrackReady,
    articles_codec,
    event_from_dict,
)

__all__ = [
    "ANSWER_TEXT",
    "PUBLISH_TEXT",
    "WITHDRAW_ANSWER",
    "Answer",
    "AnswerGiven",
    "AnswerKind",
    "AnswerWithdrawn",
    "CloseTrack",
    "DeadlineExtended",
    "ExtendDeadline",
    "PartyAnswer",
    "PublishText",
    "SingleTextAction",
    "SingleTextEvent",
    "SingleTextState",
    "TextPublished",
    "TextVersion",
    "TrackClosed",
    "TrackReady",
    "TrackStatus",
    "WithdrawAnswer",
    "apply",
    "decide",
    "event_from_dict",
    "replay",
    "step",
]


class TrackStatus(enum.StrEnum):
    """Where a single-text track stands."""

    DRAFTING = "drafting"
    AWAITING_ANSWERS = "awaiting_answers"
    READY_FOR_AGREEMENT = "ready_for_agreement"
    CLOSED = "closed"


@dataclass(frozen=True)
class TextVersion:
    """One published version of the text: the package, its articles, clause text and a note.

    ``articles`` is the text as diplomats read it (see
    :mod:`gobetween.protocols.single_text_articles`); a version published before articles
    existed has none stored and reads as one article per issue (:attr:`text_articles`).
    """

    number: int
    package: Package
    clauses: Mapping[str, str]
    note: str
    published_at: datetime
    deadline: datetime | None
    published_by: str
    articles: tuple[Article, ...] = ()

    @property
    def text_articles(self) -> tuple[Article, ...]:
        """The articles: the stored ones, or one per issue for an older version."""
        if self.articles:
            return self.articles
        return articles_from_package(self.package.agenda, self.package, self.clauses)

    @property
    def bracketed(self) -> tuple[str, ...]:
        """Ids of the articles that still carry bracketed alternatives."""
        return tuple(a.id for a in self.articles if a.bracketed)

    def wording_of(self) -> dict[str, dict[str, str | None]]:
        """Per article tied to an issue, per language: the option its wording belongs to
        (``None`` for wording the mediators wrote themselves)."""
        return wording_of(self.package.agenda, self.text_articles)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what views and pages show); ``wording_of`` says, per article and
        language, which option the wording belongs to."""
        return {
            "number": self.number,
            "package": self.package.options,
            "clauses": dict(self.clauses),
            "articles": [a.to_dict() for a in self.text_articles],
            "bracketed": list(self.bracketed),
            "wording_of": self.wording_of(),
            "note": self.note,
            "published_at": c.time_to_wire(self.published_at),
            "deadline": c.time_to_wire(self.deadline),
            "published_by": self.published_by,
        }


@dataclass(frozen=True)
class PartyAnswer:
    """A party's standing answer to one version.

    ``reasons`` are free text; ``amendments`` map an issue to the option the party asks for.
    """

    party: str
    version: int
    kind: AnswerKind
    reasons: tuple[str, ...]
    amendments: Mapping[str, str]
    at: datetime
    articles: tuple[ArticleAnswer, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "party": self.party,
            "version": self.version,
            "kind": self.kind.value,
            "reasons": list(self.reasons),
            "amendments": dict(self.amendments),
            "articles": [a.to_dict() for a in self.articles],
            "at": c.time_to_wire(self.at),
        }


@dataclass(frozen=True)
class SingleTextState:
    """The whole state of one track; build the empty one with :meth:`open`.

    ``answers`` maps a version number to ``{party: PartyAnswer}`` (the standing answers; earlier
    answers a party replaced are in ``log``). ``log`` holds every event applied so far, in order:
    it is what the service stores.
    """

    agenda: Agenda
    parties: tuple[str, ...]
    mediators: tuple[str, ...]
    versions: tuple[TextVersion, ...] = ()
    answers: Mapping[int, Mapping[str, PartyAnswer]] = field(default_factory=dict)
    status: TrackStatus = TrackStatus.DRAFTING
    closed_reason: str | None = None
    log: tuple[SingleTextEvent, ...] = ()

    @classmethod
    def open(
        cls, agenda: Agenda, parties: Iterable[str], mediators: Iterable[str]
    ) -> SingleTextState:
        """The state of a new track, before any text: checks the names of its members."""
        if not isinstance(agenda, Agenda):
            raise ProtocolError("a single-text track needs an Agenda")
        party_names, mediator_names = c.check_members(
            parties,
            mediators,
            1,
            N_("a single-text track needs at least one party and one mediator"),
        )
        both = set(party_names) & set(mediator_names)
        if both:
            raise ProtocolError(f"{sorted(both)} cannot be both party and mediator")
        return cls(agenda, party_names, mediator_names, answers=c.frozen_mapping({}))

    @property
    def current(self) -> TextVersion | None:
        """The latest published version, if any."""
        return self.versions[-1] if self.versions else None

    def answers_to(self, version: int) -> Mapping[str, PartyAnswer]:
        """The standing answers to ``version`` by party (empty if none)."""
        return self.answers.get(version, c.frozen_mapping({}))

    def version(self, number: int) -> TextVersion:
        """The version numbered ``number``; :class:`ProtocolError` if it was never published."""
        if isinstance(number, bool) or not isinstance(number, int):
            raise ProtocolError(f"a version number must be an int, got {number!r}")
        return c.numbered(
            self.versions, number, N_("there is no version %(number)s (published: %(count)s)")
        )


# -- actions -----------------------------------------------------------------------------------


#: Articles (or per-article answers) in a request's body: their wire form, read as the text
#: reads them.
_ArticlesBody = Annotated[list[dict[str, Any]], MaxLen(MAX_ARTICLES)]


class _ArticleAnswerBody(TypedDict, total=False):
    """One per-article answer in a request's body, with the limits the texts' own route has."""

    article: Required[Annotated[str, MaxLen(64)]]
    stance: Required[Stance]
    alternative: Annotated[int, Ge(0), Le(9)] | None
    reason: Annotated[str, MaxLen(5000)]
    proposed: Annotated[
        Mapping[Annotated[str, MaxLen(20)], Annotated[str, MaxLen(20_000)]], MaxLen(12)
    ]


_AnswersBody = Annotated[list[_ArticleAnswerBody], MaxLen(4 * MAX_ARTICLES)]


@dataclass(frozen=True)
class PublishText:
    """A mediator publishes the next version of the text: the package (``{issue: option}``),
    clauses, a note, a deadline and the articles; ``expected_number`` guards against stale
    drafts."""

    mediator: str
    package: Package = field(metadata=c.BODY_PACKAGE)
    clauses: Annotated[Mapping[c.Name, Annotated[str, MaxLen(20_000)]], MaxLen(100)] = field(
        default_factory=dict
    )
    note: Annotated[str, MaxLen(5000)] = ""
    deadline: datetime | None = None
    expected_number: c.Number | None = None
    articles: tuple[Article, ...] = field(
        default=(), metadata=base.carried(articles_codec(articles_from_wire), _ArticlesBody)
    )


@dataclass(frozen=True)
class Answer:
    """A party answers the current ``version``: accept, reject with reasons, or ask for
    amendments (``{issue: option}``), and article by article."""

    party: str
    version: c.Number
    kind: AnswerKind
    reasons: Annotated[tuple[Annotated[str, MaxLen(5000)], ...], MaxLen(50)] = ()
    amendments: Mapping[str, str] = field(
        default_factory=dict, metadata=c.body_options(N_("the amendment request"))
    )
    articles: tuple[ArticleAnswer, ...] = field(
        default=(),
        metadata=base.carried(articles_codec(article_answers_from_wire), _AnswersBody),
    )


@dataclass(frozen=True)
class WithdrawAnswer:
    """A party withdraws its standing answer to the current ``version``."""

    party: str
    version: c.Number


@dataclass(frozen=True)
class ExtendDeadline:
    """A mediator moves the answer deadline of the current version (``None``: no deadline)."""

    mediator: str
    version: int
    deadline: datetime | None


@dataclass(frozen=True)
class CloseTrack:
    """A mediator closes the track (agreement signed elsewhere, or talks abandoned)."""

    mediator: str
    reason: str = ""


SingleTextAction = PublishText | Answer | WithdrawAnswer | ExtendDeadline | CloseTrack

#: The policy's rules for this protocol's actions, each done through the generic route and
#: page too: a mediator publishes; a party answers, or withdraws its answer, for itself only.
PUBLISH_TEXT = ActionRule("publish_text", frozenset({"mediator"}), action=PublishText)
ANSWER_TEXT = ActionRule("answer_text", frozenset({"party"}), own_party=True, action=Answer)
WITHDRAW_ANSWER = ActionRule(
    "withdraw_answer", frozenset({"party"}), own_party=True, action=WithdrawAnswer
)


# -- decide ------------------------------------------------------------------------------------


def decide(
    state: SingleTextState, action: SingleTextAction, *, now: datetime
) -> tuple[SingleTextEvent, ...]:
    """The events ``action`` causes at ``now``; :class:`ProtocolError` if it is not allowed.

    Parameters
    ----------
    state
        The track's current state.
    action
        One of the :data:`SingleTextAction` classes.
    now
        The time of the action, an aware datetime (stored in UTC).

    >>> from datetime import datetime, timezone
    >>> from gobetween.model import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> state = SingleTextState.open(agenda, ("A",), ("M",))
    >>> decide(state, Answer("A", 1, AnswerKind.ACCEPT), now=datetime.now(timezone.utc))
    Traceback (most recent call last):
    ...
    gobetween.errors.ProtocolError: no text has been published yet
    """
    at = c.utc(now)
    closed = state.status is TrackStatus.CLOSED
    c.check_open(closed, N_("the track is closed (%(reason)s)"), state.closed_reason)
    match action:
        case PublishText():
            return (_decide_publish(state, action, at),)
        case Answer():
            return _decide_answer(state, action, at)
        case WithdrawAnswer():
            _check_answerable(state, action.party, action.version, at)
            if action.party not in state.answers_to(action.version):
                raise ProtocolError(
                    N_("%(party)r has no answer to version %(version)s to withdraw"),
                    params={"party": action.party, "version": action.version},
                )
            return (AnswerWithdrawn(action.party, action.version, at),)
        case ExtendDeadline():
            c.check_member(action.mediator, state.mediators, "mediator")
            _check_current(state, action.version)
            deadline = _future_deadline(action.deadline, at)
            return (DeadlineExtended(action.mediator, action.version, deadline, at),)
        case CloseTrack():
            return (TrackClosed.by(action.mediator, action.reason, state.mediators, at),)
        case _:
            raise c.unknown("single-text action", action)


def _decide_publish(state: SingleTextState, action: PublishText, at: datetime) -> TextPublished:
    c.check_member(action.mediator, state.mediators, "mediator")
    if state.status is TrackStatus.READY_FOR_AGREEMENT:
        raise ProtocolError(
            N_(
                "the track is ready for agreement on version %(version)s; "
                "no new text can be published (close the track to start over)"
            ),
            params={"version": len(state.versions)},
        )
    number = len(state.versions) + 1
    if action.expected_number is not None and action.expected_number != number:
        raise ProtocolError(
            N_(
                "the next version is %(number)s, not %(expected)s "
                "(another text was published meanwhile)"
            ),
            params={"number": number, "expected": action.expected_number},
        )
    if not isinstance(action.package, Package) or action.package.agenda != state.agenda:
        raise ProtocolError("the text's package must be a Package of this track's agenda")
    if not isinstance(action.clauses, Mapping):
        raise ProtocolError(N_("clauses must map issue names to clause text"))
    for issue, text in action.clauses.items():
        if not isinstance(issue, str) or not state.agenda.has_issue(issue):
            raise ProtocolError(
                N_("a clause is given for %(issue)r, which is not on the agenda"),
                params={"issue": issue},
            )
        c.check_text(text, f"the clause of issue {issue!r}")
    clauses = {n: action.clauses[n] for n in state.agenda.issue_names if n in action.clauses}
    note = c.check_text(action.note, N_("the note"))
    deadline = _future_deadline(action.deadline, at)
    if isinstance(action.articles, str) or not isinstance(action.articles, Iterable):
        raise ProtocolError("articles must be a sequence of Article objects")
    articles = tuple(action.articles)
    if not all(isinstance(a, Article) for a in articles):
        raise ProtocolError("articles must be Article objects")
    raise_problems(check_articles(state.agenda, action.package, articles))
    return TextPublished(
        number,
        action.mediator,
        action.package,
        c.frozen_mapping(clauses),
        note,
        deadline,
        at,
        articles,
    )


def _future_deadline(deadline: object, at: datetime) -> datetime | None:
    result = c.optional_utc(deadline, "the deadline")
    if result is not None and result <= at:
        raise ProtocolError(
            N_("the deadline %(deadline)s is not after now (%(now)s)"),
            params={"deadline": result, "now": at},
        )
    return result


def _check_current(state: SingleTextState, version: object) -> TextVersion:
    current = state.current
    if current is None:
        raise ProtocolError(N_("no text has been published yet"))
    if state.status is TrackStatus.READY_FOR_AGREEMENT:
        raise ProtocolError(
            N_("the track is already ready for agreement on version %(version)s"),
            params={"version": current.number},
        )
    if isinstance(version, bool) or not isinstance(version, int) or version != current.number:
        raise ProtocolError(
            N_("only the current version (%(current)s) can be answered, not %(version)r"),
            params={"current": current.number, "version": version},
        )
    return current


def _check_answerable(state: SingleTextState, party: str, version: int, at: datetime) -> None:
    current = _check_current(state, version)
    c.check_member(party, state.parties, "party")
    if current.deadline is not None and at > current.deadline:
        raise ProtocolError(
            N_("the deadline for answers to version %(version)s passed at %(deadline)s"),
            params={"version": current.number, "deadline": current.deadline},
        )


def _decide_answer(
    state: SingleTextState, action: Answer, at: datetime
) -> tuple[SingleTextEvent, ...]:
    _check_answerable(state, action.party, action.version, at)
    if not isinstance(action.kind, AnswerKind):
        raise ProtocolError(f"the answer kind must be an AnswerKind, got {action.kind!r}")
    if isinstance(action.reasons, str) or not isinstance(action.reasons, Iterable):
        raise ProtocolError(N_("reasons must be a sequence of strings"))
    reasons = tuple(action.reasons)
    for reason in reasons:
        c.check_text(reason, N_("a reason"), required=True)
    amendments = c.check_options(state.agenda, action.amendments, N_("the amendment request"))
    current = state.version(action.version)
    for issue, option in amendments.items():
        if current.package.option(issue) == option:
            raise ProtocolError(
                N_("the amendment asks for %(issue)s=%(option)r, which the text already says"),
                params={"issue": issue, "option": option},
            )
    if action.kind is AnswerKind.ACCEPT and amendments:
        raise ProtocolError(N_("an acceptance cannot request amendments (answer 'amend' instead)"))
    if action.kind is AnswerKind.REJECT and (not reasons or amendments):
        raise ProtocolError(N_("a rejection needs at least one reason and no amendments"))
    if action.kind is AnswerKind.AMEND and not amendments and not action.articles:
        raise ProtocolError(N_("an amendment request needs at least one amendment"))
    per_article = _check_article_answers(current, action)
    given = AnswerGiven(
        action.party, action.version, action.kind, reasons, amendments, at, per_article
    )
    after = apply(state, given)
    if all(a.kind is AnswerKind.ACCEPT for a in after.answers_to(action.version).values()) and set(
        after.answers_to(action.version)
    ) == set(state.parties):
        return (given, TrackReady(action.version, at))
    return (given,)


def _check_article_answers(current: TextVersion, action: Answer) -> tuple[ArticleAnswer, ...]:
    """Validate per-article answers against ``current``'s articles."""
    return check_article_answers(
        current.number,
        current.text_articles,
        action.articles,
        whole_accepted=action.kind is AnswerKind.ACCEPT,
    )


# -- apply, step, replay -----------------------------------------------------------------------


def apply(state: SingleTextState, event: SingleTextEvent) -> SingleTextState:
    """The state after ``event`` (which :func:`decide` produced, now or in the past).

    Only the numbering of versions is re-checked here (a new version follows the last; other
    events name the current one); everything else was checked by :func:`decide`.
    """
    log = (*state.log, event)
    if not isinstance(event, TextPublished | TrackClosed) and event.version != len(state.versions):
        raise ProtocolError(
            f"stored {event.type} event is for version {event.version}, "
            f"but the current version is {len(state.versions)}"
        )
    match event:
        case TextPublished():
            if event.version != len(state.versions) + 1:
                raise ProtocolError(
                    f"stored version {event.version} does not follow version {len(state.versions)}"
                )
            version = TextVersion(
                event.version,
                event.package,
                event.clauses,
                event.note,
                event.at,
                event.deadline,
                event.mediator,
                event.articles,
            )
            return replace(
                state,
                versions=(*state.versions, version),
                status=TrackStatus.AWAITING_ANSWERS,
                log=log,
            )
        case AnswerGiven():
            answer = PartyAnswer(
                event.party,
                event.version,
                event.kind,
                event.reasons,
                event.amendments,
                event.at,
                event.articles,
            )
            return replace(
                state, answers=_set_answer(state, event.version, event.party, answer), log=log
            )
        case AnswerWithdrawn():
            return replace(
                state, answers=_set_answer(state, event.version, event.party, None), log=log
            )
        case DeadlineExtended():
            versions = list(state.versions)
            versions[event.version - 1] = replace(
                versions[event.version - 1], deadline=event.deadline
            )
            return replace(state, versions=tuple(versions), log=log)
        case TrackReady():
            return replace(state, status=TrackStatus.READY_FOR_AGREEMENT, log=log)
        case TrackClosed():
            return replace(state, status=TrackStatus.CLOSED, closed_reason=event.reason, log=log)
        case _:
            raise c.unknown("single-text event", event)


def _set_answer(
    state: SingleTextState, version: int, party: str, answer: PartyAnswer | None
) -> Mapping[int, Mapping[str, PartyAnswer]]:
    row = dict(state.answers_to(version))
    if answer is None:
        row.pop(party, None)
    else:
        row[party] = answer
    table = dict(state.answers)
    table[version] = c.frozen_mapping(row)
    return c.frozen_mapping(table)


#: ``step(state, action, *, now)`` and ``replay(initial, events)`` (:class:`gobetween.wire.Loop`).
_LOOP = wire.Loop(decide, apply, event_from_dict, lambda s: s.agenda)
step, replay = _LOOP.step, _LOOP.replay
