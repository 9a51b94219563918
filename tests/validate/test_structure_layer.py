"""Structure findings the sample defects do not produce: envelope rules, unknown members, wrong types."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sedata import exchange as X
from sedata.validate import Finding, Text, validate_file

from .conftest import SPEC, envelope, sample, write_jsonl


def _one(findings: list[Finding], rule: str) -> Finding:
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, [f.rule for f in findings]
    return matching[0]


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _edited(records: tuple[X.Record, ...], index: int, **changes: Any) -> list[dict[str, Any]]:
    envs = [envelope(r) for r in records]
    env = copy.deepcopy(envs[index])
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    envs[index] = env
    return envs


def test_a_record_type_the_message_does_not_carry_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    certs = sample("operator-certificate-upload", 3, 2, 0.0)[0]
    equipment = sample("inspection-upload", 1, 2, 0.0)[0][0]
    envs = [envelope(certs[0]), envelope(equipment), envelope(certs[1]), envelope(certs[2])]
    envs[2]["data"].pop("holderName")  # a later record is still validated
    path = write_jsonl(tmp_path / "m.jsonl", envs, message_type="operator-certificate-upload")
    report = validate_file(path)
    wrong = _one(report.findings, "SE-SCH-005")
    assert (wrong.index, wrong.line, wrong.value, wrong.pointer) == (1, 3, "Equipment", "/records/1/recordType")
    message = SPEC.messages["operator-certificate-upload"].name
    assert wrong.expected == Text(message.zh, message.en)
    assert message.zh in wrong.message.zh and "Equipment" in wrong.message.en
    assert wrong.element is not None and wrong.element.id == "SE.MSG.0012"
    missing = _one(report.findings, "SE-SCH-001")
    assert (missing.index, missing.element and missing.element.field) == (2, "holderName")
    assert report.records == 4 and report.stopped is None
    assert {f.rule for f in _errors(report.findings)} == {"SE-SCH-005", "SE-SCH-001"}


def test_change_set_attributes_that_do_not_fit_the_mode(tmp_path: Path) -> None:
    records = sample("inspection-upload", 4, 3, 0.0)[0]
    envs = _edited(records, 1, recordVersion=None)
    path = write_jsonl(tmp_path / "c.jsonl", envs)
    finding = _one(validate_file(path).findings, "SE-SCH-006")
    assert (finding.index, finding.pointer) == (1, "/records/1")
    assert "recordVersion" in finding.message.zh and "recordVersion" in finding.message.en

    snapshot = [{k: v for k, v in envelope(r).items() if k in ("recordType", "data")} for r in records[:2]]
    snapshot[1]["operation"] = "add"  # a snapshot's records name no operation
    path = write_jsonl(tmp_path / "s.jsonl", snapshot, mode="snapshot")
    finding = _one(validate_file(path).findings, "SE-SCH-006")
    assert finding.index == 1 and "operation" in finding.message.en


def test_a_record_key_that_disagrees_with_the_data(tmp_path: Path) -> None:
    records = sample("inspection-upload", 3, 3, 0.0)[0]
    path = write_jsonl(tmp_path / "k.jsonl", _edited(records, 0, recordKey="311010523201500318"))
    finding = _one(validate_file(path).findings, "SE-SCH-007")
    assert (finding.index, finding.pointer, finding.value) == (0, "/records/0/recordKey", "311010523201500318")
    assert finding.expected is not None and finding.expected.zh == records[0].key


def test_unknown_members_and_wrong_types_are_named_in_spec_terms(tmp_path: Path) -> None:
    accident = envelope(sample("accident-report", 1, 4, 0.0)[0][0])
    accident["data"]["deaths"] = "3"
    accident["data"]["colour"] = "red"
    accident["data"]["occurredAt"] = 20200101
    licence = envelope(sample("licence-information", 1, 4, 0.0)[0][0])
    licence["data"]["scope"][0]["bogus"] = "x"
    licence["data"]["scope"].append("not an object")
    path = write_jsonl(tmp_path / "a.jsonl", [accident], message_type="accident-report")
    findings = validate_file(path).findings
    deaths = next(f for f in findings if f.pointer == "/records/0/data/deaths")
    assert deaths.rule == "SE-SCH-003" and deaths.value == '"3"'
    assert deaths.expected is not None and deaths.expected.zh.startswith("integer")
    assert deaths.element is not None and deaths.element.name.zh == "死亡人数"
    date = next(f for f in findings if f.pointer == "/records/0/data/occurredAt")
    assert date.rule == "SE-SCH-003" and date.value == "20200101"
    unknown = _one(findings, "SE-SCH-004")
    assert (unknown.value, unknown.pointer, unknown.element) == ("colour", "/records/0/data/colour", None)
    name = SPEC.entities["Accident"].name
    assert unknown.expected == Text(name.zh, name.en)
    assert unknown.message.zh == f"“colour”不是{name.zh}的数据元"

    path = write_jsonl(tmp_path / "l.jsonl", [licence], message_type="licence-information")
    findings = validate_file(path).findings
    nested = _one(findings, "SE-SCH-004")
    assert nested.pointer == "/records/0/data/scope/0/bogus"
    name = SPEC.entities["LicenceScope"].name
    assert nested.expected == Text(name.zh, name.en)
    wrong = _one(findings, "SE-SCH-003")
    assert wrong.pointer == "/records/0/data/scope/1"
    assert wrong.element is not None and wrong.element.id == "LicenceScope"


def test_null_for_a_mandatory_element_is_missing_and_max_errors_stops(tmp_path: Path) -> None:
    records = sample("operator-certificate-upload", 10, 5, 0.0)[0]
    envs = [envelope(r) for r in records]
    for env in envs:
        env["data"]["issueDate"] = None
    path = write_jsonl(tmp_path / "n.jsonl", envs, message_type="operator-certificate-upload")
    report = validate_file(path)
    assert [f.rule for f in _errors(report.findings)] == ["SE-SCH-001"] * 10
    stopped = validate_file(path, max_errors=3)
    assert len(stopped.findings) == 3 and stopped.stopped == "max-errors"
    assert stopped.records == 3
    # Unchecked for the rest of the file: everything that did not fire, count and digest included.
    assert "SE-SYN-009" in stopped.not_checked and "SE-SCH-001" not in stopped.not_checked
