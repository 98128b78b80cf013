"""Issue 12: a body, query or path the API's schema refuses (422) is explained in the caller's
language, naming each field in plain words; ``title`` and ``errors[].location`` stay the API's.

Pydantic's own words are English ("Input should be a valid string"); the service says each
refusal itself (:func:`gobetween.service.schemas.refusal`) and where the value was
(:func:`gobetween.service.schemas.place`), and a page form says the same through
:func:`gobetween.web.forms.validated`.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.service.world import World


def _refused(world: World, language: str | None, method: str, url: str, **kw: Any) -> Any:
    headers = {"Accept-Language": language} if language else {}
    r = world.request("ua", method, url, headers={**headers, **kw.pop("headers", {})}, **kw)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["title"] == "ValidationFailed"  # stable English, in every language
    return problem


def test_a_malformed_body_is_refused_in_ukrainian_naming_each_field(world: World) -> None:
    url = f"/api/tracks/{world.tracks['food']}/offers"
    body = {"message": 5, "colour": "blue"}
    english = _refused(world, None, "POST", url, json=body)
    uk = _refused(world, "uk", "POST", url, json=body)
    assert english["detail"] == (
        "the field message: text is expected; the field colour: this field is not part of "
        "the request"
    )
    assert uk["detail"] == (
        "поле message: очікується текст; поле colour: це поле не належить до запиту"
    ), uk
    # the locations keep the API's names; each message is in the caller's language
    assert [(e["location"], e["message"]) for e in uk["errors"]] == [
        ("body.message", "очікується текст"),
        ("body.colour", "це поле не належить до запиту"),
    ]
    assert [e["location"] for e in english["errors"]] == ["body.message", "body.colour"]


def test_limits_and_places_other_than_the_body_are_named_in_arabic(world: World) -> None:
    food = world.tracks["food"]
    too_long = {"message": "x" * 20_001}
    ar = _refused(world, "ar", "POST", f"/api/tracks/{food}/offers", json=too_long)
    assert ar["detail"] == "الحقل message: 20,001 حرفًا؛ الحد الأقصى المقبول 20,000", ar
    ar = _refused(world, "ar", "GET", "/api/tracks/0")
    assert ar["detail"] == "track_id في العنوان: 1 على الأقل", ar
    uk = _refused(world, "uk", "GET", "/api/tracks/0")
    assert uk["detail"] == "track_id в адресі: щонайменше 1", uk
    assert uk["errors"][0]["location"] == "path.track_id"


def test_a_nested_field_is_named_in_ukrainian(world: World) -> None:
    food = world.tracks["food"]
    uk = _refused(
        world,
        "uk",
        "POST",
        f"/api/tracks/{food}/bidding",
        json={"payer": 1, "payee": 2, "tolerance": {"relative": 1.5}},
    )
    assert uk["detail"] == "поле tolerance.relative: менше ніж 1", uk
    assert uk["errors"][0]["location"] == "body.tolerance.relative"


def test_many_refused_fields_are_counted_in_the_reader_language(world: World) -> None:
    body = {f"extra{i}": i for i in range(7)}
    url = f"/api/tracks/{world.tracks['food']}/offers"
    uk = _refused(world, "uk", "POST", url, json=body)
    assert len(uk["errors"]) == 7
    assert uk["detail"].count("це поле не належить до запиту") == 5
    assert uk["detail"].endswith("(і ще 2 поля)"), uk
    english = _refused(world, None, "POST", url, json=body)
    assert english["detail"].endswith("(and 2 more fields)"), english


def test_a_page_form_names_the_field_in_the_reader_language() -> None:
    from gobetween import i18n
    from gobetween.errors import ValidationFailed
    from gobetween.service.schemas import DeclineIn, OfferIn
    from gobetween.web.forms import form_errors, validated

    for model, values, field, words in (
        (OfferIn, {"message": 5}, "message", "очікується текст"),
        (DeclineIn, {"reason": "a\x00b"}, "reason", "текст не повинен містити символів NUL"),
    ):
        with i18n.use_locale("uk"), pytest.raises(ValidationFailed) as refused:
            validated(model, values)
        assert refused.value.location == field
        with i18n.use_locale("uk"):
            assert form_errors(refused.value) == {
                "error": f"{field}: {words}",
                "problems": [{"field": field, "message": words, "said": f"{field}: {words}"}],
                "field_errors": {field: words},
            }


def test_a_body_that_is_not_json_is_refused_in_ukrainian(world: World) -> None:
    url = f"/api/tracks/{world.tracks['food']}/offers"
    headers = {"content-type": "application/json"}
    uk = _refused(world, "uk", "POST", url, content=b'{"message": ', headers=headers)
    assert uk["detail"] == "тіло запиту: тіло запиту не є коректним JSON", uk
    english = _refused(world, None, "POST", url, content=b'{"message": ', headers=headers)
    assert english["detail"] == "the request body: the body is not valid JSON", english


def test_a_json_body_python_cannot_read_is_refused_in_ukrainian(world: World) -> None:
    """service/guard.py: an integer of more than 4,300 digits, and text that is not UTF-8."""
    url = f"/api/tracks/{world.tracks['food']}/offers"
    headers = {"content-type": "application/json"}
    huge = b'{"message": ' + b"9" * 5000 + b"}"
    for body, words in ((huge, "у числі більше ніж 4"), (b'{"message": "\xff"}', "UTF-8")):
        uk = _refused(world, "uk", "POST", url, content=body, headers=headers)
        assert uk["detail"].startswith("тіло JSON неможливо прочитати: "), uk
        assert words in uk["detail"], uk
        assert "Exceeds the limit" not in uk["detail"]
        english = _refused(world, None, "POST", url, content=body, headers=headers)
        assert english["detail"].startswith("the JSON body cannot be read: ")
