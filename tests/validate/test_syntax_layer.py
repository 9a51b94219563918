"""Syntax findings: a file that breaks off, was altered, lost a record, declares an unknown version or a DTD."""

from __future__ import annotations

from pathlib import Path

import pytest

from sedata import exchange as X
from sedata.validate import FileReport, Finding, validate_file

from .conftest import EXTENSION, FORMATS, envelope, write_jsonl, write_sample

INSPECTION = "inspection-upload"


def _clean(tmp_path: Path, fmt: str, records: tuple[X.Record, ...], name: str = "m") -> Path:
    return write_sample(tmp_path / f"{name}{EXTENSION[fmt]}", INSPECTION, fmt, records)


def _last(report: FileReport) -> Finding:
    assert report.findings, "expected findings"
    return report.findings[-1]


def _errors(report: FileReport) -> list[str]:
    return [f.rule for f in report.findings if f.severity == "error"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_truncated_file_is_reported_where_it_breaks_after_the_records_before(
    fmt: str, tmp_path: Path, clean_records: tuple[X.Record, ...]
) -> None:
    path = _clean(tmp_path, fmt, clean_records)
    data = path.read_bytes()
    # Cut inside record 7: its business key is written once, in its own element or member.
    key = str(clean_records[7].key).encode()
    marker = data.index(key, data.index(key) + 1) if data.count(key) > 1 else data.index(key)
    path.write_bytes(data[: marker + 4])
    report = validate_file(path)
    finding = _last(report)
    assert finding.rule == "SE-SYN-005"
    assert report.stopped == "broken" and not report.valid
    assert report.records == 7  # records[0..6] were read whole and validated
    assert finding.value == "7"  # the 7th record (records[6]) is the last complete one
    assert "第 7 条" in finding.message.zh and "number 7" in finding.message.en
    lines = path.read_text("utf-8").splitlines()
    assert finding.line == len(lines)  # the line the file breaks off in (a JSON document's too)
    # Rules that could not be checked on the rest of the file are said to be not checked, not passed.
    assert {"SE-SYN-008", "SE-SYN-009", "SE-SCH-001"} <= set(report.not_checked)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_altered_record_is_a_digest_mismatch_reported_after_the_records(
    fmt: str, tmp_path: Path, clean_records: tuple[X.Record, ...]
) -> None:
    path = _clean(tmp_path, fmt, clean_records)
    declared = X.read(path).header.digest
    assert clean_records[0].data is not None
    value = clean_records[0].data["factoryNumber"]
    data = path.read_bytes()
    assert data.count(value.encode()) == 1
    altered = value[:-1] + ("1" if value[-1] != "1" else "2")
    path.write_bytes(data.replace(value.encode(), altered.encode()))
    report = validate_file(path)
    assert _errors(report) == ["SE-SYN-009"]
    finding = _last(report)
    assert finding.expected is not None and finding.expected.zh == declared
    assert finding.value is not None and len(finding.value) == 64 and finding.value != declared
    assert finding.pointer == "/header/digest"
    assert finding.element is not None and finding.element.id == "SE.MSG.0011"
    assert report.records == len(clean_records) and report.stopped is None
    assert "SE-SYN-008" not in report.not_checked  # the count was checked (and matched)


def test_a_lost_record_is_a_count_mismatch(tmp_path: Path, clean_records: tuple[X.Record, ...]) -> None:
    path = _clean(tmp_path, "jsonl", clean_records)
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), "utf-8")
    report = validate_file(path)
    assert _errors(report) == ["SE-SYN-008"]
    finding = _last(report)
    assert (finding.expected and finding.expected.zh, finding.value) == (
        str(len(clean_records)),
        str(len(clean_records) - 1),
    )
    assert finding.pointer == "/header/recordCount"
    assert finding.element is not None and finding.element.id == "SE.MSG.0009"
    assert f"声明 {len(clean_records)} 条记录，实际读到 {len(clean_records) - 1} 条" in finding.message.zh


def test_an_unknown_spec_version_is_named(tmp_path: Path, clean_records: tuple[X.Record, ...]) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", [envelope(r) for r in clean_records[:2]], header={"specVersion": "9.9.9"})
    report = validate_file(path)
    assert [f.rule for f in report.findings] == ["SE-SYN-007"]
    finding = report.findings[0]
    assert finding.value == "9.9.9" and finding.line == 1
    assert finding.expected is not None and "1.0.0" in finding.expected.zh
    assert finding.pointer == "/header/specVersion"
    assert "9.9.9" in finding.message.zh and "9.9.9" in finding.message.en
    assert report.records == 0 and report.stopped == "broken"


def test_an_xml_namespace_of_another_spec_version_is_named(tmp_path: Path, clean_records: tuple[X.Record, ...]) -> None:
    path = _clean(tmp_path, "xml", clean_records[:2])
    path.write_text(path.read_text("utf-8").replace("urn:sedata:spec:1", "urn:sedata:spec:9"), "utf-8")
    finding = validate_file(path).findings[0]
    assert (finding.rule, finding.value, finding.line) == ("SE-SYN-007", "urn:sedata:spec:9", 2)


def test_a_dtd_is_refused_with_one_finding(tmp_path: Path, clean_records: tuple[X.Record, ...]) -> None:
    path = _clean(tmp_path, "xml", clean_records[:2])
    text = path.read_text("utf-8")
    decl_end = text.index("?>") + 2
    path.write_text(
        text[:decl_end] + '\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + text[decl_end:], "utf-8"
    )
    report = validate_file(path)
    assert [f.rule for f in report.findings] == ["SE-SYN-004"]
    assert "DOCTYPE" in report.findings[0].message.zh
    assert report.stopped == "broken" and report.records == 0


def test_a_file_that_cannot_be_read_is_one_finding_and_unreadable(tmp_path: Path) -> None:
    report = validate_file(tmp_path / "missing.jsonl")
    assert [f.rule for f in report.findings] == ["SE-SYN-001"]
    assert report.unreadable and report.format is None and report.header is None
    # The reader's detail opens with the template's own words; the message says them once.
    assert report.findings[0].message.zh.count("无法读取文件") == 1
    assert set(report.not_checked) >= {"SE-SYN-002", "SE-SCH-001", "SE-COD-002"}


@pytest.mark.parametrize(
    ("content", "rule", "stopped"),
    [
        # Empty, or no message at all: an input error (exit 2), not findings in a message.
        (b"", "SE-SYN-003", "unreadable"),
        (b"hello", "SE-SYN-003", "unreadable"),
        (b'{"header": {}}\n{"recordType": "Equipment", "data": {"productName": "\xff"}}\n', "SE-SYN-006", "broken"),
    ],
)
def test_files_that_are_not_messages(tmp_path: Path, content: bytes, rule: str, stopped: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    report = validate_file(path)
    assert [f.rule for f in report.findings] == [rule]
    assert report.stopped == stopped and report.unreadable == (stopped == "unreadable")


def test_invalid_utf8_in_a_record_is_an_encoding_finding(tmp_path: Path, clean_records: tuple[X.Record, ...]) -> None:
    path = _clean(tmp_path, "jsonl", clean_records[:4])
    lines = path.read_bytes().splitlines(keepends=True)
    assert clean_records[2].data is not None
    name = clean_records[2].data.get("productName") or clean_records[2].data["reportNo"]
    lines[3] = lines[3].replace(name.encode()[:3], b"\xff\xfe\xfd", 1)
    path.write_bytes(b"".join(lines))
    report = validate_file(path)
    finding = _last(report)
    assert (finding.rule, finding.line) == ("SE-SYN-002", 4)
    assert report.records == 2
