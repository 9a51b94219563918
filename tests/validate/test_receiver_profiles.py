"""Receiver profiles and baselines: a receiver selects, ignores and re-grades rules; a gate adopted on legacy data
accepts the findings it already knows and fails only on new ones (issue 13, done-when)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app
from sedata.validate import validate_files
from sedata.validate.baseline import Baseline, fingerprint
from sedata.validate.profile import Profile, ProfileError, find_profile, load_profile

BASE = Path(__file__).resolve().parents[2] / "spec" / "conformance" / "cases" / "SE-BIZ-008-quiet-json.json"
"""A clean inspection upload: Equipment and Inspection records in turn (1, 3, 5 are inspections)."""
TODAY = "2030-01-01"
COMMISSIONED = {1: {"inspectionNature": "委托"}}  # SE-BIZ-008, an error: the legacy defect the baseline accepts
WRONG_CONCLUSION = {3: {"inspectionConclusion": "符合要求"}}  # SE-BIZ-002 on an elevator, an error
SAME_DAY = {5: {"nextInspectionDate": "2026-08-29"}}  # SE-BIZ-003, the new defect
runner = CliRunner()


def message(path: Path, *changes: dict[int, dict[str, Any]], order: list[int] | None = None) -> Path:
    """The clean upload with data changed per record index, records in ``order``; count and digest match."""
    base = X.read(BASE)
    records = [X.Record(r.type, dict(r.data), r.operation, r.key, r.version) for r in base.records]
    for change in changes:
        for i, values in change.items():
            records[i].data.update(values)
    X.write(path, [records[i] for i in order] if order else records, header=base.header)
    return path


def validate(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["validate", "--today", TODAY, "--format", "json", *map(str, args)])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)


def rules(report: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for fr in report["files"] for f in fr["findings"])


def test_a_downgrading_profile_and_a_baseline_let_the_gate_pass_until_a_new_defect(tmp_path: Path) -> None:
    profile = tmp_path / "receiver.toml"
    profile.write_text('name = "试点省"\n[severity]\n"SE-BIZ-002" = "warning"\n', encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    legacy = message(tmp_path / "upload.json", COMMISSIONED)
    code, _ = validate(legacy, "--write-baseline", baseline)
    assert code == 1  # writing a baseline accepts nothing in that run

    dirty = message(tmp_path / "upload.json", COMMISSIONED, WRONG_CONCLUSION)
    code, report = validate(dirty)
    assert (code, rules(report)) == (1, ["SE-BIZ-002", "SE-BIZ-008"])
    code, report = validate(dirty, "--profile", profile, "--baseline", baseline)
    assert (code, rules(report)) == (0, ["SE-BIZ-002"])
    (warning,) = report["files"][0]["findings"]
    assert warning["severity"] == "warning"
    applied = [line["en"] for line in report["applied"]]
    assert applied == [
        f"receiver profile {profile} (试点省): SE-BIZ-002 as warning",
        f"baseline {baseline}: 1 known finding(s) accepted",
    ]

    worse = message(tmp_path / "upload.json", COMMISSIONED, WRONG_CONCLUSION, SAME_DAY)
    code, report = validate(worse, "--profile", profile, "--baseline", baseline)
    assert (code, rules(report)) == (1, ["SE-BIZ-002", "SE-BIZ-003"])


def test_a_baseline_survives_reordered_records_and_counts_what_it_accepts(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    both = message(tmp_path / "upload.json", COMMISSIONED, WRONG_CONCLUSION)
    validate(both, "--write-baseline", baseline)
    moved = message(tmp_path / "upload.json", COMMISSIONED, WRONG_CONCLUSION, order=[4, 5, 2, 3, 0, 1])
    assert validate(moved, "--baseline", baseline)[0] == 0
    # Two findings of one kind in the baseline accept two: a third identical one is new.
    report = validate_files([both], today=None)
    (f,) = [f for f in report.findings if f.rule == "SE-BIZ-008"]
    assert fingerprint(f) == ("SE-BIZ-008", both.as_posix(), "Inspection", f.key, "inspectionNature", None)
    known = Baseline.of(report)
    report.files[0].findings.append(f)
    assert known.apply(report) == 2 and [g.rule for g in report.findings] == ["SE-BIZ-008"]


def test_select_and_ignore_leave_rules_out_and_say_so(tmp_path: Path) -> None:
    dirty = message(tmp_path / "upload.json", COMMISSIONED, WRONG_CONCLUSION)
    code, report = validate(dirty, "--select", "SE-SYN,SE-SCH,SE-COD")
    assert (code, rules(report)) == (0, [])
    reasons = {item["rule"]: item["reason"]["en"] for item in report["files"][0]["notChecked"]}
    assert reasons["SE-BIZ-002"] == "left out by the receiver profile command line"
    code, report = validate(dirty, "--ignore", "SE-BIZ-008")
    assert (code, rules(report)) == (1, ["SE-BIZ-002"])


def test_the_folder_profile_is_sedata_toml_else_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_profile(tmp_path).empty
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.sedata]\nignore = ["SE-BIZ-008"]\n')
    assert find_profile(tmp_path).ignore == ("SE-BIZ-008",)
    (tmp_path / "sedata.toml").write_text('select = ["SE-BIZ"]\n')
    assert find_profile(tmp_path) == Profile(str(tmp_path / "sedata.toml"), select=("SE-BIZ",))
    monkeypatch.chdir(tmp_path)
    dirty = message(tmp_path / "upload.json", COMMISSIONED)
    code, report = validate(dirty)
    assert code == 1 and report["applied"][0]["en"] == f"receiver profile {tmp_path / 'sedata.toml'}: selects SE-BIZ"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('selec = ["SE-BIZ"]\n', "selec: Extra inputs are not permitted"),
        ('[severity]\n"SE-BIZ-002" = "fatal"\n', "severity.SE-BIZ-002"),
        ('ignore = ["SE-BIZ-099"]\n', "SE-BIZ-099 is no rule id or rule-id prefix"),
        ("ignore = [\n", "not valid TOML"),
    ],
)
def test_a_bad_profile_is_a_bilingual_usage_error(tmp_path: Path, text: str, says: str) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(message(tmp_path / "m.json")), "--profile", str(profile)])
    assert result.exit_code == 2 and says in result.output and "接收方配置" in result.output
    if "SE-BIZ-099" not in text:
        with pytest.raises(ProfileError):
            load_profile(profile)


def test_a_file_that_is_not_a_baseline_is_a_usage_error(tmp_path: Path) -> None:
    other = tmp_path / "b.json"
    other.write_text('{"findings": []}', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(message(tmp_path / "m.json")), "--baseline", str(other)])
    assert result.exit_code == 2 and "is not a sedata baseline" in result.output
