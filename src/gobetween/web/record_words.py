"""The words of the record kinds and figures, marked for translation.

The pure core declares them in English and cannot import :mod:`gobetween.i18n`; this table is
where the outer layer translates them. A test checks that every word the declarations hold is
here (``tests/web/test_records_pages.py``).

>>> translate("Incidents"), translate("an organisation's own name")
('Incidents', "an organisation's own name")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gobetween.i18n import LazyString, _, _l
from gobetween.monitoring.kinds import REGISTRY
from gobetween.monitoring.provisions import LEVEL_WORDS
from gobetween.web import words
from gobetween.web.agreement_charts import share_chart

__all__ = [
    "WORDS",
    "barometer_chart",
    "known_steps",
    "level_name",
    "record_kind_choices",
    "scope_name",
    "translate",
]

_MARKED: tuple[LazyString, ...] = (
    _l("Voyages"),
    _l(
        "Outbound voyages and their cargo rows, as the JCC published them (CSV or the HDX"
        " workbook)."
    ),
    _l("#"),
    _l("Vessel name"),
    _l("IMO"),
    _l("Departure port"),
    _l("Country"),
    _l("Commodity"),
    _l("Metric tons"),
    _l("Departure date"),
    _l("Inspection cleared"),
    _l("Exchanges"),
    _l(
        "Returns of prisoners and civilians: one row per exchange, category and "
        "direction, verified by an observer organisation."
    ),
    _l("Exchange"),
    _l("Date"),
    _l("Place"),
    _l("Released by"),
    _l("Returned to"),
    _l("Category"),
    _l("Number"),
    _l("Verified by"),
    _l("Names list"),
    _l("Exchanges and people returned"),
    _l(
        "Counts the people the observer verified at each exchange; people released "
        "outside an exchange, or not verified, are not in the record."
    ),
    _l("People returned by month, category and direction"),
    _l(
        "By the month of the exchange; a category's figure is what the exchange's "
        "protocol listed, not an independent count."
    ),
    _l("Incidents"),
    _l(
        "Alleged breaches (e.g. strikes on energy facilities under a moratorium): "
        "reported by a party to the mediators, assessed by the joint team."
    ),
    _l("Incident"),
    _l("Facility"),
    _l("Alleged by"),
    _l("Party accused"),
    _l("Description"),
    _l("Assessment"),
    _l("Decided summary"),
    _l("Incidents by month and assessment"),
    _l(
        "Counts allegations made to the mediators, by the month of the incident; an "
        "incident no party reported is not in the record, and 'not verified' does not "
        "mean it did not happen."
    ),
    _l(
        "Outbound voyages and cargo as the JCC's files list them; tonnage as declared at "
        "departure. Inbound voyages, and ships that waited but never sailed, are not in "
        "the files."
    ),
    _l(
        "Counts outbound departures and outbound inspections only: the files carry no "
        "inbound inspections, so a day's count is not the inspection teams' whole "
        "workload."
    ),
    _l(
        "Ships that departed and were not yet inspected outbound at Istanbul; ships "
        "waiting for their inbound inspection are not in the files."
    ),
    _l(
        "Days from departure to the outbound inspection at Istanbul, by departure month; "
        "rows not yet inspected are left out until they are."
    ),
    _l(
        "Shares of declared tonnage by the files' own classification of the destination "
        "(first port of discharge, not final consumer)."
    ),
    _l(
        "The voyage files count outbound inspections only (one per departed ship); "
        "inbound inspections are not in them, so a day counted as missed may have met the"
        " obligation."
    ),
    _l(
        "The voyage files list departures under the initiative; a ship that departed and "
        "was never registered is not in them."
    ),
    # the kinds' consensus-gated steps (their labels; the keys stay as they are)
    _l("registration"),
    _l("departure plan"),
    # figure columns (underscores read as spaces), units and closed vocabularies
    _l("month"),
    _l("returned to"),
    _l("category"),
    _l("people"),
    _l("figure"),
    _l("value"),
    _l("exchanges"),
    _l("prisoners of war"),
    _l("civilians"),
    _l("remains"),
    _l("pending"),
    _l("verified"),
    _l("not verified"),
    _l("disputed"),
    _l(
        "Each provision counts once, whatever its weight: a central article and a minor "
        "one count alike. The levels are the joint team's assessments (Peace Accords "
        "Matrix scale); a provision never assessed counts as not initiated."
    ),
)
#: English (as declared) -> the marked, lazily translated text.
WORDS: dict[str, LazyString] = {word.message: word for word in _MARKED}


#: Declared words that begin a figure's row label before a name of the data (the exchanges
#: summary's "returned to Ukraine", see monitoring.kinds_builtin): the words are translated,
#: the name is kept.
ROW_PREFIXES = ("returned to",)


def translate(text: str) -> str:
    """``text`` in the reader's language when it is a declared word (a figure's column name
    reads its underscores as spaces), or a declared word followed by a name (a row label such
    as "returned to Ukraine"), else as it is.

    >>> translate("returned_to"), translate("Kursk region"), translate("returned to Ukraine")
    ('returned to', 'Kursk region', 'returned to Ukraine')
    """
    word = WORDS.get(text) or WORDS.get(text.replace("_", " "))
    if word is not None:
        return str(word)
    for prefix in ROW_PREFIXES:
        if text.startswith(prefix + " ") and prefix in WORDS:
            return f"{WORDS[prefix]} {text[len(prefix) + 1 :]}"
    return text


def known_steps(kinds: Iterable[str]) -> dict[str, str]:
    """The consensus-gated steps the record kinds named ``kinds`` know: each step's fixed key
    (what a decision stores) and its label in the reader's language, in declaration order.

    >>> known_steps(["exchanges", "voyages"])
    {'departure plan': 'departure plan', 'registration': 'registration'}
    """
    out: dict[str, str] = {}
    for name in kinds:
        kind = REGISTRY.get(name)
        steps = kind.steps if kind is not None else {}
        for key, label in steps.items():
            out.setdefault(key, translate(label))
    return out


def step_key(typed: str, steps: Mapping[str, str]) -> str:
    """The step a decision names: a known step's key when ``typed`` is its key or its label in
    the reader's language (compared loosely: case and spaces), else ``typed`` as it is (a step
    the kinds do not know, by its own name).

    >>> step_key(" Departure  Plan ", {"departure plan": "план відправлення"})
    'departure plan'
    >>> step_key("план відправлення", {"departure plan": "план відправлення"})
    'departure plan'
    >>> step_key("crew change", {"departure plan": "план відправлення"})
    'crew change'
    """
    loose = " ".join(typed.split()).casefold()
    for key, label in steps.items():
        if loose in (key.casefold(), " ".join(label.split()).casefold()):
            return key
    return typed


def level_name(level: str) -> str:
    """A Peace Accords Matrix level in the reader's language.

    >>> level_name("not_initiated")
    'not initiated'
    """
    known = {str(key): words for key, words in LEVEL_WORDS.items()}
    return _(known[level]) if level in known else level


def scope_name(scope: str) -> str:
    """What a publishing decision covers, in words: a record kind by its label, an event type
    by its word, in the reader's language.

    >>> scope_name("incident:INC-1A2B3C4D"), scope_name("figures:exchanges")
    ('incident INC-1A2B3C4D', 'the Exchanges figures and public fields')
    >>> scope_name("events:arrival")
    "the record's arrival events (their public fields)"
    """
    what, _sep, name = scope.partition(":")
    if what == "provisions":
        return _("the provisions' levels")
    if what == "figures":
        kind = REGISTRY.get(name)
        shown = translate(kind.label) if kind is not None else name
        return _("the %(kind)s figures and public fields") % {"kind": shown}
    if what == "events":
        return _("the record's %(type)s events (their public fields)") % {"type": words.label(name)}
    return _("incident %(ref)s") % {"ref": name}


def barometer_chart(dash: dict[str, Any]) -> str:
    """The provisions' levels over time (stacked shares) from
    :func:`gobetween.service.record_dashboard.dashboard`, or empty when not readable."""
    provisions = dash.get("provisions")
    if not provisions:
        return ""
    table = provisions["barometer"]
    rows = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
    levels = ("not_initiated", "minimal", "intermediate", "complete")
    return share_chart(
        _("Provisions at each level of implementation"),
        [r["date"][:7] for r in rows],
        [(level_name(key), [r[key] for r in rows]) for key in levels],
    )


def record_kind_choices() -> list[tuple[str, str, str]]:
    """(name, label, description) of every record kind, for the new agreement's form."""
    return [(k.name, translate(k.label), translate(k.description)) for k in REGISTRY.values()]
