"""Issue 12: what a refusal says was expected, and a contradiction in an agreement's terms, are
in the reader's language.

A service refusal names the field, what was wrong and what would have been accepted; the last
part used to stay English ("(очікувалося: a whole number of days)"). And ``/api/verify`` reports
terms that contradict their own articles ("Article 1 ('term') says a term of 90 days, ...") in
the reader's language too. The lists of the API's own values (acts, formats, languages) stay as
they are: a client sends them as written.
"""

from __future__ import annotations

import ast
import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from tests.agreements.test_derive import _bundle_bytes
from tests.service.agree_helpers import create, make_ready, register_keys, sign_all
from tests.service.world import PASSWORD, World

import gobetween
from gobetween.agreements import OperativeTerms, Renewal, RenewalRule

PACKAGE = Path(gobetween.__file__).parent


def _refused(world: World, language: str, method: str, url: str, **kw: Any) -> dict[str, Any]:
    r = world.request("ru", method, url, headers={"Accept-Language": language}, **kw)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = r.json()
    assert body["title"] == "ValidationFailed"  # stable, English
    return body


def test_consent_without_days_expects_a_whole_number_of_days_in_the_reader_language(
    world: World,
) -> None:
    aid = int(create(world, make_ready(world))["id"])
    sign_all(world, aid, register_keys(world))
    url = f"/api/agreements/{aid}/acts"
    act = {"act": "consent", "organisation": "Russian Federation"}
    said = {lang: _refused(world, lang, "POST", url, json=act) for lang in ("en", "uk", "ar")}
    assert said["en"]["detail"].endswith("(expected a whole number of days)"), said["en"]
    assert said["en"]["errors"][0]["expected"] == "a whole number of days"
    assert "ціла кількість днів" in said["uk"]["detail"], said["uk"]
    assert "a whole number" not in said["uk"]["detail"]
    assert said["uk"]["errors"][0]["expected"] == "ціла кількість днів"
    assert said["ar"]["errors"][0]["expected"] == "عدد صحيح من الأيام"
    assert "عدد صحيح من الأيام" in said["ar"]["detail"], said["ar"]
    assert {s["errors"][0]["location"] for s in said.values()} == {"term_days"}  # API names


def test_a_short_password_expects_its_length_in_the_reader_language(world: World) -> None:
    body = {"current_password": PASSWORD, "new_password": "short"}
    en = _refused(world, "en", "POST", "/api/auth/password", json=body)
    uk = _refused(world, "uk", "POST", "/api/auth/password", json=body)
    ar = _refused(world, "ar", "POST", "/api/auth/password", json=body)
    assert en["errors"][0]["expected"] == "at least 10 characters"
    assert uk["errors"][0]["expected"] == "щонайменше 10 симв."
    assert "(очікувалося: щонайменше 10 симв.)" in uk["detail"], uk
    assert ar["errors"][0]["expected"] == "10 حرفًا على الأقل"
    assert "characters" not in uk["detail"] + ar["detail"]


def _contradicting_bundle() -> bytes:
    """A signed bundle whose term article says 90 days while its term setting says 120."""
    terms = OperativeTerms(
        "corridor",
        {"term": "90", "ports": "three"},
        {"term": "The term is 90 days.", "ports": "Three ports."},
        120,
        Renewal(RenewalRule.NONE),
        dt.date(2022, 7, 22),
    )
    return _bundle_bytes(terms)


def test_terms_that_contradict_their_article_are_reported_in_the_reader_language(
    world: World,
) -> None:
    data = _contradicting_bundle()
    found = {}
    for language in ("en", "uk", "ar"):
        r = world.client.post("/api/verify", content=data, headers={"Accept-Language": language})
        assert r.status_code == 200, r.text
        assert not r.json()["ok"]
        found[language] = [
            f["message"] for f in r.json()["findings"] if f["code"] == "terms-contradict"
        ]
    assert found["en"] == [
        "Article 1 ('term') says a term of 90 days, but the term setting is 120 days"
    ]
    assert found["uk"] == [
        "Стаття 1 ('term') встановлює строк 90 дн., але в налаштуванні строку вказано 120 дн."
    ]
    assert found["ar"] == ["المادة 1 ('term') تنص على مدة 90 يومًا، لكن إعداد المدة 120 يومًا"]


#: ``expected=`` literals in the service and the pages that stay as written: the API's own
#: values or a file format's name, which a client types as they are.
KEPT = {"html, pdf, akn, docx", "CSV/XLSX", "UTF-8", "confirm: true"}


def _english_expected() -> list[str]:
    """Each ``expected=`` given as a plain literal or f-string (not through ``_()``), outside
    the lists of the API's own values, as ``module:line``."""
    found = []
    for folder in ("service", "web"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.keyword) or node.arg != "expected":
                    continue
                value = node.value
                if isinstance(value, ast.BoolOp):  # ", ".join(values) or _("...")
                    value = value.values[-1]
                plain = (
                    isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and value.value not in KEPT
                )
                if plain or isinstance(value, ast.JoinedStr | ast.BinOp):
                    if isinstance(value, ast.BinOp) and isinstance(value.left, ast.Call):
                        continue  # _("...") % {...}
                    found.append(f"{path.relative_to(PACKAGE)}:{node.value.lineno}")
    return found


def test_no_expected_words_outside_the_catalogs() -> None:
    assert _english_expected() == [], "mark these with _() (docs/dev/i18n.md)"


def test_a_genius_profile_that_does_not_fit_its_domain_is_refused_in_the_reader_language(
    tmp_path: Path,
) -> None:
    """formats/genius.py, reached by the agenda import: the sentence and what was expected."""
    from gobetween import i18n
    from gobetween.errors import FileFormatError, InvalidScenario
    from gobetween.formats import examples, load_genius, save_genius
    from gobetween.service.errors import describe

    save_genius(examples.load("classroom").scenario, tmp_path)
    profile = tmp_path / "candidate.xml"
    original = profile.read_text(encoding="utf-8")
    profile.write_text(original.replace('name="salary"', 'name="bonus"'), encoding="utf-8")
    try:
        load_genius(tmp_path)
    except InvalidScenario as exc:
        unknown = exc
    assert "the profile has issue 'bonus', which the domain domain.xml lacks" in str(unknown)
    assert "(expected the domain's issues: 'salary', " in str(unknown)
    with i18n.use_locale("uk"):
        said = describe(unknown)
    assert "профіль містить питання 'bonus', якого немає в домені domain.xml" in said, said
    assert "(очікувалося: питання домену: 'salary', " in said
    profile.write_text(original.replace('evaluation="0.35"', 'evaluation="-1"'), encoding="utf-8")
    try:
        load_genius(tmp_path)
    except FileFormatError as exc:
        negative = exc
    assert "item '55000' has a negative evaluation (expected a number >= 0)" in str(negative)
    with i18n.use_locale("ar"):
        said = describe(negative)
    assert "للعنصر '55000' تقييم سالب" in said, said
    assert "negative" not in said


def test_an_instrument_with_other_terms_is_reported_in_the_reader_language() -> None:
    """agreements/terms.py's differences inside verify's finding (a bundle part edited)."""
    from gobetween import i18n
    from gobetween.agreements.verify import FindingCode, verify_bundle
    from gobetween.service.errors import translated

    terms = OperativeTerms(
        "corridor",
        {"term": "120"},
        {"term": "The term is 120 days."},
        120,
        Renewal(RenewalRule.NONE),
        dt.date(2022, 7, 22),
    )
    bundle = json.loads(_bundle_bytes(terms))
    name = next(n for n in bundle["parts"] if n.startswith("instrument"))
    instrument = json.loads(base64.b64decode(bundle["parts"][name]))
    instrument["terms"]["term_days"] = 60
    bundle["parts"][name] = base64.b64encode(rfc8785.dumps(instrument)).decode()
    report = verify_bundle(rfc8785.dumps(bundle))
    differ = [f for f in report.findings if f.code is FindingCode.TERMS_DIFFER]
    assert [f.message for f in differ] == [
        "the operative terms of 'Ukraine''s instrument differ from the agreement's terms: "
        "term_days (60 vs 120)"
    ]
    assert differ[0].sentence is not None
    with i18n.use_locale("uk"):
        said = translated(differ[0].sentence)
    assert said == (
        "чинні умови документа 'Ukraine' відрізняються від умов угоди: term_days (60 проти 120)"
    )


def test_a_yaml_scenario_and_a_record_event_are_refused_in_the_reader_language() -> None:
    """formats/documents.py (a YAML upload) and monitoring/record.py (an imported JCC record):
    refusals built by a helper, marked where they are written."""
    from gobetween import i18n
    from gobetween.errors import FileFormatError, ProtocolError
    from gobetween.formats.scenario_file import loads_scenario
    from gobetween.monitoring.bsgi import BSGI_DELEGATIONS
    from gobetween.monitoring.events import Departure
    from gobetween.monitoring.record import JointRecord
    from gobetween.service.errors import describe

    with pytest.raises(FileFormatError) as yaml_error:
        loads_scenario("name: a\nname: b\n", fmt="yaml", source="talks.yaml")
    assert "duplicate key 'name' in " in str(yaml_error.value)
    assert "(expected each key once in a mapping)" in str(yaml_error.value)
    with i18n.use_locale("uk"):
        said = describe(yaml_error.value)
    assert "повторений ключ 'name' у " in said, said
    assert "(очікувалося: кожен ключ один раз у відображенні)" in said
    day = dt.datetime(2022, 8, 1, 9, tzinfo=dt.UTC)
    with pytest.raises(ProtocolError) as event_error:
        JointRecord.replay(BSGI_DELEGATIONS, [Departure(day, "ghost", "Odesa")])
    assert str(event_error.value).endswith("'ghost' was never registered")
    with i18n.use_locale("ar"):
        said = describe(event_error.value)
        moment = i18n.format_datetime(day)
    # the event's type in words and its moment as the reader's pages write one (no ISO time,
    # no English code, no position counted from 0)
    assert said.startswith("المغادرة في " + moment + ": "), said
    assert said.endswith("'ghost' لم يُسجَّل قط"), said
    assert "departure" not in said, said
    assert "2022-08-01T" not in said, said
    with i18n.use_locale("uk"):
        assert describe(event_error.value) == (
            "відправлення, 1 серп. 2022\u202fр., 09:00 (UTC): 'ghost' ніколи не реєструвався"
        )
    assert (
        str(event_error.value)
        == "departure at 2022-08-01T09:00:00+00:00: 'ghost' was never registered"
    )


def test_a_moment_in_a_refusal_is_written_as_the_reader_pages_write_it() -> None:
    """A past deadline is refused with both moments in the reader's notation (it said
    "2026-12-06T17:50:48.868112+00:00" on an Arabic page); the API's English keeps ISO 8601."""
    from gobetween import i18n
    from gobetween.errors import N_, ProtocolError
    from gobetween.model import Agenda, Issue
    from gobetween.protocols.single_text import PublishText, SingleTextState, decide
    from gobetween.service.errors import describe

    agenda = Agenda((Issue.discrete("ports", ["one", "three"]),))
    state = SingleTextState.open(agenda, ("A", "B"), ("UN",))
    now = dt.datetime(2026, 12, 6, 17, 50, 48, 868112, tzinfo=dt.UTC)
    past = dt.datetime(2020, 1, 1, 10, tzinfo=dt.UTC)
    with pytest.raises(ProtocolError) as refused:
        decide(state, PublishText("UN", agenda.package({"ports": "one"}), deadline=past), now=now)
    assert str(refused.value) == (
        "the deadline 2020-01-01T10:00:00+00:00 is not after now (2026-12-06T17:50:48.868112+00:00)"
    )
    with i18n.use_locale("ar"):
        said = describe(refused.value)
        shown = i18n.format_datetime(past), i18n.format_datetime(now)
    assert shown[0] in said, said
    assert shown[1] in said, said
    assert "2020-01-01T" not in said, said
    assert ".868112" not in said, said
    with i18n.use_locale("uk"):
        assert i18n.format_date(dt.date(2022, 8, 1)) in describe(
            ProtocolError(N_("by %(day)s"), params={"day": dt.date(2022, 8, 1)})
        )
