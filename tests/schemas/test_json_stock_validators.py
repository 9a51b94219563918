"""The exported JSON Schemas in validators nobody here wrote, with their default settings.

Ajv 8 (``Ajv2020``, ``strict: true`` and no other option) must compile every exported file, and Ajv,
jsonschema-rs and python-jsonschema must each give sedata's schema verdict on the examples, on every
example masked with every profile, and on targeted-invalid samples (impossible dates, a final newline, a
masked value where no profile is declared, a record missing an element, ...). A record's error must be
the real one, not a union's noise.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from sedata.generate.naming import masked_suffix
from sedata.spec.envelope import message_class_name

from .conftest import MESSAGES, sedata_schema_verdict

Mutation = Callable[[dict[str, Any]], None]
OPC = "operator-certificate-upload.json"


def _data(doc: dict[str, Any], index: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = doc["records"][index]["data"]
    return data


def _set(index: int, member: str, value: Any) -> Mutation:
    return lambda doc: _data(doc, index).__setitem__(member, value)


def _drop(index: int, member: str) -> Mutation:
    return lambda doc: _data(doc, index).pop(member)


def _header(member: str, value: Any) -> Mutation:
    return lambda doc: doc["header"].__setitem__(member, value)


# (case id, source file, mutation, whether sedata's schema layer accepts the result)
SAMPLES: list[tuple[str, str, Mutation | None, bool]] = [
    ("leap-day-2024", "operator-certificate-upload.json", _set(0, "issueDate", "2024-02-29"), True),
    ("leap-day-2000", "operator-certificate-upload.json", _set(0, "issueDate", "2000-02-29"), True),
    ("no-leap-day-1900", "operator-certificate-upload.json", _set(0, "issueDate", "1900-02-29"), False),
    ("no-leap-day-2023", "operator-certificate-upload.json", _set(0, "issueDate", "2023-02-29"), False),
    ("february-30", "operator-certificate-upload.json", _set(0, "issueDate", "2023-02-30"), False),
    ("april-31", "operator-certificate-upload.json", _set(1, "expiryDate", "2020-04-31"), False),
    ("year-0000", "operator-certificate-upload.json", _set(0, "issueDate", "0000-01-01"), False),
    ("datetime-leap-day", "accident-report.json", _set(0, "occurredAt", "2024-02-29T23:59:59+08:00"), True),
    ("datetime-no-leap-day", "accident-report.json", _set(0, "occurredAt", "2025-02-29T10:00:00+08:00"), False),
    ("datetime-hour-24", "accident-report.json", _set(0, "occurredAt", "2025-06-01T24:00:00+08:00"), False),
    ("final-newline", "inspection-upload.json", _set(0, "registrationCertNo", "梯41宁D00001(20)\n"), False),
    ("final-newline-date", "operator-certificate-upload.json", _set(0, "issueDate", "2024-04-18\n"), False),
    ("missing-mandatory", "inspection-upload.json", _drop(1, "inspectionNature"), False),
    ("unknown-code", "operator-certificate-upload.json", _set(0, "itemTable", "2099"), False),
    ("unknown-member", "operator-certificate-upload.json", _set(0, "remark", "x"), False),
    ("masked-without-profile", OPC, _set(0, "holderCitizenId", "350602********0371"), False),
    (
        "record-type-not-carried",
        "operator-certificate-upload.json",
        lambda doc: doc["records"][0].__setitem__("recordType", "Accident"),
        False,
    ),
    (
        "operation-in-snapshot",
        "operator-certificate-upload.json",
        lambda doc: doc["records"][0].__setitem__("operation", "upsert"),
        False,
    ),
]
IU = "inspection-upload.json"  # a change set: update, add, delete


def _wrapper(index: int, member: str, value: Any = None) -> Mutation:
    """Set (or, with None, drop) a member of the record wrapper."""

    def mutate(doc: dict[str, Any]) -> None:
        if value is None:
            doc["records"][index].pop(member)
        else:
            doc["records"][index][member] = value

    return mutate


SAMPLES += [
    ("snapshot-with-key", OPC, _wrapper(0, "recordKey", "350602198603140371"), True),
    ("change-without-version", IU, _wrapper(0, "recordVersion"), False),
    ("upsert-without-data", IU, _wrapper(1, "data"), False),
    ("delete-with-data", IU, lambda doc: doc["records"][2].__setitem__("data", doc["records"][1]["data"]), False),
    ("unknown-operation", IU, _wrapper(1, "operation", "bogus"), False),
]
# Masked samples: (case id, profile, masked example, mutation, accepted)
MASKED_SAMPLES: list[tuple[str, str, str, Mutation | None, bool]] = [
    ("share-as-publish", "share", OPC, _header("maskingProfile", "publish"), False),
    ("publish-as-share", "publish", OPC, _header("maskingProfile", "share"), False),
    ("share-unmasked-id", "share", OPC, _set(0, "holderCitizenId", "35060219860314037"), False),
    ("share-real-id", "share", OPC, _set(0, "holderCitizenId", "350602198603140371"), True),
    ("pseudonym-anywhere", "share", OPC, _set(0, "holderName", "P:A6ANXAZ4KDYAHHWA"), True),
]


def _instances(path: Path) -> list[tuple[str, Any]]:
    """The (exported schema file, instance) pairs a consumer validates for one message file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        doc = json.loads(text)
        return [(f"{message_class_name(doc['header']['messageType'])}.schema.json", doc)]
    first, *lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    cls = message_class_name(first["header"]["messageType"])
    # A JSON Lines reader picks the record schema of the profile the header line declares.
    profile = first["header"].get("maskingProfile")
    record = f"{cls}Record{masked_suffix(profile) if profile else ''}.schema.json"
    return [(f"{cls}HeaderLine.schema.json", first), *((record, line) for line in lines)]


def _cases(tmp: Path, masked_dir: Path) -> list[tuple[str, Path, bool | None]]:
    """Every file to judge: (id, path, the verdict the sample is built to have, None for the plain examples)."""
    out: list[tuple[str, Path, bool | None]] = []
    out += [(p.name, p, None) for p in sorted(MESSAGES.glob("*.json*"))]
    out += [(p.name, p, None) for p in sorted(masked_dir.glob("*.json*"))]
    for case, name, mutate, accepted in SAMPLES:
        doc = json.loads((MESSAGES / name).read_text(encoding="utf-8"))
        if mutate:
            mutate(doc)
        path = tmp / f"{case}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        out.append((case, path, accepted))
    for case, profile, name, mutate, accepted in MASKED_SAMPLES:
        doc = json.loads((masked_dir / f"{profile}-{name}").read_text(encoding="utf-8"))
        if mutate:
            mutate(doc)
        path = tmp / f"{case}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        out.append((case, path, accepted))
    # A JSON Lines file whose record line ends in a newline inside a value.
    lines = (MESSAGES / "inspection-upload.jsonl").read_text(encoding="utf-8").splitlines()
    second = json.loads(lines[1])
    second["data"]["registrationCertNo"] += "\n"
    lines[1] = json.dumps(second, ensure_ascii=False)
    path = tmp / "final-newline.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.append(("final-newline-jsonl", path, False))
    return out


@pytest.fixture(scope="module")
def judged(tmp_path_factory, masked_dir, exported_json, ajv) -> list[dict[str, Any]]:
    """Each case with sedata's verdict and those of Ajv, jsonschema-rs and python-jsonschema."""
    tmp = tmp_path_factory.mktemp("samples")
    cases = _cases(tmp, masked_dir)
    pairs = [(case, _instances(path)) for case, path, _ in cases]
    flat = [pair for _, instances in pairs for pair in instances]
    result = ajv(exported_json, flat)
    assert result["failures"] == {}, result["failures"]
    ajv_verdicts = iter(result["verdicts"])
    py = {name: jsonschema.Draft202012Validator(schema) for name, schema in exported_json.items()}
    rs = {name: jsonschema_rs.validator_for(schema) for name, schema in exported_json.items()}
    out = []
    for (case, path, built), (_, instances) in zip(cases, pairs, strict=True):
        sedata_ok, rules = sedata_schema_verdict(path)
        out.append(
            {
                "case": case,
                "built": built,
                "sedata": sedata_ok,
                "rules": rules,
                "ajv": all(next(ajv_verdicts)["valid"] for _ in instances),
                "python-jsonschema": all(py[name].is_valid(instance) for name, instance in instances),
                "jsonschema-rs": all(rs[name].is_valid(instance) for name, instance in instances),
            }
        )
    return out


def test_ajv_strict_compiles_every_exported_schema_and_every_definition(exported_json, ajv) -> None:
    bundle = exported_json["sedata.schema.json"]
    # Ajv compiles only what a schema reaches, so each definition of the bundle is also compiled on its own.
    result = ajv(exported_json, [], defs="sedata.schema.json")
    assert result["failures"] == {}
    assert len(result["compiled"]) == len(exported_json) + len(bundle["$defs"])


def test_python_jsonschema_and_jsonschema_rs_load_every_exported_file(exported_json) -> None:
    bundle = exported_json["sedata.schema.json"]
    jsonschema.Draft202012Validator.check_schema(bundle)
    assert jsonschema_rs.meta.is_valid(bundle)
    for name, schema in exported_json.items():
        # Every file carries the bundle's definitions (checked once above) under its own root.
        assert schema["$defs"] == bundle["$defs"], name
        jsonschema.Draft202012Validator.check_schema({k: v for k, v in schema.items() if k != "$defs"})
        jsonschema_rs.validator_for(schema)  # raises on a regex its engine cannot compile


def test_no_keyword_outside_the_2020_12_vocabularies(exported_json) -> None:
    """Metadata lives in $comment; an x-… keyword would stop strict validators."""
    text = json.dumps(exported_json)
    assert "x-sedata" not in text and '"format"' not in text


def test_every_validator_gives_sedatas_schema_verdict(judged) -> None:
    disagreements = [j for j in judged if not (j["sedata"] == j["ajv"] == j["python-jsonschema"] == j["jsonschema-rs"])]
    assert disagreements == []


def test_samples_have_the_verdict_they_were_built_for(judged) -> None:
    """Guards the agreement test against agreeing on nothing: the samples reach both verdicts."""
    wrong = [(j["case"], j["rules"]) for j in judged if j["built"] is not None and j["built"] != j["sedata"]]
    assert wrong == []
    plain = [j for j in judged if j["built"] is None]
    assert plain and all(j["sedata"] for j in plain), [(j["case"], j["rules"]) for j in plain if not j["sedata"]]
    assert sum(1 for j in judged if j["built"] is False) >= 15


@pytest.fixture(scope="module")
def missing_element(exported_json) -> tuple[dict[str, Any], dict[str, Any]]:
    doc = json.loads((MESSAGES / "inspection-upload.json").read_text(encoding="utf-8"))
    bad = copy.deepcopy(doc)
    del bad["records"][1]["data"]["inspectionNature"]
    return exported_json["InspectionUpload.schema.json"], bad


def test_ajv_first_error_is_the_missing_element(missing_element, ajv) -> None:
    schema, bad = missing_element
    result = ajv({"doc": schema}, [("doc", bad)])
    first = result["verdicts"][0]["first"]
    assert first["keyword"] == "required" and first["params"] == {"missingProperty": "inspectionNature"}
    assert first["instancePath"] == "/records/1/data"


def test_python_jsonschema_best_match_is_the_missing_element(missing_element) -> None:
    schema, bad = missing_element
    best = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(bad))
    assert best is not None
    assert best.validator == "required" and "'inspectionNature' is a required property" in best.message
    assert list(best.absolute_path) == ["records", 1, "data"]


def test_jsonschema_rs_reports_only_the_missing_element(missing_element) -> None:
    schema, bad = missing_element
    errors = list(jsonschema_rs.validator_for(schema).iter_errors(bad))
    assert errors and "inspectionNature" in errors[0].message
    assert list(errors[0].instance_path) == ["records", 1, "data"]
