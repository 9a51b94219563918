"""SARIF and JUnit as CI services take them (issue 12): official schemas, regions everywhere, limits honoured.

The SARIF output is validated against the official OASIS SARIF 2.1.0 schema and the JUnit output
against the common Jenkins junit-10.xsd (both in tests/validate/data, with their origin and licence).
Findings point at the line of the field itself in pretty-printed JSON and XML, and carry a column in
JSON and JSON Lines.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from sedata.validate import Report, validate_files
from sedata.validate.render import render, sarif
from sedata.validate.render.sarif import description

from .conftest import SPEC, doubtful

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "messages"
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text("utf-8"))
JUNIT_XSD = etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd")))
BAD_UNIT = "91350602687503279X"  # a unit code with a wrong check character (SE-COD-002)
BAD_KIND = "定其检验"  # not in inspection-kind (SE-COD-001)
BAD_SENDER = "123506004885497332"  # the sender's USCC with a wrong check character


def _pretty_json(tmp: Path) -> Path:
    doc = json.loads((EXAMPLES / "inspection-upload.json").read_text("utf-8"))
    doc["header"]["sender"] = BAD_SENDER
    doc["header"]["recordCount"] = 4  # SE-SYN-008 on a header field
    doc["records"][0]["data"]["userUnitCode"] = BAD_UNIT
    doc["records"][1]["data"]["inspectionKind"] = BAD_KIND
    path = tmp / "pretty.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    return path


def _pretty_xml(tmp: Path) -> Path:
    text = (EXAMPLES / "inspection-upload.xml").read_text("utf-8")
    text = text.replace("<userUnitCode>913506026875032799<", f"<userUnitCode>{BAD_UNIT}<")
    text = text.replace("<inspectionKind>定期检验<", f"<inspectionKind>{BAD_KIND}<")
    text = text.replace("<sender>123506004885497331<", f"<sender>{BAD_SENDER}<")
    text = text.replace("<recordCount>3<", "<recordCount>4<")
    path = tmp / "pretty.xml"
    path.write_text(re.sub(r"><", ">\n  <", text), "utf-8")
    return path


def _jsonl(tmp: Path) -> Path:
    text = (EXAMPLES / "inspection-upload.jsonl").read_text("utf-8")
    text = text.replace('"userUnitCode":"913506026875032799"', f'"userUnitCode":"{BAD_UNIT}"')
    text = text.replace('"inspectionKind":"定期检验"', f'"inspectionKind":"{BAD_KIND}"')
    text = text.replace('"sender":"123506004885497331"', f'"sender":"{BAD_SENDER}"')
    text = text.replace('"recordCount":3', '"recordCount":4')
    path = tmp / "lines.jsonl"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("ci")
    return [_pretty_json(tmp), _pretty_xml(tmp), _jsonl(tmp)]


@pytest.fixture(scope="module")
def report(files: list[Path]) -> Report:
    return validate_files(files)


def _where(path: Path, needle: str) -> tuple[int, int]:
    """Line and column (code points, from 1) of the first occurrence of ``needle`` in the file."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_the_fixtures_raise_the_findings(report: Report) -> None:
    for fr in report.files:
        rules = {f.rule for f in fr.findings}
        assert {"SE-COD-001", "SE-COD-002", "SE-SYN-008"} <= rules, fr.file


@pytest.mark.parametrize(
    ("field", "needle"),
    [
        ("userUnitCode", "userUnitCode"),
        ("inspectionKind", "inspectionKind"),
        ("sender", "sender"),
        ("recordCount", "recordCount"),
    ],
)
def test_findings_point_at_the_field_itself(report: Report, files: list[Path], field: str, needle: str) -> None:
    for path, fr in zip(files, report.files, strict=True):
        (finding,) = [f for f in fr.findings if f.element is not None and f.element.field == field]
        quote = "<" if path.suffix == ".xml" else '"'
        line, column = _where(path, quote + needle + (">" if quote == "<" else '"'))
        assert finding.line == line, (path.name, field)
        if path.suffix == ".xml":
            assert finding.column is None  # lxml gives no columns
        else:
            assert finding.column == column, (path.name, field)


def test_pretty_xml_field_is_not_the_record_line(report: Report, files: list[Path]) -> None:
    xml = report.files[1]
    (unit,) = [f for f in xml.findings if f.element is not None and f.element.field == "userUnitCode"]
    record_line = _where(files[1], "<Equipment ")[0]
    assert unit.line == _where(files[1], "<userUnitCode>")[0] > record_line + 10


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sarif_is_valid_and_every_placed_result_has_a_region(report: Report, lang: str) -> None:
    log = json.loads(render(report, "sarif", lang))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    (run,) = log["runs"]
    assert run["tool"]["driver"]["informationUri"]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert len(run["results"]) == len(report.findings) > 0
    for result, finding in zip(run["results"], report.findings, strict=True):
        region = result["locations"][0]["physicalLocation"]["region"]  # GitHub's GH1003: every result
        if finding.pointer is not None or finding.index is not None:
            assert region["startLine"] == finding.line and not result["properties"]["wholeFile"]
        else:
            assert region == {"startLine": finding.line or 1}
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"][sarif.FINGERPRINT])


def test_rule_descriptions_are_words(report: Report) -> None:
    for lang in ("zh", "en"):
        log = json.loads(render(report, "sarif", lang))
        for rule in log["runs"][0]["tool"]["driver"]["rules"]:
            text = rule["fullDescription"]["text"]
            assert "{" not in text and "}" not in text, rule["id"]
    words = description(SPEC.rules["SE-COD-001"])
    assert "〈值〉" in words.zh and "<value>" in words.en


def test_fingerprints_survive_a_record_inserted_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = json.loads((EXAMPLES / "inspection-upload.json").read_text("utf-8"))
    doc["records"][1]["data"]["inspectionKind"] = BAD_KIND

    def prints() -> dict[str, str]:
        Path("a.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        log = json.loads(render(validate_files([Path("a.json")]), "sarif"))
        return {
            r["ruleId"]: r["partialFingerprints"][sarif.FINGERPRINT]
            for r in log["runs"][0]["results"]
            if r["ruleId"] == "SE-COD-001"
        }

    before = prints()
    delete = {"recordType": "Inspection", "operation": "delete", "recordKey": "ZZ2026WTJ00099", "recordVersion": 2}
    doc["records"].insert(0, delete)
    after = prints()
    assert before and before == after
    doc["records"][2]["data"]["inspectionKind"] = "另一个错"  # another value, same place: same finding
    assert prints() == before


def test_unreadable_input_is_not_a_successful_execution(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    report = validate_files([doubtful(tmp_path), missing])
    log = json.loads(render(report, "sarif", "en"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "SE-SYN-001")
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert result["properties"]["wholeFile"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "missing.json" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == 1


def test_github_limits_are_kept_with_a_note(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    total = len(report.findings)
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    log = json.loads(render(report, "sarif", "en"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    run = log["runs"][0]
    assert len(run["results"]) == 3
    note = run["invocations"][0]["toolExecutionNotifications"][-1]
    assert f"first 3 of {total}" in note["message"]["text"] and note["level"] == "warning"

    monkeypatch.setattr(sarif, "MAX_RESULTS", 25_000)
    full = render(report, "sarif", "en")
    limit = len(gzip.compress(full.encode("utf-8"))) - 200  # a little less than the whole log needs
    monkeypatch.setattr(sarif, "MAX_GZIPPED", limit)
    text = render(report, "sarif", "en")
    assert len(gzip.compress(text.encode("utf-8"), compresslevel=6)) <= limit
    shown = json.loads(text)["runs"][0]
    assert 0 < len(shown["results"]) < total
    assert "too many results" in shown["invocations"][0]["toolExecutionNotifications"][-1]["message"]["text"]


def _junit(report: Report, lang: str) -> Any:
    return etree.fromstring(render(report, "junit", lang).encode("utf-8"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_junit_is_valid_against_junit_10_xsd(report: Report, lang: str, tmp_path: Path) -> None:
    root = _junit(report, lang)
    assert JUNIT_XSD.validate(root), JUNIT_XSD.error_log
    empty = _junit(validate_files([]), lang)
    assert JUNIT_XSD.validate(empty), JUNIT_XSD.error_log
    unreadable = _junit(validate_files([tmp_path / "missing.xml"]), lang)
    assert JUNIT_XSD.validate(unreadable), JUNIT_XSD.error_log


def test_junit_shows_warnings_below_fail_on(tmp_path: Path) -> None:
    report = validate_files([doubtful(tmp_path)])
    assert {f.severity for f in report.findings} == {"warning"}
    root = _junit(report, "en")
    assert JUNIT_XSD.validate(root), JUNIT_XSD.error_log
    suite = root.find("testsuite")
    assert suite.get("failures") == "0"
    summary = suite.find("system-out")
    assert summary is not None and "SE-COD-003 warning × 1" in summary.text
    case = next(c for c in suite.iter("testcase") if c.get("name").startswith("SE-COD-003"))
    assert case.find("system-out").text.strip()
