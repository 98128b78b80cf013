"""Issue 12: a deleted account's pseudonym is stored once, in English ("deleted user <tag>",
no migration), and shown in the reader's language wherever a page shows the name."""

from __future__ import annotations

from sqlalchemy import select
from tests.web.site import Site, csrf, soup

from gobetween import i18n
from gobetween.service.account_deletion import PSEUDONYM, pseudonym_said
from gobetween.store import tables as t

TAG = "0123456789ab"


def test_the_pseudonym_of_a_deleted_author_in_each_language(site: Site) -> None:
    with site.services.db.unit_of_work(write=False) as session:
        channel = session.scalars(
            select(t.Channel.id).where(
                t.Channel.track_id == site.tracks["food corridor"],
                t.Channel.party_id == site.orgs["Russian Federation"],
            )
        ).one()
    russia = site.client("russia")
    form = {"csrf_token": csrf(soup(russia.get(f"/channels/{channel}"))), "text": "three ports"}
    assert russia.post(f"/channels/{channel}/messages", data=form).status_code == 303
    with site.services.db.unit_of_work() as session:
        user = session.scalars(
            select(t.User).where(t.User.email == "russia@demo.gobetween.org")
        ).one()
        user.name = PSEUDONYM % {"tag": TAG}  # as delete_account stores it
    un = site.client("un")
    shown = {}
    for language in ("en", "uk", "ar"):
        un.cookies.set("gobetween_lang", language)
        page = soup(un.get(f"/channels/{channel}"))
        shown[language] = [b.get_text() for b in page.select(".meta strong bdi")]
    assert f"deleted user {TAG}" in shown["en"]
    assert f"видалений користувач {TAG}" in shown["uk"]
    assert f"مستخدم محذوف {TAG}" in shown["ar"]
    assert not any("deleted user" in name for name in shown["uk"] + shown["ar"])


def test_the_pseudonym_inside_a_translated_label_on_the_admin_page(site: Site) -> None:
    with site.services.db.unit_of_work() as session:
        user = session.scalars(
            select(t.User).where(t.User.email == "russia@demo.gobetween.org")
        ).one()
        user.name = PSEUDONYM % {"tag": TAG}
        process = session.scalars(select(t.Process.id)).first()
    secretariat = site.client("secretariat")
    secretariat.cookies.set("gobetween_lang", "uk")
    r = secretariat.get(f"/processes/{process}/admin")
    assert r.status_code == 200, r.text
    labels = [label.get_text() for label in soup(r).select("label")]
    assert any(f"видалений користувач {TAG}" in label for label in labels), labels
    assert not any("deleted user" in label for label in labels), labels


def test_only_the_stored_pseudonym_is_translated() -> None:
    with i18n.use_locale("uk"):
        assert pseudonym_said(f"deleted user {TAG}") == f"видалений користувач {TAG}"
        assert pseudonym_said("deleted user Olena") == "deleted user Olena"  # not a tag
        assert pseudonym_said("Olena") == "Olena"
