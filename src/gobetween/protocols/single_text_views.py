"""What each member of a single-text track may see, and what changed between versions.

- :func:`party_view` gives a party the published versions and *its own* answers, never another
  party's answer (nor how many parties have answered). The only thing a party learns about the
  others is the track's status: "ready for agreement" means every party accepted.
- :func:`mediator_view` gives the mediators everything, with who accepted, who asked for what and
  who has not answered yet.
- :func:`diff_versions` lists the issues whose option or clause text changed between versions.
- :data:`PROTOCOL` declares the single text to :mod:`gobetween.protocols.registry` (its views
  per role, actions and live updates).

The service's policy relies on these views: a party's page and its JSON twin show
``party_view(state, party).to_dict()`` and nothing else of the track.

>>> from datetime import datetime, timezone
>>> from gobetween.model import Agenda, Issue
>>> from gobetween.protocols.single_text import (
...     Answer, AnswerKind, PublishText, SingleTextState, step)
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
>>> t = datetime(2022, 7, 1, tzinfo=timezone.utc)
>>> state = SingleTextState.open(agenda, ("A", "B"), ("M",))
>>> state, _ = step(state, PublishText("M", agenda.package({"a": "x"})), now=t)
>>> state, _ = step(state, Answer("B", 1, AnswerKind.REJECT, ("too little",)), now=t)
>>> dict(party_view(state, "A").own_answers)
{}
>>> mediator_view(state).pending
('A',)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gobetween.errors import ProtocolError
from gobetween.protocols import _common as c
from gobetween.protocols.base import N_, ByRole, Machine, Notice, ViewRole
from gobetween.protocols.single_text import (
    ANSWER_TEXT,
    PUBLISH_TEXT,
    WITHDRAW_ANSWER,
    AnswerGiven,
    AnswerKind,
    AnswerWithdrawn,
    PartyAnswer,
    SingleTextAction,
    SingleTextEvent,
    SingleTextState,
    TextPublished,
    TextVersion,
    TrackReady,
    TrackStatus,
    apply,
    decide,
    event_from_dict,
)

__all__ = [
    "PROTOCOL",
    "IssueChange",
    "MediatorView",
    "PartyView",
    "TextUpdate",
    "diff_versions",
    "mediator_view",
    "party_view",
]


@dataclass(frozen=True)
class PartyView:
    """What ``party`` may see of a track: the texts and its own standing answers."""

    party: str
    status: TrackStatus
    versions: tuple[TextVersion, ...]
    own_answers: Mapping[int, PartyAnswer]
    closed_reason: str | None

    @property
    def current(self) -> TextVersion | None:
        """The latest version, if any."""
        return self.versions[-1] if self.versions else None

    @property
    def deadline(self) -> datetime | None:
        """Deadline for answering the current version."""
        return self.versions[-1].deadline if self.versions else None

    def can_answer(self, now: datetime) -> bool:
        """Whether the party may answer (or change its answer) at ``now`` (aware).

        >>> from datetime import datetime, timezone
        >>> view = PartyView("A", TrackStatus.DRAFTING, (), {}, None)
        >>> view.can_answer(datetime(2022, 7, 1, tzinfo=timezone.utc))
        False
        """
        at = c.utc(now)
        deadline = self.deadline
        return self.status is TrackStatus.AWAITING_ANSWERS and (deadline is None or at <= deadline)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "party": self.party,
            "status": self.status.value,
            "versions": [v.to_dict() for v in self.versions],
            "own_answers": {str(n): a.to_dict() for n, a in self.own_answers.items()},
            "closed_reason": self.closed_reason,
        }


@dataclass(frozen=True)
class MediatorView:
    """Everything about a track, with the answers to the current version sorted out."""

    status: TrackStatus
    parties: tuple[str, ...]
    versions: tuple[TextVersion, ...]
    answers: Mapping[int, Mapping[str, PartyAnswer]]
    accepted: tuple[str, ...]
    rejected: tuple[str, ...]
    amend_requested: tuple[str, ...]
    pending: tuple[str, ...]
    closed_reason: str | None

    def matrix(self, version: int | None = None) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """Per-article answers to ``version`` (default: the current one): article x party.

        ``{article id: {party: [answer, ...]}}`` with one answer per bracketed alternative; an
        article nobody answered has an empty row. Mediators only: a party sees its own answers.
        """
        if not self.versions:
            return {}
        number = version if version is not None else self.versions[-1].number
        articles = self.versions[number - 1].text_articles
        table: dict[str, dict[str, list[dict[str, Any]]]] = {a.id: {} for a in articles}
        for party, answer in self.answers.get(number, {}).items():
            for item in answer.articles:
                table[item.article].setdefault(party, []).append(item.to_dict())
        return table

    def settled(self, version: int | None = None) -> dict[str, int | None]:
        """Articles every party agrees to or can live with: visibly settled.

        Maps the article id to the alternative every party can accept (``None`` for an article
        without brackets; the first such alternative of a bracketed one).

        >>> MediatorView(TrackStatus.DRAFTING, (), (), {}, (), (), (), (), None).settled()
        {}
        """
        out: dict[str, int | None] = {}
        for article_id, row in self.matrix(version).items():
            if set(row) != set(self.parties):
                continue
            fine: list[set[int | None]] = [
                {a["alternative"] for a in answers if a["stance"] in {"agree", "can_live_with"}}
                for answers in row.values()
            ]
            common = set.intersection(*fine) if fine else set()
            if common:
                out[article_id] = min(common, key=lambda k: -1 if k is None else k)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "matrix": self.matrix(),
            "settled": self.settled(),
            "status": self.status.value,
            "parties": list(self.parties),
            "versions": [v.to_dict() for v in self.versions],
            "answers": {
                str(n): {p: a.to_dict() for p, a in row.items()} for n, row in self.answers.items()
            },
            "accepted": list(self.accepted),
            "rejected": list(self.rejected),
            "amend_requested": list(self.amend_requested),
            "pending": list(self.pending),
            "closed_reason": self.closed_reason,
        }


def party_view(state: SingleTextState, party: str) -> PartyView:
    """The track as ``party`` may see it; :class:`ProtocolError` if it is no party of the track."""
    c.check_member(party, state.parties, "party")
    own = {number: row[party] for number, row in sorted(state.answers.items()) if party in row}
    return PartyView(
        party, state.status, state.versions, c.frozen_mapping(own), state.closed_reason
    )


def mediator_view(state: SingleTextState) -> MediatorView:
    """The track as the mediators see it (everything)."""
    current = state.current
    row = state.answers_to(current.number) if current else {}

    def having(kind: AnswerKind) -> tuple[str, ...]:
        return tuple(p for p in state.parties if p in row and row[p].kind is kind)

    return MediatorView(
        status=state.status,
        parties=state.parties,
        versions=state.versions,
        answers=state.answers,
        accepted=having(AnswerKind.ACCEPT),
        rejected=having(AnswerKind.REJECT),
        amend_requested=having(AnswerKind.AMEND),
        pending=tuple(p for p in state.parties if p not in row) if current else (),
        closed_reason=state.closed_reason,
    )


@dataclass(frozen=True)
class IssueChange:
    """How one issue differs between two versions."""

    issue: str
    old_option: str
    new_option: str
    old_clause: str | None
    new_clause: str | None

    @property
    def option_changed(self) -> bool:
        """Whether the chosen option differs."""
        return self.old_option != self.new_option

    @property
    def clause_changed(self) -> bool:
        """Whether the clause text differs (a clause added or removed counts)."""
        return self.old_clause != self.new_clause


def diff_versions(old: TextVersion, new: TextVersion) -> tuple[IssueChange, ...]:
    """The issues whose option or clause text changed from ``old`` to ``new``, in agenda order.

    >>> from datetime import datetime, timezone
    >>> from gobetween.model import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    >>> t = datetime(2022, 7, 1, tzinfo=timezone.utc)
    >>> v1 = TextVersion(1, agenda.package({"a": "x", "b": "p"}), {}, "", t, None, "M")
    >>> v2 = TextVersion(2, agenda.package({"a": "y", "b": "p"}), {"b": "as before"}, "", t,
    ...                  None, "M")
    >>> [(ch.issue, ch.option_changed, ch.clause_changed) for ch in diff_versions(v1, v2)]
    [('a', True, False), ('b', False, True)]
    """
    old_options, new_options = old.package.options, new.package.options
    changes = []
    for issue in new.package.agenda.issue_names:
        change = IssueChange(
            issue,
            old_options[issue],
            new_options[issue],
            old.clauses.get(issue),
            new.clauses.get(issue),
        )
        if change.option_changed or change.clause_changed:
            changes.append(change)
    return tuple(changes)


# -- the registered protocol -------------------------------------------------------------------


class TextUpdate(enum.StrEnum):
    """The live updates of the single text (its own kinds; nothing else lists them)."""

    TEXT = "text"  # a version was published (everyone)
    ANSWER = "answer"  # a party answered (its scope only)
    READY = "ready"  # a version's answers are complete (everyone)


def _view(state: SingleTextState, role: ViewRole, member: str | None) -> dict[str, Any] | None:
    """Mediators: :func:`mediator_view`; a party: :func:`party_view`; an observer: the published
    versions and the status (``"view": "public"``)."""
    if role is ViewRole.MEDIATOR:
        return {"view": "mediator", **mediator_view(state).to_dict()}
    if role is ViewRole.PARTY:
        if member is None:
            raise ProtocolError("a party's view needs the party")
        return {"view": "party", **party_view(state, member).to_dict()}
    return {
        "view": "public",
        "status": state.status.value,
        "versions": [v.to_dict() for v in state.versions],
        "closed_reason": state.closed_reason,
    }


def _owner(event: SingleTextEvent) -> str | None:
    """An answer is its party's; texts and the track's status are everyone's."""
    return event.party if isinstance(event, AnswerGiven | AnswerWithdrawn) else None


def _notices(state: SingleTextState, events: tuple[SingleTextEvent, ...]) -> tuple[Notice, ...]:
    """A new text and readiness go to everyone; an answer to its party (and the mediators)."""
    out: list[Notice] = []
    for event in events:
        match event:
            case TextPublished():
                out.append(Notice(TextUpdate.TEXT, None, event.version))
            case AnswerGiven() | AnswerWithdrawn():
                out.append(Notice(TextUpdate.ANSWER, event.party, event.version))
            case TrackReady():
                out.append(Notice(TextUpdate.READY, None, event.version))
    return tuple(out)


#: The single negotiating text as :mod:`gobetween.protocols.registry` knows it (no settings).
PROTOCOL: Machine[SingleTextState, SingleTextAction, SingleTextEvent] = Machine(
    name="single_text",
    title=N_("Single negotiating text"),
    actions=(PUBLISH_TEXT, ANSWER_TEXT, WITHDRAW_ANSWER),
    live_updates=frozenset(TextUpdate),
    opener=lambda agenda, parties, mediators, settings: SingleTextState.open(
        agenda, parties, mediators
    ),
    decider=decide,
    applier=apply,
    reader=event_from_dict,
    viewer=_view,
    owner_of=_owner,
    notifier=_notices,
    tab=ByRole(party=N_("Text"), mediator=N_("Drafting"), observer=N_("Text")),
    page=ByRole(party="text", mediator="draft", observer="text"),
)
