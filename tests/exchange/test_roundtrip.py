"""Lossless conversion: any format to any other keeps the canonical message and its digest."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sedata.elements as E
from sedata import exchange as X
from sedata.spec import current
from sedata.testing import records as entity_records
from sedata.testing import values

from .conftest import EXTENSION, RECEIVER, SENDER, WriteMessage, entity_examples

SPEC = current()
FORMATS = list(X.FORMATS)
# SM3 where this Python's OpenSSL provides it (OpenSSL 1.1.1 and later do).
DIGESTS = [a for a in ("sha256", "sm3") if a in hashlib.algorithms_available]
OPERATIONS = SPEC.domains["SE.MSG.0013"].codes or ()
DELETE = X.MessageRules(
    X.new_header("inspection-upload", SENDER, RECEIVER, 1), SPEC
).delete  # the operation code of <Delete/>


@st.composite
def messages(draw: st.DrawFn, message_type: str) -> tuple[E.MessageHeader, list[X.Record]]:
    """A header of ``message_type`` in any mode, and 0-4 records that follow its rules."""
    message = SPEC.messages[message_type]
    mode = draw(st.sampled_from(message.modes))
    header = X.new_header(
        message_type,
        draw(values("SE.MSG.0004")),
        draw(values("SE.MSG.0005")),
        draw(st.integers(1, 10**6)),
        mode,
        digest_algorithm=draw(st.sampled_from(DIGESTS)),
    )
    out = []
    for _ in range(draw(st.integers(0, 4))):
        entity = draw(st.sampled_from([r.entity for r in message.records]))
        if mode == "snapshot":
            key = draw(st.none() | values("SE.MSG.0014"))
            version = draw(st.none() | st.integers(1, 999))
            out.append(X.Record(entity, draw(entity_records(entity)), None, key, version))
            continue
        operation = draw(st.sampled_from(OPERATIONS))
        data = None if operation == DELETE else draw(entity_records(entity))
        key = draw(values("SE.MSG.0014"))
        out.append(X.Record(entity, data, operation, key, draw(st.integers(1, 10**9 - 1))))
    return header, out


def _canonical(path: Path) -> dict[str, Any]:
    return X.read(path).to_json_data()


@pytest.mark.parametrize("message_type", sorted(SPEC.messages))
def test_any_format_to_any_other_keeps_the_canonical_message(
    message_type: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(message=messages(message_type), order=st.permutations(FORMATS))
    def round_trip(message: tuple[Any, list[X.Record]], order: list[str]) -> None:
        _round_trip(*message, order, tmp_path_factory.mktemp("rt"))

    round_trip()


def _round_trip(header: Any, records: list[X.Record], order: list[str], folder: Path) -> None:
    """Write in the first format, convert through the others and back; the canonical message never changes."""
    first = folder / f"m0{EXTENSION[order[0]]}"
    written = X.write(first, records, header=header)
    assert written.record_count == len(records)
    expected = _canonical(first)
    assert expected["records"] == [r.to_json_data() for r in records]
    previous = first
    for i, fmt in enumerate([*order[1:], order[0]], start=1):
        target = folder / f"m{i}{EXTENSION[fmt]}"
        converted = X.convert(previous, target)
        assert converted.digest == written.digest
        assert _canonical(target) == expected
        previous = target
    # Back in the first format, the file is byte for byte the one written first.
    assert previous.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_writer_gives_the_same_digest(fmt: str, write_message: WriteMessage) -> None:
    digests = {X.read(write_message(f, name=f"m{EXTENSION[f]}")).header.digest for f in FORMATS}
    assert len(digests) == 1
    path = write_message(fmt, name=f"again{EXTENSION[fmt]}")
    assert X.read(path).header.digest in digests


def test_model_to_xml_to_json_to_xml_is_the_same_document(tmp_path: Path) -> None:
    models = [E.Equipment.model_validate(r) for r in entity_examples("Equipment")]
    models += [E.Inspection.model_validate(r) for r in entity_examples("Inspection")]
    header = X.write(
        tmp_path / "a.xml", models, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, sequence=7
    )
    X.convert(tmp_path / "a.xml", tmp_path / "b.json")
    X.convert(tmp_path / "b.json", tmp_path / "c.xml")
    assert (tmp_path / "c.xml").read_bytes() == (tmp_path / "a.xml").read_bytes()
    message = X.read(tmp_path / "c.xml")
    assert message.header == header
    assert [r.data for r in message.records] == [m.to_data() for m in models]


TRICKY = {
    "productName": " 曳引驱动\r\n乘客电梯 ",  # CR, CRLF, leading and trailing spaces, CJK
    "modelSpec": "\r",
    "internalNumber": "<&>\"'\t",
    "useLocation": "福建省漳州市芗城区胜利西路88号𠀀",  # a character outside the BMP
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_decimals_and_dates_survive_exactly(fmt: str, write_message: WriteMessage, tmp_path: Path) -> None:
    equipment = {**entity_examples("Equipment")[3], **TRICKY}
    accident = entity_examples("Accident")[1]
    assert accident["directEconomicLoss"] == "350000.00"
    path = write_message(fmt, [X.Record("Equipment", equipment)])
    for other in FORMATS:
        target = tmp_path / f"to-{other}{EXTENSION[other]}"
        X.convert(path, target)
        (record,) = X.read(target).records
        assert record.data == equipment
        assert record.data is not None and record.data["designLifeYears"] == 20
    report = tmp_path / f"accident{EXTENSION[fmt]}"
    X.write(report, [X.Record("Accident", accident)], message_type="accident-report", sender=SENDER, receiver=RECEIVER)
    (read_back,) = X.read(report).records
    assert read_back.data == accident  # "350000.00", "2.17" and "2024-09-23T10:15:00+08:00" unchanged


def test_convert_keeps_the_header(write_message: WriteMessage, tmp_path: Path) -> None:
    source = write_message("jsonl", sequence=42, mode="snapshot")
    original = X.read(source).header
    X.convert(source, tmp_path / "out.xml")
    X.convert(tmp_path / "out.xml", tmp_path / "out.json")
    assert X.read(tmp_path / "out.json").header == original


@pytest.mark.skipif("sm3" not in hashlib.algorithms_available, reason="this OpenSSL has no SM3")
def test_convert_can_change_the_digest_algorithm(write_message: WriteMessage, tmp_path: Path) -> None:
    source = write_message("json")
    header = X.convert(source, tmp_path / "sm3.xml", digest_algorithm="sm3")
    assert header.digest_algorithm == "sm3"
    assert header.digest != X.read(source).header.digest
    assert X.read(tmp_path / "sm3.xml").to_json_data()["records"] == X.read(source).to_json_data()["records"]


def test_new_header_fills_id_time_and_leaves_count_and_digest_to_the_writer(tmp_path: Path) -> None:
    header = X.new_header("accident-report", SENDER, RECEIVER, 3, "changes")
    assert header.spec_version == SPEC.info.spec_version
    assert header.message_id[14] == "4"  # UUID version 4
    assert header.created_at.utcoffset() == dt.timedelta(hours=8)
    assert header.record_count == 0
    written = X.write(tmp_path / "a.jsonl", [], header=header)
    assert written.message_id == header.message_id
    assert written.record_count == 0
    assert X.read(tmp_path / "a.jsonl").records == []


def test_changes_records_carry_operation_key_and_version(tmp_path: Path) -> None:
    inspection = entity_examples("Inspection")[0]
    records = [
        X.Record("Inspection", inspection, "add", X.record_key("Inspection", inspection), 1),
        X.Record("Inspection", None, DELETE, "ZZ2020RDJ00087", 3),
    ]
    for fmt in FORMATS:
        path = tmp_path / f"c{EXTENSION[fmt]}"
        X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
        read_back = X.read(path).records
        assert [(r.type, r.operation, r.key, r.version, r.data) for r in read_back] == [
            (r.type, r.operation, r.key, r.version, r.data) for r in records
        ]
    assert '<Delete recordType="Inspection" recordKey="ZZ2020RDJ00087" recordVersion="3"/>' in (
        tmp_path / "c.xml"
    ).read_text("utf-8")


def test_json_document_with_records_before_header_is_read(write_message: WriteMessage, tmp_path: Path) -> None:
    import json

    source = write_message("json")
    doc = json.loads(source.read_text("utf-8"))
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps({"records": doc["records"], "header": doc["header"]}, ensure_ascii=False, indent=2))
    assert X.read(reordered).to_json_data() == X.read(source).to_json_data()


def test_records_carry_index_and_line(write_message: WriteMessage) -> None:
    jsonl = X.read(write_message("jsonl")).records
    assert [(r.index, r.line) for r in jsonl] == [(i, i + 2) for i in range(len(jsonl))]
    xml = X.read(write_message("xml")).records
    assert [(r.index, r.line) for r in xml] == [(i, i + 5) for i in range(len(xml))]
    doc = X.read(write_message("json")).records
    assert [(r.index, r.line) for r in doc] == [(i, None) for i in range(len(doc))]


def test_iter_records_streams_and_open_message_exposes_the_header(write_message: WriteMessage) -> None:
    path = write_message("xml")
    with X.open_message(path) as reader:
        assert reader.format == "xml"
        assert reader.header.message_type == "inspection-upload"
        assert not reader.verified
        types = [r.type for r in reader]
        assert reader.verified
    assert types == ["Equipment", "Equipment", "Inspection", "Inspection", "Inspection", "Inspection"]
    assert [r.type for r in X.iter_records(path)] == types


def test_written_file_replaces_the_target_atomically_and_leaves_no_temporary(
    write_message: WriteMessage, tmp_path: Path
) -> None:
    path = write_message("json", name="same.json")
    with pytest.raises(X.UnwritableRecordError):
        X.write(path, [{"recordType": "Inspection", "data": {"reportNo": 1.5}}], header=X.read(path).header)
    assert X.read(path).header.record_count == 6  # the failed write left the old file as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.json"]
