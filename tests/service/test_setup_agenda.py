"""Changing a track's agenda: free until the first text version, then a new announced version
(note required, issues and options kept, history kept, every seat told, by e-mail too)."""

from __future__ import annotations

import copy
from typing import Any

from tests.service.mailbox import mail_settings as smtp
from tests.service.mailbox import smtp_server
from tests.service.world import World, make_settings

from gobetween.service import mail, notifications
from gobetween.store import setup_tables as st
from gobetween.store import tables as t

PACKAGE = {"ports": "Odesa+Chornomorsk", "inspection": "Istanbul JCC", "term": "120"}


def _agenda(world: World, track: int) -> dict[str, Any]:
    return dict(world.get("un", f"/api/tracks/{track}").json()["agenda"])


def _as_input(agenda: dict[str, Any]) -> dict[str, Any]:
    issues = [
        {
            "name": i["name"],
            "kind": i["kind"],
            "unit": i["unit"],
            "description": i["description"],
            "options": [
                {"name": o["name"], "value": o.get("value"), "wording": o.get("wording", {})}
                for o in i["options"]
            ],
        }
        for i in agenda["issues"]
    ]
    return {"name": agenda["name"], "issues": issues}


def _put(world: World, who: str, track: int, agenda: dict[str, Any], note: str = "") -> Any:
    return world.put(who, f"/api/tracks/{track}/agenda", json={"agenda": agenda, "note": note})


def test_the_agenda_is_a_draft_until_the_first_text(world: World) -> None:
    food = world.tracks["food"]
    agenda = _as_input(_agenda(world, food))
    agenda["issues"][0]["options"].append({"name": "Odesa, Chornomorsk and Yuzhny"})
    agenda["issues"][0]["description"] = "Which ports ships leave from."
    assert _put(world, "ua", food, agenda).status_code == 403
    assert _put(world, "outsider", food, agenda).status_code == 404
    changed = _put(world, "un", food, agenda)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"version": 0}
    ports = _agenda(world, food)["issues"][0]
    assert ports["options"][-1]["name"] == "Odesa, Chornomorsk and Yuzhny"
    assert ports["description"] == "Which ports ships leave from."
    assert world.get("ua", f"/api/tracks/{food}/agenda/versions").json() == []


def _publish(world: World, track: int) -> None:
    r = world.post("un", f"/api/tracks/{track}/text/versions", json={"package": PACKAGE})
    assert r.status_code == 201, r.text


def test_after_a_text_a_change_is_an_announced_version(world: World) -> None:
    food = world.tracks["food"]
    _publish(world, food)
    before = _as_input(_agenda(world, food))
    reworded = copy.deepcopy(before)
    reworded["issues"][1]["description"] = "Who inspects the ships, and where."
    reworded["issues"][0]["options"][0]["wording"] = {"en": "Ships leave from Odesa only."}
    assert _put(world, "un", food, reworded).status_code == 422  # no note
    dropped = copy.deepcopy(reworded)
    dropped["issues"][0]["options"].pop()
    assert _put(world, "un", food, dropped, "fewer ports").status_code == 409
    done = _put(world, "un", food, reworded, "Inspection described; Odesa's clause.")
    assert done.status_code == 200, done.text
    assert done.json() == {"version": 2}
    history = world.get("ru", f"/api/tracks/{food}/agenda/versions").json()
    assert [v["version"] for v in history] == [1, 2]
    assert history[0]["agenda"]["issues"][1]["description"] == ""
    assert history[1]["note"] == "Inspection described; Odesa's clause."
    # the texts still read, and every seat gets a public live update of kind "agenda"
    assert world.get("ua", f"/api/tracks/{food}/text").status_code == 200
    with world.services.db.unit_of_work(write=False) as session:
        kinds = [
            (n.kind, n.party_id, n.object_id)
            for n in session.query(t.Notification).filter_by(track_id=food)
        ]
    assert ("agenda", None, 2) in kinds


def test_the_parties_are_told_by_e_mail(database_url: str) -> None:
    with smtp_server() as box:
        w = World.build(make_settings(database_url, **smtp(box)))
        try:
            with w.services.db.unit_of_work() as session:
                for user_id in w.users.values():
                    session.add(st.MailSettings(user_id=user_id, verified_at=t.utcnow()))
            notifications.run_once(w.services.db, w.services.settings)
            food = w.tracks["food"]
            _publish(w, food)
            agenda = _as_input(_agenda(w, food))
            agenda["issues"][2]["description"] = "How long the corridor runs."
            assert _put(w, "un", food, agenda, "The term is described.").status_code == 200
            notifications.run_once(w.services.db, w.services.settings)
            mail.deliver_due(w.services.db, w.services.settings)
            (to_ru,) = [box.body(m) for m in box.to("ru@example.org")]
            assert "Version 1 of the negotiating text" in to_ru
            assert "The agenda of “food corridor” changed (version 2)" in to_ru
            assert box.to("outsider@example.org") == []
        finally:
            w.close()


def test_names_in_other_languages_are_added_after_a_text_and_bad_ones_refused(
    world: World,
) -> None:
    """Names and descriptions in other languages are not keys: the API takes them after texts
    are published (an announced version, like a reworded description), keeps them, and refuses
    a name in no language or an empty one at its place."""
    food = world.tracks["food"]
    _publish(world, food)
    named = _as_input(_agenda(world, food))
    named["issues"][0]["names"] = {"uk": "порти", "ru": "порты"}
    named["issues"][0]["descriptions"] = {"uk": "Звідки відходять судна."}
    named["issues"][0]["options"][0]["names"] = {"uk": "Одеса і Чорноморськ"}
    done = _put(world, "un", food, named, "Names in Ukrainian and Russian.")
    assert done.status_code == 200, done.text
    ports = _agenda(world, food)["issues"][0]
    assert ports["names"] == {"ru": "порты", "uk": "порти"}
    assert ports["descriptions"] == {"uk": "Звідки відходять судна."}
    assert ports["options"][0]["names"] == {"uk": "Одеса і Чорноморськ"}
    seen = world.get("ru", f"/api/tracks/{food}").json()["agenda"]["issues"][0]
    assert seen["names"]["ru"] == "порты"  # every seat of the track reads them
    for bad, where in (
        ({"Ukrainian": "порти"}, "names"),
        ({"uk": " "}, "names uk"),
    ):
        wrong = copy.deepcopy(named)
        wrong["issues"][0]["names"] = bad
        refused = _put(world, "un", food, wrong, "names")
        assert refused.status_code == 422, refused.text
        said = refused.json()
        assert where in str(said), said
        assert "Traceback" not in refused.text
    assert _agenda(world, food)["issues"][0]["names"] == {"ru": "порты", "uk": "порти"}
