"""A consultation poll, as a pure, event-sourced state machine.

The mediators put *statements* to the parties of a track ("The corridor should include
Chornomorsk"). Each party answers each statement privately: agree, disagree or pass, with an
optional comment, and may change its answer until the result is published. The mediators see
every party's answers as they come. When the mediators *publish* a statement's result, each
party learns one thing more: whether the statement was agreed by all the parties, never who
disagreed, passed or did not answer, how many did, nor when.

What a party sees (:func:`party_view`) is the statements, its own answers, and the published
results: the same whatever the other parties answered, and whenever they did. A refusal a
party can cause (answering a published statement, or a closed poll) depends on nothing another
party did.

Settings (what opening the poll in a track fixes): its ``subject``, a line saying what the
consultation is about (:class:`PollSettings`).

>>> from datetime import datetime, timezone
>>> t = datetime(2024, 5, 1, tzinfo=timezone.utc)
>>> s = PollState.open("Corridor", ("UA", "RU"), ("UN",))
>>> s, _ = step(s, PutStatement("UN", "Include Chornomorsk"), now=t)
>>> s, _ = step(s, AnswerStatement("UA", 1, Answer.AGREE, "yes, and Pivdennyi"), now=t)
>>> s, _ = step(s, AnswerStatement("RU", 1, Answer.DISAGREE), now=t)
>>> party_view(s, "UA")["statements"][0]["agreed"] is None
True
>>> s, events = step(s, PublishResult("UN", 1), now=t)
>>> events[0].agreed, party_view(s, "UA")["statements"][0]["agreed"]
(False, False)
>>> mediator_view(s)["statements"][0]["counts"]
{'agree': 1, 'disagree': 1, 'pass': 0, 'unanswered': 0}
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated, Any

from annotated_types import MaxLen

from gobetween import wire
from gobetween.errors import ProtocolError, Sentence
from gobetween.protocols import _common as c
from gobetween.protocols.base import N_, ActionRule, Machine, Notice, ViewRole

__all__ = [
    "ANSWER_STATEMENT",
    "CLOSE_POLL",
    "MAX_STATEMENTS",
    "OPEN_POLL",
    "PROTOCOL",
    "PUBLISH_RESULT",
    "PUT_STATEMENT",
    "Answer",
    "AnswerStatement",
    "ClosePoll",
    "PollAction",
    "PollClosed",
    "PollEvent",
    "PollSettings",
    "PollState",
    "PollUpdate",
    "PublishResult",
    "PutStatement",
    "ResultPublished",
    "Statement",
    "StatementAnswered",
    "StatementPut",
    "apply",
    "decide",
    "event_from_dict",
    "mediator_view",
    "party_view",
    "replay",
    "step",
]

#: The most statements one poll holds.
MAX_STATEMENTS = 200
#: The longest statement, comment or subject (characters).
MAX_TEXT = 2000

Text = Annotated[str, MaxLen(MAX_TEXT)]


class Answer(enum.StrEnum):
    """A party's answer to a statement."""

    AGREE = "agree"
    DISAGREE = "disagree"
    PASS = "pass"


# -- settings and actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class PollSettings:
    """What opening the poll in a track fixes: what the consultation is about."""

    subject: Annotated[str, MaxLen(200)] = ""


@dataclass(frozen=True)
class PutStatement:
    """A mediator puts a statement to the parties."""

    mediator: str
    text: Text


@dataclass(frozen=True)
class AnswerStatement:
    """A party answers statement number ``statement`` (again: its answer is replaced)."""

    party: str
    statement: int
    answer: Answer
    comment: Text = ""


@dataclass(frozen=True)
class PublishResult:
    """A mediator tells the parties whether statement ``statement`` was agreed by all."""

    mediator: str
    statement: int


@dataclass(frozen=True)
class ClosePoll:
    """A mediator closes the poll: no more statements or answers."""

    mediator: str


PollAction = PutStatement | AnswerStatement | PublishResult | ClosePoll

#: The mediators open a poll in a track (its settings), put statements, publish results and
#: close it; a party answers for itself only.
OPEN_POLL = ActionRule("open_poll", frozenset({"mediator"}), action=PollSettings, opens=True)
PUT_STATEMENT = ActionRule("put_statement", frozenset({"mediator"}), action=PutStatement)
ANSWER_STATEMENT = ActionRule(
    "answer_statement", frozenset({"party"}), own_party=True, action=AnswerStatement
)
PUBLISH_RESULT = ActionRule("publish_result", frozenset({"mediator"}), action=PublishResult)
CLOSE_POLL = ActionRule("close_poll", frozenset({"mediator"}), action=ClosePoll)


# -- events ------------------------------------------------------------------------------------


class StatementPut(wire.WireEvent, type="statement_put"):
    """Statement ``number`` was put to the parties."""

    number: int
    mediator: str
    text: str
    at: datetime


class StatementAnswered(wire.WireEvent, type="statement_answered"):
    """A party answered a statement (private to that party and the mediators)."""

    party: str
    statement: int
    answer: Answer
    comment: str
    at: datetime


class ResultPublished(wire.WireEvent, type="result_published"):
    """The mediators published whether statement ``statement`` was agreed by all."""

    mediator: str
    statement: int
    agreed: bool
    at: datetime


class PollClosed(wire.WireEvent, type="poll_closed"):
    """The mediators closed the poll."""

    mediator: str
    at: datetime


PollEvent = StatementPut | StatementAnswered | ResultPublished | PollClosed

_read: Callable[..., PollEvent] = wire.reader(
    "poll", StatementPut, StatementAnswered, ResultPublished, PollClosed
)


def event_from_dict(data: Mapping[str, Any]) -> PollEvent:
    """Read an event back from its ``to_dict()`` form; ``ValidationFailed`` for data no event
    wrote."""
    return _read(data)


# -- state -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """A statement put to the parties, and its published result (``None``: not published)."""

    number: int
    text: str
    at: datetime
    agreed: bool | None = None


@dataclass(frozen=True)
class Given:
    """One party's answer to one statement."""

    answer: Answer
    comment: str
    at: datetime


@dataclass(frozen=True)
class PollState:
    """The poll: its subject, members, statements, every answer (by statement and party)."""

    subject: str
    parties: tuple[str, ...]
    mediators: tuple[str, ...]
    statements: tuple[Statement, ...] = ()
    answers: Mapping[tuple[int, str], Given] = field(default_factory=lambda: c.frozen_mapping({}))
    closed: bool = False
    log: tuple[PollEvent, ...] = ()

    @classmethod
    def open(cls, subject: str, parties: Iterable[str], mediators: Iterable[str]) -> PollState:
        """A poll with no statements yet; at least one party and one mediator."""
        party_names, mediator_names = c.check_members(
            parties, mediators, 1, "a poll needs at least one party and one mediator"
        )
        subject = c.check_text(subject, N_("the subject of the poll")).strip()
        if len(subject) > 200:
            raise ProtocolError(
                N_("the subject of the poll has %(n)s characters; at most 200 are accepted"),
                params={"n": len(subject)},
            )
        return cls(subject, party_names, mediator_names)

    def statement(self, number: object) -> Statement:
        """Statement ``number``; :class:`ProtocolError` if there is none."""
        return c.numbered(self.statements, number, N_("the poll has no statement %(number)s"))


def _from_settings(
    parties: tuple[str, ...], mediators: tuple[str, ...], settings: Mapping[str, Any]
) -> PollState:
    subject = settings.get("subject", "")
    return PollState.open(subject, parties, mediators)


# -- decide and apply --------------------------------------------------------------------------


def decide(state: PollState, action: PollAction, *, now: datetime) -> tuple[PollEvent, ...]:
    """The events ``action`` causes at ``now``; :class:`ProtocolError` if it is not allowed."""
    at = c.utc(now)
    if state.closed:
        raise ProtocolError(N_("the poll is closed"))
    match action:
        case PutStatement():
            c.check_member(action.mediator, state.mediators, "mediator")
            text = _text(action.text, N_("the statement"), required=True)
            if len(state.statements) >= MAX_STATEMENTS:
                raise ProtocolError(
                    N_("a poll holds at most %(most)s statements"),
                    params={"most": MAX_STATEMENTS},
                )
            return (StatementPut(len(state.statements) + 1, action.mediator, text, at),)
        case AnswerStatement():
            c.check_member(action.party, state.parties, "party")
            statement = state.statement(action.statement)
            if statement.agreed is not None:
                raise ProtocolError(
                    N_("the result of statement %(number)s is published; it takes no answers"),
                    params={"number": statement.number},
                )
            answer = c.choice(Answer, action.answer, _NOT_AN_ANSWER, answer=action.answer)
            comment = _text(action.comment, N_("the comment"))
            return (StatementAnswered(action.party, statement.number, answer, comment, at),)
        case PublishResult():
            c.check_member(action.mediator, state.mediators, "mediator")
            statement = state.statement(action.statement)
            if statement.agreed is not None:
                raise ProtocolError(
                    N_("the result of statement %(number)s is already published"),
                    params={"number": statement.number},
                )
            agreed = all(
                (given := state.answers.get((statement.number, p))) is not None
                and given.answer is Answer.AGREE
                for p in state.parties
            )
            return (ResultPublished(action.mediator, statement.number, agreed, at),)
        case ClosePoll():
            c.check_member(action.mediator, state.mediators, "mediator")
            return (PollClosed(action.mediator, at),)
        case _:
            raise c.unknown("poll action", action)


_NOT_AN_ANSWER = N_("an answer is agree, disagree or pass, not %(answer)r")


def _text(value: object, what: str, *, required: bool = False) -> str:
    text = c.check_text(value, what, required=required).strip()
    if len(text) > MAX_TEXT:
        raise ProtocolError(
            N_("%(what)s has %(n)s characters; at most %(most)s are accepted"),
            params={"what": Sentence(what), "n": len(text), "most": MAX_TEXT},
        )
    return text


def apply(state: PollState, event: PollEvent) -> PollState:
    """The state after ``event``."""
    log = (*state.log, event)
    match event:
        case StatementPut():
            added = Statement(event.number, event.text, event.at)
            return replace(state, statements=(*state.statements, added), log=log)
        case StatementAnswered():
            answers = dict(state.answers)
            answers[(event.statement, event.party)] = Given(event.answer, event.comment, event.at)
            return replace(state, answers=c.frozen_mapping(answers), log=log)
        case ResultPublished():
            statements = tuple(
                replace(s, agreed=event.agreed) if s.number == event.statement else s
                for s in state.statements
            )
            return replace(state, statements=statements, log=log)
        case PollClosed():
            return replace(state, closed=True, log=log)
        case _:
            raise c.unknown("poll event", event)


#: ``step(state, action, *, now)`` and ``replay(initial, events)`` (:class:`gobetween.wire.Loop`).
_LOOP = wire.Loop(decide, apply, event_from_dict)
step, replay = _LOOP.step, _LOOP.replay


# -- views -------------------------------------------------------------------------------------


def _given(given: Given | None) -> dict[str, Any] | None:
    if given is None:
        return None
    return {"answer": given.answer.value, "comment": given.comment, "at": c.time_to_wire(given.at)}


def _statement(s: Statement) -> dict[str, Any]:
    """What every view shows of a statement: its number, text, time and published result."""
    return {
        "number": s.number,
        "text": s.text,
        "at": c.time_to_wire(s.at),
        "published": s.agreed is not None,
        "agreed": s.agreed,
    }


def party_view(state: PollState, party: str) -> dict[str, Any]:
    """What ``party`` may see: the statements, its own answers and the published results
    (``agreed``: ``None`` until published); nothing of another party's answers."""
    return {
        "view": "party",
        "subject": state.subject,
        "closed": state.closed,
        "statements": [
            {**_statement(s), "own": _given(state.answers.get((s.number, party)))}
            for s in state.statements
        ],
    }


def mediator_view(state: PollState) -> dict[str, Any]:
    """Everything: per statement, every party's answer and comment, and the counts."""
    statements = []
    for s in state.statements:
        answers = {p: _given(state.answers.get((s.number, p))) for p in state.parties}
        counts = {a.value: 0 for a in Answer} | {"unanswered": 0}
        for given in answers.values():
            counts["unanswered" if given is None else given["answer"]] += 1
        statements.append({**_statement(s), "answers": answers, "counts": counts})
    return {
        "view": "mediator",
        "subject": state.subject,
        "closed": state.closed,
        "parties": list(state.parties),
        "statements": statements,
    }


# -- the registered protocol -------------------------------------------------------------------


class PollUpdate(enum.StrEnum):
    """The live updates of a poll (its own kinds; nothing else lists them)."""

    POLL = "poll"  # a statement was put, a result published, the poll closed (everyone)
    POLL_ANSWER = "poll_answer"  # a party's own answer was stored (its scope only)


def _view(state: PollState, role: ViewRole, member: str | None) -> dict[str, Any] | None:
    """The mediators: everything; a party: its own view; observers: nothing."""
    if role is ViewRole.MEDIATOR:
        return mediator_view(state)
    if role is ViewRole.PARTY and member is not None and member in state.parties:
        return party_view(state, member)
    return None


def _owner(event: PollEvent) -> str | None:
    """An answer is its party's; the rest is the track's."""
    return event.party if isinstance(event, StatementAnswered) else None


def _notices(state: PollState, events: tuple[PollEvent, ...]) -> tuple[Notice, ...]:
    """An answer tells only its own party (and the mediators); the mediators' steps tell
    everyone."""
    out: list[Notice] = []
    for event in events:
        if isinstance(event, StatementAnswered):
            out.append(Notice(PollUpdate.POLL_ANSWER, event.party, event.statement))
        elif isinstance(event, StatementPut):
            out.append(Notice(PollUpdate.POLL, None, event.number))
        elif isinstance(event, ResultPublished):
            out.append(Notice(PollUpdate.POLL, None, event.statement))
        else:
            out.append(Notice(PollUpdate.POLL, None, 0))
    return tuple(out)


#: The consultation poll as :mod:`gobetween.protocols.registry` knows it; settings:
#: ``{"subject": "..."}`` (:class:`PollSettings`), fixed when the mediators open it.
PROTOCOL: Machine[PollState, PollAction, PollEvent] = Machine(
    name="poll",
    title=N_("Consultation poll"),
    actions=(OPEN_POLL, PUT_STATEMENT, ANSWER_STATEMENT, PUBLISH_RESULT, CLOSE_POLL),
    live_updates=frozenset(PollUpdate),
    opener=lambda agenda, parties, mediators, settings: _from_settings(
        parties, mediators, settings
    ),
    decider=decide,
    applier=apply,
    reader=lambda data, agenda: event_from_dict(data),
    viewer=_view,
    owner_of=_owner,
    notifier=_notices,
    tab=N_("Consultation"),
)
