"""Encodings (XML in UTF-8/GB18030/GBK; JSON UTF-8 only, BOM tolerated), format detection, and the header:
unknown spec versions and message types refused, envelope rules per mode, and what the writer refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X
from sedata.spec import current

from .conftest import RECEIVER, SENDER, WriteMessage, entity_examples

SPEC = current()
FORMATS = list(X.FORMATS)


# --- encodings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["GBK", "GB18030", "gb2312"])
def test_xml_in_a_chinese_encoding_reads_the_same(encoding: str, write_message: WriteMessage, tmp_path: Path) -> None:
    source = write_message("xml")
    text = source.read_text("utf-8").replace('encoding="UTF-8"', f'encoding="{encoding}"', 1)
    path = tmp_path / f"{encoding}.xml"
    path.write_bytes(text.encode(encoding))
    assert path.read_bytes() != text.encode("utf-8")  # really re-encoded: the CJK text differs
    message = X.read(path)
    assert message.to_json_data() == X.read(source).to_json_data()
    assert message.records[0].data is not None
    assert message.records[0].data["userUnitName"] == "漳州市嘉和物业服务有限公司"


def test_gb18030_carries_characters_gbk_cannot(write_message: WriteMessage, tmp_path: Path) -> None:
    equipment = {**entity_examples("Equipment")[0], "internalNumber": "𠀀号楼-€"}
    source = write_message("xml", [X.Record("Equipment", equipment)])
    text = source.read_text("utf-8").replace('encoding="UTF-8"', 'encoding="GB18030"', 1)
    path = tmp_path / "gb18030.xml"
    path.write_bytes(text.encode("gb18030"))
    (record,) = X.read(path).records
    assert record.data == equipment


def test_xml_whose_bytes_do_not_match_its_declaration_is_an_encoding_error(
    write_message: WriteMessage, tmp_path: Path
) -> None:
    path = tmp_path / "gbk-says-utf8.xml"
    path.write_bytes(write_message("xml").read_text("utf-8").encode("gbk"))
    with pytest.raises(X.EncodingError) as caught:
        X.read(path)
    assert caught.value.line == 5


def test_utf16_xml_with_a_bom_is_read(write_message: WriteMessage, tmp_path: Path) -> None:
    source = write_message("xml")
    path = tmp_path / "utf16.xml"
    path.write_bytes(source.read_text("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16"))
    assert X.detect_format(path) == "xml"
    assert X.read(path).to_json_data() == X.read(source).to_json_data()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_with_a_utf8_bom_is_accepted(fmt: str, write_message: WriteMessage, tmp_path: Path) -> None:
    source = write_message(fmt)
    path = tmp_path / f"bom.{fmt}"
    path.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert X.detect_format(path) == fmt
    assert X.read(path).to_json_data() == X.read(source).to_json_data()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_utf16_or_utf32_json_is_refused(fmt: str, codec: str, write_message: WriteMessage, tmp_path: Path) -> None:
    path = tmp_path / f"wide.{fmt}"
    path.write_bytes(write_message(fmt).read_text("utf-8").encode(codec))
    with pytest.raises(X.EncodingError) as caught:
        X.read(path)
    assert "UTF-8" in caught.value.zh and "UTF-8" in caught.value.en


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_gbk_json_is_refused(fmt: str, write_message: WriteMessage, tmp_path: Path) -> None:
    path = tmp_path / f"gbk.{fmt}"
    path.write_bytes(write_message(fmt).read_text("utf-8").encode("gbk"))
    with pytest.raises(X.EncodingError) as caught:
        X.read(path)
    assert caught.value.code == "encoding"
    assert caught.value.offset is not None


def test_output_is_utf8_without_ascii_escapes(write_message: WriteMessage) -> None:
    for fmt in FORMATS:
        data = write_message(fmt, name=f"m.{fmt}").read_bytes()
        assert "漳州市嘉和物业服务有限公司".encode() in data
        assert b"\\u" not in data and b"&#" not in data
    assert write_message("xml").read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')


# --- format detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_is_told_from_content_not_the_extension(fmt: str, write_message: WriteMessage, tmp_path: Path) -> None:
    source = write_message(fmt)
    misnamed = tmp_path / "message.txt.xml" if fmt != "xml" else tmp_path / "message.json"
    misnamed.write_bytes(source.read_bytes())
    assert X.detect_format(misnamed) == fmt
    assert X.read(misnamed).format == fmt


def test_pretty_printed_json_document_is_a_document(write_message: WriteMessage, tmp_path: Path) -> None:
    doc = json.loads(write_message("json").read_text("utf-8"))
    path = tmp_path / "pretty.jsonl"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    assert X.detect_format(path) == "json"
    assert X.read(path).header.record_count == 6


@pytest.mark.parametrize(
    ("content", "code"), [(b"", "unknown-format"), (b"  \n\t ", "unknown-format"), (b"id,name\n", "unknown-format")]
)
def test_empty_or_foreign_content_is_refused(content: bytes, code: str, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(X.UnknownFormatError) as caught:
        X.read(path)
    assert caught.value.code == code


def test_a_missing_file_is_a_file_access_error(tmp_path: Path) -> None:
    with pytest.raises(X.FileAccessError):
        X.read(tmp_path / "missing.json")
    with pytest.raises(X.FileAccessError):
        X.write(
            tmp_path / "no-such-folder" / "a.json", [], message_type="accident-report", sender=SENDER, receiver=RECEIVER
        )


# --- header --------------------------------------------------------------------------------------------


def _edit_header(path: Path, fmt: str, name: str, value: str) -> None:
    text = path.read_text("utf-8")
    old = X.header_data(X.read(path).header)[name]
    if fmt == "xml":
        text = text.replace(f"<{name}>{old}</{name}>", f"<{name}>{value}</{name}>", 1)
    else:
        text = text.replace(f'"{name}":"{old}"', f'"{name}":"{value}"', 1)
    path.write_text(text, "utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_spec_version_is_refused(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    _edit_header(path, fmt, "specVersion", "9.0.0")
    with pytest.raises(X.UnknownSpecVersionError) as caught:
        X.open_message(path)
    err = caught.value
    assert err.code == "unknown-spec-version"
    assert "9.0.0" in err.zh and "9.0.0" in err.en and SPEC.info.spec_version in err.en
    assert err.file == str(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_message_type_is_refused(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    _edit_header(path, fmt, "messageType", "weather-report")
    with pytest.raises(X.UnknownMessageTypeError) as caught:
        X.open_message(path)
    assert "weather-report" in caught.value.en


def test_known_spec_versions_come_from_the_spec() -> None:
    assert X.known_spec_versions() == (SPEC.info.spec_version, *SPEC.info.previous_versions)


def test_xml_in_another_namespace_is_refused(write_message: WriteMessage) -> None:
    path = write_message("xml")
    path.write_text(path.read_text("utf-8").replace(SPEC.info.namespace, "urn:sedata:spec:2", 1), "utf-8")
    with pytest.raises(X.UnknownSpecVersionError) as caught:
        X.read(path)
    assert "urn:sedata:spec:2" in caught.value.en


def test_xml_root_must_match_the_message_type(write_message: WriteMessage) -> None:
    path = write_message("xml")
    path.write_text(path.read_text("utf-8").replace("InspectionUpload", "AccidentReport"), "utf-8")
    with pytest.raises(X.StructureError) as caught:
        X.read(path)
    assert "AccidentReport" in caught.value.en


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_invalid_header_value_is_a_header_error(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    _edit_header(path, fmt, "sender", "not-a-uscc")
    with pytest.raises(X.HeaderError) as caught:
        X.read(path)
    assert "sender" in caught.value.en


def test_new_header_refuses_an_unknown_message_type() -> None:
    with pytest.raises(X.UnknownMessageTypeError):
        X.new_header("weather-report", SENDER, RECEIVER, 1)
    with pytest.raises(X.HeaderError):
        X.new_header("accident-report", SENDER, RECEIVER, 0)  # sequences start at 1


# --- envelope rules ------------------------------------------------------------------------------------

INSPECTION = entity_examples("Inspection")[0]


@pytest.mark.parametrize(
    ("mode", "record", "message"),
    [
        ("snapshot", X.Record("Inspection", INSPECTION, "add", "k", 1), "operation"),
        ("changes", X.Record("Inspection", INSPECTION, "add", None, 1), "recordKey"),
        ("changes", X.Record("Inspection", INSPECTION, None, "k", 1), "operation"),
        ("changes", X.Record("Inspection", INSPECTION, "delete", "k", 1), "no data"),
        ("changes", X.Record("Inspection", None, "add", "k", 1), "data"),
        ("changes", X.Record("Inspection", INSPECTION, "replace", "k", 1), "replace"),
        ("changes", X.Record("Inspection", INSPECTION, "add", "k", 0), "recordVersion"),
        ("snapshot", X.Record("Accident", INSPECTION), "Accident"),
    ],
)
def test_writer_enforces_the_envelope_rules(mode: str, record: X.Record, message: str, tmp_path: Path) -> None:
    with pytest.raises(X.UnwritableRecordError) as caught:
        X.write(
            tmp_path / "a.json", [record], message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode=mode
        )
    assert message in caught.value.en
    assert caught.value.index == 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"designLifeYears": "20"}, "integer"),
        ({"designLifeYears": 20.0}, "integer"),
        ({"designLifeYears": True}, "integer"),
        ({"productName": 5}, "string"),
        ({"relatedUnits": []}, "non-empty array"),
        ({"relatedUnits": [{"unitRole": "制造", "unitName": "x", "colour": "red"}]}, "colour"),
        ({"colour": "red"}, "colour"),
        ({"productName": "控制字符\x01"}, "XML"),
    ],
)
def test_writer_refuses_data_that_cannot_travel_losslessly(
    change: dict[str, Any], message: str, tmp_path: Path
) -> None:
    data = {**entity_examples("Equipment")[3], **change}
    with pytest.raises(X.UnwritableRecordError) as caught:
        X.write(
            tmp_path / "a.xml",
            [X.Record("Equipment", data)],
            message_type="inspection-upload",
            sender=SENDER,
            receiver=RECEIVER,
        )
    assert message in caught.value.en
    assert list(tmp_path.iterdir()) == []


def test_write_accepts_models_records_and_json_envelopes(tmp_path: Path) -> None:
    import sedata.elements as E

    envelope = {"recordType": "Inspection", "data": INSPECTION}
    model = E.Inspection.model_validate(INSPECTION)
    header = X.write(
        tmp_path / "a.jsonl",
        [envelope, model, X.Record("Inspection", INSPECTION)],
        message_type="inspection-upload",
        sender=SENDER,
        receiver=RECEIVER,
    )
    records = X.read(tmp_path / "a.jsonl").records
    assert header.record_count == 3
    assert records[0].to_json_data() == records[1].to_json_data() == records[2].to_json_data()


def test_record_key_joins_the_business_key_in_spec_order() -> None:
    assert X.record_key("Inspection", INSPECTION) == "ZZ2026FTC00318"
    change = {"equipmentCode": "215010890201500098", "changeDate": "2026-02-01", "useStatus": "3"}
    assert X.record_key("StatusChange", change) == "215010890201500098|2026-02-01"


def test_write_refuses_an_unknown_format_and_digest(tmp_path: Path) -> None:
    with pytest.raises(X.UnknownFormatError):
        X.write(tmp_path / "a.csv", [], message_type="accident-report", sender=SENDER, receiver=RECEIVER, format="csv")
    with pytest.raises(X.DigestUnavailableError):
        X.write(
            tmp_path / "a.json",
            [],
            message_type="accident-report",
            sender=SENDER,
            receiver=RECEIVER,
            digest_algorithm="md5",
        )
