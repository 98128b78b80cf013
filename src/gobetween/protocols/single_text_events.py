"""Events of the single negotiating text and their JSON wire form.

Each event is a frozen dataclass with a ``type`` discriminator and a stable ``to_dict()``;
:func:`event_from_dict` reads one back by an explicit table of types (never by class name). The
service stores ``event.to_dict()`` as JSON. Everything here is re-exported by
:mod:`gobetween.protocols.single_text`, which is where to import it from.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from gobetween.errors import ProtocolError
from gobetween.model import Agenda, Package
from gobetween.protocols import _common as c
from gobetween.protocols.single_text_articles import (
    Article,
    ArticleAnswer,
    article_answers_from_wire,
    articles_from_wire,
)

__all__ = [
    "AnswerGiven",
    "AnswerKind",
    "AnswerWithdrawn",
    "DeadlineExtended",
    "SingleTextEvent",
    "TextPublished",
    "TrackClosed",
    "TrackReady",
    "event_from_dict",
]


class AnswerKind(enum.StrEnum):
    """A party's answer to a version of the text."""

    ACCEPT = "accept"
    REJECT = "reject"
    AMEND = "amend"


T = TypeVar("T")

# -- events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextPublished:
    """Version ``version`` was published."""

    type: ClassVar[str] = "text_published"
    version: int
    mediator: str
    package: Package
    clauses: Mapping[str, str]
    note: str
    deadline: datetime | None
    at: datetime
    articles: tuple[Article, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form (``articles`` only when there are some: older logs)."""
        result = {
            "type": self.type,
            "version": self.version,
            "mediator": self.mediator,
            "package": self.package.options,
            "clauses": dict(self.clauses),
            "note": self.note,
            "deadline": c.time_to_wire(self.deadline),
            "at": c.time_to_wire(self.at),
        }
        if self.articles:
            result["articles"] = [a.to_dict() for a in self.articles]
        return result


@dataclass(frozen=True)
class AnswerGiven:
    """A party gave (or replaced) its answer to ``version``."""

    type: ClassVar[str] = "answer_given"
    party: str
    version: int
    kind: AnswerKind
    reasons: tuple[str, ...]
    amendments: Mapping[str, str]
    at: datetime
    articles: tuple[ArticleAnswer, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form (``articles`` only when answered per article)."""
        result = {
            "type": self.type,
            "party": self.party,
            "version": self.version,
            "kind": self.kind.value,
            "reasons": list(self.reasons),
            "amendments": dict(self.amendments),
            "at": c.time_to_wire(self.at),
        }
        if self.articles:
            result["articles"] = [a.to_dict() for a in self.articles]
        return result


@dataclass(frozen=True)
class AnswerWithdrawn:
    """A party withdrew its answer to ``version``."""

    type: ClassVar[str] = "answer_withdrawn"
    party: str
    version: int
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        return {
            "type": self.type,
            "party": self.party,
            "version": self.version,
            "at": c.time_to_wire(self.at),
        }


@dataclass(frozen=True)
class DeadlineExtended:
    """A mediator moved the deadline of ``version``."""

    type: ClassVar[str] = "deadline_extended"
    mediator: str
    version: int
    deadline: datetime | None
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        return {
            "type": self.type,
            "mediator": self.mediator,
            "version": self.version,
            "deadline": c.time_to_wire(self.deadline),
            "at": c.time_to_wire(self.at),
        }


@dataclass(frozen=True)
class TrackReady:
    """Every party accepted ``version``: the track is ready for agreement."""

    type: ClassVar[str] = "track_ready"
    version: int
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        return {"type": self.type, "version": self.version, "at": c.time_to_wire(self.at)}


@dataclass(frozen=True)
class TrackClosed:
    """A mediator closed the track."""

    type: ClassVar[str] = "track_closed"
    mediator: str
    reason: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        return {
            "type": self.type,
            "mediator": self.mediator,
            "reason": self.reason,
            "at": c.time_to_wire(self.at),
        }


SingleTextEvent = (
    TextPublished | AnswerGiven | AnswerWithdrawn | DeadlineExtended | TrackReady | TrackClosed
)


# -- wire --------------------------------------------------------------------------------------


def event_from_dict(data: Mapping[str, Any], agenda: Agenda) -> SingleTextEvent:
    """Read an event back from its ``to_dict()`` form; packages are rebuilt on ``agenda``.

    Raises :class:`~gobetween.errors.ValidationFailed` for data no event wrote.

    >>> from datetime import datetime, timezone
    >>> from gobetween.model import Agenda, Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> e = TrackReady(3, datetime(2022, 7, 22, tzinfo=timezone.utc))
    >>> e.to_dict()
    {'type': 'track_ready', 'version': 3, 'at': '2022-07-22T00:00:00+00:00'}
    >>> event_from_dict(e.to_dict(), agenda) == e
    True
    """
    kind = c.event_type(data)
    reader = _READERS.get(kind)
    if reader is None:
        raise c.bad_wire(
            f"unknown single-text event type {kind!r}", "type", "one of " + ", ".join(_READERS)
        )
    return reader(data, agenda)


def _read_published(d: Mapping[str, Any], agenda: Agenda) -> SingleTextEvent:
    return TextPublished(
        c.field(d, "version", int),
        c.field(d, "mediator", str),
        c.package_from_wire(agenda, d.get("package"), "package"),
        c.clauses_from_wire(agenda, d.get("clauses"), "clauses"),
        c.field(d, "note", str),
        c.optional_time_from_wire(d.get("deadline"), "deadline"),
        c.time_from_wire(d.get("at"), "at"),
        _wire(articles_from_wire, d.get("articles"), "articles"),
    )


def _read_answer(d: Mapping[str, Any], agenda: Agenda) -> SingleTextEvent:
    kind = c.field(d, "kind", str)
    if kind not in {k.value for k in AnswerKind}:
        raise c.bad_wire(f"unknown answer kind {kind!r}", "kind", "accept, reject or amend")
    return AnswerGiven(
        c.field(d, "party", str),
        c.field(d, "version", int),
        AnswerKind(kind),
        c.strings_from_wire(d.get("reasons"), "reasons"),
        c.agenda_options_from_wire(agenda, d.get("amendments"), "amendments"),
        c.time_from_wire(d.get("at"), "at"),
        _wire(article_answers_from_wire, d.get("articles"), "articles"),
    )


def _wire(reader: Callable[[object], T], value: object, where: str) -> T:
    try:
        return reader(value)
    except ProtocolError as exc:
        raise c.bad_wire(str(exc), where, "articles as the text wrote them") from None


def _read_withdrawn(d: Mapping[str, Any], agenda: Agenda) -> SingleTextEvent:
    return AnswerWithdrawn(
        c.field(d, "party", str), c.field(d, "version", int), c.time_from_wire(d.get("at"), "at")
    )


def _read_deadline(d: Mapping[str, Any], agenda: Agenda) -> SingleTextEvent:
    return DeadlineExtended(
        c.field(d, "mediator", str),
        c.field(d, "version", int),
        c.optional_time_from_wire(d.get("deadline"), "deadline"),
        c.time_from_wire(d.get("at"), "at"),
    )


def _read_ready(d: Mapping[str, Any], agenda: Agenda) -> SingleTextEvent:
    return TrackReady(c.field(d, "version", int), c.time_from_wire(d.get("at"), "at"))


def _read_closed(d: Mapping[str, Any], agenda: Agenda) -> SingleTextEvent:
    return TrackClosed(
        c.field(d, "mediator", str), c.field(d, "reason", str), c.time_from_wire(d.get("at"), "at")
    )


_READERS = {
    TextPublished.type: _read_published,
    AnswerGiven.type: _read_answer,
    AnswerWithdrawn.type: _read_withdrawn,
    DeadlineExtended.type: _read_deadline,
    TrackReady.type: _read_ready,
    TrackClosed.type: _read_closed,
}
