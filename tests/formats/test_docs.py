"""docs/formats.md runs, and documents every field of the schema and every option of the CLI."""

from __future__ import annotations

import doctest
import re

import click
from tests.formats.conftest import ROOT

from gobetween.cli.files import convert
from gobetween.formats import loads_scenario_file, scenario_json_schema

DOC = ROOT / "docs" / "formats.md"


def test_the_python_examples_run() -> None:
    result = doctest.testfile(
        str(DOC),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
        verbose=False,
    )
    assert result.attempted >= 5
    assert result.failed == 0


def test_the_yaml_example_is_a_valid_scenario() -> None:
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None
    loaded = loads_scenario_file(block.group(1), fmt="yaml", source="formats.md")
    scenario = loaded.scenario
    assert scenario.illustrative
    assert loaded.mediators == ("United Nations", "Türkiye")
    employer = scenario.preferences["employer"]
    assert employer.red_lines
    assert employer.interactions
    assert employer.discount == 0.9
    offer = loaded.packages["first offer"]
    assert not employer.accepts(offer.replace(start="in 3 months", level="senior"))


def test_every_schema_field_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    schema = scenario_json_schema()
    properties = schema["properties"]
    issue = properties["agenda"]["properties"]["issues"]["items"]
    party = properties["parties"]["additionalProperties"]
    fields = [
        *properties,
        *properties["agenda"]["properties"],
        *issue["properties"],
        *issue["properties"]["range"]["properties"],
        *party["properties"],
    ]
    missing = [name for name in fields if f"`{name}`" not in text and f"{name}:" not in text]
    assert missing == []


def test_every_convert_option_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    options = [o for p in convert.params if isinstance(p, click.Option) for o in p.opts]
    assert options
    assert [o for o in options if o not in text] == []
