"""The security page's *Your data*: the export link, and deleting one's account with the
password (pseudonymised, logged out, the password no longer works)."""

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
    form = {"csrf_token": csrf(page), "current_password": "not my password at all"}
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
