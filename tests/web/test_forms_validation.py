"""Page forms validate through the API's schemas: what the API refuses, the page refuses too,
with the schema's words next to the field (in the reader's language), never by cutting the
input short; what the API accepts, the page accepts."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError
from tests.web.site import Site, csrf, one, soup, text_of

from gobetween.service import schemas
from gobetween.service.schemas import MAX_MESSAGE, refusal

FOOD = "food corridor"
TOO_LONG = "x" * (MAX_MESSAGE + 1)


def _post(c: httpx.Client, page: str, action: str, data: dict[str, object], **kw: object):
    token = csrf(soup(c.get(page, follow_redirects=True)))
    return c.post(action, data={"csrf_token": token, **data}, **kw)  # type: ignore[arg-type]


def _api_messages(c: httpx.Client, channel_action: str) -> list[dict[str, object]]:
    r = c.get("/api" + channel_action, params={"limit": 500})
    assert r.status_code == 200, r.text
    return list(r.json())


def _composer(site: Site, c: httpx.Client) -> tuple[str, str]:
    page = f"/tracks/{site.tracks[FOOD]}/channel"
    action = str(one(soup(c.get(page, follow_redirects=True)), "form#composer")["action"])
    return page, action


def test_a_message_one_character_too_long_is_refused_by_page_and_api_alike(site: Site) -> None:
    c = site.client("ukraine")
    page, action = _composer(site, c)
    r = _post(c, page, action, {"text": TOO_LONG})
    assert r.status_code == 422
    doc = soup(r)
    words = "20,001 characters; at most 20,000 are accepted"
    assert text_of(doc, "#message-text-error") == words  # next to the field
    area = one(doc, "textarea#message-text")
    assert area["aria-describedby"] == "message-text-error"
    assert area["aria-invalid"] == "true"
    assert area.get_text() == TOO_LONG  # the draft comes back whole: nothing was cut
    summary = one(doc, ".flash.error[role=alert]")  # the summary names the field by its label
    assert text_of(summary, "a") == f"Message: {words}"
    assert one(summary, "a")["href"] == "#message-text"
    assert _api_messages(c, action) == []  # nothing was posted, not even a shortened text
    api = c.post("/api" + action, json={"text": TOO_LONG})
    assert api.status_code == 422
    assert api.json()["errors"][0]["location"] == "body.text"


def test_a_message_of_exactly_the_limit_is_taken_whole_by_both(site: Site) -> None:
    c = site.client("ukraine")
    page, action = _composer(site, c)
    longest = "y" * MAX_MESSAGE
    assert _post(c, page, action, {"text": longest}).status_code == 303
    token = csrf(soup(c.get(page, follow_redirects=True)))
    api = c.post("/api" + action, json={"text": longest}, headers={"X-CSRF-Token": token})
    assert api.status_code == 201
    assert [len(str(m["text"])) for m in _api_messages(c, action)] == [MAX_MESSAGE] * 2


def test_a_message_with_a_file_may_have_no_text_but_not_too_much(site: Site) -> None:
    c = site.client("ukraine")
    page, action = _composer(site, c)
    note = {"file": ("note.txt", b"draft clause", "text/plain")}
    assert _post(c, page, action, {"text": ""}, files=note).status_code == 303
    r = _post(c, page, action, {"text": TOO_LONG}, files=note)
    assert r.status_code == 422
    assert "at most 20,000" in text_of(soup(r), "#message-text-error")
    assert len(_api_messages(c, action)) == 1


def test_the_refusal_is_in_the_readers_language(site: Site) -> None:
    c = site.client("ukraine")
    page, action = _composer(site, c)
    uk = {"Accept-Language": "uk"}
    token = csrf(soup(c.get(page, follow_redirects=True, headers=uk)))
    r = c.post(action, data={"csrf_token": token, "text": TOO_LONG}, headers=uk)
    assert r.status_code == 422
    words = text_of(soup(r), "#message-text-error")
    assert "симв.; приймається щонайбільше" in words  # Ukrainian, not pydantic's English


def test_an_offer_message_too_long_is_refused_next_to_its_field_and_kept(site: Site) -> None:
    food = site.tracks[FOOD]
    c = site.client("ukraine")
    page = f"/tracks/{food}/channel"
    r = _post(c, page, f"/tracks/{food}/offers", {"option:term": "120", "message": TOO_LONG})
    assert r.status_code == 422
    doc = soup(r)
    assert "at most 20,000" in text_of(doc, "#offer-message-error")
    assert one(doc, "textarea#offer-message").get_text() == TOO_LONG
    offers = c.get(f"/api/tracks/{food}/offers").json()
    assert offers["sent"] == []  # no offer, not one with a shortened message


def test_a_decline_reason_too_long_is_refused_and_the_offer_stays_pending(site: Site) -> None:
    food = site.tracks[FOOD]
    ua = site.client("ukraine")
    _post(ua, f"/tracks/{food}/channel", f"/tracks/{food}/offers", {"message": "120 days?"})
    un = site.client("un")
    console = f"/tracks/{food}/console"
    action = str(one(soup(un.get(console)), "form#offer-1")["action"])
    r = _post(un, console, action, {"decision": "decline", "reason": "z" * 5001})
    assert r.status_code == 422
    assert "(goes to Ukraine): 5,001 characters; at most 5,000 are accepted" in text_of(
        soup(r), ".flash.error"
    )
    assert "pending" in text_of(soup(ua.get(f"/tracks/{food}/channel")), ".sent-offer .status")
    ok = _post(un, console, action, {"decision": "decline", "reason": "z" * 5000})
    assert ok.status_code == 303
    assert "declined" in text_of(soup(ua.get(f"/tracks/{food}/channel")), ".sent-offer .status")


def test_a_translation_too_long_is_refused_not_cut(site: Site) -> None:
    ua = site.client("ukraine")
    page, action = _composer(site, ua)
    assert _post(ua, page, action, {"text": "Порти", "language": "uk"}).status_code == 303
    translator = site.client("translator-en-uk")
    desk = soup(translator.get("/translate"))
    link = next(str(a.get("href")) for a in desk.select("section.card a") if "Ukraine" in a.text)
    form = one(soup(translator.get(link)), "form.translation-form")
    r = _post(translator, link, str(form["action"]), {"language": "en", "text": TOO_LONG})
    assert r.status_code == 422
    assert "text: 20,001 characters" in text_of(soup(r), ".flash.error")
    (message,) = _api_messages(ua, action)
    assert message["translations"] == []


@pytest.mark.parametrize(
    ("model", "values", "words"),
    [
        (schemas.MessageIn, {"text": ""}, "this field is empty"),
        (schemas.MessageIn, {}, "this field is required"),
        (schemas.MessageIn, {"text": "a", "language": "English"}, "is not a language code such"),
        (schemas.ForwardIn, {"recipients": []}, "at least 1 items"),
        (schemas.AnswerIn, {"version": 0, "kind": "agree"}, "at least 1"),
        (schemas.AnswerIn, {"version": "two", "kind": "agree"}, "a whole number"),
    ],
)
def test_each_kind_of_refusal_has_words_of_its_own(
    model: type[schemas.In], values: dict[str, object], words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(values)
    assert words in refusal(caught.value.errors()[0])


def test_an_agreement_act_is_refused_by_its_schema_not_cut_or_guessed(site: Site) -> None:
    from gobetween.service.demo_agreement import build_agreement_demo

    with site.services.db.unit_of_work() as session:
        initiative = build_agreement_demo(session)
    ru = site.client("russia")
    page = f"/agreements/{initiative}"
    log = len(soup(ru.get(page)).select("#log li"))
    act = {"organisation": "Russian Federation", "act": "consent"}
    r = _post(ru, page, f"{page}/act", {**act, "reason": "r" * 5001})
    assert r.status_code == 422
    assert "Reason: 5,001 characters; at most 5,000 are accepted" in text_of(
        soup(r), ".flash.error"
    )  # by its label
    r = _post(ru, page, f"{page}/act", {**act, "term_days": "ninety"})
    assert r.status_code == 422  # was read as "no term" before
    said = text_of(soup(r), ".flash.error")
    assert "Renewal term in days (consent only): a whole number is expected" in said, said
    assert len(soup(ru.get(page)).select("#log li")) == log


def test_a_new_agreement_title_too_long_or_a_bad_date_is_refused(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    page = f"/tracks/{food}/agreement"
    r = _post(un, page, page, {"title": "t" * 301, "effective_date": "2026-12-03"})
    assert r.status_code == 422
    assert "Title: 301 characters; at most 300 are accepted" in text_of(soup(r), ".flash.error")
    r = _post(un, page, page, {"title": "Food", "effective_date": "3 December"})
    assert r.status_code == 422
    said = text_of(soup(r), ".flash.error")  # by its label, not the API's name
    assert "Effective date: a date is expected, as YYYY-MM-DD" in said, said


def test_a_new_process_is_read_through_the_apis_schemas(site: Site) -> None:
    c = site.client("secretariat")
    form = {"name": "n" * 201, "parties": "Ukraine\nRussian Federation", "mediators": "UN"}
    r = _post(c, "/processes/new", "/processes/new", form)
    assert r.status_code == 422  # an HTML page with the form, not FastAPI's JSON
    assert r.headers["content-type"].startswith("text/html")
    doc = soup(r)
    assert "Name: 201 characters; at most 200 are accepted" in text_of(doc, ".flash.error")
    assert one(doc, "#process-parties").get_text() == "Ukraine\nRussian Federation"
    long_party = {**form, "name": "Energy talks", "parties": "Ukraine\n" + "p" * 201}
    r = _post(c, "/processes/new", "/processes/new", long_party)
    assert r.status_code == 422
    said = text_of(soup(r), ".flash.error")
    assert "Parties (the sides that negotiate): 201 characters" in said, said
    r = _post(c, "/processes/new", "/processes/new", {**form, "name": "Energy talks"})
    assert r.status_code == 303
    api = c.post("/api/processes", json={"name": "n" * 201}, headers={"X-CSRF-Token": "x"})
    assert api.status_code == 422  # the API refuses the same name
