"""The JSON Schema of the data file: editors accept what the loader accepts."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from slutrapport.cli import main
from slutrapport.loader import from_data
from slutrapport.models import Ekonomi, Foretagsprogram
from slutrapport.schema import DIALECT, INTEGER_PATTERN, NUMBER_PATTERN, json_schema, schema_text

ROOT = Path(__file__).parents[1]
NIS = ROOT / "fixtures" / "nis60.yaml"
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))


def json_ready(value: Any) -> Any:
    """YAML data as JSON would hold it: dates as ISO strings, everything else as it is."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read(path: Path) -> Any:
    return json_ready(YAML(typ="safe").load(path.read_text(encoding="utf-8")))


def errors(data: Any) -> list[tuple[list[Any], str]]:
    """Each schema error as (path, keyword), at the deepest place inside any anyOf."""
    validator = jsonschema.Draft202012Validator(json_schema())

    def deepest(error: Any) -> Any:
        inner = [deepest(e) for e in error.context]
        return max(inner, key=lambda e: len(e.absolute_path), default=error)

    found = [deepest(e) for e in validator.iter_errors(data)]
    return sorted((list(e.absolute_path), str(e.validator)) for e in found)


@pytest.fixture(scope="module")
def nis() -> Any:
    return read(NIS)


def section(data: Any, sid: str) -> Any:
    """The section with this id in plain report data."""
    return next(s for s in data["avsnitt"] if s.get("id") == sid)


def at(data: Any, sid: str) -> int:
    """The index in ``avsnitt`` of the section with this id."""
    return next(i for i, s in enumerate(data["avsnitt"]) if s.get("id") == sid)


def test_schema_is_a_valid_draft_2020_12_schema_with_a_swedish_title() -> None:
    """The schema passes the draft's metaschema and names its dialect and title, without $id."""
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    head = {k: schema[k] for k in ("$schema", "title")}
    assert (head, "$id" in schema) == ({"$schema": DIALECT, "title": "Slutrapport"}, False)


def test_the_nis_example_validates() -> None:
    """The NIS 6.0 example, read with a safe YAML loader, has no schema errors."""
    assert errors(read(NIS)) == []


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_the_schema_command_output_validates_every_fixture(path: Path) -> None:
    """What `slutrapport schema` prints accepts every data file in fixtures/."""
    printed = json.loads(CliRunner().invoke(main, ["schema"]).output)
    validator = jsonschema.Draft202012Validator(printed)
    assert [e.message for e in validator.iter_errors(read(path))] == []


def test_a_section_is_a_union_on_its_kind_with_swedish_descriptions() -> None:
    """Each kind is one branch chosen by 'typ', described in Swedish from the kind itself."""
    from slutrapport.models import KINDS

    schema = json_schema()
    items = schema["properties"]["avsnitt"]["items"]
    names = sorted(KINDS)
    branches = {b["if"]["properties"]["typ"]["const"]: b["then"]["$ref"] for b in items["allOf"]}
    described = {k: schema["$defs"][ref.rsplit("/", 1)[1]]["description"]
                 for k, ref in branches.items()}
    typ = items["properties"]["typ"]
    assert (items["required"], typ["enum"], typ["enumDescriptions"], sorted(branches),
            described) == (
        ["typ"], names, [KINDS[k].BESKRIVNING for k in names], names,
        {k: f"{KINDS[k].BESKRIVNING} Anges med typ: {k}." for k in names})
    assert "discriminator" not in json.dumps(schema)


def test_a_wrong_kind_or_field_is_reported_against_the_sections_own_kind(nis: Any) -> None:
    """An unknown typ, a missing typ, a reserved id and a misspelt field each give one error."""
    data = copy.deepcopy(nis)
    i, e, k, p = (at(data, sid) for sid in ("inledning", "ekonomi", "kommuner", "pandemin"))
    data["avsnitt"][i]["typ"] = "textt"
    del data["avsnitt"][k]["typ"]
    data["avsnitt"][e]["kostnadr"] = data["avsnitt"][e].pop("kostnader")
    data["avsnitt"][p]["id"] = "projekt"
    assert errors(data) == [
        (["avsnitt", i, "typ"], "enum"),
        (["avsnitt", p, "id"], "not"),
        (["avsnitt", k], "required"),
        (["avsnitt", e], "additionalProperties"),
    ]


def test_swedish_written_numbers_and_bare_years_validate_as_the_loader_accepts_them(
    nis: Any,
) -> None:
    """Figures written as Swedish text and a year without quotes pass both schema and loader."""
    data = copy.deepcopy(nis)
    section(data, "ekonomi")["budget"] = "16 713 030"
    section(data, "program_for_tillvaxt")["effekt"]["summa"]["fore"] = "159,5"
    section(data, "program_for_tillvaxt")["effekt"]["foretag"][6]["okning"] = "\u22122"
    section(data, "horisontella_kriterier")["deltagare"]["andel_kvinnor"] = "49,7"
    data["projekt"]["period"]["fran"] = 2019
    report = from_data(data)
    ekonomi, program = report.section("ekonomi"), report.section("program_for_tillvaxt")
    assert isinstance(ekonomi, Ekonomi) and isinstance(program, Foretagsprogram)
    loaded = (ekonomi.budget, str(program.effekt.summa.fore), report.projekt.period.fran)
    assert (errors(data), loaded) == ([], (16713030, "159.5", "2019"))


def test_misspelt_keys_wrong_types_and_bad_halves_are_schema_errors(nis: Any) -> None:
    """A misspelt key, text for an amount, a negative count and 2,25 posts are each refused."""
    data = copy.deepcopy(nis)
    data["projekt"]["perod"] = data["projekt"].pop("period")
    section(data, "ekonomi")["utfall"] = "femton miljoner"
    section(data, "aktiviteterna")["omraden"][0]["antal"] = -1
    section(data, "program_for_tillvaxt")["effekt"]["foretag"][0]["anstallda_fore"] = 2.25
    a, e, p = at(data, "aktiviteterna"), at(data, "ekonomi"), at(data, "program_for_tillvaxt")
    assert errors(data) == [
        (["avsnitt", a, "omraden", 0, "antal"], "minimum"),
        (["avsnitt", p, "effekt", "foretag", 0, "anstallda_fore"], "multipleOf"),
        (["avsnitt", e, "utfall"], "type"),
        (["projekt"], "additionalProperties"),
        (["projekt"], "required"),
    ]


def test_a_cost_category_is_described_in_swedish_with_numbers_as_number_or_text() -> None:
    """The whole schema of a cost category: Swedish descriptions, bounds, text alternatives."""
    assert json_schema()["$defs"]["Kostnadspost"] == {
        "additionalProperties": False,
        "properties": {
            "kategori": {"description": "Kostnadsslaget.", "minLength": 1, "type": "string"},
            "belopp": {
                "anyOf": [
                    {"type": "integer", "minimum": 0, "maximum": 10**12},
                    {"type": "string", "pattern": INTEGER_PATTERN},
                ],
                "description": "Utfall i kronor.",
            },
            "fotnot": {
                "anyOf": [{"type": "string", "contentMediaType": "text/markdown"},
                          {"type": "null"}],
                "default": None,
                "description": "Fotnot till posten.",
            },
        },
        "required": ["kategori", "belopp"],
        "type": "object",
    }


def test_a_company_counts_posts_in_halves_and_its_dates_are_partial() -> None:
    """Head counts are multiples of 0,5 or text; a period's ends are partial dates or years."""
    defs = json_schema()["$defs"]
    assert (defs["Foretag"]["properties"]["anstallda_fore"]["anyOf"],
            defs["Period"]["properties"]["fran"]["anyOf"]) == (
        [{"type": "number", "minimum": 0, "maximum": 10**7, "multipleOf": 0.5},
         {"type": "string", "pattern": NUMBER_PATTERN}],
        [{"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
         {"type": "integer", "minimum": 1000, "maximum": 9999}],
    )


def test_every_number_in_the_schema_may_also_be_written_as_text() -> None:
    """No integer or number appears without a Swedish-text alternative beside it."""
    bare: list[str] = []

    def walk(node: Any, where: str, siblings: list[Any]) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("integer", "number"):
                texts = [s for s in siblings if isinstance(s, dict) and s.get("type") == "string"]
                if not texts:
                    bare.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}", node["anyOf"] if key == "anyOf" else [])
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}/{i}", siblings)

    walk(json_schema(), "", [])
    assert bare == []


def test_schema_command_prints_the_schema_as_json() -> None:
    """`slutrapport schema` prints exactly schema_text() and exits 0."""
    result = CliRunner().invoke(main, ["schema"])
    assert (result.exit_code, result.output) == (0, schema_text())
    assert json.loads(result.output) == json_schema()


def test_schema_command_writes_the_schema_to_a_file(tmp_path: Path) -> None:
    """`slutrapport schema -o FILE` writes the same text and says so."""
    out = tmp_path / "slutrapport.schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert (result.exit_code, result.output, out.read_text(encoding="utf-8")) == (
        0, f"Skrev {out}\n", schema_text())
