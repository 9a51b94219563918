"""``sedata reconcile``: file lists per side, every report format, exit codes 0 / 1 / 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from sedata.cli.main import app

from .conftest import XX_GOODS_LIFT, ZZ_ELEVATOR, entity, equipment, inspection, write

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["reconcile", *map(str, args)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A registration download and two inspection uploads (JSON Lines and XML)."""
    reg = write(tmp_path / "reg.jsonl", "registration-download", [("UseRegistration", entity("UseRegistration", 0))])
    lift = [("Equipment", equipment(XX_GOODS_LIFT)), ("Inspection", entity("Inspection", 3))]
    ins_a = write(tmp_path / "ins-a.jsonl", "inspection-upload", lift)
    elevator = [("Inspection", inspection(ZZ_ELEVATOR, "2026-03-10", "2027-03-09", "ZZ2026FTC00318"))]
    ins_b = write(tmp_path / "ins-b.xml", "inspection-upload", elevator)
    return reg, ins_a, ins_b


def test_clean_data_exits_0(sides: tuple[Path, Path, Path]) -> None:
    reg, ins_a, _ = sides
    code, out = invoke("--registrations", reg, "--inspections", ins_a, "--today", "2026-03-01")
    assert code == 0, out
    assert "通过" in out and "未发现问题" in out


def test_several_files_per_side_and_findings_exit_1(sides: tuple[Path, Path, Path]) -> None:
    reg, ins_a, ins_b = sides
    code, out = invoke("--registrations", reg, "--inspections", ins_a, ins_b, "--today", "2026-06-01", "--lang", "en")
    assert code == 1, out
    assert "SE-CON-002" in out and "SE-CON-004" in out and str(ins_b) in out
    # The same with repeated flags and --flag=FILE.
    code2, out2 = invoke(f"--registrations={reg}", "-i", ins_a, "--inspections", ins_b, "--today", "2026-06-01")
    assert code2 == 1 and "SE-CON-002" in out2


def test_warnings_fail_only_with_fail_on_warning(sides: tuple[Path, Path, Path]) -> None:
    reg, ins_a, ins_b = sides
    args = ("--registrations", reg, "--inspections", ins_a, ins_b, "--today", "2026-03-01")
    assert invoke(*args)[0] == 0  # SE-CON-002 is a warning
    assert invoke(*args, "--fail-on", "warning")[0] == 1


@pytest.mark.parametrize("fmt", ["json", "junit", "sarif", "text"])
def test_every_format_renders_one_report(sides: tuple[Path, Path, Path], tmp_path: Path, fmt: str) -> None:
    reg, ins_a, ins_b = sides
    target = tmp_path / f"report.{fmt}"
    args = ("--registrations", reg, "--inspections", ins_a, ins_b, "--today", "2026-06-01")
    code, _ = invoke(*args, "--format", fmt, "--out", target)
    assert code == 1
    text = target.read_text("utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert data["summary"]["byRule"] == {"SE-CON-002": 1, "SE-CON-004": 1}
        assert [f["file"] for f in data["files"]] == [str(reg), str(ins_a), str(ins_b)]
    elif fmt == "sarif":
        data = json.loads(text)
        assert {r["ruleId"] for r in data["runs"][0]["results"]} == {"SE-CON-002", "SE-CON-004"}
    elif fmt == "junit":
        root = etree.fromstring(text.encode("utf-8"))
        assert int(root.get("failures")) == 1  # SE-CON-004 in one file; the warning is not a failure
    else:
        assert "SE-CON-004" in text


def test_an_unreadable_file_exits_2_with_its_finding(sides: tuple[Path, Path, Path], tmp_path: Path) -> None:
    reg, ins_a, _ = sides
    code, out = invoke("--registrations", reg, "--inspections", ins_a, tmp_path / "missing.xml")
    assert code == 2 and "SE-SYN-001" in out


@pytest.mark.parametrize(
    ("args", "zh"),
    [
        (("--registrations", "REG"), "需要登记数据"),
        (("--inspections", "INS"), "需要登记数据"),
        (("REG", "--inspections", "INS"), "请在文件前写明"),
        (("--registrations", "REG", "--inspections", "INS", "--today", "2026-13-01"), "--today 应为"),
        (("--registrations", "REG", "--inspections", "INS", "--format", "pdf"), "--format 应为"),
        (("--registrations", "REG", "--inspections", "INS", "--lang", "fr"), "--lang 应为"),
        (("--registrations", "REG", "--inspections", "INS", "--registratoins", "X"), "未知选项"),
    ],
)
def test_bad_usage_exits_2_with_a_bilingual_message(
    sides: tuple[Path, Path, Path], args: tuple[str, ...], zh: str
) -> None:
    reg, ins_a, _ = sides
    real = [str(reg) if a == "REG" else str(ins_a) if a == "INS" else a for a in args]
    code, out = invoke(*real)
    assert code == 2, out
    assert zh in out and "error" in out
