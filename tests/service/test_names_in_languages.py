"""Processes, organisations and tracks named in the working languages of the process
(``names``), from the API's create and ``PATCH`` endpoints, as an agenda's issues and options
are: each name in a working language of the process, not empty, at most 200 characters, a
refusal at its field (``names.uk``); shown to a reader of that language, the name as entered
to the others. The uniqueness of a name stays on the name as entered. Revision 0017 adds the
names to a database of 0016, whose rows keep their names as entered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from tests.service.mailbox import Mailbox
from tests.service.test_mail import mworld  # noqa: F401 (the fixture)
from tests.service.world import World

from gobetween.i18n import use_locale
from gobetween.service import mail, notifications
from gobetween.service.names import called
from gobetween.store import setup_tables as st
from gobetween.store import tables as t
from gobetween.store.db import Database, upgrade


def _working(world: World, *codes: str) -> None:
    put = world.put(
        "admin", f"/api/processes/{world.process_id}/languages", json={"languages": list(codes)}
    )
    assert put.status_code == 200, put.text


def _patch(world: World, who: str, url: str, names: dict[str, Any]) -> Any:
    return world.request(who, "PATCH", url, json={"names": names})


def _refused_at(answer: Any, location: str) -> str:
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert error["location"] == location, error
    return str(error["message"])


def test_the_admins_name_the_process_its_organisations_and_its_tracks(world: World) -> None:
    _working(world, "en", "uk", "ru")
    pid, ukraine = world.process_id, world.orgs["Ukraine"]
    named = _patch(world, "admin", f"/api/processes/{pid}", {"ru": " Черноморские переговоры "})
    assert named.status_code == 200, named.text
    assert named.json()["names"] == {"ru": "Черноморские переговоры"}  # trimmed
    assert named.json()["name"] == "Black Sea talks"  # as entered, unchanged
    org = _patch(
        world,
        "admin",
        f"/api/processes/{pid}/organisations/{ukraine}",
        {"ru": "Украина", "uk": "Україна"},
    )
    assert org.status_code == 200, org.text
    assert org.json()["names"] == {"uk": "Україна", "ru": "Украина"}  # in the process's order
    listed = world.get("ua", f"/api/processes/{pid}/organisations").json()
    assert next(o for o in listed if o["id"] == ukraine)["names"]["ru"] == "Украина"
    track = _patch(world, "admin", f"/api/tracks/{world.tracks['food']}", {"ru": "продовольствие"})
    assert track.status_code == 200, track.text
    assert world.get("ru", f"/api/tracks/{world.tracks['food']}").json()["names"] == {
        "ru": "продовольствие"
    }
    assert world.get("ru", f"/api/processes/{pid}").json()["names"]["ru"].startswith("Черно")
    cleared = _patch(world, "admin", f"/api/processes/{pid}", {})  # names replaced: none left
    assert cleared.json()["names"] == {}
    for who in ("un", "ua"):  # a member who is no admin: 403; the audit chain holds the acts
        refused = _patch(world, who, f"/api/processes/{pid}", {"ru": "x"})
        assert refused.status_code == 403, refused.text
    assert _patch(world, "outsider", f"/api/processes/{pid}", {"ru": "x"}).status_code == 404


def test_organisations_and_tracks_are_named_when_they_are_made(world: World) -> None:
    _working(world, "en", "uk", "ru")
    pid = world.process_id
    made = world.post(
        "admin",
        f"/api/processes/{pid}/organisations",
        json={"name": "Moldova", "kind": "observer", "names": {"ru": "Молдова", "uk": "Молдова"}},
    )
    assert made.status_code == 201, made.text
    assert made.json()["names"] == {"uk": "Молдова", "ru": "Молдова"}
    body = {
        "name": "second corridor",
        "agenda": {"issues": [{"name": "ports", "options": [{"name": "Odesa"}]}]},
        "organisation_ids": [world.orgs["Ukraine"], world.orgs["United Nations"]],
        "names": {"ru": "второй коридор"},
    }
    track = world.post("admin", f"/api/processes/{pid}/tracks", json=body)
    assert track.status_code == 201, track.text
    assert track.json()["names"] == {"ru": "второй коридор"}
    process = world.post(
        "admin",
        "/api/processes",
        json={"name": "Talks", "languages": ["en", "tr"], "names": {"tr": "Müzakereler"}},
    )
    assert process.status_code == 201, process.text
    assert process.json()["names"] == {"tr": "Müzakereler"}


def test_a_name_too_long_is_refused_at_its_field(world: World) -> None:
    _working(world, "en", "uk", "ru")
    long = "Д" * 201
    pid = world.process_id
    for url in (
        f"/api/processes/{pid}",
        f"/api/processes/{pid}/organisations/{world.orgs['Ukraine']}",
        f"/api/tracks/{world.tracks['food']}",
    ):
        said = _refused_at(_patch(world, "admin", url, {"uk": long}), "body.names.uk")
        assert said == "201 characters; at most 200 are accepted"
    made = world.post(
        "admin",
        f"/api/processes/{pid}/organisations",
        json={"name": "Moldova", "kind": "observer", "names": {"ru": long}},
    )
    _refused_at(made, "body.names.ru")
    assert _patch(world, "admin", f"/api/processes/{pid}", {"uk": "Д" * 200}).status_code == 200


def test_a_name_in_a_language_the_process_does_not_work_in_is_refused(world: World) -> None:
    _working(world, "en", "uk", "ru")
    pid = world.process_id
    answer = _patch(world, "admin", f"/api/processes/{pid}", {"ru": "Переговоры", "tr": "Barış"})
    said = _refused_at(answer, "names.tr")
    # the language by name first, its code after (what the API and the form fields use)
    assert said.startswith("Turkish (tr) is not a working language of the process: add it to")
    expected = answer.json()["errors"][0]["expected"]
    assert expected == "one of English (en), Ukrainian (uk), and Russian (ru)"
    assert world.get("admin", f"/api/processes/{pid}").json()["names"] == {}  # nothing kept
    track = world.post(
        "admin",
        f"/api/processes/{pid}/tracks",
        json={
            "name": "third corridor",
            "agenda": {"issues": [{"name": "ports", "options": [{"name": "Odesa"}]}]},
            "organisation_ids": [world.orgs["Ukraine"], world.orgs["United Nations"]],
            "names": {"ar": "الممر"},
        },
    )
    _refused_at(track, "names.ar")
    empty = _patch(world, "admin", f"/api/tracks/{world.tracks['food']}", {"uk": "  "})
    assert _refused_at(empty, "names.uk") == "the uk name is empty"
    english_only = world.post(
        "admin", "/api/processes", json={"name": "Talks", "names": {"ru": "Переговоры"}}
    )
    _refused_at(english_only, "names.ru")  # no languages declared: it works in English
    assert all(p["name"] != "Talks" for p in world.get("admin", "/api/processes").json())


def test_uniqueness_stays_on_the_name_as_entered(world: World) -> None:
    """Two organisations may share a name in another language; not the name as entered."""
    _working(world, "en", "ru")
    pid = world.process_id
    for org in ("Ukraine", "Russian Federation"):
        url = f"/api/processes/{pid}/organisations/{world.orgs[org]}"
        assert _patch(world, "admin", url, {"ru": "Сторона"}).status_code == 200
    again = world.post(
        "admin", f"/api/processes/{pid}/organisations", json={"name": "Ukraine", "kind": "party"}
    )
    assert again.status_code == 409, again.text
    assert again.json()["errors"][0]["location"] == "name"


def test_readers_see_the_name_in_their_language_the_others_as_entered() -> None:
    ukraine = t.Organisation(name="Ukraine", names={"ru": "Украина", "uk": "Україна"})
    food = t.Track(name="food corridor", names={})
    with use_locale("ru"):
        assert (called(ukraine), called(food)) == ("Украина", "food corridor")
    with use_locale("tr"):
        assert called(ukraine) == "Ukraine"
    assert called(ukraine, "uk") == "Україна"


def _table(table: str, /, **columns: Any) -> Any:
    """A table as revision 0016 has it (only the columns written), for a plain insert."""
    return sa.table(table, *(sa.column(n, kind) for n, kind in columns.items()))


_WHEN = sa.DateTime(timezone=True)


def test_existing_rows_upgrade_with_their_names_as_entered(database_url: str) -> None:
    """Revision 0017 adds ``names`` to a database of 0016: a process, its organisations and its
    tracks made before have none, and every reader sees the names as entered."""
    db = Database(database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    rows: list[tuple[Any, dict[str, Any]]] = [
        (
            _table(
                "processes", id=sa.Integer, name=sa.String, description=sa.Text, created_at=_WHEN
            ),
            {"id": 1, "name": "Black Sea talks", "description": ""},
        ),
        (
            _table(
                "organisations",
                id=sa.Integer,
                process_id=sa.Integer,
                name=sa.String,
                kind=sa.String,
            ),
            {"id": 3, "process_id": 1, "name": "Ukraine", "kind": "party"},
        ),
        (
            _table(
                "tracks",
                id=sa.Integer,
                process_id=sa.Integer,
                name=sa.String,
                agenda=sa.JSON,
                source=sa.String,
                created_at=_WHEN,
            ),
            {"id": 2, "process_id": 1, "name": "food corridor", "agenda": {}, "source": ""},
        ),
    ]
    try:
        upgrade(db, "0016")
        with db.engine.begin() as conn:
            for table, values in rows:
                stamped = {"created_at": now} if "created_at" in table.c else {}
                conn.execute(sa.insert(table).values(**values, **stamped))
        upgrade(db)
        with db.unit_of_work(write=False) as session:
            process = session.get_one(t.Process, 1)
            ukraine = session.get_one(t.Organisation, 3)
            food = session.get_one(t.Track, 2)
            assert (process.names, ukraine.names, food.names) == ({}, {}, {})
            with use_locale("ru"):
                shown = called(process), called(ukraine), called(food)
            assert shown == ("Black Sea talks", "Ukraine", "food corridor")
        with db.unit_of_work() as session:  # a name given after the upgrade is kept
            row = session.get_one(t.Organisation, 3)
            row.names = {"ru": "Украина"}
        with db.unit_of_work(write=False) as session:
            assert called(session.get_one(t.Organisation, 3), "ru") == "Украина"
    finally:
        db.dispose()


@pytest.mark.parametrize(("who", "status"), [("un", 403), ("ru", 403), ("outsider", 404)])
def test_naming_an_organisation_tells_no_one_which_exist(
    world: World, who: str, status: int
) -> None:
    """To a member who is no admin, an organisation of the process and one that does not exist
    are refused alike (403); to an outsider, alike as missing (404)."""
    pid = world.process_id
    answers = [
        _patch(world, who, f"/api/processes/{pid}/organisations/{org}", {"en": "x"})
        for org in (world.orgs["Ukraine"], 2_000_000_000)
    ]
    assert [a.status_code for a in answers] == [status, status]
    assert answers[0].json()["detail"] == answers[1].json()["detail"]


@pytest.mark.parametrize("who", ["ua", "ru"])
def test_a_party_reads_the_names_but_may_not_change_them(world: World, who: str) -> None:
    _working(world, "en", "ru")
    url = f"/api/processes/{world.process_id}/organisations/{world.orgs['Ukraine']}"
    assert _patch(world, "admin", url, {"ru": "Украина"}).status_code == 200
    assert _patch(world, who, url, {"ru": "Окраина"}).status_code == 403
    listed = world.get(who, f"/api/processes/{world.process_id}/organisations").json()
    assert {o["name"]: o["names"] for o in listed}["Ukraine"] == {"ru": "Украина"}


def test_a_notification_names_the_channel_and_the_track_in_the_readers_language(
    mworld: World,  # noqa: F811
    box: Mailbox,
) -> None:
    """The mail about new messages names the party and the track as the recipient's language
    (their setting) calls them."""
    _working(mworld, "en", "ru")
    pid = mworld.process_id
    url = f"/api/processes/{pid}/organisations/{mworld.orgs['Ukraine']}"
    assert _patch(mworld, "admin", url, {"ru": "Украина"}).status_code == 200
    track = f"/api/tracks/{mworld.tracks['food']}"
    assert _patch(mworld, "admin", track, {"ru": "продовольственный коридор"}).status_code == 200
    with mworld.services.db.unit_of_work() as session:
        for user_id in mworld.users.values():
            session.add(
                st.MailSettings(user_id=user_id, verified_at=t.utcnow(), notify="immediate")
            )
        session.get_one(t.User, mworld.users["un"]).locale = "ru"
    notifications.run_once(mworld.services.db, mworld.services.settings)  # the cursor starts now
    channel = mworld.channels[("food", "ua")]
    sent = mworld.post("ua", f"/api/channels/{channel}/messages", json={"text": "three ports"})
    assert sent.status_code == 201, sent.text
    notifications.run_once(mworld.services.db, mworld.services.settings)
    mail.deliver_due(mworld.services.db, mworld.services.settings)
    (to_un,) = [box.body(m) for m in box.to("un@example.org")]
    assert "в канале стороны Украина в направлении" in to_un, to_un
    assert "«продовольственный коридор»" in to_un, to_un
    (to_tr,) = [box.body(m) for m in box.to("tr@example.org")]  # the Turkish mediator: English
    assert "channel of Ukraine in “food corridor”" in to_tr, to_tr


def test_an_invitation_mail_names_the_process_and_the_organisation_in_its_language(
    mworld: World,  # noqa: F811
    box: Mailbox,
) -> None:
    """The invitation goes out in the process's first working language (the address has no
    account), the process and the organisation named in it, not in the inviter's."""
    _working(mworld, "ru", "en")
    pid = mworld.process_id
    named = _patch(mworld, "admin", f"/api/processes/{pid}", {"ru": "Черноморские переговоры"})
    assert named.status_code == 200, named.text
    url = f"/api/processes/{pid}/organisations/{mworld.orgs['Ukraine']}"
    assert _patch(mworld, "admin", url, {"ru": "Украина"}).status_code == 200
    body = {"email": "new@example.org", "role": "party_member"}
    invited = mworld.post(
        "admin",
        f"/api/processes/{pid}/invitations",
        json={**body, "organisation_id": mworld.orgs["Ukraine"]},
        headers={"Accept-Language": "en"},  # the inviter reads English
    )
    assert invited.status_code == 201, invited.text
    mail.deliver_due(mworld.services.db, mworld.services.settings)
    (message,) = box.to("new@example.org")
    assert "Черноморские переговоры" in str(message["Subject"]), message["Subject"]
    text = box.body(message)
    assert "Черноморские переговоры" in text, text
    assert "Украина" in text, text
    assert "Black Sea talks" not in text, text


def test_a_refused_language_is_named_in_the_readers_language(world: World) -> None:
    """A Ukrainian reader is told which language by its Ukrainian name (its code after, for the
    form field or the API), and the working languages the same way, listed as Ukrainian lists."""
    _working(world, "en", "uk", "ru")
    answer = world.request(
        "admin",
        "PATCH",
        f"/api/processes/{world.process_id}",
        json={"names": {"tr": "Barış"}},
        headers={"Accept-Language": "uk"},
    )
    said = _refused_at(answer, "names.tr")
    assert said.startswith("турецька (tr) ")
    assert "tr is not" not in said  # translated, not the English sentence
    expected = answer.json()["errors"][0]["expected"]
    assert expected.endswith("англійська (en), українська (uk) і російська (ru)")


def test_a_track_imported_from_a_file_is_named_in_the_working_languages(world: World) -> None:
    """``POST .../tracks/import`` (multipart) takes ``names`` as a JSON object, checked as
    ``POST .../tracks`` checks them; a field that is no such object is refused at ``names``."""
    from gobetween.formats import examples

    _working(world, "en", "uk", "ru")
    url = f"/api/processes/{world.process_id}/tracks/import"
    data = {
        "name": "imported corridor",
        "organisation_ids": [str(world.orgs["Ukraine"]), str(world.orgs["United Nations"])],
    }
    scenario = examples.text("black_sea_corridor").encode()

    def send(names: str, name: str = "imported corridor") -> Any:
        files = {"files": ("corridor.yaml", scenario, "text/yaml")}
        return world.post("admin", url, data={**data, "name": name, "names": names}, files=files)

    made = send('{"uk": " імпортований коридор ", "ru": "импортированный коридор"}')
    assert made.status_code == 201, made.text
    assert made.json()["names"] == {"uk": "імпортований коридор", "ru": "импортированный коридор"}
    assert _refused_at(send('{"tr": "koridor"}', "other"), "names.tr").startswith("Turkish (tr)")
    for bad in ("[1]", '{"uk": 3}', "{uk", '"uk"'):
        said = _refused_at(send(bad, "other"), "names")
        assert said == "the names are not a JSON object of names by language code", bad
    tracks = world.get("admin", f"/api/processes/{world.process_id}/tracks").json()
    assert [t["name"] for t in tracks].count("other") == 0  # nothing made by a refusal
