"""How the run-wide layers read a file (layers/_stream.py): once, every record to the observer, reading problems
reported as the syntax layer reports them and never raised.

A file that cannot be opened is ``unreadable``, one that breaks off while read ``broken``; a count or digest
that does not match the header is a finding (SE-SYN-…) but every record was read, so the file is not stopped.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from sedata.elements import MessageHeader
from sedata.exchange import Record
from sedata.validate.context import Where
from sedata.validate.layers._stream import stream
from sedata.validate.shapes import DataPath

from .conftest import SPEC, XX_GOODS_LIFT, ZZ_ELEVATOR, inspection, write


class _Seen:
    """What the reader handed on: the files begun, the records observed, the headers."""

    def __init__(self) -> None:
        self.begun: list[tuple[str, str | None]] = []
        self.records: list[tuple[str, str, int | None, int | None, str | None, Any]] = []
        self.headers: list[MessageHeader] = []

    def begin(self, file: str, message_type: str | None) -> None:
        self.begun.append((file, message_type))

    def observe(self, file: str, record: Record, where: Where, bad: Collection[DataPath]) -> None:
        self.records.append((file, record.type, where.index, where.line, where.record_type, tuple(bad)))


def _two_inspections(path: Path) -> Path:
    return write(
        path,
        "inspection-upload",
        [
            ("Inspection", inspection(ZZ_ELEVATOR, "2025-01-01", "2026-01-01", "R1")),
            ("Inspection", inspection(XX_GOODS_LIFT, "2025-02-01", "2026-02-01", "R2")),
        ],
    )


def test_every_record_is_observed_once_with_where_it_is(tmp_path: Path) -> None:
    path = _two_inspections(tmp_path / "ins.jsonl")
    seen = _Seen()
    report = stream(path, SPEC, seen.begin, seen.observe, "warning", on_header=seen.headers.append)
    name = str(path)
    assert seen.begun == [(name, "inspection-upload")]
    assert seen.records == [
        (name, "Inspection", 0, 2, "Inspection", ()),
        (name, "Inspection", 1, 3, "Inspection", ()),
    ]
    assert [h.message_type for h in seen.headers] == ["inspection-upload"]
    assert (report.file, report.fail_on, report.records, report.verified, report.stopped) == (
        name,
        "warning",
        2,
        True,
        None,
    )
    assert report.format == "jsonl" and list(report.findings) == []
    assert report.header is not None and report.header["messageType"] == "inspection-upload"


def test_without_a_header_observer_the_file_is_read_alike(tmp_path: Path) -> None:
    path = _two_inspections(tmp_path / "ins.jsonl")
    seen = _Seen()
    report = stream(path, SPEC, seen.begin, seen.observe, "error")
    assert len(seen.records) == 2 and report.records == 2 and report.stopped is None


def test_a_file_that_cannot_be_opened_is_unreadable_and_nothing_is_observed(tmp_path: Path) -> None:
    seen = _Seen()
    report = stream(tmp_path / "missing.jsonl", SPEC, seen.begin, seen.observe, "error")
    assert report.stopped == "unreadable" and report.records == 0
    assert [f.rule for f in report.findings] == ["SE-SYN-001"]
    assert seen.begun == [] and seen.records == []


def test_a_file_that_breaks_off_is_broken_after_the_records_before(tmp_path: Path) -> None:
    path = _two_inspections(tmp_path / "ins.jsonl")
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([*lines[:2], lines[2][:40]]) + "\n", "utf-8")  # the last record cut short
    seen = _Seen()
    report = stream(path, SPEC, seen.begin, seen.observe, "error")
    assert report.stopped == "broken"
    assert len(report.findings) == 1 and report.findings[0].rule.startswith("SE-SYN-")
    assert [r[2] for r in seen.records] == [0] and report.records == 1


def test_a_count_that_does_not_match_is_a_finding_but_the_file_was_read_through(tmp_path: Path) -> None:
    path = _two_inspections(tmp_path / "ins.jsonl")
    path.write_text(path.read_text("utf-8").replace('"recordCount":2', '"recordCount":3', 1), "utf-8")
    seen = _Seen()
    report = stream(path, SPEC, seen.begin, seen.observe, "error")
    assert report.stopped is None and report.verified is False
    assert len(report.findings) == 1 and report.findings[0].rule.startswith("SE-SYN-")
    assert report.records == 2 and len(seen.records) == 2


def test_a_record_type_the_message_does_not_carry_does_not_end_the_reading(tmp_path: Path) -> None:
    # Envelope problems are the validator's to report: the run-wide layers read on.
    path = _two_inspections(tmp_path / "ins.jsonl")
    path.write_text(path.read_text("utf-8").replace('"recordType":"Inspection"', '"recordType":"Gadget"', 1), "utf-8")
    seen = _Seen()
    report = stream(path, SPEC, seen.begin, seen.observe, "error")
    assert [(r[1], r[4]) for r in seen.records] == [("Gadget", "Gadget"), ("Inspection", "Inspection")]
    assert report.records == 2 and report.stopped is None


def test_a_file_whose_header_cannot_be_read_is_broken_and_nothing_is_observed(tmp_path: Path) -> None:
    path = tmp_path / "ins.jsonl"
    path.write_text('{"header": {"messageType": \n', "utf-8")
    seen = _Seen()
    report = stream(path, SPEC, seen.begin, seen.observe, "error")
    assert report.stopped == "broken" and report.records == 0
    assert len(report.findings) == 1 and report.findings[0].rule.startswith("SE-SYN-")
    assert seen.begun == [] and seen.records == []
