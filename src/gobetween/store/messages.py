"""The fast message path's statements: a channel, posting a message, reading a page of them.

The busiest requests (posting to a channel and reading it) run as plans
(:mod:`gobetween.store.plans`); the statements they send are written here, and their rows come
back as named tuples (:class:`MessageRow`, :class:`AttachmentRow` ...), read by column name.
Each statement's column list is written from its row type's fields, so a column added to
``messages`` is one field of :class:`MessageRow` (what is read) and one of :class:`NewMessage`
(what is written), besides the table and its migration; no statement is edited
(docs/dev/store.md counts the edits).

>>> MESSAGE_COLUMNS
'id, number, channel_id, author_id, text, created_at, language'
>>> page_queries(7, after=0, limit=20, pattern=None).messages.sql.split("FROM")[0]
'SELECT id, number, channel_id, author_id, text, created_at, language '
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from gobetween.store.plans import Query, fields
from gobetween.store.tables import Attachment, Message, random_id

__all__ = [
    "MESSAGE_COLUMNS",
    "AttachmentRow",
    "ChannelRow",
    "IdRow",
    "LanguageRow",
    "MessageRow",
    "NewAttachment",
    "NewMessage",
    "PageQueries",
    "ReceiptRow",
    "TranslationRow",
    "attachment_row",
    "by_message",
    "channel_query",
    "id_candidates",
    "insert_attachment",
    "insert_message",
    "message_row",
    "page_queries",
    "working_languages_query",
]


class ChannelRow(NamedTuple):
    """A channel with its track's process and one of the track's organisations (outer join:
    ``organisation_id`` and ``organisation_kind`` are ``None`` for a track without any)."""

    track_id: int
    party_id: int
    process_id: int
    organisation_id: int | None
    organisation_kind: str | None


class MessageRow(NamedTuple):
    """A message as stored (``created_at`` aware UTC once read through :func:`named`)."""

    id: int
    number: int
    channel_id: int
    author_id: int | None
    text: str
    created_at: dt.datetime
    language: str | None


class NewMessage(NamedTuple):
    """The columns a new message is written with (``number`` is taken by the ``INSERT``)."""

    id: int
    channel_id: int
    author_id: int | None
    text: str
    created_at: dt.datetime
    language: str | None


class AttachmentRow(NamedTuple):
    """An attached file's description (its bytes are read only to download it)."""

    message_id: int
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class NewAttachment(NamedTuple):
    """The columns a new attachment is written with."""

    id: int
    message_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes

    def described(self) -> AttachmentRow:
        """The attachment as a page of messages reads it (without its bytes)."""
        return AttachmentRow(**{name: getattr(self, name) for name in AttachmentRow._fields})


class ReceiptRow(NamedTuple):
    """A read mark."""

    message_id: int
    user_id: int


class TranslationRow(NamedTuple):
    """A message's translation with its translator's name (``''`` for a removed user)."""

    message_id: int
    id: int
    language: str
    text: str
    translator_id: int | None
    translator: str
    created_at: dt.datetime


class LanguageRow(NamedTuple):
    """A working language and its rank (see :mod:`gobetween.service.languages`)."""

    code: str
    position: int


class IdRow(NamedTuple):
    """An id found taken."""

    id: int


G = TypeVar("G", "AttachmentRow", "ReceiptRow")


def _columns(kind: type[tuple[Any, ...]], prefix: str = "") -> str:
    return ", ".join(prefix + name for name in fields(kind))


#: The columns a statement reads a message with, in :class:`MessageRow`'s order.
MESSAGE_COLUMNS = _columns(MessageRow)


def channel_query(channel_id: int) -> Query:
    """A channel with its track's process and organisations (:class:`ChannelRow`, one row per
    organisation); the policy decides from them
    (:func:`gobetween.store.repositories.channel_view`)."""
    return Query(_CHANNEL_SQL, {"channel_id": channel_id})


_CHANNEL_SQL = """
SELECT c.track_id, c.party_id, r.process_id, o.id, o.kind
FROM channels c JOIN tracks r ON r.id = c.track_id
LEFT JOIN track_organisations x ON x.track_id = r.id
LEFT JOIN organisations o ON o.id = x.organisation_id
WHERE c.id = :channel_id
"""

_WORKING_LANGUAGES_SQL = """
SELECT tl.code, tl.position FROM track_languages tl
JOIN channels c ON c.track_id = tl.track_id
WHERE c.id = :wl_channel_id
UNION ALL
SELECT pl.code, pl.position + 1000 FROM process_languages pl
JOIN tracks r ON r.process_id = pl.process_id
JOIN channels c ON c.track_id = r.id
WHERE c.id = :wl_channel_id
"""


def working_languages_query(channel_id: int) -> Query:
    """The working languages of a channel's track (:class:`LanguageRow`): the track's own
    (positions below 1000) and its process's (1000 and above);
    :func:`gobetween.service.languages.message_language` chooses from them."""
    return Query(_WORKING_LANGUAGES_SQL, {"wl_channel_id": channel_id})


#: Candidate ids drawn per new row: the first not taken is used (all taken: p < 2**-90).
CANDIDATES = 3

_TABLES = frozenset({"messages", "attachments"})


def id_candidates(table: str, count: int) -> tuple[list[int], Query]:
    """``count * CANDIDATES`` random ids for new rows of ``table`` and the query that says which
    of them are taken (:class:`IdRow`)."""
    if table not in _TABLES:
        raise ValueError(f"ids are drawn for {sorted(_TABLES)}, not {table!r}")
    ids = [random_id() for _ in range(count * CANDIDATES)]
    names = {f"{table}{i}": v for i, v in enumerate(ids)}
    marks = ", ".join(f":{k}" for k in names)
    return ids, Query(f"SELECT id FROM {table} WHERE id IN ({marks})", names)


# The next number of a channel is read as ``ORDER BY number DESC LIMIT 1``: one probe of the
# (channel_id, number) index whatever the planner believes of the table's size.
_INSERT_MESSAGE_SQL = f"""
INSERT INTO messages (number, {_columns(NewMessage)})
VALUES ((SELECT COALESCE((SELECT number FROM messages WHERE channel_id = :channel_id
                          ORDER BY number DESC LIMIT 1), 0) + 1),
        {_columns(NewMessage, ":")})
RETURNING {MESSAGE_COLUMNS}
"""


def message_row(message: Message) -> MessageRow:
    """A :class:`MessageRow` of a message read through the ORM (``tables.Message``)."""
    return MessageRow(**{name: getattr(message, name) for name in MessageRow._fields})


def attachment_row(attachment: Attachment) -> AttachmentRow:
    """An :class:`AttachmentRow` of an attachment read through the ORM."""
    return AttachmentRow(**{name: getattr(attachment, name) for name in AttachmentRow._fields})


def insert_message(message: NewMessage) -> Query:
    """The ``INSERT`` of ``message``, numbered next in its channel; returns its
    :class:`MessageRow` (for a plan's ordered step: numbers follow commit order)."""
    return Query(_INSERT_MESSAGE_SQL, message._asdict())


_INSERT_ATTACHMENT_SQL = f"""
INSERT INTO attachments ({_columns(NewAttachment)}) VALUES ({_columns(NewAttachment, ":")})
"""


def insert_attachment(attachment: NewAttachment) -> Query:
    """The ``INSERT`` of one attachment."""
    return Query(_INSERT_ATTACHMENT_SQL, attachment._asdict())


@dataclass(frozen=True, slots=True)
class PageQueries:
    """The statements that read one page of a channel, sent together: the messages
    (:class:`MessageRow`), their attachments (:class:`AttachmentRow`), read marks
    (:class:`ReceiptRow`) and translations (:class:`TranslationRow`)."""

    messages: Query
    attachments: Query
    receipts: Query
    translations: Query

    def all(self) -> tuple[Query, Query, Query, Query]:
        """The four, in the order above."""
        return (self.messages, self.attachments, self.receipts, self.translations)


def _page_sql(search: bool) -> tuple[str, str, str, str]:
    """The four statements of a page (matching ``:pattern`` when ``search``)."""
    match = " AND LOWER(text) LIKE LOWER(:pattern) ESCAPE '\\'" if search else ""
    page = (
        f"FROM messages WHERE channel_id = :channel_id AND number > :after{match} "
        "ORDER BY number LIMIT :limit"
    )
    ids = f"SELECT id {page}"
    return (
        f"SELECT {MESSAGE_COLUMNS} {page}",
        f"SELECT {_columns(AttachmentRow)} FROM attachments "
        f"WHERE message_id IN ({ids}) ORDER BY id",
        f"SELECT {_columns(ReceiptRow)} FROM read_receipts "
        f"WHERE message_id IN ({ids}) ORDER BY user_id",
        "SELECT tr.message_id, tr.id, tr.language, tr.text, tr.translator_id, "
        "COALESCE(u.name, ''), tr.created_at "
        "FROM message_translations tr LEFT JOIN users u ON u.id = tr.translator_id "
        f"WHERE tr.message_id IN ({ids}) ORDER BY tr.message_id, tr.language",
    )


_PAGE = {search: _page_sql(search) for search in (False, True)}


def page_queries(channel_id: int, *, after: int, limit: int, pattern: str | None) -> PageQueries:
    """The statements of one page: messages numbered after ``after``, at most ``limit``, those
    whose text matches the ``LIKE`` ``pattern`` when one is given."""
    params: dict[str, Any] = {"channel_id": channel_id, "after": after, "limit": limit}
    if pattern is not None:
        params["pattern"] = pattern
    return PageQueries(*(Query(sql, params) for sql in _PAGE[pattern is not None]))


def by_message(rows: Iterable[G]) -> dict[int, list[G]]:
    """``rows`` grouped by their message (the messages that have any)."""
    out: dict[int, list[G]] = {}
    for row in rows:
        out.setdefault(row.message_id, []).append(row)
    return out
