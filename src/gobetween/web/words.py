"""Words for the values pages show from closed vocabularies (roles, seats, statuses, kinds).

Stored values stay English identifiers (``party_member``, ``awaiting_answers``); pages show them
through the ``label`` template filter, which gives the translated word, or the value with its
underscores as spaces when the vocabulary has no entry for it (a value added later still reads).

>>> from gobetween.i18n import use_locale
>>> with use_locale("tr"):
...     label("mediator"), label("some_new_state")
('arabulucu', 'some new state')
"""

from __future__ import annotations

import functools

from babel import Locale

from gobetween.i18n import LazyString, current_locale
from gobetween.i18n import lazy_gettext as _l
from gobetween.monitoring.events import EVENT_WORDS

__all__ = [
    "FIGURES",
    "LABELS",
    "commodity",
    "country",
    "figure_name",
    "income_group",
    "label",
    "quoted",
]

#: value -> its word on the pages (roles, seats, organisation kinds, statuses, answers).
LABELS: dict[str, LazyString] = {
    "party": _l("party"),
    "mediator": _l("mediator"),
    "observer": _l("observer"),
    "admin": _l("admin"),
    "party_member": _l("party member"),
    "translator": _l("translator"),
    "drafting": _l("drafting"),
    "awaiting_answers": _l("awaiting answers"),
    "ready_for_agreement": _l("ready for agreement"),
    "closed": _l("closed"),
    "open": _l("open"),
    "pending": _l("pending"),
    "forwarded": _l("forwarded"),
    "declined": _l("declined"),
    "accept": _l("accept"),
    "reject": _l("reject"),
    "amend": _l("amend"),
    # agreements: statuses, the record's events and their fields, renewal rules
    "draft": _l("draft"),
    "published": _l("published"),  # a text draft's status (and "discarded")
    "discarded": _l("discarded"),
    "in_force": _l("in force"),
    "suspended": _l("suspended"),
    "expired": _l("expired"),
    "withdrawn": _l("withdrawn"),
    "signed": _l("signed"),
    "approved": _l("approved"),  # a consensus gate's status (and "pending")
    "blocked": _l("blocked"),
    # the joint record's events (their types as the record names them, their fields and closed
    # values) in its events table
    **{kind: _l(word) for kind, word in EVENT_WORDS.items()},
    "item": _l("item"),
    "step": _l("step"),
    "delegation": _l("delegation"),
    "verdict": _l("verdict"),
    "registered_by": _l("registered by"),
    "reported_by": _l("reported by"),
    "description": _l("description"),
    "port": _l("port"),
    "team": _l("team"),
    "result": _l("result"),
    "location": _l("location"),
    "responder": _l("responder"),
    "action": _l("action"),
    "closes": _l("closes the incident"),
    "approve": _l("approve"),
    "block": _l("block"),
    "passed": _l("passed"),
    "failed": _l("failed"),
    "not_completed": _l("not completed"),
    "entered_into_force": _l("entered into force"),
    "resumed": _l("resumed"),
    "notice_given": _l("notice of non-renewal given"),
    "renewal_consented": _l("consent to renewal given"),
    "renewed": _l("renewed"),
    "automatic_unless_notice": _l("automatic unless a party gives notice"),
    "by_consent": _l("by consent of every signatory"),
    "none": _l("none"),
    "basis": _l("basis"),
    "signatory": _l("signatory"),
    "signer": _l("signer"),
    "reason": _l("reason"),
    "term_days": _l("term in days"),
    "term_start": _l("term starts"),
    "term_end": _l("term ends"),
    "term_number": _l("term number"),
    # the term table's basis of a term without consents (agreements.lifecycle), and the kinds
    # of a provision's evidence (monitoring.provisions)
    "entry into force": _l("entry into force"),
    "automatic": _l("automatic renewal"),
    "event": _l("event"),
    "document": _l("document"),
}

#: The joint record's figures (monitoring.figures.dashboard) by their key, for the names of
#: their CSV downloads.
FIGURES: dict[str, LazyString] = {
    "summary": _l("summary figures"),
    "throughput_per_day": _l("voyages departed per day"),
    "throughput_per_month": _l("voyages departed per month"),
    "queue_length": _l("queue length per day"),
    "departure_to_inspection": _l("days from departure to inspection"),
    "tonnage_by_country": _l("tonnage by destination country"),
    "tonnage_by_income_group": _l("tonnage by income group"),
    "tonnage_by_commodity": _l("tonnage by commodity"),
    "tonnage_by_development_category": _l("tonnage by development category"),
    "tonnage_by_departure_port": _l("tonnage by departure port"),
}


def label(value: object) -> str:
    """The translated word for ``value`` (an enum member or its string)."""
    key = str(getattr(value, "value", value))
    word = LABELS.get(key)
    return str(word) if word is not None else key.replace("_", " ")


#: Quotation marks by language (the opening and the closing one); others: “…”.
_QUOTES = {"uk": ("«", "»"), "ru": ("«", "»"), "ar": ("«", "»"), "tr": ("“", "”")}


def quoted(text: object) -> str:
    """``text`` between the quotation marks of the reader's language.

    >>> from gobetween.i18n import use_locale
    >>> with use_locale("ru"):
    ...     quoted("Одесса")
    '«Одесса»'
    >>> quoted("Odesa")
    '“Odesa”'
    """
    opening, closing = _QUOTES.get(current_locale(), ("“", "”"))
    return f"{opening}{text}{closing}"


def figure_name(key: str) -> str:
    """A figure of the joint record named in the reader's language (its key's words when the
    table has no entry for it).

    >>> figure_name("tonnage_by_country"), figure_name("tonnage_by_flag")
    ('tonnage by destination country', 'tonnage by flag')
    """
    word = FIGURES.get(key)
    return str(word) if word is not None else key.replace("_", " ")


@functools.cache
def _territories() -> dict[str, str]:
    """CLDR's English name of every country or territory (casefolded) -> its ISO code."""
    names = Locale.parse("en").territories
    return {str(name).casefold(): code for code, name in names.items() if code.isalpha()}


def country(name: str) -> str:
    """A country as the data names it in English ("China", "The Netherlands"), named in the
    reader's language by CLDR when CLDR's English name is the same (a leading "the" aside);
    else as the data has it ("Republic of Korea", "Viet Nam": the UN's names, not CLDR's).

    >>> from gobetween.i18n import use_locale
    >>> with use_locale("uk"):
    ...     country("China"), country("The Netherlands"), country("Viet Nam")
    ('Китай', 'Нідерланди', 'Viet Nam')
    """
    key = " ".join(name.split()).casefold()
    code = _territories().get(key) or _territories().get(key.removeprefix("the "))
    if code is None:
        return name
    return str(Locale.parse(current_locale()).territories.get(code, name))


#: The World Bank's income groups as the JCC's files write them (with or without hyphens),
#: keyed by their words in lower case.
INCOME_GROUPS: dict[str, LazyString] = {
    "high income": _l("high income"),
    "upper middle income": _l("upper-middle income"),
    "lower middle income": _l("lower-middle income"),
    "low income": _l("low income"),
}

#: The commodities of the JCC's published voyages (June 2023), keyed by their name in lower case.
COMMODITIES: dict[str, LazyString] = {
    "corn": _l("corn"),
    "wheat": _l("wheat"),
    "sunflower oil": _l("sunflower oil"),
    "sunflower meal": _l("sunflower meal"),
    "barley": _l("barley"),
    "soya beans": _l("soya beans"),
    "rapeseed": _l("rapeseed"),
    "sunflower seed": _l("sunflower seed"),
    "peas": _l("peas"),
    "canola": _l("canola"),
    "rapeseed meal": _l("rapeseed meal"),
    "soya oil": _l("soya oil"),
    "sunflower pellets": _l("sunflower pellets"),
    "vegetable oil": _l("vegetable oil"),
    "mixed": _l("mixed cargo"),
    "wheat bran pellets": _l("wheat bran pellets"),
    "sugar beet pellets": _l("sugar beet pellets"),
}


def _as_name(word: LazyString | None, name: str) -> str:
    """``word`` in the reader's language, capitalised as a name in a list; else ``name``."""
    if word is None:
        return name
    text = str(word)
    return text[:1].upper() + text[1:]


def income_group(name: str) -> str:
    """An income group as the data writes it ("upper-middle-income", "lower-middle income"), in
    the reader's language; another value as the data has it.

    >>> from gobetween.i18n import use_locale
    >>> with use_locale("uk"):
    ...     income_group("upper-middle-income"), income_group("lower-middle income")
    ('Дохід вище середнього', 'Дохід нижче середнього')
    >>> income_group("high-income"), income_group("unclassified")
    ('High income', 'unclassified')
    """
    key = " ".join(name.replace("-", " ").split()).casefold()
    return _as_name(INCOME_GROUPS.get(key), name)


def commodity(name: str) -> str:
    """A commodity of the JCC's files ("Sunflower meal") in the reader's language; another value
    as the data has it.

    >>> from gobetween.i18n import use_locale
    >>> with use_locale("uk"):
    ...     commodity("Corn"), commodity("Soya beans"), commodity("Millet")
    ('Кукурудза', 'Соєві боби', 'Millet')
    """
    return _as_name(COMMODITIES.get(" ".join(name.split()).casefold()), name)
