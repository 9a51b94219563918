"""The example records in examples/entities/ are valid under every artefact of the spec.

Each file ``examples/entities/<Entity>.json`` is a JSON array of records in exchange (camelCase) form.
Every record must be accepted by the generated pydantic model and by the JSON Schema bundle, and every
USCC / citizen ID in it must pass its check digit (python-stdnum), since the models check only the shape.
The examples are also checked for the cross-field consistency the domain rules require.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError
from stdnum.cn import ric, uscc

import sedata.elements
from sedata.elements._core import CODES_LAYER, SpecModel
from sedata.spec import current
from sedata.spec.codesets import entry

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "entities"
BUNDLE = ROOT / "sedata" / "schemas" / "sedata.schema.json"

# The identifier rules this test can check, by the name a value domain gives them.
IDENTIFIER_CHECKS = {"uscc": uscc.is_valid, "citizen_id": ric.is_valid}

SPEC = current()


def _records(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{path.name} must hold a JSON array"
    return data


def _model(entity: str) -> type[SpecModel]:
    return getattr(sedata.elements, entity)


@cache
def _validator(entity: str) -> Draft202012Validator:
    bundle = json.loads(BUNDLE.read_text(encoding="utf-8"))
    schema = {"$ref": f"#/$defs/{entity}", "$defs": bundle["$defs"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))
CASES = [
    pytest.param(path.stem, i, record, id=f"{path.stem}[{i}]")
    for path in EXAMPLE_FILES
    for i, record in enumerate(_records(path))
]


def _examples(entity: str) -> list[dict[str, Any]]:
    path = EXAMPLES / f"{entity}.json"
    return _records(path) if path.exists() else []  # a missing file fails the coverage test below


# --- coverage of the example set ---------------------------------------------------------------------


def test_every_top_level_entity_has_an_example_file() -> None:
    top_level = {e.id for e in SPEC.entities.values() if not e.component}
    assert {p.stem for p in EXAMPLE_FILES} == top_level


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_file_holds_two_to_four_records(path: Path) -> None:
    records = _records(path)
    assert 2 <= len(records) <= 4
    assert all(isinstance(r, dict) for r in records)


def test_schema_format_checks_are_active() -> None:
    # Without these checkers the format keyword of dates and date-times would be ignored silently.
    checkers = Draft202012Validator.FORMAT_CHECKER.checkers
    assert "date" in checkers
    assert "date-time" in checkers


# --- each record against the artefacts ---------------------------------------------------------------


@pytest.mark.parametrize(("entity", "index", "record"), CASES)
def test_record_is_accepted_by_the_model(entity: str, index: int, record: dict[str, Any]) -> None:
    model = _model(entity).model_validate_json(json.dumps(record, ensure_ascii=False))
    # The example is written in canonical form: exchange names, no nulls, lexical values as emitted.
    assert model.to_data() == record


@pytest.mark.parametrize(("entity", "index", "record"), CASES)
def test_record_is_accepted_by_the_json_schema(entity: str, index: int, record: dict[str, Any]) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(entity).iter_errors(record)]
    assert errors == []


# --- identifier check digits -------------------------------------------------------------------------


def _identifier_values(model: SpecModel, where: str = "") -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(field path, value, identifier rules) for every uscc / citizen_id value in a validated record."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        element = type(model).element_of(name)
        if element is None:  # a nested entity
            for i, child in enumerate(values):
                yield from _identifier_values(child, f"{where}{name}[{i}].")
            continue
        rules = tuple(r for r in SPEC.domains[element].identifiers if r in IDENTIFIER_CHECKS)
        if rules:
            for v in values:
                yield f"{where}{name}", v, rules


def _bad_identifiers(model: SpecModel) -> list[str]:
    return [
        f"{path}={value!r} fails {'/'.join(rules)}"
        for path, value, rules in _identifier_values(model)
        if not any(IDENTIFIER_CHECKS[r](value) for r in rules)
    ]


@pytest.mark.parametrize(("entity", "index", "record"), CASES)
def test_identifiers_pass_their_check_digits(entity: str, index: int, record: dict[str, Any]) -> None:
    model = _model(entity).model_validate(record)
    assert _bad_identifiers(model) == []


def _has_identifier_field(entity: str) -> bool:
    for f in SPEC.entities[entity].fields:
        if f.entity is not None:
            if _has_identifier_field(f.entity):
                return True
        elif set(SPEC.domains[f.element].identifiers) & IDENTIFIER_CHECKS.keys():
            return True
    return False


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_identifier_fields_are_exercised(path: Path) -> None:
    """A file whose entity has a uscc / citizen_id field carries such values, so the check above is not vacuous."""
    model_cls = _model(path.stem)
    found = [v for r in _records(path) for v in _identifier_values(model_cls.model_validate(r))]
    assert bool(found) == _has_identifier_field(path.stem)


def test_identifier_check_catches_a_wrong_check_digit() -> None:
    record = dict(_examples("Unit")[0])
    code = record["unitCode"]
    record["unitCode"] = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:  # the model checks identifiers through sedata.codes
        _model("Unit").model_validate(record)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("unitCode",), "identifier")]
    model = _model("Unit").model_validate(record, context={CODES_LAYER: True})  # the shape only
    assert _bad_identifiers(model) == [f"unit_code={record['unitCode']!r} fails uscc/citizen_id"]


# --- domain consistency of the examples --------------------------------------------------------------

CATALOGUE = SPEC.codesets["equipment-catalogue"]["2014"]


def _with_catalogue_codes() -> list[Any]:
    return [
        pytest.param(entity, r, id=f"{entity}[{i}]")
        for entity in ("Equipment", "UseRegistration")
        for i, r in enumerate(_examples(entity))
    ]


@pytest.mark.parametrize(("entity", "record"), _with_catalogue_codes())
def test_catalogue_codes_form_one_branch(entity: str, record: dict[str, Any]) -> None:
    kind, category, variety = record["equipmentKind"], record["equipmentCategory"], record.get("equipmentVariety")
    assert entry(CATALOGUE, category).parent == kind
    if variety is not None:
        assert entry(CATALOGUE, variety).parent == category
        # positions 1-4 of the equipment code are the variety code
        assert record["equipmentCode"][:4] == variety
        # digits 2-3 of the variety code appear after the category character of the certificate number
        if "registrationCertNo" in record:
            assert record["registrationCertNo"][1:3] == variety[1:3]


@pytest.mark.parametrize(
    "record", [r for r in _examples("Equipment") if "registrationCode" in r], ids=lambda r: r["equipmentCode"]
)
def test_legacy_registration_code_matches_the_record(record: dict[str, Any]) -> None:
    code = record["registrationCode"]
    assert code[:4] == record["equipmentVariety"]
    registered = dt.date.fromisoformat(record["registrationDate"])
    assert code[10:16] == f"{registered.year}{registered.month:02d}"
    # registered by the prefecture that holds the county of use (e.g. 350600 for 350602)
    assert code[4:8] == record["locationDivision"][:4]
    assert record["registrationCertNo"].endswith(f"({registered.year % 100:02d})")


def test_referenced_equipment_exists() -> None:
    codes = {r["equipmentCode"] for r in _examples("Equipment")}
    for entity in ("Inspection", "UseRegistration"):
        for r in _examples(entity):
            assert r["equipmentCode"] in codes, f"{entity} refers to unknown equipment {r['equipmentCode']}"


@pytest.mark.parametrize("record", _examples("Inspection"), ids=lambda r: r["reportNo"])
def test_inspection_conclusion_fits_the_equipment_kind(record: dict[str, Any]) -> None:
    conclusions = SPEC.codesets["inspection-conclusion"]["1"]
    assert record["equipmentKind"] in entry(conclusions, record["inspectionConclusion"]).applies_to
    if "safetyGrade" in record:
        grades = SPEC.codesets["safety-grade"]["1"]
        assert record["equipmentKind"] in entry(grades, record["safetyGrade"]).applies_to


@pytest.mark.parametrize("record", _examples("OperatorCertificate"), ids=lambda r: r["certificateNo"])
def test_operator_certificate_items_and_validity(record: dict[str, Any]) -> None:
    table = SPEC.codesets["operator-item"][record["itemTable"]]
    for item in record["operatorItems"]:
        found = entry(table, item)
        assert found is not None and found.level == "项目", f"{item} is not an item of table {record['itemTable']}"
    issued = dt.date.fromisoformat(record["issueDate"])
    expiry = dt.date.fromisoformat(record["expiryDate"])
    assert expiry == issued.replace(year=issued.year + 4) - dt.timedelta(days=1)


def test_certificate_holders_are_known_people() -> None:
    people = {p["citizenId"]: p["personName"] for p in _examples("Person")}
    for cert in _examples("OperatorCertificate"):
        assert people.get(cert["holderCitizenId"]) == cert["holderName"]


def test_sedata_validate_on_every_example_message_is_clean(tmp_path: Path) -> None:
    """`sedata validate examples/messages/*` (one run): exit 0, no error, and only the warnings explained here.

    Each message is there in three formats: the same package (message id and digest), so its keys count once.
    Warnings: SE-COD-003 for the certificate number with the category character 容, whose use is UNCONFIRMED;
    SE-XRF-002 for references to units, a licence and a device that no example message carries (the 湘西 lift
    is registered by another office; user and installer units travel in no message of this set). Both are
    PARTIAL rules, reported as warnings by design.
    """
    from typer.testing import CliRunner

    from sedata.cli.main import app

    folder = ROOT / "examples" / "messages"
    files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".json", ".jsonl", ".xml"))
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["validate", *files, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text("utf-8"))
    assert report["summary"]["bySeverity"]["error"] == 0
    assert report["summary"]["byRule"] == {"SE-COD-003": 3, "SE-XRF-002": 5}  # one per distinct package
    twins = [f for f in report["files"] if any("same package" in n["reason"]["en"] for n in f["notChecked"])]
    assert len(twins) == 2 * 5  # two of the three formats of each of the five messages
