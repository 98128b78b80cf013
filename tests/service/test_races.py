"""Two requests at the same moment that both pass a service's "is it free?" check: never a 500
(docs/security.md, *Promise 1*: bad input gets a clear error, never a traceback).

On PostgreSQL (READ COMMITTED) two writing units can both read that a name, a number or a row
is free, and then both insert; the second insert waits for the first unit's commit and meets
the table's unique key. Each test here makes the two requests meet there: the first two
statements that begin with a given text (an ``INSERT`` into the table, or the statement before
it) wait for each other at a barrier, so both units have made their checks before either
writes. Before the fixes each of these answered one of the two with a 500 (an unhandled
``IntegrityError``) on PostgreSQL. On SQLite the writing units run one after the other, so the
second cannot reach the barrier while the first waits: there the barrier is one of one, and
each test checks that the answers are the same as on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from sqlalchemy import event, func, select
from tests.service.agree_helpers import AGREEMENT, make_ready
from tests.service.asgi import client as asgi_client
from tests.service.test_setup import FIRST
from tests.service.test_setup_agenda import PACKAGE
from tests.service.test_translations import add_translator, declare, post
from tests.service.world import World, food_preferences

from gobetween.model import Role
from gobetween.service import prepare
from gobetween.service.app import create_app
from gobetween.service.settings import Settings
from gobetween.store import agreement_tables as a
from gobetween.store import language_tables as lt
from gobetween.store import repositories
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store import team_tables as tt
from gobetween.store import text_tables as x
from gobetween.store.db import Database
from gobetween.store.login_tables import ProcessTwoFactor, TwoFactor

#: How long a statement waits for the other request's
MEET_SECONDS = 10

#: The lock of an owner's row (:func:`gobetween.service.unique.serialised`)
LOCK = r"SELECT {table}\.id, .*\s+FROM {table}\s+WHERE {table}\.id = \S+ FOR UPDATE"

Call = Callable[[httpx.Client], httpx.Response]


@contextlib.contextmanager
def meeting(target: World | Database, *statements: str) -> Iterator[list[bool]]:
    """While open, the first two statements that begin with one of ``statements`` (regular
    expressions) wait for each other (PostgreSQL; on SQLite none waits). Yields, for each that
    waited, whether they met."""
    db = target.services.db if isinstance(target, World) else target
    barrier = threading.Barrier(2 if db.backend == "postgresql" else 1, timeout=MEET_SECONDS)
    met: list[bool] = []
    lock = threading.Lock()

    def wait(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if not any(re.match(pattern, sql.lstrip(), re.S) for pattern in statements):
            return
        with lock:
            if len(met) >= barrier.parties:
                return
            met.append(False)
            mine = len(met) - 1
        try:
            barrier.wait()
            met[mine] = True
        except threading.BrokenBarrierError:
            pass

    event.listen(db.engine, "before_cursor_execute", wait)
    try:
        yield met
    finally:
        event.remove(db.engine, "before_cursor_execute", wait)


def at_once(target: World | Any, *calls: Call) -> list[httpx.Response]:
    """Each of ``calls`` with its own client of the world's app (or of the app ``target``) in
    its own thread, all started together; the responses in the order of the calls."""
    app = target.app if isinstance(target, World) else target
    responses: list[httpx.Response | None] = [None] * len(calls)
    raised: list[BaseException] = []

    def run(n: int) -> None:
        try:
            with asgi_client(app) as c:
                responses[n] = calls[n](c)
        except BaseException as exc:  # the app's own error (a 500), raised by the transport
            raised.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not raised, [f"{type(e).__name__}: {e}"[:300] for e in raised]
    assert all(r is not None for r in responses), "a request did not end"
    return [r for r in responses if r is not None]


def as_(world: World, who: str, method: str, url: str, **kwargs: Any) -> Call:
    """A call of ``method url`` with ``who``'s API token."""
    return lambda c: c.request(method, url, headers=world.headers(who), **kwargs)


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


def problem_of(responses: list[httpx.Response], status: int) -> dict[str, Any]:
    """The problem+json of the one response with ``status``."""
    (found,) = [r for r in responses if r.status_code == status]
    assert found.headers["content-type"].startswith("application/problem+json"), found.text
    body: dict[str, Any] = found.json()
    return body


def count(world: World, query: Any) -> int:
    with world.services.db.unit_of_work(write=False) as session:
        return int(session.execute(query).scalar_one())


# -- a name or a seat taken: the check's own refusal (409), nothing made twice ---------------


def test_one_organisation_name_added_twice_at_once(world: World) -> None:
    url = f"/api/processes/{world.process_id}/organisations"
    body = {"name": "Egypt", "kind": "party"}
    with meeting(world, "INSERT INTO organisations") as met:
        answers = at_once(world, *[as_(world, "admin", "POST", url, json=body)] * 2)
    assert all(met), met
    assert statuses(answers) == [201, 409], [r.text for r in answers]
    assert "“Egypt” already" in problem_of(answers, 409)["detail"]
    assert problem_of(answers, 409)["errors"][0]["location"] == "name"
    rows = select(func.count()).where(t.Organisation.name == "Egypt")
    assert count(world, rows) == 1


def test_one_track_name_created_twice_at_once(world: World) -> None:
    o = world.orgs
    body = {
        "name": "prisoners",
        "agenda": {"issues": [{"name": "lists", "options": [{"name": "all for all"}]}]},
        "organisation_ids": [o["Ukraine"], o["United Nations"]],
    }
    url = f"/api/processes/{world.process_id}/tracks"
    with meeting(world, "INSERT INTO tracks") as met:
        answers = at_once(world, *[as_(world, "admin", "POST", url, json=body)] * 2)
    assert all(met), met
    assert statuses(answers) == [201, 409], [r.text for r in answers]
    assert "'prisoners' already" in problem_of(answers, 409)["detail"]
    assert count(world, select(func.count()).where(t.Track.name == "prisoners")) == 1


def test_two_invitations_to_one_seat_accepted_at_once(world: World) -> None:
    """The outsider, invited twice to the same role, accepts both at the same moment. Inviting
    again replaces the pending invitation, but two administrators inviting at the same moment
    (or invitations made before that rule) still leave two: both made usable again here."""
    body = {"email": "outsider@example.org", "role": "observer"}
    body["organisation_id"] = world.orgs["Observers"]
    url = f"/api/processes/{world.process_id}/invitations"
    ids = [world.post("admin", url, json=body).json()["id"] for _ in range(2)]
    with world.services.db.unit_of_work() as session:
        for row in session.execute(select(t.Invitation).where(t.Invitation.id.in_(ids))).scalars():
            row.expires_at, row.replaced_at = t.utcnow() + dt.timedelta(days=1), None
    with meeting(world, "INSERT INTO memberships", LOCK.format(table="users")) as met:
        answers = at_once(
            world, *[as_(world, "outsider", "POST", f"/api/invitations/{i}/accept") for i in ids]
        )
    assert all(met), met
    assert statuses(answers) == [201, 409], [r.text for r in answers]
    assert "holds a role in this process already" in problem_of(answers, 409)["detail"]
    seats = select(func.count()).where(t.Membership.user_id == world.users["outsider"])
    assert count(world, seats) == 1


def test_two_invitations_to_two_roles_accepted_at_once(world: World) -> None:
    """The outsider, invited as an observer and as a party's member, accepts both at the same
    moment: one role, as one after the other (before, both seats were made: no unique key
    says "one role besides admin", so nothing failed, and the user sat on two sides)."""
    url = f"/api/processes/{world.process_id}/invitations"
    seats = [("observer", "Observers"), ("party_member", "Ukraine")]
    ids = [
        world.post(
            "admin",
            url,
            json={
                "email": "outsider@example.org",
                "role": role,
                "organisation_id": world.orgs[org],
            },
        ).json()["id"]
        for role, org in seats
    ]
    with meeting(world, "INSERT INTO memberships", LOCK.format(table="users")) as met:
        answers = at_once(
            world, *[as_(world, "outsider", "POST", f"/api/invitations/{i}/accept") for i in ids]
        )
    assert all(met), met
    assert statuses(answers) == [201, 409], [r.text for r in answers]
    assert "holds a role in this process already" in problem_of(answers, 409)["detail"]
    seated = select(func.count()).where(t.Membership.user_id == world.users["outsider"])
    assert count(world, seated) == 1


# -- the next number taken: both recorded, one after the other -------------------------------


def test_two_members_of_a_party_record_preferences_at_once(world: World) -> None:
    """Two delegates of one party save its preferences at the same moment: both versions are
    kept, numbered 1 and 2, as when they save one after the other."""
    url = f"/api/tracks/{world.tracks['food']}/preferences"
    body = food_preferences("ua")
    with meeting(world, "INSERT INTO preference_versions") as met:
        answers = at_once(
            world, as_(world, "ua", "PUT", url, json=body), as_(world, "ua2", "PUT", url, json=body)
        )
    assert all(met), met
    assert statuses(answers) == [201, 201], [r.text for r in answers]
    assert sorted(r.json()["version"] for r in answers) == [1, 2]
    versions = select(func.count()).where(t.PreferenceVersion.party_id == world.orgs["Ukraine"])
    assert count(world, versions) == 2


# -- the same thing asked twice: the same answer for both ------------------------------------


def test_one_message_marked_read_twice_at_once(world: World) -> None:
    """Two tabs of one mediator open the same message at the same moment."""
    ch = world.channels[("food", "ua")]
    made = world.post("ua", f"/api/channels/{ch}/messages", json={"text": "three ports"})
    mid = made.json()["id"]
    with meeting(world, "INSERT INTO read_receipts") as met:
        answers = at_once(world, *[as_(world, "un", "POST", f"/api/messages/{mid}/read")] * 2)
    assert all(met), met
    assert statuses(answers) == [200, 200], [r.text for r in answers]
    assert answers[0].json() == answers[1].json()
    assert count(world, select(func.count()).where(t.ReadReceipt.message_id == mid)) == 1


def test_mail_settings_chosen_twice_at_once(world: World) -> None:
    """A user's first choice of notifications, sent twice at the same moment (a double click):
    the row of their settings is made once, the choice kept."""
    body = {"notify": "daily"}
    with meeting(world, "INSERT INTO mail_settings") as met:
        answers = at_once(world, *[as_(world, "ru", "PUT", "/api/me/mail", json=body)] * 2)
    assert all(met), met
    assert statuses(answers) == [200, 200], [r.text for r in answers]
    assert [r.json()["notify"] for r in answers] == ["daily", "daily"]
    with world.services.db.unit_of_work(write=False) as session:
        row = session.get_one(st.MailSettings, world.users["ru"])
        assert row.notify == "daily"


def test_the_text_rule_of_a_track_set_twice_at_once(world: World) -> None:
    """Two mediators set a track's drafting rule for the first time at the same moment: one
    row, the last of the two choices kept, as one after the other."""
    url = f"/api/tracks/{world.tracks['food']}/text/rules"
    choices = [{"approval_required": True, "after_deadline": f"rule {n}"} for n in range(2)]
    with meeting(world, "INSERT INTO text_rules") as met:
        answers = at_once(
            world,
            as_(world, "un", "PUT", url, json=choices[0]),
            as_(world, "tr", "PUT", url, json=choices[1]),
        )
    assert all(met), met
    assert statuses(answers) == [200, 200], [r.text for r in answers]
    with world.services.db.unit_of_work(write=False) as session:
        row = session.get_one(x.TextRule, world.tracks["food"])
        assert row.approval_required
        assert row.after_deadline in ("rule 0", "rule 1")


def test_the_working_languages_declared_twice_at_once(world: World) -> None:
    url = f"/api/processes/{world.process_id}/languages"
    body = {"languages": ["en", "uk", "ru"]}
    # before, both deleted the old rows and inserted the new ones beside each other's; now the
    # second waits for the process's lock, taken before (and read after the first's commit)
    with meeting(world, "DELETE FROM process_languages", LOCK.format(table="processes")) as met:
        answers = at_once(world, *[as_(world, "admin", "PUT", url, json=body)] * 2)
    assert all(met), met
    assert statuses(answers) == [200, 200], [r.text for r in answers]
    assert world.get("admin", url).json()["languages"] == ["en", "uk", "ru"]


def test_a_second_factor_set_up_twice_at_once(world: World) -> None:
    """Two set-ups started at the same moment (two tabs): one secret kept, that of one of the
    two answers, as when the second replaces the first."""
    with meeting(world, "INSERT INTO two_factor") as met:
        answers = at_once(
            world, *[as_(world, "ua", "POST", "/api/account/two-factor", json={})] * 2
        )
    assert all(met), met
    assert statuses(answers) == [201, 201], [r.text for r in answers]
    with world.services.db.unit_of_work(write=False) as session:
        row = session.get_one(TwoFactor, world.users["ua"])
        assert row.secret in [r.json()["secret"] for r in answers]


def test_a_channel_assigned_twice_at_once(world: World) -> None:
    url = f"/api/tracks/{world.tracks['food']}/assignments"
    channel = world.channels[("food", "ua")]
    body = {"channel_id": channel, "user_id": world.users["tr"]}
    with meeting(world, "INSERT INTO channel_assignments") as met:
        answers = at_once(world, *[as_(world, "un", "POST", url, json=body)] * 2)
    assert all(met), met
    assert statuses(answers) == [201, 201], [r.text for r in answers]
    assert answers[0].json() == answers[1].json()
    handled = select(func.count()).where(tt.Assignment.channel_id == channel)
    assert count(world, handled) == 1


def test_the_agenda_changed_twice_at_once(world: World) -> None:
    """Two mediators announce a change of a track's agenda at the same moment, once texts were
    published on it: two new versions, 2 and 3, as one after the other (before, both numbered
    theirs 2, and both wrote version 1)."""
    food = world.tracks["food"]
    published = world.post("un", f"/api/tracks/{food}/text/versions", json={"package": PACKAGE})
    assert published.status_code == 201, published.text
    agenda = world.get("un", f"/api/tracks/{food}").json()["agenda"]
    issues = [
        {"name": i["name"], "options": [{"name": o["name"]} for o in i["options"]]}
        for i in agenda["issues"]
    ]
    url = f"/api/tracks/{food}/agenda"
    calls = [
        as_(world, who, "PUT", url, json={"agenda": {"issues": issues}, "note": f"by {who}"})
        for who in ("un", "tr")
    ]
    with meeting(world, "UPDATE tracks SET agenda", LOCK.format(table="tracks")) as met:
        answers = at_once(world, *calls)
    assert all(met), met
    assert statuses(answers) == [200, 200], [r.text for r in answers]
    assert sorted(r.json()["version"] for r in answers) == [2, 3]
    history = world.get("ru", f"/api/tracks/{food}/agenda/versions").json()
    assert [v["version"] for v in history] == [1, 2, 3]


def test_a_track_given_to_a_translator_twice_at_once(world: World) -> None:
    translator = add_translator(world, "interpreter", "United Nations")
    url = f"/api/tracks/{world.tracks['food']}/translators/{translator}"
    with meeting(world, "INSERT INTO translator_assignments") as met:
        answers = at_once(world, *[as_(world, "un", "PUT", url)] * 2)
    assert all(met), met
    assert statuses(answers) == [204, 204], [r.text for r in answers]
    given = select(func.count()).where(lt.TranslatorAssignment.user_id == translator)
    assert count(world, given) == 1


def test_a_message_translated_twice_at_once(world: World) -> None:
    """Two translators send the first translation of one message at the same moment: one
    translation, the text of one of them (the later replaces the earlier, as in turn)."""
    declare(world, "en", "uk")
    food = world.tracks["food"]
    for name in ("interpreter", "translator"):
        user = add_translator(world, name, "United Nations")
        assigned = world.put("un", f"/api/tracks/{food}/translators/{user}")
        assert assigned.status_code == 204, assigned.text
    mid = post(world, "ua", world.channels[("food", "ua")], "Three ports.", language="en")["id"]
    url = f"/api/messages/{mid}/translations/uk"
    texts = {"interpreter": "Три порти.", "translator": "Три порти!"}
    calls = [as_(world, who, "PUT", url, json={"text": text}) for who, text in texts.items()]
    with meeting(world, "INSERT INTO message_translations") as met:
        answers = at_once(world, *calls)
    assert all(met), met
    assert statuses(answers) == [201, 201], [r.text for r in answers]
    with world.services.db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(lt.MessageTranslation.text).where(lt.MessageTranslation.message_id == mid)
        ).all()
    assert [r[0] for r in rows] in (["Три порти."], ["Три порти!"])


def test_a_process_rule_of_two_factors_set_twice_at_once(world: World) -> None:
    with world.services.db.unit_of_work() as session:  # the admin's own second factor is on
        session.add(TwoFactor(user_id=world.users["admin"], secret="A" * 32, enabled_at=t.utcnow()))
    url = f"/api/processes/{world.process_id}/two-factor"
    with meeting(world, "INSERT INTO process_two_factor") as met:
        answers = at_once(world, *[as_(world, "admin", "PUT", url, json={"required": True})] * 2)
    assert all(met), met
    assert statuses(answers) == [200, 200], [r.text for r in answers]
    assert [r.json()["required"] for r in answers] == [True, True]
    rules = select(func.count()).where(ProcessTwoFactor.process_id == world.process_id)
    assert count(world, rules) == 1


def test_one_agreement_created_twice_at_once(world: World) -> None:
    """Two mediators make the agreement from the accepted text at the same moment: one
    agreement, and the other is told that one with these terms exists (409), as after it."""
    track = make_ready(world)
    url = f"/api/tracks/{track}/agreements"
    calls = [as_(world, who, "POST", url, json=AGREEMENT) for who in ("un", "tr")]
    with meeting(world, "INSERT INTO agreements") as met:
        answers = at_once(world, *calls)
    assert all(met), met
    assert statuses(answers) == [201, 409], [r.text for r in answers]
    made = next(r for r in answers if r.status_code == 201).json()
    detail = problem_of(answers, 409)["detail"]
    assert f"an agreement with these terms exists already (id {made['id']})" in detail
    assert count(world, select(func.count()).where(a.Agreement.track_id == track)) == 1


def test_a_role_changed_to_one_the_user_holds_is_refused(world: World) -> None:
    """Not a race, the same key: an admin who also observes, whose observer's seat is changed
    to admin, holds that role already: 409 naming it (before, the update met the unique key
    and answered 500 on both databases)."""
    with world.services.db.unit_of_work() as session:
        admin = repositories.load_actor(session, world.users["admin"])
        seat = prepare.add_member(
            session,
            admin,
            world.process_id,
            email="admin@example.org",
            role=Role.OBSERVER,
            organisation_id=world.orgs["Observers"],
        ).id
    url = f"/api/processes/{world.process_id}/members/{seat}"
    changed = world.request("admin", "PATCH", url, json={"role": "admin"})
    assert changed.status_code == 409, changed.text
    assert "holds a role in this process already" in changed.json()["detail"]
    roles = select(t.Membership.role).where(t.Membership.user_id == world.users["admin"])
    with world.services.db.unit_of_work(write=False) as session:
        assert sorted(session.execute(roles).scalars()) == ["admin", "observer"]


def test_a_meeting_rewritten_twice_at_once(world: World) -> None:
    """Two mediators save the same meeting's record at the same moment: its parties once, as
    after one another (before, each deleted the old parties and inserted its own beside the
    other's)."""
    body = {
        "held_at": "2022-07-14T10:00:00+03:00",
        "kind": "meeting",
        "place": "Istanbul",
        "party_ids": [world.orgs["Ukraine"]],
    }
    made = world.post("un", f"/api/tracks/{world.tracks['food']}/meetings", json=body)
    assert made.status_code == 201, made.text
    url = f"/api/meetings/{made.json()['id']}"
    both = {**body, "party_ids": [world.orgs["Ukraine"], world.orgs["Russian Federation"]]}
    calls = [as_(world, who, "PUT", url, json=both) for who in ("un", "tr")]
    with meeting(world, "DELETE FROM meeting_parties", LOCK.format(table="meetings")) as met:
        answers = at_once(world, *calls)
    assert all(met), met
    assert statuses(answers) == [200, 200], [r.text for r in answers]
    parties = select(func.count()).where(tt.MeetingParty.meeting_id == made.json()["id"])
    assert count(world, parties) == 2


# -- handled before, now through the same place: guards ---------------------------------------


def test_two_visitors_setting_up_at_once_meet_at_the_installation_row(settings: Settings) -> None:
    """Both visitors have checked that set-up is needed when both insert the installation's
    row: one becomes the administrator, the other is told set-up is over (404)."""
    app = create_app(settings)
    try:
        calls = [
            (lambda c, n=n: c.post("/api/setup", json={**FIRST, "email": f"admin{n}@example.org"}))
            for n in range(2)
        ]
        with meeting(app.state.services.db, "INSERT INTO installation") as met:
            answers = at_once(app, *calls)
        assert all(met), met
        assert statuses(answers) == [201, 404], [r.text for r in answers]
        with app.state.services.db.unit_of_work(write=False) as session:
            assert session.execute(select(func.count()).select_from(t.User)).scalar_one() == 1
    finally:
        app.state.services.db.dispose()


def test_one_analysis_stored_twice_at_once(world: World) -> None:
    """Two mediators ask for the same analysis at the same moment: both get it, it is cached
    once."""
    food = world.tracks["food"]
    for who in ("ua", "ru"):
        saved = world.put(who, f"/api/tracks/{food}/preferences", json=food_preferences(who))
        assert saved.status_code == 201, saved.text
    url = f"/api/tracks/{food}/analysis"
    with meeting(world, "INSERT INTO analyses") as met:
        answers = at_once(world, as_(world, "un", "GET", url), as_(world, "tr", "GET", url))
    assert all(met), met
    assert statuses(answers) == [200, 200], [r.text for r in answers]
    first, second = (r.json() for r in answers)
    # On SQLite nothing makes the two wait for each other, so the second may find the first's
    # result stored ("cached": true); the analysis itself is the same either way.
    if world.services.db.backend == "postgresql":
        assert (first.pop("cached"), second.pop("cached")) == (False, False)
    else:
        assert sorted([first.pop("cached"), second.pop("cached")]) in (
            [False, False],
            [False, True],
        )
    assert first == second
    assert count(world, select(func.count()).where(t.CachedAnalysis.track_id == food)) == 1


def test_two_admins_demoting_each_other_at_once_leave_one_admin(world: World) -> None:
    """The process's two admins each make the other an observer at the same moment: one
    change is made, the other refused as one after the other (its caller is an observer by
    then). Before, both passed the "another admin remains" check and
    both changes were made: no admin was left to manage the process (PostgreSQL)."""
    seats = select(t.Membership.user_id, t.Membership.id).where(
        t.Membership.process_id == world.process_id
    )
    with world.services.db.unit_of_work() as session:
        seat: dict[int, int] = {row[0]: row[1] for row in session.execute(seats)}
        admin = repositories.load_actor(session, world.users["admin"])
        prepare.change_member(
            session, admin, world.process_id, seat[world.users["obs"]], role=Role.ADMIN,
            organisation_id=None,
        )  # fmt: skip
    url = f"/api/processes/{world.process_id}/members/{{}}"
    observer = {"role": "observer", "organisation_id": world.orgs["Observers"]}
    with meeting(world, "UPDATE memberships", LOCK.format(table="processes")) as met:
        answers = at_once(
            world,
            as_(world, "admin", "PATCH", url.format(seat[world.users["obs"]]), json=observer),
            as_(world, "obs", "PATCH", url.format(seat[world.users["admin"]]), json=observer),
        )
    assert all(met), met
    # the second, as after the first: its caller is no longer an admin, so the admin's seat is
    # not one it may see (as for any observer)
    assert statuses(answers) == [200, 404], [r.text for r in answers]
    admins = select(func.count()).where(
        t.Membership.process_id == world.process_id, t.Membership.role == "admin"
    )
    assert count(world, admins) == 1
