"""The demo's two other tracks with agreements and joint records: ILLUSTRATIVE data.

Beside the real JCC voyages of :mod:`gobetween.service.demo_agreement`, two processes with the
same demo logins show the other record kinds:

- *Energy-facilities moratorium (illustrative)*: Qatar mediates, Ukraine and the Russian
  Federation are the parties; the record keeps **incidents**. Two invented allegations: one
  assessed "verified" whose summary was published (proposed by Qatar, approved by both parties:
  one mediating organisation signed, so every party approves), one still pending.
- *Prisoner returns (illustrative)*: the United Arab Emirates mediate; the record keeps
  **exchanges** verified by the ICRC. The numbers of the first exchange follow public reporting
  of 21 September 2022 (215 returned to Ukraine, 55 to the Russian Federation); the names lists
  are invented references. Its figures are published.

Each agreement's agenda is named in its working languages, and each is signed in them as
equally authentic texts: the moratorium in English, Ukrainian, Russian and Arabic, the returns in
English, Ukrainian and Russian.

Every process, agreement and entry says it is illustrative; none of it is real data but the
21 September 2022 numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.agreements import (
    Bundle,
    Renewal,
    RenewalRule,
    generate_private_key,
    public_key_pem,
    sign_instrument,
)
from gobetween.model import Agenda, Issue, OrganisationKind, Role
from gobetween.monitoring.kinds_builtin import EXCHANGES
from gobetween.policy import Actor
from gobetween.protocols.single_text import AnswerKind
from gobetween.protocols.single_text_articles import Article
from gobetween.service import agree, incidents, prepare, publishing, records, texts
from gobetween.service import provisions as provision_records
from gobetween.service.demo import seat_actor, seat_members
from gobetween.service.demo_languages import (
    ENERGY_AGREEMENT_LANGUAGES,
    ENERGY_AGREEMENT_NAMES,
    ENERGY_AGREEMENT_WORDING,
    RETURNS_AGREEMENT_LANGUAGES,
    RETURNS_AGREEMENT_NAMES,
    RETURNS_AGREEMENT_WORDING,
    Wording,
    name_in_languages,
    with_names,
    with_wording,
)
from gobetween.service.languages import set_working_languages
from gobetween.service.signing_keys import confirm_key
from gobetween.store import agreement_tables as a
from gobetween.store import repositories

__all__ = ["ENERGY", "RETURNS", "build_records_demo", "sign_as"]

ENERGY = "Energy-facilities moratorium (illustrative)"
RETURNS = "Prisoner returns (illustrative)"
PARTIES = {"ukraine": "Ukraine", "russia": "Russian Federation"}
RETURNS_CSV = (
    "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by,Names list\n"
    "EX-2022-09-21,21-Sep-2022,Chernihiv region,Russian Federation,Ukraine,prisoners of war,"
    "215,ICRC,list UA-0921 (illustrative)\n"
    "EX-2022-09-21,21-Sep-2022,Chernihiv region,Ukraine,Russian Federation,prisoners of war,"
    "55,ICRC,list RU-0921 (illustrative)\n"
    "EX-2022-10-29,29-Oct-2022,Zaporizhzhia region,Russian Federation,Ukraine,civilians,"
    "2,ICRC,list UA-1029 (illustrative)\n"
)


def _agreement(
    session: Session,
    name: str,
    mediator: tuple[str, str],
    agenda: Agenda,
    package: dict[str, str],
    clauses: dict[str, str],
    kinds: list[str],
    effective: dt.date,
    languages: tuple[str, ...] = (),
    wording: Wording | None = None,
    names: Mapping[str, Mapping[str, Any]] | None = None,
) -> int:
    """A process, its track, the accepted text, the agreement signed by all; its id. With
    ``languages`` the process works in them and every agreed option is worded in each
    (``wording``), so the agreement carries them as equally authentic texts; ``names`` names
    the agenda's issues and options in them (``demo_names.yaml``)."""
    admin = seat_actor(session, "secretariat")
    process = prepare.create_process(
        session, admin, name=name, description="Demo: ILLUSTRATIVE data, not a real record."
    )
    admin = repositories.load_actor(session, admin.user_id)
    articles: tuple[Article, ...] = ()
    if names is not None:
        agenda = with_names(agenda, names)
    if languages and wording is not None:
        set_working_languages(session, admin, process.id, languages)
        agenda = with_wording(agenda, wording)
        articles = tuple(
            Article.for_option(f"art-{n}", issue, package[issue.name])
            for n, issue in enumerate(agenda.issues, start=1)
        )
    seats = {mediator[0]: (mediator[1], OrganisationKind.MEDIATOR, Role.MEDIATOR)}
    seats |= {s: (n, OrganisationKind.PARTY, Role.PARTY_MEMBER) for s, n in PARTIES.items()}
    orgs = seat_members(session, admin, process.id, seats)
    track = prepare.create_track(
        session, admin, process.id, name=agenda.name, agenda=agenda, organisation_ids=orgs
    )
    name_in_languages(session, admin.user_id, process.id)
    session.flush()
    actors = {seat: seat_actor(session, seat) for seat in seats}
    texts.publish_text(
        session,
        actors[mediator[0]],
        track.id,
        options=package,
        clauses=clauses,
        note=name,
        articles=articles,
    )
    for seat in PARTIES:
        texts.answer_text(session, actors[seat], track.id, version=1, kind=AnswerKind.ACCEPT)
    made = agree.create_agreement(
        session,
        actors[mediator[0]],
        track.id,
        term_days=None,
        renewal=Renewal(RenewalRule.BY_CONSENT),
        effective_date=effective,
        title=name,
        implementation={"public": {}, "kinds": kinds, "obligations": []},
    )
    agreement_id = int(made["id"])
    signed_at = dt.datetime.combine(effective, dt.time(12), tzinfo=dt.UTC)
    sign_as(session, {s: (actors[s], n) for s, (n, _, _) in seats.items()}, agreement_id, signed_at)
    return agreement_id


def sign_as(
    session: Session,
    signers: dict[str, tuple[Actor, str]],
    agreement_id: int,
    signed_at: dt.datetime,
) -> None:
    """Each signer (seat -> its actor and signatory name) registers a fresh key, which the
    secretariat confirms, and signs every instrument that names it, at ``signed_at``."""
    row = session.get(a.Agreement, agreement_id)
    assert row is not None
    bundle = Bundle.from_bytes(row.bundle)
    secretariat = seat_actor(session, "secretariat")
    for actor, name in signers.values():
        key = generate_private_key()  # used for the demo's signatures, then dropped
        registered = agree.register_key(
            session, actor, int(row.signatories[name][0]), public_key_pem(key).decode()
        )
        confirm_key(session, secretariat, registered["id"])
        for instrument in bundle.instruments:
            if name in instrument.signatory_names:
                agree.sign(
                    session,
                    actor,
                    agreement_id,
                    party=instrument.party,
                    signer=name,
                    signature=sign_instrument(instrument, name, key).to_dict(),
                    now=signed_at,
                )


def _energy(session: Session) -> int:
    agenda = Agenda(
        (
            Issue.discrete("scope", ["power generation", "generation and grid", "all energy"]),
            Issue.discrete("term", ["30", "90"]),
        ),
        name="energy facilities (illustrative)",
    )
    clauses = {
        "scope": "Neither party strikes power generation, transmission or gas facilities of "
        "the other (illustrative wording).",
        "term": "The moratorium runs for 30 days; it is renewed by consent of every signatory "
        "(illustrative).",
    }
    aid = _agreement(
        session,
        ENERGY,
        ("qatar", "Qatar"),
        agenda,
        {"scope": "all energy", "term": "30"},
        clauses,
        ["incidents"],
        dt.date(2025, 3, 18),
        ENERGY_AGREEMENT_LANGUAGES,  # Qatar mediates in Arabic too
        ENERGY_AGREEMENT_WORDING,
        ENERGY_AGREEMENT_NAMES,
    )
    qatar, ua, ru = (seat_actor(session, s) for s in ("qatar", "ukraine", "russia"))
    first = incidents.report_incident(
        session,
        ru,
        aid,
        {
            "alleged_by": "Russian Federation",
            "accused": "Ukraine",
            "date": "2025-03-21",
            "place": "Kursk region (illustrative)",
            "facility": "gas metering station",
            "description": "Illustrative allegation: a drone struck the station at night.",
        },
    )
    incidents.report_incident(
        session,
        ua,
        aid,
        {
            "alleged_by": "Ukraine",
            "accused": "Russian Federation",
            "date": "2025-03-24",
            "place": "Kherson region (illustrative)",
            "facility": "power substation",
            "description": "Illustrative allegation: shelling cut power to two districts.",
        },
    )
    key = first["key"]
    incidents.assess_incident(session, qatar, aid, key, "verified")
    provision_records.assess_provision(
        session,
        qatar,
        aid,
        "art-1",
        {
            "level": "minimal",
            "at": "2025-03-31T12:00:00+00:00",
            "evidence": [{"kind": "event", "reference": f"incident {key}"}],
            "note": "Illustrative: one verified strike in the first two weeks.",
        },
    )
    proposal = publishing.propose_publication(
        session,
        qatar,
        aid,
        f"incident:{key}",
        "Illustrative: the joint team verified a strike on a gas metering station in the Kursk "
        "region on 21 March 2025.",
    )
    for actor in (ua, ru):
        publishing.approve_publication(session, actor, aid, int(proposal["id"]))
    return aid


def _returns(session: Session) -> int:
    agenda = Agenda(
        (
            Issue.discrete("exchange", ["all for all", "one for one"]),
            Issue.discrete("verification", ["ICRC", "none"]),
            Issue.discrete("term", ["120", "365"]),
        ),
        name="prisoner return (illustrative)",
    )
    clauses = {
        "exchange": "The parties return prisoners one for one, in exchanges the mediator "
        "arranges (illustrative wording).",
        "verification": "The ICRC verifies every exchange as an observer (illustrative).",
        "term": "The arrangement runs for 120 days; it is renewed by consent of every "
        "signatory (illustrative).",
    }
    aid = _agreement(
        session,
        RETURNS,
        ("uae", "United Arab Emirates"),
        agenda,
        {"exchange": "one for one", "verification": "ICRC", "term": "120"},
        clauses,
        ["exchanges"],
        dt.date(2022, 9, 1),
        RETURNS_AGREEMENT_LANGUAGES,
        RETURNS_AGREEMENT_WORDING,
        RETURNS_AGREEMENT_NAMES,
    )
    uae, ua, ru = (seat_actor(session, s) for s in ("uae", "ukraine", "russia"))
    from gobetween.formats.records import read_entry_file  # formats: read the demo's file

    bounds = records.import_bounds(session, uae, aid, EXCHANGES.name)
    data = RETURNS_CSV.encode()
    result = read_entry_file(EXCHANGES, "returns-illustrative.csv", data, bounds=bounds)
    records.import_entries(session, uae, aid, result)
    for key, level in (("art-1", "intermediate"), ("art-2", "complete")):
        provision_records.assess_provision(
            session,
            uae,
            aid,
            key,
            {
                "level": level,
                "at": "2022-10-31T12:00:00+00:00",
                "evidence": [{"kind": "document", "reference": "ICRC verification notes"}],
                "note": "Illustrative assessment.",
            },
        )
    proposal = publishing.propose_publication(session, uae, aid, "figures:exchanges")
    for actor in (ua, ru):
        publishing.approve_publication(session, actor, aid, int(proposal["id"]))
    provisions = publishing.propose_publication(session, uae, aid, "provisions")
    for actor in (ua, ru):
        publishing.approve_publication(session, actor, aid, int(provisions["id"]))
    return aid


#: The initiative's provisions as the demo assesses them: (article, level, date, evidence, note).
#: Summarised from public reporting (see ``data/bsgi``); the assessments themselves are the
#: demo's, not the JCC's.
INITIATIVE_ASSESSMENTS = (
    (
        "art-1",
        "complete",
        "2022-08-01",
        "event",
        "voyage #1 RAZONI left Odesa on 1 August 2022",
        "All three ports shipped within days (illustrative assessment).",
    ),
    (
        "art-2",
        "complete",
        "2022-08-03",
        "event",
        "voyage #1 RAZONI inspected at Istanbul",
        "Joint teams with one inspector of each delegation (illustrative assessment).",
    ),
    (
        "art-3",
        "intermediate",
        "2022-10-31",
        "link",
        "https://www.un.org/en/black-sea-grain-initiative/vessel-movements",
        "About 11 inspections a day at the October 2022 peak; the queue grew (illustrative).",
    ),
    (
        "art-3",
        "minimal",
        "2023-01-31",
        "link",
        "https://www.un.org/en/black-sea-grain-initiative/vessel-movements",
        "About 5 inspections a day in January 2023 (illustrative assessment).",
    ),
    (
        "art-4",
        "complete",
        "2022-11-17",
        "link",
        "https://www.un.org/en/black-sea-grain-initiative",
        "Renewed for 120 days in November 2022 (illustrative assessment).",
    ),
)


def assess_initiative(session: Session, agreement_id: int) -> None:
    """The demo's assessments of the Black Sea Grain Initiative's provisions (by the UN)."""
    un = seat_actor(session, "un")
    for key, level, day, kind, reference, note in INITIATIVE_ASSESSMENTS:
        provision_records.assess_provision(
            session,
            un,
            agreement_id,
            key,
            {
                "level": level,
                "at": f"{day}T12:00:00+00:00",
                "evidence": [{"kind": kind, "reference": reference}],
                "note": note,
            },
        )


def build_records_demo(session: Session) -> dict[str, int]:
    """Build (once) the two illustrative agreements and their records; their ids by name.

    Needs the negotiation demo's logins (:func:`gobetween.service.demo.build_demo` first).
    """
    out = {}
    for name, build in ((ENERGY, _energy), (RETURNS, _returns)):
        existing = session.execute(select(a.Agreement.id).where(a.Agreement.title == name)).scalar()
        out[name] = int(existing) if existing is not None else build(session)
    return out
