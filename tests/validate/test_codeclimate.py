"""``--format codeclimate``: GitLab Code Quality issues with the fields the Code Climate spec requires."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import yaml
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.validate import validate_files
from sedata.validate.render import render

SUITE = Path(__file__).resolve().parents[2] / "spec" / "conformance"

# The issue fields of the Code Climate engine spec (SPEC.md, "Issues") that GitLab's Code Quality reads:
# description, check_name, fingerprint, severity, location.path, location.lines.begin.
ISSUE = {
    "type": "object",
    "required": ["type", "check_name", "description", "categories", "location", "severity", "fingerprint"],
    "properties": {
        "type": {"const": "issue"},
        "check_name": {"type": "string", "pattern": r"^SE-[A-Z]{3}-\d{3}$"},
        "description": {"type": "string", "minLength": 1},
        "categories": {
            "type": "array",
            "minItems": 1,
            "items": {
                "enum": [
                    "Bug Risk",
                    "Clarity",
                    "Compatibility",
                    "Complexity",
                    "Duplication",
                    "Performance",
                    "Security",
                    "Style",
                ]
            },
        },
        "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
        "fingerprint": {"type": "string", "minLength": 1},
        "location": {
            "type": "object",
            "required": ["path", "lines"],
            "properties": {
                "path": {"type": "string", "minLength": 1},
                "lines": {
                    "type": "object",
                    "required": ["begin"],
                    "properties": {"begin": {"type": "integer", "minimum": 1}},
                },
            },
        },
    },
}


def _case(case_id: str) -> tuple[Path, dt.date]:
    cases = yaml.safe_load((SUITE / "cases.yaml").read_text("utf-8"))["cases"]
    case = next(c for c in cases if c["id"] == case_id)
    return SUITE / case["file"], dt.date.fromisoformat(str(case["today"]))


def test_issues_have_the_code_climate_fields(tmp_path: Path, monkeypatch) -> None:
    source, today = _case("SE-COD-001-fires-xml")
    target = tmp_path / "upload.xml"
    target.write_bytes(source.read_bytes())
    monkeypatch.chdir(tmp_path)
    report = validate_files([Path("upload.xml")], today=today)
    issues = json.loads(render(report, "codeclimate", "zh"))
    assert [i["check_name"] for i in issues] == [f.rule for f in report.findings]
    assert "SE-COD-001" in {i["check_name"] for i in issues}
    for issue, finding in zip(issues, report.findings, strict=True):
        jsonschema.validate(issue, ISSUE)
        assert issue["location"] == {"path": "upload.xml", "lines": {"begin": finding.line}}
        assert finding.message.zh in issue["description"]
        assert issue["severity"] == {"error": "major", "warning": "minor", "info": "info"}[finding.severity]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    english = json.loads(render(report, "codeclimate", "en"))
    assert report.findings[0].message.en in english[0]["description"]


def test_fingerprints_survive_an_edit_above_the_finding(tmp_path: Path, monkeypatch) -> None:
    source, today = _case("SE-COD-001-fires-xml")
    text = source.read_text("utf-8")
    declaration, rest = text.split("\n", 1)
    monkeypatch.chdir(tmp_path)
    Path("upload.xml").write_text(text, encoding="utf-8")
    before = json.loads(render(validate_files([Path("upload.xml")], today=today), "codeclimate"))
    Path("upload.xml").write_text(f"{declaration}\n<!-- re-exported -->\n{rest}", encoding="utf-8")
    after = json.loads(render(validate_files([Path("upload.xml")], today=today), "codeclimate"))
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    assert [i["location"]["lines"]["begin"] + 1 for i in before] == [i["location"]["lines"]["begin"] for i in after]


def test_cli_writes_a_code_quality_report(tmp_path: Path) -> None:
    source, today = _case("SE-COD-001-fires-json")
    out = tmp_path / "gl-code-quality-report.json"
    result = CliRunner().invoke(
        app, ["validate", str(source), "--format", "codeclimate", "--out", str(out), "--today", today.isoformat()]
    )
    assert result.exit_code == 1, result.output
    issues = json.loads(out.read_text("utf-8"))
    assert issues and all(i["location"]["lines"]["begin"] == 1 for i in issues)  # JSON documents have no lines
    assert {i["check_name"] for i in issues} >= {"SE-COD-001"}
