"""``sedata conformance run`` through both engines: each must give the expected findings, and the same report.

A case whose engines disagree fails even when both meet the case's expectations (a message, a value or a
location differs); ``--engine row|columnar`` runs one engine only.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import sedata.columnar.engine as columnar
from sedata.cli.main import app
from sedata.conformance import Result, load, run_case
from sedata.validate.report import Text

SUITE = Path(__file__).resolve().parents[2] / "spec" / "conformance"
runner = CliRunner()


def _case(rule: str, fmt: str, kind: str = "positive") -> Any:
    return next(c for c in load(SUITE) if c.rule == rule and c.format == fmt and c.kind == kind)


@pytest.fixture
def columnar_drops_the_last_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """A columnar engine with a defect: it loses the last finding of every file."""
    real = columnar.run_records

    def broken(run: Any, progress: Any = None) -> None:
        real(run, progress)
        if run.report.findings:
            run.report.findings.pop()

    monkeypatch.setattr(columnar, "run_records", broken)


@pytest.fixture
def columnar_rewords_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A columnar engine with a subtler defect: right rules and places, another message."""
    real = columnar.run_records

    def reworded(run: Any, progress: Any = None) -> None:
        real(run, progress)
        run.report.findings[:] = [
            dataclasses.replace(f, message=Text(f.message.zh, f.message.en + "!")) for f in run.report.findings
        ]

    monkeypatch.setattr(columnar, "run_records", reworded)


@pytest.mark.parametrize("fmt", ["jsonl", "xml", "json"])
def test_a_case_passes_through_both_engines(fmt: str) -> None:
    outcome = run_case(_case("SE-SCH-002", fmt))
    assert outcome.passed, outcome.problems


@pytest.mark.usefixtures("columnar_drops_the_last_finding")
@pytest.mark.parametrize("fmt", ["jsonl", "xml", "json"])
def test_a_missing_finding_in_one_engine_fails_the_case_and_names_the_engine(fmt: str) -> None:
    case = _case("SE-SCH-002", fmt)
    outcome = run_case(case)
    assert not outcome.passed
    assert any(p.startswith("[columnar] missing SE-SCH-002") for p in outcome.problems), outcome.problems
    assert not any(p.startswith("[row]") for p in outcome.problems), outcome.problems
    assert any(p.startswith("engines differ at finding") for p in outcome.problems), outcome.problems
    assert run_case(case, engine="row").passed  # one engine only: the defect is not seen


@pytest.mark.usefixtures("columnar_rewords_messages")
def test_engines_that_meet_the_expectation_but_differ_fail() -> None:
    case = _case("SE-SCH-002", "jsonl")
    outcome = run_case(case)
    assert len(outcome.problems) == 1, outcome.problems
    assert outcome.problems[0].startswith("engines differ at finding 0: row SE-SCH-002")
    assert run_case(case, engine="columnar").passed  # its rules, indexes and pointers are right


@pytest.mark.usefixtures("columnar_drops_the_last_finding")
def test_the_cli_reports_the_differing_case_and_exits_1(tmp_path: Path) -> None:
    case = _case("SE-SCH-002", "jsonl")
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / case.file.name).write_bytes(case.file.read_bytes())
    entry = next(c for c in yaml.safe_load((SUITE / "cases.yaml").read_text("utf-8"))["cases"] if c["id"] == case.id)
    (suite / "cases.yaml").write_text(yaml.safe_dump({"cases": [{**entry, "file": case.file.name}]}), "utf-8")
    both = runner.invoke(app, ["conformance", "run", "--suite", str(suite)])
    assert both.exit_code == 1, both.output
    assert f"FAIL {case.id}" in both.output and "engines differ" in both.output
    row = runner.invoke(app, ["conformance", "run", "--suite", str(suite), "--engine", "row"])
    assert row.exit_code == 0, row.output
    assert "1 passed, 0 failed" in row.output


def test_an_unknown_engine_is_a_usage_error() -> None:
    result = runner.invoke(app, ["conformance", "run", "--engine", "fast"])
    assert result.exit_code == 2
    assert "fast" in result.output


def test_the_whole_suite_passes_through_the_columnar_engine_too(suite_through_both_engines: Result) -> None:
    """The columnar engine meets every case: in the run through both engines a case passes only when each engine
    meets it on its own (a miss of one is reported as ``[columnar] …``) and the two agree."""
    result = suite_through_both_engines
    assert not [p for o in result.outcomes for p in o.problems if p.startswith("[columnar]")]
    assert result.failed == 0, [(o.case.id, o.problems) for o in result.outcomes if not o.passed]
    assert result.passed == len(load(SUITE))
