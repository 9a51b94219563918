"""One seed, one population: registration and inspection samples agree but for what was injected."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.exchange import iter_records, write
from sedata.sample.generator import sample_records
from sedata.validate import validate_files
from sedata.validate.layers.consistency import reconcile

runner = CliRunner()
TODAY = dt.date(2026, 6, 30)
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"


def _sample(tmp: Path, message_type: str, count: int, seed: int, *extra: str) -> Path:
    out = tmp / f"{message_type}-{seed}.jsonl"
    args = ["sample", message_type, "--count", str(count), "--seed", str(seed), "--out", str(out)]
    result = runner.invoke(app, [*args, "--today", TODAY.isoformat(), *extra])
    assert result.exit_code == 0, result.output
    return out


def test_reconciling_two_samples_of_one_population_finds_only_the_injected_inconsistencies(tmp_path: Path) -> None:
    defects = tmp_path / "defects.jsonl"
    # 150 registrations = the first 150 devices; 300 inspection-upload records = the same devices' two records.
    reg = _sample(tmp_path, "registration-download", 150, 21, "--inconsistent-rate", "0.1", "--defects", str(defects))
    ins = _sample(tmp_path, "inspection-upload", 300, 21)
    injected = [json.loads(line) for line in defects.read_text(encoding="utf-8").splitlines()]
    assert 5 <= len(injected) <= 30 and {d["kind"] for d in injected} == {"disagree"}
    registrations = list(iter_records(reg))
    assert Counter(r.type for r in registrations) == {"UseRegistration": 124, "StatusChange": 26}
    expected = Counter(
        (registrations[d["index"]].data["equipmentCode"], d["field"]) for d in injected
    )  # each names a device and the element that now disagrees

    report = reconcile([reg], [ins], today=TODAY)
    found = [f for file in report.files for f in file.findings]
    assert {f.rule for f in found} == {"SE-CON-005"}
    assert Counter((f.key, f.element.field) for f in found if f.element) == expected
    assert len(found) == len(injected)


def test_a_clean_pair_reconciles_without_a_finding(tmp_path: Path) -> None:
    reg = _sample(tmp_path, "registration-download", 60, 4)
    ins = _sample(tmp_path, "inspection-upload", 120, 4)
    report = reconcile([reg], [ins], today=TODAY)
    assert [f for file in report.files for f in file.findings] == []


def _keys(message_type: str, seed: int, count: int = 300) -> set[tuple[str, str | None]]:
    return {(r.type, r.key) for r, _ in sample_records(message_type, count, seed, today=TODAY)}


def test_business_keys_are_distinct_across_seeds() -> None:
    for message_type in (
        "inspection-upload",
        "registration-download",
        "accident-report",
        "operator-certificate-upload",
    ):
        seen: set[tuple[str, str | None]] = set()
        for seed in range(5):
            keys = _keys(message_type, seed)
            assert len(keys) == 300, message_type  # distinct within a sample too
            assert not keys & seen, (message_type, seed)
            seen |= keys


def test_samples_of_several_seeds_validate_together_without_repeated_keys(tmp_path: Path) -> None:
    paths = []
    for seed in (1, 2, 3):
        path = tmp_path / f"u{seed}.jsonl"
        records = (r for r, _ in sample_records("inspection-upload", 200, seed, today=TODAY))
        write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
        paths.append(path)
    report = validate_files(paths, today=TODAY)
    assert [f.rule for file in report.files for f in file.findings] == []


def test_event_dates_lead_up_to_the_report_date() -> None:
    days = [
        (TODAY - dt.date.fromisoformat(r.data["inspectionDate"])).days
        for r, _ in sample_records("inspection-upload", 600, 8, today=TODAY)
        if r.type == "Inspection"
    ]
    assert min(days) >= 1 and max(days) <= 365
    assert sum(d <= 30 for d in days) / len(days) >= 0.9  # a timely sender, by the scorecard's default limit
    other = dt.date(2025, 1, 15)
    moved = [r.data for r, _ in sample_records("inspection-upload", 40, 8, today=other) if r.type == "Inspection"]
    assert all(0 < (other - dt.date.fromisoformat(d["inspectionDate"])).days <= 365 for d in moved)
