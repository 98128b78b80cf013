"""Translators and the translations of channel messages.

A *translator* is a member of a mediating organisation with the translator role. A mediator
of a track (or an admin of its process) *gives* the track to a translator
(:func:`assign_translator`); from then on the translator reads every party's channel in that
track and attaches translations to its messages (:func:`translate`), and does nothing else:
the policy gives them the translator's seat only through :func:`translator_track_view`, so
every other route (preferences, answers, analysis, drafts, posting) answers 404 for them as for
anyone without a seat.

A translation belongs to its message's channel: it is stored with the channel's party and read
only by those who may read that channel (the party's members, the track's mediators, its
translators), in the same page as the message (``negotiate.channel_messages_plan`` for the
party and mediators, :func:`messages_with_translations` here for translators). Its id is random.
A message has at most one translation per language; translating again replaces the wording
(the audit chain keeps every version).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gobetween.agreements.language_versions import missing_articles
from gobetween.errors import N_, NotFound, PermissionDenied, Sentence, ValidationFailed
from gobetween.i18n import _
from gobetween.live import LiveUpdate
from gobetween.model import Role
from gobetween.policy import Action, Actor, Seat, TrackView, track_view
from gobetween.service import unique
from gobetween.service.audited import audited
from gobetween.service.languages import require_working, track_languages, translations_by_message
from gobetween.service.negotiate import message_out, notify
from gobetween.service.schemas import MessageOut, TranslationOut
from gobetween.store import language_tables as lt
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store.messages import attachment_row, message_row

__all__ = [
    "MAX_TRANSLATION",
    "TranslatorOut",
    "assign_translator",
    "assigned_tracks",
    "message_channel",
    "messages_with_translations",
    "text_languages",
    "translate",
    "translation_channel",
    "translator_track_view",
    "translators",
    "unassign_translator",
]

MAX_TRANSLATION = 20_000


@dataclass(frozen=True, slots=True)
class TranslatorOut:
    """A translator given a track: the user, their name and organisation."""

    user_id: int
    name: str
    organisation_id: int


def _track_row(session: Session, actor: Actor, track_id: int) -> t.Track:
    row = session.get(t.Track, track_id)
    if row is None or row.process_id not in actor.process_ids():
        raise NotFound(_("no track %(track_id)s") % {"track_id": track_id})
    return row


def _assigned(session: Session, track_id: int, user_id: int) -> bool:
    return session.get(lt.TranslatorAssignment, (track_id, user_id)) is not None


def translator_track_view(session: Session, actor: Actor, track_id: int) -> TrackView:
    """The actor's view of a track, with the translator's seat when the track was given to
    them; :class:`NotFound` without any seat."""
    row = _track_row(session, actor, track_id)
    return track_view(
        actor,
        process_id=row.process_id,
        track_id=row.id,
        participants=repositories.participants(session, row.id),
        translating=_assigned(session, row.id, actor.user_id),
    )


def _require_manager(view: TrackView) -> None:
    """Only the track's mediators and the process's admins give tracks to translators."""
    if not (view.is_mediator or Seat.ADMIN in view.seats):
        if view.seats <= {Seat.TRANSLATOR}:
            raise NotFound(_("no track %(track_id)s") % {"track_id": view.track_id})
        raise PermissionDenied(_("only the track's mediators and the process's admins do this"))


def _translator_membership(session: Session, view: TrackView, user_id: int) -> t.Membership:
    """The user's translator membership in a mediating organisation of the track."""
    rows = session.execute(
        select(t.Membership).where(
            t.Membership.process_id == view.process_id,
            t.Membership.user_id == user_id,
            t.Membership.role == Role.TRANSLATOR.value,
        )
    ).scalars()
    for row in rows:
        if row.organisation_id in view.mediator_ids:
            return row
    raise ValidationFailed(
        _("user %(user)s is not a translator of a mediating organisation of this track")
        % {"user": user_id},
        location="user_id",
        expected=_(
            "a member with the translator role in one of the track's mediating organisations "
            "(invite them with the role translator first)"
        ),
    )


def assign_translator(session: Session, actor: Actor, track_id: int, user_id: int) -> None:
    """Give a track to a translator (idempotent); mediators of the track and admins only."""
    _, view = repositories.track(session, actor, track_id)
    _require_manager(view)
    _translator_membership(session, view, user_id)
    _row, made = unique.get_or_add(
        session,
        lt.TranslatorAssignment,
        (track_id, user_id),
        lambda: lt.TranslatorAssignment(
            track_id=track_id, user_id=user_id, assigned_by=actor.user_id
        ),
    )
    if made:  # else given before, or by another request at the same moment
        audited(session, actor, "translator.assign", ("track", track_id), {"translator": user_id})


def unassign_translator(session: Session, actor: Actor, track_id: int, user_id: int) -> None:
    """Take a track back from a translator; their translations stay."""
    _track, view = repositories.track(session, actor, track_id)
    _require_manager(view)
    if not _assigned(session, track_id, user_id):
        raise NotFound(
            _("user %(user_id)s does not translate track %(track_id)s")
            % {"user_id": user_id, "track_id": track_id}
        )
    session.execute(
        delete(lt.TranslatorAssignment).where(
            lt.TranslatorAssignment.track_id == track_id,
            lt.TranslatorAssignment.user_id == user_id,
        )
    )
    audited(session, actor, "translator.unassign", ("track", track_id), {"translator": user_id})


def translators(session: Session, actor: Actor, track_id: int) -> list[TranslatorOut]:
    """The translators given a track (its mediators and the process's admins may ask)."""
    _, view = repositories.track(session, actor, track_id)
    _require_manager(view)
    rows = session.execute(
        select(t.User.id, t.User.name, t.Membership.organisation_id)
        .join(lt.TranslatorAssignment, lt.TranslatorAssignment.user_id == t.User.id)
        .join(t.Membership, t.Membership.user_id == t.User.id)
        .where(
            lt.TranslatorAssignment.track_id == track_id,
            t.Membership.process_id == view.process_id,
            t.Membership.role == Role.TRANSLATOR.value,
        )
        .order_by(t.User.name, t.User.id)
    ).all()
    return [TranslatorOut(uid, name, int(org or 0)) for uid, name, org in rows]


def assigned_tracks(session: Session, actor: Actor) -> list[tuple[t.Track, list[t.Channel]]]:
    """The tracks given to the actor to translate, each with its channels."""
    rows = (
        session.execute(
            select(t.Track)
            .join(lt.TranslatorAssignment, lt.TranslatorAssignment.track_id == t.Track.id)
            .where(lt.TranslatorAssignment.user_id == actor.user_id)
            .order_by(t.Track.id)
        )
        .scalars()
        .all()
    )
    out = []
    for row in rows:
        try:
            view = translator_track_view(session, actor, row.id)
        except NotFound:
            continue  # no longer a translator of a mediating organisation of the track
        if Seat.TRANSLATOR not in view.seats:
            continue
        channels = (
            session.execute(
                select(t.Channel)
                .where(
                    t.Channel.track_id == row.id,
                    t.Channel.party_id.in_(view.readable_channels),
                )
                .order_by(t.Channel.id)
            )
            .scalars()
            .all()
        )
        out.append((row, list(channels)))
    return out


def _channel(session: Session, actor: Actor, channel_id: int) -> tuple[t.Channel, TrackView]:
    """A channel the actor may read as a translator, party member or mediator."""
    missing = Sentence(N_("no channel %(channel_id)s"), {"channel_id": channel_id})

    def readable(row: t.Channel) -> TrackView:
        view = translator_track_view(session, actor, row.track_id)
        if row.party_id not in view.readable_channels:
            raise NotFound(missing.template, params=missing.params)
        return view

    return repositories.visible(session.get(t.Channel, channel_id), missing, readable)


def _message(
    session: Session, actor: Actor, message_id: int
) -> tuple[t.Message, tuple[t.Channel, TrackView]]:
    """A message the actor may read as in :func:`translation_channel`, with its channel."""
    return repositories.visible(
        session.get(t.Message, message_id),
        Sentence(N_("no message %(message_id)s"), {"message_id": message_id}),
        lambda message: _channel(session, actor, message.channel_id),
    )


def translation_channel(
    session: Session, actor: Actor, channel_id: int
) -> tuple[t.Channel, t.Track, TrackView]:
    """A channel the actor may read as a translator, party member or mediator, its track and
    the actor's view of the track (:class:`NotFound` otherwise)."""
    row, view = _channel(session, actor, channel_id)
    return row, _track_row(session, actor, row.track_id), view


def message_channel(session: Session, actor: Actor, message_id: int) -> int:
    """The channel of a message the actor may read as in :func:`translation_channel`."""
    message, _seen = _message(session, actor, message_id)
    return message.channel_id


def messages_with_translations(
    session: Session, actor: Actor, channel_id: int, *, after: int = 0, limit: int = 100
) -> list[MessageOut]:
    """A channel's messages after number ``after`` with their translations, for anyone who
    may read the channel (translators of its track included)."""
    row, view = _channel(session, actor, channel_id)
    view.require(Action.READ_CHANNEL, row.party_id)
    messages = (
        session.execute(
            select(t.Message)
            .where(t.Message.channel_id == row.id, t.Message.number > after)
            .order_by(t.Message.number)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    ids = [m.id for m in messages]
    files = repositories.attachments_of(session, ids)
    translations = _translations(session, ids)
    return [
        message_out(
            message_row(m),
            [attachment_row(a) for a in files[m.id]],
            [],
            translations.get(m.id, []),
        )
        for m in messages
    ]


def _translations(session: Session, message_ids: Sequence[int]) -> dict[int, list[TranslationOut]]:
    if not message_ids:
        return {}
    rows = session.execute(
        select(
            lt.MessageTranslation.message_id,
            lt.MessageTranslation.id,
            lt.MessageTranslation.language,
            lt.MessageTranslation.text,
            lt.MessageTranslation.translator_id,
            t.User.name,
            lt.MessageTranslation.created_at,
        )
        .outerjoin(t.User, t.User.id == lt.MessageTranslation.translator_id)
        .where(lt.MessageTranslation.message_id.in_(message_ids))
        .order_by(lt.MessageTranslation.message_id, lt.MessageTranslation.language)
    ).all()
    return translations_by_message(
        (m, i, lang, text, who, name or "", at) for m, i, lang, text, who, name, at in rows
    )


def _check_text(text: str) -> str:
    if not text.strip():
        raise ValidationFailed(
            _("the translation is empty"), location="text", expected=_("some text")
        )
    if len(text) > MAX_TRANSLATION:
        raise ValidationFailed(
            _("the translation is too long"),
            location="text",
            expected=_("at most %(num)s characters") % {"num": MAX_TRANSLATION},
        )
    return text


def _translation(session: Session, message_id: int, language: str) -> lt.MessageTranslation | None:
    return session.execute(
        select(lt.MessageTranslation).where(
            lt.MessageTranslation.message_id == message_id,
            lt.MessageTranslation.language == language,
        )
    ).scalar_one_or_none()


def translate(
    session: Session, actor: Actor, message_id: int, *, language: str, text: str
) -> TranslationOut:
    """Attach (or replace) the ``language`` translation of a message; translators of the
    message's track only. The language must be a working language other than the message's."""
    message, (channel, view) = _message(session, actor, message_id)
    view.require(Action.TRANSLATE, channel.party_id)
    languages = track_languages(session, view.track_id)
    require_working(language, languages, location="language")
    if language == message.language:
        raise ValidationFailed(
            _("the message is written in %(language)s already") % {"language": language},
            location="language",
            expected=_("another working language than the message's"),
        )
    _check_text(text)
    row = _translation(session, message.id, language)
    made = None
    if row is None:
        made = lt.MessageTranslation(
            id=t.random_id(),
            message_id=message.id,
            party_id=channel.party_id,
            language=language,
            text=text,
            translator_id=actor.user_id,
        )
        if unique.added_once(session, made, "uq_message_translations_message_id"):
            row = made
        else:  # another translator's, made at the same moment: replaced, as after it
            row = _translation(session, message.id, language)
    assert row is not None  # when not made here, committed before this insert failed on it
    if row is not made:
        row.text, row.translator_id, row.created_at = text, actor.user_id, t.utcnow()
    session.flush()
    # a live update private to the channel's party and the mediators: their pages show it
    notify(session, view.track_id, channel.party_id, LiveUpdate.TRANSLATION, message.id)
    audited(
        session,
        actor,
        "message.translate",
        ("message", message.id),
        {"language": language, "text": text, "translation": row.id},
    )
    name = session.get(t.User, actor.user_id)
    return TranslationOut(
        id=row.id,
        message_id=message.id,
        language=language,
        text=text,
        translator_id=actor.user_id,
        translator=name.name if name else "",
        created_at=row.created_at,
    )


def text_languages(session: Session, actor: Actor, track_id: int) -> dict[str, Any]:
    """Which language versions of each published text version are complete, and which articles
    each incomplete one is missing (anyone who may read the track's texts)."""
    from gobetween.service.texts import single_text_state  # texts builds on negotiate

    track, view = repositories.track(session, actor, track_id)
    view.require(Action.READ_TEXTS)
    codes = track_languages(session, track.id)
    state = single_text_state(session, track, view)
    versions = []
    for version in state.versions:
        missing = missing_articles(version.text_articles, codes)
        said = {  # what names an article to a reader: its issue, else its heading, else its kind
            a.id: {"id": a.id, "issue": a.issue, "kind": a.kind.value, "heading": dict(a.heading)}
            for a in version.text_articles
        }
        versions.append(
            {
                "number": version.number,
                "complete": not missing,
                "languages": [
                    {
                        "code": code,
                        "complete": code not in missing,
                        "missing": list(missing.get(code, ())),
                        "missing_articles": [said[i] for i in missing.get(code, ())],
                    }
                    for code in codes
                ],
            }
        )
    return {"track_id": track.id, "languages": list(codes), "versions": versions}
