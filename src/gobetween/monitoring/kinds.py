"""Record kinds: what a joint record holds, declared once as data.

A :class:`RecordKind` declares its fields (names, the header names a file may use, type, unit,
validation), the fields that make an entry's natural key (so re-importing a file adds nothing),
which party an entry concerns, which fields are confidential to the mediators and that party,
what the public sees once publishing is approved, and its figures (each with the caveat that
says what its data can and cannot show). One registry (:data:`REGISTRY`) holds every kind; the
readers, the service, the pages and the docs take everything from the declaration, so a new
kind is a declaration and its tests (see :mod:`gobetween.monitoring.kinds_builtin`). Files of
entries are read against a kind by :mod:`gobetween.monitoring.entry_files`.

>>> kind = RecordKind("counts", "Counts", "count", fields=(
...     FieldSpec("ref", "Reference"), FieldSpec("n", "Number", FieldType.INTEGER, unit="people",
...     minimum=1)), key=("ref",))
>>> from gobetween.monitoring.entry_files import read_entries
>>> result = read_entries(kind, [["Reference", "Number"], ["A", "3"], ["B", "0"], ["A", "3"]])
>>> [e.values["n"] for e in result.entries], [str(p) for p in result.problems], result.duplicates
([3], ['row 3, Number: 0 is below 1 (expected a whole number >= 1 (people))'], 1)

Some checks need the agreement whose record it is: a field declared ``party`` names one of its
signatory parties, and a date declared ``happened`` lies from its entry into force up to today.
The service passes them in as :class:`~gobetween.monitoring.bounds.RecordBounds` (the core reads
no clock); without them (a file checked offline) those checks are not made.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from gobetween.errors import (
    N_,
    DataImportError,
    InputError,
    InvalidModel,
    Sentence,
    refusal_of,
)
from gobetween.monitoring.bounds import RecordBounds
from gobetween.monitoring.cells import (
    cell_text,
    is_blank,
    normalise_header,
    parse_date,
    parse_number,
)
from gobetween.monitoring.events import not_one_of
from gobetween.monitoring.figures import FigureTable

__all__ = [
    "REGISTRY",
    "Entry",
    "FieldSpec",
    "FieldType",
    "FigureSpec",
    "ImportWords",
    "RecordKind",
    "kind_named",
    "listed",
    "register",
]


class FieldType(enum.StrEnum):
    """How a field's cells are read and checked."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record kind: its name, label, type, unit and validation.

    ``aliases`` are further header names a file may use (compared loosely: case, spacing);
    ``confidential`` fields are seen only by the mediators and the party the entry concerns;
    ``public`` fields are what the public sees once publishing the kind is approved. A ``party``
    field names one of the agreement's signatory parties; a ``happened`` date is the day
    something happened under the agreement (both checked against
    :class:`~gobetween.monitoring.bounds.RecordBounds`).
    """

    name: str
    label: str
    type: FieldType = FieldType.TEXT
    unit: str = ""
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    aliases: tuple[str, ...] = ()
    confidential: bool = False
    public: bool = False
    help: str = ""
    party: bool = False
    happened: bool = False

    def __post_init__(self) -> None:
        if self.type is FieldType.CHOICE and not self.choices:
            raise InvalidModel(f"choice field {self.name!r} has no choices", location=self.name)
        if self.happened and self.type is not FieldType.DATE:
            raise InvalidModel(f"field {self.name!r} happened but is no date", location=self.name)
        if self.party and self.type is not FieldType.TEXT:
            raise InvalidModel(f"party field {self.name!r} is not text", location=self.name)

    @property
    def expected(self) -> str:
        """What a valid cell looks like, in words (English: :attr:`expected_sentence`)."""
        return str(self.expected_sentence)

    @property
    def expected_sentence(self) -> Sentence:
        """What a valid cell looks like, as a sentence the service says in the reader's language
        (a choice's values and the unit are the kind's declared words, translated too).

        >>> str(FieldSpec("n", "Number", FieldType.INTEGER, unit="people", minimum=0)
        ...     .expected_sentence)
        'a whole number >= 0 (people)'
        """
        if self.type is FieldType.CHOICE:
            return Sentence(N_("one of %(choices)s"), {"choices": listed(self.choices)})
        if self.type is FieldType.DATE:
            return Sentence(N_("a date like 2022-09-21 or 21-Sep-2022"))
        if self.type in (FieldType.INTEGER, FieldType.NUMBER):
            whole = self.type is FieldType.INTEGER
            if self.minimum is None:
                what = Sentence(N_("a whole number") if whole else N_("a number"))
            else:
                low = {"low": f"{self.minimum:g}"}
                what = Sentence(
                    N_("a whole number >= %(low)s") if whole else N_("a number >= %(low)s"), low
                )
        else:
            what = Sentence(N_("text"))
        if not self.unit:
            return what
        return Sentence(N_("%(what)s (%(unit)s)"), {"what": what, "unit": Sentence(self.unit)})

    def parse(self, cell: object, words: Mapping[str, str] | None = None) -> Any:
        """The cell's value (JSON-ready: dates as ISO text), ``None`` when empty and optional.
        ``words``: further ways to write a choice (normalised: the choice's word in an
        interface language -> the declared choice, :class:`ImportWords`).

        Raises
        ------
        DataImportError
            With what was expected, when the cell is empty but required or cannot be read.
        """
        if is_blank([cell]):
            if self.required:
                raise DataImportError(N_("empty"), expected=self.expected)
            return None
        if self.type is FieldType.TEXT:
            return cell_text(cell)
        if self.type is FieldType.CHOICE:
            text = cell_text(cell)
            for choice in self.choices:
                if normalise_header(choice) == normalise_header(text):
                    return choice
            if words and normalise_header(text) in words:
                return words[normalise_header(text)]
            raise _refused(N_("%(value)r is not a choice"), {"value": text}, self.expected)
        if self.type is FieldType.DATE:
            return parse_date(cell).isoformat()
        try:
            number = parse_number(cell)
        except DataImportError as error:
            raise _refused(error.template, error.params, self.expected) from None
        if self.minimum is not None and number < self.minimum:
            raise _refused(
                N_("%(value)s is below %(minimum)s"),
                {"value": f"{number:g}", "minimum": f"{self.minimum:g}"},
                self.expected,
            )
        if self.type is FieldType.INTEGER:
            if not number.is_integer():
                raise _refused(
                    N_("%(value)s is not whole"), {"value": f"{number:g}"}, self.expected
                )
            return int(number)
        return number


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a record kind: its natural key and its values by field name."""

    kind: str
    key: tuple[str, ...]
    values: Mapping[str, Any]

    @property
    def key_text(self) -> str:
        """The key as one string (stored and shown): the parts joined by ``/``."""
        return "/".join(self.key)


@dataclass(frozen=True, slots=True)
class FigureSpec:
    """A figure of a kind: its name, title, caveat and how it is computed from the entries."""

    name: str
    title: str
    caveat: str
    compute: Callable[[Sequence[Entry]], FigureTable]


@dataclass(frozen=True, slots=True, eq=False)  # one object per kind: compared by identity
class RecordKind:
    """A declared record kind (see the module docstring).

    ``noun`` names one entry in the interface ("exchange", "incident"); ``parties`` are the
    fields that name the parties an entry concerns (who, with the mediators, see its
    confidential fields); ``vocabulary`` holds the kind's own words for the pages (only a kind
    whose vocabulary has a ``plan`` or ``team`` makes the pages speak of departure plans or
    inspection teams). ``steps`` are the consensus-gated steps the kind knows, each a fixed key
    (what a gate decision stores, the same for every delegation whatever its language) and its
    English label (which the pages show in the reader's language); a decision may still name a
    step the kind does not know, by its own name. ``own_reader`` marks the one kind read by a
    reader of its own (voyages: :mod:`gobetween.formats.jcc`, which knows a voyage's
    continuation rows); every other kind is read by :func:`read_entries` from its declaration
    alone. A kind ``private_until_assessed`` (incidents) is seen by the party an entry accuses
    only once its ``assessment`` is given (the rules: :func:`gobetween.policy.entry_access`).
    """

    name: str
    label: str
    noun: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]
    parties: tuple[str, ...] = ()
    figures: tuple[FigureSpec, ...] = ()
    description: str = ""
    vocabulary: Mapping[str, str] = field(default_factory=dict)
    steps: Mapping[str, str] = field(default_factory=dict)
    own_reader: bool = False
    private_until_assessed: bool = False

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise InvalidModel(f"kind {self.name!r} repeats a field name", location="fields")
        for name in (*self.key, *self.parties):
            if name not in names:
                raise InvalidModel(
                    f"kind {self.name!r} names an unknown field {name!r}",
                    location="key",
                    expected="one of " + ", ".join(names),
                )
        object.__setattr__(self, "vocabulary", MappingProxyType(dict(self.vocabulary)))
        for key, label in self.steps.items():
            if not key.strip() or key != key.strip() or not label.strip():
                raise InvalidModel(
                    N_("kind %(kind)r has a step %(step)r without a key or a label"),
                    location="steps",
                    expected=N_("a key without spaces around it, and a label"),
                    params={"kind": self.name, "step": key},
                )
        object.__setattr__(self, "steps", MappingProxyType(dict(self.steps)))

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def entry(self, values: Mapping[str, object], bounds: RecordBounds | None = None) -> Entry:
        """An entry from values by field name (validated as an imported row would be, within
        ``bounds`` when given).

        Raises
        ------
        InvalidModel
            Naming the field that is missing, unknown or invalid (every field refused:
            :class:`~gobetween.errors.FieldsRefused` when there are several).
        """
        unknown = sorted(set(values) - {f.name for f in self.fields})
        if unknown:
            raise not_one_of(
                N_("%(kind)s: unknown fields %(fields)s"),
                (f.name for f in self.fields),
                unknown[0],
                kind=self.name,
                fields=unknown,
            )
        out, refused = self.parse(values, bounds)
        if refused:
            raise refusal_of([_refusal(spec, error) for spec, error in refused])
        return self.entry_of(out)

    def refusals(
        self, values: Mapping[str, object], names: Collection[str] | None = None
    ) -> list[InputError]:
        """Each field (of ``names``, default all) that ``values`` cannot fill, at the field's
        name, in words that do not repeat it (the place names the field: ``date: not a
        date``, never ``date: Date: not a date``).

        >>> from gobetween.monitoring.kinds_builtin import INCIDENTS
        >>> [str(p) for p in INCIDENTS.refusals({"date": "soon"}, ["date", "place"])][1]
        'place: empty (expected text)'
        """
        _out, refused = self.parse(values)
        return [_refusal(s, error) for s, error in refused if names is None or s.name in names]

    def parse(
        self,
        values: Mapping[str, object],
        bounds: RecordBounds | None = None,
        words: ImportWords | None = None,
    ) -> tuple[dict[str, Any], list[tuple[FieldSpec, DataImportError]]]:
        """Every field's value read from ``values`` (within ``bounds`` when given, a choice
        written in any of ``words``), and every field refused with its reason (all of them, not
        only the first: an import lists each problem of a row)."""
        out: dict[str, Any] = {}
        refused: list[tuple[FieldSpec, DataImportError]] = []
        for spec in self.fields:
            try:
                said = words.choices.get(spec.name) if words else None
                value = spec.parse(values.get(spec.name), said)
                out[spec.name] = value if bounds is None else bounds.value(spec, value)
            except DataImportError as error:
                refused.append((spec, error))
        return out, refused

    def entry_of(self, out: Mapping[str, Any]) -> Entry:
        """The entry of values already read by :meth:`parse`."""
        return Entry(self.name, tuple(str(out[k]) for k in self.key), MappingProxyType(dict(out)))

    def concerns(self, entry: Entry) -> frozenset[str]:
        """The parties this entry concerns (named in its ``parties`` fields)."""
        return frozenset(str(entry.values[p]) for p in self.parties if entry.values.get(p))

    def compute_figures(self, entries: Sequence[Entry]) -> dict[str, FigureTable]:
        """Every figure of the kind over ``entries``, each with its caveat."""
        out = {}
        for spec in self.figures:
            table = spec.compute(entries)
            out[spec.name] = FigureTable(spec.name, table.columns, table.rows, spec.caveat)
        return out


def _refusal(spec: FieldSpec, error: DataImportError) -> InputError:
    """A field that cannot be read, at its name (which says which field it is), what was
    expected kept as its template (said in the reader's language where it is marked)."""
    expected = error.expected_template if error.expected else None
    return InvalidModel(error.template, location=spec.name, expected=expected, params=error.params)


#: Every record kind, by name: the one place a kind is registered.
REGISTRY: dict[str, RecordKind] = {}


def listed(words: Sequence[str]) -> Sentence:
    """Declared words (a field's choices) as one sentence whose words are each translated,
    joined by commas (the words are the kind's own, marked in :mod:`gobetween.web.record_words`).

    >>> str(listed(("civilians", "remains")))
    'civilians, remains'
    """
    template = ", ".join(f"%(w{i})s" for i in range(len(words)))
    return Sentence(template, {f"w{i}": Sentence(w) for i, w in enumerate(words)})


def _literal(text: str) -> str:
    """``text`` as a template that fills to itself (``%`` doubled)."""
    return text.replace("%", "%%")


def _refused(template: str, params: Mapping[str, object], expected: str) -> DataImportError:
    """A cell's refusal: ``template`` (marked :func:`N_`) filled with ``params``, and what the
    field expects (its own words, kept as they are)."""
    return DataImportError(
        template, params=params, expected=_literal(expected) if params else expected
    )


def register(kind: RecordKind) -> RecordKind:
    """Add ``kind`` to :data:`REGISTRY` (a name is registered once)."""
    if kind.name in REGISTRY and REGISTRY[kind.name] is not kind:
        raise InvalidModel(f"a record kind {kind.name!r} is already registered")
    REGISTRY[kind.name] = kind
    return kind


def kind_named(name: str) -> RecordKind:
    """The registered kind called ``name``; :class:`InvalidModel` lists the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise not_one_of(N_("no record kind %(name)r"), REGISTRY, "kind", name=name) from None


@dataclass(frozen=True, slots=True)
class ImportWords:
    """Further words a file of one kind may be written in, each standing for one declared name
    (all normalised, :func:`~gobetween.monitoring.cells.normalise_header`): ``headers``, a
    column's header -> its field's name; ``choices``, by field name, a value -> the declared
    choice. The outer layer makes them from the translations of the kind's labels and choices
    (the headers its template writes: :func:`gobetween.formats.record_templates.import_words`);
    the core reads no catalog. A declared name or alias always means its own field.

    >>> kind = RecordKind("counts", "Counts", "count", fields=(FieldSpec("ref", "Reference"),),
    ...                   key=("ref",))
    >>> words = ImportWords(headers={"посилання": "ref"})
    >>> from gobetween.monitoring.entry_files import read_entries
    >>> [e.key for e in read_entries(kind, [["Посилання"], ["A"]], words=words).entries]
    [('A',)]
    """

    headers: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def as_date(value: object) -> dt.date:
    """An entry's ISO date value as a date."""
    return dt.date.fromisoformat(str(value))
