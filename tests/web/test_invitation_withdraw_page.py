"""The process admin page lists each invitation with its state and offers *Withdraw* for a
pending one, behind a disclosure that says what withdrawing does (the confirmation, usable by
keyboard and without JavaScript); withdrawn, the link's page names who withdrew it."""

from __future__ import annotations

from tests.web.site import Site, invitation_token, one, soup, text_of
from tests.web.test_pages import post_form

PAGE = "/processes/1/admin"


def test_an_admin_withdraws_a_pending_invitation_from_the_page(site: Site) -> None:
    token = invitation_token(site, "withdrawn.person@example.org")
    admin = site.client("secretariat")
    page = soup(admin.get(PAGE))
    (row,) = [li for li in page.select("#invitations li") if "withdrawn.person" in li.get_text()]
    assert row["data-state"] == "pending"
    assert one(row, "details summary").get_text(strip=True) == "Withdraw"
    said = text_of(row, "details form p")
    assert "Its link stops working" in said
    invitation_id = str(one(row, "input[name=invitation_id]")["value"])
    sent = {"action": "withdraw", "invitation_id": invitation_id}
    done = post_form(admin, PAGE, PAGE, sent)
    assert done.status_code == 303
    assert done.headers["location"].endswith("?done=invitation-withdrawn#invitations")
    after = soup(admin.get(done.headers["location"]))
    assert "Invitation withdrawn: its link no longer works." in text_of(after, ".flash.notice")
    row = one(after, f"#invitations li[data-invitation='{invitation_id}']")
    assert row["data-state"] == "withdrawn"
    assert not row.select("details")
    again = post_form(admin, PAGE, PAGE, sent)
    assert again.status_code == 422
    assert "only a pending invitation can be withdrawn" in text_of(soup(again), "#error-summary")
    guest = site.client()
    link = guest.get(f"/invitations/{token}")
    assert link.status_code == 200
    state = one(soup(link), "#invitation-state")
    assert state["data-state"] == "withdrawn"
    assert "withdrew the invitation" in state.get_text()
    assert "If you expected" in state.get_text()


def test_a_party_member_cannot_withdraw(site: Site) -> None:
    token = invitation_token(site, "kept.person@example.org")
    member = site.client("ukraine")
    home = "/"
    r = post_form(member, home, PAGE, {"action": "withdraw", "invitation_id": "1"})
    assert r.status_code in (403, 404)
    guest = site.client()
    assert 'id="invitation-form"' in guest.get(f"/invitations/{token}").text
