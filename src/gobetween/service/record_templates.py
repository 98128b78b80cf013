"""The template of a record kind's file, in the reader's language (``GET
/api/record/kinds/{kind}/template.csv`` and ``.xlsx``, linked from each kind's import form).

The columns are the kind's declaration (:mod:`gobetween.monitoring.kinds_builtin`): every
field, its label in the reader's language as the header (which the importer reads back:
:func:`gobetween.formats.record_templates.import_words`), and in the XLSX template's second
sheet whether it is required, what it takes and who sees it. Voyages keep the JCC's published
layout, whose headers are English in every language (the JCC's own files are, and the reader
merges them with these). A template is a few hundred bytes, made on each request from the
declaration alone: no agreement, no database.
"""

from __future__ import annotations

from gobetween.errors import N_, Sentence
from gobetween.formats.jcc import CSV_COLUMNS, REQUIRED_FIELDS
from gobetween.formats.record_templates import TemplateColumn, template_csv, template_xlsx
from gobetween.i18n import _
from gobetween.monitoring.kinds import FieldSpec, RecordKind, kind_named
from gobetween.service.errors import translated

__all__ = ["FORMATS", "kind_template"]

#: The template formats, by suffix: their media types.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: The declared fields' notes, marked for translation (the declarations are English data).
_HELP = {
    "the exchange's reference, e.g. EX-2022-09-21": N_(
        "the exchange's reference, e.g. EX-2022-09-21"
    ),
    "the reference of the list of names (mediators and that party only)": N_(
        "the reference of the list of names (mediators and that party only)"
    ),
    "a reference, e.g. INC-2025-04-03-1": N_("a reference, e.g. INC-2025-04-03-1"),
}


def _note(spec: FieldSpec) -> str:
    notes = [_(_HELP.get(spec.help, spec.help))] if spec.help else []
    if spec.party:
        notes.append(_("one of the agreement's signatory parties, as the agreement names them"))
    if spec.happened:
        notes.append(_("a day from the agreement's entry into force up to today"))
    if spec.confidential and not spec.help:
        notes.append(_("seen only by the mediators and the party the entry concerns"))
    return "; ".join(notes)


def _columns(kind: RecordKind) -> list[TemplateColumn]:
    if kind.own_reader:  # voyages: the JCC's layout, its English headers
        expected = {f.name: f.expected_sentence for f in kind.fields}
        expected["status"] = Sentence(N_("'Outbound' or 'Outbound +'"))
        return [
            TemplateColumn(
                header,
                name in REQUIRED_FIELDS,
                translated(expected[name]) if name in expected else "",
            )
            for name, header in CSV_COLUMNS
        ]
    return [
        TemplateColumn(_(f.label), f.required, translated(f.expected_sentence), _note(f))
        for f in kind.fields
    ]


def kind_template(kind_name: str, suffix: str) -> tuple[bytes, str]:
    """The template of kind ``kind_name`` as ``suffix`` (``csv`` or ``xlsx``), in the current
    language, and its file name.

    Raises
    ------
    InvalidModel
        No such kind (naming the known ones).
    """
    kind = kind_named(kind_name)
    columns = _columns(kind)
    name = f"{kind.name}-template.{suffix}"
    if suffix == "csv":
        return template_csv(columns), name
    header = (_("Column"), _("Required"), _("What to write"), _("Note"))
    data = template_xlsx(
        _(kind.label), columns, _("How to fill in"), header, (_("required"), _("optional"))
    )
    return data, name
