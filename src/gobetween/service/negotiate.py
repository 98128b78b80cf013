"""Negotiating in private channels: messages, attachments, read receipts and preferences.

Service functions: policy check, write, audit link and live-update notification, all in the
caller's unit of work. Posting and reading a channel's messages, the busiest requests, are
plans (:mod:`gobetween.store.plans`): the same code runs in a unit of work or, on PostgreSQL,
on the event loop in two round trips.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gobetween.errors import Conflict, InvalidModel, ValidationFailed
from gobetween.i18n import _, format_decimal
from gobetween.model import Agenda, Preferences
from gobetween.policy import Action, Actor, TrackView
from gobetween.service.identity import Credentials
from gobetween.service.languages import (
    WORKING_LANGUAGES_SQL,
    message_language,
    translations_by_message,
)
from gobetween.service.schemas import AttachmentOut, MessageOut
from gobetween.store import audit, plans, repositories
from gobetween.store import tables as t
from gobetween.store.codec import agenda_from_json, preferences_to_json
from gobetween.store.plans import Plan, Query, Rows, Step, joined, split
from gobetween.store.repositories import CHANNEL_SQL

__all__ = [
    "Upload",
    "channel_messages",
    "channel_messages_plan",
    "mark_read",
    "notify",
    "notify_query",
    "post_message",
    "post_message_plan",
    "record_preferences",
]

MAX_MESSAGE = 20_000

#: Leading bytes each binary content type must start with.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
}


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file as received."""

    filename: str
    content_type: str
    data: bytes


# The next number of a scope is read as ``ORDER BY number DESC LIMIT 1``, one probe of the
# scope's index whatever the planner believes of the table's size (``MAX(number)`` was planned
# as a scan of the whole scope while the statistics still said the table was empty).
_NOTIFY_SQL = """
INSERT INTO notifications (track_id, party_id, number, kind, object_id, created_at)
SELECT CAST(:track_id AS INTEGER), CAST(:party_id AS INTEGER),
       COALESCE((SELECT number FROM notifications WHERE track_id = :track_id AND {scope}
                 ORDER BY number DESC LIMIT 1), 0) + 1,
       CAST(:kind AS TEXT), CAST(:object_id AS INTEGER), :created_at
"""


def notify_query(
    track_id: int, party_id: int | None, kind: str, object_id: int, at: dt.datetime
) -> Query:
    """The ``INSERT`` of a live update, numbered next in its scope; for a plan's ordered step."""
    scope = "party_id IS NULL" if party_id is None else "party_id = :party_id"
    params = {
        "track_id": track_id,
        "party_id": party_id,
        "kind": kind,
        "object_id": object_id,
        "created_at": at,
    }
    return Query(_NOTIFY_SQL.format(scope=scope), params)


def notify(
    session: Session, track_id: int, party_id: int | None, kind: str, object_id: int
) -> None:
    """Queue a live update: private to ``party_id`` and the mediators, or public in the track.

    The row is inserted at commit, under the chain's lock, so ids follow commit order (no
    stream skips one); the ``INSERT`` numbers it (next in its scope) itself.
    """
    query = notify_query(track_id, party_id, kind, object_id, t.utcnow())
    audit.execute_in_commit_order(session, query.sql, query.params)


def check_upload(upload: Upload, *, max_bytes: int, allowed: frozenset[str]) -> None:
    """Refuse files that are too large, of a type not allowed, or not what their type says.

    >>> check_upload(Upload("a.txt", "text/plain", b"hello"), max_bytes=10,
    ...              allowed=frozenset({"text/plain"}))
    """
    content_type = upload.content_type.split(";")[0].strip().lower()
    if len(upload.data) > max_bytes:
        raise ValidationFailed(
            _("%(file)r has %(size)s bytes")
            % {"file": upload.filename, "size": format_decimal(len(upload.data))},
            location="file",
            expected=f"at most {max_bytes:,} bytes",
        )
    if content_type not in allowed:
        raise ValidationFailed(
            _("content type %(content_type)r is not accepted") % {"content_type": content_type},
            location="file",
            expected="one of " + ", ".join(sorted(allowed)),
        )
    magic = _MAGIC.get(content_type)
    if magic is not None and not upload.data.startswith(magic):
        raise ValidationFailed(
            _("%(file)r is not a %(content_type)s file")
            % {"file": upload.filename, "content_type": content_type},
            location="file",
            expected=f"the content of a {content_type} file",
        )
    if content_type.startswith("text/"):
        try:
            text = upload.data.decode("utf-8")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            raise ValidationFailed(
                _("%(file)r is not UTF-8 text") % {"file": upload.filename},
                location="file",
                expected="UTF-8 text",
            )


_INSERT_MESSAGE_SQL = """
INSERT INTO messages (id, channel_id, number, author_id, text, created_at, language)
SELECT CAST(:id AS INTEGER), CAST(:channel_id AS INTEGER),
       COALESCE((SELECT number FROM messages WHERE channel_id = :channel_id
                 ORDER BY number DESC LIMIT 1), 0) + 1,
       CAST(:author_id AS INTEGER), CAST(:text AS TEXT), :created_at, CAST(:language AS TEXT)
RETURNING number
"""

_INSERT_ATTACHMENT_SQL = """
INSERT INTO attachments (id, message_id, filename, content_type, size, sha256, data)
VALUES (:id, :message_id, :filename, :content_type, :size, :sha256, :data)
"""

_TAKEN_IDS_SQL = "SELECT id FROM {table} WHERE id IN ({params})"

#: Candidate ids drawn per new row: the first not taken is used (all taken: p < 2**-90).
_CANDIDATES = 3


def _candidates(table: str, count: int) -> tuple[list[int], Query]:
    """``count * 3`` random ids and the query that says which of them ``table`` already uses."""
    ids = [t.random_id() for _ in range(count * _CANDIDATES)]
    names = {f"{table}{i}": v for i, v in enumerate(ids)}
    sql = _TAKEN_IDS_SQL.format(table=table, params=", ".join(f":{k}" for k in names))
    return ids, Query(sql, names)


def _fresh(ids: list[int], taken: Rows, count: int) -> list[int]:
    used = {row[0] for row in taken}
    free = [i for i in dict.fromkeys(ids) if i not in used]
    if len(free) < count:  # pragma: no cover - needs 3 collisions in 2**31
        raise Conflict(_("could not allocate an id; send the request again"))
    return free[:count]


def _caller_and(caller: Credentials | Actor, *queries: Query) -> Query:
    """The caller (when not known yet) and ``queries`` as one statement."""
    return joined(caller.query(), *queries) if isinstance(caller, Credentials) else joined(*queries)


def _split_caller(
    caller: Credentials | Actor, rows: Rows, *widths: int
) -> tuple[Actor, list[Rows]]:
    """The caller's :class:`Actor` and the other queries' rows from :func:`_caller_and`."""
    if isinstance(caller, Credentials):
        who, *parts = split(rows, caller.width, *widths)
        return caller.actor(who), parts
    return caller, split(rows, *widths)


def _validate_message(
    text: str, uploads: Sequence[Upload], *, max_bytes: int, allowed: frozenset[str]
) -> None:
    if not text.strip() and not uploads:
        raise ValidationFailed(_("the message is empty"), location="text", expected=_("some text"))
    if len(text) > MAX_MESSAGE:
        raise ValidationFailed(
            _("the message is too long"),
            location="text",
            expected=f"at most {MAX_MESSAGE} characters",
        )
    for upload in uploads:
        check_upload(upload, max_bytes=max_bytes, allowed=allowed)


def post_message_plan(
    dialect: str,
    caller: Credentials | Actor,
    channel_id: int,
    *,
    text: str,
    uploads: Sequence[Upload] = (),
    max_bytes: int = 5_000_000,
    allowed: frozenset[str] = frozenset(),
    language: str | None = None,
    interface: str | None = None,
) -> Plan[MessageOut]:
    """Post a message (and attachments) to a channel the caller may write to.

    Two steps: (1) one statement reads the caller, the channel's track and organisations, the
    process's working languages, and which of the drawn ids are taken; (2) under the chain's
    lock, the message numbered next in its channel, its attachments, the live-update
    notification and the audit link. The message keeps its ``language`` (one of the working
    languages; by default the poster's ``interface`` language if the process works in it).
    """
    message_ids, message_check = _candidates("messages", 1)
    checks = [message_check, Query(WORKING_LANGUAGES_SQL, {"wl_channel_id": channel_id})]
    if uploads:
        file_ids, file_check = _candidates("attachments", len(uploads))
        checks.append(file_check)
    channel_query = Query(CHANNEL_SQL, {"channel_id": channel_id})
    (rows,) = yield Step((_caller_and(caller, channel_query, *checks),))
    actor, (channel, taken_messages, declared, *taken_files) = _split_caller(
        caller, rows, 5, 1, 2, *(1 for _ in checks[2:])
    )
    view = repositories.channel_view(actor, channel_id, channel)
    track_id, party_id = channel[0][0], channel[0][1]
    view.require(Action.POST_MESSAGE, party_id)
    _validate_message(text, uploads, max_bytes=max_bytes, allowed=allowed)
    language = message_language(declared, language, interface)
    (message_id,) = _fresh(message_ids, taken_messages, 1)
    now = t.utcnow()
    files = [
        AttachmentOut(
            id=file_id,
            filename=upload.filename[:255] or "file",
            content_type=upload.content_type.split(";")[0].strip().lower(),
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
        )
        for file_id, upload in zip(
            _fresh(file_ids, taken_files[0], len(uploads)) if uploads else [], uploads, strict=True
        )
    ]
    queries = [
        Query(
            _INSERT_MESSAGE_SQL,
            {
                "id": message_id,
                "channel_id": channel_id,
                "author_id": actor.user_id,
                "text": text,
                "created_at": now,
                "language": language,
            },
        ),
        *(
            Query(
                _INSERT_ATTACHMENT_SQL, {**f.model_dump(), "message_id": message_id, "data": u.data}
            )
            for f, u in zip(files, uploads, strict=True)
        ),
        notify_query(track_id, party_id, "message", message_id, now),
        audit.link_query(
            dialect,
            actor_id=actor.user_id,
            action="message.create",
            object_type="message",
            object_id=message_id,
            change={
                "channel": channel_id,
                "text": text,
                "language": language,
                "attachments": [f.sha256 for f in files],
            },
        ),
    ]
    written = yield Step(tuple(queries), ordered=True)
    return MessageOut(
        id=message_id,
        number=written[0][0][0],
        channel_id=channel_id,
        author_id=actor.user_id,
        text=text,
        created_at=now,
        attachments=files,
        read_by=[],
        language=language,
    )


def post_message(
    session: Session,
    actor: Actor,
    channel_id: int,
    *,
    text: str,
    uploads: Sequence[Upload] = (),
    max_bytes: int = 5_000_000,
    allowed: frozenset[str] = frozenset(),
    language: str | None = None,
    interface: str | None = None,
) -> MessageOut:
    """:func:`post_message_plan` in the caller's unit of work."""
    session.flush()
    connection = session.connection()
    plan = post_message_plan(
        connection.dialect.name,
        actor,
        channel_id,
        text=text,
        uploads=uploads,
        max_bytes=max_bytes,
        allowed=allowed,
        language=language,
        interface=interface,
    )
    return plans.run(connection, plan)


_MESSAGES_SQL = """
SELECT id, number, channel_id, author_id, text, created_at, language FROM messages
WHERE channel_id = :channel_id AND number > :after{search}
ORDER BY number LIMIT :limit
"""
_PAGE_SQL = _MESSAGES_SQL.replace(
    "id, number, channel_id, author_id, text, created_at, language", "id"
)
_PAGE_ATTACHMENTS_SQL = f"""
SELECT message_id, id, filename, content_type, size, sha256 FROM attachments
WHERE message_id IN ({_PAGE_SQL}) ORDER BY id
"""
_PAGE_RECEIPTS_SQL = f"""
SELECT message_id, user_id FROM read_receipts
WHERE message_id IN ({_PAGE_SQL}) ORDER BY user_id
"""
_PAGE_TRANSLATIONS_SQL = f"""
SELECT tr.message_id, tr.id, tr.language, tr.text, tr.translator_id, COALESCE(u.name, ''),
       tr.created_at
FROM message_translations tr LEFT JOIN users u ON u.id = tr.translator_id
WHERE tr.message_id IN ({_PAGE_SQL}) ORDER BY tr.message_id, tr.language
"""
_SEARCH = " AND LOWER(text) LIKE LOWER(:pattern) ESCAPE '\\'"


def channel_messages_plan(
    caller: Credentials | Actor,
    channel_id: int,
    *,
    query: str | None = None,
    after: int = 0,
    limit: int = 100,
) -> Plan[list[MessageOut]]:
    """A channel's messages in order after number ``after`` (those matching ``query``), with
    their attachments and receipts: two steps, the second only once the policy allows it."""
    (rows,) = yield Step((_caller_and(caller, Query(CHANNEL_SQL, {"channel_id": channel_id})),))
    actor, (channel,) = _split_caller(caller, rows, 5)
    view = repositories.channel_view(actor, channel_id, channel)
    view.require(Action.READ_PARTY_DATA, channel[0][1])
    params: dict[str, object] = {"channel_id": channel_id, "after": after, "limit": limit}
    search = ""
    if query:
        params["pattern"] = repositories.like_pattern(query)
        search = _SEARCH
    messages, files, receipts, translated = yield Step(
        tuple(
            Query(sql.format(search=search), params)
            for sql in (
                _MESSAGES_SQL,
                _PAGE_ATTACHMENTS_SQL,
                _PAGE_RECEIPTS_SQL,
                _PAGE_TRANSLATIONS_SQL,
            )
        )
    )
    translations = translations_by_message(translated)
    attached: dict[int, list[AttachmentOut]] = {m[0]: [] for m in messages}
    for message_id, *file in files:
        if message_id in attached:
            attached[message_id].append(AttachmentOut(**dict(zip(_FILE_FIELDS, file, strict=True))))
    read: dict[int, list[int]] = {m[0]: [] for m in messages}
    for message_id, user_id in receipts:
        if message_id in read:
            read[message_id].append(user_id)
    return [
        MessageOut(
            id=m[0],
            number=m[1],
            channel_id=m[2],
            author_id=m[3],
            text=m[4],
            created_at=t.as_utc(m[5]),
            attachments=attached[m[0]],
            read_by=read[m[0]],
            language=m[6],
            translations=translations.get(m[0], []),
        )
        for m in messages
    ]


_FILE_FIELDS = ("id", "filename", "content_type", "size", "sha256")


def channel_messages(
    session: Session, actor: Actor, channel_id: int, after: int = 0, limit: int = 500
) -> list[MessageOut]:
    """:func:`channel_messages_plan` in the caller's unit of work."""
    plan = channel_messages_plan(actor, channel_id, after=after, limit=limit)
    return plans.run(session.connection(), plan)


def mark_read(session: Session, actor: Actor, message_id: int) -> t.ReadReceipt:
    """Record that the actor has read a message (idempotent)."""
    message, _ = repositories.message(session, actor, message_id)
    existing = session.get(t.ReadReceipt, (message.id, actor.user_id))
    if existing is not None:
        return existing
    row = t.ReadReceipt(message_id=message.id, user_id=actor.user_id)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor_id=actor.user_id,
        action="message.read",
        object_type="message",
        object_id=message.id,
        change={"user": actor.user_id},
    )
    return row


def track_agenda(track: t.Track) -> Agenda:
    """The agenda a track keeps."""
    return agenda_from_json(track.agenda)


def record_preferences(
    session: Session, actor: Actor, track_id: int, preferences: Preferences
) -> t.PreferenceVersion:
    """Record a new version of the actor's own party's preferences for a track."""
    track, view = repositories.track(session, actor, track_id)
    party = view.own_party
    view.require(Action.RECORD_PREFERENCES, party)
    assert party is not None
    try:
        preferences.validate(track_agenda(track))
    except InvalidModel as exc:
        raise exc.located(source="preferences") from None
    current = session.execute(
        select(func.max(t.PreferenceVersion.version)).where(
            t.PreferenceVersion.track_id == track.id, t.PreferenceVersion.party_id == party
        )
    ).scalar_one()
    row = t.PreferenceVersion(
        track_id=track.id,
        party_id=party,
        version=(current or 0) + 1,
        body=preferences_to_json(preferences),
        author_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    notify(session, track.id, party, "preferences", row.version)
    audit.append(
        session,
        actor_id=actor.user_id,
        action="preferences.record",
        object_type="preferences",
        object_id=row.id,
        change={"track": track.id, "party": party, "version": row.version, "body": row.body},
    )
    return row


def channel_summary(
    session: Session, actor: Actor, view: TrackView, channel: t.Channel
) -> tuple[int, int]:
    """(messages, unread) counts of a readable channel."""
    total = session.execute(
        select(func.count()).select_from(t.Message).where(t.Message.channel_id == channel.id)
    ).scalar_one()
    return int(total), repositories.unread_count(session, actor, view, channel.id)
