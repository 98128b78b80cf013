"""Names in the reader's language for what a secretariat names: processes, organisations, tracks.

A process, each of its organisations and each of its tracks has its name as entered (unique in
its process where the name of an organisation or a track must be: the uniqueness rules, the
audit chain, the joint record and the signed instruments keep it) and may have a name in each
working language of the process (``names``: ``{"ru": "Украина"}``, revision 0017). A reader
sees it in their language where it has one, else as entered: :func:`called`, by the rule of
:func:`gobetween.model.languages.called_in` that also names an agenda's issues and options.

The process's admins set the names when they create the process, an organisation or a track,
and later (the API's create and ``PATCH`` endpoints; the admin page), each checked by
:func:`check_names`: in a working language of the process, not empty, at most
:data:`MAX_NAME` characters; a refusal names its field (``names.uk``).

The instruments of an agreement are signed with the names as entered: their parties' names
are part of the signed terms, so nothing here changes an instrument, a bundle or its hash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from gobetween.errors import N_, NotFound, ValidationFailed
from gobetween.i18n import _, current_locale, format_decimal
from gobetween.policy import Actor, process_view
from gobetween.service.audited import audited
from gobetween.service.languages import require_working, working_languages
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_NAME",
    "Named",
    "called",
    "called_by_name",
    "check_descriptions",
    "check_names",
    "names_out",
    "set_organisation_names",
    "set_process_names",
    "set_track_names",
]

#: The longest name, in characters, in any language (as the name as entered).
MAX_NAME = 200
#: The longest description of a process, in characters, in any language (as the one entered).
MAX_DESCRIPTION = 5000


class Named(Protocol):
    """Something named in the reader's language: a process, an organisation or a track (the
    store's rows), an agenda's issue or option."""

    def called(self, language: str) -> str: ...


def called(item: Named, language: str | None = None) -> str:
    """What a reader of ``language`` (default: the current one) calls ``item``: its name in
    that language where it has one, else its name as entered.

    >>> from gobetween.i18n import use_locale
    >>> ukraine = t.Organisation(name="Ukraine", names={"ru": "Украина"})
    >>> with use_locale("ru"):
    ...     called(ukraine), called(ukraine, "tr")
    ('Украина', 'Ukraine')
    """
    return item.called(language or current_locale())


def called_by_name(
    session: Session, actor: Actor, process_id: int, language: str | None = None
) -> dict[str, str]:
    """The name as entered -> what a reader of ``language`` (default: the current one) calls
    it, of each organisation of a process the actor belongs to (organisation names are known to
    every member): for the names a joint record or an agreement keeps as entered."""
    return {
        o.name: called(o, language) for o in repositories.organisations(session, actor, process_id)
    }


def names_out(item: t.NamedInLanguages) -> dict[str, str]:
    """A row's names in other languages as the API writes them (language code -> name)."""
    return {str(code): str(name) for code, name in (item.names or {}).items()}


_NOT_IN_PROCESS = N_(
    "%(language)s is not a working language of the process: add it to the working languages "
    "first, or leave this name out"
)


def check_names(names: Mapping[str, object], languages: Sequence[str]) -> dict[str, str]:
    """``names`` (language code -> name) checked against the working ``languages`` of the
    process, in their order, each name trimmed; a refusal names its field (``names.uk``).

    >>> check_names({"ru": " Украина ", "uk": "Україна"}, ("en", "uk", "ru"))
    {'uk': 'Україна', 'ru': 'Украина'}
    >>> check_names({"tr": "Ukrayna"}, ("en", "ru"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gobetween.errors.ValidationFailed: names.tr: Turkish (tr) is not a working language of the...
    """
    return _checked_texts(names, languages, "names", MAX_NAME, _EMPTY_NAME)


def check_descriptions(
    descriptions: Mapping[str, object], languages: Sequence[str]
) -> dict[str, str]:
    """A process's ``descriptions`` (language code -> text) checked as :func:`check_names`
    checks names, at most :data:`MAX_DESCRIPTION` characters each (``descriptions.uk``).

    >>> check_descriptions({"uk": " Переговори. "}, ("en", "uk"))
    {'uk': 'Переговори.'}
    """
    return _checked_texts(descriptions, languages, "descriptions", MAX_DESCRIPTION, _EMPTY_TEXT)


_EMPTY_NAME = (
    _NOT_IN_PROCESS,
    N_("the %(language)s name is empty"),
    N_("the name in that language (leave the language out if there is none)"),
)
_EMPTY_TEXT = (
    N_(
        "%(language)s is not a working language of the process: add it to the working "
        "languages first, or leave this description out"
    ),
    N_("the %(language)s description is empty"),
    N_("the description in that language (leave the language out if there is none)"),
)


def _checked_texts(
    texts: Mapping[str, object],
    languages: Sequence[str],
    field: str,
    limit: int,
    words: tuple[str, str, str],
) -> dict[str, str]:
    """``texts`` in working ``languages`` (``words``: the refusals of a language that is not
    one, of an empty text, and what is expected instead), each at ``<field>.<code>``."""
    not_working, empty, expected = words
    checked: dict[str, str] = {}
    for code, value in texts.items():
        where = f"{field}.{code}"
        require_working(code, languages, location=where, refusal=not_working)
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise ValidationFailed(
                _(empty) % {"language": code}, location=where, expected=_(expected)
            )
        if len(text) > limit:
            raise ValidationFailed(
                _("%(length)s characters; at most %(limit)s are accepted")
                % {"length": format_decimal(len(text)), "limit": format_decimal(limit)},
                location=where,
            )
        checked[code] = text
    return {code: checked[code] for code in languages if code in checked}


def _named(
    session: Session,
    actor: Actor,
    row: t.Process | t.Organisation | t.Track,
    subject: tuple[str, int],
    names: Mapping[str, object],
) -> None:
    """Give ``row`` (a process's, whose admin the actor is) its ``names``, replacing those it
    had, and audit it as ``<subject type>.names``."""
    process_id = row.id if isinstance(row, t.Process) else row.process_id
    process_view(actor, process_id).require_admin()
    row.names = check_names(names, working_languages(session, process_id))
    session.flush()
    audited(session, actor, f"{subject[0]}.names", subject, {"names": row.names})


def set_process_names(
    session: Session,
    actor: Actor,
    process_id: int,
    names: Mapping[str, object] | None,
    descriptions: Mapping[str, object] | None = None,
) -> t.Process:
    """Name a process in its working languages (its admins; ``names`` replaces its names) and
    describe it in them (``descriptions`` replaces its descriptions); ``None``: left as is."""
    row, _view = repositories.process(session, actor, process_id)
    if names is not None:
        _named(session, actor, row, ("process", row.id), names)
    if descriptions is not None:
        process_view(actor, process_id).require_admin()
        row.descriptions = check_descriptions(descriptions, working_languages(session, row.id))
        session.flush()
        audited(
            session,
            actor,
            "process.descriptions",
            ("process", row.id),
            {"descriptions": row.descriptions},
        )
    return row


def set_organisation_names(
    session: Session,
    actor: Actor,
    process_id: int,
    organisation_id: int,
    names: Mapping[str, object],
) -> t.Organisation:
    """Name an organisation of a process in the process's working languages (its admins: to
    another member, one that exists and one that does not are alike refused)."""
    process_view(actor, process_id).require_admin()
    found = repositories.organisations(session, actor, process_id)
    row = next((o for o in found if o.id == organisation_id), None)
    if row is None:
        raise NotFound(
            N_("the process has no organisation %(organisation_id)s"),
            params={"organisation_id": organisation_id},
        )
    _named(session, actor, row, ("organisation", row.id), names)
    return row


def set_track_names(
    session: Session, actor: Actor, track_id: int, names: Mapping[str, object]
) -> t.Track:
    """Name a track in its process's working languages (the process's admins)."""
    row, _view = repositories.track(session, actor, track_id)
    _named(session, actor, row, ("track", row.id), names)
    return row
