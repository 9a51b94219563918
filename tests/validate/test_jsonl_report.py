"""``sedata validate --format jsonl``: one finding per line, the summary last, each line valid by its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.validate import validate_files
from sedata.validate.render import render
from sedata.validate.report import FindingStore, findings_in_memory

from .conftest import sample, write_sample

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "report-jsonl.schema.json").read_text("utf-8"))
runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *map(str, args)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("jsonl")
    return write_sample(tmp / "broken.jsonl", "inspection-upload", "jsonl", sample("inspection-upload", 400, 5, 0.2)[0])


def test_one_finding_a_line_and_the_summary_last(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.jsonl"
    with findings_in_memory(7):  # spilled, as a large run is
        code, _ = invoke(broken, "--format", "jsonl", "--out", out, "--today", "2026-12-01")
    assert code == 1
    got = lines(out)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for line in got:
        validator.validate(line)
    *found, summary = got
    assert summary["kind"] == "summary" and all(f["kind"] == "finding" for f in found)
    assert summary["summary"]["findings"] == len(found) > 7
    assert summary["valid"] is False and "findings" not in summary["files"][0]
    by_rule: dict[str, int] = {}
    for f in found:
        by_rule[f["rule"]] = by_rule.get(f["rule"], 0) + 1
    assert summary["summary"]["byRule"] == dict(sorted(by_rule.items()))
    # The same findings, in the same order, as the JSON report's.
    report = validate_files([broken], today=__import__("datetime").date(2026, 12, 1))
    assert [{k: v for k, v in f.items() if k != "kind"} for f in found] == [f.to_data() for f in report.findings]
    whole = json.loads(render(report, "json"))
    assert {k: v for k, v in summary.items() if k != "kind"} == {
        **whole,
        "files": [{k: v for k, v in f.items() if k != "findings"} for f in whole["files"]],
    }


def test_the_schema_refuses_what_is_no_line() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert list(validator.iter_errors({"kind": "finding", "rule": "SE-SCH-001"}))
    assert list(validator.iter_errors({"kind": "summary", "files": []}))
    assert list(validator.iter_errors({"kind": "other"}))


def test_max_errors_stops_and_the_summary_says_so(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.jsonl"
    with findings_in_memory(2):
        code, _ = invoke(broken, "-f", "jsonl", "-o", out, "--max-errors", "5", "--today", "2026-12-01")
    assert code == 1
    *found, summary = lines(out)
    assert sum(f["severity"] == "error" for f in found) == 5
    assert summary["files"][0]["stopped"] == "max-errors"
    assert summary["summary"]["bySeverity"]["error"] == 5 and summary["summary"]["findings"] == len(found)


def test_jsonl_to_standard_output(broken: Path) -> None:
    code, output = invoke(broken, "-f", "jsonl", "--today", "2026-12-01")
    assert code == 1
    *found, summary = [json.loads(line) for line in output.splitlines()]
    assert summary["kind"] == "summary" and summary["summary"]["findings"] == len(found) > 0


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif"])
def test_the_written_report_is_the_same_spilled_or_not(broken: Path, tmp_path: Path, fmt: str) -> None:
    kept, spilled = tmp_path / f"kept.{fmt}", tmp_path / f"spilled.{fmt}"
    code, _ = invoke(broken, "-f", fmt, "-o", kept, "--today", "2026-12-01", "--lang", "en")
    with findings_in_memory(3):
        again, _ = invoke(broken, "-f", fmt, "-o", spilled, "--today", "2026-12-01", "--lang", "en")
    assert code == again == 1
    assert spilled.read_bytes() == kept.read_bytes()


def test_text_summary_counts_a_spilled_store(broken: Path) -> None:
    with findings_in_memory(3):
        report = validate_files([broken], today=__import__("datetime").date(2026, 12, 1))
        assert isinstance(report.files[0].findings, FindingStore) and report.files[0].findings.spilled
        text = render(report, "text", "en")
    counts = report.by_severity()
    row = next(line for line in text.splitlines() if "broken.jsonl" in line and "│" in line)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    assert cells[2:6] == [str(report.files[0].records), str(counts["error"]), str(counts["warning"]), "0"]
    assert counts["error"] == sum(f.severity == "error" for f in report.findings) > 3
    report.close()
