"""Genius folders as people have them: flat profiles, extra files, folders of folders, and
integer issues bounded only by their items."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from tests.formats.conftest import GENIUS_SHARED
from tests.formats.test_genius import DOMAIN, PROFILE

from gobetween.errors import FileFormatError, InputError
from gobetween.formats import (
    find_genius_folders,
    load_genius,
    load_genius_folders,
    load_scenario,
    save_genius,
)
from gobetween.formats.genius_frontier import parse_reference_frontier
from gobetween.model import IssueKind, Package, Scenario

#: PROFILE with its issues and weights directly under <utility_space>, no <objective>.
FLAT_PROFILE = "\n".join(
    line
    for line in PROFILE.splitlines()
    if not line.startswith("<objective") and line != "</objective>"
)

#: The size issue's items in ITEM_BOUNDED_DOMAIN.
ITEMS = "\n".join(f'<item index="{v}" value="{v}"></item>' for v in (1, 2, 3))
#: DOMAIN whose integer issue gives its values as items instead of bounds.
ITEM_BOUNDED_DOMAIN = DOMAIN.replace(
    '<issue index="2" name="size" lowerbound="1" upperbound="3" type="integer" etype="integer">',
    '<issue index="2" name="size" type="integer" etype="integer">\n' + ITEMS,
)


def toy(parent: Path, profile: str = PROFILE, domain: str = DOMAIN) -> Path:
    """``parent/toy`` holding ``domain.xml`` and ``alice.xml`` (parents created)."""
    folder = parent / "toy"
    folder.mkdir(parents=True)
    (folder / "domain.xml").write_text(domain, encoding="utf-8")
    (folder / "alice.xml").write_text(profile, encoding="utf-8")
    return folder


def utilities(scenario: Scenario) -> list[tuple[float, ...]]:
    return [
        scenario.utilities(Package(scenario.agenda, choices))
        for choices in itertools.product(*(range(n) for n in scenario.agenda.shape))
    ]


def test_a_profile_without_objective_scores_like_one_with(tmp_path: Path) -> None:
    assert "<objective" not in FLAT_PROFILE
    assert "<weight index" in FLAT_PROFILE
    flat = load_genius(toy(tmp_path / "flat", profile=FLAT_PROFILE))
    nested = load_genius(toy(tmp_path / "nested"))
    assert utilities(flat) == utilities(nested)
    # red (4 of 8 -> 0.5) and size 3 (0.5 + 0.25 * (3 - 1) = 1): 0.6 * 0.5 + 0.4 * 1
    package = Package.from_options(flat.agenda, {"colour": "red", "size": "3"})
    assert flat.utilities(package) == pytest.approx((0.7,))
    assert flat.preferences["alice"].reservation == 0.3


def test_a_profile_without_objective_or_issues_is_refused(tmp_path: Path) -> None:
    folder = toy(tmp_path, profile="<utility_space>\n<reservation value='0.1'/>\n</utility_space>")
    with pytest.raises(FileFormatError, match="<utility_space> has no <objective>") as info:
        load_genius(folder)
    assert info.value.source == str(folder / "alice.xml")
    assert info.value.location == "line 1"


def test_other_files_are_listed_as_ignored_never_read_as_profiles(tmp_path: Path) -> None:
    folder = toy(tmp_path)
    (folder / "pareto.xml").write_text("0.9,0.1\n0.7,0.6\n\n0.2,0.95\n", encoding="utf-8")
    (folder / "notes.txt").write_text("<utility_space/> looks like a profile\n", encoding="utf-8")
    (folder / "README").write_text("from the ANAC archive\n", encoding="utf-8")
    (folder / "old").mkdir()
    scenario = load_genius(folder)
    assert scenario.party_names == ("alice",)
    assert utilities(scenario) == utilities(load_genius(toy(tmp_path / "clean")))
    assert scenario.metadata["ignored"] == (
        "notes.txt (not an .xml file); old (a folder); "
        "pareto.xml (a reference frontier of 3 points); README (not an .xml file)"
    )
    assert "ignored" not in load_genius(tmp_path / "clean" / "toy").metadata
    assert load_scenario(folder / "domain.xml").metadata == scenario.metadata


def test_an_xml_file_that_is_neither_numbers_nor_genius_is_named(tmp_path: Path) -> None:
    folder = toy(tmp_path)
    (folder / "frontier.xml").write_text("utility of alice, utility of bob\n0.1,0.2\n")
    with pytest.raises(FileFormatError, match="not well formed") as info:
        load_genius(folder)
    assert info.value.source == str(folder / "frontier.xml")
    assert info.value.location == "line 1, column 1"


def test_reference_frontiers_are_rows_of_finite_numbers() -> None:
    assert parse_reference_frontier(b"\xef\xbb\xbf1;0\r\n0.5 0.5\r\n") == ((1.0, 0.0), (0.5, 0.5))
    assert parse_reference_frontier(b"0.5,nan\n") is None
    assert parse_reference_frontier(b"0.5,,0.5\n") is None
    assert parse_reference_frontier(b"\n \n") is None
    assert parse_reference_frontier(b"\xff\xfe0.5") is None


def nested_collection(root: Path) -> None:
    toy(root / "y2014" / "a")
    toy(root / "y2014" / "b10")
    toy(root / "y2014" / "b9", profile=FLAT_PROFILE)
    toy(root / "other")
    (root / "README.md").write_text("scenarios\n")
    (root / ".git").mkdir()
    (root / ".git" / "config.xml").write_text("<config/>")


def test_a_folder_of_scenario_folders_is_named_as_such(tmp_path: Path) -> None:
    nested_collection(tmp_path)
    (tmp_path / "y2014" / "a" / "toy").rename(tmp_path / "y2014" / "a" / "first")
    with pytest.raises(FileFormatError, match="folder of 1 scenario folders") as info:
        load_genius(tmp_path / "y2014" / "a")
    assert "(first)" in info.value.message
    many = tmp_path / "many"
    for index in range(7):
        toy(many / f"s{index}")
    with pytest.raises(FileFormatError, match=r"folder of 7 scenario folders") as info:
        load_genius(many)
    assert "s0, s1, s2, s3, s4 and 2 more" in info.value.message
    assert "load_genius_folders" in str(info.value.expected)


def test_every_scenario_folder_below_a_root_is_found_and_loads(tmp_path: Path) -> None:
    nested_collection(tmp_path)
    found = find_genius_folders(tmp_path)
    names = [p.relative_to(tmp_path).as_posix() for p in found]
    assert names == ["other/toy", "y2014/a/toy", "y2014/b9/toy", "y2014/b10/toy"]
    loaded = load_genius_folders(tmp_path)
    assert [name for name, _ in loaded] == names
    assert {tuple(utilities(s)) for _, s in loaded} == {tuple(utilities(loaded[0][1]))}
    assert load_genius_folders(found[0])[0][0] == "toy"


def test_finding_folders_is_bounded_and_fails_clearly(tmp_path: Path) -> None:
    nested_collection(tmp_path)
    with pytest.raises(FileFormatError, match="more than 3 scenario folders"):
        find_genius_folders(tmp_path, max_folders=3)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileFormatError, match="no Genius scenario below this folder"):
        find_genius_folders(tmp_path / "empty")
    with pytest.raises(FileFormatError, match="no such folder"):
        find_genius_folders(tmp_path / "missing")
    (tmp_path / "y2014" / "a" / "toy" / "alice.xml").write_text("<html/>")
    with pytest.raises(FileFormatError, match="root element is <html>") as info:
        load_genius_folders(tmp_path)
    assert info.value.source == str(tmp_path / "y2014" / "a" / "toy" / "alice.xml")


def test_an_integer_issue_bounded_by_its_items_scores_like_one_with_bounds(
    tmp_path: Path,
) -> None:
    items = load_genius(toy(tmp_path / "items", domain=ITEM_BOUNDED_DOMAIN))
    bounds = load_genius(toy(tmp_path / "bounds"))
    size = items.agenda.issue("size")
    assert size.kind is IssueKind.INTEGER
    assert size.option_names == ("1", "2", "3")
    assert utilities(items) == utilities(bounds)
    flat = load_genius(toy(tmp_path / "flat", profile=FLAT_PROFILE, domain=ITEM_BOUNDED_DOMAIN))
    assert utilities(flat) == utilities(bounds)


def test_an_integer_issue_evaluated_by_items_in_the_profile(tmp_path: Path) -> None:
    profile = PROFILE.replace(
        '<evaluator ftype="linear" slope="0.25" offset="0.5"></evaluator>',
        '<item value="1" evaluation="2"/><item value="2" evaluation="4"/>'
        '<item value="3" evaluation="1"/>',
    )
    scenario = load_genius(toy(tmp_path, profile=profile, domain=ITEM_BOUNDED_DOMAIN))
    best = Package.from_options(scenario.agenda, {"colour": "blue", "size": "2"})
    worst = Package.from_options(scenario.agenda, {"colour": "red", "size": "3"})
    assert scenario.utilities(best) == pytest.approx((1.0,))
    assert scenario.utilities(worst) == pytest.approx((0.6 * 0.5 + 0.4 * 0.25,))


@pytest.mark.parametrize(
    ("items", "message", "line"),
    [
        ('<item value="1"/><item value="two"/>', "value='two' is not a number", 9),
        ('<item value="1"/><item value="2.5"/>', "value=2.5 is not an integer", 9),
        ("", "integer issue 'size' has neither bounds nor items", 8),
    ],
)
def test_bad_integer_items_are_named_with_their_line(
    tmp_path: Path, items: str, message: str, line: int
) -> None:
    domain = ITEM_BOUNDED_DOMAIN.replace(ITEMS, items)
    with pytest.raises(InputError, match=message) as info:
        load_genius(toy(tmp_path, domain=domain))
    assert info.value.source == str(tmp_path / "toy" / "domain.xml")
    assert info.value.location == f"line {line}"


@pytest.mark.shared
@pytest.mark.skipif(not GENIUS_SHARED.is_dir(), reason=f"no Genius collection at {GENIUS_SHARED}")
def test_the_shared_collection_is_found_folder_by_folder() -> None:
    found = find_genius_folders(GENIUS_SHARED)
    assert set(found) == {p.parent for p in GENIUS_SHARED.rglob("*.xml")}
    assert len(found) == len(set(found)) == 117
    travel = GENIUS_SHARED / "anac" / "y2010" / "Travel"
    assert travel in found
    with pytest.raises(FileFormatError, match="folder of 5 scenario folders"):
        load_genius(GENIUS_SHARED / "anac")


def test_saved_folders_are_found_again(tmp_path: Path) -> None:
    scenario = load_genius(toy(tmp_path / "src"))
    save_genius(scenario, tmp_path / "out" / "copy")
    assert find_genius_folders(tmp_path / "out") == [tmp_path / "out" / "copy"]
