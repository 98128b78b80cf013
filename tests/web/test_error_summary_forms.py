"""The page forms beyond the first four list every problem of a refusal at the top of the page,
each by its field's label in the reader's language and linked to the field, never by the API's
name or path for it (``st:art-1``, ``kind``, ``evidence.0.reference``, ...), what was typed
kept (a tester walking the demo in Turkish and Arabic found English names on their pages)."""

from __future__ import annotations

import pytest
from tests.web import drafting_helpers as drafting
from tests.web.site import Site, one, soup, text_of
from tests.web.test_error_summary import _summary
from tests.web.test_pages import FOOD, post_form

from gobetween.service.demo_agreement import build_agreement_demo
from gobetween.service.demo_records import ENERGY, build_records_demo


def _no_api_names(said: str, *names: str) -> None:
    for name in names:
        assert name not in said, (name, said)


def test_the_text_answer_names_each_problem_by_its_article_in_ukrainian(site: Site) -> None:
    food = site.tracks[FOOD]
    assert drafting.publish(site.client("un"), food).status_code == 303
    ua = site.client("ukraine")
    ua.cookies.set("gobetween_lang", "uk")
    page = f"/tracks/{food}/text"
    body = {
        "version": "1",
        "st:art-1": "cannot_accept",  # no reason
        "pw:art-2": "Зерно й добрива.",  # no position
        "reasons": "x" * 5001,
    }
    r = post_form(ua, page, f"{page}/answer", body)
    assert r.status_code == 422
    doc = soup(r)
    listed = _summary(doc)
    assert [target for target, _ in listed] == ["kind-accept", "rs-1-0", "st-2-0", "reasons"]
    said = text_of(doc, "#error-summary")
    assert "Є проблема" in said
    _no_api_names(said, "st:art", "rs:art", "art-1", "art-2", "kind:", "reasons", "articles.")
    assert one(doc, "textarea[name='pw:art-2']").get_text() == "Зерно й добрива."
    assert one(doc, "select[name='st:art-1'] option[selected]")["value"] == "cannot_accept"
    assert one(doc, "#reasons").get_text() == "x" * 5001


@pytest.fixture
def energy(site: Site) -> int:
    with site.services.db.unit_of_work() as session:
        return build_records_demo(session)[ENERGY]


@pytest.fixture
def initiative(site: Site) -> int:
    with site.services.db.unit_of_work() as session:
        return build_agreement_demo(session)


def _implementation(agreement: int) -> str:
    return f"/agreements/{agreement}/implementation"


def test_an_incident_lists_each_problem_by_its_label_once_in_arabic(
    site: Site, energy: int
) -> None:
    ukraine = site.client("ukraine")
    ukraine.cookies.set("gobetween_lang", "ar")
    page = _implementation(energy)
    form = soup(ukraine.get(page))
    fields = {
        "alleged_by": str(one(form, "#incident-form input[name=alleged_by]")["value"]),
        "accused": one(form, "#inc-accused option").get_text(),
        "date": "غدا",
        "place": "p" * 301,
        "facility": "محطة بورشتين",
        "description": "",
    }
    r = post_form(ukraine, page, f"{page}/incidents", fields)
    assert r.status_code == 422
    doc = soup(r)
    targets = [target for target, _ in _summary(doc)]
    assert targets == ["inc-date", "inc-place", "inc-description"], targets
    said = text_of(doc, "#error-summary")
    _no_api_names(said, "date:", "place:", "description:", "Date")
    date_label = one(doc, "label[for=inc-date]").get_text(strip=True)
    assert said.count(date_label) == 1, said  # "date: Date: ..." said it twice
    assert one(doc, "#inc-date")["value"] == "غدا"
    assert one(doc, "#inc-facility")["value"] == "محطة بورشتين"


def test_a_provision_assessment_names_its_evidence_by_its_label_in_ukrainian(
    site: Site, energy: int
) -> None:
    qatar = site.client("qatar")
    qatar.cookies.set("gobetween_lang", "uk")
    page = _implementation(energy)
    key = str(soup(qatar.get(page)).select("#prov-key option")[0]["value"])
    form = {
        "key": key,
        "level": "minimal",
        "evidence": "link",
        "reference": "r" * 1001,
        "note": "n" * 5001,
    }
    r = post_form(qatar, page, f"{page}/provisions", form)
    assert r.status_code == 422
    doc = soup(r)
    assert [target for target, _ in _summary(doc)] == ["prov-reference", "prov-note"]
    said = text_of(doc, "#error-summary")
    _no_api_names(said, "evidence.0", "reference:", "note:")
    assert one(doc, "#prov-note").get_text() == "n" * 5001


def test_a_refused_event_names_its_field_by_its_label_in_arabic(
    site: Site, initiative: int
) -> None:
    ukraine = site.client("ukraine")
    ukraine.cookies.set("gobetween_lang", "ar")
    page = _implementation(initiative)
    form = {"type": "decision", "item": "voyage #1", "delegation": "Ukraine", "verdict": "block"}
    form |= {"step": "departure plan", "reason": ""}
    r = post_form(ukraine, page, f"{page}/events", form)
    assert r.status_code == 422
    doc = soup(r)
    assert [target for target, _ in _summary(doc)] == ["ev-reason"]
    _no_api_names(text_of(doc, "#error-summary"), "reason:", "description:")
    assert one(doc, "#ev-item")["value"] == "voyage #1"


def test_an_import_without_a_file_names_the_kinds_file_field_in_ukrainian(
    site: Site, energy: int
) -> None:
    qatar = site.client("qatar")
    qatar.cookies.set("gobetween_lang", "uk")
    page = _implementation(energy)
    doc = soup(qatar.get(page))
    kind = str(doc.select("form.import-kind")[0]["action"]).split("/")[-2]
    r = post_form(qatar, page, f"{page}/kinds/{kind}/import", {})
    assert r.status_code == 422
    doc = soup(r)
    assert [target for target, _ in _summary(doc)] == [f"file-{kind}"]
    _no_api_names(text_of(doc, "#error-summary"), "file:")
