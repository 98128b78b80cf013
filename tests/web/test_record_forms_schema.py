"""The implementation page's record forms read through the API's bodies (``AssessmentBody``,
``IncidentBody``, ``IncidentAssessmentBody``, ``PublicationBody``): a value the API refuses with
422 naming a field is refused by the page at the same field (422, the words next to it, the form
as typed, nothing stored, nothing cut); what the API accepts, the page accepts."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from tests.web.form_schema import api_refusal, post_form, refused_at
from tests.web.site import Site, one, soup, text_of

from gobetween.service.demo_records import ENERGY, build_records_demo
from gobetween.store.record_tables import AssessmentRow


@pytest.fixture
def energy(site: Site) -> int:
    with site.services.db.unit_of_work() as session:
        return build_records_demo(session)[ENERGY]


def _page(agreement: int) -> str:
    return f"/agreements/{agreement}/implementation"


def _post(c: httpx.Client, agreement: int, action: str, data: dict[str, str]) -> httpx.Response:
    return post_form(c, _page(agreement), f"{_page(agreement)}/{action}", data)


def _api(c: httpx.Client, agreement: int, address: str, body: dict[str, object]) -> str:
    """The location the API names when it refuses ``body`` at ``address``."""
    where = f"/api/agreements/{agreement}/{address}"
    return api_refusal(c, _page(agreement), "POST", where, body)


def _provisions(site: Site, agreement: int) -> list[dict[str, object]]:
    return site.client("qatar").get(f"/api/agreements/{agreement}/provisions").json()["provisions"]


def test_a_provision_note_too_long_is_refused_at_note(site: Site, energy: int) -> None:
    qatar = site.client("qatar")
    key = str(_provisions(site, energy)[0]["key"])
    history = [len(p["history"]) for p in _provisions(site, energy)]  # type: ignore[arg-type]
    note = "n" * 5001
    form = {"key": key, "level": "minimal", "evidence": "link", "reference": "https://e.org"}
    r = _post(qatar, energy, "provisions", {**form, "note": note})
    assert "5,001 characters; at most 5,000" in refused_at(r, "prov-note")
    assert one(soup(r), "#prov-note").get_text() == note  # kept whole, not cut at 2,000
    assert one(soup(r), "#prov-reference")["value"] == "https://e.org"
    body = {"level": "minimal", "note": note}
    assert _api(qatar, energy, f"provisions/{key}/assessments", body) == "body.note"
    assert [len(p["history"]) for p in _provisions(site, energy)] == history  # type: ignore[arg-type]
    long_ref = {**form, "reference": "r" * 1001}
    assert "1,001 characters" in refused_at(
        _post(qatar, energy, "provisions", long_ref), "prov-reference"
    )
    evidence = {"level": "minimal", "evidence": [{"kind": "link", "reference": "r" * 1001}]}
    assert _api(qatar, energy, f"provisions/{key}/assessments", evidence) == (
        "body.evidence.0.reference"
    )
    ok = _post(qatar, energy, "provisions", {**form, "note": "m" * 5000})
    assert ok.status_code == 303, ok.text


def test_an_internal_note_too_long_is_refused_at_internal_note(site: Site, energy: int) -> None:
    """The note the mediators alone read keeps the same limit as the other, on the page and in
    the API (``AssessmentBody.internal_note``); what is accepted is stored apart from the body
    every signatory reads, and only the mediators read it back."""
    qatar = site.client("qatar")
    key = str(_provisions(site, energy)[0]["key"])
    history = [len(p["history"]) for p in _provisions(site, energy)]  # type: ignore[arg-type]
    form = {"key": key, "level": "minimal", "evidence": "link", "reference": "https://e.org"}
    long = {**form, "note": "for all", "internal_note": "i" * 5001}
    r = _post(qatar, energy, "provisions", long)
    assert "5,001 characters; at most 5,000" in refused_at(r, "prov-internal-note")
    assert one(soup(r), "#prov-internal-note").get_text() == "i" * 5001  # kept whole
    assert one(soup(r), "#prov-note").get_text() == "for all"
    body: dict[str, object] = {"level": "minimal", "internal_note": "i" * 5001}
    assert _api(qatar, energy, f"provisions/{key}/assessments", body) == "body.internal_note"
    assert [len(p["history"]) for p in _provisions(site, energy)] == history  # type: ignore[arg-type]
    ok = _post(qatar, energy, "provisions", {**long, "internal_note": "j" * 5000})
    assert ok.status_code == 303, ok.text
    with site.services.db.unit_of_work(write=False) as session:
        row = session.execute(  # the demo's assessments have no internal note
            select(AssessmentRow).where(
                AssessmentRow.agreement_id == energy, AssessmentRow.internal_note != ""
            )
        ).scalar_one()
        assert (row.body["note"], row.internal_note) == ("for all", "j" * 5000)
        assert "internal_note" not in row.body
    last = _provisions(site, energy)[0]["history"][-1]  # type: ignore[index]
    assert last["internal_note"] == "j" * 5000
    ukraine = site.client("ukraine").get(f"/api/agreements/{energy}/provisions")
    assert "j" * 50 not in ukraine.text
    assert "for all" in ukraine.text


def test_an_incident_refused_at_its_field_keeps_what_was_typed(site: Site, energy: int) -> None:
    ukraine = site.client("ukraine")
    page = soup(ukraine.get(_page(energy)))
    fields = {
        "alleged_by": str(one(page, "#incident-form input[name=alleged_by]")["value"]),
        "accused": one(page, "#inc-accused option").get_text(),
        "date": "2024-03-02",
        "place": "p" * 301,
        "facility": "Burshtyn power station",
        "description": "A strike at dawn",
    }
    r = _post(ukraine, energy, "incidents", fields)
    assert "301 characters; at most 300" in refused_at(r, "inc-place")
    shown = soup(r)
    assert one(shown, "#inc-place")["value"] == "p" * 301
    assert one(shown, "#inc-date")["value"] == "2024-03-02"
    assert one(shown, "#inc-facility")["value"] == "Burshtyn power station"
    assert one(shown, "#inc-description").get_text() == "A strike at dawn"
    for name in ("date", "place", "facility", "description"):  # each labelled and required
        assert one(shown, f"#incident-form label[for=inc-{name}]").get_text()
        assert one(shown, f"#inc-{name}").has_attr("required")
    assert not one(shown, "#inc-facility").has_attr("aria-invalid")  # only the refused field
    assert _api(ukraine, energy, "incidents", fields) == "body.place"
    long = {**fields, "place": "Burshtyn", "description": "d" * 5001}
    assert "5,001" in refused_at(_post(ukraine, energy, "incidents", long), "inc-description")
    assert _api(ukraine, energy, "incidents", long) == "body.description"


def test_a_publication_summary_too_long_is_refused_at_summary(site: Site, energy: int) -> None:
    qatar = site.client("qatar")
    fields = {"scope": "provisions", "summary": "s" * 5001}
    r = _post(qatar, energy, "publications", fields)
    assert "5,001" in refused_at(r, "pub-summary")
    assert one(soup(r), "#pub-summary").get_text() == "s" * 5001
    assert _api(qatar, energy, "publications", fields) == "body.summary"
    scope = {"scope": "x" * 461, "summary": ""}
    assert "461" in refused_at(_post(qatar, energy, "publications", scope), "pub-scope")
    assert _api(qatar, energy, "publications", scope) == "body.scope"


def test_an_incident_assessment_too_long_is_refused_at_assessment(site: Site, energy: int) -> None:
    qatar = site.client("qatar")
    rows = soup(qatar.get(_page(energy))).select("#entries-incidents tr[data-key]")
    key = str(rows[0]["data-key"])
    r = _post(qatar, energy, f"incidents/{key}/assessment", {"assessment": "v" * 41})
    assert r.status_code == 422, r.text
    select = one(soup(r), f"tr[data-key='{key}'] select[name=assessment]")
    assert select["aria-invalid"] == "true"
    assert "41 characters" in text_of(soup(r), f"#{select['id']}-error")
    body = {"assessment": "v" * 41}
    assert _api(qatar, energy, f"incidents/{key}/assessment", body) == "body.assessment"


def test_a_change_of_level_without_evidence_names_the_levels_in_words(
    site: Site, energy: int
) -> None:
    """The refusal names the two levels as the page does ("мінімальний"...), not their codes
    ("зміна з minimal на complete"; found walking the demo)."""
    qatar = site.client("qatar")
    qatar.cookies.set("gobetween_lang", "uk")
    provision = _provisions(site, energy)[0]
    level = str(provision["level"])
    other = "complete" if level != "complete" else "minimal"
    r = _post(qatar, energy, "provisions", {"key": str(provision["key"]), "level": other})
    assert r.status_code == 422, r.status_code
    said = text_of(soup(r), ".flash.error")
    words = {"complete": "повний", "minimal": "мінімальний"}
    assert other not in said.split(), said  # the code, as a word of its own
    assert words[other] in said, said
