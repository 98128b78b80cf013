"""Negotiating in private channels: messages, attachments, read receipts and preferences.

Service functions: policy check, write, audit link and live-update notification, all in the
caller's unit of work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gobetween.errors import InvalidModel, ValidationFailed
from gobetween.model import Agenda, Preferences
from gobetween.policy import Action, Actor, TrackView
from gobetween.store import audit, repositories
from gobetween.store import tables as t
from gobetween.store.codec import agenda_from_json, preferences_to_json

__all__ = [
    "Upload",
    "mark_read",
    "notify",
    "post_message",
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


_NOTIFY_SQL = """
INSERT INTO notifications (track_id, party_id, number, kind, object_id, created_at)
SELECT CAST(:track_id AS INTEGER), CAST(:party_id AS INTEGER), COALESCE(MAX(number), 0) + 1,
       CAST(:kind AS TEXT), CAST(:object_id AS INTEGER), :created_at
FROM notifications WHERE track_id = :track_id AND {scope}
"""


def notify(
    session: Session, track_id: int, party_id: int | None, kind: str, object_id: int
) -> None:
    """Queue a live update: private to ``party_id`` and the mediators, or public in the track.

    The row is inserted at commit, under the chain's lock, so ids follow commit order (no
    stream skips one); the ``INSERT`` numbers it (next in its scope) itself.
    """
    scope = "party_id IS NULL" if party_id is None else "party_id = :party_id"
    params = {
        "track_id": track_id,
        "party_id": party_id,
        "kind": kind,
        "object_id": object_id,
        "created_at": t.utcnow(),
    }
    audit.execute_in_commit_order(session, _NOTIFY_SQL.format(scope=scope), params)


def _fresh_id(session: Session, table: type[t.Message] | type[t.Attachment]) -> int:
    """A random id not yet used in ``table`` (ids must not count other channels' rows)."""
    while True:
        candidate = t.random_id()
        if session.get(table, candidate) is None:
            return candidate


def check_upload(upload: Upload, *, max_bytes: int, allowed: frozenset[str]) -> None:
    """Refuse files that are too large, of a type not allowed, or not what their type says.

    >>> check_upload(Upload("a.txt", "text/plain", b"hello"), max_bytes=10,
    ...              allowed=frozenset({"text/plain"}))
    """
    content_type = upload.content_type.split(";")[0].strip().lower()
    if len(upload.data) > max_bytes:
        raise ValidationFailed(
            f"{upload.filename!r} has {len(upload.data):,} bytes",
            location="file",
            expected=f"at most {max_bytes:,} bytes",
        )
    if content_type not in allowed:
        raise ValidationFailed(
            f"content type {content_type!r} is not accepted",
            location="file",
            expected="one of " + ", ".join(sorted(allowed)),
        )
    magic = _MAGIC.get(content_type)
    if magic is not None and not upload.data.startswith(magic):
        raise ValidationFailed(
            f"{upload.filename!r} is not a {content_type} file",
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
                f"{upload.filename!r} is not UTF-8 text",
                location="file",
                expected="UTF-8 text",
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
) -> tuple[t.Message, list[t.Attachment]]:
    """Post a message (and attachments) to a channel the actor may write to."""
    channel, view = repositories.channel(session, actor, channel_id)
    view.require(Action.POST_MESSAGE, channel.party_id)
    if not text.strip() and not uploads:
        raise ValidationFailed("the message is empty", location="text", expected="some text")
    if len(text) > MAX_MESSAGE:
        raise ValidationFailed(
            "the message is too long", location="text", expected=f"at most {MAX_MESSAGE} characters"
        )
    for upload in uploads:
        check_upload(upload, max_bytes=max_bytes, allowed=allowed)
    # the channel's row lock orders concurrent posts (PostgreSQL; SQLite writes are serial)
    session.execute(select(t.Channel.id).where(t.Channel.id == channel.id).with_for_update())
    last = session.execute(
        select(func.max(t.Message.number)).where(t.Message.channel_id == channel.id)
    ).scalar_one()
    message = t.Message(
        id=_fresh_id(session, t.Message),
        channel_id=channel.id,
        number=(last or 0) + 1,
        author_id=actor.user_id,
        text=text,
    )
    session.add(message)
    session.flush()
    files = []
    for upload in uploads:
        row = t.Attachment(
            id=_fresh_id(session, t.Attachment),
            message_id=message.id,
            filename=upload.filename[:255] or "file",
            content_type=upload.content_type.split(";")[0].strip().lower(),
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            data=upload.data,
        )
        session.add(row)
        files.append(row)
    session.flush()
    notify(session, channel.track_id, channel.party_id, "message", message.id)
    audit.append(
        session,
        actor_id=actor.user_id,
        action="message.create",
        object_type="message",
        object_id=message.id,
        change={
            "channel": channel.id,
            "text": text,
            "attachments": [f.sha256 for f in files],
        },
    )
    return message, files


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
