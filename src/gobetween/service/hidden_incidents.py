"""Free text that signatories read names no incident hidden from one of them.

An incident a party alleges is hidden from the accused party until the joint team assesses it,
and from any other party until publishing it is approved (:func:`gobetween.policy.entry_access`).
The record's free text is read more widely: an assessment's note for every signatory, a piece of
evidence's reference and note (:func:`gobetween.policy.assessment_notes`,
:func:`gobetween.policy.evidence_access`), an event's description or reason (every signatory
reads the record's events). A mediator explaining a level by "INC-1A2B3C4D" in the note for
every signatory told the accused party of the allegation. :func:`refuse_hidden_incidents` is the
one check every such write calls: a text is refused, at its field, when it names (case, spaces
and dashes aside: :func:`names_reference`) a reference of the record that the writer may read
and some signatory who reads that text may not. The refusal names the reference and the
signatories who may not read it yet, which the writer may read; it reaches no one else.

What the writer may not read itself is never looked for: a party naming the reference of an
incident hidden from it is answered exactly as for a reference that does not exist (the text is
free), so the answer tells it nothing. Who reads what is the policy's (:mod:`gobetween.policy`,
through :func:`gobetween.service.records.readable_rows` and ``access_to``); the writing service says
only, per text, which signatory views read it (``read_by``), by asking the policy too. The
mediators' internal note is read by no one who may not read an incident, so it stays free.

A reference is recognised however it is typed: case, width, separators, its tail alone, letters
of another script that look the same (a Cyrillic keyboard layout left on) and the digits of
another script. Not caught: an incident described in words without its reference ("the strike
on the Sudzha station on 3 September"), and the public's reading of notes once the provisions
are published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from babel.lists import format_list
from sqlalchemy import false, func, not_, select
from sqlalchemy.orm import Session

from gobetween.errors import N_, InputError, InvalidModel, refusal_of
from gobetween.i18n import _, current_locale
from gobetween.model import OrganisationKind
from gobetween.monitoring.kinds import Entry, FieldSpec, FieldType, RecordKind
from gobetween.policy import Actor, AgreementAct, AgreementView, EntryAccess, reads_field
from gobetween.service.agree import LoadedAgreement
from gobetween.service.names import called_by_name
from gobetween.service.records import (
    access_to,
    agreement_kinds,
    approved_publications,
    loaded_entry,
    readable_rows,
)
from gobetween.store import record_tables as r

__all__ = [
    "IN_THE_INTERNAL_NOTE",
    "OUT_OF_THIS_TEXT",
    "SharedText",
    "entry_texts",
    "event_texts",
    "names_reference",
    "refuse_hidden_incidents",
    "refuse_hidden_incidents_in_entries",
    "signatory_views",
]

#: The refusal of a text of an assessment, whose internal note the mediators alone read.
IN_THE_INTERNAL_NOTE = N_(
    "%(reference)s is not yet visible to %(readers)s; name it in the internal note, which "
    "only the mediators read, or wait until it is shared"
)
#: The refusal of a text with no internal twin (an event of the record).
OUT_OF_THIS_TEXT = N_(
    "%(reference)s is not yet visible to %(readers)s; leave it out of this text, which every "
    "signatory reads, or wait until it is shared"
)

#: What a person types between the parts of a reference: spaces (any), hyphens and dashes, the
#: minus sign, underscores, dots, colons, slashes, ``#``, soft hyphens and zero-width spaces.
_SEPARATOR = r"[\s\-\u2010-\u2015\u2212_.:/#\u00ad\u200b-\u200d\u2060]"
_ALNUM = re.compile(r"[^\W_]+")
#: The shortest tail (``1A2B3C4D`` of ``INC-1A2B3C4D``) that names its reference on its own.
_TAIL = 8
#: Letters of other scripts that look like those of a reference (``INC`` and the hex digits),
#: as they stand after case folding: what a writer types with a Cyrillic, Greek or Turkish
#: keyboard layout still on ("1А2В3С4D" with Cyrillic А, В and С); and the dot that folding
#: leaves on a Turkish capital İ.
_LOOK_ALIKES = str.maketrans(
    {
        "\u0430": "a",  # Cyrillic а (А)
        "\u0432": "b",  # Cyrillic в (В looks like B)
        "\u0441": "c",  # Cyrillic с (С)
        "\u0501": "d",  # Cyrillic ԁ
        "\u0435": "e",  # Cyrillic е (Е)
        "\u0456": "i",  # Ukrainian і (І)
        "\u03b1": "a",  # Greek α (Α)
        "\u03b2": "b",  # Greek β (Β)
        "\u03f2": "c",  # Greek lunate sigma ϲ (Ϲ)
        "\u03b5": "e",  # Greek ε (Ε)
        "\u03b9": "i",  # Greek ι (Ι)
        "\u03bd": "n",  # Greek ν (Ν)
        "\u0131": "i",  # Turkish dotless ı
        "\u0307": None,  # the combining dot of İ folded ("i̇")
    }
)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class SharedText:
    """One field of free text about to be written: where it is in the body, as the API names
    it (``note``, ``evidence.0.reference``, ``description``), what was typed, which signatory
    views read it (the policy's answer: ``read_by(view)``) and the refusal to give
    (:data:`IN_THE_INTERNAL_NOTE` or :data:`OUT_OF_THIS_TEXT`)."""

    location: str
    text: str
    read_by: Callable[[AgreementView], bool]
    refusal: str = OUT_OF_THIS_TEXT
    #: the reference of the entry the text belongs to (no secret from whoever reads its text)
    itself: str = ""
    #: what the text came in: the request's body, or a file imported ("": the refusal is at
    #: ``location`` alone, as a proposal's ``scope`` is)
    source: str = "body"
    #: the public reads it too (a note once the provisions are published, a proposal's summary
    #: once approved): then an incident not yet published is refused in it as well
    public_reads: bool = False


def _every_signatory(view: AgreementView) -> bool:
    return view.allows(AgreementAct.READ)


def event_texts(wire: Mapping[str, Any]) -> list[SharedText]:
    """The texts of a record event's wire form, each at its field as the event's checks name
    it (``description``, ``team[0].inspector``): every signatory reads the record's events
    (:func:`gobetween.service.implement.record_view`).

    >>> [t.location for t in event_texts({"type": "inspection", "reason": "INC-1",
    ...                                   "team": [{"delegation": "UN", "inspector": "A"}]})]
    ['type', 'reason', 'team[0].delegation', 'team[0].inspector']
    """
    texts: list[SharedText] = []
    for key, value in wire.items():
        if isinstance(value, str):
            texts.append(SharedText(str(key), value, _every_signatory))
        for i, member in enumerate(value if isinstance(value, list) else ()):
            for name, text in member.items() if isinstance(member, Mapping) else ():
                if isinstance(text, str):
                    texts.append(SharedText(f"{key}[{i}].{name}", text, _every_signatory))
    return texts


def entry_texts(
    kind: RecordKind,
    entries: Sequence[Entry],
    published: Mapping[str, Any],
    *,
    in_file: bool = True,
) -> list[SharedText]:
    """The text fields of record entries about to be written (a file of ``kind`` imported),
    each at ``kind[key].field`` of the file and read by the signatories whom the policy lets
    read that field of that entry as it will stand (:func:`gobetween.policy.entry_access` through
    :func:`gobetween.service.records.access_to`; ``published``: the publications approved);
    with ``in_file=False``, one entry of a request's body, each text at ``field`` of the body.

    >>> from gobetween.monitoring.kinds_builtin import EXCHANGES
    >>> entry = Entry("exchanges", ("EX-1",), {"exchange": "EX-1", "place": "Chernihiv"})
    >>> [t.location for t in entry_texts(EXCHANGES, [entry], {})][:2]
    ['exchanges[EX-1].exchange', 'exchanges[EX-1].place']
    """
    texts: list[SharedText] = []
    for entry in entries:
        for spec in kind.fields:
            value = entry.values.get(spec.name)
            if spec.type is not FieldType.TEXT or spec.party or not isinstance(value, str):
                continue

            def read_by(view: AgreementView, entry: Entry = entry, spec: FieldSpec = spec) -> bool:
                return reads_field(access_to(view, kind, entry, published), spec)

            location = f"{kind.name}[{entry.key_text}].{spec.name}" if in_file else spec.name
            source = "file" if in_file else "body"
            texts.append(SharedText(location, value, read_by, itself=entry.key_text, source=source))
    return texts


def refuse_hidden_incidents_in_entries(
    session: Session,
    actor: Actor,
    loaded: LoadedAgreement,
    kind: RecordKind,
    entries: Sequence[Entry],
) -> None:
    """Refuse a file of record entries whose text names an incident hidden from a signatory
    who would read that text (:func:`entry_texts`): the whole file, nothing written, the
    entry and its field named."""
    texts = entry_texts(kind, entries, approved_publications(session, loaded.row.id))
    refuse_hidden_incidents(session, actor, loaded, texts)


def _folded(text: str) -> str:
    """``text`` with case, width, look-alike letters and the digits of other scripts
    (Arabic-Indic ``١``, ...) set aside."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_LOOK_ALIKES)
    return _DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), folded)


def _spelled(chars: str) -> str:
    """A pattern of ``chars`` (letters and digits) with what people type between them."""
    return f"{_SEPARATOR}{{0,3}}".join(re.escape(c) for c in chars)


def _spellings(reference: str) -> re.Pattern[str] | None:
    """How a text may name ``reference``: its letters and digits in order, case and width
    aside, with separators between any of them, not inside a longer word; and, for a prefix and
    a long tail (``INC`` and ``1A2B3C4D``), the tail alone."""
    runs = _ALNUM.findall(_folded(reference))
    if not runs:
        return None
    forms = [_spelled("".join(runs))]
    tail = "".join(runs[1:])
    if runs[0].isalpha() and len(tail) >= _TAIL:
        forms.append(_spelled(tail))
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(forms)})(?![^\W_])")


def names_reference(text: str, reference: str) -> bool:
    """Whether ``text`` names ``reference`` as a person would type it.

    >>> ref = "INC-1A2B3C4D"
    >>> [names_reference(t, ref) for t in ("held: INC-1A2B3C4D.", "inc 1a2b3c4d", "INC1A2B3C4D",
    ...  "INC–1A2B 3C4D", "incident 1a2b3c4d", "ＩＮＣ-１Ａ２Ｂ３Ｃ４Ｄ", "ІNС-1А2В3С4D",
    ...  "İNC-1A2B3C4D", "INC-١A٢B٣C٤D")]
    [True, True, True, True, True, True, True, True, True]
    >>> [names_reference(t, ref) for t in ("INC-1A2B3C4DE", "XINC1A2B3C4D", "INC-1A2B3C4", "")]
    [False, False, False, False]
    """
    pattern = _spellings(reference)
    return bool(pattern and pattern.search(_folded(text)))


def signatory_views(loaded: LoadedAgreement) -> tuple[AgreementView, ...]:
    """The agreement as each signing organisation reads it, one view each, in their order."""
    return tuple(
        AgreementView(loaded.row.id, {name: OrganisationKind(kind)})
        for name, (_id, kind) in loaded.row.signatories.items()
    )


def _hidden(
    session: Session, loaded: LoadedAgreement, readers: Sequence[AgreementView]
) -> dict[str, list[AgreementView]]:
    """Each reference of an entry of the record that the writer (``loaded.view``) may read and
    some of ``readers`` may not, with those readers. Only such rows are loaded (the policy's
    rules as SQL, :func:`gobetween.service.records.readable_rows`); each is decided again by the
    policy itself (``access_to``), as :func:`gobetween.service.records.entries_view` does."""
    agreement_id, writer = loaded.row.id, loaded.view
    published = approved_publications(session, agreement_id)
    hidden: dict[str, list[AgreementView]] = {}
    for kind in agreement_kinds(loaded):
        if kind.own_reader:  # voyages: every signatory reads every cargo row
            continue
        for reader in readers:
            if not reader.acts_for and not kind.private_until_assessed:
                continue  # the public: only incidents are looked for, not every entry
            rows = session.execute(
                select(r.EntryRow)
                .where(
                    r.EntryRow.agreement_id == agreement_id,
                    r.EntryRow.kind == kind.name,
                    readable_rows(writer, kind, published),
                    not_(func.coalesce(readable_rows(reader, kind, published), false())),
                )
                .order_by(r.EntryRow.id)
            ).scalars()
            for row in rows:
                entry = loaded_entry(kind, row)
                if access_to(writer, kind, entry, published) is EntryAccess.NONE:
                    continue
                if access_to(reader, kind, entry, published) is not EntryAccess.NONE:
                    continue
                for reference in dict.fromkeys((row.key, entry.key[0])):  # as cited
                    hidden.setdefault(reference, []).append(reader)
    return hidden


def refuse_hidden_incidents(
    session: Session, actor: Actor, loaded: LoadedAgreement, texts: Sequence[SharedText]
) -> None:
    """Refuse, each at its field, the ``texts`` that name an entry of the record (an incident)
    which the writer may read and some signatory who reads that text may not; the refusal says
    which reference, and who may not read it yet (in the reader's language). Nothing is
    refused for what the writer may not read itself."""
    written = [t for t in texts if t.text.strip()]
    if not written:
        return
    readers = list(signatory_views(loaded))
    if any(t.public_reads for t in written):
        readers.append(AgreementView(loaded.row.id, {}))  # the public: no organisation
    hidden = _hidden(session, loaded, readers)
    if not hidden:
        return
    refused: list[tuple[SharedText, str, list[AgreementView]]] = []
    for shared in written:
        for reference, blind_views in hidden.items():
            if reference == shared.itself or not names_reference(shared.text, reference):
                continue
            blind = [v for v in blind_views if shared.public_reads or v.acts_for]
            blind = [v for v in blind if not v.acts_for or shared.read_by(v)]
            if blind:
                refused.append((shared, reference, blind))
                break  # one refusal a field
    if not refused:
        return
    called = called_by_name(session, actor, loaded.track.process_id)

    def said(view: AgreementView) -> list[str]:
        if not view.acts_for:
            return [_("the public")]
        return [called.get(name, name) for name in view.acts_for]

    problems: list[InputError] = [
        InvalidModel(
            shared.refusal,
            source=shared.source or None,
            location=shared.location,
            params={
                "reference": reference,
                "readers": format_list(
                    [name for view in blind for name in said(view)], locale=current_locale()
                ),
            },
        )
        for shared, reference, blind in refused
    ]
    raise refusal_of(problems)
