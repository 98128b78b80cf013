"""Events of the single negotiating text and their JSON wire form.

Each event is a frozen dataclass on the one wire base (:class:`gobetween.wire.WireEvent`): a
``type`` tag, its fields as the wire form in order, ``to_dict()``; :func:`event_from_dict` reads
one back by the ``type`` (never by class name), rebuilding packages on the track's agenda. The
service stores ``event.to_dict()`` as JSON. Everything here is re-exported by
:mod:`gobetween.protocols.single_text`, which is where to import it from.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import datetime
from typing import Any, TypeVar

from gobetween import wire
from gobetween.errors import N_, ProtocolError
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
    "articles_codec",
    "event_from_dict",
]


class AnswerKind(enum.StrEnum):
    """A party's answer to a version of the text."""

    ACCEPT = "accept"
    REJECT = "reject"
    AMEND = "amend"


T = TypeVar("T")


def articles_codec(reader: Callable[[object], T]) -> dict[str, wire.Codec]:
    """Articles (or per-article answers): left out of the wire form when there are none (older
    logs have none)."""

    def load(value: object, where: str, agenda: object) -> T:
        try:
            return reader(value)
        except ProtocolError as exc:
            raise c.bad_wire(
                exc.template, where, N_("articles as the text wrote them"), params=exc.params
            ) from None

    return wire.codec(lambda items: [a.to_dict() for a in items], load, omit_empty=True)


# -- events ------------------------------------------------------------------------------------


class TextPublished(wire.WireEvent, type="text_published"):
    """Version ``version`` was published."""

    version: int
    mediator: str
    package: Package = field(metadata=c.PACKAGE)
    clauses: Mapping[str, str] = field(metadata=c.CLAUSES)
    note: str
    deadline: datetime | None
    at: datetime
    articles: tuple[Article, ...] = field(default=(), metadata=articles_codec(articles_from_wire))


class AnswerGiven(wire.WireEvent, type="answer_given"):
    """A party gave (or replaced) its answer to ``version``."""

    party: str
    version: int
    kind: AnswerKind
    reasons: tuple[str, ...]
    amendments: Mapping[str, str] = field(metadata=c.AGENDA_OPTIONS)
    at: datetime
    articles: tuple[ArticleAnswer, ...] = field(
        default=(), metadata=articles_codec(article_answers_from_wire)
    )


class AnswerWithdrawn(wire.WireEvent, type="answer_withdrawn"):
    """A party withdrew its answer to ``version``."""

    party: str
    version: int
    at: datetime


class DeadlineExtended(wire.WireEvent, type="deadline_extended"):
    """A mediator moved the deadline of ``version``."""

    mediator: str
    version: int
    deadline: datetime | None
    at: datetime


class TrackReady(wire.WireEvent, type="track_ready"):
    """Every party accepted ``version``: the track is ready for agreement."""

    version: int
    at: datetime


class TrackClosed(c.Closed, type="track_closed"):
    """A mediator closed the track."""


SingleTextEvent = (
    TextPublished | AnswerGiven | AnswerWithdrawn | DeadlineExtended | TrackReady | TrackClosed
)


# -- wire --------------------------------------------------------------------------------------

_read: Callable[..., SingleTextEvent] = wire.reader(
    "single-text",
    TextPublished,
    AnswerGiven,
    AnswerWithdrawn,
    DeadlineExtended,
    TrackReady,
    TrackClosed,
)


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
    return _read(data, agenda)
