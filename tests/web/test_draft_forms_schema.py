"""The drafting console's forms read through the API's bodies: the drafting form as the draft
body (``DraftIn``: ``POST /api/tracks/{id}/text/drafts``), the rules form as ``RuleIn``
(``PUT .../text/rules``). What the API refuses with 422 naming a field, the page refuses at the
same place (its location in the summary, the words next to the textarea, the form as typed),
saving nothing, where it used to cut the text; what the API accepts, the page accepts."""

from __future__ import annotations

import httpx
from tests.web import drafting_helpers as drafting
from tests.web.site import Site, csrf, one, soup, text_of

FOOD = "food corridor"


def _token(c: httpx.Client, track: int) -> str:
    return csrf(soup(c.get(f"/tracks/{track}/draft")))


def _api_body(fields: dict[str, str]) -> dict[str, object]:
    """The draft body an API client sends for the same articles: one per issue, in the
    agenda's order, wording per language (the form's first language unsuffixed)."""
    languages = fields["languages"].split()
    issues = [k[4:] for k in fields if k.startswith("pkg-")]
    articles = []
    for n, issue in enumerate(issues, start=1):
        wording = {
            code: fields[f"clause-{issue}" + ("" if code == languages[0] else f"@{code}")]
            for code in languages
        }
        option = fields[f"pkg-{issue}"]
        articles.append({"id": f"art-{n}", "issue": issue, "option": option, "wording": wording})
    return {"package": {i: fields[f"pkg-{i}"] for i in issues}, "articles": articles}


def _drafts(c: httpx.Client, track: int) -> int:
    r = c.get(f"/api/tracks/{track}/text/drafts")
    assert r.status_code == 200, r.text
    return len(r.json())


def test_an_article_wording_too_long_is_refused_at_its_place_by_page_and_api(
    site: Site,
) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    fields = drafting.draft_fields(un, food)
    issues = [k[4:] for k in fields if k.startswith("pkg-")]
    n = issues.index("term") + 1
    long_uk = "т" * 20_001
    form = {**fields, "clause-term@uk": long_uk, "note": "see article on term"}
    r = un.post(f"/tracks/{food}/draft", data={"csrf_token": _token(un, food), **form})
    assert r.status_code == 422
    doc = soup(r)
    where = f"articles.{n - 1}.wording.uk"
    said = text_of(doc, "#error-summary")  # the article as the reader calls it, not the API's place
    assert where not in said
    assert "Wording of the article on term (Ukrainian)" in said
    assert "20,001 characters; at most 20,000" in text_of(doc, f"#clause-{n}-uk-error")
    area = one(doc, f"textarea#clause-{n}-uk")
    assert area["aria-describedby"] == f"clause-{n}-uk-error"
    assert area.get_text() == long_uk  # the form as typed, not cut
    assert one(doc, "textarea#note").get_text() == "see article on term"
    api = un.post(
        f"/api/tracks/{food}/text/drafts",
        json=_api_body(form),
        headers={"X-CSRF-Token": _token(un, food)},
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["location"] == f"body.{where}"
    assert _drafts(un, food) == 0  # nothing saved by either
    longest = {**fields, "clause-term@uk": "т" * 20_000}
    ok = un.post(f"/tracks/{food}/draft", data={"csrf_token": _token(un, food), **longest})
    assert ok.status_code == 303
    api = un.post(
        f"/api/tracks/{food}/text/drafts",
        json=_api_body(longest),
        headers={"X-CSRF-Token": _token(un, food)},
    )
    assert api.status_code == 201, api.text
    draft_id = ok.headers["location"].rsplit("/", 1)[1]
    saved = un.get(f"/api/tracks/{food}/text/drafts/{draft_id}").json()["body"]
    assert saved["articles"][n - 1]["wording"]["uk"] == "т" * 20_000  # taken whole


def test_a_note_too_long_is_refused_not_cut(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    fields = drafting.draft_fields(un, food)
    form = {**fields, "note": "n" * 5001}
    r = un.post(f"/tracks/{food}/draft", data={"csrf_token": _token(un, food), **form})
    assert r.status_code == 422
    doc = soup(r)
    assert "5,001 characters; at most 5,000" in text_of(doc, "#note-error")
    assert one(doc, "textarea#note").get_text() == "n" * 5001
    api = un.post(
        f"/api/tracks/{food}/text/drafts",
        json={**_api_body(fields), "note": "n" * 5001},
        headers={"X-CSRF-Token": _token(un, food)},
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["location"] == "body.note"
    assert _drafts(un, food) == 0


def test_the_rules_sentence_too_long_is_refused_not_cut(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    words = "w" * 501
    data = {"csrf_token": _token(un, food), "after_deadline": words}
    r = un.post(f"/tracks/{food}/text/rules", data=data)
    assert r.status_code == 422
    doc = soup(r)
    assert "501 characters; at most 500" in text_of(doc, "#after_deadline-error")
    assert one(doc, "textarea#after_deadline").get_text() == words
    api = un.put(
        f"/api/tracks/{food}/text/rules",
        json={"after_deadline": words},
        headers={"X-CSRF-Token": _token(un, food)},
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["location"] == "body.after_deadline"
    rule = un.get(f"/api/tracks/{food}/text/rules").json()
    assert rule["after_deadline"] != "w" * 500  # not stored cut short
    data = {"csrf_token": _token(un, food), "after_deadline": "w" * 500}
    assert un.post(f"/tracks/{food}/text/rules", data=data).status_code == 303
    assert un.get(f"/api/tracks/{food}/text/rules").json()["after_deadline"] == "w" * 500


def test_the_drafting_refusal_is_in_the_readers_language(site: Site) -> None:
    food = site.tracks[FOOD]
    un = site.client("un")
    uk = {"Accept-Language": "uk"}
    fields = drafting.draft_fields(un, food)
    token = csrf(soup(un.get(f"/tracks/{food}/draft", headers=uk)))
    data = {"csrf_token": token, **fields, "note": "n" * 5001}
    r = un.post(f"/tracks/{food}/draft", data=data, headers=uk)
    assert r.status_code == 422
    assert "симв.; приймається щонайбільше" in text_of(soup(r), "#note-error")
