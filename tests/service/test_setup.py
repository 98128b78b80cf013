"""First-run set-up, membership by consent only, uniform answers, who convened a process.

The consent tests fail on the code before issue 9 item 7: ``POST /members`` made a registered
user a member at once (201) and answered "no user with e-mail X" for the others.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
from sqlalchemy import func, select, update
from tests.service.asgi import client as asgi_client
from tests.service.world import PASSWORD, World

from gobetween.service.app import create_app
from gobetween.service.settings import Settings
from gobetween.store import tables as t

FIRST = {"email": "ana@un.example", "name": "Ana", "password": "first admin password"}


def _app(settings: Settings) -> Any:
    return create_app(settings)


def test_an_empty_installation_sets_up_its_first_administrator_once(settings: Settings) -> None:
    app = _app(settings)
    with asgi_client(app) as web:
        assert web.get("/api/setup").json() == {"needed": True}
        login = web.get("/login", follow_redirects=False)
        assert login.status_code == 303
        assert login.headers["location"] == "/setup"
        assert web.get("/setup").status_code == 200
        made = web.post("/setup", data=FIRST, follow_redirects=False)
        assert made.status_code == 303
        assert made.headers["location"] == "/processes/new"
        assert "gobetween_session" in made.headers.get("set-cookie", "")
        assert web.get("/api/setup").json() == {"needed": False}
        assert web.get("/setup").status_code == 404
        again = web.post("/api/setup", json={**FIRST, "email": "eve@evil.example"})
        assert again.status_code == 404
        assert web.post("/setup", data={**FIRST, "email": "eve@x.example"}).status_code == 404
        logged = web.post("/api/auth/login", json={k: FIRST[k] for k in ("email", "password")})
        assert logged.status_code == 200
    app.state.services.db.dispose()


def test_two_visitors_setting_up_at_once_one_wins(settings: Settings) -> None:
    app = _app(settings)
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def visit(n: int) -> None:
        with asgi_client(app) as web:
            barrier.wait()
            body = {**FIRST, "email": f"admin{n}@example.org"}
            answers.append(web.post("/api/setup", json=body).status_code)

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(answers) == [201, 404]
    with app.state.services.db.unit_of_work(write=False) as session:
        assert session.execute(select(func.count()).select_from(t.User)).scalar_one() == 1
    app.state.services.db.dispose()


def _process_ids(world: World, who: str) -> list[int]:
    return [p["id"] for p in world.get(who, "/api/processes").json()]


def test_nobody_becomes_a_member_without_accepting(world: World) -> None:
    pid = world.process_id
    body = {"email": "outsider@example.org", "role": "party_member"}
    body["organisation_id"] = world.orgs["Ukraine"]  # type: ignore[assignment]
    added = world.post("admin", f"/api/processes/{pid}/members", json=body)
    assert added.status_code == 202, added.text
    assert pid not in _process_ids(world, "outsider")
    assert world.get("outsider", f"/api/processes/{pid}").status_code == 404
    pending = world.get("outsider", "/api/invitations").json()
    assert [p["process"] for p in pending] == ["Black Sea talks"]
    assert pending[0]["convened_by"] == "admin <admin@example.org>"
    assert pending[0]["organisation"] == "Ukraine"
    # someone else cannot answer it; the invitee can
    other = world.post("ru", f"/api/invitations/{pending[0]['id']}/accept")
    assert other.status_code == 404
    accepted = world.post("outsider", f"/api/invitations/{pending[0]['id']}/accept")
    assert accepted.status_code == 201, accepted.text
    assert pid in _process_ids(world, "outsider")
    assert world.get("outsider", "/api/invitations").json() == []


def test_a_declined_invitation_adds_nobody(world: World) -> None:
    pid = world.process_id
    body = {"email": "outsider@example.org", "role": "observer"}
    body["organisation_id"] = world.orgs["Observers"]  # type: ignore[assignment]
    world.post("admin", f"/api/processes/{pid}/invitations", json=body)
    (pending,) = world.get("outsider", "/api/invitations").json()
    assert world.post("outsider", f"/api/invitations/{pending['id']}/decline").status_code == 204
    assert world.post("outsider", f"/api/invitations/{pending['id']}/accept").status_code == 409
    assert pid not in _process_ids(world, "outsider")


def test_a_link_cannot_pull_an_existing_account_in(world: World) -> None:
    pid = world.process_id
    body = {"email": "outsider@example.org", "role": "observer"}
    body["organisation_id"] = world.orgs["Observers"]  # type: ignore[assignment]
    token = world.post("admin", f"/api/processes/{pid}/invitations", json=body).json()["token"]
    taken = world.client.post(
        "/api/invitations/accept", json={"token": token, "name": "x", "password": PASSWORD}
    )
    assert taken.status_code == 409
    assert pid not in _process_ids(world, "outsider")


def _shape(response: httpx.Response) -> tuple[int, list[str], str]:
    data = response.json()
    return response.status_code, sorted(data), str(data.get("mailed"))


def test_answers_never_tell_whether_an_address_is_registered(world: World) -> None:
    pid = world.process_id
    org = world.orgs["Ukraine"]
    answers = [
        world.post(
            "admin",
            f"/api/processes/{pid}/members",
            json={"email": address, "role": "party_member", "organisation_id": org},
        )
        for address in ("outsider@example.org", "nobody@example.org")
    ]
    assert _shape(answers[0]) == _shape(answers[1])
    assert all("no user" not in a.text for a in answers)
    resets = [
        world.client.post("/api/auth/password-reset", json={"email": address})
        for address in ("outsider@example.org", "nobody@example.org")
    ]
    assert [r.status_code for r in resets] == [202, 202]
    assert resets[0].json() == resets[1].json()


def test_a_process_shows_who_convened_it(world: World) -> None:
    shown = world.get("ua", f"/api/processes/{world.process_id}").json()
    assert shown["convened_by"] == "admin <admin@example.org>"
    page = world.get("ua", "/")
    assert "Convened by <bdi>admin &lt;admin@example.org&gt;</bdi>" in page.text


def test_a_used_link_says_so_and_never_shows_the_form_again(world: World) -> None:
    pid = world.process_id
    body = {"email": "new.delegate@example.org", "role": "party_member"}
    body["organisation_id"] = world.orgs["Ukraine"]  # type: ignore[assignment]
    token = world.post("admin", f"/api/processes/{pid}/invitations", json=body).json()["token"]
    page = world.client.get(f"/invitations/{token}")
    assert "Black Sea talks" in page.text
    assert 'id="invitation-form"' in page.text
    assert "admin &lt;admin@example.org&gt;" in page.text
    assert "Ukraine" in page.text
    made = world.client.post(
        f"/invitations/{token}",
        data={"name": "New Delegate", "password": PASSWORD},
        follow_redirects=False,
    )
    assert made.status_code == 303
    world.client.cookies.clear()
    again = world.client.get(f"/invitations/{token}")
    assert 'data-state="used"' in again.text
    assert 'id="invitation-form"' not in again.text
    assert 'data-state="unknown"' in world.client.get("/invitations/not-a-real-token").text


def test_an_expired_link_says_so(world: World) -> None:
    pid = world.process_id
    body = {"email": "late@example.org", "role": "observer"}
    body["organisation_id"] = world.orgs["Observers"]  # type: ignore[assignment]
    token = world.post("admin", f"/api/processes/{pid}/invitations", json=body).json()["token"]
    with world.services.db.unit_of_work() as session:
        session.execute(update(t.Invitation).values(expires_at=t.utcnow()))
    page = world.client.get(f"/invitations/{token}")
    assert 'data-state="expired"' in page.text
    assert 'id="invitation-form"' not in page.text
    late = world.client.post(
        "/api/invitations/accept", json={"token": token, "name": "Late", "password": PASSWORD}
    )
    assert late.status_code == 409  # before: 404 (tests/service/test_invitation_closed.py)
    lookup = world.client.post("/api/invitations/lookup", json={"token": token}).json()
    assert lookup["state"] == "expired"


def test_two_submissions_of_one_link_make_one_account(world: World) -> None:
    pid = world.process_id
    body = {"email": "twice@example.org", "role": "observer"}
    body["organisation_id"] = world.orgs["Observers"]  # type: ignore[assignment]
    token = world.post("admin", f"/api/processes/{pid}/invitations", json=body).json()["token"]
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        with asgi_client(world.app) as web:
            barrier.wait()
            form = {"token": token, "name": "Twice", "password": PASSWORD}
            answers.append(web.post("/api/invitations/accept", json=form).status_code)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(answers) == [201, 409]  # the second told the link was used
