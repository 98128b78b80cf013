"""Files in and out: scenario YAML/JSON, Genius XML, JCC voyage spreadsheets, exports.

Scenarios (see ``docs/formats.md``):

>>> from gobetween.formats import examples, load_scenario_file, dump_scenario, loads_scenario
>>> corridor = load_scenario_file(examples.path("black_sea_corridor"))
>>> corridor.scenario.party_names, corridor.mediators
(('Ukraine', 'Russian Federation'), ('United Nations', 'Türkiye'))
>>> loads_scenario(dump_scenario(corridor, "json"), fmt="json") == corridor.scenario
True
"""

from gobetween.formats.genius import DEFAULT_REAL_STEPS, load_genius
from gobetween.formats.genius_export import save_genius
from gobetween.formats.genius_folders import find_genius_folders, load_genius_folders
from gobetween.formats.loading import format_of, load_scenario, load_scenario_file, save_scenario
from gobetween.formats.reading import DEFAULT_MAX_BYTES
from gobetween.formats.scenario_file import (
    Format,
    ScenarioFile,
    dump_scenario,
    loads_scenario,
    loads_scenario_file,
    scenario_document,
)
from gobetween.formats.schema import FORMAT_VERSION, scenario_json_schema

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_REAL_STEPS",
    "FORMAT_VERSION",
    "Format",
    "ScenarioFile",
    "dump_scenario",
    "find_genius_folders",
    "format_of",
    "load_genius",
    "load_genius_folders",
    "load_scenario",
    "load_scenario_file",
    "loads_scenario",
    "loads_scenario_file",
    "save_genius",
    "save_scenario",
    "scenario_document",
    "scenario_json_schema",
]
