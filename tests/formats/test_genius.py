"""Genius XML import and export, checked against Genius's semantics computed independently."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from tests.formats.conftest import GENIUS_TEST_DATA
from tests.formats.genius_oracle import GeniusProfile

from gobetween import i18n
from gobetween.errors import (
    FileFormatError,
    InputError,
    InvalidAgenda,
    InvalidPreferences,
    InvalidScenario,
)
from gobetween.formats import load_genius, load_scenario, save_genius
from gobetween.model import (
    Agenda,
    Interaction,
    Issue,
    IssueKind,
    Package,
    Preferences,
    RatingScale,
    RedLine,
    Scenario,
)
from gobetween.service.errors import describe

VACATION = GENIUS_TEST_DATA / "vacation"
FITNESS = GENIUS_TEST_DATA / "fitness"

DOMAIN = """<negotiation_template>
<utility_space number_of_issues="2">
<objective index="0" description="" name="toy" type="objective" etype="objective">
<issue index="1" name="colour" vtype="discrete" type="discrete" etype="discrete">
<item index="1" value="red"></item>
<item index="2" value="blue"></item>
</issue>
<issue index="2" name="size" lowerbound="1" upperbound="3" type="integer" etype="integer">
</issue>
</objective>
</utility_space>
</negotiation_template>
"""

PROFILE = """<utility_space>
<objective index="0" description="" name="toy" type="objective" etype="objective">
<issue index="1" name="colour" vtype="discrete" type="discrete" etype="discrete">
<item index="1" value="red" evaluation="4"></item>
<item index="2" value="blue" evaluation="8"></item>
</issue>
<issue index="2" name="size" lowerbound="1" upperbound="3" type="integer" etype="integer">
<evaluator ftype="linear" slope="0.25" offset="0.5"></evaluator>
</issue>
<weight index="1" value="0.6"></weight>
<weight index="2" value="0.4"></weight>
</objective>
<discount_factor value="0.5"/>
<reservation value="0.3"/>
</utility_space>
"""


def toy(tmp_path: Path, profile: str = PROFILE, domain: str = DOMAIN) -> Path:
    folder = tmp_path / "toy"
    folder.mkdir()
    (folder / "domain.xml").write_text(domain, encoding="utf-8")
    (folder / "alice.xml").write_text(profile, encoding="utf-8")
    return folder


def check_against_genius(folder: Path, scenario: Scenario) -> int:
    """Every package's utility equals Genius's (independently computed); returns the count."""
    domain_names = {p.stem for p in folder.glob("*.xml")} - set(scenario.party_names)
    assert len(domain_names) == 1
    profiles = {p: GeniusProfile.read(folder / f"{p}.xml") for p in scenario.party_names}
    count = 0
    for choices in itertools.product(*(range(n) for n in scenario.agenda.shape)):
        package = Package(scenario.agenda, choices)
        bid = package.options
        for party, utility in zip(scenario.party_names, scenario.utilities(package), strict=True):
            assert utility == pytest.approx(profiles[party].expected_gobetween(bid), abs=1e-12)
        count += 1
    for party, prefs in scenario.preferences.items():
        assert prefs.reservation == profiles[party].reservation
    return count


def test_vacation_loads_with_its_integer_issue() -> None:
    scenario = load_genius(VACATION)
    assert scenario.party_names == ("Vacation_util2", "Vacation_util3", "Vacation_util4")
    duration = scenario.agenda.issue("Duration (weeks)")
    assert duration.kind is IssueKind.INTEGER
    assert duration.option_names == ("1", "2", "3", "4")
    assert scenario.agenda.name == "Vacation"
    assert scenario.metadata == {"source": "genius", "domain": "Vacation.xml"}
    assert check_against_genius(VACATION, scenario) == scenario.agenda.size == 1600


def test_fitness_ignores_the_objectives_own_weight() -> None:
    scenario = load_genius(FITNESS)
    assert check_against_genius(FITNESS, scenario) == scenario.agenda.size
    prefs = scenario.preferences["Fitness-A-prof1"]
    assert prefs.discount == 0.75
    assert prefs.reservation == 0.5
    assert sum(prefs.normalised_weights(scenario.agenda)) == pytest.approx(1.0)


def test_a_domain_file_finds_its_profiles_and_a_profile_file_is_refused() -> None:
    assert load_scenario(VACATION / "Vacation.xml") == load_genius(VACATION)
    with pytest.raises(FileFormatError) as info:
        load_scenario(VACATION / "Vacation_util2.xml")
    assert info.value.source == str(VACATION / "Vacation_util2.xml")
    assert "give the domain file or its folder" in str(info.value.expected)


@pytest.mark.parametrize("folder", [VACATION, FITNESS])
def test_round_trip_import_export_import_gives_the_same_utilities(
    folder: Path, tmp_path: Path
) -> None:
    first = load_genius(folder)
    written = save_genius(first, tmp_path / "out")
    assert next(p.name for p in written) == "domain.xml"
    second = load_genius(tmp_path / "out")
    assert set(second.party_names) == set(first.party_names)
    assert second.agenda.issue_names == first.agenda.issue_names
    assert [i.kind for i in second.agenda.issues] == [i.kind for i in first.agenda.issues]
    for choices in itertools.product(*(range(n) for n in first.agenda.shape)):
        a, b = Package(first.agenda, choices), Package(second.agenda, choices)
        assert a.options == b.options
        for party in first.party_names:
            assert second.preferences[party].utility(b) == pytest.approx(
                first.preferences[party].utility(a), abs=1e-12
            )
    for party in first.party_names:
        assert second.preferences[party].reservation == first.preferences[party].reservation
        assert second.preferences[party].discount == first.preferences[party].discount
    check_against_genius(tmp_path / "out", second)


def test_toy_semantics_by_hand(tmp_path: Path) -> None:
    scenario = load_genius(toy(tmp_path))
    prefs = scenario.preferences["alice"]
    agenda = scenario.agenda
    # colour: 4/8 and 8/8; size: clip(0.5 + 0.25 * (v - 1)) = 0.5, 0.75, 1.0
    assert prefs.utility(agenda.package({"colour": "red", "size": "1"})) == pytest.approx(0.5)
    assert prefs.utility(agenda.package({"colour": "blue", "size": "3"})) == pytest.approx(1.0)
    assert prefs.discount == 0.5
    assert prefs.reservation == 0.3


def test_weights_below_one_keep_genius_utilities(tmp_path: Path) -> None:
    folder = toy(tmp_path, PROFILE.replace('value="0.4"', 'value="0.2"'))
    scenario = load_genius(folder)
    best = scenario.agenda.package({"colour": "blue", "size": "3"})
    assert scenario.preferences["alice"].utility(best) == pytest.approx(0.8)
    check_against_genius(folder, scenario)


def test_weights_above_one_without_capping_are_exact(tmp_path: Path) -> None:
    profile = PROFILE.replace('slope="0.25" offset="0.5"', 'slope="0.0" offset="0.25"')
    folder = toy(tmp_path, profile.replace('value="0.4"', 'value="0.8"'))  # reach 0.6 + 0.2
    scenario = load_genius(folder)
    assert GeniusProfile.read(folder / "alice.xml").reach <= 1 < 1.4
    check_against_genius(folder, scenario)


def test_weights_above_one_with_capping_are_normalised_as_documented(tmp_path: Path) -> None:
    folder = toy(tmp_path, PROFILE.replace('value="0.4"', 'value="0.9"'))
    scenario = load_genius(folder)
    oracle = GeniusProfile.read(folder / "alice.xml")
    assert oracle.reach > 1
    best = scenario.agenda.package({"colour": "blue", "size": "3"})
    assert scenario.preferences["alice"].utility(best) == pytest.approx(1.5 / 1.5)
    check_against_genius(folder, scenario)


def test_a_discount_outside_the_unit_interval_means_none(tmp_path: Path) -> None:
    scenario = load_genius(toy(tmp_path, PROFILE.replace('"0.5"/>', '"0.0"/>')))
    assert scenario.preferences["alice"].discount is None


def test_real_issues_are_discretised_and_written_back_as_real(tmp_path: Path) -> None:
    integer = '<issue index="2" name="size" lowerbound="1" upperbound="3" type="integer"'
    domain = DOMAIN.replace(
        integer + ' etype="integer">',
        '<issue index="2" name="size" vtype="real" type="real" etype="real">'
        '<range lowerbound="0.0" upperbound="2.0"/>',
    )
    profile = PROFILE.replace(
        integer + ' etype="integer">\n<evaluator ftype="linear" slope="0.25" offset="0.5">',
        '<issue index="2" name="size" vtype="real" type="real" etype="real">'
        '<range lowerbound="0.0" upperbound="2.0"/>'
        '<evaluator ftype="linear" parameter0="0.2" parameter1="0.5">',
    )
    folder = toy(tmp_path, profile, domain)
    scenario = load_genius(folder)
    size = scenario.agenda.issue("size")
    assert size.kind is IssueKind.REAL
    assert size.option_names[:3] == ("0", "0.2", "0.4")
    assert len(size.options) == 11
    assert len(load_genius(folder, real_steps=4).agenda.issue("size").options) == 5
    ratings = scenario.preferences["alice"].ratings["size"]
    assert ratings["0"] == pytest.approx(0.2)
    assert ratings["2"] == pytest.approx(1.0)
    assert ratings["1.8"] == pytest.approx(1.0)  # clipped: 0.2 + 0.5 * 1.8 = 1.1
    out = tmp_path / "out"
    save_genius(scenario, out)
    assert 'type="real"' not in (out / "domain.xml").read_text()  # clipped: not linear
    again = load_genius(out)
    for option in size.option_names:
        assert again.preferences["alice"].ratings["size"][option] == pytest.approx(ratings[option])


def test_a_linear_real_issue_is_written_as_real(tmp_path: Path) -> None:
    agenda = Agenda((Issue.from_range("share", 0, 1, 0.1), Issue.discrete("x", ["a", "b"])))
    prefs = Preferences(
        {"share": 1, "x": 1},
        {
            "share": {o: 0.1 + 0.5 * float(o) for o in agenda.issue("share").option_names},
            "x": {"a": 0, "b": 1},
        },
    )
    scenario = Scenario(agenda, {"P": prefs})
    save_genius(scenario, tmp_path / "out")
    assert 'type="real"' in (tmp_path / "out" / "domain.xml").read_text()
    again = load_genius(tmp_path / "out")
    assert again.agenda.issue("share").option_names == agenda.issue("share").option_names
    for choices in itertools.product(range(11), range(2)):
        assert again.utilities(Package(again.agenda, choices)) == pytest.approx(
            scenario.utilities(Package(agenda, choices)), abs=1e-12
        )


def test_export_folds_a_best_rating_below_the_top_into_the_weight(tmp_path: Path) -> None:
    agenda = Agenda(
        (
            Issue.discrete("a", ["x", "y", "z"]),
            Issue.from_range("n", 1, 4, 1, kind=IssueKind.INTEGER),
            Issue.discrete("zero", ["p", "q"]),
        )
    )
    prefs = Preferences(
        weights={"a": 5, "n": 3, "zero": 2},
        ratings={
            "a": {"x": 2, "y": 6, "z": 0},
            "n": {"1": 0, "2": 3, "3": 6, "4": 9},
            "zero": {"p": 0, "q": 0},
        },
        scale=RatingScale(0, 10),
        reservation=0.25,
        discount=0.8,
    )
    scenario = Scenario(agenda, {"Ann": prefs, "Bo b": prefs})
    out = tmp_path / "out"
    save_genius(scenario, out)
    assert 'type="integer"' in (out / "domain.xml").read_text()  # linear: written as integer
    oracle = GeniusProfile.read(out / "Ann.xml")
    assert oracle.weights["a"] == pytest.approx(0.5 * 0.6)
    assert oracle.weights["zero"] == pytest.approx(0.2)
    assert set(oracle.discrete["zero"].values()) == {0.0}
    for choices in itertools.product(range(3), range(4), range(2)):
        package = Package(agenda, choices)
        assert oracle.utility(package.options) == pytest.approx(prefs.utility(package), abs=1e-12)
    again = load_genius(out)
    assert again.party_names == ("Ann", "Bo b")
    check_against_genius(out, again)


def test_export_refuses_what_genius_cannot_express(tmp_path: Path) -> None:
    agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    base = Preferences({"a": 1}, {"a": {"x": 1, "y": 0}})
    red = Preferences({"a": 1}, {"a": {"x": 1, "y": 0}}, red_lines=(RedLine.of(("a", "y")),))
    bonus = Preferences(
        {"a": 1}, {"a": {"x": 1, "y": 0}}, interactions=(Interaction(frozenset({("a", "x")}), 0.1),)
    )
    with pytest.raises(InvalidScenario) as info:
        save_genius(Scenario(agenda, {"A": base, "B": red}), tmp_path / "one")
    assert info.value.location == "parties.B.red_lines"
    assert "red lines" in info.value.message
    assert info.value.expected == "additive preferences without red lines or interactions"
    with pytest.raises(InvalidScenario, match="interactions"):
        save_genius(Scenario(agenda, {"A": bonus}), tmp_path / "two")
    with pytest.raises(InvalidScenario, match=r"both be written as a_b\.xml"):
        save_genius(Scenario(agenda, {"a/b": base, "a?b": base}), tmp_path / "three")
    with pytest.raises(InvalidScenario, match=r"domain\.xml"):
        save_genius(Scenario(agenda, {"domain": base}), tmp_path / "four")
    save_genius(Scenario(agenda, {"A": base}), tmp_path / "five")
    with pytest.raises(FileFormatError, match="already holds XML files"):
        save_genius(Scenario(agenda, {"A": base}), tmp_path / "five")


# --- errors: each names the file, the line and what was expected --------------------------


def error_of(tmp_path: Path, profile: str, domain: str = DOMAIN) -> InputError:
    with pytest.raises(InputError) as info:
        load_genius(toy(tmp_path, profile, domain))
    error = info.value
    assert error.source is not None
    assert error.source.endswith(".xml")
    assert error.location is not None
    assert error.location.startswith("line ")
    assert error.expected
    return error


def test_profile_with_an_issue_the_domain_lacks(tmp_path: Path) -> None:
    error = error_of(tmp_path, PROFILE.replace('name="size"', 'name="weight"'))
    assert isinstance(error, InvalidScenario)
    assert error.source == str(tmp_path / "toy" / "alice.xml")
    assert error.location == "line 7"
    assert "issue 'weight', which the domain domain.xml lacks" in error.message
    assert error.expected == "the domain's issues: 'colour', 'size'"


def test_profile_missing_an_issue_of_the_domain(tmp_path: Path) -> None:
    start = PROFILE.index('<issue index="2"')
    end = PROFILE.index("</issue>", start) + len("</issue>\n")
    error = error_of(tmp_path, PROFILE[:start] + PROFILE[end:])
    assert isinstance(error, InvalidScenario)
    assert "no issue 'size'" in error.message
    assert error.location == "line 2"


def test_unknown_item_and_missing_item(tmp_path: Path) -> None:
    error = error_of(tmp_path, PROFILE.replace('value="blue"', 'value="green"'))
    assert isinstance(error, InvalidScenario)
    assert error.location == "line 5"
    assert error.expected == "one of 'red', 'blue'"
    shutil.rmtree(tmp_path / "toy")
    error = error_of(
        tmp_path, PROFILE.replace('<item index="2" value="blue" evaluation="8"></item>\n', "")
    )
    assert "no evaluation for item 'blue'" in error.message


@pytest.mark.parametrize(
    ("profile", "domain", "kind", "english", "ukrainian"),
    [
        (  # a profile's item that the domain's issue lacks
            PROFILE.replace('value="blue"', 'value="green"'),
            DOMAIN,
            InvalidScenario,
            "alice.xml, line 5: issue 'colour' has no item 'green' in the domain "
            "(expected one of 'red', 'blue')",
            "alice.xml, рядок 5: у питання 'colour' немає елемента 'green' у домені "
            "(очікувалося: одне з: 'red', 'blue')",
        ),
        (  # clause wording written into the domain for an option its issue lacks
            PROFILE,
            DOMAIN.replace(
                '<item index="2" value="blue"></item>',
                '<item index="2" value="blue"></item>\n'
                '<wording option="green" language="en" text="Green."/>',
            ),
            FileFormatError,
            "domain.xml, line 7: wording for option 'green', which issue 'colour' lacks "
            "(expected one of 'red', 'blue')",
            "domain.xml, рядок 7: формулювання для варіанта 'green', якого немає в питанні "
            "'colour' (очікувалося: одне з: 'red', 'blue')",
        ),
    ],
)
def test_an_option_the_issue_lacks_is_refused_whole(
    tmp_path: Path,
    profile: str,
    domain: str,
    kind: type[InputError],
    english: str,
    ukrainian: str,
) -> None:
    """Both refusals of an option name the file, the line, the issue and its options, in
    English and in the reader's language."""
    error = error_of(tmp_path, profile, domain)
    assert type(error) is kind
    assert str(error).split("/toy/")[-1] == english
    with i18n.use_locale("uk"):
        assert describe(error).split("/toy/")[-1] == ukrainian


def test_weight_not_a_number_and_weights_summing_to_zero(tmp_path: Path) -> None:
    error = error_of(tmp_path, PROFILE.replace('value="0.6"', 'value="heavy"'))
    assert error.location == "line 10"
    assert "value='heavy' is not a number" in error.message
    assert error.expected == "a finite number"
    shutil.rmtree(tmp_path / "toy")
    error = error_of(
        tmp_path, PROFILE.replace('value="0.6"', 'value="0"').replace('value="0.4"', 'value="0.0"')
    )
    assert isinstance(error, InvalidPreferences)
    assert error.expected == "weights that sum to a positive value"


def test_negative_evaluation_missing_weight_and_type_mismatch(tmp_path: Path) -> None:
    error = error_of(tmp_path, PROFILE.replace('evaluation="4"', 'evaluation="-4"'))
    assert error.expected == "a number >= 0"
    shutil.rmtree(tmp_path / "toy")
    error = error_of(tmp_path, PROFILE.replace('<weight index="2" value="0.4"></weight>\n', ""))
    assert "issue 'size' has no weight" in error.message
    shutil.rmtree(tmp_path / "toy")
    error = error_of(
        tmp_path, PROFILE.replace('type="integer" etype="integer"', 'type="real" etype="real"')
    )
    assert "real here but integer in the domain" in error.message


def test_duplicate_items_in_the_domain(tmp_path: Path) -> None:
    error = error_of(tmp_path, PROFILE, DOMAIN.replace('value="blue"', 'value="red"'))
    assert error.source == str(tmp_path / "toy" / "domain.xml")
    assert isinstance(error, InvalidAgenda)
    assert error.location == "line 6"
    assert "two options named 'red'" in error.message


def test_folders_without_one_domain_or_any_profile(tmp_path: Path) -> None:
    folder = toy(tmp_path)
    (folder / "other.xml").write_text(DOMAIN)
    with pytest.raises(
        FileFormatError, match=r"exactly one domain file \(found: domain.xml, other.xml\)"
    ):
        load_genius(folder)
    (folder / "other.xml").unlink()
    (folder / "alice.xml").unlink()
    with pytest.raises(FileFormatError, match="no Genius profile"):
        load_genius(folder)
    (folder / "alice.xml").write_text("<html/>")
    with pytest.raises(FileFormatError, match="root element is <html>") as info:
        load_genius(folder)
    assert info.value.location == "line 1"
    (folder / "alice.xml").write_text("")
    with pytest.raises(FileFormatError, match="the file is empty"):
        load_genius(folder)
