"""Every exception gobetween raises, in one tree.

Each error also subclasses the builtin it refines, so ``except ValueError`` keeps working for
callers who do not know gobetween, and each carries structured fields (where, what was expected)
so that the CLI, the service and the web pages can say exactly what is wrong without a traceback::

    GobetweenError
    ├── InputError (ValueError)               bad input, located: source + location + expected
    │   ├── InvalidModel                      a domain object that breaks its own rules
    │   │   ├── InvalidAgenda
    │   │   ├── InvalidPackage
    │   │   ├── InvalidPreferences
    │   │   └── InvalidScenario
    │   ├── FileFormatError                   a file that cannot be read as its format says
    │   │   └── UnsafeXML                     entity bombs, external entities, DTDs
    │   ├── DataImportError                   rows of a data file that cannot be imported
    │   └── ValidationFailed                  an API or form field that does not validate
    │       └── FieldsRefused                 several fields refused at once, each in ``problems``
    ├── AnalysisError
    │   ├── OutcomeSpaceTooLarge (ValueError) exact enumeration refused above its size limit
    │   └── FrontierTooLarge   the exact merge passed a bound (frontier points, candidates)
    ├── ProtocolError (ValueError)            an action the negotiation protocol does not allow now
    ├── AgreementError
    │   └── VerificationFailed                a bundle, signature or instrument does not verify
    ├── AuditChainBroken                      the audit hash chain breaks at a given sequence number
    ├── NotFound (LookupError)                no such object, or one the actor may not see
    ├── PermissionDenied (PermissionError)    the actor may see the object but not do this
    │   └── TwoFactorRequired                 the account must turn on a second factor first
    ├── Conflict                              the request clashes with the current state
    │   └── InvitationClosed                  an invitation used, declined, withdrawn, replaced
    │                                         or expired: what happened and whom to ask
    ├── AuthenticationFailed (PermissionError)
    │   └── SessionIdle                       a browser session unused for longer than allowed
    ├── RateLimited                           too many attempts; retry after some seconds
    ├── ServiceUnavailable                    a service gobetween needs (the virus scanner) is down
    └── ConfigurationError                    settings that cannot work (bad database URL, ...)

The service maps each class to one HTTP status in one table (``service/errors.py``) and a test
checks that every class here has a mapping.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = [
    "N_",
    "AgreementError",
    "AnalysisError",
    "AuditChainBroken",
    "AuthenticationFailed",
    "ConfigurationError",
    "Conflict",
    "Count",
    "DataImportError",
    "FieldsRefused",
    "FileFormatError",
    "GobetweenError",
    "InputError",
    "InvalidAgenda",
    "InvalidModel",
    "InvalidPackage",
    "InvalidPreferences",
    "InvalidScenario",
    "InvitationClosed",
    "Named",
    "NamedLanguage",
    "NotFound",
    "OutcomeSpaceTooLarge",
    "PermissionDenied",
    "Problems",
    "ProtocolError",
    "RateLimited",
    "Sentence",
    "ServiceUnavailable",
    "SessionIdle",
    "TwoFactorRequired",
    "UnsafeXML",
    "ValidationFailed",
    "VerificationFailed",
    "problems_of",
    "refusal_of",
]


#: Longest quoted value an error message repeats, and longest message, in characters.
MAX_QUOTED = 200
MAX_MESSAGE = 2000
_QUOTED = re.compile(f"'[^'\\n]{{{MAX_QUOTED + 1},}}'|\"[^\"\\n]{{{MAX_QUOTED + 1},}}\"")


def _shorten(match: re.Match[str]) -> str:
    text = match.group(0)
    return f"{text[:60]}…{text[-20:]} ({len(text) - 2:,} characters)"


def cap(message: str) -> str:
    """``message`` with every quoted value over :data:`MAX_QUOTED` characters shortened and
    the whole kept under :data:`MAX_MESSAGE`: an error never echoes a 15 MB attribute.

    >>> message = cap("name " + repr("x" * 1000) + " is too long")
    >>> len(message), message[-40:]
    (117, "xxxxxxxx' (1,000 characters) is too long")
    """
    if len(message) <= MAX_QUOTED:
        return message
    short = _QUOTED.sub(_shorten, message)
    if len(short) > MAX_MESSAGE:
        short = f"{short[: MAX_MESSAGE - 40]}… ({len(short):,} characters in all)"
    return short


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is written, without translating it.

    The pure core reads no catalogs (gettext's no-op marker): it raises with the English
    template marked ``N_`` and the values in ``params``; ``str(error)`` is the English sentence,
    and the service renders ``detail`` from the same template and values in the caller's
    language (:func:`gobetween.service.errors.describe`).

    >>> error = InvalidModel(N_("%(code)r is listed twice"), params={"code": "en"})
    >>> str(error), error.template, error.params
    ("'en' is listed twice", '%(code)r is listed twice', {'code': 'en'})
    """
    return message


@dataclass(frozen=True)
class Sentence:
    """A sentence for later translation: a template marked :func:`N_` and its values (which may
    be sentences too, or tuples of them, joined with "; ").

    >>> str(Sentence(N_("article %(article)s: %(problem)s"),
    ...              {"article": "art-1", "problem": Sentence(N_("the article is empty"))}))
    'article art-1: the article is empty'
    """

    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template % english(self.params) if self.params else self.template


class Named(str):
    """A key among a message's values that readers call by a name of their own language (an
    option, an issue): written as the key in English (``%r`` quotes it as before) and, where
    the service translates the message, as ``names[language]`` when there is one.

    >>> message = Sentence(N_("the article says option %(option)r"),
    ...                    {"option": Named("Odesa", {"uk": "Одеса"})})
    >>> str(message)
    "the article says option 'Odesa'"
    """

    __slots__ = ("names",)
    names: Mapping[str, str]

    def __new__(cls, key: str, names: Mapping[str, str] | None = None) -> Named:
        made = super().__new__(cls, key)
        made.names = dict(names or {})
        return made


class NamedLanguage(str):
    """A language code among a message's values: the code in English, the language's name in
    the reader's language where the service translates the message (``uk`` -> *Ukrainian*,
    *українська*)."""

    __slots__ = ()


class Count(int):
    """A count or size among a message's values: written with thousands separators, in English
    here and in the reader's notation where the service translates the message
    (:func:`gobetween.service.errors.translated`: ``100 000`` in Ukrainian).

    >>> str(Sentence(N_("more than %(n)s rows"), {"n": Count(100000)}))
    'more than 100,000 rows'
    """

    __slots__ = ()

    def __str__(self) -> str:
        return f"{int(self):,}"


def english(params: Mapping[str, object]) -> dict[str, object]:
    """``params`` with every :class:`Sentence` (or tuple of them) written out in English, and
    every moment or day (:class:`datetime.datetime`, :class:`datetime.date`) in ISO 8601; the
    service writes both in the reader's language (:func:`gobetween.service.errors.translated`).
    """
    return {
        key: "; ".join(map(str, value))
        if isinstance(value, tuple) and all(isinstance(v, Sentence) for v in value)
        else str(value)
        if isinstance(value, Sentence)
        else value.isoformat()
        if isinstance(value, dt.date)
        else value
        for key, value in params.items()
    }


class GobetweenError(Exception):
    """Root of every error gobetween raises on purpose (its message capped by :func:`cap`).

    ``message`` is the English sentence; with ``params`` it is a template (``%(name)s``) marked
    with :func:`N_`, filled with them, so it can be translated before it is filled (a value may
    be a :class:`Sentence`, translated in turn).
    """

    def __init__(self, message: str, *, params: Mapping[str, object] | None = None) -> None:
        self.template = message
        self.params = dict(params or {})
        message = cap(message % english(self.params) if self.params else message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(GobetweenError, ValueError):
    """Input that cannot be accepted, with where it is and what was expected.

    Parameters
    ----------
    message
        What is wrong, in words a user understands.
    source
        The file name, upload name or API field group the input came from.
    location
        Where in it: ``"line 12"``, ``"issues[2].options[0].name"``, ``"row 57"``.
    expected
        What would have been accepted.

    >>> str(InputError("weight is not a number", source="a.yaml", location="line 4",
    ...                expected="a number >= 0"))
    'a.yaml, line 4: weight is not a number (expected a number >= 0)'
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        location: str | None = None,
        expected: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, params=params)
        self.source = source
        self.location = location
        self.expected_template = expected
        self.expected = expected % english(self.params) if expected and self.params else expected

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.source, self.location) if part)
        text = f"{where}: {self.message}" if where else self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text

    def located(self, *, source: str | None = None, location: str | None = None) -> InputError:
        """Return the same error with a source and/or an outer location prefixed.

        Loaders use it to add the file name and the path in the document to an error that a
        domain constructor raised without knowing where its data came from.
        """
        joined: str | None
        if location and self.location:
            joined = f"{location}{'' if self.location.startswith('[') else '.'}{self.location}"
        else:
            joined = location or self.location
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        Exception.__init__(clone, self.message)
        clone.source = source or self.source
        clone.location = joined
        return clone


class InvalidModel(InputError):
    """A domain object whose fields break the model's rules."""


class InvalidAgenda(InvalidModel):
    """An agenda, issue or option that is malformed (duplicate names, empty issue, bad range)."""


class InvalidPackage(InvalidModel):
    """A package that does not fit its agenda (missing issue, unknown option)."""


class InvalidPreferences(InvalidModel):
    """Preferences that do not fit the agenda or the scale (weights, ratings, red lines)."""


class InvalidScenario(InvalidModel):
    """A scenario whose parts do not fit together (unknown party, profile for another domain)."""


class FileFormatError(InputError):
    """A file that cannot be read as the format it claims: empty, too large, not UTF-8, ..."""


class UnsafeXML(FileFormatError):
    """XML refused for safety: entity declarations, external entities or a DTD."""


class DataImportError(InputError):
    """Rows of a data file (voyages, corpora) that cannot be imported, with their row numbers."""


class ValidationFailed(InputError):
    """An API or form field that does not validate; ``location`` names the field."""


class FieldsRefused(ValidationFailed):
    """Several fields that do not validate, found together, so that a form names every one
    at once: ``problems`` lists each, and the error itself is the first (its message, location
    and expected value); ``str`` joins them all.

    >>> both = FieldsRefused([ValidationFailed("empty", location="name"),
    ...                       ValidationFailed("too long", location="note")])
    >>> str(both), both.location, len(problems_of(both))
    ('name: empty; note: too long', 'name', 2)
    """

    def __init__(self, problems: Sequence[InputError]) -> None:
        first = problems[0]
        super().__init__(
            first.template,
            source=first.source,
            location=first.location,
            expected=first.expected_template,
            params=first.params,
        )
        self.problems = tuple(p for found in problems for p in problems_of(found))

    def __str__(self) -> str:
        return "; ".join(InputError.__str__(p) for p in self.problems)


def problems_of(error: InputError) -> tuple[InputError, ...]:
    """Each problem ``error`` reports: those of a :class:`FieldsRefused`, else ``error``."""
    return error.problems if isinstance(error, FieldsRefused) else (error,)


def refusal_of(problems: Sequence[InputError]) -> InputError:
    """One error for ``problems`` (at least one): the problem itself when it is alone, else a
    :class:`FieldsRefused` listing them all."""
    return problems[0] if len(problems) == 1 else FieldsRefused(problems)


class Problems:
    """Checks that do not depend on each other, run one after another, their refusals kept
    so that all are reported together (:meth:`check`, then :meth:`done`).

    >>> found = Problems()
    >>> with found.check():
    ...     raise ValidationFailed("empty", location="name")
    >>> with found.check():
    ...     pass
    >>> try:
    ...     found.done()
    ... except InputError as exc:
    ...     print(exc)
    name: empty
    """

    def __init__(self) -> None:
        self.found: list[InputError] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        """Run the block; an :class:`InputError` it raises is kept for :meth:`done`."""
        try:
            yield
        except InputError as exc:
            self.found.extend(problems_of(exc))

    def done(self) -> None:
        """Raise what the checks found (:func:`refusal_of`), if anything."""
        if self.found:
            raise refusal_of(self.found)


class AnalysisError(GobetweenError):
    """The analysis cannot be carried out on this input."""


class OutcomeSpaceTooLarge(AnalysisError, ValueError):
    """Exact enumeration refused: the outcome space is larger than the stated limit."""

    def __init__(self, size: int, limit: int, reason: str | Sentence) -> None:
        super().__init__(
            N_(
                "exact enumeration needed (%(reason)s) but the outcome space has %(size)s "
                "packages, above the limit of %(limit)s"
            ),
            params={"reason": reason, "size": Count(size), "limit": Count(limit)},
        )
        self.size = size
        self.limit = limit
        self.reason = str(reason)


class FrontierTooLarge(AnalysisError):
    """The exact merge passed one of its bounds: ``what`` is ``"points"`` (frontier points kept
    after merging ``step`` of ``issues`` issues) or ``"candidates"`` (sums formed to merge issue
    ``step``); ``count`` is what it reached, ``limit`` the bound."""

    def __init__(self, what: str, count: int, limit: int, step: int, issues: int) -> None:
        if what == "points":
            message = N_(
                "the Pareto frontier grew to %(count)s points after merging %(step)s of "
                "%(issues)s issues, above the limit of %(limit)s points"
            )
        else:
            message = N_(
                "merging issue %(step)s of %(issues)s needs %(count)s candidate packages, "
                "above the limit of %(limit)s"
            )
        values = {"count": Count(count), "limit": Count(limit), "step": step, "issues": issues}
        super().__init__(message, params=values)
        self.what, self.count, self.limit, self.step, self.issues = what, count, limit, step, issues


class ProtocolError(GobetweenError, ValueError):
    """An action that the negotiation protocol does not allow in its current state."""


class AgreementError(GobetweenError):
    """An agreement cannot be built, signed or changed as asked."""


class VerificationFailed(AgreementError):
    """A bundle, signature or instrument that does not verify; ``problems`` lists each finding."""

    def __init__(
        self,
        message: str,
        problems: tuple[str, ...] = (),
        *,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, params=params)
        self.problems = problems


class AuditChainBroken(GobetweenError):
    """The audit hash chain does not verify; ``sequence`` is the first broken link, ``reason``
    why (a :class:`Sentence`, said in the reader's language; ``str`` is its English)."""

    def __init__(self, sequence: int, reason: str | Sentence) -> None:
        super().__init__(
            N_("audit chain broken at sequence %(sequence)s: %(reason)s"),
            params={"sequence": sequence, "reason": reason},
        )
        self.sequence = sequence
        self.reason = str(reason)


class NotFound(GobetweenError, LookupError):
    """No such object, or one the actor may not see: the two are told apart nowhere."""


class PermissionDenied(GobetweenError, PermissionError):
    """The actor may see the object but may not do this to it."""


class TwoFactorRequired(PermissionDenied):
    """The caller must log in with a second factor (the installation or one of their processes
    requires it) and has not set one up: only setting it up, the own sessions and logging out
    are open until then."""


class Conflict(GobetweenError):
    """The request clashes with the current state (duplicate name, stale version, ...);
    ``location`` names the field whose value clashes, when one does (a name taken), so that
    the API lists it in ``errors`` and a page shows the refusal next to that field.

    >>> Conflict("the name is taken", location="name").location
    'name'
    """

    def __init__(
        self,
        message: str,
        *,
        location: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, params=params)
        self.location = location


class InvitationClosed(Conflict):
    """An invitation that can no longer be answered (its link, or its id on the invitee's
    home page): ``state`` says why (``used``, ``declined``, ``withdrawn``, ``replaced`` or
    ``expired``); the message says what happened, when, and what to do next. Its problem's
    ``title`` names it, the same for each state; a link's state is also what
    ``/api/invitations/lookup`` answers.

    >>> InvitationClosed("this invitation expired", state="expired").state
    'expired'
    """

    def __init__(
        self, message: str, *, state: str, params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message, params=params)
        self.state = state


class AuthenticationFailed(GobetweenError, PermissionError):
    """Wrong credentials, an expired session or a revoked token."""


class SessionIdle(AuthenticationFailed):
    """A browser session that was not used for longer than the idle limit: it has ended."""


class ServiceUnavailable(GobetweenError):
    """A service gobetween relies on cannot answer now (the virus scanner is down or too
    slow): nothing was done; ``retry_after`` suggests when to try again, in seconds."""

    def __init__(self, message: str, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(GobetweenError):
    """Too many attempts; ``retry_after`` says how many seconds to wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConfigurationError(GobetweenError):
    """Settings that cannot work, such as a database URL of an unknown kind."""
