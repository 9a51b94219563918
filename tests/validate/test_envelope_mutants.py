"""Envelope behaviour the mutation run (bench/mutate.py) showed untested: the record-key check (SE-SCH-007) is
made only when there is a key to compare, so a snapshot's records (which carry no ``recordKey``) and records of
a type the spec does not know never get it, nor a traceback.

Records are the conftest's samples of the spec's own messages.
"""

from __future__ import annotations

from pathlib import Path

from sedata.validate import validate_file

from .conftest import envelope, sample, write_jsonl


def test_a_snapshot_carries_no_record_key_and_gets_no_key_finding(tmp_path: Path) -> None:
    records = sample("inspection-upload", 3, 3, 0.0)[0]
    snapshot = [{k: v for k, v in envelope(r).items() if k in ("recordType", "data")} for r in records]
    report = validate_file(write_jsonl(tmp_path / "s.jsonl", snapshot, mode="snapshot"))
    assert report.findings == [] and report.records == 3


def test_a_record_of_a_type_the_spec_does_not_know_is_reported_not_keyed(tmp_path: Path) -> None:
    records = sample("inspection-upload", 2, 3, 0.0)[0]
    envs = [envelope(r) for r in records]
    envs[1]["recordType"] = "NoSuchEntity"
    report = validate_file(write_jsonl(tmp_path / "u.jsonl", envs))
    rules = [f.rule for f in report.findings]
    assert "SE-SCH-005" in rules and "SE-SCH-007" not in rules and "SE-SYN-001" not in rules
    assert report.records == 2
