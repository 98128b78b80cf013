"""The life of an agreement as a pure, event-sourced state machine, with its term clock.

An agreement is a *draft* until every signatory has signed every instrument it appears on; it
is then *in force*. Its term starts at entry into force, or at the effective date if that is
later, and runs ``term_days`` days. When the term ends the renewal rule of the terms decides:

- ``automatic_unless_notice``: renewed for the same term unless a party gave notice, at least
  ``notice_days`` before the end (the Black Sea Grain Initiative's 120 days);
- ``by_consent``: renewed when every signatory has consented to a new term, for the *shortest*
  term consented to (the one every signatory accepted); when they named different terms (the
  "120 or 60 days" dispute of March 2023) the renewal is *disputed*, and the consents stay on
  record (:func:`term_periods`);
- ``none``: it expires.

A party may suspend its participation and resume it (the term keeps running, as it did from
29 October to 2 November 2022), and may withdraw, which ends the agreement. Every step is an
event in ``state.log``, the record every signatory sees.

The module is pure: time is passed in as an aware ``now``; events that time causes (renewal,
expiry) are produced by whichever action comes first after the term ends, or by :class:`Tick`.

>>> import datetime as dt
>>> from gobetween.agreements.terms import OperativeTerms, Renewal, RenewalRule
>>> terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 120,
...     Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE), dt.date(2022, 7, 22))
>>> state = AgreementState.open(terms, {"A": ("A", "UN"), "B": ("B", "UN")})
>>> t = dt.datetime(2022, 7, 22, 12, tzinfo=dt.timezone.utc)
>>> for party, signer in state.required:
...     state, events = step(state, Sign(signer, party), now=t)
>>> [e.type for e in events], state.status.value
(['signed', 'entered_into_force'], 'in_force')
>>> state, events = step(state, Tick(), now=t + dt.timedelta(days=121))
>>> [e.type for e in events], state.term_number
(['renewed'], 2)
>>> replay(AgreementState.open(terms, {"A": ("A", "UN"), "B": ("B", "UN")}),
...        [e.to_dict() for e in state.log]) == state
True
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, assert_never

from gobetween import wire
from gobetween.agreements import term_end
from gobetween.agreements.bundle import Bundle
from gobetween.agreements.events import (
    AgreementEvent,
    EnteredIntoForce,
    Expired,
    NoticeGiven,
    RenewalConsented,
    Renewed,
    Resumed,
    Signed,
    Suspended,
    Withdrawn,
    event_from_dict,
    utc,
)
from gobetween.agreements.terms import Link, OperativeTerms, RenewalRule, check_term_days
from gobetween.errors import N_, ProtocolError

__all__ = [
    "AgreementAction",
    "AgreementState",
    "AgreementStatus",
    "ConsentToRenewal",
    "GiveNotice",
    "LinkStatus",
    "Resume",
    "Sign",
    "Suspend",
    "TermClock",
    "TermPeriod",
    "Tick",
    "Withdraw",
    "apply",
    "clock",
    "decide",
    "link_statuses",
    "replay",
    "step",
    "suspensions",
    "term_periods",
]

DAY = dt.timedelta(days=1)


class AgreementStatus(enum.StrEnum):
    """Where an agreement is in its life."""

    DRAFT = "draft"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def is_over(self) -> bool:
        """True once the agreement has expired or been withdrawn."""
        return self in (AgreementStatus.EXPIRED, AgreementStatus.WITHDRAWN)


@dataclass(frozen=True)
class AgreementState:
    """Everything the lifecycle needs to know, rebuilt from the events in ``log``.

    ``required`` lists the ``(instrument party, signatory)`` pairs that must sign before the
    agreement enters into force; ``notices`` and ``consents`` concern the current term only.
    """

    terms: OperativeTerms
    parties: tuple[str, ...]
    required: tuple[tuple[str, str], ...]
    status: AgreementStatus = AgreementStatus.DRAFT
    signed: frozenset[tuple[str, str]] = frozenset()
    in_force_from: dt.datetime | None = None
    term_number: int = 0
    term_start: dt.datetime | None = None
    term_end: dt.datetime | None = None
    suspended_by: tuple[str, ...] = ()
    notices: Mapping[str, dt.datetime] = field(default_factory=lambda: MappingProxyType({}))
    consents: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    ended_at: dt.datetime | None = None
    log: tuple[AgreementEvent, ...] = ()

    @classmethod
    def open(
        cls, terms: OperativeTerms, signatories: Mapping[str, Iterable[str]]
    ) -> AgreementState:
        """A draft agreement: ``signatories`` maps each party to its instrument's signatories.

        :meth:`for_bundle` builds it from a bundle's instruments.
        """
        table = {party: tuple(names) for party, names in signatories.items()}
        required = tuple((party, s) for party, names in table.items() for s in names)
        if not required:
            raise ProtocolError(N_("an agreement needs at least one signatory"))
        for party, names in table.items():
            if party not in names:
                raise ProtocolError(f"the instrument of {party!r} must be signed by {party!r}")
        return cls(terms, tuple(table), required)

    @classmethod
    def for_bundle(cls, bundle: Bundle) -> AgreementState:
        """The draft agreement of a bundle's mirror instruments (signatures are not read).

        Each signature the service accepts becomes a :class:`Sign` action, so the record says
        when it was given.
        """
        return cls.open(bundle.terms, {i.party: i.signatory_names for i in bundle.instruments})

    @property
    def terms_hash(self) -> str:
        """The agreement's terms hash (its identity)."""
        return self.terms.terms_hash()

    @property
    def signatories(self) -> tuple[str, ...]:
        """Every organisation that signs, in first-seen order: the audience of the log."""
        return tuple(dict.fromkeys(s for _, s in self.required))

    @property
    def links(self) -> tuple[Link, ...]:
        """Linked side instruments (by terms hash), whose obligations are tracked too."""
        return self.terms.links

    @property
    def unsigned(self) -> tuple[tuple[str, str], ...]:
        """The ``(party, signatory)`` signatures still missing."""
        return tuple(pair for pair in self.required if pair not in self.signed)


# -- actions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sign:
    """``signer`` has signed the instrument of ``party`` (the signature was verified before)."""

    signer: str
    party: str


@dataclass(frozen=True)
class _PartyAct:
    """An act of ``party`` for ``reason``: the fields :class:`Suspend`, :class:`GiveNotice` and
    :class:`Withdraw` share."""

    party: str
    reason: str


@dataclass(frozen=True)
class Suspend(_PartyAct):
    """``party`` suspends its participation."""


@dataclass(frozen=True)
class Resume:
    """``party`` resumes its participation."""

    party: str


@dataclass(frozen=True)
class GiveNotice(_PartyAct):
    """``party`` gives notice that it does not want the term renewed."""


@dataclass(frozen=True)
class ConsentToRenewal:
    """``signatory`` consents to renew for ``term_days`` (under the ``by_consent`` rule)."""

    signatory: str
    term_days: int


@dataclass(frozen=True)
class Withdraw(_PartyAct):
    """``party`` withdraws: the agreement ends."""


@dataclass(frozen=True)
class Tick:
    """No act, only time passing: produces due renewals and expiry."""


AgreementAction = Sign | Suspend | Resume | GiveNotice | ConsentToRenewal | Withdraw | Tick


# -- decide ------------------------------------------------------------------------------------


def decide(
    state: AgreementState, action: AgreementAction, *, now: dt.datetime
) -> tuple[AgreementEvent, ...]:
    """The events ``action`` causes at ``now`` (renewals or expiry due first); else ProtocolError.

    >>> import datetime as dt
    >>> from gobetween.agreements.terms import Renewal
    >>> terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 30,
    ...     Renewal(RenewalRule.NONE), dt.date(2024, 1, 1))
    >>> state = AgreementState.open(terms, {"A": ("A",)})
    >>> decide(state, Suspend("A", "why"), now=dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))
    Traceback (most recent call last):
    ...
    gobetween.errors.ProtocolError: the agreement is not in force (draft)
    """
    at = utc(now)
    if state.log and at < state.log[-1].at:
        raise ProtocolError(f"time runs backwards: {at} is before the last event")
    due = _due_events(state, at)
    for event in due:
        state = apply(state, event)
    if isinstance(action, Tick):
        return due
    if state.status.is_over:
        raise ProtocolError(
            N_("the agreement has ended (%(status)s)"), params={"status": state.status}
        )
    return (*due, *_decide_action(state, action, at))


def _decide_action(
    state: AgreementState, action: AgreementAction, at: dt.datetime
) -> tuple[AgreementEvent, ...]:
    match action:
        case Sign():
            return _decide_sign(state, action, at)
        case Suspend():
            _check_party_in_force(state, action.party)
            if action.party in state.suspended_by:
                raise ProtocolError(
                    N_("%(party)r has already suspended its participation"),
                    params={"party": action.party},
                )
            return (Suspended(action.party, action.reason, at),)
        case Resume():
            if action.party not in state.suspended_by:
                raise ProtocolError(
                    N_("%(party)r has not suspended its participation"),
                    params={"party": action.party},
                )
            return (Resumed(action.party, at),)
        case GiveNotice():
            return (_decide_notice(state, action, at),)
        case ConsentToRenewal():
            return (_decide_consent(state, action, at),)
        case Withdraw():
            _check_party_in_force(state, action.party)
            return (Withdrawn(action.party, action.reason, at),)
        case Tick():
            return ()
        case _:
            assert_never(action)


def _check_party_in_force(state: AgreementState, party: str) -> None:
    if party not in state.parties:
        raise ProtocolError(
            N_("%(party)r is not a party of the agreement"), params={"party": party}
        )
    if state.status not in (AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED):
        raise ProtocolError(
            N_("the agreement is not in force (%(status)s)"), params={"status": state.status}
        )


def _decide_sign(
    state: AgreementState, action: Sign, at: dt.datetime
) -> tuple[AgreementEvent, ...]:
    pair = (action.party, action.signer)
    if pair not in state.required:
        raise ProtocolError(
            N_("%(signer)r does not sign the instrument of %(party)r"),
            params={"signer": action.signer, "party": action.party},
        )
    if pair in state.signed:
        raise ProtocolError(
            N_("%(signer)r has already signed the instrument of %(party)r"),
            params={"signer": action.signer, "party": action.party},
        )
    signed = Signed(action.signer, action.party, at)
    if set(state.unsigned) != {pair}:
        return (signed,)
    midnight = dt.datetime.combine(state.terms.effective_date, dt.time(), dt.UTC)
    start = max(at, midnight)
    return signed, EnteredIntoForce(start, start + state.terms.term_days * DAY, at)


def _decide_notice(state: AgreementState, action: GiveNotice, at: dt.datetime) -> NoticeGiven:
    _check_party_in_force(state, action.party)
    renewal = state.terms.renewal
    if renewal.rule is not RenewalRule.AUTOMATIC_UNLESS_NOTICE:
        raise ProtocolError(
            N_("notice of non-renewal does not apply: the renewal rule is %(rule)s"),
            params={"rule": renewal.rule},
        )
    if action.party in state.notices:
        raise ProtocolError(
            N_("%(party)r has already given notice for this term"), params={"party": action.party}
        )
    assert state.term_end is not None  # in force implies a term
    deadline = state.term_end - renewal.notice_days * DAY
    if at > deadline:
        raise ProtocolError(
            N_(
                "notice comes too late: the agreement asks for %(days)s days' notice, "
                "by %(deadline)s"
            ),
            params={"days": renewal.notice_days, "deadline": deadline},
        )
    return NoticeGiven(action.party, action.reason, at)


def _decide_consent(
    state: AgreementState, action: ConsentToRenewal, at: dt.datetime
) -> RenewalConsented:
    if action.signatory not in state.signatories:
        raise ProtocolError(
            N_("%(signatory)r is not a signatory"), params={"signatory": action.signatory}
        )
    if state.status not in (AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED):
        raise ProtocolError(
            N_("the agreement is not in force (%(status)s)"), params={"status": state.status}
        )
    if state.terms.renewal.rule is not RenewalRule.BY_CONSENT:
        raise ProtocolError(
            N_("renewal by consent does not apply: the renewal rule is %(rule)s"),
            params={"rule": state.terms.renewal.rule},
        )
    days = check_term_days(
        action.term_days,
        ProtocolError,
        N_("a renewal term is a whole number of days, got %(days)r"),
        N_("a renewal term must be positive, got %(days)s"),
    )
    return RenewalConsented(action.signatory, days, at)


def _due_events(state: AgreementState, at: dt.datetime) -> tuple[AgreementEvent, ...]:
    """Renewals and expiry that the passing of time has made due by ``at``."""
    events: list[AgreementEvent] = []
    while not state.status.is_over and state.term_end is not None and at >= state.term_end:
        end = state.term_end
        event = _end_of_term(state, end)
        events.append(event)
        state = apply(state, event)
    return tuple(events)


def _end_of_term(state: AgreementState, end: dt.datetime) -> AgreementEvent:
    renewal = state.terms.renewal
    number = state.term_number + 1
    if renewal.rule is RenewalRule.AUTOMATIC_UNLESS_NOTICE:
        if state.notices:
            return Expired(term_end.notice_given(state.notices), end)
        days = state.terms.term_days
        return Renewed(number, days, end, end + days * DAY, term_end.AUTOMATIC, end)
    if renewal.rule is RenewalRule.BY_CONSENT:
        missing = [s for s in state.signatories if s not in state.consents]
        if missing:
            return Expired(term_end.no_consent_from(missing), end)
        days = min(state.consents.values())
        basis = term_end.CONSENT_OF_ALL
        if len(set(state.consents.values())) > 1:
            basis = term_end.consents_differ(state.consents)
        return Renewed(number, days, end, end + days * DAY, basis, end)
    return Expired(term_end.NO_RENEWAL, end)


# -- apply, step, replay -----------------------------------------------------------------------


def apply(state: AgreementState, event: AgreementEvent) -> AgreementState:
    """The state after ``event``."""
    log = (*state.log, event)
    match event:
        case Signed():
            return replace(state, signed=state.signed | {(event.party, event.signer)}, log=log)
        case EnteredIntoForce():
            return replace(
                state,
                status=AgreementStatus.IN_FORCE,
                in_force_from=event.at,
                term_number=1,
                term_start=event.term_start,
                term_end=event.term_end,
                log=log,
            )
        case Suspended():
            return replace(
                state,
                status=AgreementStatus.SUSPENDED,
                suspended_by=(*state.suspended_by, event.party),
                log=log,
            )
        case Resumed():
            still = tuple(p for p in state.suspended_by if p != event.party)
            status = AgreementStatus.SUSPENDED if still else AgreementStatus.IN_FORCE
            return replace(state, status=status, suspended_by=still, log=log)
        case NoticeGiven():
            notices = {**state.notices, event.party: event.at}
            return replace(state, notices=MappingProxyType(notices), log=log)
        case RenewalConsented():
            consents = {**state.consents, event.signatory: event.term_days}
            return replace(state, consents=MappingProxyType(consents), log=log)
        case Renewed():
            return replace(
                state,
                term_number=event.term_number,
                term_start=event.term_start,
                term_end=event.term_end,
                notices=MappingProxyType({}),
                consents=MappingProxyType({}),
                log=log,
            )
        case Expired():
            return replace(state, status=AgreementStatus.EXPIRED, ended_at=event.at, log=log)
        case Withdrawn():
            return replace(state, status=AgreementStatus.WITHDRAWN, ended_at=event.at, log=log)
        case _:
            assert_never(event)


#: ``step(state, action, *, now)`` and ``replay(initial, events)`` (:class:`gobetween.wire.Loop`).
_LOOP = wire.Loop(decide, apply, event_from_dict)
step, replay = _LOOP.step, _LOOP.replay


# -- the term clock ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TermClock:
    """Where the current term stands at ``now``.

    ``days_left`` counts whole days to the end of the term (0 on its last day); ``notice_by``
    is the last moment a party may give notice (automatic renewal only); ``warning`` is true in
    the last ``warning_days`` before the end or before the notice deadline; ``renewal_due`` is
    true when the term has ended and a :class:`Tick` would renew or end the agreement.
    """

    status: AgreementStatus
    term_number: int
    term_start: dt.datetime | None
    term_end: dt.datetime | None
    days_left: int | None
    notice_by: dt.datetime | None
    warning: bool
    renewal_due: bool

    def to_dict(self) -> dict[str, Any]:
        """The clock as plain JSON data."""
        return {
            "status": str(self.status),
            "term_number": self.term_number,
            "term_start": self.term_start.isoformat() if self.term_start else None,
            "term_end": self.term_end.isoformat() if self.term_end else None,
            "days_left": self.days_left,
            "notice_by": self.notice_by.isoformat() if self.notice_by else None,
            "warning": self.warning,
            "renewal_due": self.renewal_due,
        }


def clock(state: AgreementState, now: dt.datetime, *, warning_days: int = 14) -> TermClock:
    """The term clock at ``now`` (nothing is decided: use :class:`Tick` for that).

    >>> import datetime as dt
    >>> from gobetween.agreements.terms import Renewal
    >>> terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 120,
    ...     Renewal(RenewalRule.AUTOMATIC_UNLESS_NOTICE, 7), dt.date(2022, 7, 22))
    >>> state = AgreementState.open(terms, {"A": ("A",)})
    >>> t = dt.datetime(2022, 7, 22, tzinfo=dt.timezone.utc)
    >>> state, _ = step(state, Sign("A", "A"), now=t)
    >>> c = clock(state, t + dt.timedelta(days=110))
    >>> c.days_left, c.notice_by.date().isoformat(), c.warning
    (10, '2022-11-12', True)
    """
    at = utc(now)
    if state.term_end is None or state.status.is_over:
        return TermClock(state.status, state.term_number, state.term_start, state.term_end,
                         None, None, False, False)  # fmt: skip
    renewal = state.terms.renewal
    notice_by = None
    if renewal.rule is RenewalRule.AUTOMATIC_UNLESS_NOTICE:
        notice_by = state.term_end - renewal.notice_days * DAY
    left = state.term_end - at
    days_left = max(left // DAY, 0)
    horizon = min(state.term_end, notice_by or state.term_end) - warning_days * DAY
    return TermClock(
        status=state.status,
        term_number=state.term_number,
        term_start=state.term_start,
        term_end=state.term_end,
        days_left=days_left,
        notice_by=notice_by,
        warning=at >= horizon,
        renewal_due=at >= state.term_end,
    )


# -- the history of terms -----------------------------------------------------------------------


@dataclass(frozen=True)
class TermPeriod:
    """One term of an agreement as its log records it (``number`` 1 is the first term).

    ``consents`` are the renewal consents given during the previous term (empty for the first
    term and for automatic renewals); ``disputed`` is true when they named different terms.
    ``end`` is the scheduled end, or the moment the agreement ended if that came first.
    """

    number: int
    start: dt.datetime
    end: dt.datetime
    days: int
    basis: str
    consents: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def disputed(self) -> bool:
        """True when the signatories consented to different terms for this renewal."""
        return len(set(self.consents.values())) > 1

    def to_dict(self) -> dict[str, Any]:
        """The term as plain JSON data."""
        return {
            "number": self.number,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "basis": self.basis,
            "consents": dict(self.consents),
            "disputed": self.disputed,
        }


def term_periods(state: AgreementState) -> tuple[TermPeriod, ...]:
    """Every term so far, from the log: the first at entry into force, then each renewal.

    The one term clock of gobetween: the joint record's term chart is drawn from it.

    >>> import datetime as dt
    >>> from gobetween.agreements.terms import Renewal
    >>> terms = OperativeTerms("g", {"x": "1"}, {"x": "One."}, 120,
    ...     Renewal(RenewalRule.BY_CONSENT), dt.date(2022, 7, 22))
    >>> state = AgreementState.open(terms, {"A": ("A",), "B": ("B",)})
    >>> t = dt.datetime(2022, 7, 22, tzinfo=dt.timezone.utc)
    >>> state, _ = step(state, Sign("A", "A"), now=t)
    >>> state, _ = step(state, Sign("B", "B"), now=t)
    >>> state, _ = step(state, ConsentToRenewal("A", 120), now=t + 100 * DAY)
    >>> state, _ = step(state, ConsentToRenewal("B", 60), now=t + 100 * DAY)
    >>> [(p.days, p.disputed) for p in term_periods(step(state, Tick(), now=t + 120 * DAY)[0])]
    [(120, False), (60, True)]
    """
    periods: list[TermPeriod] = []
    consents: dict[str, int] = {}
    for event in state.log:
        if isinstance(event, EnteredIntoForce):
            days = (event.term_end - event.term_start) // DAY
            periods.append(
                TermPeriod(1, event.term_start, event.term_end, days, "entry into force")
            )
        elif isinstance(event, RenewalConsented):
            consents[event.signatory] = event.term_days
        elif isinstance(event, Renewed):
            periods.append(
                TermPeriod(
                    event.term_number,
                    event.term_start,
                    event.term_end,
                    event.term_days,
                    event.basis,
                    MappingProxyType(dict(consents)),
                )
            )
            consents = {}
    if periods and state.ended_at is not None and state.ended_at < periods[-1].end:
        periods[-1] = replace(periods[-1], end=state.ended_at)
    return tuple(periods)


def suspensions(state: AgreementState) -> tuple[tuple[str, dt.datetime, dt.datetime | None], ...]:
    """``(party, from, until)`` for every suspension of participation (until ``None``: still)."""
    out: list[tuple[str, dt.datetime, dt.datetime | None]] = []
    for event in state.log:
        if isinstance(event, Suspended):
            out.append((event.party, event.at, None))
        elif isinstance(event, Resumed):
            for i in range(len(out) - 1, -1, -1):
                if out[i][0] == event.party and out[i][2] is None:
                    out[i] = (event.party, out[i][1], event.at)
                    break
    return tuple(out)


# -- linked side instruments -------------------------------------------------------------------


@dataclass(frozen=True)
class LinkStatus:
    """A linked instrument and where it stands (``status`` is None when it is not known here)."""

    link: Link
    status: AgreementStatus | None

    def to_dict(self) -> dict[str, Any]:
        """The link and its status as plain JSON data."""
        return {**self.link.to_dict(), "status": str(self.status) if self.status else None}


def link_statuses(
    state: AgreementState, known: Mapping[str, AgreementState]
) -> tuple[LinkStatus, ...]:
    """Each side instrument that ``state``'s terms link to, with its status from ``known``.

    ``known`` maps terms hashes to agreement states (those the caller holds), so a joint record
    can show, beside the initiative, whether its memorandum is in force, suspended or over.

    >>> import datetime as dt
    >>> from gobetween.agreements.terms import Renewal
    >>> memo = OperativeTerms("memo", {"x": "1"}, {"x": "One."}, 1095,
    ...     Renewal(RenewalRule.NONE), dt.date(2022, 7, 22))
    >>> grain = OperativeTerms("grain", {"x": "1"}, {"x": "One."}, 120,
    ...     Renewal(RenewalRule.NONE), dt.date(2022, 7, 22),
    ...     links=(Link("Memorandum", memo.terms_hash()),))
    >>> memo_state = AgreementState.open(memo, {"RU": ("RU", "UN")})
    >>> state = AgreementState.open(grain, {"RU": ("RU", "UN")})
    >>> [s.status for s in link_statuses(state, {memo.terms_hash(): memo_state})]
    [<AgreementStatus.DRAFT: 'draft'>]
    """
    return tuple(
        LinkStatus(link, known[link.terms_hash].status if link.terms_hash in known else None)
        for link in state.links
    )
