"""Proof of confidentiality: a Hypothesis stateful test over the whole API.

Random users in random seats (party members, mediators of some tracks, observers, admins,
outsiders) of several processes perform random actions in random order: post messages, record
preferences, publish texts, answer them, send and forward offers, move party members between
parties, run the e-mail notifier (whose mails may carry no marker at all). Every private datum
carries a unique marker registered with the party it belongs to. After each step, every
party member, observer and outsider of the process just touched reads every endpoint (lists,
search, counts, single objects by id, SSE streams, error answers) and no response may contain a
marker of a party the reader is not a member of. An independent oracle
predicts each action's status code (success, 403, or 404 exactly as for a missing object).

It also searches for counting channels: around every action, each party's and observer's every
observable of the track (the event stream with its cursor ids, channels with message and unread
counts, its own channel's numbered messages, offers, texts, preferences, search), byte for byte,
must stay the same unless the action was that party's own business (its channel, its
preferences, its answers, its offers) or public (a published text, a track ready to agree).
A failed action leaves every observable of everyone unchanged.

And for timing channels, on the store's clock set by hand (``tests.service.world.Clock``): each
action happens at an instant of its own, a whole second apart, remembered with whose business
it was. Every time any reader's observables show must be the instant of an action that reader
may know of (its own party's, public ones, the set-up of the process): a time shown that only
another party's action (or a mediators' draft, or a refused action) could have produced would
tell the reader when that party acted. A party's new message and preferences are stamped with
the instant of the very action (not moved by anyone's earlier or later writes).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from tests import depth
from tests.service.asgi import client as asgi_client
from tests.service.asgi import run_inline
from tests.service.world import Clock, make_settings

from gobetween.model import Agenda, Issue, OrganisationKind, Role
from gobetween.service import identity, notifications, prepare
from gobetween.service.app import create_app
from gobetween.service.context import Services
from gobetween.store import repositories
from gobetween.store.setup_tables import MailOutbox, MailSettings
from gobetween.store.tables import Channel, User, utcnow

AGENDA = Agenda((Issue.discrete("a", ["a0", "a1", "a2"]), Issue.discrete("b", ["b0", "b1"])))
COUNTER = itertools.count(1)
MISSING = 2_000_000_000  # an id that exists nowhere
EVERYONE = -1  # an action every reader of the track may observe (nothing is compared)
MEDIATORS = -2  # the owner of a marker only the mediators may read (drafts)
START = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
#: a time as the API writes it (ISO 8601, with or without fractions and offset)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")


def marker(kind: str) -> str:
    return f"SECRET{kind}{next(COUNTER):07d}X"


def reservation_marker() -> tuple[float, str]:
    n = next(COUNTER)
    value = 0.5 + n * 1e-7 + 3e-8  # unique 0.5xxxxxx3 values, written as such in JSON
    return value, repr(value)


@dataclass
class Seat:
    name: str
    token: str
    process: int
    role: Role | None  # None: outsider
    org: int | None


@dataclass
class TrackModel:
    id: int
    process: int
    parties: list[int]
    mediators: list[int]
    observers: list[int]
    channels: dict[int, int]  # party org -> channel id
    versions: int = 0
    ready: bool = False
    offers: int = 0
    drafts: list[tuple[int, int | None]] = field(default_factory=list)  # (draft id, its org)


@dataclass
class Shared:
    """One app for the whole test, so examples accumulate data as a real server would."""

    services: Services
    client: httpx.Client
    secrets: dict[str, int] = field(default_factory=dict)  # marker -> owning party org
    messages: dict[str, int] = field(default_factory=dict)  # message marker -> channel id


def build_process(shared: Shared, draw: Any) -> tuple[list[Seat], list[TrackModel], int]:
    services = shared.services
    n_parties = draw(st.integers(2, 3))
    n_mediators = draw(st.integers(1, 2))
    seats: list[Seat] = []
    tracks: list[TrackModel] = []
    with services.db.unit_of_work() as session:
        uid = next(COUNTER)

        def user(label: str) -> tuple[int, str]:
            u = identity.create_user(
                session,
                services.hasher,
                email=f"{label}{uid}@x.org",
                name=label,
                password=None,
            )
            _, token = identity.create_api_token(
                session, repositories.load_actor(session, u.id), "t"
            )
            return u.id, token

        admin_id, admin_token = user("admin")
        admin = repositories.load_actor(session, admin_id)
        process = prepare.create_process(session, admin, name=f"p{uid}")
        admin = repositories.load_actor(session, admin_id)
        seats.append(Seat(f"admin{uid}", admin_token, process.id, Role.ADMIN, None))
        orgs: dict[OrganisationKind, list[int]] = {k: [] for k in OrganisationKind}
        counts = {
            OrganisationKind.PARTY: n_parties,
            OrganisationKind.MEDIATOR: n_mediators,
            OrganisationKind.OBSERVER: 1,
        }
        roles = {
            OrganisationKind.PARTY: Role.PARTY_MEMBER,
            OrganisationKind.MEDIATOR: Role.MEDIATOR,
            OrganisationKind.OBSERVER: Role.OBSERVER,
        }
        for kind, count in counts.items():
            for i in range(count):
                org = prepare.add_organisation(
                    session, admin, process.id, name=f"{kind.value}{i}", kind=kind
                )
                orgs[kind].append(org.id)
                for m in range(draw(st.integers(1, 2)) if kind is OrganisationKind.PARTY else 1):
                    label = f"{kind.value}{i}m{m}u"
                    _, token = user(label)
                    session.flush()
                    prepare.add_member(
                        session,
                        admin,
                        process.id,
                        email=f"{label}{uid}@x.org",
                        role=roles[kind],
                        organisation_id=org.id,
                    )
                    seats.append(Seat(f"{label}{uid}", token, process.id, roles[kind], org.id))
        _, outsider_token = user("outsider")
        seats.append(Seat(f"outsider{uid}", outsider_token, process.id, None, None))
        layouts = [(orgs[OrganisationKind.PARTY], orgs[OrganisationKind.MEDIATOR][:1], True)]
        if draw(st.booleans()):  # a second track: two parties, the last mediator, no observer
            layouts.append(
                (orgs[OrganisationKind.PARTY][:2], orgs[OrganisationKind.MEDIATOR][-1:], False)
            )
        for n, (parties, mediators, observed) in enumerate(layouts):
            observers = orgs[OrganisationKind.OBSERVER] if observed else []
            row = prepare.create_track(
                session,
                admin,
                process.id,
                name=f"track{n}",
                agenda=AGENDA,
                organisation_ids=parties + mediators + observers,
            )
            session.flush()
            channels = {
                c.party_id: c.id
                for c in session.execute(
                    select(Channel).where(Channel.track_id == row.id)
                ).scalars()
            }
            tracks.append(
                TrackModel(row.id, process.id, list(parties), list(mediators), observers, channels)
            )
    return seats, tracks, process.id


class Confidentiality(RuleBasedStateMachine):
    shared: Shared
    clock = utcnow()  # the notifier's time, moved on by each round
    mails_read = 0  # the last e-mail checked
    #: the store's clock, moved on a whole second before every action
    time: Clock
    #: each action's instant -> whose business it was (a party's org, EVERYONE, MEDIATORS,
    #: or None: nobody's, a refused action or a reading)
    instants: ClassVar[dict[dt.datetime, int | None]] = {}

    def __init__(self) -> None:
        super().__init__()
        self.seats: list[Seat] = []
        self.tracks: list[TrackModel] = []
        self.touched: set[int] = set()
        self.last_urls: list[str] = []
        #: the observables after an action (its track's id and step number first), reused as
        #: the next action's "before" when that is of the same track and comes right after it
        self.last_snapshot: tuple[int, int, dict[str, list[tuple[int, str]]]] | None = None
        self.steps = 0  # steps run so far (counted by the invariant that runs after each)
        self.action_at: dt.datetime | None = None  # the instant of the action of this step

    # -- helpers --------------------------------------------------------------------------

    def call(self, seat: Seat, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {seat.token}"}
        r = self.shared.client.request(method, url, headers=headers, **kwargs)
        assert r.status_code < 500, (method, url, r.status_code, r.text)
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json", (url, r.text)
        return r

    def seat_in(self, seat: Seat, track: TrackModel) -> str | None:
        if seat.process != track.process or seat.role is None:
            return None
        if seat.role is Role.ADMIN:
            return "admin"
        if seat.role is Role.MEDIATOR and seat.org in track.mediators:
            return "mediator"
        if seat.role is Role.PARTY_MEMBER and seat.org in track.parties:
            return "party"
        if seat.role is Role.OBSERVER and seat.org in track.observers:
            return "observer"
        return None

    # -- counting channels ----------------------------------------------------------------

    def observables(self, seat: Seat, track: TrackModel) -> list[tuple[int, str]]:
        """Everything ``seat`` sees of ``track`` that counts, numbers or orders anything."""
        base = f"/api/tracks/{track.id}"
        urls = [
            f"{base}/events?follow=false",
            f"{base}/channels",
            f"{base}/offers",
            f"{base}/text",
            f"{base}/preferences",
            f"{base}/messages?q=SECRET",
        ]
        if seat.role is Role.PARTY_MEMBER and seat.org in track.channels:
            urls.append(f"/api/channels/{track.channels[seat.org]}/messages?limit=500")
        answers = [self.call(seat, "GET", url) for url in urls]
        return [(r.status_code, r.text) for r in answers]

    def track_readers(self, track: TrackModel) -> list[Seat]:
        """One party member per party, and the observer, of the track's process."""
        views: dict[tuple[Role | None, int | None], Seat] = {}
        for s in self.seats:
            if s.process == track.process and s.role in (Role.PARTY_MEMBER, Role.OBSERVER):
                views.setdefault((s.role, s.org), s)
        return list(views.values())

    def tick(self) -> dt.datetime:
        """Move the store's clock on to the next action's own instant (owner unknown yet)."""
        now = self.time.now + dt.timedelta(seconds=1)
        self.time.set(now)
        Confidentiality.instants[now] = None
        return now

    def owns(self, instant: dt.datetime, owner: int | None) -> None:
        """The action at ``instant`` was ``owner``'s business (see :meth:`only_owner_sees`)."""
        Confidentiality.instants[instant] = owner

    def times_known(self, seat: Seat, seen: list[tuple[int, str]]) -> None:
        """Every time in ``seen`` is the instant of an action ``seat`` may know of."""
        own = seat.org if seat.role is Role.PARTY_MEMBER else None
        for _status, text in seen:
            for raw in STAMP.findall(text):
                at = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
                if at.tzinfo is None:
                    at = at.replace(tzinfo=dt.UTC)
                if at not in Confidentiality.instants:
                    continue  # not a time the store took (a deadline, a date typed in)
                owner = Confidentiality.instants[at]
                assert owner == EVERYONE or (own is not None and owner == own), (
                    seat.name,
                    seat.role,
                    raw,
                    owner,
                )

    def snapshot(self, track: TrackModel) -> dict[str, list[tuple[int, str]]]:
        """Every reader's observables, reusing the last step's when it was of the same track and
        no other step ran since (whatever it was)."""
        if self.last_snapshot is not None:
            track_id, step, seen = self.last_snapshot
            if track_id == track.id and step == self.steps - 1:
                return seen
        return {s.name: self.observables(s, track) for s in self.track_readers(track)}

    def only_owner_sees(
        self, track: TrackModel, before: dict[str, list[tuple[int, str]]], owner: int | None
    ) -> None:
        """Every reader but the members of ``owner`` (None: no one; EVERYONE: all) observes the
        same as before the action."""
        if self.action_at is not None:
            self.owns(self.action_at, owner)
        after = {s.name: self.observables(s, track) for s in self.track_readers(track)}
        self.last_snapshot = (track.id, self.steps, after)
        for seat in self.track_readers(track):
            self.times_known(seat, after[seat.name])
        if owner == EVERYONE:
            return
        for seat in self.track_readers(track):
            if seat.role is Role.PARTY_MEMBER and seat.org == owner:
                continue
            now = after[seat.name]
            assert now == before[seat.name], (seat.name, seat.role, owner, before[seat.name], now)

    # -- setup ----------------------------------------------------------------------------

    @initialize(data=st.data(), processes=st.integers(1, 2))
    def build(self, data: st.DataObject, processes: int) -> None:
        self.owns(self.tick(), EVERYONE)  # the set-up: known to every member
        for _ in range(processes):
            seats, tracks, pid = build_process(self.shared, data.draw)
            self.seats += seats
            self.tracks += tracks
            self.touched.add(pid)

    def pick(self, data: st.DataObject, *parts: str) -> tuple[Seat, TrackModel]:
        seat = data.draw(st.sampled_from(self.seats))
        track = data.draw(st.sampled_from(self.tracks))
        self.touched = {seat.process, track.process}
        base = f"/api/tracks/{track.id}"
        self.last_urls = [f"{base}/events?follow=false"] + [f"{base}{p}" for p in parts]
        self.action_at = self.tick()
        return seat, track

    # -- actions --------------------------------------------------------------------------

    @rule(data=st.data())
    def post_message(self, data: st.DataObject) -> None:
        seat, track = self.pick(data, "/channels", "/messages?q=SECRET")
        self.last_urls += [f"/api/channels/{c}/messages" for c in track.channels.values()]
        party = data.draw(st.sampled_from(sorted(track.channels)))
        secret = marker("M")
        before = self.snapshot(track)
        r = self.call(
            seat, "POST", f"/api/channels/{track.channels[party]}/messages", json={"text": secret}
        )
        where = self.seat_in(seat, track)
        allowed = where == "mediator" or (where == "party" and seat.org == party)
        assert r.status_code == (201 if allowed else 404), (where, r.text)
        if allowed:
            self.shared.secrets[secret] = party
            self.shared.messages[secret] = track.channels[party]
            stamp = dt.datetime.fromisoformat(r.json()["created_at"].replace("Z", "+00:00"))
            assert stamp == self.action_at, (stamp, self.action_at)  # its own instant
        self.only_owner_sees(track, before, party if allowed else None)

    @rule(data=st.data())
    def record_preferences(self, data: st.DataObject) -> None:
        seat, track = self.pick(data, "/preferences", "/analysis")
        self.last_urls += [f"/api/tracks/{track.id}/parties/{p}/preferences" for p in track.parties]
        value, secret = reservation_marker()
        body = {
            "weights": {"a": data.draw(st.integers(1, 5)), "b": 1},
            "ratings": {"a": {"a0": 0, "a1": 0.5, "a2": 1}, "b": {"b0": 1, "b1": 0}},
            "reservation": value,
        }
        before = self.snapshot(track)
        r = self.call(seat, "PUT", f"/api/tracks/{track.id}/preferences", json=body)
        where = self.seat_in(seat, track)
        expected = 201 if where == "party" else 404 if where is None else 403
        assert r.status_code == expected, (where, r.text)
        if r.status_code == 201:
            assert seat.org is not None
            self.shared.secrets[secret] = seat.org
            stamp = dt.datetime.fromisoformat(r.json()["created_at"].replace("Z", "+00:00"))
            assert stamp == self.action_at, (stamp, self.action_at)  # its own instant
        self.only_owner_sees(track, before, seat.org if r.status_code == 201 else None)

    @rule(data=st.data())
    def publish_text(self, data: st.DataObject) -> None:
        seat, track = self.pick(data, "/text")
        package = {"a": data.draw(st.sampled_from(["a0", "a1", "a2"])), "b": "b0"}
        before = self.snapshot(track)
        r = self.call(
            seat,
            "POST",
            f"/api/tracks/{track.id}/text/versions",
            json={"package": package, "note": f"public note {next(COUNTER)}"},
        )
        where = self.seat_in(seat, track)
        if where == "mediator":
            assert r.status_code == (409 if track.ready else 201), r.text
            track.versions += r.status_code == 201
        else:
            assert r.status_code == (404 if where is None else 403), (where, r.text)
        self.only_owner_sees(track, before, EVERYONE if r.status_code == 201 else None)

    @rule(data=st.data())
    def answer_text(self, data: st.DataObject) -> None:
        seat, track = self.pick(data, "/text")
        secret = marker("A")
        kind = data.draw(st.sampled_from(["accept", "reject", "amend"]))
        body: dict[str, Any] = {"version": max(track.versions, 1), "kind": kind}
        body["reasons"] = [secret]
        if kind == "amend":  # an amendment request must name at least one amendment
            body["amendments"] = {"b": "b1"}  # every published text says b0
        before = self.snapshot(track)
        r = self.call(seat, "POST", f"/api/tracks/{track.id}/text/answers", json=body)
        where = self.seat_in(seat, track)
        owner = None
        if where == "party":
            ok = track.versions > 0 and not track.ready
            assert r.status_code == (201 if ok else 409), r.text
            if r.status_code == 201:
                assert seat.org is not None
                self.shared.secrets[secret] = seat.org
                track.ready = r.json()["status"] == "ready_for_agreement"
                owner = EVERYONE if track.ready else seat.org  # ready: public news
        else:
            assert r.status_code == (404 if where is None else 403), (where, r.text)
        self.only_owner_sees(track, before, owner)

    @rule(data=st.data())
    def answer_articles(self, data: st.DataObject) -> None:
        """A party answers article by article, with a reason and proposed wording of its own."""
        seat, track = self.pick(data, "/text")
        reason, proposed = marker("R"), marker("W")
        stance = data.draw(st.sampled_from(["agree", "can_live_with", "cannot_accept"]))
        body = {
            "version": max(track.versions, 1),
            "kind": "amend",
            "articles": [
                {"article": "art-1", "stance": stance, "reason": reason},
                {"article": "art-2", "stance": "agree", "proposed": {"en": proposed}},
            ],
        }
        before = self.snapshot(track)
        r = self.call(seat, "POST", f"/api/tracks/{track.id}/text/answers", json=body)
        where = self.seat_in(seat, track)
        owner = None
        if where == "party":
            ok = track.versions > 0 and not track.ready
            assert r.status_code == (201 if ok else 409), r.text
            if r.status_code == 201:
                assert seat.org is not None
                self.shared.secrets[reason] = self.shared.secrets[proposed] = seat.org
                owner = seat.org
        else:
            assert r.status_code == (404 if where is None else 403), (where, r.text)
        self.only_owner_sees(track, before, owner)

    def pick_drafter(self, data: st.DataObject) -> tuple[Seat, TrackModel]:
        """Mostly a mediator of the track (drafts are theirs), sometimes anyone."""
        seat, track = self.pick(data, "/text/drafts")
        mediators = [s for s in self.seats if self.seat_in(s, track) == "mediator"]
        if mediators and data.draw(st.integers(0, 3)):
            seat = data.draw(st.sampled_from(mediators))
            self.touched = {seat.process, track.process}
        return seat, track

    @rule(data=st.data())
    def save_draft(self, data: st.DataObject) -> None:
        """A mediator saves a draft: no party, observer or outsider sees it, nor anything move."""
        seat, track = self.pick_drafter(data)
        secret = marker("D")
        before = self.snapshot(track)
        body = {"package": {"a": "a1", "b": "b0"}, "note": secret}
        r = self.call(seat, "POST", f"/api/tracks/{track.id}/text/drafts", json=body)
        where = self.seat_in(seat, track)
        if where == "mediator":
            assert r.status_code == 201, r.text
            self.shared.secrets[secret] = MEDIATORS
            track.drafts.append((r.json()["id"], seat.org))
        else:
            assert r.status_code == 404, (where, r.text)  # a draft's place is hidden from all
        self.only_owner_sees(track, before, None)

    @rule(data=st.data())
    def approve_draft(self, data: st.DataObject) -> None:
        """A mediator of another organisation approves a draft; recorded, seen by no party."""
        seat, track = self.pick_drafter(data)
        if not track.drafts:
            return
        draft, drafter = data.draw(st.sampled_from(track.drafts))
        before = self.snapshot(track)
        url = f"/api/tracks/{track.id}/text/drafts/{draft}/approval"
        r = self.call(seat, "POST", url)
        where = self.seat_in(seat, track)
        if where == "mediator":
            assert r.status_code == (409 if seat.org == drafter else 200), r.text
        else:
            assert r.status_code == 404, (where, r.text)
        self.only_owner_sees(track, before, None)

    @rule(data=st.data())
    def submit_offer(self, data: st.DataObject) -> None:
        seat, track = self.pick(data, "/offers")
        secret = marker("O")
        body = {"options": {"a": "a1"}, "message": secret}
        before = self.snapshot(track)
        r = self.call(seat, "POST", f"/api/tracks/{track.id}/offers", json=body)
        where = self.seat_in(seat, track)
        assert r.status_code == (201 if where == "party" else 404 if where is None else 403)
        if r.status_code == 201:
            assert seat.org is not None
            self.shared.secrets[secret] = seat.org
            track.offers += 1
        self.only_owner_sees(track, before, seat.org if r.status_code == 201 else None)

    @rule(data=st.data())
    def decide_offer(self, data: st.DataObject) -> None:
        seat, track = self.pick(data, "/offers")
        number = data.draw(st.integers(1, max(track.offers, 1)))
        if data.draw(st.booleans()):
            url = f"/api/tracks/{track.id}/offers/{number}/forward"
            body: dict[str, Any] = {"message": f"the mediators relay proposal {next(COUNTER)}"}
        else:
            url = f"/api/tracks/{track.id}/offers/{number}/decline"
            body = {"reason": f"declined {next(COUNTER)}"}
        before = self.snapshot(track)
        r = self.call(seat, "POST", url, json=body)
        where = self.seat_in(seat, track)
        if where == "mediator":
            assert r.status_code in (200, 409), r.text
        else:
            assert r.status_code == (404 if where is None else 403), (where, r.text)
        # a decision reaches the sender and, forwarded, the recipients: not compared
        self.only_owner_sees(track, before, EVERYONE if r.status_code == 200 else None)

    @rule(data=st.data())
    def move_party_member(self, data: st.DataObject) -> None:
        members = [s for s in self.seats if s.role is Role.PARTY_MEMBER]
        seat = data.draw(st.sampled_from(members))
        admin = next(s for s in self.seats if s.process == seat.process and s.role is Role.ADMIN)
        parties = sorted(
            {p for t in self.tracks if t.process == seat.process for p in t.parties} - {seat.org}
        )
        target = data.draw(st.sampled_from(parties))
        me = self.call(seat, "GET", "/api/auth/me").json()
        membership = next(m for m in me["memberships"] if m["process_id"] == seat.process)
        self.owns(self.tick(), EVERYONE)  # a change of membership: known to the process
        r = self.call(
            admin,
            "PATCH",
            f"/api/processes/{seat.process}/members/{membership['id']}",
            json={"role": "party_member", "organisation_id": target},
        )
        assert r.status_code == 200, r.text
        seat.org = target
        self.action_at = None
        self.last_snapshot = None
        self.touched = {seat.process}
        self.last_urls = self.readable(seat)

    @rule(data=st.data())
    def analysis(self, data: st.DataObject) -> None:
        seat, track = self.pick(data, "/analysis")
        before = self.snapshot(track)
        r = self.call(seat, "GET", f"/api/tracks/{track.id}/analysis")
        if self.seat_in(seat, track) == "mediator":
            assert r.status_code in (200, 409), r.text
        else:
            assert r.status_code == 404, r.text
        self.only_owner_sees(track, before, None)

    # -- the property ---------------------------------------------------------------------

    def readable(self, seat: Seat) -> list[str]:
        """Every GET a reader can try in the touched processes (and by id anywhere)."""
        urls = ["/api/processes", "/api/auth/me", "/api/auth/tokens"]
        for pid in sorted(self.touched):
            urls += [f"/api/processes/{pid}/{x}" for x in ("members", "organisations", "tracks")]
        urls += [f"/api/tracks/{MISSING}/text", f"/api/channels/{MISSING}/messages"]
        for t in self.tracks:
            if t.process not in self.touched:
                continue
            base = f"/api/tracks/{t.id}"
            urls += [
                base,
                f"{base}/channels",
                f"{base}/messages?q=SECRET",
                f"{base}/preferences",
                f"{base}/text",
                f"{base}/offers",
                f"{base}/analysis",
                f"{base}/events?follow=false",
                f"{base}/text/drafts",
                f"{base}/text/redline/1/1",
            ]
            urls += [f"{base}/text/drafts/{d}" for d, _ in t.drafts]
            urls += [f"{base}/parties/{p}/preferences" for p in t.parties]
            for channel in t.channels.values():
                urls += [f"/api/channels/{channel}", f"/api/channels/{channel}/messages"]
        return urls

    def check(self, seat: Seat, urls: list[str]) -> None:
        own = seat.org if seat.role is Role.PARTY_MEMBER else None
        forbidden = [m for m, owner in self.shared.secrets.items() if owner != own]
        for url in urls:
            text = self.call(seat, "GET", url).text
            leaked = [m for m in forbidden if m in text]
            assert not leaked, (seat.name, seat.role, url, leaked)

    def readers(self) -> list[Seat]:
        """One reader per distinct view (party, observer, outsider) in the touched processes."""
        views: dict[tuple[int, Role | None, int | None], Seat] = {}
        for s in self.seats:
            if s.process in self.touched and s.role in (Role.PARTY_MEMBER, Role.OBSERVER, None):
                views.setdefault((s.process, s.role, s.org), s)
        return list(views.values())

    @rule()
    def notify_by_mail(self) -> None:
        """A notifier round with every address verified and everyone notified at once: no
        e-mail carries anybody's words (no marker at all), and a party member's e-mails name
        only its own channel."""
        services = self.shared.services
        with services.db.unit_of_work() as session:
            known = set(session.execute(select(MailSettings.user_id)).scalars())
            users = session.execute(select(User.id)).scalars().all()
            session.add_all(
                MailSettings(user_id=u, verified_at=utcnow()) for u in users if u not in known
            )
        Confidentiality.clock += dt.timedelta(minutes=10)  # past the pause between mails
        notifications.run_once(services.db, services.settings, now=Confidentiality.clock)
        with services.db.unit_of_work(write=False) as session:
            mails = session.execute(
                select(MailOutbox.to_address, MailOutbox.body).where(
                    MailOutbox.id > Confidentiality.mails_read
                )
            ).all()
            newest = session.execute(select(func.max(MailOutbox.id))).scalar_one()
        Confidentiality.mails_read = newest or 0
        members = {f"{s.name}@x.org" for s in self.seats if s.role is Role.PARTY_MEMBER}
        for address, body in mails:
            leaked = [m for m in self.shared.secrets if m in body]
            assert not leaked, (address, leaked)
            assert address not in members or "channel of" not in body, (address, body)

    @invariant()
    def count_steps(self) -> None:
        self.steps += 1

    @invariant()
    def no_party_reads_another_partys_data(self) -> None:
        """After each step: every reader of the touched process, on the endpoints it changed."""
        for seat in self.readers():
            self.check(seat, self.last_urls)

    @rule(data=st.data())
    def probe_every_endpoint(self, data: st.DataObject) -> None:
        """One reader tries every GET of the touched processes, and every channel by id."""
        seat = data.draw(st.sampled_from(self.readers()))
        self.check(seat, self.readable(seat))
        self.hidden_looks_missing(seat)
        if seat.role is Role.PARTY_MEMBER and seat.org is not None:
            self.own_messages_visible(seat, seat.org)
        self.last_urls = []

    def hidden_looks_missing(self, seat: Seat) -> None:
        """A channel the reader may not see answers exactly like one that does not exist."""
        missing = self.call(seat, "GET", f"/api/channels/{MISSING}/messages")
        assert missing.status_code == 404
        for t in self.tracks:
            if t.process not in self.touched:
                continue
            for party, channel in t.channels.items():
                if self.seat_in(seat, t) == "party" and seat.org == party:
                    continue
                hidden = self.call(seat, "GET", f"/api/channels/{channel}/messages")
                assert hidden.status_code == 404
                assert re.sub(r"\d+", "N", hidden.text) == re.sub(r"\d+", "N", missing.text)

    def own_messages_visible(self, seat: Seat, own: int) -> None:
        """The check can fail: a party does read every message of its own channels."""
        for t in self.tracks:
            if t.process != seat.process or own not in t.channels:
                continue
            channel = t.channels[own]
            text = self.call(seat, "GET", f"/api/channels/{channel}/messages?limit=500").text
            expected = [m for m, c in self.shared.messages.items() if c == channel]
            assert all(m in text for m in expected), (seat.name, channel)


#: Examples of one shard (tests/depth.py): `make test` runs one shard; `make test-deep` runs eight,
#: 200 and 64 examples in all.
EXAMPLES = {"sqlite": 25, "postgresql": 8}


@pytest.mark.slow
@pytest.mark.deep
@pytest.mark.parametrize("shard", depth.shards())
def test_no_party_reads_another_partys_data(
    database_url: str, monkeypatch: pytest.MonkeyPatch, shard: int
) -> None:
    run_inline(monkeypatch)  # sequential test: sync routes on the loop's thread, no hops
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    clock = Clock(START)
    clock.install(monkeypatch)
    app = create_app(make_settings(database_url))
    services: Services = app.state.services
    with asgi_client(app) as http:
        Confidentiality.shared = Shared(services, http)
        Confidentiality.time = clock
        Confidentiality.instants = {}
        Confidentiality.clock = START  # the notifier's rounds run ahead of the store's clock
        run_state_machine_as_test(
            Confidentiality,
            settings=settings(
                max_examples=depth.examples(EXAMPLES[backend]),
                stateful_step_count=6,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            ),
        )
    services.db.dispose()
