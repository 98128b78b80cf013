"""The languages of the Black Sea demo: clause wording, working languages, translators.

- The process works in English, Ukrainian, Russian, Turkish and Arabic; the *food corridor*
  track in English, Ukrainian, Russian and Turkish (the Istanbul talks), the *energy
  facilities* track also in Arabic (Qatar mediates it), the *prisoner return* track in English,
  Ukrainian and Russian.
- Every issue and option of the three agendas is named in each of its track's languages
  (:data:`FOOD_NAMES`, :data:`ENERGY_NAMES`, :data:`PRISONER_NAMES`, ``data/demo_names.yaml``;
  the food corridor's issues described too), so a delegation reads its agenda and sets its
  priorities in its own language.
- Every option of the food-corridor and energy-facilities agendas carries its clause in each of
  the track's languages (:data:`FOOD_WORDING`, :data:`ENERGY_WORDING`): the text the mediators
  draft from is complete in every working language (the clauses are data:
  ``service/data/demo_wording.yaml``). The clauses summarise public reporting on
  the Black Sea Grain Initiative; the energy clauses are illustrative. The translations are
  ours, written in the register of the treaty texts of each language.
- The processes, their organisations and their tracks are named in their working languages
  (:data:`PROCESS_NAMES`, ``data/demo_process_names.yaml``; :func:`name_in_languages`), so a
  delegation reads «Украина» and «продовольственный коридор» on every page, not the names as
  entered.
- The United Nations has three translators on the food corridor (English with Ukrainian,
  Russian and Turkish), Qatar three on the energy facilities (Arabic with English, Ukrainian and
  Russian); each has a printed login (``translator-en-uk@...``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml
from sqlalchemy.orm import Session

from gobetween.model import Agenda, OrganisationKind, Role
from gobetween.service import names, prepare, translations
from gobetween.service.languages import (
    set_track_languages,
    set_working_languages,
    track_languages,
    working_languages,
)
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = [
    "ENERGY_AGREEMENT_LANGUAGES",
    "ENERGY_AGREEMENT_NAMES",
    "ENERGY_AGREEMENT_WORDING",
    "ENERGY_NAMES",
    "ENERGY_WORDING",
    "FOOD_NAMES",
    "FOOD_WORDING",
    "INITIATIVE_LANGUAGES",
    "INITIATIVE_NAMES",
    "INITIATIVE_WORDING",
    "PRISONER_NAMES",
    "PROCESS_NAMES",
    "RETURNS_AGREEMENT_LANGUAGES",
    "RETURNS_AGREEMENT_NAMES",
    "RETURNS_AGREEMENT_WORDING",
    "TRANSLATORS",
    "add_languages",
    "name_in_languages",
    "with_names",
    "with_wording",
]

Wording = Mapping[str, Mapping[str, Mapping[str, str]]]


def _expanded(table: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """An issue's ``{option: {language: clause}}``; a ``counted`` table has one clause per
    language with ``{n}`` standing for each of its options (a number of days)."""
    if set(table) == {"counted", "wording"}:
        words = table["wording"]
        return {n: {code: w.format(n=n) for code, w in words.items()} for n in table["counted"]}
    return {option: dict(clauses) for option, clauses in table.items()}


def _wording() -> dict[str, Wording]:
    """The tables of ``data/demo_wording.yaml`` (issue -> option -> language -> clause)."""
    source = resources.files("gobetween.service").joinpath("data", "demo_wording.yaml")
    tables = yaml.safe_load(source.read_text("utf-8"))
    return {
        name: {issue: _expanded(options) for issue, options in issues.items()}
        for name, issues in tables.items()
    }


_TABLES = _wording()

#: Clause per option per language of the food-corridor agenda (scenario black_sea_corridor).
FOOD_WORDING: Wording = _TABLES["food"]

#: The working languages of the demo's signed Black Sea Grain Initiative (the Istanbul talks).
INITIATIVE_LANGUAGES = ("en", "uk", "ru", "tr")

#: Clause per agreed option per language of the signed initiative
#: (:func:`gobetween.service.demo_agreement.initiative_agenda`): the agreement's equally
#: authentic texts. The English clauses are the demo's, the others our translations.
INITIATIVE_WORDING: Wording = _TABLES["initiative"]

#: The working languages of the demo's signed (illustrative) energy-facilities moratorium:
#: Qatar mediates it in Arabic beside English, Ukrainian and Russian.
ENERGY_AGREEMENT_LANGUAGES = ("en", "uk", "ru", "ar")

#: Clause per agreed option per language of that moratorium
#: (:mod:`gobetween.service.demo_records`): its equally authentic texts (illustrative).
ENERGY_AGREEMENT_WORDING: Wording = _TABLES["energy_agreement"]

#: The working languages of the demo's signed (illustrative) prisoner-return arrangement: the
#: United Arab Emirates mediates it in English, Ukrainian and Russian.
RETURNS_AGREEMENT_LANGUAGES = ("en", "uk", "ru")

#: Clause per agreed option per language of that arrangement: its equally authentic texts.
RETURNS_AGREEMENT_WORDING: Wording = _TABLES["returns_agreement"]

#: Clause per option per language of the (illustrative) energy-facilities agenda.
ENERGY_WORDING: Wording = _TABLES["energy"]

_NAMES = yaml.safe_load(
    resources.files("gobetween.service").joinpath("data", "demo_names.yaml").read_text("utf-8")
)

#: What readers of Ukrainian, Russian and Turkish call the food-corridor agenda's issues and
#: options (``data/demo_names.yaml``; issue -> {names, options}).
FOOD_NAMES: Mapping[str, Mapping[str, Any]] = _NAMES["food"]

#: The same for the (illustrative) energy-facilities agenda, Arabic included.
ENERGY_NAMES: Mapping[str, Mapping[str, Any]] = _NAMES["energy"]

#: The same for the (illustrative) prisoner-return agenda, in Ukrainian and Russian.
PRISONER_NAMES: Mapping[str, Mapping[str, Any]] = _NAMES["prisoner"]

#: The same for the signed initiative's agenda (the agreement demo), in its working languages.
INITIATIVE_NAMES: Mapping[str, Mapping[str, Any]] = _NAMES["initiative"]

#: The same for the agendas of the records demo's two signed agreements
#: (:mod:`gobetween.service.demo_records`), in their working languages.
ENERGY_AGREEMENT_NAMES: Mapping[str, Mapping[str, Any]] = _NAMES["energy_agreement"]
RETURNS_AGREEMENT_NAMES: Mapping[str, Mapping[str, Any]] = _NAMES["returns_agreement"]

#: What readers of each language call the demo's processes, organisations and tracks
#: (``data/demo_process_names.yaml``; ``processes``, ``organisations``, ``tracks`` -> the name
#: as entered -> language -> name).
PROCESS_NAMES: Mapping[str, Mapping[str, Mapping[str, str]]] = yaml.safe_load(
    resources.files("gobetween.service")
    .joinpath("data", "demo_process_names.yaml")
    .read_text("utf-8")
)

#: (login name: its language pair at the end, display name, mediating organisation, track)
TRANSLATORS: tuple[tuple[str, str, str, str], ...] = (
    ("translator-en-uk", "UN translator (English-Ukrainian)", "United Nations", "food corridor"),
    ("translator-en-ru", "UN translator (English-Russian)", "United Nations", "food corridor"),
    ("translator-en-tr", "UN translator (English-Turkish)", "United Nations", "food corridor"),
    ("translator-ar-en", "Qatar translator (Arabic-English)", "Qatar", "energy facilities"),
    ("translator-ar-uk", "Qatar translator (Arabic-Ukrainian)", "Qatar", "energy facilities"),
    ("translator-ar-ru", "Qatar translator (Arabic-Russian)", "Qatar", "energy facilities"),
)

#: Working languages of the process and of each track.
PROCESS_LANGUAGES = ("en", "uk", "ru", "tr", "ar")
TRACK_LANGUAGES = {
    "food corridor": ("en", "uk", "ru", "tr"),
    "energy facilities": ("en", "uk", "ru", "tr", "ar"),
    "prisoner return": ("en", "uk", "ru"),
}


def with_wording(agenda: Agenda, wording: Wording) -> Agenda:
    """``agenda`` with each option's clause wording taken from ``wording`` (issue -> option ->
    language -> clause); options not listed keep theirs.

    >>> from gobetween.service.demo import energy_agenda
    >>> worded = with_wording(energy_agenda(), ENERGY_WORDING)
    >>> worded.issue("duration").options[0].clause("ar")
    'يسري الوقف لمدة 30 يوما.'
    """
    issues = []
    for issue in agenda.issues:
        table = wording.get(issue.name, {})
        options = tuple(
            dataclasses.replace(o, wording={**o.wording, **table.get(o.name, {})})
            for o in issue.options
        )
        issues.append(dataclasses.replace(issue, options=options))
    return Agenda(tuple(issues), name=agenda.name)


def with_names(agenda: Agenda, names: Mapping[str, Mapping[str, Any]]) -> Agenda:
    """``agenda`` with its issues and options named (and its issues described and their units
    given) in other languages, from ``names`` (issue -> {``names``: language -> name,
    ``descriptions``: language -> description, ``units``: language -> unit, ``options``:
    option -> language -> name}); what is not listed
    keeps its own.

    >>> from gobetween.service.demo import energy_agenda
    >>> named = with_names(energy_agenda(), ENERGY_NAMES)
    >>> named.issue("scope").called("uk") != "scope", named.issue("scope").name
    (True, 'scope')
    """
    issues = []
    for issue in agenda.issues:
        table = names.get(issue.name, {})
        options = tuple(
            dataclasses.replace(o, names={**o.names, **table.get("options", {}).get(o.name, {})})
            for o in issue.options
        )
        issues.append(
            dataclasses.replace(
                issue,
                options=options,
                names={**issue.names, **table.get("names", {})},
                descriptions={**issue.descriptions, **table.get("descriptions", {})},
                units={**issue.units, **table.get("units", {})},
            )
        )
    return Agenda(tuple(issues), name=agenda.name)


def add_languages(
    session: Session,
    admin_id: int,
    process_id: int,
    translators: Mapping[str, tuple[t.User, str]],
) -> None:
    """Declare the working languages of the process and its tracks; seat the translators in
    their mediating organisations and give them their tracks.
    """
    admin = repositories.load_actor(session, admin_id)
    set_working_languages(session, admin, process_id, PROCESS_LANGUAGES)
    orgs = {o.name: o for o in repositories.organisations(session, admin, process_id)}
    tracks = {row.name: row for row, _ in repositories.tracks(session, admin, process_id)}
    for name, codes in TRACK_LANGUAGES.items():
        set_track_languages(session, admin, tracks[name].id, codes)
    for login, _, organisation, track in TRANSLATORS:
        user = translators[login][0]
        prepare.add_member(
            session,
            admin,
            process_id,
            email=user.email,
            role=Role.TRANSLATOR,
            organisation_id=orgs[organisation].id,
        )
        assert orgs[organisation].kind == OrganisationKind.MEDIATOR
        translations.assign_translator(session, admin, tracks[track].id, user.id)


def name_in_languages(session: Session, admin_id: int, process_id: int) -> None:
    """Name the process, its organisations and its tracks in their working languages (the
    process's for it and its organisations, each track's own for the track), and describe the
    process in them, as :data:`PROCESS_NAMES` names them; a name it does not list keeps its
    name as entered."""
    admin = repositories.load_actor(session, admin_id)
    working = working_languages(session, process_id)

    def named(table: str, name: str, languages: tuple[str, ...]) -> dict[str, str]:
        given = PROCESS_NAMES[table].get(name, {})
        return {code: text for code, text in given.items() if code in languages}

    process = repositories.process(session, admin, process_id)[0]
    names.set_process_names(
        session,
        admin,
        process_id,
        named("processes", process.name, working),
        named("descriptions", process.name, working),
    )
    for org in repositories.organisations(session, admin, process_id):
        own = named("organisations", org.name, working)
        names.set_organisation_names(session, admin, process_id, org.id, own)
    for track, _seat in repositories.tracks(session, admin, process_id):
        own = named("tracks", track.name, track_languages(session, track.id))
        names.set_track_names(session, admin, track.id, own)
