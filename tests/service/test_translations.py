"""Working languages, messages kept in their language, the translator role and translations."""

from __future__ import annotations

from typing import Any

import pytest
from tests.service.world import PASSWORD, World

from gobetween.model import OrganisationKind, Role
from gobetween.policy import Actor, AgreementAct, Membership, agreement_view
from gobetween.service import identity, prepare
from gobetween.store import repositories
from gobetween.store.tables import Notification


def add_translator(world: World, name: str, organisation: str) -> int:
    """A user with the translator role in ``organisation`` (a mediating one), with a token."""
    with world.services.db.unit_of_work() as session:
        user = identity.create_user(
            session,
            world.services.hasher,
            email=f"{name}@example.org",
            name=name,
            password=PASSWORD,
        )
        admin = repositories.load_actor(session, world.users["admin"])
        prepare.add_member(
            session,
            admin,
            world.process_id,
            email=f"{name}@example.org",
            role=Role.TRANSLATOR,
            organisation_id=world.orgs[organisation],
        )
        _, token = identity.create_api_token(
            session, repositories.load_actor(session, user.id), "test"
        )
    world.users[name], world.tokens[name] = user.id, token
    return user.id


def declare(world: World, *codes: str) -> None:
    r = world.put(
        "admin", f"/api/processes/{world.process_id}/languages", json={"languages": codes}
    )
    assert r.status_code == 200, r.text


def post(world: World, who: str, channel: int, text: str, **extra: Any) -> dict[str, Any]:
    r = world.post(who, f"/api/channels/{channel}/messages", json={"text": text, **extra})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_working_languages_declared_by_admins(world: World) -> None:
    url = f"/api/processes/{world.process_id}/languages"
    first = world.get("ua", url).json()
    assert first["languages"] == ["en"]  # a process that declared none works in English
    assert [a["code"] for a in first["available"]] == ["en", "uk", "ru", "tr", "ar"]
    assert {a["code"]: a["direction"] for a in first["available"]}["ar"] == "rtl"
    declare(world, "en", "uk", "ru", "tr")
    assert world.get("ru", url).json()["languages"] == ["en", "uk", "ru", "tr"]
    assert world.put("un", url, json={"languages": ["en"]}).status_code == 403
    assert world.get("outsider", url).status_code == 404
    for bad, where in ((["en", "de"], "languages"), (["uk", "uk"], "languages")):
        r = world.put("admin", url, json={"languages": bad})
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["location"].startswith(where)
    assert world.put("admin", url, json={"languages": []}).status_code == 422


def test_message_keeps_its_language(world: World) -> None:
    declare(world, "en", "uk", "ru", "tr")
    channel = world.channels[("food", "ua")]
    assert post(world, "ua", channel, "Порти мають працювати.", language="uk")["language"] == "uk"
    # by default the poster's interface language, when the process works in it
    r = world.post(
        "ua",
        f"/api/channels/{channel}/messages",
        json={"text": "Коридор"},
        headers={"Accept-Language": "uk-UA,uk;q=0.9"},
    )
    assert r.json()["language"] == "uk"
    r = world.post(
        "ua",
        f"/api/channels/{channel}/messages",
        json={"text": "corridor"},
        headers={"Accept-Language": "ar"},
    )
    assert r.json()["language"] == "en"  # Arabic is not a working language: the first one
    bad = world.post(
        "ua", f"/api/channels/{channel}/messages", json={"text": "x", "language": "ar"}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["location"] == "language"
    listed = world.get("un", f"/api/channels/{channel}/messages").json()
    assert [m["language"] for m in listed] == ["uk", "uk", "en"]


def test_translator_reads_given_tracks_and_translates_only(world: World) -> None:
    declare(world, "en", "uk", "ru", "tr")
    interpreter = add_translator(world, "interpreter", "United Nations")
    food, energy = world.tracks["food"], world.tracks["energy"]
    ua_channel, ru_channel = world.channels[("food", "ua")], world.channels[("food", "ru")]
    message = post(world, "ua", ua_channel, "Ми просимо три порти.", language="uk")
    post(world, "ru", ru_channel, "Мы просим снять ограничения.", language="ru")

    # before a mediator gives them the track, a translator sees nothing of it
    assert world.get("interpreter", f"/api/channels/{ua_channel}/translations").status_code == 404
    assert world.get("interpreter", "/api/translating").json() == []
    assert world.put("ua", f"/api/tracks/{food}/translators/{interpreter}").status_code == 403
    not_translator = world.put("un", f"/api/tracks/{food}/translators/{world.users['ua']}")
    assert not_translator.status_code == 422
    assert world.put("un", f"/api/tracks/{food}/translators/{interpreter}").status_code == 204
    given = world.get("un", f"/api/tracks/{food}/translators").json()
    assert [g["name"] for g in given] == ["interpreter"]

    tracks = world.get("interpreter", "/api/translating").json()
    assert [t["id"] for t in tracks] == [food]
    assert sorted(c["id"] for c in tracks[0]["channels"]) == sorted([ua_channel, ru_channel])
    read = world.get("interpreter", f"/api/channels/{ru_channel}/translations").json()
    assert [m["text"] for m in read] == ["Мы просим снять ограничения."]

    # everything else stays closed: posting, preferences, texts, analysis, other tracks
    for method, url in (
        ("POST", f"/api/channels/{ua_channel}/messages"),
        ("GET", f"/api/channels/{ua_channel}/messages"),
        ("GET", f"/api/tracks/{food}/preferences"),
        ("GET", f"/api/tracks/{food}/text"),
        ("GET", f"/api/tracks/{food}/channels"),
        ("GET", f"/api/tracks/{food}/messages"),
        ("GET", f"/api/channels/{world.channels[('energy', 'ua')]}/translations"),
        ("GET", f"/api/tracks/{energy}/channels"),
    ):
        r = world.request("interpreter", method, url, json={"text": "x"})
        assert r.status_code == 404, (method, url, r.status_code)

    url = f"/api/messages/{message['id']}/translations/en"
    r = world.put("interpreter", url, json={"text": "We ask for three ports."})
    assert r.status_code == 201, r.text
    assert r.json()["translator"] == "interpreter"
    same = world.put(
        "interpreter", f"/api/messages/{message['id']}/translations/uk", json={"text": "x"}
    )
    assert same.status_code == 422  # the message is in Ukrainian already
    other = world.put(
        "interpreter", f"/api/messages/{message['id']}/translations/ar", json={"text": "x"}
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["location"] == "language"
    assert world.put("un", url, json={"text": "x"}).status_code == 403  # mediators do not
    assert world.put("ru", url, json={"text": "x"}).status_code == 404  # hidden from Russia
    assert world.put("ua", url, json={"text": "x"}).status_code == 403

    # a live update in Ukraine's scope only (the party's and the mediators' streams)
    with world.services.db.unit_of_work() as session:
        live = session.query(Notification).filter_by(kind="translation").all()
        assert [(n.party_id, n.object_id) for n in live] == [(world.orgs["Ukraine"], message["id"])]
    # shown beside the original to the party and the mediators, with who translated it
    for who in ("ua", "ua2", "un", "tr"):
        (seen,) = world.get(who, f"/api/channels/{ua_channel}/messages").json()
        assert seen["text"] == "Ми просимо три порти."
        assert [(x["language"], x["text"], x["translator"]) for x in seen["translations"]] == [
            ("en", "We ask for three ports.", "interpreter")
        ]
    # never to the other party, whatever route it tries
    for probe in (
        f"/api/channels/{ru_channel}/messages",
        f"/api/channels/{ru_channel}/translations",
        f"/api/tracks/{food}/messages?q=three",
    ):
        assert "three ports" not in world.get("ru", probe).text
    assert world.get("ru", f"/api/channels/{ua_channel}/translations").status_code == 404

    # a corrected translation replaces the wording; taking the track back closes it again
    world.put("interpreter", url, json={"text": "We ask for three ports to be opened."})
    (seen,) = world.get("ua", f"/api/channels/{ua_channel}/messages").json()
    assert seen["translations"][0]["text"] == "We ask for three ports to be opened."
    assert (
        world.request("un", "DELETE", f"/api/tracks/{food}/translators/{interpreter}").status_code
        == 204
    )
    assert world.get("interpreter", f"/api/channels/{ua_channel}/translations").status_code == 404


def test_translator_never_acts_for_the_mediators_in_an_agreement() -> None:
    translator = Actor(8, (Membership(1, Role.TRANSLATOR, 20),))
    mediator = Actor(9, (Membership(1, Role.MEDIATOR, 20),))
    signatories = {"UN": (20, OrganisationKind.MEDIATOR), "Ukraine": (10, OrganisationKind.PARTY)}
    view = agreement_view(translator, agreement_id=4, process_id=1, signatories=signatories)
    assert dict(view.acts_for) == {}
    with pytest.raises(LookupError):
        view.require(AgreementAct.READ)
    view = agreement_view(mediator, agreement_id=4, process_id=1, signatories=signatories)
    assert view.allows(AgreementAct.SIGN, "UN")


def test_a_track_works_in_some_of_the_process_languages(world: World) -> None:
    declare(world, "en", "uk", "ru", "tr", "ar")
    food = world.tracks["food"]
    url = f"/api/tracks/{food}/languages"
    assert world.get("ua", url).json()["languages"] == ["en", "uk", "ru", "tr", "ar"]
    assert world.put("un", url, json={"languages": ["en"]}).status_code == 403
    r = world.put("admin", url, json={"languages": ["en", "uk", "ru", "tr"]})
    assert r.json()["languages"] == ["en", "uk", "ru", "tr"]
    assert world.get("ru", url).json()["languages"] == ["en", "uk", "ru", "tr"]
    assert world.get("outsider", url).status_code == 404
    food_ua, energy_ua = world.channels[("food", "ua")], world.channels[("energy", "ua")]
    arabic = {"text": "نطلب فتح الموانئ", "language": "ar"}
    refused = world.post("ua", f"/api/channels/{food_ua}/messages", json=arabic)
    assert refused.status_code == 422
    said = refused.json()["errors"][0]
    assert said["message"].startswith("Arabic (ar) is not a working language of this track")
    assert said["expected"] == "one of English (en), Ukrainian (uk), Russian (ru), and Turkish (tr)"
    assert post(world, "ua", energy_ua, arabic["text"], language="ar")["language"] == "ar"
    declare(world, "en", "uk")
    narrower = world.put("admin", url, json={"languages": ["en", "tr"]})
    assert narrower.status_code == 422  # Turkish is no longer a working language of the process
    assert world.put("admin", url, json={"languages": []}).json()["languages"] == ["en", "uk"]


def test_a_new_process_declares_its_languages(world: World) -> None:
    r = world.post(
        "admin", "/api/processes", json={"name": "Energy talks", "languages": ["ar", "en"]}
    )
    assert r.status_code == 201, r.text
    assert r.json()["languages"] == ["ar", "en"]
    process = r.json()["id"]
    assert world.get("admin", f"/api/processes/{process}").json()["languages"] == ["ar", "en"]
    bad = world.post("admin", "/api/processes", json={"name": "Other", "languages": ["en", "xx"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["location"] == "languages"
    plain = world.post("admin", "/api/processes", json={"name": "Plain"}).json()
    assert plain["languages"] == ["en"]  # none declared: English


def test_a_translator_is_invited_into_a_mediating_organisation_only(world: World) -> None:
    url = f"/api/processes/{world.process_id}/invitations"
    ok = world.post(
        "admin",
        url,
        json={
            "email": "interpreter@example.org",
            "role": "translator",
            "organisation_id": world.orgs["United Nations"],
        },
    )
    assert ok.status_code == 201, ok.text
    for org in ("Ukraine", "Observers"):
        body = {"email": "x@example.org", "role": "translator", "organisation_id": world.orgs[org]}
        refused = world.post("admin", url, json=body)
        assert refused.status_code == 422, refused.text
