"""The demo's signed corridor agreement and its joint record, built through the service.

A second demo process, *Black Sea Grain Initiative (2022-2023)*, with the same logins as the
negotiation demo (:mod:`gobetween.service.demo`): the United Nations and Türkiye mediate, Ukraine
and the Russian Federation are the parties. It works in English, Ukrainian, Russian and Turkish:
every article of the agreed text is worded in each
(:data:`~gobetween.service.demo_languages.INITIATIVE_WORDING`), so the instruments carry four
equally authentic texts under one terms hash. Its *grain corridor* track holds the text both parties
accepted; the mediators made the mirror agreement from it; every signatory signed with an
Ed25519 key generated for the demo (the private keys live only while the demo is built and are
then dropped, as a signatory's browser would keep its own); the agreement then lives through the
initiative's history (:func:`gobetween.monitoring.bsgi.bsgi_history`: the suspension, the
renewals, the disputed one of March 2023, the end on 17 July 2023). Its joint record holds the
JCC's published voyages (``data/bsgi/outbound_shipments_2023-06-14.csv``, CC BY, see
``ATTRIBUTION.md`` beside it), the first voyage's registration, approvals, inspection and
departure, and the demo's assessments of its provisions
(:data:`gobetween.service.demo_records.INITIATIVE_ASSESSMENTS`).

``signed=False`` stops before the signatures (the browser test signs in the browser).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.agreements import (
    Renewal,
    RenewalRule,
)
from gobetween.agreements import lifecycle as lc
from gobetween.model import Agenda, Issue, OrganisationKind, Role
from gobetween.monitoring import event_to_dict
from gobetween.monitoring.bsgi import JCC_PUBLIC_POLICY, bsgi_history
from gobetween.monitoring.events import (
    Departure,
    Event,
    GateDecision,
    Inspection,
    InspectionResult,
    Registration,
    TeamMember,
    Verdict,
)
from gobetween.policy import Actor
from gobetween.protocols.single_text import AnswerKind
from gobetween.protocols.single_text_articles import Article
from gobetween.service import agree, implement, prepare, texts
from gobetween.service.demo import seat_actor, seat_members
from gobetween.service.demo_languages import (
    INITIATIVE_LANGUAGES,
    INITIATIVE_NAMES,
    INITIATIVE_WORDING,
    name_in_languages,
    with_names,
    with_wording,
)
from gobetween.service.demo_records import assess_initiative, sign_as
from gobetween.service.languages import set_working_languages
from gobetween.store import agreement_tables as a
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = ["INITIATIVE", "VOYAGES_FILE", "build_agreement_demo", "initiative_agenda"]

INITIATIVE = "Black Sea Grain Initiative (2022-2023)"
VOYAGES_FILE = "outbound_shipments_2023-06-14.csv"

#: Demo login -> the organisation it acts for in the initiative, and its kind.
SIGNERS = {
    "un": ("United Nations", OrganisationKind.MEDIATOR, Role.MEDIATOR),
    "turkiye": ("Türkiye", OrganisationKind.MEDIATOR, Role.MEDIATOR),
    "ukraine": ("Ukraine", OrganisationKind.PARTY, Role.PARTY_MEMBER),
    "russia": ("Russian Federation", OrganisationKind.PARTY, Role.PARTY_MEMBER),
}

#: What was agreed, option per issue.
PACKAGE = {
    "ports": "three ports",
    "inspections": "joint teams at Istanbul",
    "inspections per day": "9",
    "term": "120",
}
#: The English clause of each agreed option (its other languages: ``INITIATIVE_WORDING``).
CLAUSES = {issue: INITIATIVE_WORDING[issue][option]["en"] for issue, option in PACKAGE.items()}
SIGNED_AT = dt.datetime(2022, 7, 22, 12, 0, tzinfo=dt.UTC)


def initiative_agenda() -> Agenda:
    """The agenda of the corridor as agreed in July 2022 (summarised from the public record),
    its issues named and the agreed options worded in each of its working languages."""
    agenda = with_wording(
        Agenda(
            (
                Issue.discrete("ports", ["Odesa", "Odesa and Chornomorsk", "three ports"]),
                Issue.discrete("inspections", ["at sea", "joint teams at Istanbul"]),
                Issue.discrete("inspections per day", ["5", "9", "11"]),
                Issue.discrete("term", ["60", "120"]),
            ),
            name="Black Sea Grain Initiative",
        ),
        INITIATIVE_WORDING,
    )
    return with_names(agenda, INITIATIVE_NAMES)


def _actors(session: Session) -> dict[str, Actor]:
    return {seat: seat_actor(session, seat) for seat in (*SIGNERS, "secretariat")}


def _process(session: Session, actors: dict[str, Actor]) -> int:
    """The initiative's process and its ready track; the track id."""
    admin = actors["secretariat"]
    process = prepare.create_process(
        session,
        admin,
        name=INITIATIVE,
        description="Demo: the signed corridor agreement and the JCC's published voyages.",
    )
    admin = repositories.load_actor(session, admin.user_id)
    # English, Ukrainian, Russian and Turkish texts, each equally authentic
    set_working_languages(session, admin, process.id, INITIATIVE_LANGUAGES)
    orgs = seat_members(session, admin, process.id, SIGNERS)
    track = prepare.create_track(
        session,
        admin,
        process.id,
        name="grain corridor",
        agenda=initiative_agenda(),
        organisation_ids=orgs,
    )
    name_in_languages(session, admin.user_id, process.id)
    session.flush()
    return track.id


def _negotiate(session: Session, actors: dict[str, Actor], track_id: int) -> None:
    agenda = initiative_agenda()
    articles = tuple(
        Article.for_option(f"art-{n}", issue, PACKAGE[issue.name])
        for n, issue in enumerate(agenda.issues, start=1)
    )
    mediator = actors["un"]
    texts.publish_text(
        session,
        mediator,
        track_id,
        options=PACKAGE,
        clauses=CLAUSES,
        note="The text signed in Istanbul on 22 July 2022.",
        articles=articles,
    )
    for seat in ("ukraine", "russia"):
        texts.answer_text(session, actors[seat], track_id, version=1, kind=AnswerKind.ACCEPT)


def _sign(session: Session, actors: dict[str, Actor], agreement_id: int) -> None:
    signers = {seat: (actors[seat], name) for seat, (name, _, _) in SIGNERS.items()}
    sign_as(session, signers, agreement_id, SIGNED_AT)


def _live(session: Session, actors: dict[str, Actor], agreement_id: int) -> None:
    """The initiative's history after signature, as lifecycle acts at their dates."""
    seat_of = {name: seat for seat, (name, _, _) in SIGNERS.items()}
    for at, action in bsgi_history():
        if isinstance(action, lc.Tick):
            agree.tick(session, actors["un"], agreement_id, now=at)
            continue
        reason, term_days = "", None
        match action:
            case lc.Suspend():
                kind, who, reason = "suspend", action.party, action.reason
            case lc.Resume():
                kind, who = "resume", action.party
            case lc.ConsentToRenewal():
                kind, who, term_days = "consent", action.signatory, action.term_days
            case _:  # signatures were made by _sign
                continue
        agree.act(
            session,
            actors[seat_of[who]],
            agreement_id,
            kind=kind,
            organisation=who,
            reason=reason,
            term_days=term_days,
            now=at,
        )


def _first_voyage(session: Session, actors: dict[str, Actor], agreement_id: int) -> None:
    """Voyage #1 (RAZONI, Odesa, 1 Aug 2022) through the joint record's gates."""
    names = [n for n, _, _ in SIGNERS.values()]

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2022, 8, day, hour, tzinfo=dt.UTC)

    item = "voyage #1 RAZONI"
    events: list[tuple[str, Event]] = [
        ("ukraine", Registration(at(1, 6), item, "Ukraine", "RAZONI, corn, Odesa")),
        *[
            (seat, GateDecision(at(1, 7), item, "departure plan", name, Verdict.APPROVE))
            for seat, (name, _, _) in SIGNERS.items()
        ],
        ("ukraine", Departure(at(1, 8), item, "Odesa")),
        (
            "un",
            Inspection(
                at(3, 10),
                item,
                tuple(TeamMember(n, f"{n} inspector") for n in names),
                InspectionResult.PASSED,
                location="Istanbul inspection area",
            ),
        ),
    ]
    for seat, event in events:
        implement.add_event(session, actors[seat], agreement_id, event_to_dict(event))


def build_agreement_demo(session: Session, *, signed: bool = True) -> int:
    """Build (once) the initiative's process, agreement and joint record; the agreement id.

    Needs the negotiation demo's logins (:func:`gobetween.service.demo.build_demo` first).
    """
    existing = session.execute(
        select(a.Agreement.id)
        .join(t.Track, t.Track.id == a.Agreement.track_id)
        .join(t.Process, t.Process.id == t.Track.process_id)
        .where(t.Process.name == INITIATIVE)
    ).scalar()
    if existing is not None:
        return int(existing)
    track_id = _process(session, _actors(session))
    actors = _actors(session)  # now with their seats in the initiative
    _negotiate(session, actors, track_id)
    mediator = actors["un"]
    made = agree.create_agreement(
        session,
        mediator,
        track_id,
        term_days=None,
        renewal=Renewal(RenewalRule.BY_CONSENT),
        effective_date=SIGNED_AT.date(),
        title="Black Sea Grain Initiative",
        implementation={
            "public": {k: sorted(v) for k, v in JCC_PUBLIC_POLICY.public.items()},
            "public_figures": True,
            "obligations": [
                {
                    "issue": "inspections per day",
                    "name": "joint inspections per day",
                    "party": "Joint Coordination Centre",
                    "what": "joint inspections",
                    "metric": "inspections",
                }
            ],
        },
    )
    agreement_id = int(made["id"])
    data = resources.files("gobetween.service").joinpath("data", "bsgi", VOYAGES_FILE)
    implement.import_voyages(session, None, agreement_id, VOYAGES_FILE, data.read_bytes())
    if signed:
        _sign(session, actors, agreement_id)
        _first_voyage(session, actors, agreement_id)
        _live(session, actors, agreement_id)
        assess_initiative(session, agreement_id)
    return agreement_id
