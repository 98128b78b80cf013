"""A deletion of one's account refused on the page (wrong password) is in one's security log,
labelled in one's language (issue 10, review follow-up)."""

from __future__ import annotations

from tests.web.site import Site, csrf, soup, text_of

EMAIL = "ukraine@demo.gobetween.org"


def test_a_wrong_password_on_the_deletion_form_is_in_the_log(site: Site) -> None:
    c = site.client()
    token = csrf(soup(c.get("/login")))
    data = {"csrf_token": token, "email": EMAIL, "password": site.passwords["ukraine"]}
    assert c.post("/login", data=data).status_code == 303
    page = soup(c.get("/account/security"))
    form = {"csrf_token": csrf(page), "current_password": "not mine at all", "confirm": "yes"}
    refused = c.post("/account/delete", data=form)
    assert refused.status_code in (200, 422), refused.text
    page = soup(c.get("/account/security"))
    kinds = [r["data-kind"] for r in page.select("#security-log tbody tr")]
    assert kinds[0] == "account_deletion.failed"
    assert "Deleting the account refused (wrong password)" in text_of(page, "#security-log")
    uk = soup(c.get("/account/security", headers={"Accept-Language": "uk"}))
    assert "Видалення облікового запису відхилено (хибний пароль)" in text_of(uk, "#security-log")
