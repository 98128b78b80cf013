"""The drafting page carries the digest of the draft it opened: saving it after another mediator
saved the draft shows the form again with the refusal, and the other's edits stay."""

from __future__ import annotations

from tests.web import drafting_helpers as drafting
from tests.web.site import Site, csrf, one, soup
from tests.web.test_drafting import save_draft
from tests.web.test_pages import FOOD


def test_a_stale_drafting_form_does_not_overwrite_another_mediators_save(site: Site) -> None:
    food = site.tracks[FOOD]
    draft_page = save_draft(site, {"note": "first"})
    draft_id = draft_page.rstrip("/").rsplit("/", 1)[-1]
    editing = f"/tracks/{food}/draft?from={draft_id}"
    un, turkiye = site.client("un"), site.client("turkiye")
    un_doc = soup(un.get(editing))
    assert one(un_doc, "#draft-form input[name=base]")["value"]
    un_fields = drafting.draft_fields(un, food, editing)
    tr_doc = soup(turkiye.get(editing))
    tr_fields = drafting.draft_fields(turkiye, food, editing)
    tr_fields.update(draft=draft_id, note="Türkiye's edit")
    tr_fields["base"] = str(one(tr_doc, "#draft-form input[name=base]")["value"])
    saved = turkiye.post(f"/tracks/{food}/draft", data={"csrf_token": csrf(tr_doc), **tr_fields})
    assert saved.status_code == 303, saved.text
    un_fields.update(draft=draft_id, note="UN's edit")
    un_fields["base"] = str(one(un_doc, "#draft-form input[name=base]")["value"])
    stale = un.post(f"/tracks/{food}/draft", data={"csrf_token": csrf(un_doc), **un_fields})
    # before: 303, and Türkiye's note was replaced by the UN's without a word
    assert stale.status_code != 303
    assert "saved by someone else after you opened it" in stale.text
    api = f"/api/tracks/{food}/text/drafts/{draft_id}"
    assert un.get(api).json()["body"]["note"] == "Türkiye's edit"
