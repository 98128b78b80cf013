"""Agenda, issues and options: what is on the table.

An *agenda* is an ordered tuple of *issues*; each issue has discrete *options*. Integer and real
ranges are discretised with an explicit step and unit (:meth:`Issue.from_range`), so every issue
the analysis sees is discrete.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypedDict

from gobetween.errors import N_, Count, InputError, InvalidAgenda, Sentence
from gobetween.model.languages import called_in

if TYPE_CHECKING:
    from gobetween.model.package import Package

__all__ = [
    "IN_LANGUAGES",
    "LANGUAGE_CODE",
    "SETTLES_WORDS",
    "Agenda",
    "Issue",
    "IssueKind",
    "Option",
    "Settles",
    "check_wording",
    "in_languages",
]

#: How many options a discretised range may produce before it is refused as a mistake.
MAX_OPTIONS_PER_ISSUE = 100_000


class IssueKind(enum.StrEnum):
    """The kind of values an issue ranges over (before discretisation)."""

    DISCRETE = "discrete"
    INTEGER = "integer"
    REAL = "real"


class Settles(enum.StrEnum):
    """The lifecycle rule of the agreement an issue's article settles (:attr:`Issue.settles`):
    the agreement reads that rule from the option agreed on the issue
    (:mod:`gobetween.agreements.derive`), whatever the issue is called."""

    #: how long the agreement lasts, in days (options are whole numbers of days)
    TERM = "term"
    #: whether and how it is renewed (options name a rule: consent, automatic, no renewal)
    RENEWAL = "renewal"
    #: the notice a party gives to stop an automatic renewal, in days
    NOTICE = "notice"
    #: when it enters into force (an option with a date, or on signature)
    ENTRY_INTO_FORCE = "entry_into_force"
    #: the side instruments it is linked to (an option names one, or none)
    LINKED_INSTRUMENTS = "linked_instruments"


#: What each rule is, in plain words (the agenda editor's choices, the refusals' words): "In the
#: agreement, this issue sets: how long it lasts (days)".
SETTLES_WORDS: Mapping[Settles, str] = MappingProxyType(
    {
        Settles.TERM: N_("how long it lasts (days)"),
        Settles.RENEWAL: N_("whether and how it is renewed"),
        Settles.NOTICE: N_("the notice a party gives to stop a renewal (days)"),
        Settles.ENTRY_INTO_FORCE: N_("when it enters into force"),
        Settles.LINKED_INSTRUMENTS: N_("the other instruments it is linked to"),
    }
)

#: The rules whose options must be whole numbers of days.
_IN_DAYS = frozenset({Settles.TERM, Settles.NOTICE})
#: An option's name that is a whole number of days: "60", "60 days" (not "60.5", "1,000").
_WHOLE_DAYS = re.compile(r"^\s*\d{1,6}(?![\d.,])")


def _settles(value: object, issue: Issue) -> Settles | None:
    """``value`` as a :class:`Settles` (``None``: the issue settles no rule), checked against
    ``issue``'s options."""
    if value is None:
        return None
    rules = {rule.value: rule for rule in Settles}
    if not isinstance(value, str) or value not in rules:
        raise InvalidAgenda(
            N_("issue %(issue)r: %(settles)r is not a rule of the agreement"),
            location=f"issue {issue.name!r}, settles",
            expected=N_("one of %(choices)s"),
            params={
                "issue": issue.name,
                "settles": value,
                "choices": ", ".join(s.value for s in Settles),
            },
        )
    settles = rules[value]
    if settles in _IN_DAYS:
        for option in issue.options:
            whole = option.value is None or float(option.value).is_integer()
            if not (whole and _WHOLE_DAYS.match(option.name)):
                raise InvalidAgenda(
                    N_(
                        "issue %(issue)r sets, in the agreement, %(rule)s, but its option "
                        "%(option)r is not a whole number of days"
                    ),
                    location=f"issue {issue.name!r}, settles",
                    expected=N_("options that are whole numbers of days (60, 120, ...)"),
                    params={
                        "issue": issue.name,
                        "rule": Sentence(SETTLES_WORDS[settles]),
                        "option": option.name,
                    },
                )
    return settles


#: The refusal of an option's or an issue's empty name.
_EMPTY_NAME = {
    "option": N_("option name must be a non-empty string, got %(name)r"),
    "issue": N_("issue name must be a non-empty string, got %(name)r"),
}


def _check_name(name: object, what: str, location: str | None = None) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidAgenda(
            _EMPTY_NAME[what],
            location=location,
            expected=N_("a non-empty string"),
            params={"name": name},
        )
    return name


#: The refusal of an empty text and what was expected instead, by what the text is.
_EMPTY_TEXT = {
    "wording": (
        N_("the %(language)s wording is empty"),
        N_("the clause's text (leave the language out if there is none)"),
    ),
    "names": (
        N_("the %(language)s name is empty"),
        N_("the name in that language (leave the language out if there is none)"),
    ),
    "descriptions": (
        N_("the %(language)s description is empty"),
        N_("the description in that language (leave the language out if there is none)"),
    ),
    "units": (
        N_("the %(language)s unit is empty"),
        N_("the unit in that language (leave the language out if there is none)"),
    ),
}

#: A language code of the wording: BCP 47 style, ``en``, ``uk``, ``pt-BR``, ``zh-Hant``.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def check_wording(wording: object, location: str, field: str = "wording") -> Mapping[str, str]:
    """Validate clause wording ``{language code: text}`` and return a read-only copy.

    Keys are language codes (:data:`LANGUAGE_CODE`), values non-empty text; the copy keeps the
    keys sorted, so two wordings with the same entries compare and print alike. ``field`` names
    what is checked in the refusals' location (``wording``, or ``names`` for an issue's or an
    option's names in other languages).

    >>> dict(check_wording({"uk": "Порти: Одеса.", "en": "Ports: Odesa."}, "option 'Odesa'"))
    {'en': 'Ports: Odesa.', 'uk': 'Порти: Одеса.'}
    >>> check_wording({"English": "x"}, "option 'Odesa'")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gobetween.errors.InvalidAgenda: option 'Odesa', wording: 'English' is not a language code...
    """
    if not isinstance(wording, Mapping):
        raise InvalidAgenda(
            N_("the wording must map language codes to text, got %(wording)r"),
            location=location,
            expected=N_("a mapping such as {en: ..., uk: ...}"),
            params={"wording": wording},
        )
    result: dict[str, str] = {}
    for language in sorted(wording, key=str):
        text = wording[language]
        if not isinstance(language, str) or not LANGUAGE_CODE.match(language):
            raise InvalidAgenda(
                N_("%(language)r is not a language code"),
                location=f"{location}, {field}",
                expected=N_("a language code such as en, uk, ru, tr, ar"),
                params={"language": language},
            )
        if not isinstance(text, str) or not text.strip():
            raise InvalidAgenda(
                _EMPTY_TEXT[field][0],
                location=f"{location}, {field} {language}",
                expected=_EMPTY_TEXT[field][1],
                params={"language": language},
            )
        result[language] = text
    return MappingProxyType(result)


@dataclass(frozen=True, slots=True)
class Option:
    """One option of an issue.

    ``value`` is the number an option of a discretised integer or real range stands for, and
    ``None`` for a plain discrete option. ``wording`` is the clause the option puts into the
    negotiating text, per language code (``{"en": "...", "uk": "..."}``; empty when none was
    prepared): an article tied to the issue takes its wording from the chosen option. ``names``
    is what to call the option in other languages (``{"uk": "Одеса"}``): pages show it to a
    reader of that language; the name stays the option's key everywhere else (packages,
    preferences, the API).

    >>> Option("Odesa").name
    'Odesa'
    >>> Option("Odesa", wording={"en": "Ships leave from Odesa."}).clause("en")
    'Ships leave from Odesa.'
    >>> Option("Odesa").clause("en") is None
    True
    >>> Option("Odesa", names={"uk": "Одеса"}).called("uk"), Option("Odesa").called("uk")
    ('Одеса', 'Odesa')
    """

    name: str
    value: float | None = None
    label: str | None = None
    wording: Mapping[str, str] = field(default_factory=dict, hash=False)
    names: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        _check_name(self.name, "option")
        if self.value is not None and not math.isfinite(self.value):
            raise InvalidAgenda(
                N_("option %(option)r has a non-finite value %(value)r"),
                params={"option": self.name, "value": self.value},
            )
        where = f"option {self.name!r}"
        object.__setattr__(self, "wording", check_wording(self.wording, where))
        object.__setattr__(self, "names", check_wording(self.names, where, "names"))

    @property
    def title(self) -> str:
        """What to show people: the label if there is one, else the name."""
        return self.label or self.name

    def called(self, language: str) -> str:
        """What to show a reader of ``language``: the option's name in it, else :attr:`title`."""
        return called_in(language, self.title, self.names)

    @property
    def languages(self) -> tuple[str, ...]:
        """The language codes the option has wording in, sorted."""
        return tuple(self.wording)

    def clause(self, language: str) -> str | None:
        """The option's clause in ``language``, or ``None`` if it has none in that language."""
        return self.wording.get(language)


class InLanguages(TypedDict):
    """An issue's texts in other languages, by field (each maps a language code to its text):
    what every reader and writer of an issue (files, the stored form, the API) carries along,
    as keyword arguments of :class:`Issue`."""

    names: Mapping[str, str]
    descriptions: Mapping[str, str]
    units: Mapping[str, str]


#: The fields of :class:`InLanguages`.
IN_LANGUAGES: tuple[str, ...] = tuple(InLanguages.__annotations__)


def in_languages(source: Mapping[str, Any]) -> InLanguages:
    """The fields of :class:`InLanguages` from ``source`` (a file's, the stored form's or a
    body's mapping), each empty where absent.

    >>> in_languages({"name": "term", "units": {"uk": "днів"}})
    {'names': {}, 'descriptions': {}, 'units': {'uk': 'днів'}}
    """
    return InLanguages(
        names=source.get("names") or {},
        descriptions=source.get("descriptions") or {},
        units=source.get("units") or {},
    )


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue on the agenda with its discrete options.

    >>> term = Issue.from_range("term", 60, 180, 60, kind=IssueKind.INTEGER, unit="days")
    >>> [o.name for o in term.options]
    ['60', '120', '180']
    >>> term.index("120")
    1
    """

    name: str
    options: tuple[Option, ...]
    kind: IssueKind = IssueKind.DISCRETE
    unit: str | None = None
    description: str = ""
    #: What to call the issue in other languages (``{"uk": "порти"}``), as :attr:`Option.names`.
    names: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: The description in other languages (``{"uk": "Порти, з яких ..."}``).
    descriptions: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: The unit in other languages (``{"uk": "днів"}``), as :attr:`names`.
    units: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: The lifecycle rule of the agreement this issue's article settles, if any (the term, the
    #: renewal rule, ...): a string is read as its :class:`Settles` member.
    settles: Settles | None = None
    _positions: Mapping[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        _check_name(self.name, "issue")
        where = f"issue {self.name!r}"
        object.__setattr__(self, "names", check_wording(self.names, where, "names"))
        descriptions = check_wording(self.descriptions, where, "descriptions")
        object.__setattr__(self, "descriptions", descriptions)
        object.__setattr__(self, "units", check_wording(self.units, where, "units"))
        options = tuple(self.options)
        object.__setattr__(self, "options", options)
        if not options:
            raise InvalidAgenda(
                N_("issue %(issue)r has no options"),
                location=f"issue {self.name!r}",
                expected=N_("at least one option"),
                params={"issue": self.name},
            )
        positions: dict[str, int] = {}
        for i, option in enumerate(options):
            if not isinstance(option, Option):
                raise InvalidAgenda(
                    N_("issue %(name)r: option %(i)s is not an Option but %(option)r"),
                    location=f"options[{i}]",
                    params={"name": self.name, "i": i, "option": option},
                )
            if option.name in positions:
                raise InvalidAgenda(
                    N_("issue %(issue)r has two options named %(option)r"),
                    location=f"options[{i}]",
                    expected=N_("distinct option names within an issue"),
                    params={"issue": self.name, "option": option.name},
                )
            positions[option.name] = i
        object.__setattr__(self, "_positions", positions)
        object.__setattr__(self, "settles", _settles(self.settles, self))

    @classmethod
    def discrete(
        cls,
        name: str,
        options: Iterable[str],
        *,
        description: str = "",
        names: Mapping[str, str] | None = None,
        settles: Settles | None = None,
    ) -> Issue:
        """An issue with plain named options.

        >>> Issue.discrete("cargo", ["grain", "grain+fertiliser"]).size
        2
        """
        options_ = tuple(Option(o) for o in options)
        return cls(name, options_, description=description, names=names or {}, settles=settles)

    @classmethod
    def from_range(
        cls,
        name: str,
        low: float,
        high: float,
        step: float,
        *,
        kind: IssueKind = IssueKind.REAL,
        unit: str | None = None,
        description: str = "",
    ) -> Issue:
        """Discretise ``[low, high]`` with ``step``; ``high`` is included when it falls on the grid.

        Option names are the values written without a trailing ``.0`` (``"60"``, ``"2.5"``).
        """
        for label, number in (("low", low), ("high", high), ("step", step)):
            if not isinstance(number, int | float) or not math.isfinite(number):
                raise InvalidAgenda(
                    N_("issue %(name)r: %(label)s must be a finite number, got %(number)r"),
                    location=label,
                    expected=N_("a finite number"),
                    params={"name": name, "label": label, "number": number},
                )
        if step <= 0:
            raise InvalidAgenda(
                N_("issue %(issue)r: step must be positive, got %(step)r"),
                location="step",
                expected=N_("a number > 0"),
                params={"issue": name, "step": step},
            )
        if high < low:
            raise InvalidAgenda(
                N_("issue %(issue)r: high (%(high)s) is below low (%(low)s)"),
                location="high",
                expected=N_("a number >= %(low)s"),
                params={"issue": name, "high": high, "low": low},
            )
        if kind is IssueKind.INTEGER and not all(float(x).is_integer() for x in (low, high, step)):
            raise InvalidAgenda(
                N_("issue %(issue)r: an integer range needs integer low, high and step"),
                location="step",
                expected=N_("integers"),
                params={"issue": name},
            )
        count = math.floor((high - low) / step + 1e-9) + 1
        if count > MAX_OPTIONS_PER_ISSUE:
            raise InvalidAgenda(
                N_("issue %(issue)r: the range gives %(count)s options"),
                location="step",
                expected=N_("at most %(limit)s options per issue"),
                params={
                    "issue": name,
                    "count": Count(count),
                    "limit": Count(MAX_OPTIONS_PER_ISSUE),
                },
            )
        values = [round(low + i * step, 12) for i in range(count)]
        options = tuple(Option(_format_number(v), value=float(v)) for v in values)
        return cls(name, options, kind=kind, unit=unit, description=description)

    @property
    def size(self) -> int:
        """Number of options."""
        return len(self.options)

    def called(self, language: str) -> str:
        """What to show a reader of ``language``: the issue's name in it, else its name.

        >>> Issue.discrete("ports", ["Odesa"], names={"uk": "порти"}).called("uk")
        'порти'
        """
        return called_in(language, self.name, self.names)

    def described(self, language: str) -> str:
        """The issue's description for a reader of ``language``: in it where there is one, else
        :attr:`description` (maybe empty).

        >>> Issue.discrete("ports", ["Odesa"], description="Where from.").described("uk")
        'Where from.'
        """
        return self.descriptions.get(language) or self.description

    def languages_given(self) -> dict[str, dict[str, str]]:
        """The fields of :data:`IN_LANGUAGES` that hold something, as plain dicts (what a file
        or the stored form writes: nothing for an issue with no text in other languages).

        >>> Issue.discrete("ports", ["Odesa"], names={"uk": "порти"}).languages_given()
        {'names': {'uk': 'порти'}}
        """
        return {f: dict(getattr(self, f)) for f in IN_LANGUAGES if getattr(self, f)}

    def unit_in(self, language: str) -> str | None:
        """The issue's unit for a reader of ``language``: in it where there is one, else
        :attr:`unit` (maybe ``None``).

        >>> from dataclasses import replace
        >>> term = Issue.from_range("term", 60, 120, 60, unit="days")
        >>> replace(term, units={"uk": "днів"}).unit_in("uk"), term.unit_in("tr")
        ('днів', 'days')
        """
        return self.units.get(language) or self.unit

    @property
    def option_names(self) -> tuple[str, ...]:
        """The options' names in order."""
        return tuple(o.name for o in self.options)

    def index(self, option: str) -> int:
        """Position of the option called ``option``; :class:`InvalidAgenda` if there is none."""
        try:
            return self._positions[option]
        except KeyError:
            raise self.unknown_option(option, location=f"issue {self.name!r}") from None

    def unknown_option(
        self,
        option: object,
        error: type[InputError] = InvalidAgenda,
        location: str | None = None,
        template: str = N_("issue %(issue)r has no option %(option)r"),
    ) -> InputError:
        """The refusal of ``option``, which this issue lacks (as ``error``, at ``location``,
        worded by ``template``, marked :func:`N_`), listing the issue's options.

        >>> str(Issue.discrete("term", ["60"]).unknown_option("90", location="term"))
        "term: issue 'term' has no option '90' (expected one of '60')"
        """
        return error(
            template,
            location=location,
            expected=N_("one of %(choices)s"),
            params={
                "issue": self.name,
                "option": option,
                "choices": ", ".join(repr(n) for n in self.option_names),
            },
        )

    def has_option(self, option: str) -> bool:
        """Whether an option of that name exists."""
        return option in self._positions

    def default_clause(self, option: str, language: str | None = None) -> str:
        """The clause an option without prepared wording stands for: ``"<issue>: <option>."``,
        with the issue's, the option's and the unit's names in ``language`` where they have one
        (as written without a language).

        >>> from dataclasses import replace
        >>> term = Issue.from_range("term", 60, 120, 60, unit="days")
        >>> term.default_clause("120")
        'term: 120 days.'
        >>> replace(term, names={"uk": "строк"}, units={"uk": "днів"}).default_clause("120", "uk")
        'строк: 120 днів.'
        """
        chosen = self.options[self.index(option)]
        if language is None:
            name, title, unit = self.name, chosen.title, self.unit
        else:
            name, title = self.called(language), chosen.called(language)
            unit = self.unit_in(language)
        return f"{name}: {title}{f' {unit}' if unit else ''}."

    def clause_of(self, option: str, language: str) -> str:
        """The option's prepared wording in ``language``, else :meth:`default_clause` in it."""
        prepared = self.options[self.index(option)].clause(language)
        return prepared or self.default_clause(option, language)


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True, slots=True)
class Agenda:
    """The issues under negotiation, in order.

    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q", "r"])))
    >>> agenda.size
    6
    >>> agenda.package({"a": "y", "b": "p"}).choices
    (1, 0)
    """

    issues: tuple[Issue, ...]
    name: str = "agenda"
    _positions: Mapping[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        issues = tuple(self.issues)
        object.__setattr__(self, "issues", issues)
        if not issues:
            raise InvalidAgenda(N_("the agenda has no issues"), expected=N_("at least one issue"))
        positions: dict[str, int] = {}
        for i, issue in enumerate(issues):
            if not isinstance(issue, Issue):
                raise InvalidAgenda(f"issue {i} is not an Issue but {issue!r}", location=f"[{i}]")
            if issue.name in positions:
                raise InvalidAgenda(
                    N_("the agenda has two issues named %(issue)r"),
                    location=f"issues[{i}]",
                    expected=N_("distinct issue names"),
                    params={"issue": issue.name},
                )
            positions[issue.name] = i
        settled: dict[Settles, str] = {}
        for i, issue in enumerate(issues):
            if issue.settles is None:
                continue
            if issue.settles in settled:
                raise InvalidAgenda(
                    N_(
                        "issues %(first)r and %(second)r both set, in the agreement, %(rule)s: "
                        "only one issue may"
                    ),
                    location=f"issues[{i}]",
                    expected=N_("one issue per rule of the agreement"),
                    params={
                        "first": settled[issue.settles],
                        "second": issue.name,
                        "rule": Sentence(SETTLES_WORDS[issue.settles]),
                    },
                )
            settled[issue.settles] = issue.name
        object.__setattr__(self, "_positions", positions)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def size(self) -> int:
        """Number of packages (outcomes): the product of the issues' sizes, as an exact int."""
        return math.prod(issue.size for issue in self.issues)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of options per issue."""
        return tuple(issue.size for issue in self.issues)

    @property
    def issue_names(self) -> tuple[str, ...]:
        """The issues' names in order."""
        return tuple(issue.name for issue in self.issues)

    def index(self, issue: str) -> int:
        """Position of the issue called ``issue``; :class:`InvalidAgenda` if there is none."""
        try:
            return self._positions[issue]
        except KeyError:
            raise InvalidAgenda(
                N_("the agenda has no issue %(issue)r"),
                expected=N_("one of %(choices)s"),
                params={"issue": issue, "choices": ", ".join(repr(n) for n in self.issue_names)},
            ) from None

    def issue(self, name: str) -> Issue:
        """The issue called ``name``."""
        return self.issues[self.index(name)]

    def has_issue(self, name: str) -> bool:
        """Whether an issue of that name exists."""
        return name in self._positions

    def package(self, options: Mapping[str, str]) -> Package:
        """The package choosing ``options[issue]`` on every issue (validated)."""
        from gobetween.model.package import Package

        return Package.from_options(self, options)
