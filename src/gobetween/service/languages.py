"""The working languages of a process: declared by its admins, read by every member.

A process declares the languages its negotiation is held in (ISO 639-1 codes among those
:data:`gobetween.model.languages.LANGUAGES` knows, in the order given). A process that has
declared none works in English. A track may work in fewer of them (the food corridor in
English, Ukrainian, Russian and Turkish; the energy facilities also in Arabic): its *track
languages*, by default all of the process's. Messages keep the working language they were
written in; the texts need their wording in each of the track's; the instruments carry them all.

The functions here are what the "new process" page and the API call
(:func:`set_working_languages`, :func:`process_languages`), and what posting a message reads
(:func:`gobetween.store.messages.working_languages_query`, :func:`message_language`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from babel import Locale
from babel.lists import format_list
from sqlalchemy import Delete, delete, select
from sqlalchemy.orm import Session

from gobetween.errors import N_, InvalidModel, ValidationFailed
from gobetween.i18n import _, current_locale
from gobetween.model.languages import LANGUAGES, check_languages
from gobetween.policy import Actor, process_view
from gobetween.service import unique
from gobetween.service.audited import audited
from gobetween.service.schemas import TranslationOut
from gobetween.store import language_tables as lt
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = [
    "DEFAULT_LANGUAGES",
    "declared_languages",
    "language_and_code",
    "language_name",
    "language_names",
    "message_language",
    "process_languages",
    "require_working",
    "set_track_languages",
    "set_working_languages",
    "track_languages",
    "translations_by_message",
    "working_languages",
]

#: The working languages of a process that has declared none.
DEFAULT_LANGUAGES: tuple[str, ...] = ("en",)

#: Positions from here on are the process's languages (below: the track's own).
_PROCESS = 1000


def _ordered(rows: Iterable[Sequence[Any]]) -> tuple[str, ...]:
    """Codes from (code, position) rows in declared order: the track's own when there are any
    (positions below 1000), else the process's; the default when there are none."""
    ranked = sorted(((int(pos), str(code)) for code, pos in rows))
    own = [code for pos, code in ranked if pos < _PROCESS]
    codes = tuple(own or [code for _, code in ranked])
    return codes or DEFAULT_LANGUAGES


def language_name(code: str | None, locale: str | None = None) -> str:
    """The name of language ``code`` in the reader's interface language (Babel's CLDR names).

    >>> language_name("uk", "en"), language_name("en", "uk"), language_name("ar", "tr")
    ('Ukrainian', 'англійська', 'Arapça')
    """
    if not code:
        return ""
    try:
        names = Locale.parse(locale or current_locale()).languages
    except (ValueError, TypeError):
        return code
    return str(names.get(code, code))


def language_and_code(code: str, locale: str | None = None) -> str:
    """A language named for the reader, its code after (what a form field and the API use).

    >>> language_and_code("tr", "en"), language_and_code("xx", "en")
    ('Turkish (tr)', 'xx')
    """
    name = language_name(code, locale)
    return code if name == code else _("%(name)s (%(code)s)") % {"name": name, "code": code}


#: The refusal of a language a track does not work in.
NOT_IN_TRACK = N_("%(language)s is not a working language of this track")


def require_working(
    language: str, languages: Sequence[str], *, location: str, refusal: str = NOT_IN_TRACK
) -> None:
    """Refuse ``language`` unless it is one of the working ``languages``: ``refusal`` (a
    message marked ``N_`` with ``%(language)s``) says it by name and code, and what is expected
    lists the working ones the same way.

    >>> require_working("tr", ("en", "uk"), location="language")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gobetween.errors.ValidationFailed: language: Turkish (tr) is not a working language of...
    """
    if language in languages:
        return
    code = current_locale()
    raise ValidationFailed(
        _(refusal) % {"language": language_and_code(language, code)},
        location=location,
        expected=_("one of %(languages)s")
        % {"languages": format_list([language_and_code(c, code) for c in languages], locale=code)},
    )


def language_names(codes: Iterable[str], locale: str | None = None) -> str:
    """Languages named and listed the way the reader's language lists things (CLDR).

    >>> language_names(("en", "uk", "ar"), "en"), language_names(("en", "ar"), "ar")
    ('English, Ukrainian, and Arabic', 'الإنجليزية والعربية')
    """
    code = locale or current_locale()
    return format_list([language_name(c, code) for c in codes], locale=code)


def message_language(
    declared: Iterable[Sequence[Any]], language: str | None, interface: str | None
) -> str:
    """The language a new message is kept in.

    ``declared`` are the process's (code, position) rows; ``language`` what the poster chose
    (it must be a working language), ``interface`` their interface language, the default when
    the process works in it; else the first working language.

    >>> message_language([("uk", 1), ("en", 0)], None, "uk")
    'uk'
    >>> message_language([("uk", 1), ("en", 0)], None, "ar")
    'en'
    >>> message_language([], "tr", None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gobetween.errors.ValidationFailed: language: Turkish (tr) is not a working language of this...
    """
    codes = _ordered(declared)
    if language is None:
        return interface if interface in codes else codes[0]
    require_working(language, codes, location="language")
    return language


def working_languages(session: Session, process_id: int) -> tuple[str, ...]:
    """The working languages of a process in declared order (no policy check: for callers
    that have already checked the actor's view)."""
    rows = session.execute(
        select(lt.ProcessLanguage.code, lt.ProcessLanguage.position).where(
            lt.ProcessLanguage.process_id == process_id
        )
    ).all()
    return _ordered(rows)


def declared_languages(session: Session, track_id: int) -> tuple[str, ...]:
    """The track's working languages when it or its process declared any; else ``()`` (a
    process from before working languages: its agreements keep one-language instruments)."""
    track = session.get(t.Track, track_id)
    if track is None:
        return ()
    declared = (
        session.execute(
            select(lt.ProcessLanguage.code).where(lt.ProcessLanguage.process_id == track.process_id)
        ).first()
        or session.execute(
            select(lt.TrackLanguage.code).where(lt.TrackLanguage.track_id == track_id)
        ).first()
    )
    return track_languages(session, track_id) if declared else ()


def track_languages(session: Session, track_id: int) -> tuple[str, ...]:
    """The working languages of a track (its own, else its process's), without policy check."""
    track = session.get(t.Track, track_id)
    if track is None:
        return DEFAULT_LANGUAGES
    rows = session.execute(
        select(lt.TrackLanguage.code, lt.TrackLanguage.position).where(
            lt.TrackLanguage.track_id == track_id
        )
    ).all()
    return _ordered(rows) if rows else working_languages(session, track.process_id)


def _checked(codes: list[object]) -> tuple[str, ...]:
    """``codes`` as working languages, or the model's refusal as a form error on ``languages``."""
    try:
        return check_languages(codes)
    except InvalidModel as exc:
        raise ValidationFailed(
            exc.template,
            location="languages",
            expected=exc.expected_template or ", ".join(LANGUAGES),
            params=exc.params,  # so that the detail is translated before it is filled in
        ) from None


def set_track_languages(
    session: Session, actor: Actor, track_id: int, codes: Iterable[object]
) -> tuple[str, ...]:
    """Let a track work in some of its process's languages (admins); an empty list: in all."""
    track, _view = repositories.track(session, actor, track_id)  # no seat: 404, like missing
    process_view(actor, track.process_id).require_admin()
    wanted = list(codes)
    languages = _checked(wanted) if wanted else ()
    process = working_languages(session, track.process_id)
    _keep_published(session, [track], languages or process)
    outside = [code for code in languages if code not in process]
    if outside:
        raise ValidationFailed(
            _("%(languages)s: not a working language of the process")
            % {"languages": ", ".join(outside)},
            location="languages",
            expected=_("some of %(languages)s") % {"languages": ", ".join(process)},
        )
    _replace(
        session,
        actor,
        ("track", track_id, wanted),
        delete(lt.TrackLanguage).where(lt.TrackLanguage.track_id == track_id),
        [lt.TrackLanguage(track_id=track_id, code=c, position=i) for i, c in enumerate(languages)],
    )
    return track_languages(session, track_id)


def process_languages(session: Session, actor: Actor, process_id: int) -> tuple[str, ...]:
    """The working languages of a process the actor belongs to (404 otherwise)."""
    process_view(actor, process_id)
    return working_languages(session, process_id)


def set_working_languages(
    session: Session, actor: Actor, process_id: int, codes: Iterable[object]
) -> tuple[str, ...]:
    """Declare the working languages of a process (its admins only); returns them.

    Raises :class:`~gobetween.errors.ValidationFailed` (location ``languages``) for an unknown
    code, one listed twice, or an empty list.
    """
    process_view(actor, process_id).require_admin()
    languages = _checked(list(codes))
    tracks = session.execute(select(t.Track).where(t.Track.process_id == process_id)).scalars()
    _keep_published(
        session, [row for row in tracks if not _own_languages(session, row.id)], languages
    )
    _replace(
        session,
        actor,
        ("process", process_id, list(languages)),
        delete(lt.ProcessLanguage).where(lt.ProcessLanguage.process_id == process_id),
        [
            lt.ProcessLanguage(process_id=process_id, code=c, position=i)
            for i, c in enumerate(languages)
        ],
    )
    return languages


def _own_languages(session: Session, track_id: int) -> bool:
    """Whether the track declared languages of its own (else it works in its process's)."""
    return (
        session.execute(
            select(lt.TrackLanguage.code).where(lt.TrackLanguage.track_id == track_id)
        ).first()
        is not None
    )


def _keep_published(session: Session, tracks: Iterable[t.Track], kept: Sequence[str]) -> None:
    """Refuse a change that takes a language away from a track whose text was published in it:
    its versions, the parties' answers and the agreements signed on it are in that language,
    and a delegation that works in it could no longer write or read the text in it."""
    lost: dict[str, list[str]] = {}
    for track in tracks:
        removed = [c for c in track_languages(session, track.id) if c not in kept]
        if removed and repositories.texts_published(session, track.id):
            for code in removed:
                lost.setdefault(code, []).append(track.called(current_locale()))
    if lost:
        names = sorted({name for tracks_of in lost.values() for name in tracks_of})
        raise ValidationFailed(
            _(
                "%(languages)s cannot be removed: the text of %(tracks)s was published in it, "
                "and its versions, the parties' answers and any agreement on it stay in it"
            )
            % {
                "languages": language_names(lost),
                "tracks": format_list([f"“{n}”" for n in names], locale=current_locale()),
            },
            location="languages",
            expected=_("every language a published text is in"),
        )


def _replace(
    session: Session,
    actor: Actor,
    owned: tuple[str, int, list[Any]],
    old: Delete,
    new: list[lt.ProcessLanguage] | list[lt.TrackLanguage],
) -> None:
    """Replace a process's or track's language rows (``old`` deletes them) by ``new``, in
    order, and audit it: ``owned`` is (process or track, its id, the languages recorded).
    Under the owner's lock: a second replacement at the same moment deletes the first one's
    rows, instead of inserting beside them."""
    owner, owner_id, recorded = owned
    unique.serialised(session, t.Process if owner == "process" else t.Track, owner_id)
    session.execute(old)
    session.add_all(new)
    session.flush()
    audited(session, actor, f"{owner}.languages", (owner, owner_id), {"languages": recorded})


def translations_by_message(rows: Iterable[Sequence[Any]]) -> dict[int, list[TranslationOut]]:
    """Message id -> its translations, from rows of (message id, id, language, text,
    translator id, translator's name, created at), for messages already scoped."""
    out: dict[int, list[TranslationOut]] = {}
    for message_id, row_id, language, text, translator_id, name, created in rows:
        out.setdefault(message_id, []).append(
            TranslationOut(
                id=row_id,
                message_id=message_id,
                language=language,
                text=text,
                translator_id=translator_id,
                translator=name,
                created_at=t.as_utc(created),
            )
        )
    return out
