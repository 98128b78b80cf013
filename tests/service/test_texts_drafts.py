"""Drafts of the text: never seen by parties, approved by a second mediating organisation when the
track requires it (recorded, stale after an edit), published only with an explicit confirmation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from tests.service.test_texts_articles import PACKAGE, articles
from tests.service.world import World

from gobetween.store import tables as t
from gobetween.store.audit import change_digest


def drafts_url(world: World) -> str:
    return f"/api/tracks/{world.tracks['food']}/text/drafts"


def notifications(world: World) -> int:
    with world.services.db.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(t.Notification)).scalar_one()


def make_draft(world: World, **more: Any) -> dict[str, Any]:
    body = {"package": PACKAGE, "articles": articles(), "note": "UN draft", **more}
    r = world.post("un", drafts_url(world), json=body)
    assert r.status_code == 201, r.text
    draft: dict[str, Any] = r.json()
    return draft


def test_parties_observers_and_outsiders_never_see_drafts(world: World) -> None:
    food = world.tracks["food"]
    before = {who: world.get(who, f"/api/tracks/{food}/text").json() for who in ("ua", "ru")}
    notices = notifications(world)
    draft = make_draft(world, note="secret draft note")
    assert draft["status"] == "draft"
    assert world.get("tr", drafts_url(world)).json()[0]["id"] == draft["id"]
    for who in ("ua", "ru", "obs", "outsider"):
        assert world.get(who, drafts_url(world)).status_code == 404
        one = world.get(who, f"{drafts_url(world)}/{draft['id']}")
        missing = world.get(who, f"{drafts_url(world)}/{draft['id'] + 1}")
        assert one.status_code == missing.status_code == 404
        assert one.json()["detail"].replace(str(draft["id"]), "N") == missing.json()[
            "detail"
        ].replace(str(draft["id"] + 1), "N")
        assert world.post(who, f"{drafts_url(world)}/{draft['id']}/approval").status_code == 404
    world.post("tr", f"{drafts_url(world)}/{draft['id']}/approval")
    for who in ("ua", "ru"):  # nothing a party reads changed
        assert world.get(who, f"/api/tracks/{food}/text").json() == before[who]
    assert notifications(world) == notices  # no live update, no cursor moved


def test_publishing_needs_confirmation_and_the_second_organisations_current_approval(
    world: World,
) -> None:
    food = world.tracks["food"]
    r = world.put(
        "un",
        f"/api/tracks/{food}/text/rules",
        json={"approval_required": True, "after_deadline": "Silence counts as no answer."},
    )
    assert r.status_code == 200, r.text
    rules = world.get("ua", f"/api/tracks/{food}/text/rules").json()
    assert rules == {"approval_required": True, "after_deadline": "Silence counts as no answer."}
    draft = make_draft(world)
    url = f"{drafts_url(world)}/{draft['id']}"
    r = world.post("un", f"{url}/publication", json={})
    assert r.status_code == 422  # not confirmed
    assert r.json()["errors"][0]["location"] == "confirm"
    r = world.post("un", f"{url}/publication", json={"confirm": True})
    assert r.status_code == 409  # not approved
    assert world.post("un", f"{url}/approval").status_code == 409  # the drafter's own organisation
    r = world.post("tr", f"{url}/approval")
    assert r.status_code == 200, r.text
    assert r.json()["approved"] is True
    assert r.json()["approvals"][0]["organisation_id"] == world.orgs["Türkiye"]
    edited = {"package": PACKAGE, "articles": articles("Ships leave from three ports.")}
    r = world.put("un", url, json=edited)
    assert r.json()["approved"] is False  # the approval was for the text before the edit
    assert r.json()["approvals"][0]["current"] is False
    assert world.post("un", f"{url}/publication", json={"confirm": True}).status_code == 409
    world.post("tr", f"{url}/approval")
    r = world.post("un", f"{url}/publication", json={"confirm": True})
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1
    party = world.get("ua", f"/api/tracks/{food}/text").json()
    assert party["versions"][0]["articles"][1]["wording"] == {"en": "Ships leave from three ports."}
    assert world.get("un", url).json()["status"] == "published"
    assert world.post("un", f"{url}/publication", json={"confirm": True}).status_code == 409


def test_a_draft_lists_its_problems_and_publishing_it_is_refused_naming_the_article(
    world: World,
) -> None:
    body = articles("Ships leave from three ports.")
    body.append({"id": "art-final", "kind": "final"})
    draft = make_draft(world, articles=body)
    assert draft["problems"] == [
        {
            "article": "art-final",
            "message": "the article is empty (it has no wording in any language)",
        }
    ]
    r = world.post("un", f"{drafts_url(world)}/{draft['id']}/publication", json={"confirm": True})
    assert r.status_code == 422
    assert "art-final" in r.json()["detail"]


def test_an_alternative_worded_as_another_option_is_refused_and_edited_wording_goes_out(
    world: World,
) -> None:
    """A bracketed alternative's wording follows the article's rule (issue 11): the mediators
    may reword it, but not with another option's wording; edited wording is what goes out."""
    from gobetween.model import Issue

    ports = Issue.discrete("ports", ["Odesa+Chornomorsk", "three ports"])
    others = articles()
    bracket = others[1]
    wrong = [
        {"option": "Odesa+Chornomorsk", "wording": {"en": ports.default_clause("three ports")}},
        bracket["alternatives"][1],
    ]
    draft = make_draft(
        world, articles=[*others[:1], {**bracket, "alternatives": wrong}, *others[2:]]
    )
    assert [p["article"] for p in draft["problems"]] == ["art-ports"]
    assert "alternative 1 belongs to option 'three ports'" in draft["problems"][0]["message"]
    url = f"{drafts_url(world)}/{draft['id']}"
    r = world.post(
        "un", f"{url}/publication", json={"confirm": True}, headers={"Accept-Language": "uk"}
    )
    assert r.status_code == 422, r.text
    assert "альтернативи 1" in r.json()["detail"], r.json()["detail"]
    reworded = [
        {
            "option": "Odesa+Chornomorsk",
            "wording": {"en": "Ships leave from Odesa, then Chornomorsk."},
        },
        bracket["alternatives"][1],
    ]
    body = {
        "package": PACKAGE,
        "articles": [*others[:1], {**bracket, "alternatives": reworded}, *others[2:]],
    }
    fixed = world.put("un", url, json=body)
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["problems"] == []
    published = world.post("un", f"{url}/publication", json={"confirm": True})
    assert published.status_code == 201, published.text
    text = world.get("ua", f"/api/tracks/{world.tracks['food']}/text").json()
    version = text["versions"][-1]
    (article,) = [a for a in version["articles"] if a["id"] == "art-ports"]
    assert (
        article["alternatives"][0]["wording"]["en"] == "Ships leave from Odesa, then Chornomorsk."
    )
    assert version["wording_of"]["art-ports/1"] == {"en": None}  # the mediators' own wording


def test_each_act_on_a_draft_is_audited_with_the_digest_of_its_body(world: World) -> None:
    draft = make_draft(world)
    url = f"{drafts_url(world)}/{draft['id']}"
    assert world.post("tr", f"{url}/approval").status_code == 200
    assert world.post("un", f"{url}/publication", json={"confirm": True}).status_code == 201
    other = make_draft(world, note="set aside")
    gone = world.request("un", "DELETE", f"{drafts_url(world)}/{other['id']}")
    assert gone.status_code == 200, gone.text
    with world.services.db.unit_of_work(write=False) as session:
        links = session.execute(
            select(t.AuditEntry.action, t.AuditEntry.object_id, t.AuditEntry.digest)
            .where(t.AuditEntry.object_type == "text_draft")
            .order_by(t.AuditEntry.seq)
        ).all()
    tr = world.orgs["Türkiye"]
    assert [tuple(link) for link in links] == [
        ("text.draft_saved", str(draft["id"]), change_digest({"digest": draft["digest"]})),
        (
            "text.draft_approved",
            str(draft["id"]),
            change_digest({"digest": draft["digest"], "organisation": tr}),
        ),
        (
            "text.draft_published",
            str(draft["id"]),
            change_digest({"digest": draft["digest"], "version": 1}),
        ),
        ("text.draft_saved", str(other["id"]), change_digest({"digest": other["digest"]})),
        ("text.draft_discarded", str(other["id"]), change_digest({"digest": other["digest"]})),
    ]
