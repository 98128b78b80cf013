"""Issue 12: a refusal the pure core raises reaches the caller in the caller's language.

The core marks its English sentence with ``errors.N_`` and passes the values apart; the service
translates the sentence, then fills the values in. The problem's ``title`` stays the stable
English name of the error, the ``detail`` follows ``Accept-Language``, the values it names (a
version, an offer, an issue) are the same in every language, and without the header the answer
is the English one it always was.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.world import World, food_preferences

from gobetween.errors import N_

TEXT = {
    "package": {"ports": "Odesa+Chornomorsk", "inspection": "Istanbul JCC", "term": "120"},
    "clauses": {},
    "note": "first draft",
}


def _in(world: World, language: str | None, method: str, who: str, url: str, **kw: Any) -> Any:
    headers = {"Accept-Language": language} if language else {}
    return world.request(who, method, url, headers=headers, **kw)


def _both(world: World, method: str, who: str, url: str, language: str, **kw: Any) -> Any:
    """The same refused request in English and in ``language``: (english, translated)."""
    english: httpx.Response = _in(world, None, method, who, url, **kw)
    other: httpx.Response = _in(world, language, method, who, url, **kw)
    assert english.status_code == other.status_code, (english.text, other.text)
    assert english.status_code in {403, 409, 422}, english.text
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["title"] == english.json()["title"]  # stable, English
    assert other.json()["detail"] != english.json()["detail"]
    return english.json(), other.json()


def test_an_answer_to_another_version_is_refused_in_ukrainian(world: World) -> None:
    food = world.tracks["food"]
    assert world.post("un", f"/api/tracks/{food}/text/versions", json=TEXT).status_code == 201
    url = f"/api/tracks/{food}/text/answers"
    en, uk = _both(world, "POST", "ua", url, "uk", json={"version": 2, "kind": "accept"})
    assert en["title"] == "ProtocolError"
    assert "only the current version (1) can be answered, not 2" in en["detail"]
    assert "відповісти можна лише на поточну версію (1), а не на 2" in uk["detail"], uk


def test_forwarding_a_declined_offer_is_refused_in_arabic(world: World) -> None:
    food = world.tracks["food"]
    r = world.post("ua", f"/api/tracks/{food}/offers", json={"message": "three ports?"})
    assert r.status_code == 201, r.text
    r = world.post("un", f"/api/tracks/{food}/offers/1/decline", json={"reason": "not now"})
    assert r.status_code == 200, r.text
    url = f"/api/tracks/{food}/offers/1/forward"
    en, ar = _both(world, "POST", "un", url, "ar", json={})
    assert "offer 1 was declined and cannot be forwarded" in en["detail"]
    assert "العرض 1 مرفوض ولا يمكن إحالته" in ar["detail"], ar
    again = _in(world, "uk", "POST", "un", f"/api/tracks/{food}/offers/1/decline", json={})
    assert "пропозицію 1 уже відхилено" in again.json()["detail"], again.text


def test_preferences_without_a_weight_are_refused_in_ukrainian(world: World) -> None:
    food = world.tracks["food"]
    body = food_preferences("ua")
    del body["weights"]["term"]
    en, uk = _both(world, "PUT", "ua", f"/api/tracks/{food}/preferences", "uk", json=body)
    assert "no weight for issue 'term'" in en["detail"]
    assert "немає ваги для питання 'term'" in uk["detail"], uk
    assert "вага для кожного питання" in uk["detail"]  # what was expected, translated too
    assert uk["errors"][0]["location"] == en["errors"][0]["location"]  # API names stay
    body = food_preferences("ua")
    body["ratings"]["ports"]["Odesa"] = 11
    _en, uk = _both(world, "PUT", "ua", f"/api/tracks/{food}/preferences", "uk", json=body)
    assert "оцінка 11.0 для ports=Odesa виходить за межі шкали" in uk["detail"], uk
    assert "число від 0.0 до 10.0" in uk["detail"]


def test_a_lifecycle_act_and_a_record_row_are_refused_in_ukrainian(world: World) -> None:
    aid = int(create(world, make_ready(world))["id"])
    sign_all(world, aid, register_keys(world))
    url = f"/api/agreements/{aid}/acts"
    act = {"act": "resume", "organisation": "Russian Federation"}
    en, uk = _both(world, "POST", "ru", url, "uk", json=act)
    assert "'Russian Federation' has not suspended its participation" in en["detail"]
    assert "'Russian Federation' не призупиняла своєї участі" in uk["detail"], uk
    r = world.put(
        "un", f"/api/agreements/{aid}/record/kinds", json={"kinds": ["exchanges", "incidents"]}
    )
    assert r.status_code == 200, r.text
    incident = {
        "alleged_by": "Russian Federation",
        "accused": "Ukraine",
        "date": "someday",
        "place": "Sudzha",
        "facility": "gas metering station",
        "description": "a drone struck the station",
    }
    en, uk = _both(world, "POST", "ru", f"/api/agreements/{aid}/incidents", "uk", json=incident)
    assert "not a date: 'someday'" in en["detail"]
    assert "не дата: 'someday'" in uk["detail"], uk


def test_verification_findings_are_in_the_reader_language(world: World) -> None:
    aid = int(create(world, make_ready(world))["id"])  # not signed yet: signatures are missing
    url = f"/api/agreements/{aid}/verification"
    english = world.get("ru", url).json()
    uk = _in(world, "uk", "GET", "ru", url).json()
    assert not english["ok"]
    assert [f["code"] for f in uk["findings"]] == [f["code"] for f in english["findings"]]
    assert [f["part"] for f in uk["findings"]] == [f["part"] for f in english["findings"]]
    missing = [f["message"] for f in english["findings"] if f["code"] == "signature-missing"]
    assert "'Ukraine' has not signed the instrument of 'Ukraine'" in missing
    translated = [f["message"] for f in uk["findings"] if f["code"] == "signature-missing"]
    assert "'Ukraine' не підписав документ 'Ukraine'" in translated, translated
    data = world.get("ru", f"/api/agreements/{aid}/bundle").content
    anyone = world.client.post("/api/verify", content=data, headers={"Accept-Language": "ar"})
    messages = [f["message"] for f in anyone.json()["findings"]]
    assert "لم يوقّع 'Ukraine' على صك 'Ukraine'" in messages, messages


def test_article_answers_are_refused_in_ukrainian(world: World) -> None:
    food = world.tracks["food"]
    articles = [
        {
            "id": "art-ports",
            "issue": "ports",
            "option": "Odesa+Chornomorsk",
            "wording": {"en": "Ships leave from Odesa and Chornomorsk."},
        }
    ]
    r = world.post("un", f"/api/tracks/{food}/text/versions", json={**TEXT, "articles": articles})
    assert r.status_code == 201, r.text
    url = f"/api/tracks/{food}/text/answers"
    unexplained = {"article": "art-ports", "stance": "cannot_accept", "reason": " "}
    body = {"version": 1, "kind": "amend", "articles": [unexplained]}
    en, uk = _both(world, "POST", "ru", url, "uk", json=body)
    assert "article art-ports: say why it cannot be accepted" in en["detail"]
    assert "стаття art-ports: поясніть, чому її не можна прийняти" in uk["detail"], uk
    twice = {"article": "art-ports", "stance": "agree"}
    body = {"version": 1, "kind": "amend", "articles": [twice, twice]}
    _en, ar = _both(world, "POST", "ru", url, "ar", json=body)
    assert "رُدّ على المادة art-ports مرتين" in ar["detail"], ar


def test_a_form_names_the_field_refused_by_the_core_in_the_reader_language() -> None:
    from gobetween import i18n
    from gobetween.errors import InvalidPreferences
    from gobetween.model import Preferences
    from gobetween.web.forms import form_errors

    try:
        Preferences(weights={"ports": -1}, ratings={})
    except InvalidPreferences as exc:
        refused = exc
    with i18n.use_locale("uk"):
        errors = form_errors(refused)
    # by its whole location (the preferences form's field) and by the body's field it is in,
    # with what was expected (the field's own message says it too, not only the summary)
    said = "вага питання 'ports' від'ємна (-1.0) (очікувалося: число >= 0)"
    assert errors["field_errors"] == {"weights.ports": said, "weights": said}
    assert str(refused).startswith("weights.ports: weight of issue 'ports' is negative (-1.0)")


# -- issue 12, the last English refusals: one of each package and route kind ----------------------


def test_a_party_publishing_a_text_is_refused_in_ukrainian(world: World) -> None:
    """policy.py: a visible action that is not the caller's (403)."""
    url = f"/api/tracks/{world.tracks['food']}/text/versions"
    en, uk = _both(world, "POST", "ua", url, "uk", json=TEXT)
    assert en["title"] == "PermissionDenied"
    assert en["detail"] == "you may not publish text in this track"
    assert uk["detail"] == "вам не дозволено виконувати дію «publish text» на цьому напрямі", uk


def test_a_key_of_another_kind_is_refused_in_ukrainian(world: World) -> None:
    """agreements/signing.py, re-raised by the service as a field error (422)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    url = f"/api/organisations/{world.orgs['Ukraine']}/keys"
    en, uk = _both(world, "POST", "ua", url, "uk", json={"public_key_pem": pem})
    assert "the public key is RSAPublicKey, not Ed25519" in en["detail"]
    assert "відкритий ключ має тип RSAPublicKey, а не Ed25519" in uk["detail"], uk
    assert "відкритий ключ Ed25519 у форматі PEM" in uk["detail"]  # what was expected
    assert uk["errors"][0] == {
        "location": "public_key_pem",
        "message": "відкритий ключ має тип RSAPublicKey, а не Ed25519",
        "expected": "відкритий ключ Ed25519 у форматі PEM",
    }
    assert en["errors"][0]["message"] == "the public key is RSAPublicKey, not Ed25519"


def test_a_record_event_with_an_unknown_field_is_refused_in_arabic(world: World) -> None:
    """wire.py's event checks, on a posted joint-record event (422)."""
    aid = int(create(world, make_ready(world))["id"])
    sign_all(world, aid, register_keys(world))
    event = {
        "type": "registration",
        "at": "2022-08-01T06:00:00+00:00",
        "item": "v1",
        "registered_by": "Ukraine",
        "colour": "blue",
    }
    url = f"/api/agreements/{aid}/record/events"
    en, ar = _both(world, "POST", "ua", url, "ar", json=event)
    assert "registration: unknown field 'colour'" in en["detail"]
    # the event's type in the reader's words too (it was "registration: حقل غير معروف")
    assert "التسجيل: حقل غير معروف 'colour'" in ar["detail"], ar
    late = {**event, "at": "yesterday"}
    del late["colour"]
    _en, uk = _both(world, "POST", "ua", url, "uk", json=late)
    assert "час 'yesterday' не у форматі ISO 8601" in uk["detail"], uk


def test_a_tampered_bundle_part_is_reported_in_ukrainian(world: World) -> None:
    """agreements/terms.py read back from an uploaded bundle: the finding in the reader's
    language (``/api/verify`` answers anyone)."""
    import base64
    import json

    import rfc8785

    aid = int(create(world, make_ready(world))["id"])
    bundle = json.loads(world.get("ru", f"/api/agreements/{aid}/bundle").content)
    terms = json.loads(base64.b64decode(bundle["parts"]["terms.json"]))
    terms["format"] = "terms-v0"
    bundle["parts"]["terms.json"] = base64.b64encode(rfc8785.dumps(terms)).decode()
    tampered = rfc8785.dumps(bundle)
    findings = {}
    for language in ("en", "uk"):
        r = world.client.post(
            "/api/verify", content=tampered, headers={"Accept-Language": language}
        )
        assert r.status_code == 200, r.text
        findings[language] = [
            f["message"] for f in r.json()["findings"] if f["code"] == "part-malformed"
        ]
    assert findings["en"] == ["part 'terms.json': unknown terms format 'terms-v0'"]
    assert findings["uk"] == ["частина 'terms.json': невідомий формат умов 'terms-v0'"]


def test_core_refusals_of_the_formats_and_the_model_in_the_reader_language() -> None:
    """formats/ and model/ refusals, as the CLI (English) and a page (translated) say them."""
    from gobetween import i18n
    from gobetween.errors import InputError
    from gobetween.formats.loading import format_of
    from gobetween.model import Option
    from gobetween.service.errors import describe

    refused: list[InputError] = []
    for attempt in (lambda: format_of("talks.docx"), lambda: Option("x", value=float("nan"))):
        try:
            attempt()
        except InputError as exc:
            refused.append(exc)
    file_type, option = refused
    assert "unknown file type '.docx'" in str(file_type)
    assert str(option) == "option 'x' has a non-finite value nan"
    with i18n.use_locale("ar"):
        assert "نوع ملف غير معروف '.docx'" in describe(file_type), describe(file_type)
        assert describe(option) == "للخيار 'x' قيمة غير منتهية nan"
    with i18n.use_locale("uk"):
        assert describe(file_type).startswith("talks.docx: невідомий тип файлу '.docx'")
        assert describe(option) == "варіант 'x' має нескінченне або невизначене значення nan"


def test_protocol_refusals_of_the_command_line_and_the_wire_in_the_reader_language() -> None:
    """protocols/: a simulated bidder's spec (the CLI) and the article wire checks."""
    from gobetween import i18n
    from gobetween.errors import ProtocolError
    from gobetween.protocols.simulated_bidders import bidder_from_spec
    from gobetween.protocols.single_text_articles import articles_from_wire
    from gobetween.service.errors import describe

    refused: list[ProtocolError] = []
    for attempt in (
        lambda: bidder_from_spec("conceding:lots:55000"),
        lambda: articles_from_wire([{"id": "a"}, 7]),
    ):
        try:
            attempt()
        except ProtocolError as exc:
            refused.append(exc)
    spec, article = refused
    assert str(spec) == "'conceding:lots:55000': the figures must be numbers"
    assert str(article) == "articles[1] must be an object"
    with i18n.use_locale("ar"):
        assert describe(spec) == "'conceding:lots:55000': يجب أن تكون القيم أعدادًا"
        assert describe(article) == "يجب أن يكون articles[1] كائنًا"
    with i18n.use_locale("uk"):
        assert describe(spec) == "'conceding:lots:55000': значення мають бути числами"
        assert describe(article) == "articles[1] має бути об'єктом"


def test_an_unsafe_or_broken_upload_is_refused_in_ukrainian_without_server_paths(
    world: World,
) -> None:
    """formats/reading.py and genius.py through an upload (422): translated, and the server's
    temporary folder appears in no language."""
    url = f"/api/processes/{world.process_id}/tracks/import"
    form = {
        "name": "imported",
        "organisation_ids": [str(world.orgs["Ukraine"]), str(world.orgs["United Nations"])],
    }
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "x">]><d>&a;</d>'
    broken = b"<utility_space><objective"
    for files, english, ukrainian in (
        ([("domain.xml", bomb)], "the XML declares a DTD", "XML оголошує DTD"),
        ([("domain.xml", broken)], "the XML is not well formed", "XML сформовано неправильно"),
    ):
        upload = [("files", (name, data)) for name, data in files]
        en, uk = _both(world, "POST", "admin", url, "uk", data=form, files=upload)
        assert english in en["detail"], en
        assert ukrainian in uk["detail"], uk
        assert "domain.xml" in uk["detail"]
        for problem in (en, uk):
            assert "/tmp" not in str(problem)
            assert "gobetween-genius-" not in str(problem)


def test_a_file_that_is_no_bundle_is_reported_in_arabic(world: World) -> None:
    """agreements/container.py: the unreadable finding of ``/api/verify``."""
    said = {}
    for language in ("en", "ar"):
        r = world.client.post(
            "/api/verify", content=b"%PDF-1.7 not a bundle", headers={"Accept-Language": language}
        )
        assert r.status_code == 200, r.text
        (finding,) = r.json()["findings"]
        assert finding["code"] == "unreadable"
        said[language] = finding["message"]
    # in plain words, without the JSON library's ("Expecting value: line 1 column 1")
    assert said["en"].startswith("the file is not a gobetween agreement bundle: it is not JSON")
    assert "Expecting value" not in said["en"]
    assert "Expecting value" not in said["ar"]


def test_a_refusal_from_the_analysis_worker_is_translated_by_the_parent() -> None:
    """The worker process has no reader: it sends the template and plain values, the parent
    words them in the reader's language (service/analysis_worker.py)."""
    import json

    from gobetween import i18n
    from gobetween.errors import AnalysisError, InvalidScenario
    from gobetween.service import analysis_worker as worker
    from gobetween.service.errors import describe

    refused = InvalidScenario(N_("issue %(issue)s: non-finite values"), params={"issue": 2})
    sent = json.dumps({"refused": str(refused), **worker._template(refused)}).encode()
    with pytest.raises(AnalysisError) as refusal:
        worker._answer(sent, 0, worker.Limits(1000, 1000, 5.0, 256))
    answered = refusal.value
    assert str(answered) == "issue 2: non-finite values"
    with i18n.use_locale("uk"):
        assert describe(answered) == "питання 2: нескінченні або невизначені значення"
