"""Renderers: JSON round-trips, JUnit has one test case per rule per file, SARIF has the 2.1.0 structure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from sedata.exchange import convert
from sedata.validate import Report, validate_files
from sedata.validate.render import FORMATS, render
from sedata.validate.render.json import load

from .conftest import SPEC, doubtful, sample, write_sample

# The official OASIS SARIF 2.1.0 schema (tests/validate/data/README.md says where it comes from).
SARIF_SCHEMA: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Two files with defects (JSON Lines and XML), one with a warning only, and one that cannot be read."""
    tmp = tmp_path_factory.mktemp("render")
    records = sample("inspection-upload", 300, 1, 0.05)[0]
    paths = [
        write_sample(tmp / "上传.jsonl", "inspection-upload", "jsonl", records),
        write_sample(tmp / "upload.xml", "inspection-upload", "xml", records),
        doubtful(tmp),
        tmp / "missing.json",
    ]
    return validate_files(paths)


def test_json_round_trips(report: Report) -> None:
    text = render(report, "json")
    again = load(text)
    assert again == report
    assert render(again, "json") == text
    data = json.loads(text)
    assert data["valid"] is False and data["summary"]["findings"] == len(report.findings)
    assert data["files"][3]["stopped"] == "unreadable"
    first = data["files"][0]["findings"][0]
    assert set(first) == {
        "rule",
        "severity",
        "layer",
        "file",
        "line",
        "column",
        "pointer",
        "index",
        "recordType",
        "key",
        "element",
        "value",
        "expected",
        "message",
    }


def test_junit_has_one_test_case_per_rule_per_file(report: Report) -> None:
    root = etree.fromstring(render(report, "junit").encode("utf-8"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f.file for f in report.files]
    total_failures = 0
    for suite, fr in zip(suites, report.files, strict=True):
        cases = suite.findall("testcase")
        assert sorted(c.get("name").split()[0] for c in cases) == sorted(SPEC.rules)
        failed = {c.get("name").split()[0] for c in cases if c.find("failure") is not None}
        assert failed == {f.rule for f in fr.findings if f.severity == "error"}
        skipped = {c.get("name").split()[0] for c in cases if c.find("skipped") is not None}
        assert skipped == set(fr.not_checked)
        assert int(suite.get("tests")) == len(SPEC.rules)
        assert int(suite.get("failures")) == len(failed) and int(suite.get("skipped")) == len(skipped)
        total_failures += len(failed)
        for case in cases:
            failure = case.find("failure")
            if failure is not None:
                rule = case.get("name").split()[0]
                assert failure.get("type") == rule
                assert len(failure.text.splitlines()) == sum(1 for f in fr.findings if f.rule == rule)
    assert int(root.get("failures")) == total_failures
    # Warnings below --fail-on are listed, not failed.
    cod3 = next(c for c in suites[2].findall("testcase") if c.get("name").startswith("SE-COD-003"))
    assert cod3.find("failure") is None and cod3.find("system-out") is not None


def test_junit_in_english(report: Report) -> None:
    root = etree.fromstring(render(report, "junit", "en").encode("utf-8"))
    names = {c.get("name") for c in root.iter("testcase")}
    assert "SE-SCH-001 Mandatory element missing" in names


def test_sarif_has_the_2_1_0_structure(report: Report) -> None:
    log = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(SPEC.rules)
    for r in rules:
        spec_rule = SPEC.rules[r["id"]]
        assert r["shortDescription"]["text"] == spec_rule.name.zh
        assert spec_rule.name.en in r["help"]["text"] and "{" not in r["fullDescription"]["text"]
        assert r["name"].isidentifier()
    artifacts = [a["location"]["uri"] for a in run["artifacts"]]
    assert len(artifacts) == 4 and "%E4%B8%8A%E4%BC%A0.jsonl" in artifacts[0]  # non-ASCII names %-escaped
    assert len(run["results"]) == len(report.findings)
    for result, finding in zip(run["results"], report.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity]
        assert result["message"]["text"] == finding.message.zh
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert artifacts[physical["artifactLocation"]["index"]] == physical["artifactLocation"]["uri"]
        if finding.line is not None:
            assert physical["region"]["startLine"] == finding.line
        if finding.pointer is not None:
            (logical,) = location["logicalLocations"]
            assert logical["fullyQualifiedName"] == finding.pointer
            if finding.element is not None:
                assert logical["name"] == finding.element.id
    assert run["invocations"][0]["exitCode"] == 2  # one file could not be read


def test_text_groups_by_file_and_rule_and_summarises(report: Report) -> None:
    zh = render(report, "text")
    en = render(report, "text", "en")
    for fr in report.files:
        assert fr.file in zh
    assert "必填数据元缺失" in zh and "汇总" in zh and "合计" in zh
    assert "Mandatory element missing" in en and "summary" in en and "必填数据元缺失" not in en
    # Each rule heading once per file that has findings of it.
    assert zh.count("SE-SCH-001 必填数据元缺失") == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_run(fmt: str, tmp_path: Path) -> None:
    records = sample("accident-report", 3, 2, 0.0)[0]
    clean = validate_files([write_sample(tmp_path / "a.json", "accident-report", "json", records)])
    assert clean.valid and clean.findings == []
    assert render(clean, fmt).strip()


def test_text_says_reasons_shared_by_every_file_once(tmp_path: Path) -> None:
    records = sample("inspection-upload", 6, 11, 0.0)[0]
    first = write_sample(tmp_path / "a.jsonl", "inspection-upload", "jsonl", records)
    again = tmp_path / "a.xml"
    convert(first, again)  # the same package: its cross-file reason is its own
    text = render(validate_files([first, again]), "text", "en")
    no_ledger = "no --ledger given"
    assert text.count(no_ledger) == 1 and text.index(no_ledger) > text.index("summary")
    own = "the same package as"
    assert text.count(own) == 1 and text.index(own) < text.index("summary")
