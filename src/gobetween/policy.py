"""Who may read or do what: the one place that decides.

Everything the store reads for a user goes through here. A repository loads the acting user's
:class:`Actor` (their memberships), asks for a :class:`ProcessView` or :class:`TrackView`, and
scopes its query by what the view allows, chiefly :meth:`TrackView.readable_parties`: the
parties whose private data (channel, preferences, answers, offers, live updates) the actor may
read. Asking for something outside the view raises :class:`~gobetween.errors.NotFound`, exactly
as for an object that does not exist; doing something one may not do to a visible object raises
:class:`~gobetween.errors.PermissionDenied`.

The rules (DESIGN.md, "Confidentiality model"):

- a *party member* reads the agenda, its own party's channel, preferences, answers and offers,
  and the texts sent to every party; never another party's private data or the analysis;
- a *mediator* (a member of a mediating organisation taking part in the track) reads every
  party's private data in that track and the analysis;
- an *observer* (of an observing organisation in the track) reads the agenda and the texts;
- a process *admin* manages organisations, members, invitations and tracks and reads the agenda
  and texts, but no party's private data unless they are also a mediator there;
- a *translator* (a member of a mediating organisation with the translator role) takes a seat
  only in the tracks a mediator or admin has given them (``track_view(..., translating=True)``,
  decided by :mod:`gobetween.service.translations`); there they read every party's channel and
  attach translations to its messages, and nothing else: no preferences, answers, offers,
  analysis, drafts or posting. Everywhere else they have no seat (404);
- the mediators' private notes and channel assignments (``TEAM_NOTES``) and recording meetings
  (``RECORD_MEETINGS``) are the mediators' alone; a party reads the meetings it took part in
  (:mod:`gobetween.service.meetings`);
- of the joint record's entries, the mediators read all; the party an exchange returns people
  to, or the party alleging an incident, reads that entry in full; the accused party reads an
  incident once the joint team assessed it, without the allegation's confidential words; the
  public reads what an approved publishing decision published (:func:`entry_access`);
- of the joint team's assessments, every signatory reads the note written for every signatory
  (and the public does once the provisions are published); the internal note is the mediators'
  alone (:func:`assessment_notes`).

>>> actor = Actor(7, (Membership(1, Role.PARTY_MEMBER, 10),))
>>> view = track_view(actor, process_id=1, track_id=3,
...                   participants={10: OrganisationKind.PARTY, 11: OrganisationKind.PARTY,
...                                 20: OrganisationKind.MEDIATOR})
>>> sorted(view.readable_parties)
[10]
>>> view.allows(Action.READ_ANALYSIS)
False
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from gobetween.errors import N_, NotFound, PermissionDenied
from gobetween.model import OrganisationKind, Role
from gobetween.monitoring.kinds import FieldSpec
from gobetween.monitoring.provisions import EvidenceKind
from gobetween.protocols.base import ActionRule
from gobetween.protocols.relay import FORWARD_OFFER, SEND_OFFER
from gobetween.protocols.single_text import ANSWER_TEXT, PUBLISH_TEXT

__all__ = [
    "AGREEMENT_RULES",
    "Action",
    "Actor",
    "AgreementAct",
    "AgreementView",
    "AssessmentNote",
    "EntryAccess",
    "EvidenceAccess",
    "Membership",
    "ProcessView",
    "TrackView",
    "agreement_view",
    "assessment_notes",
    "entry_access",
    "evidence_access",
    "evidence_kinds_offered",
    "process_view",
    "reads_field",
    "track_view",
]


@dataclass(frozen=True, slots=True)
class Membership:
    """One role a user holds in one process (``organisation_id`` is ``None`` for admins)."""

    process_id: int
    role: Role
    organisation_id: int | None


@dataclass(frozen=True, slots=True)
class Actor:
    """The acting user and every membership they hold."""

    user_id: int
    memberships: tuple[Membership, ...] = ()

    def process_ids(self) -> frozenset[int]:
        """The processes this actor belongs to in any role."""
        return frozenset(m.process_id for m in self.memberships)


@dataclass(frozen=True, slots=True)
class ProcessView:
    """What an actor is in one process."""

    process_id: int
    admin: bool
    roles: frozenset[Role]
    organisation_ids: frozenset[int]

    def require_admin(self) -> None:
        """Raise :class:`PermissionDenied` unless the actor administers the process."""
        if not self.admin:
            raise PermissionDenied(N_("only the process's admins may do this"))

    @property
    def may_invite(self) -> bool:
        """Whether the actor may invite people to the process and withdraw its pending
        invitations: its admins."""
        return self.admin

    def require_to_invite(self) -> None:
        """Raise :class:`PermissionDenied` unless the actor :attr:`may_invite`."""
        if not self.may_invite:
            raise PermissionDenied(
                N_("only the process's admins invite people and withdraw invitations")
            )


def process_view(actor: Actor, process_id: int) -> ProcessView:
    """The actor's view of a process; :class:`NotFound` when they are not a member."""
    mine = [m for m in actor.memberships if m.process_id == process_id]
    if not mine:
        raise NotFound(N_("no process %(process_id)s"), params={"process_id": process_id})
    return ProcessView(
        process_id=process_id,
        admin=any(m.role is Role.ADMIN for m in mine),
        roles=frozenset(m.role for m in mine),
        organisation_ids=frozenset(m.organisation_id for m in mine if m.organisation_id),
    )


class Action(enum.StrEnum):
    """Things one does in a track; :data:`RULES` says who may."""

    READ_AGENDA = "read_agenda"
    READ_TEXTS = "read_texts"
    READ_ANALYSIS = "read_analysis"
    READ_PARTY_DATA = "read_party_data"
    POST_MESSAGE = "post_message"
    RECORD_PREFERENCES = "record_preferences"
    PUBLISH_TEXT = "publish_text"
    ANSWER_TEXT = "answer_text"
    SEND_OFFER = "send_offer"
    FORWARD_OFFER = "forward_offer"
    READ_CHANNEL = "read_channel"
    TRANSLATE = "translate"
    TEAM_NOTES = "team_notes"  # read and write the mediators' private notes and assignments
    RECORD_MEETINGS = "record_meetings"  # record meetings and shuttle rounds


class Seat(enum.StrEnum):
    """The seat an actor takes in a track."""

    MEDIATOR = "mediator"
    PARTY = "party"
    OBSERVER = "observer"
    ADMIN = "admin"
    TRANSLATOR = "translator"


#: Every seat but the translator's, who reads channels and writes translations only.
_ALL = frozenset(Seat) - {Seat.TRANSLATOR}


def _rule(
    action: Action, seats: frozenset[Seat], *, own_party: bool = False, read: bool = False
) -> ActionRule:
    return ActionRule(action.value, frozenset(seats), own_party=own_party, read=read)


#: Action -> who may: the seats, and whether it is done only for one's own party (``own_party``)
#: or is a read whose refusal must look like a missing object (``read``). Actions on one party's
#: data additionally need that party to be readable (mediators: any party of the track; party
#: members: their own). Each protocol declares its own actions the same way
#: (:mod:`gobetween.protocols.registry`); :meth:`TrackView.allows` takes either.
RULES: Mapping[Action, ActionRule] = {
    Action.READ_AGENDA: _rule(Action.READ_AGENDA, _ALL, read=True),
    Action.READ_TEXTS: _rule(Action.READ_TEXTS, _ALL, read=True),
    Action.READ_ANALYSIS: _rule(Action.READ_ANALYSIS, frozenset({Seat.MEDIATOR}), read=True),
    Action.READ_PARTY_DATA: _rule(
        Action.READ_PARTY_DATA, frozenset({Seat.MEDIATOR, Seat.PARTY}), read=True
    ),
    Action.POST_MESSAGE: _rule(Action.POST_MESSAGE, frozenset({Seat.MEDIATOR, Seat.PARTY})),
    Action.RECORD_PREFERENCES: _rule(
        Action.RECORD_PREFERENCES, frozenset({Seat.PARTY}), own_party=True
    ),
    Action.PUBLISH_TEXT: PUBLISH_TEXT,
    Action.ANSWER_TEXT: ANSWER_TEXT,
    Action.SEND_OFFER: SEND_OFFER,
    Action.FORWARD_OFFER: FORWARD_OFFER,
    Action.READ_CHANNEL: _rule(
        Action.READ_CHANNEL, frozenset({Seat.MEDIATOR, Seat.PARTY, Seat.TRANSLATOR}), read=True
    ),
    Action.TRANSLATE: _rule(Action.TRANSLATE, frozenset({Seat.TRANSLATOR})),
    Action.TEAM_NOTES: _rule(Action.TEAM_NOTES, frozenset({Seat.MEDIATOR}), read=True),
    Action.RECORD_MEETINGS: _rule(Action.RECORD_MEETINGS, frozenset({Seat.MEDIATOR})),
}

#: Actions on a channel: the parties they may touch are those whose channel one reads
#: (:attr:`TrackView.readable_channels`), translators included.
_CHANNEL_ACTIONS = frozenset({Action.READ_CHANNEL, Action.TRANSLATE})


@dataclass(frozen=True, slots=True)
class TrackView:
    """What an actor may see and do in one track."""

    track_id: int
    process_id: int
    seats: frozenset[Seat]
    own_party: int | None
    party_ids: frozenset[int]
    own_mediator: int | None = None
    mediator_ids: frozenset[int] = frozenset()

    @property
    def readable_parties(self) -> frozenset[int]:
        """The parties whose private data the actor may read in this track."""
        if Seat.MEDIATOR in self.seats:
            return self.party_ids
        if self.own_party is not None:
            return frozenset({self.own_party})
        return frozenset()

    @property
    def is_mediator(self) -> bool:
        """Whether the actor mediates this track."""
        return Seat.MEDIATOR in self.seats

    @property
    def readable_channels(self) -> frozenset[int]:
        """The parties whose channel (messages and their translations) the actor may read:
        those of :attr:`readable_parties`, and every party's for a translator of the track."""
        if Seat.TRANSLATOR in self.seats:
            return self.party_ids | self.readable_parties
        return self.readable_parties

    def may_read_party(self, party_id: int) -> bool:
        """Whether the actor may read ``party_id``'s private data here."""
        return party_id in self.readable_parties

    def allows(self, action: Action | ActionRule, party_id: int | None = None) -> bool:
        """Whether the actor may do ``action`` (on ``party_id``'s data, when given): one of
        :class:`Action` or a protocol's declared :class:`~gobetween.protocols.base.ActionRule`."""
        rule = RULES[action] if isinstance(action, Action) else action
        if not rule.seats & self.seats:
            return False
        if party_id is None:
            return True
        if rule.own_party:
            return party_id == self.own_party
        if action in _CHANNEL_ACTIONS:
            return party_id in self.readable_channels
        return self.may_read_party(party_id)

    def require(self, action: Action | ActionRule, party_id: int | None = None) -> None:
        """Raise unless allowed: :class:`NotFound` where the object is hidden from the actor,
        :class:`PermissionDenied` where it is visible but the action is not theirs."""
        if self.allows(action, party_id):
            return
        rule = RULES[action] if isinstance(action, Action) else action
        hidden = rule.read or (party_id is not None and party_id not in self.readable_channels)
        if hidden:
            raise NotFound(
                N_("no such object in track %(track_id)s"), params={"track_id": self.track_id}
            )
        raise PermissionDenied(
            N_("you may not %(action)s in this track"), params={"action": rule.label}
        )


def track_view(
    actor: Actor,
    *,
    process_id: int,
    track_id: int,
    participants: Mapping[int, OrganisationKind],
    translating: bool = False,
) -> TrackView:
    """The actor's view of a track whose organisations (id -> kind) are ``participants``.

    ``translating`` says that the actor has been given this track to translate: a translator
    membership in a mediating organisation of the track then takes the translator's seat.
    Raises :class:`NotFound` when the actor has no seat in the track.

    >>> actor = Actor(8, (Membership(1, Role.TRANSLATOR, 20),))
    >>> seats = {10: OrganisationKind.PARTY, 20: OrganisationKind.MEDIATOR}
    >>> view = track_view(actor, process_id=1, track_id=3, participants=seats, translating=True)
    >>> sorted(view.readable_channels), sorted(view.readable_parties)
    ([10], [])
    >>> view.allows(Action.TRANSLATE, 10), view.allows(Action.POST_MESSAGE, 10)
    (True, False)
    """
    seats: set[Seat] = set()
    own_party: int | None = None
    own_mediator: int | None = None
    for m in actor.memberships:
        if m.process_id != process_id:
            continue
        if m.role is Role.ADMIN:
            seats.add(Seat.ADMIN)
            continue
        kind = participants.get(m.organisation_id) if m.organisation_id is not None else None
        if m.role is Role.MEDIATOR and kind is OrganisationKind.MEDIATOR:
            seats.add(Seat.MEDIATOR)
            own_mediator = m.organisation_id
        elif m.role is Role.PARTY_MEMBER and kind is OrganisationKind.PARTY:
            seats.add(Seat.PARTY)
            own_party = m.organisation_id
        elif m.role is Role.OBSERVER and kind is OrganisationKind.OBSERVER:
            seats.add(Seat.OBSERVER)
        elif m.role is Role.TRANSLATOR and kind is OrganisationKind.MEDIATOR and translating:
            seats.add(Seat.TRANSLATOR)
    if not seats:
        raise NotFound(N_("no track %(track_id)s"), params={"track_id": track_id})
    return TrackView(
        track_id=track_id,
        process_id=process_id,
        seats=frozenset(seats),
        own_party=own_party,
        party_ids=frozenset(o for o, k in participants.items() if k is OrganisationKind.PARTY),
        own_mediator=own_mediator,
        mediator_ids=frozenset(
            o for o, k in participants.items() if k is OrganisationKind.MEDIATOR
        ),
    )


def role_fits(role: Role, kind: OrganisationKind | None) -> bool:
    """Whether a member with ``role`` may belong to an organisation of ``kind``.

    >>> role_fits(Role.MEDIATOR, OrganisationKind.MEDIATOR), role_fits(Role.ADMIN, None)
    (True, True)
    >>> role_fits(Role.PARTY_MEMBER, OrganisationKind.MEDIATOR)
    False
    """
    expected = {
        Role.PARTY_MEMBER: OrganisationKind.PARTY,
        Role.MEDIATOR: OrganisationKind.MEDIATOR,
        Role.OBSERVER: OrganisationKind.OBSERVER,
        Role.ADMIN: None,
        Role.TRANSLATOR: OrganisationKind.MEDIATOR,
    }
    return expected[role] is kind


# -- agreements and the joint record (stage 4 and 5) ---------------------------------------------


class AgreementAct(enum.StrEnum):
    """Things one does with an agreement; :data:`AGREEMENT_RULES` says who may."""

    READ = "read"  # the terms, instruments, bundle, lifecycle log and the whole joint record
    SIGN = "sign"  # sign the instruments one's organisation appears on
    ACT_AS_PARTY = "act_as_party"  # suspend, resume, give notice, withdraw
    CONSENT = "consent"  # consent to a renewal
    RECORD = "record"  # add joint-record events and import voyage files


#: Act -> the kinds of signing organisation whose members may do it.
AGREEMENT_RULES: Mapping[AgreementAct, frozenset[OrganisationKind]] = {
    AgreementAct.READ: frozenset({OrganisationKind.PARTY, OrganisationKind.MEDIATOR}),
    AgreementAct.SIGN: frozenset({OrganisationKind.PARTY, OrganisationKind.MEDIATOR}),
    AgreementAct.ACT_AS_PARTY: frozenset({OrganisationKind.PARTY}),
    AgreementAct.CONSENT: frozenset({OrganisationKind.PARTY, OrganisationKind.MEDIATOR}),
    AgreementAct.RECORD: frozenset({OrganisationKind.PARTY, OrganisationKind.MEDIATOR}),
}


@dataclass(frozen=True, slots=True)
class AgreementView:
    """What an actor is to one agreement: the signing organisations they act for, by name.

    Only members of a signing organisation (party members of a party, mediators of a mediating
    organisation) see an agreement; everyone else gets :class:`NotFound` and only the public
    view of its joint record.
    """

    agreement_id: int
    acts_for: Mapping[str, OrganisationKind]

    def allows(self, act: AgreementAct, organisation: str | None = None) -> bool:
        """Whether the actor may do ``act`` (as ``organisation``, when given)."""
        kinds = AGREEMENT_RULES[act]
        if organisation is not None:
            return self.acts_for.get(organisation) in kinds
        return any(kind in kinds for kind in self.acts_for.values())

    def require(self, act: AgreementAct, organisation: str | None = None) -> None:
        """Raise :class:`NotFound` for a non-signatory, :class:`PermissionDenied` otherwise."""
        if not self.acts_for:
            raise NotFound(
                N_("no agreement %(agreement_id)s"), params={"agreement_id": self.agreement_id}
            )
        if not self.allows(act, organisation):
            action = act.value.replace("_", " ")
            if organisation:
                raise PermissionDenied(
                    N_("you may not %(action)s as %(organisation)r"),
                    params={"action": action, "organisation": organisation},
                )
            raise PermissionDenied(N_("you may not %(action)s"), params={"action": action})


def agreement_view(
    actor: Actor,
    *,
    agreement_id: int,
    process_id: int,
    signatories: Mapping[str, tuple[int, OrganisationKind]],
) -> AgreementView:
    """The actor's view of an agreement whose signatories are ``name -> (id, kind)``.

    >>> actor = Actor(7, (Membership(1, Role.PARTY_MEMBER, 10),))
    >>> view = agreement_view(actor, agreement_id=4, process_id=1, signatories={
    ...     "Ukraine": (10, OrganisationKind.PARTY), "UN": (20, OrganisationKind.MEDIATOR)})
    >>> dict(view.acts_for), view.allows(AgreementAct.ACT_AS_PARTY, "UN")
    ({'Ukraine': <OrganisationKind.PARTY: 'party'>}, False)
    """
    mine = {
        m.organisation_id: m.role
        for m in actor.memberships
        if m.process_id == process_id and m.organisation_id is not None
    }
    acts_for = {
        name: kind
        for name, (org_id, kind) in signatories.items()
        # a translator is of a mediating organisation but never acts for it in an agreement
        if org_id in mine and mine[org_id] is not Role.TRANSLATOR and role_fits(mine[org_id], kind)
    }
    return AgreementView(agreement_id, acts_for)


# -- entries of the joint record (exchanges, incidents, ...) -------------------------------------


class EntryAccess(enum.StrEnum):
    """How much of one record entry an actor reads (:func:`entry_access`)."""

    FULL = "full"  # every field
    SHARED = "shared"  # every field but the confidential ones
    PUBLIC = "public"  # the kind's public fields (only once their publishing is approved)
    NONE = "none"  # nothing: the entry answers 404, exactly like a missing one


def entry_access(
    view: AgreementView,
    *,
    owner: str | None,
    others: frozenset[str] = frozenset(),
    private_until_assessed: bool = False,
    assessed: bool = False,
    published: bool = False,
) -> EntryAccess:
    """What ``view``'s actor reads of an entry (``view`` of nobody: the public).

    The rules (issue 14): the mediators read every entry in full; the party an entry belongs to
    (``owner``: the party the people of an exchange are returned to, the party alleging an
    incident) reads it in full, confidential fields (names lists, the allegation's
    description) included. For a kind that is private until assessed (incidents), another party
    the entry names (``others``: the party accused) reads it without its confidential fields
    once the joint team has assessed it, and nothing before; any other party, and the public,
    read its public fields once publishing it is approved, and nothing otherwise. For other
    kinds (exchanges) every signatory party reads every entry but its confidential fields.

    >>> ua = AgreementView(4, {"Ukraine": OrganisationKind.PARTY})
    >>> ru = AgreementView(4, {"Russian Federation": OrganisationKind.PARTY})
    >>> incident = dict(owner="Russian Federation", others=frozenset({"Ukraine"}),
    ...                 private_until_assessed=True)
    >>> entry_access(ru, **incident), entry_access(ua, **incident)
    (<EntryAccess.FULL: 'full'>, <EntryAccess.NONE: 'none'>)
    >>> entry_access(ua, **incident, assessed=True)
    <EntryAccess.SHARED: 'shared'>
    """
    kinds = set(view.acts_for.values())
    if OrganisationKind.MEDIATOR in kinds:
        return EntryAccess.FULL
    parties = {name for name, kind in view.acts_for.items() if kind is OrganisationKind.PARTY}
    if owner is not None and owner in parties:
        return EntryAccess.FULL
    if parties and not private_until_assessed:
        return EntryAccess.SHARED
    if parties & others and assessed:
        return EntryAccess.SHARED
    return EntryAccess.PUBLIC if published else EntryAccess.NONE


def reads_field(access: EntryAccess, spec: FieldSpec) -> bool:
    """Whether a reader granted ``access`` to an entry reads its field ``spec``: every field in
    full, all but the confidential ones when shared, the public ones once published (the one
    rule for the entries' view and for the check of texts that could name a hidden entry).

    >>> names = FieldSpec("names_list", "Names", confidential=True)
    >>> reads_field(EntryAccess.FULL, names), reads_field(EntryAccess.SHARED, names)
    (True, False)
    """
    if access is EntryAccess.FULL:
        return True
    if access is EntryAccess.SHARED:
        return not spec.confidential
    return access is EntryAccess.PUBLIC and spec.public


# -- evidence of the provisions' assessments ----------------------------------------------------


class EvidenceAccess(enum.StrEnum):
    """Whether an actor reads one piece of a provision assessment's evidence
    (:func:`evidence_access`)."""

    SHOWN = "shown"
    IF_READABLE = "if_readable"  # an event: shown when what it names is readable (entry_access)
    HIDDEN = "hidden"


def evidence_access(view: AgreementView | None, kind: EvidenceKind | str) -> EvidenceAccess:
    """What ``view``'s actor (``None``: the public, once the provisions are published) reads of
    a piece of evidence of ``kind``.

    The mediators (the joint team, who assess) read every piece. A signatory party reads links
    and documents' references, and evidence that is an event of the record only when it names
    something of the record that party may read (:func:`entry_access`): an incident alleged
    against it and not yet assessed is hidden from it, and so is its citation as evidence (the
    provisions page showed "event: incident INC-..." to the accused party, telling it an
    allegation existed). The public reads links only.

    >>> ua = AgreementView(4, {"Ukraine": OrganisationKind.PARTY})
    >>> [evidence_access(ua, k).value for k in ("link", "document", "event")]
    ['shown', 'shown', 'if_readable']
    >>> evidence_access(None, "document"), evidence_access(None, "link")
    (<EvidenceAccess.HIDDEN: 'hidden'>, <EvidenceAccess.SHOWN: 'shown'>)
    """
    if view is None or not view.acts_for:
        return EvidenceAccess.SHOWN if kind == EvidenceKind.LINK else EvidenceAccess.HIDDEN
    if OrganisationKind.MEDIATOR in set(view.acts_for.values()):
        return EvidenceAccess.SHOWN
    return EvidenceAccess.IF_READABLE if kind == EvidenceKind.EVENT else EvidenceAccess.SHOWN


def evidence_kinds_offered(view: AgreementView | None) -> tuple[EvidenceKind, ...]:
    """The kinds of evidence ``view``'s actor may submit with an assessment: every kind for the
    mediators (the joint team, who alone assess), none for anyone else.

    >>> evidence_kinds_offered(AgreementView(4, {"UN": OrganisationKind.MEDIATOR}))[0].value
    'link'
    >>> evidence_kinds_offered(AgreementView(4, {"Ukraine": OrganisationKind.PARTY}))
    ()
    """
    if view is None or OrganisationKind.MEDIATOR not in set(view.acts_for.values()):
        return ()
    return (EvidenceKind.LINK, EvidenceKind.DOCUMENT, EvidenceKind.EVENT)


# -- the notes of the joint team's assessments ---------------------------------------------------


class AssessmentNote(enum.StrEnum):
    """The two notes of an assessment, by their field's name: one every signatory reads, one the
    mediators alone read (:func:`assessment_notes`)."""

    SIGNATORIES = "note"
    MEDIATORS = "internal_note"


def assessment_notes(view: AgreementView | None) -> frozenset[AssessmentNote]:
    """The notes of the joint team's assessments that ``view``'s actor reads (``None``: the
    public, once the provisions are published).

    The mediators (the joint team, who assess) read both. A signatory party reads the note
    written for every signatory, and so does the public once publishing the provisions is
    approved (as today). The internal note is the mediators' alone: there the joint team may
    explain an assessment by what a party may not read (an incident alleged against it and not
    yet assessed, :func:`entry_access`), which a note every signatory reads would tell it.

    >>> ua = AgreementView(4, {"Ukraine": OrganisationKind.PARTY})
    >>> un = AgreementView(4, {"UN": OrganisationKind.MEDIATOR})
    >>> [sorted(n.value for n in assessment_notes(v)) for v in (un, ua, None)]
    [['internal_note', 'note'], ['note'], ['note']]
    """
    if view is not None and OrganisationKind.MEDIATOR in set(view.acts_for.values()):
        return frozenset(AssessmentNote)
    return frozenset({AssessmentNote.SIGNATORIES})
