"""An invitation answered on the home page, then answered again from a copy of the page left
open in another tab: the second answer gets the invitation's page (409) in the invitee's own
language and time zone, saying when it was declined and whom to ask, with the way home; its
link says the same. Before, the second answer showed *Not found* (404), and the link's page
said neither when nor whom to ask."""

from __future__ import annotations

from sqlalchemy import select, update
from tests.web.site import Site, csrf, one, soup, text_of
from tests.web.test_pages import post_form

from gobetween import i18n
from gobetween.store import tables as t


def test_answering_a_declined_invitation_again_says_when_and_whom_to_ask(site: Site) -> None:
    convener = site.client("ukraine")
    new = {"name": "Grain talks", "parties": "Russian Federation", "mediators": "UN"}
    made = post_form(convener, "/processes/new", "/processes/new", new, follow_redirects=False)
    pid = int(made.headers["location"].split("/")[2])
    orgs = {o["name"]: o["id"] for o in convener.get(f"/api/processes/{pid}/organisations").json()}
    admin_page = f"/processes/{pid}/admin"
    invite = {
        "action": "invite",
        "email": "russia@demo.gobetween.org",
        "role": "party_member",
        "organisation_id": str(orgs["Russian Federation"]),
    }
    assert post_form(convener, admin_page, admin_page, invite).status_code == 200
    with site.services.db.unit_of_work() as session:
        who = t.User.email == "russia@demo.gobetween.org"
        session.execute(update(t.User).where(who).values(locale="uk", time_zone="Europe/Istanbul"))
    delegate = site.client("russia")
    home = soup(delegate.get("/"))
    invitation = one(home, "#pending-invitations li")["data-invitation"]
    answer = {"csrf_token": csrf(home)}
    declined = delegate.post(f"/my-invitations/{invitation}", data={**answer, "answer": "decline"})
    assert declined.status_code == 303
    again = delegate.post(f"/my-invitations/{invitation}", data={**answer, "answer": "accept"})
    assert again.status_code == 409
    page = soup(again)
    assert one(page, "html")["lang"] == "uk"
    state = one(page, "#invitation-state")
    assert state["data-state"] == "declined"
    with site.services.db.unit_of_work(write=False) as session:
        row = session.execute(select(t.Invitation).where(t.Invitation.process_id == pid))
        at = row.scalar_one().declined_at
    said = i18n.format_datetime(at, "uk", "Europe/Istanbul")
    assert text_of(state, "time") == " ".join(said.split())  # as text_of reads it
    assert "(UTC+3)" in said
    assert "ukraine@demo.gobetween.org" in text_of(page, "#invitation-next")  # whom to ask
    assert [a["href"] for a in page.select("nav a")] == ["/"]
    assert not page.select("#invitation-answer")  # no buttons to answer it once more
    assert delegate.get(f"/api/processes/{pid}").status_code == 404  # nobody joined
