"""The security page's *Your data*: the export link, and deleting one's account with the
password and the box ticked that says it cannot be undone (pseudonymised, logged out, the
password no longer works)."""

from __future__ import annotations

from tests.web.site import Site, csrf, soup, text_of

EMAIL = "ukraine@demo.gobetween.org"


def test_a_member_downloads_their_data_and_deletes_their_account(site: Site) -> None:
    member = site.client()
    login = {"csrf_token": csrf(soup(member.get("/login"))), "email": EMAIL}
    login["password"] = site.passwords["ukraine"]
    assert member.post("/login", data=login).status_code == 303
    page = soup(member.get("/account/security"))
    link = page.select_one("#data-export")
    assert link is not None
    exported = member.get(str(link["href"]))
    assert exported.status_code == 200
    assert exported.json()["account"]["email"] == EMAIL
    button = page.select_one("#delete-account button[type=submit]")
    assert button is not None
    assert "danger" in button.get("class", [])  # not drawn as the primary button
    form = {"csrf_token": csrf(page), "current_password": site.passwords["ukraine"]}
    unconfirmed = member.post("/account/delete", data=form)  # the box not ticked: nothing done
    assert unconfirmed.status_code == 422
    assert "confirm" in text_of(soup(unconfirmed), ".flash.error")
    assert member.get("/account/security").status_code == 200  # still logged in
    form = {**form, "confirm": "yes", "current_password": "not my password at all"}
    wrong = member.post("/account/delete", data=form)
    assert wrong.status_code == 422
    assert "password" in text_of(soup(wrong), ".flash.error").lower()
    form["current_password"] = site.passwords["ukraine"]
    done = member.post("/account/delete", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == "/login"
    assert member.get("/account/security").status_code == 303  # logged out
    again = site.client()
    login["csrf_token"] = csrf(soup(again.get("/login")))
    assert again.post("/login", data=login).status_code != 303  # the password no longer works
