"""Two mediators editing one draft: the later save of an older copy is refused (409), never
silently replacing the other's edits; the API takes the draft's ``digest`` as ``base``."""

from __future__ import annotations

from tests.service.test_texts_articles import PACKAGE, articles
from tests.service.test_texts_drafts import drafts_url, make_draft
from tests.service.world import World


def test_saving_an_older_copy_of_a_draft_is_refused(world: World) -> None:
    draft = make_draft(world)
    url = f"{drafts_url(world)}/{draft['id']}"
    opened_by_un = world.get("un", url).json()["digest"]
    opened_by_tr = world.get("tr", url).json()["digest"]
    assert opened_by_un == opened_by_tr
    turkish = {"package": PACKAGE, "articles": articles(), "note": "Türkiye's edit"}
    r = world.put("tr", url, json={**turkish, "base": opened_by_tr})
    assert r.status_code == 200, r.text
    mine = {"package": PACKAGE, "articles": articles(), "note": "UN's edit", "base": opened_by_un}
    r = world.put("un", url, json=mine)
    # before: 200, and Türkiye's edit was gone without anyone being told
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "saved by someone else after you opened it" in r.json()["detail"]
    assert world.get("un", url).json()["body"]["note"] == "Türkiye's edit"
    fresh = world.get("un", url).json()["digest"]
    assert world.put("un", url, json={**mine, "base": fresh}).status_code == 200
    assert world.get("tr", url).json()["body"]["note"] == "UN's edit"
    assert world.put("un", url, json={**mine, "base": "0" * 63}).status_code == 422
    assert world.put("un", url, json={**mine, "base": None}).status_code == 200  # as before


def test_two_saves_of_one_copy_at_the_same_moment_one_is_refused(world: World) -> None:
    """The draft's row is locked while a save checks its digest: a second save of the same
    copy, started while the first is uncommitted, waits and then finds the draft changed."""
    import threading
    import time

    from gobetween.errors import Conflict
    from gobetween.service import drafts
    from gobetween.store import repositories

    draft = make_draft(world)
    base = draft["digest"]
    food = world.tracks["food"]
    db = world.services.db
    outcome: list[object] = []

    def second() -> None:
        try:
            with db.unit_of_work() as session:
                actor = repositories.load_actor(session, world.users["tr"])
                drafts.save_draft(
                    session,
                    actor,
                    food,
                    options=PACKAGE,
                    note="tr",
                    draft_id=draft["id"],
                    base=base,
                )
            outcome.append("saved")
        except Conflict as refused:
            outcome.append(refused)

    with db.unit_of_work() as session:
        actor = repositories.load_actor(session, world.users["un"])
        drafts.save_draft(
            session, actor, food, options=PACKAGE, note="un", draft_id=draft["id"], base=base
        )
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # the second save is now waiting for this unit of work
    thread.join(30)
    assert len(outcome) == 1
    assert isinstance(outcome[0], Conflict)
    url = f"{drafts_url(world)}/{draft['id']}"
    assert world.get("un", url).json()["body"]["note"] == "un"
