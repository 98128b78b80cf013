"""The wire format of the REST API (pydantic), kept apart from the ORM tables.

Inputs forbid unknown fields, NUL characters and non-finite numbers; outputs are built from rows
by the ``*_out`` functions so that no ORM object ever reaches a response.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import ErrorDetails

from gobetween.i18n import _, format_decimal
from gobetween.model import MAX_BONUSES, IssueKind, OrganisationKind, Role, Settles
from gobetween.protocols.single_text import AnswerKind

__all__ = ["Id", "In", "Out", "QueryId", "RefId"]

#: An object id in a path: a positive 32-bit integer.
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
#: An id as a field value.
RefId = Annotated[int, Field(ge=1, le=2_147_483_647)]
#: An optional id in the query string.
QueryId = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


#: The one refusal of a pydantic validator here (pydantic's English; :func:`refusal` translates).
NUL_REFUSAL = "must not contain NUL characters"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_REFUSAL)
    return value


Str = Annotated[str, AfterValidator(_no_nul)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_nul)]
SearchQuery = Annotated[Str | None, Query(max_length=200)]
Number = Annotated[float, Field(allow_inf_nan=False)]
#: What a working language's code must look like (ISO 639-1 or 639-3; "EN" is read as "en").
LANGUAGE_CODE_PATTERN = r"^[A-Za-z]{2,3}$"


def _code_as_stored(value: object) -> object:
    """A language code as gobetween keeps it: lower case, without spaces around it."""
    return value.strip().lower() if isinstance(value, str) else value


#: A working language: an ISO 639-1 code (which ones a process uses, it declares).
LanguageCode = Annotated[
    str,
    Field(min_length=2, max_length=8, pattern=LANGUAGE_CODE_PATTERN),
    BeforeValidator(_code_as_stored),
]


class In(BaseModel):
    """Base of request bodies: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Out(BaseModel):
    """Base of response bodies."""

    model_config = ConfigDict(from_attributes=True)


# --- identity -----------------------------------------------------------------------------


class LoginIn(In):
    email: Annotated[Str, Field(min_length=3, max_length=254)]
    password: Annotated[Str, Field(min_length=1, max_length=1024)]
    #: the second factor's current code, or a recovery code (when the user turned it on)
    code: Annotated[Str, Field(max_length=64)] | None = None


class UserOut(Out):
    id: int
    email: str
    name: str


class MembershipOut(Out):
    id: int
    process_id: int
    role: Role
    organisation_id: int | None


class MeOut(Out):
    user: UserOut
    memberships: list[MembershipOut]


class LoginOut(Out):
    user: UserOut
    csrf_token: str
    expires_at: dt.datetime


class TokenIn(In):
    name: Name


class TokenOut(Out):
    id: int
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str


class AcceptIn(In):
    token: Annotated[Str, Field(min_length=10, max_length=200)]
    name: Name
    password: Annotated[Str, Field(min_length=1, max_length=1024)]


# --- prepare ------------------------------------------------------------------------------


#: What a process, an organisation, a track, an issue or an option is called in other
#: languages: language code -> name ({"uk": "порти"}); pages show it to readers of that
#: language (docs/guide/setup.md). A process's, an organisation's or a track's names are in
#: working languages of the process (:func:`gobetween.service.names.check_names`).
Names = Annotated[
    dict[Annotated[Str, Field(max_length=20)], Annotated[Str, Field(max_length=200)]],
    Field(max_length=20),
]


#: A process's description in working languages of the process (language code -> text).
Descriptions = Annotated[
    dict[Annotated[Str, Field(max_length=20)], Annotated[Str, Field(max_length=5000)]],
    Field(max_length=20),
]


class ProcessIn(In):
    name: Name
    description: Annotated[Str, Field(max_length=5000)] = ""
    #: the working languages of the negotiation (default: none declared, English)
    languages: Annotated[list[LanguageCode], Field(min_length=1, max_length=20)] | None = None
    #: its name in its working languages (those of ``languages``)
    names: Names = {}
    #: its description in its working languages (those of ``languages``)
    descriptions: Descriptions = {}


class NamesIn(In):
    """New names in the working languages of the process, replacing the old (``PATCH`` of an
    organisation or a track)."""

    names: Names


class ProcessNamesIn(In):
    """New names, new descriptions or both of a process in its working languages, each
    replacing the old (``PATCH`` of a process); one left out stays as it is."""

    names: Names | None = None
    descriptions: Descriptions | None = None


class ProcessOut(Out):
    id: int
    name: str
    description: str
    created_at: dt.datetime
    roles: list[Role]
    convened_by: str = ""  # who created the process: name <e-mail> (tells look-alikes apart)
    languages: list[str] = []  # its working languages, in declared order
    names: dict[str, str] = {}  # its name in working languages (language code -> name)
    descriptions: dict[str, str] = {}  # its description in them (language code -> text)


class OrganisationIn(In):
    name: Name
    kind: OrganisationKind
    names: Names = {}


class OrganisationOut(Out):
    id: int
    process_id: int
    name: str
    kind: OrganisationKind
    names: dict[str, str] = {}


class MemberIn(In):
    email: Annotated[Str, Field(min_length=3, max_length=254)]
    role: Role
    organisation_id: RefId | None = None


class MemberChange(In):
    role: Role
    organisation_id: RefId | None = None


class MemberOut(Out):
    id: int
    user: UserOut
    role: Role
    organisation_id: int | None


class InvitationIn(MemberIn):
    pass


#: Where an invitation stands (:func:`gobetween.service.invitations.invitation_state`).
InvitationState = Literal[
    "pending", "used", "declined", "withdrawn", "replaced", "expired", "unknown"
]


class InvitationOut(Out):
    """An invitation as the process's admins see it; ``state``: ``pending``, ``used``,
    ``declined``, ``withdrawn``, ``replaced`` (by a newer one to the same seat) or
    ``expired``."""

    id: int
    email: str
    role: Role
    organisation_id: int | None
    expires_at: dt.datetime
    accepted_at: dt.datetime | None
    declined_at: dt.datetime | None = None
    replaced_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None
    state: InvitationState = "pending"


class NewInvitationOut(InvitationOut):
    token: str | None  # only when no e-mail is configured (else the link goes by e-mail only)
    mailed: bool = False


class OptionIn(In):
    name: Name
    value: Number | None = None
    label: Annotated[Str, Field(max_length=200)] | None = None
    # the option's clause per language code ({"en": "...", "uk": "..."})
    wording: Annotated[
        dict[Annotated[Str, Field(max_length=20)], Annotated[Str, Field(max_length=5000)]],
        Field(max_length=20),
    ] = {}
    names: Names = {}


class IssueIn(In):
    name: Name
    options: Annotated[list[OptionIn], Field(min_length=1, max_length=1000)]
    kind: IssueKind = IssueKind.DISCRETE
    unit: Annotated[Str, Field(max_length=50)] | None = None
    description: Annotated[Str, Field(max_length=5000)] = ""
    names: Names = {}
    #: the description in other languages (language code -> text)
    descriptions: Annotated[
        dict[Annotated[Str, Field(max_length=20)], Annotated[Str, Field(max_length=5000)]],
        Field(max_length=20),
    ] = {}
    #: the unit in other languages (language code -> unit)
    units: Annotated[
        dict[Annotated[Str, Field(max_length=20)], Annotated[Str, Field(max_length=50)]],
        Field(max_length=20),
    ] = {}
    #: the rule of the agreement this issue's article sets (term, renewal, notice,
    #: entry_into_force, linked_instruments); none when left out (docs/guide/agreements.md)
    settles: Settles | None = None


class AgendaIn(In):
    name: Name = "agenda"
    issues: Annotated[list[IssueIn], Field(min_length=1, max_length=100)]


class TrackIn(In):
    name: Name
    agenda: AgendaIn
    organisation_ids: Annotated[list[RefId], Field(min_length=2, max_length=50)]
    names: Names = {}


class TrackOut(Out):
    id: int
    process_id: int
    name: str
    names: dict[str, str] = {}
    source: str
    agenda: dict[str, Any]
    organisation_ids: list[int]
    seats: list[str]
    my_party_id: int | None


# --- negotiate ----------------------------------------------------------------------------


#: The longest message text, in characters (the API and the pages refuse a longer one).
MAX_MESSAGE = 20_000
#: A message's text; empty only with an attachment (:class:`MessageIn` needs some).
MessageText = Annotated[Str, Field(max_length=MAX_MESSAGE)]


class MessageIn(In):
    text: Annotated[MessageText, Field(min_length=1)]
    #: the working language the message is written in (default: the poster's interface
    #: language when the process works in it, else the process's first working language)
    language: LanguageCode | None = None


class FileMessageIn(In):
    """A message that carries a file: its text may be empty."""

    text: MessageText = ""
    language: LanguageCode | None = None


class TranslationOut(Out):
    """A translation of a message, marked with who made it."""

    id: int
    message_id: int
    language: str
    text: str
    translator_id: int | None
    translator: str
    created_at: dt.datetime


class AttachmentOut(Out):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class MessageOut(Out):
    id: int
    number: int
    channel_id: int
    author_id: int | None
    text: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]
    read_by: list[int]
    language: str | None = None
    translations: list[TranslationOut] = []


class ChannelOut(Out):
    id: int
    track_id: int
    party_id: int
    messages: int
    unread: int


class ReceiptOut(Out):
    message_id: int
    user_id: int
    read_at: dt.datetime


class ScaleIn(In):
    low: Number = 0.0
    high: Number = 1.0


class PairIn(In):
    issue: Name
    option: Name


class InteractionIn(In):
    pairs: Annotated[list[PairIn], Field(min_length=1, max_length=100)]
    bonus: Number


class BonusIn(In):
    """``bonus`` added when the package picks one of the listed options on every issue named."""

    when: Annotated[
        dict[Name, Annotated[list[Name], Field(min_length=1, max_length=1000)]],
        Field(min_length=1, max_length=100),
    ]
    bonus: Number


class PreferencesIn(In):
    weights: Annotated[dict[Name, Number], Field(max_length=100)]
    ratings: Annotated[dict[Name, dict[Name, Number]], Field(max_length=100)]
    scale: ScaleIn = Field(default_factory=ScaleIn)
    reservation: Number = 0.0
    red_lines: Annotated[
        list[Annotated[list[PairIn], Field(min_length=1)]], Field(max_length=100)
    ] = []
    interactions: Annotated[list[InteractionIn], Field(max_length=100)] = []
    bonuses: Annotated[list[BonusIn], Field(max_length=MAX_BONUSES)] = []


class PreferencesOut(Out):
    track_id: int
    party_id: int
    version: int
    created_at: dt.datetime
    # model_validate(row) of a stored version reads its ``body``
    preferences: dict[str, Any] = Field(validation_alias=AliasChoices("preferences", "body"))


class NotificationOut(Out):
    track_id: int
    kind: str
    object_id: int
    created_at: dt.datetime


# --- single text and relayed offers -------------------------------------------------------

Options = Annotated[dict[Name, Name], Field(max_length=100)]


class TextIn(In):
    package: Options
    clauses: Annotated[
        dict[Name, Annotated[Str, Field(max_length=20_000)]], Field(max_length=100)
    ] = {}
    note: Annotated[Str, Field(max_length=5000)] = ""
    deadline: dt.datetime | None = None
    expected_number: Annotated[int, Field(ge=1, le=1_000_000)] | None = None


class AnswerIn(In):
    version: Annotated[int, Field(ge=1, le=1_000_000)]
    kind: AnswerKind
    reasons: Annotated[list[Annotated[Str, Field(max_length=5000)]], Field(max_length=50)] = []
    amendments: Options = {}


class OfferIn(In):
    options: Options = {}
    message: Annotated[Str, Field(max_length=20_000)] = ""


class ForwardIn(In):
    recipients: Annotated[list[RefId], Field(min_length=1, max_length=50)] | None = None
    options: Options | None = None
    message: Annotated[Str, Field(max_length=20_000)] | None = None


class DeclineIn(In):
    reason: Annotated[Str, Field(max_length=5000)] = ""


class ImproveIn(In):
    package: Options


# --- what a schema refuses, in the reader's language ----------------------------------------


def refusal(error: ErrorDetails) -> str:
    """What one of pydantic's errors means, in the reader's language (the pages show it next
    to the field; pydantic's own words are English).

    >>> from pydantic import ValidationError
    >>> try:
    ...     MessageIn(text="x" * 20_001)
    ... except ValidationError as exc:
    ...     refusal(exc.errors()[0])
    '20,001 characters; at most 20,000 are accepted'
    """
    kind, ctx = error["type"], error.get("ctx", {})
    given = error.get("input")
    text = isinstance(given, str)
    if kind in ("string_too_long", "too_long") and text:
        return _("%(length)s characters; at most %(limit)s are accepted") % {
            "length": format_decimal(len(given)),
            "limit": format_decimal(ctx.get("max_length", 0)),
        }
    if kind in ("string_too_short", "too_short") and text:
        if ctx.get("min_length") == 1:
            return _("this field is empty")
        return _("at least %(limit)s characters are needed") % {
            "limit": format_decimal(ctx.get("min_length", 0))
        }
    if kind == "too_long":
        return _("at most %(limit)s items") % {"limit": format_decimal(ctx.get("max_length", 0))}
    if kind == "too_short":
        return _("at least %(limit)s items") % {"limit": format_decimal(ctx.get("min_length", 0))}
    if kind == "missing":
        return _("this field is required")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("a whole number is expected")
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge" if kind == "greater_than_equal" else "le", 0)
        template = (
            _("at least %(limit)s") if kind == "greater_than_equal" else _("at most %(limit)s")
        )
        return template % {"limit": format_decimal(bound)}
    if kind.startswith("date_"):
        return _("a date is expected, as YYYY-MM-DD")
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == LANGUAGE_CODE_PATTERN:
        return _("%(given)r is not a language code such as en, uk, ru, tr or ar") % {"given": given}
    if kind == "string_pattern_mismatch":
        return _("this is not in the expected form")
    if kind in ("greater_than", "less_than"):
        bound = ctx.get("gt" if kind == "greater_than" else "lt", 0)
        template = _("more than %(limit)s") if kind == "greater_than" else _("less than %(limit)s")
        return template % {"limit": format_decimal(bound)}
    if kind in ("enum", "literal_error"):  # the API's own values, as the API spells them
        return _("one of %(values)s is expected") % {"values": ctx.get("expected", "")}
    return _SIMPLE[kind]() if kind in _SIMPLE else _value_error(kind, ctx)


def _value_error(kind: str, ctx: Mapping[str, Any]) -> str:
    if kind == "value_error" and str(ctx.get("error")) == NUL_REFUSAL:
        return _("text must not contain NUL characters")
    return _("this value is not accepted")


#: pydantic's error kinds that need no values, in the reader's language.
_SIMPLE: Mapping[str, Callable[[], str]] = {
    "extra_forbidden": lambda: _("this field is not part of the request"),
    "string_type": lambda: _("text is expected"),
    "list_type": lambda: _("a list is expected"),
    "dict_type": lambda: _("an object is expected"),
    "model_type": lambda: _("an object is expected"),
    "model_attributes_type": lambda: _("an object is expected"),
    "float_parsing": lambda: _("a number is expected"),
    "float_type": lambda: _("a number is expected"),
    "finite_number": lambda: _("a finite number is expected"),
    "bool_parsing": lambda: _("true or false is expected"),
    "bool_type": lambda: _("true or false is expected"),
    "json_invalid": lambda: _("the body is not valid JSON"),
    "json_type": lambda: _("the body is not valid JSON"),
    "datetime_parsing": lambda: _("a time is expected, as ISO 8601 with its offset"),
    "datetime_type": lambda: _("a time is expected, as ISO 8601 with its offset"),
    "timezone_aware": lambda: _("a time is expected, as ISO 8601 with its offset"),
}


def place(loc: Sequence[int | str], kind: str = "") -> str:
    """Where a refused value is, in plain words: the field of the body, a query parameter,
    a part of the address (the names are the API's; the words around them are translated).
    A body that is not JSON at all (pydantic's ``kind`` ``json_invalid``, located at the
    character where reading stopped) is the request body.

    >>> place(("body", "weights", "ports")), place(("query", "q")), place(("path", "track_id"))
    ('the field weights.ports', 'the query parameter q', 'track_id in the address')
    >>> place(("body",)), place(("body", 12), "json_invalid")
    ('the request body', 'the request body')
    """
    parts = [str(part) for part in (loc[:1] if kind == "json_invalid" else loc)]
    kind, name = (parts[0], ".".join(parts[1:])) if parts else ("body", "")
    if kind not in _PLACES:
        kind, name = "body", ".".join(parts)
    if not name:
        return _("the request body")
    return _PLACES[kind]() % {"name": name}


#: Where a request carries a value (pydantic's first location part), in words.
_PLACES: Mapping[str, Callable[[], str]] = {
    "body": lambda: _("the field %(name)s"),
    "query": lambda: _("the query parameter %(name)s"),
    "path": lambda: _("%(name)s in the address"),
    "header": lambda: _("the header %(name)s"),
    "cookie": lambda: _("the cookie %(name)s"),
}
