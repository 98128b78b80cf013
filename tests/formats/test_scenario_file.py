"""The scenario format: every error names the file, the line or path, and what was expected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gobetween.errors import (
    FileFormatError,
    InputError,
    InvalidAgenda,
    InvalidPackage,
    InvalidPreferences,
    InvalidScenario,
)
from gobetween.formats import (
    ScenarioFile,
    dump_scenario,
    load_scenario_file,
    loads_scenario,
    loads_scenario_file,
    scenario_document,
    scenario_json_schema,
)
from gobetween.model import (
    Agenda,
    Interaction,
    Issue,
    IssueKind,
    Option,
    Preferences,
    RatingScale,
    RedLine,
    Scenario,
)

SALE = """\
gobetween: 1
name: sale
agenda:
  issues:
    - name: price
      unit: EUR
      range: {low: 100, high: 300, step: 100}
    - name: delivery
      options: [now, later]
parties:
  seller:
    weights: {price: 2, delivery: 1}
    ratings:
      price: {100: 0, 200: 0.5, 300: 1}
      delivery: {now: 0, later: 1}
  buyer:
    weights: {price: 1, delivery: 1}
    ratings: {price: {100: 1, 200: 0.5, 300: 0}, delivery: {now: 1, later: 0}}
packages:
  opening offer: {price: 300, delivery: later}
"""


def load_variant(old: str, new: str, fmt: str = "yaml") -> ScenarioFile:
    text = SALE if fmt == "yaml" else dump_scenario(loads_scenario_file(SALE, fmt="yaml"), "json")
    assert old in text, old
    text = text.replace(old, new)
    return loads_scenario_file(text, fmt="yaml" if fmt == "yaml" else "json", source="sale.yaml")


def json_line(old: str, new: str, snippet: str) -> int:
    """The line of ``snippet`` in the JSON variant (first occurrence)."""
    text = dump_scenario(loads_scenario_file(SALE, fmt="yaml"), "json").replace(old, new)
    return next(i for i, line in enumerate(text.splitlines(), 1) if snippet in line)


def located(error: InputError, line: int | None, path: str, expected: str) -> None:
    """The error names the file, the line (if given), the path and what was expected."""
    assert error.source == "sale.yaml"
    text = str(error)
    assert text.startswith("sale.yaml, ")
    if line is not None:
        assert error.location == f"line {line}, {path}"
    else:
        assert error.location == path
    assert error.expected is not None
    assert expected in error.expected
    assert f"(expected {error.expected})" in text


def test_the_sale_loads_with_its_package() -> None:
    loaded = loads_scenario_file(SALE, fmt="yaml", source="sale.yaml")
    scenario = loaded.scenario
    assert scenario.agenda.issue("price").option_names == ("100", "200", "300")
    assert scenario.agenda.issue("price").kind is IssueKind.INTEGER
    assert scenario.agenda.issue("price").unit == "EUR"
    assert scenario.utilities(loaded.packages["opening offer"]) == (1.0, 0.0)


def test_weight_not_a_number() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant("weights: {price: 2, delivery: 1}", "weights: {price: high, delivery: 1}")
    located(info.value, 12, "parties.seller.weights.price", "a number >= 0")
    assert "'high' is not a number" in info.value.message


def test_weight_not_a_number_in_json_names_the_line_and_path() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant('"price": 2,', '"price": "2",', fmt="json")
    line = json_line('"price": 2,', '"price": "2",', '"price": "2"')
    located(info.value, line, "parties.seller.weights.price", "a number >= 0")


def test_json_that_yaml_cannot_compose_still_names_the_path() -> None:
    text = dump_scenario(loads_scenario_file(SALE, fmt="yaml"), "json")
    long_key = "k" * 2000  # valid JSON, but YAML's simple keys stop at 1024 characters
    text = text.replace('"price": 2,', '"price": "2",')
    text = text.replace('"name": "sale",', f'"name": "sale", "metadata": {{"{long_key}": "v"}},')
    with pytest.raises(FileFormatError) as info:
        loads_scenario_file(text, fmt="json", source="sale.yaml")
    located(info.value, None, "parties.seller.weights.price", "a number >= 0")


def test_weights_that_do_not_sum_to_a_positive_value() -> None:
    with pytest.raises(InvalidPreferences) as info:
        load_variant("weights: {price: 2, delivery: 1}", "weights: {price: 0, delivery: 0}")
    located(info.value, 12, "parties.seller.weights", "weights that sum to a positive value")


def test_negative_weight_is_a_shape_error() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant("weights: {price: 2, delivery: 1}", "weights: {price: -2, delivery: 1}")
    located(info.value, 12, "parties.seller.weights.price", "a number >= 0")


def test_missing_issue_in_a_party() -> None:
    with pytest.raises(InvalidPreferences) as info:
        load_variant("weights: {price: 1, delivery: 1}", "weights: {price: 1}")
    located(info.value, 17, "parties.buyer.weights", "a weight for every issue")
    assert "no weight for issue 'delivery'" in info.value.message


def test_missing_issue_in_a_package() -> None:
    with pytest.raises(InvalidPackage) as info:
        load_variant("{price: 300, delivery: later}", "{price: 300}")
    located(info.value, 20, "packages.opening offer", "an option for every issue")
    assert "'delivery'" in info.value.message


def test_unknown_option_in_a_package() -> None:
    with pytest.raises(InvalidPackage) as info:
        load_variant("delivery: later}", "delivery: tomorrow}")
    located(info.value, 20, "packages.opening offer.delivery", "one of 'now', 'later'")
    assert "no option 'tomorrow'" in info.value.message


def test_unknown_issue_in_a_package() -> None:
    with pytest.raises(InvalidPackage) as info:
        load_variant("{price: 300, delivery: later}", "{price: 300, delivery: later, tax: 0}")
    located(info.value, 20, "packages.opening offer.tax", "one of 'price', 'delivery'")


def test_duplicate_option_names() -> None:
    with pytest.raises(InvalidAgenda) as info:
        load_variant("[now, later]", "[now, later, now]")
    located(info.value, 9, "agenda.issues[1].options[2]", "distinct option names")


def test_duplicate_issue_names() -> None:
    with pytest.raises(InvalidAgenda) as info:
        load_variant("- name: delivery", "- name: price")
    located(info.value, 8, "agenda.issues[1]", "distinct issue names")


def test_duplicate_keys_are_refused_with_their_line() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant("weights: {price: 1, delivery: 1}", "weights: {price: 1, price: 1}")
    assert info.value.location == "line 17"
    assert "duplicate key 'price' in parties.buyer.weights" in info.value.message
    assert info.value.expected == "each key once in a mapping"


def test_rating_of_an_unknown_option() -> None:
    with pytest.raises(InvalidPreferences) as info:
        load_variant("delivery: {now: 0, later: 1}", "delivery: {now: 0, later: 1, never: 0}")
    located(info.value, 15, "parties.seller.ratings.delivery.never", "one of 'now', 'later'")


def test_rating_off_the_scale() -> None:
    with pytest.raises(InvalidPreferences) as info:
        load_variant("delivery: {now: 0, later: 1}", "delivery: {now: 0, later: 7}")
    located(info.value, 15, "parties.seller.ratings.delivery.later", "a number from 0.0 to 1.0")


def test_red_line_naming_an_unknown_option() -> None:
    with pytest.raises(InvalidPreferences) as info:
        load_variant("  buyer:\n", "  buyer:\n    red_lines: [{delivery: never}]\n")
    located(info.value, 17, "parties.buyer.red_lines", "issue and option names from the agenda")


def test_an_empty_red_line_is_refused_where_written() -> None:
    text = SALE.replace(
        "  buyer:\n", "  buyer:\n    red_lines:\n      - {delivery: now}\n      - {}\n"
    )
    with pytest.raises(FileFormatError) as info:
        loads_scenario_file(text, fmt="yaml", source="sale.yaml")
    located(info.value, 19, "parties.buyer.red_lines[1]", "a red line: {issue: option, ...}")


def test_bad_range() -> None:
    with pytest.raises(InvalidAgenda) as info:
        load_variant("{low: 100, high: 300, step: 100}", "{low: 300, high: 100, step: 100}")
    located(info.value, 7, "agenda.issues[0].range.high", "a number >= 300")


def test_issue_with_both_options_and_range() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant(
            "options: [now, later]",
            "options: [now, later]\n      range: {low: 0, high: 1, step: 1}",
        )
    located(info.value, 8, "agenda.issues[1]", "either `options` (a list) or `range`")
    assert info.value.message == "has both 'options' and 'range'"


def test_unknown_key() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant("name: sale", "nmae: sale")
    located(info.value, 2, "nmae", "one of agenda, description")
    assert info.value.message == "unknown key 'nmae'"


def test_missing_version_and_wrong_version() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant("gobetween: 1\n", "")
    located(info.value, 1, "top level", "a 'gobetween' entry: the format version, 1")
    with pytest.raises(FileFormatError) as info:
        load_variant("gobetween: 1\n", "gobetween: 2\n")
    located(info.value, 1, "gobetween", "the format version, 1")


def test_a_party_missing_its_ratings() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant(
            "    ratings: {price: {100: 1, 200: 0.5, 300: 0}, delivery: {now: 1, later: 0}}\n", ""
        )
    located(info.value, 16, "parties.buyer", "a 'ratings' entry")


def test_yaml_syntax_error_names_line_and_column() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant("name: sale", "name: [sale")
    assert info.value.location == "line 3, column 7"
    assert info.value.expected == "valid YAML"


def test_json_syntax_error_names_line_and_column() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant('"name": "sale",', '"name": "sale",,', fmt="json")
    assert info.value.location == "line 3, column 18"
    assert info.value.expected == "valid JSON"


def test_json_nan_and_duplicate_keys_are_refused() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant('"reservation": 0', '"reservation": NaN', fmt="json")
    line = json_line('"reservation": 0', '"reservation": NaN', "NaN")
    located(info.value, line, "parties.seller.reservation", "a finite number")  # the first one
    assert info.value.message == "NaN and Infinity are not JSON numbers"
    with pytest.raises(FileFormatError) as info:
        load_variant('"name": "sale",', '"name": "sale", "name": "x",', fmt="json")
    located(info.value, 3, "name", "each key once in an object")
    assert info.value.message == "duplicate key 'name' in top level"


def test_yaml_aliases_and_python_tags_are_refused() -> None:
    text = SALE.replace(
        "weights: {price: 2, delivery: 1}", "weights: &w {price: 2, delivery: 1}"
    ).replace("weights: {price: 1, delivery: 1}", "weights: *w")
    with pytest.raises(FileFormatError, match="aliases") as info:
        loads_scenario_file(text, fmt="yaml", source="sale.yaml")
    assert info.value.location == "line 17, parties.buyer.weights"
    with pytest.raises(FileFormatError, match="cannot read this value"):
        load_variant("name: sale", "name: !!python/name:os.system ''")


def test_empty_and_comment_only_documents() -> None:
    with pytest.raises(FileFormatError, match="empty"):
        loads_scenario_file("", fmt="yaml", source="sale.yaml")
    with pytest.raises(FileFormatError, match="only comments"):
        loads_scenario_file("# nothing\n", fmt="yaml", source="sale.yaml")
    with pytest.raises(FileFormatError) as info:
        loads_scenario_file("- a\n", fmt="yaml", source="sale.yaml")
    assert info.value.message == "list is not a mapping"


def test_yaml_names_stay_names() -> None:
    """Plain scalars in name positions are read as written: yes, 60, 2023-07-17, 1.50."""
    text = SALE.replace("[now, later]", "[yes, no, 2023-07-17, 1.50]").replace(
        "delivery: {now: 0, later: 1}", "delivery: {yes: 0, no: 1, 2023-07-17: 0, 1.50: 1}"
    )
    text = text.replace(
        "delivery: {now: 1, later: 0}", "delivery: {yes: 1, no: 0, 2023-07-17: 0, 1.50: 0}"
    ).replace("delivery: later}", "delivery: 1.50}")
    loaded = loads_scenario_file(text, fmt="yaml")
    assert loaded.scenario.agenda.issue("delivery").option_names == (
        "yes",
        "no",
        "2023-07-17",
        "1.50",
    )
    assert loaded.packages["opening offer"].option("delivery") == "1.50"


def test_yaml_to_json_to_yaml_round_trip_is_the_identity() -> None:
    loaded = loads_scenario_file(SALE, fmt="yaml")
    as_json = dump_scenario(loaded, "json")
    again = loads_scenario_file(as_json, fmt="json")
    assert again == loaded
    as_yaml = dump_scenario(again, "yaml")
    assert loads_scenario_file(as_yaml, fmt="yaml") == loaded
    assert dump_scenario(loads_scenario_file(as_yaml, fmt="yaml"), "yaml") == as_yaml


def rich_scenario() -> ScenarioFile:
    agenda = Agenda(
        (
            Issue.discrete("ports", ["Odesa", "three ports"], description="where from"),
            Issue.from_range("term", 60, 180, 60, kind=IssueKind.INTEGER, unit="days"),
            Issue.from_range("share", 0, 0.3, 0.1),
            Issue(
                "level",
                (Option("low", 1.0, "Low level"), Option("high", 5.0)),
                kind=IssueKind.INTEGER,
                unit="m",
            ),
            Issue.discrete("yes or no", ["yes", "no"]),
        ),
        name="rich agenda",
    )
    a = Preferences(
        weights={"ports": 3, "term": 1, "share": 0.5, "level": 0, "yes or no": 1.25},
        ratings={
            "ports": {"Odesa": 2, "three ports": 10},
            "term": {"60": 0, "120": 5, "180": 10},
            "share": {"0": 0, "0.1": 1.5, "0.2": 3.25, "0.3": 10},
            "level": {"low": 1, "high": 2},
            "yes or no": {"yes": 10, "no": 0},
        },
        scale=RatingScale(0, 10),
        reservation=0.35,
        red_lines=(RedLine.of(("ports", "Odesa"), ("term", "180")),),
        interactions=(Interaction(frozenset({("share", "0.3"), ("yes or no", "no")}), -0.1),),
        discount=0.9,
    )
    b = Preferences(
        weights={"ports": 1, "term": 1, "share": 1, "level": 1, "yes or no": 1},
        ratings={
            "ports": {"Odesa": 1, "three ports": 0},
            "term": {"60": 1, "120": 0.5, "180": 0},
            "share": {"0": 1, "0.1": 0.7, "0.2": 0.3, "0.3": 0},
            "level": {"low": 0, "high": 1},
            "yes or no": {"yes": 0, "no": 1},
        },
    )
    scenario = Scenario(
        agenda,
        {"A": a, "Party B": b},
        name="rich",
        description="all the features",
        illustrative=True,
        metadata={"source": "test", "version": "1"},
    )
    packages = {
        "status quo": agenda.package(
            {"ports": "Odesa", "term": "60", "share": "0", "level": "low", "yes or no": "no"}
        )
    }
    return ScenarioFile(scenario, packages, ("United Nations", "Türkiye"))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_every_feature_survives_a_round_trip(fmt: str) -> None:
    original = rich_scenario()
    text = dump_scenario(original, fmt)  # type: ignore[arg-type]
    again = loads_scenario_file(text, fmt=fmt)  # type: ignore[arg-type]
    assert again == original
    assert again.scenario.metadata == original.scenario.metadata
    assert again.scenario.agenda.issue("level").options[0].label == "Low level"
    assert dump_scenario(again, fmt) == text  # type: ignore[arg-type]


def test_ranges_are_written_as_ranges_and_kinds_only_when_not_implied() -> None:
    document = scenario_document(rich_scenario())
    issues = {issue["name"]: issue for issue in document["agenda"]["issues"]}
    assert issues["term"] == {
        "name": "term",
        "unit": "days",
        "range": {"low": 60, "high": 180, "step": 60},
    }
    assert issues["share"]["range"] == {"low": 0, "high": 0.3, "step": 0.1}
    assert "kind" not in issues["share"]
    assert issues["level"]["kind"] == "integer"
    assert issues["level"]["options"][0] == {"name": "low", "label": "Low level", "value": 1}


def test_the_shipped_schema_file_matches_the_code() -> None:
    import gobetween.formats.schema as module

    shipped = Path(module.__file__).with_name("scenario.schema.json")
    assert json.loads(shipped.read_text(encoding="utf-8")) == scenario_json_schema()


def test_the_schema_is_valid_json_schema_and_accepts_dumped_scenarios() -> None:
    import jsonschema

    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(scenario_document(rich_scenario()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"gobetween": 1}, schema)


def test_a_scenario_file_refuses_packages_of_another_agenda() -> None:
    file = rich_scenario()
    other = Agenda((Issue.discrete("x", ["a"]),))
    with pytest.raises(InvalidScenario, match="another agenda"):
        ScenarioFile(file.scenario, {"p": other.package({"x": "a"})})


def test_load_from_a_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "sale.yml"
    path.write_text(SALE.replace("[now, later]", "[now, later, now]"), encoding="utf-8")
    with pytest.raises(InvalidAgenda) as info:
        load_scenario_file(path)
    assert str(info.value).startswith(f"{path}, line 9, agenda.issues[1].options[2]: ")


def test_loads_scenario_returns_the_scenario_only() -> None:
    assert isinstance(loads_scenario(SALE, fmt="yaml"), Scenario)
    with pytest.raises(FileFormatError, match="unknown scenario format"):
        loads_scenario(SALE, fmt="toml")  # type: ignore[arg-type]


def test_an_option_of_the_wrong_type_in_json() -> None:
    with pytest.raises(FileFormatError) as info:
        load_variant('"now",', "14,", fmt="json")
    line = json_line('"now",', "14,", "14,")
    located(info.value, line, "agenda.issues[1].options[0]", "an option: its name, or {name")
    assert info.value.message == "14 is not a string or a mapping"
