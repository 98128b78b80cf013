"""The agreement page's forms (a public key, a signed bundle, one of each per organisation
the reader signs for, and the lifecycle act) list every problem of a refusal at the top of the
page, each by its field's label in the reader's language and linked to the field of the form
that was refused, never by the API's name for it (``public_key_pem``, ``file:``,
``term_days``), the folded section for technical staff open on the refused form only."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from bs4 import BeautifulSoup
from tests.web.site import Site, csrf, one, soup, text_of
from tests.web.test_error_summary import _summary
from tests.web.test_error_summary_forms import _no_api_names

from gobetween.service import demo_agreement
from gobetween.service.demo_agreement import build_agreement_demo
from gobetween.service.demo_records import sign_as


@pytest.fixture
def unsigned(site: Site) -> int:
    with site.services.db.unit_of_work() as session:
        return build_agreement_demo(session, signed=False)


def _upload(
    c: httpx.Client, aid: int, action: str, org: str, field: str, data: bytes
) -> httpx.Response:
    token = csrf(soup(c.get(f"/agreements/{aid}")))
    return c.post(
        f"/agreements/{aid}/{action}",
        data={"csrf_token": token, "organisation": org},
        files={field: ("upload.pem", data, "application/octet-stream")},
    )


def _orgs(page: BeautifulSoup) -> list[str]:
    return [str(i["value"]) for i in page.select("#signing form.key-form input[name=organisation]")]


def _open(page: BeautifulSoup) -> list[bool]:
    return [d.has_attr("open") for d in page.select("#signing details.technical")]


def test_a_refused_public_key_is_listed_at_its_own_forms_file_in_ukrainian(
    site: Site, unsigned: int
) -> None:
    un = site.client("un")
    un.cookies.set("gobetween_lang", "uk")
    orgs = _orgs(soup(un.get(f"/agreements/{unsigned}")))
    n = len(orgs)  # the last organisation's form
    r = _upload(un, unsigned, "key", orgs[-1], "public_key", b"not a key")
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == [f"pub-{n}"]
    said = text_of(doc, "#error-summary")
    assert "Є проблема" in said
    _no_api_names(said, "public_key_pem", "public_key", "file:")
    assert _open(doc) == [i == n - 1 for i in range(n)]
    r = _upload(un, unsigned, "key", orgs[0], "public_key", b"")
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == ["pub-1"]
    _no_api_names(text_of(doc, "#error-summary"), "file:", "file :")
    assert _open(doc)[0]


def test_a_refused_bundle_is_listed_at_its_own_forms_file_in_arabic(
    site: Site, unsigned: int
) -> None:
    un = site.client("un")
    un.cookies.set("gobetween_lang", "ar")
    orgs = _orgs(soup(un.get(f"/agreements/{unsigned}")))
    r = _upload(un, unsigned, "signed-bundle", orgs[0], "bundle", b"not json")
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == ["signed-1"]
    _no_api_names(text_of(doc, "#error-summary"), "file:", "bundle:", "bundle")
    assert _open(doc)[0]


def test_a_lifecycle_act_lists_every_problem_by_label_and_keeps_what_was_typed_in_ukrainian(
    site: Site,
) -> None:
    with site.services.db.unit_of_work() as session:
        initiative = build_agreement_demo(session, signed=False)
        actors = demo_agreement._actors(session)
        signers = {s: (actors[s], name) for s, (name, _, _) in demo_agreement.SIGNERS.items()}
        sign_as(session, signers, initiative, dt.datetime.now(dt.UTC))  # in force: acts open
    ru = site.client("russia")
    ru.cookies.set("gobetween_lang", "uk")
    page = f"/agreements/{initiative}"
    act = {"organisation": "Russian Federation", "act": "withdraw", "term_days": "дев'яносто"}
    token = csrf(soup(ru.get(page)))
    r = ru.post(f"{page}/act", data={"csrf_token": token, **act, "reason": "р" * 5001})
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == ["term_days", "reason", "act-confirm"]
    _no_api_names(text_of(doc, "#error-summary"), "term_days", "reason:", "confirm:")
    assert one(doc, "#term_days")["value"] == "дев'яносто"
    assert one(doc, "#reason").get_text() == "р" * 5001
    assert one(doc, "#act option[value=withdraw]").has_attr("selected")
    assert not any(_open(doc))  # the technical section stays folded (none: all signed)


def test_a_revocation_reason_too_long_is_named_by_its_label_in_turkish(site: Site) -> None:
    """The keys page (``/keys``): the revocation's reason, the one field it sends."""
    from gobetween.agreements import generate_private_key, public_key_pem

    ukraine = site.client("ukraine")
    pem = public_key_pem(generate_private_key()).decode()
    token = csrf(soup(ukraine.get("/keys")))
    made = ukraine.post(
        f"/api/organisations/{site.orgs['Ukraine']}/keys",
        json={"public_key_pem": pem, "origin": "browser"},
        headers={"X-CSRF-Token": token},
    )
    assert made.status_code == 201, made.text
    key = made.json()["id"]
    ukraine.cookies.set("gobetween_lang", "tr")
    token = csrf(soup(ukraine.get("/keys")))
    r = ukraine.post(f"/keys/{key}/revoke", data={"csrf_token": token, "reason": "r" * 501})
    assert r.status_code == 422
    doc = soup(r)
    assert [t for t, _ in _summary(doc)] == [f"reason-{key}"]
    _no_api_names(text_of(doc, "#error-summary"), "reason")
    assert one(doc, f"#reason-{key}")["value"] == "r" * 501
