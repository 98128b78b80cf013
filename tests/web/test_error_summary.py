"""A refused page form: GOV.UK's error summary (every problem, each a link to its field named
by its label in the page's language, never the API's field name), each field's own words next
to it, and what was typed kept (found by a tester walking the demo in Turkish and Arabic)."""

from __future__ import annotations

import copy

import httpx
from bs4 import BeautifulSoup
from tests.web.site import Site, csrf, invitation_token, one, soup, text_of


def _summary(page: BeautifulSoup) -> list[tuple[str | None, str]]:
    """Each problem of the page's summary: the id its link targets (checked to exist, marked
    invalid, with a label that says what the summary says: for the first of a group of radio
    buttons or check boxes, the legend of their fieldset, which the words describe) or None,
    and its words."""
    box = one(page, "#error-summary")
    assert box["role"] == "alert"
    assert box["tabindex"] == "-1"
    listed = []
    for item in box.select("li"):
        link = item.select_one("a")
        target = None
        if link is not None:
            target = str(link["href"]).removeprefix("#")
            field = one(page, f"#{target}")
            if field.get("type") in ("radio", "checkbox"):
                group = field.find_parent("fieldset")
                assert group is not None, target
                assert f"{group['id']}-error" in str(group.get("aria-describedby")), target
                label = one(group, "legend").get_text(" ", strip=True)
            else:
                assert field.get("aria-invalid") == "true", target
                said = copy.copy(one(page, f"label[for={target}]"))
                for shown_only in said.select("[aria-hidden=true]"):  # not in its name
                    shown_only.decompose()
                label = said.get_text(" ", strip=True)
            assert item.get_text(" ", strip=True).startswith(label), (label, item)
        listed.append((target, item.get_text(" ", strip=True)))
    return listed


def _post(c: httpx.Client, page: str, action: str, data: dict[str, object]) -> httpx.Response:
    return c.post(action, data={"csrf_token": csrf(soup(c.get(page))), **data})  # type: ignore[arg-type]


def test_a_new_process_lists_every_problem_by_its_label_in_ukrainian(site: Site) -> None:
    c = site.client("secretariat")
    c.cookies.set("gobetween_lang", "uk")
    form = {"name": "", "parties": "", "mediators": "", "observers": "Спостерігач"}
    r = _post(c, "/processes/new", "/processes/new", form)
    assert r.status_code == 422
    page = soup(r)
    listed = _summary(page)
    assert [target for target, _ in listed] == [
        "process-name",
        "process-parties",
        "process-mediators",
    ]
    said = text_of(page, "#error-summary")
    assert "Є проблема" in said
    for api_name in ("name:", "parties:", "mediators:", "organisation_ids"):
        assert api_name not in said, said
    assert one(page, "#process-observers").get_text() == "Спостерігач"
    assert one(page, "#process-name-error").get_text(strip=True)


def test_two_over_long_organisations_and_a_bad_language_are_all_listed_in_turkish(
    site: Site,
) -> None:
    c = site.client("secretariat")
    c.cookies.set("gobetween_lang", "tr")
    long = "x" * 300
    form = {
        "name": "Görüşmeler",
        "parties": f"A\n{long}",
        "mediators": long,
        "languages": ["en", "türkçe"],
    }
    page = soup(_post(c, "/processes/new", "/processes/new", form))
    listed = _summary(page)
    targets = [target for target, _ in listed]
    assert targets == ["process-languages-en", "process-parties", "process-mediators"], listed
    said = text_of(page, "#error-summary")
    assert "languages.0" not in said, said
    assert "mediators.name" not in said, said
    assert "'türkçe'" in said
    assert one(page, "#process-mediators").get_text() == long
    assert one(page, "#process-languages-en").has_attr("checked")


def _token(site: Site) -> str:
    return invitation_token(site)


def test_the_invitation_keeps_the_name_and_names_each_problem_in_arabic(site: Site) -> None:
    token = _token(site)
    visitor = site.client()
    visitor.cookies.set("gobetween_lang", "ar")
    r = visitor.post(f"/invitations/{token}", data={"name": "ليلى", "password": "short"})
    assert r.status_code == 422
    page = soup(r)
    assert [target for target, _ in _summary(page)] == ["password"]
    assert one(page, "#name")["value"] == "ليلى"
    assert "password:" not in text_of(page, "#error-summary")
    r = visitor.post(f"/invitations/{token}", data={"name": " ", "password": "short"})
    assert [target for target, _ in _summary(soup(r))] == ["name", "password"]


def test_an_over_long_invitation_name_comes_back_on_the_form_naming_the_field(
    site: Site,
) -> None:
    token = _token(site)
    visitor = site.client()
    visitor.cookies.set("gobetween_lang", "ar")
    page = soup(visitor.get(f"/invitations/{token}"))
    assert one(page, "#name")["maxlength"] == "200"
    r = visitor.post(f"/invitations/{token}", data={"name": "ن" * 300, "password": "x" * 12})
    assert r.status_code == 422
    page = soup(r)
    assert [target for target, _ in _summary(page)] == ["name"]
    assert one(page, "#name")["value"] == "ن" * 300
    r = visitor.post(f"/invitations/{token}", data={"name": "n" * 10_001, "password": "x" * 12})
    assert r.status_code == 413
    page = soup(r)
    assert [target for target, _ in _summary(page)] == ["name"]
    assert page.select("#invitation-form")
    assert "8" in text_of(page, "#error-summary")
