"""``sedata validate``: exit codes 0 / 1 / 2, every format to stdout or --out, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli import validate_cmd
from sedata.cli.main import app
from sedata.validate import validate_files

from .conftest import doubtful, sample, write_sample

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *map(str, args)])
    output = result.output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, output


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write_sample(tmp_path / "clean.json", "accident-report", "json", sample("accident-report", 20, 2, 0.0)[0])


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    records = sample("inspection-upload", 300, 1, 0.05)[0]
    return write_sample(tmp_path / "broken.xml", "inspection-upload", "xml", records)


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    """A real example with one SE-COD-003 warning (an UNCONFIRMED certificate category character)."""
    return doubtful(tmp_path)


def test_clean_file_exits_0(clean: Path) -> None:
    code, out = invoke(clean)
    assert code == 0
    assert "通过" in out and "未发现问题" in out


def test_findings_exit_1_and_fail_on_sets_the_threshold(broken: Path, warned: Path) -> None:
    assert invoke(broken)[0] == 1
    assert invoke(warned)[0] == 0
    code, out = invoke(warned, "--fail-on", "warning", "--lang", "en")
    assert code == 1 and "Doubtful identifier" in out
    assert invoke(warned, "--fail-on", "info")[0] == 1


def test_an_unreadable_file_exits_2_and_is_reported(clean: Path, tmp_path: Path) -> None:
    code, out = invoke(clean, tmp_path / "nope.jsonl", "--format", "json")
    assert code == 2
    report = json.loads(out)
    assert [f["rule"] for f in report["files"][1]["findings"]] == ["SE-SYN-001"]
    assert report["files"][0]["valid"] is True


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "pdf"),
        ("--lang", "fr"),
        ("--fail-on", "fatal"),
        ("--max-errors", "0"),
        (),
    ],
)
def test_usage_errors_exit_2(clean: Path, args: tuple[str, ...]) -> None:
    code, _ = invoke(*((clean, *args) if args else ()))
    assert code == 2


@pytest.mark.parametrize(
    ("fmt", "check"), [("json", "{"), ("junit", "<testsuites"), ("sarif", '"2.1.0"'), ("text", "SE-")]
)
def test_every_format_to_a_file(broken: Path, tmp_path: Path, fmt: str, check: str) -> None:
    out = tmp_path / f"report.{fmt}"
    code, printed = invoke(broken, "--format", fmt, "--out", out)
    assert code == 1 and printed == ""
    assert check in out.read_text("utf-8")


def test_max_errors_stops_each_file(broken: Path) -> None:
    code, out = invoke(broken, "--max-errors", "2", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["files"][0]["counts"]["bySeverity"]["error"] == 2
    assert data["files"][0]["stopped"] == "max-errors"


def test_a_report_that_cannot_be_written_exits_2(broken: Path, tmp_path: Path) -> None:
    code, out = invoke(broken, "--format", "json", "--out", tmp_path / "no-dir" / "r.json")
    assert code == 2 and "无法写入" in out and "cannot write" in out and "no-dir" in out


def test_today_option_sets_the_date_business_rules_compare_with(clean: Path) -> None:
    # The sample's accidents happen from 2020 on: seen from 2019 they lie in the future (SE-BIZ-009).
    code, out = invoke(clean, "--today", "2019-12-31", "--format", "json")
    assert code == 1 and "SE-BIZ-009" in out
    assert invoke(clean, "--today", "2026-11-01")[0] == 0
    assert invoke(clean, "--today", "not-a-date")[0] == 2


def test_progress_bar_reports_bytes_and_does_not_change_the_report(clean: Path, tmp_path: Path) -> None:
    done: list[tuple[str, int, int]] = []
    validate_files([clean], progress=lambda name, read, total: done.append((name, read, total)))
    size = clean.stat().st_size
    assert done and done[-1] == (str(clean), size, size)  # the bar ends full
    with validate_cmd._progress_bar([clean], None) as update:
        assert update is None  # not a terminal: no bar unless asked for
    plain, forced = tmp_path / "plain.json", tmp_path / "forced.json"
    assert invoke(clean, "--format", "json", "--out", plain)[0] == 0
    assert invoke(clean, "--progress", "--format", "json", "--out", forced)[0] == 0
    a, b = (json.loads(p.read_text("utf-8"))["files"][0] for p in (plain, forced))
    assert a == b
