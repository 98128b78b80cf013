"""Negotiating in private channels: messages, attachments, read receipts and preferences.

Service functions: policy check, write, audit link and live-update notification, all in the
caller's unit of work. Posting and reading a channel's messages, the busiest requests, are
plans (:mod:`gobetween.store.plans`): the same code runs in a unit of work or, on PostgreSQL,
on the event loop in two round trips. Their statements are :mod:`gobetween.store.messages`'s,
their rows named tuples; the audit link and the live update go through the same
:func:`gobetween.store.audit.append` and :func:`gobetween.store.live_updates.notify` as every
other write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gobetween.errors import Conflict, InvalidModel, ValidationFailed
from gobetween.i18n import _, format_decimal
from gobetween.live import LiveUpdate
from gobetween.model import Agenda, Preferences, check_bonus_limit
from gobetween.policy import Action, Actor, TrackView
from gobetween.service import attachment_kinds, unique
from gobetween.service.audited import audited
from gobetween.service.identity import Credentials
from gobetween.service.languages import message_language, translations_by_message
from gobetween.service.schemas import MAX_MESSAGE, MessageOut, TranslationOut
from gobetween.store import audit, plans, repositories
from gobetween.store import messages as sql
from gobetween.store import tables as t
from gobetween.store.codec import agenda_from_json, preferences_from_json, preferences_to_json
from gobetween.store.live_updates import notify
from gobetween.store.plans import Plan, Query, Rows, Step, fields, joined, named, split

__all__ = [
    "Post",
    "Upload",
    "author_names",
    "channel",
    "channel_messages",
    "channel_messages_plan",
    "channels",
    "current_preferences",
    "live_cursor",
    "mark_read",
    "message_out",
    "notify",
    "page_start",
    "post_message",
    "post_message_plan",
    "preference_history",
    "record_preferences",
]


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file as received."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Post:
    """A message to post: its ``text``, its ``uploads`` (each at most ``max_bytes``, of an
    ``allowed`` content type) and its ``language`` (one of the process's working languages; by
    default the poster's ``interface`` language if the process works in it)."""

    text: str
    uploads: Sequence[Upload] = ()
    max_bytes: int = 5_000_000
    allowed: frozenset[str] = frozenset()
    language: str | None = None
    interface: str | None = None


def check_upload(upload: Upload, *, max_bytes: int, allowed: frozenset[str]) -> None:
    """Refuse files that are empty, too large, of a type not allowed, or not what their type
    says.

    >>> check_upload(Upload("a.txt", "text/plain", b"hello"), max_bytes=10,
    ...              allowed=frozenset({"text/plain"}))
    """
    content_type = upload.content_type.split(";")[0].strip().lower()
    if not upload.data:
        raise ValidationFailed(
            _("%(file)r is empty (0 bytes)") % {"file": upload.filename},
            location="file",
            expected=_("a file with some content"),
        )
    if len(upload.data) > max_bytes:
        raise ValidationFailed(
            _("%(file)r has %(size)s bytes")
            % {"file": upload.filename, "size": format_decimal(len(upload.data))},
            location="file",
            expected=_("at most %(limit)s bytes") % {"limit": format_decimal(max_bytes)},
        )
    if content_type not in allowed:  # said in words, never as a content type
        kind = {
            "file": upload.filename,
            "kind": attachment_kinds.said(content_type, upload.filename),
        }
        raise ValidationFailed(
            _("“%(file)s” is %(kind)s, which cannot be attached here") % kind,
            location="file",
            expected=_("a file of one of these kinds: %(kinds)s")
            % {"kinds": attachment_kinds.accepted_said(allowed)},
        )
    declared = attachment_kinds.kind_of(content_type)
    if declared is not None and declared.magic and not upload.data.startswith(declared.magic):
        kind = {"file": upload.filename, "kind": declared.said()}
        raise ValidationFailed(
            _("“%(file)s” is named as %(kind)s, but its content is of another kind") % kind,
            location="file",
            expected=_("the content of %(kind)s: save or export the file in that format again")
            % kind,
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
                expected=_("UTF-8 text"),
            )


def _fresh(ids: list[int], taken: Rows, count: int) -> list[int]:
    """The first ``count`` of the drawn ``ids`` that are not ``taken``."""
    used = {row.id for row in named(sql.IdRow, taken)}
    free = [i for i in dict.fromkeys(ids) if i not in used]
    if len(free) < count:  # pragma: no cover - needs 3 collisions in 2**31
        raise Conflict(_("could not allocate an id; send the request again"))
    return free[:count]


def _caller_and(caller: Credentials | Actor, *queries: Query) -> Query:
    """The caller (when not known yet) and ``queries`` as one statement."""
    return joined(caller.query(), *queries) if isinstance(caller, Credentials) else joined(*queries)


def _split_caller(
    caller: Credentials | Actor, rows: Rows, *kinds: type[tuple[Any, ...]]
) -> tuple[Actor, list[Rows]]:
    """The caller's :class:`Actor` and the other queries' rows from :func:`_caller_and`
    (``kinds``: their row types)."""
    if isinstance(caller, Credentials):
        who, *parts = split(rows, caller.row, *kinds)
        return caller.actor(who), parts
    return caller, split(rows, *kinds)


def _validate_message(
    text: str, uploads: Sequence[Upload], *, max_bytes: int, allowed: frozenset[str]
) -> None:
    if not text.strip() and not uploads:
        raise ValidationFailed(_("the message is empty"), location="text", expected=_("some text"))
    if len(text) > MAX_MESSAGE:
        raise ValidationFailed(
            _("the message is too long"),
            location="text",
            expected=_("at most %(num)s characters") % {"num": MAX_MESSAGE},
        )
    for upload in uploads:
        check_upload(upload, max_bytes=max_bytes, allowed=allowed)


def post_message_plan(
    dialect: str, caller: Credentials | Actor, channel_id: int, post: Post
) -> Plan[MessageOut]:
    """Post a message (and attachments) to a channel the caller may write to.

    Two steps: (1) one statement reads the caller, the channel's track and organisations, the
    process's working languages, and which of the drawn ids are taken; (2) under the chain's
    lock, the message numbered next in its channel, its attachments, the live-update
    notification and the audit link. The message keeps the post's language (:class:`Post`).
    """
    text, uploads, language = post.text, post.uploads, post.language
    message_ids, message_check = sql.id_candidates("messages", 1)
    checks = [message_check, sql.working_languages_query(channel_id)]
    kinds: list[type[tuple[Any, ...]]] = [sql.ChannelRow, sql.IdRow, sql.LanguageRow]
    if uploads:
        file_ids, file_check = sql.id_candidates("attachments", len(uploads))
        checks.append(file_check)
        kinds.append(sql.IdRow)
    (rows,) = yield Step((_caller_and(caller, sql.channel_query(channel_id), *checks),))
    actor, (channel_rows, taken_messages, declared, *taken_files) = _split_caller(
        caller, rows, *kinds
    )
    channel = named(sql.ChannelRow, channel_rows)
    view = repositories.channel_view(actor, channel_id, channel)
    track_id, party_id = channel[0].track_id, channel[0].party_id
    view.require(Action.POST_MESSAGE, party_id)
    _validate_message(text, uploads, max_bytes=post.max_bytes, allowed=post.allowed)
    language = message_language(named(sql.LanguageRow, declared), language, post.interface)
    (message_id,) = _fresh(message_ids, taken_messages, 1)
    file_ids = _fresh(file_ids, taken_files[0], len(uploads)) if uploads else []
    files = [
        sql.NewAttachment(
            id=file_id,
            message_id=message_id,
            filename=upload.filename[:255] or "file",
            content_type=upload.content_type.split(";")[0].strip().lower(),
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            data=upload.data,
        )
        for file_id, upload in zip(file_ids, uploads, strict=True)
    ]
    message = sql.NewMessage(
        id=message_id,
        channel_id=channel_id,
        author_id=actor.user_id,
        text=text,
        created_at=t.utcnow(),
        language=language,
    )
    writes = audit.Ordered()
    notify(writes, track_id, party_id, LiveUpdate.MESSAGE, message_id)
    audited(
        writes,
        actor,
        "message.create",
        ("message", message_id),
        {
            "channel": channel_id,
            "text": text,
            "language": language,
            "attachments": [f.sha256 for f in files],
        },
    )
    queries = (
        sql.insert_message(message),
        *(sql.insert_attachment(f) for f in files),
        *writes.queries(dialect),
    )
    written = yield Step(queries, ordered=True)
    (row,) = named(sql.MessageRow, written[0])
    return message_out(row, [f.described() for f in files], [], [])


def post_message(session: Session, actor: Actor, channel_id: int, post: Post) -> MessageOut:
    """:func:`post_message_plan` in the caller's unit of work."""
    session.flush()
    connection = session.connection()
    return plans.run(
        connection, post_message_plan(connection.dialect.name, actor, channel_id, post)
    )


def message_out(
    row: sql.MessageRow,
    attachments: Sequence[sql.AttachmentRow],
    read_by: list[int],
    translations: list[TranslationOut],
) -> MessageOut:
    """A message as the API and the pages show it (posted, or read with its page)."""
    return MessageOut.model_validate(
        dict(
            zip(_MESSAGE_FIELDS, row, strict=True),
            attachments=attachments,
            read_by=read_by,
            translations=translations,
        )
    )


#: A page of messages validated in one call (rather than a model's ``__init__`` a message).
_PAGE = TypeAdapter(list[MessageOut])
_MESSAGE_FIELDS = fields(sql.MessageRow)


def _page_out(
    rows: Sequence[sql.MessageRow],
    attachments: Mapping[int, Sequence[sql.AttachmentRow]],
    read_by: Mapping[int, list[int]],
    translations: Mapping[int, list[TranslationOut]],
) -> list[MessageOut]:
    """Messages with their attachments, readers and translations (by message id); each
    :class:`AttachmentOut` is read from its row's fields by name."""
    return _PAGE.validate_python(
        [
            dict(
                zip(_MESSAGE_FIELDS, row, strict=True),
                attachments=attachments.get(row.id, ()),
                read_by=read_by.get(row.id, []),
                translations=translations.get(row.id, []),
            )
            for row in rows
        ]
    )


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
    (rows,) = yield Step((_caller_and(caller, sql.channel_query(channel_id)),))
    actor, (channel_rows,) = _split_caller(caller, rows, sql.ChannelRow)
    channel = named(sql.ChannelRow, channel_rows)
    view = repositories.channel_view(actor, channel_id, channel)
    view.require(Action.READ_PARTY_DATA, channel[0].party_id)
    pattern = repositories.like_pattern(query) if query else None
    page = sql.page_queries(channel_id, after=after, limit=limit, pattern=pattern)
    found, files, receipts, translated = yield Step(page.all())
    messages = named(sql.MessageRow, found)
    attached = sql.by_message(named(sql.AttachmentRow, files))
    read = {
        message: [r.user_id for r in marks]
        for message, marks in sql.by_message(named(sql.ReceiptRow, receipts)).items()
    }
    translations = translations_by_message(named(sql.TranslationRow, translated))
    return _page_out(messages, attached, read, translations)


def channel_messages(
    session: Session, actor: Actor, channel_id: int, after: int = 0, limit: int = 500
) -> list[MessageOut]:
    """:func:`channel_messages_plan` in the caller's unit of work."""
    plan = channel_messages_plan(actor, channel_id, after=after, limit=limit)
    return plans.run(session.connection(), plan)


def mark_read(session: Session, actor: Actor, message_id: int) -> t.ReadReceipt:
    """Record that the actor has read a message (idempotent)."""
    message, _ = repositories.message(session, actor, message_id)
    row, made = unique.get_or_add(
        session,
        t.ReadReceipt,
        (message.id, actor.user_id),
        lambda: t.ReadReceipt(message_id=message.id, user_id=actor.user_id),
    )
    if made:  # else read before, or by the same user's other request at the same moment
        audited(session, actor, "message.read", ("message", message.id), {"user": actor.user_id})
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
        check_bonus_limit(preferences)
    except InvalidModel as exc:
        raise exc.located(source="preferences") from None
    body = preferences_to_json(preferences)

    def next_version() -> t.PreferenceVersion:
        current = session.execute(
            select(func.max(t.PreferenceVersion.version)).where(
                t.PreferenceVersion.track_id == track.id, t.PreferenceVersion.party_id == party
            )
        ).scalar_one()
        return t.PreferenceVersion(
            track_id=track.id,
            party_id=party,
            version=(current or 0) + 1,
            body=body,
            author_id=actor.user_id,
        )

    # another delegate of the party saving at the same moment: this version follows theirs
    row = unique.add_numbered(session, "uq_preference_versions_track_id", next_version)
    notify(session, track.id, party, LiveUpdate.PREFERENCES, row.version)
    audited(
        session,
        actor,
        "preferences.record",
        ("preferences", row.id),
        {"track": track.id, "party": party, "version": row.version, "body": row.body},
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


def channels(session: Session, view: TrackView) -> Sequence[t.Channel]:
    """The channels of a track whose party the actor of ``view`` may read."""
    return repositories.channels(session, view)


def channel(session: Session, actor: Actor, channel_id: int) -> tuple[t.Channel, TrackView]:
    """One channel the actor may read, and the actor's view of its track."""
    return repositories.channel(session, actor, channel_id)


def page_start(session: Session, actor: Actor, channel_id: int, limit: int) -> int:
    """The number after which a channel's newest ``limit`` messages come (0: from the first)."""
    channel(session, actor, channel_id)
    newest = (
        select(t.Message.number)
        .where(t.Message.channel_id == channel_id)
        .order_by(t.Message.number.desc())
        .limit(1)
        .offset(limit)
    )
    return int(session.execute(newest).scalar_one_or_none() or 0)


def author_names(session: Session, messages: Sequence[MessageOut]) -> dict[int, str]:
    """User id -> name of the authors of ``messages``, which the caller was allowed to read."""
    ids = {m.author_id for m in messages if m.author_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(t.User.id, t.User.name).where(t.User.id.in_(ids))).all()
    return {int(uid): str(name) for uid, name in rows}


def current_preferences(session: Session, view: TrackView, party_id: int) -> Preferences | None:
    """A party's newest preferences in the track of ``view`` (``None`` before any), if the
    actor may read that party's data."""
    view.require(Action.READ_PARTY_DATA, party_id)
    rows = repositories.current_preferences(session, view)
    mine = [r for r in rows if r.party_id == party_id]
    return preferences_from_json(mine[0].body) if mine else None


def preference_history(
    session: Session, view: TrackView, party_id: int
) -> Sequence[t.PreferenceVersion]:
    """Every recorded version of a party's preferences, oldest first (readable parties only)."""
    return repositories.preference_history(session, view, party_id)


def live_cursor(session: Session, view: TrackView) -> dict[int, int]:
    """Where a live-update stream starts for this reader: scope -> last number, only the scopes
    it may read (:func:`gobetween.store.repositories.cursor_at`)."""
    return repositories.cursor_at(session, view)
