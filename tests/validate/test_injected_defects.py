"""A sample file with injected defects yields exactly those findings, located, in JSON, JSON Lines and XML.

Defect kinds map to rules as follows (see sedata/validate/layers/schema.py): missing-mandatory → SE-SCH-001,
pattern → SE-SCH-002, unknown-code → SE-COD-001, checksum → SE-COD-002, impossible-date → SE-SCH-002 (a
text value outside the YYYY-MM-DD representation; SE-SCH-003 is for a value of the wrong JSON type).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sedata.sample.generator import DEFECT_KINDS
from sedata.validate import FileReport, Finding, validate_file, validate_files
from sedata.validate.render import render
from sedata.validate.render.json import load

from .conftest import EXTENSION, FORMATS, MESSAGE_TYPES, SPEC, sample, write_sample

RULE_OF_DEFECT = {
    "missing-mandatory": "SE-SCH-001",
    "pattern": "SE-SCH-002",
    "unknown-code": "SE-COD-001",
    "checksum": "SE-COD-002",
    "impossible-date": "SE-SCH-002",
}
COUNT, SEED, RATE = 300, 1, 0.05
# Clean samples raise nothing at all: no errors and no warnings.
TOLERATED_WARNINGS: set[str] = set()


def _element_id(record_type: str, field: str) -> str:
    entity = SPEC.entities[record_type]
    f = next(f for f in entity.fields if SPEC.field_exchange_name(f) == field)
    assert f.element is not None
    return f.element


def _errors(report: FileReport) -> list[Finding]:
    return [f for f in report.findings if f.severity == "error"]


def _check_line(path: Path, fmt: str, finding: Finding, field: str, kind: str, value: object) -> None:
    """The finding's line is the record's own line in the file."""
    if fmt == "json":
        assert finding.line is None  # a JSON document has no line per record; the pointer locates it
        return
    assert finding.line is not None
    text = path.read_text("utf-8").splitlines()[finding.line - 1]
    if fmt == "xml":
        assert text.lstrip().startswith(f"<{finding.record_type}")
        return
    data = json.loads(text)["data"]
    assert json.loads(text)["recordType"] == finding.record_type
    if kind == "missing-mandatory":
        assert field not in data
    else:
        assert data[field] == value


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_exactly_the_injected_defects_are_found_in_every_format(message_type: str, tmp_path: Path) -> None:
    records, defects = sample(message_type, COUNT, SEED, RATE)
    assert defects, "the sample must carry defects for this test to mean anything"
    expected = {(d.index, RULE_OF_DEFECT[d.kind], d.record_type, d.field) for d in defects}
    by_index = {d.index: d for d in defects}
    seen: dict[str, list[tuple[int | None, str, str | None, str | None]]] = {}
    for fmt in FORMATS:
        path = write_sample(tmp_path / f"{message_type}{EXTENSION[fmt]}", message_type, fmt, records)
        report = validate_file(path)
        assert report.format == fmt and report.records == COUNT and report.stopped is None
        errors = _errors(report)
        found = {(f.index, f.rule, f.record_type, f.element.field if f.element else None) for f in errors}
        assert found == expected
        assert len(errors) == len(defects)  # one finding per defect, never two
        for f in errors:
            assert f.index is not None and f.element is not None
            defect = by_index[f.index]
            assert f.element.id == _element_id(defect.record_type, defect.field)
            assert f.pointer == f"/records/{defect.index}/data/{defect.field}"
            assert f.element.name.zh and f.element.name.en
            assert f.key is not None  # the business key locates the record in spec terms too
            _check_line(path, fmt, f, defect.field, defect.kind, defect.value)
        others = {f.rule for f in report.findings if f.severity != "error"}
        assert others <= TOLERATED_WARNINGS
        seen[fmt] = [(f.index, f.rule, f.pointer, f.message.zh) for f in report.findings]
    # Identical findings (rule ids, records, pointers, messages) whatever the format.
    assert seen["json"] == seen["jsonl"] == seen["xml"]


def test_the_samples_cover_every_defect_kind() -> None:
    kinds = Counter(d.kind for m in MESSAGE_TYPES for d in sample(m, COUNT, SEED, RATE)[1])
    assert set(kinds) == set(DEFECT_KINDS)


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_rendered_reports_carry_the_same_rule_ids(message_type: str, tmp_path: Path) -> None:
    from lxml import etree

    records, defects = sample(message_type, COUNT, SEED, RATE)
    paths = [write_sample(tmp_path / f"m{EXTENSION[fmt]}", message_type, fmt, records) for fmt in ("json", "xml")]
    # Each file in a run of its own (they hold the same records, which one run reports as SE-XRF-001), in one report.
    report = validate_files(paths[:1])
    report.files += validate_files(paths[1:]).files
    wanted = Counter(f.rule for f in report.findings)
    from_json = Counter(f.rule for f in load(render(report, "json")).findings)
    sarif = json.loads(render(report, "sarif"))
    from_sarif = Counter(r["ruleId"] for r in sarif["runs"][0]["results"])
    assert from_json == wanted == from_sarif
    junit = etree.fromstring(render(report, "junit").encode("utf-8"))
    failed = {case.get("name").split()[0] for case in junit.iter("testcase") if case.find("failure") is not None}
    assert failed == {RULE_OF_DEFECT[d.kind] for d in defects}


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_clean_samples_have_no_errors(message_type: str, tmp_path: Path) -> None:
    records, defects = sample(message_type, 200, 9, 0.0)
    assert defects == ()
    for fmt in FORMATS:
        report = validate_file(write_sample(tmp_path / f"c{EXTENSION[fmt]}", message_type, fmt, records))
        assert _errors(report) == []
        assert report.valid
        warned = {f.rule for f in report.findings}
        assert warned <= TOLERATED_WARNINGS
        for rule in warned:
            assert SPEC.rules[rule].status == "PARTIAL" and SPEC.rules[rule].severity == "warning"
        # Only registration-certificate numbers draw them (their variety digits against the catalogue).
        assert {f.element.id for f in report.findings if f.element} <= {"SE.EQP.0003"}
