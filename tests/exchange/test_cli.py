"""``sedata convert`` and ``sedata inspect``: output, exit codes, and bilingual errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app

from .conftest import ROOT, WriteMessage

runner = CliRunner()


@pytest.mark.parametrize(("target", "to", "expected"), [("out.xml", None, "xml"), ("out.data", "jsonl", "jsonl")])
def test_convert_writes_the_target_format(
    target: str, to: str | None, expected: str, write_message: WriteMessage, tmp_path: Path
) -> None:
    source = write_message("json")
    args = ["convert", str(source), str(tmp_path / target)] + (["--to", to] if to else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "converted 6 records" in result.output
    assert X.detect_format(tmp_path / target) == expected
    assert X.read(tmp_path / target).to_json_data() == X.read(source).to_json_data()


def test_convert_without_a_known_target_format_is_a_usage_error(write_message: WriteMessage, tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(write_message("json")), str(tmp_path / "out.data")])
    assert result.exit_code == 2
    assert "--to" in result.output


def test_inspect_prints_header_counts_and_verification(write_message: WriteMessage) -> None:
    result = runner.invoke(app, ["inspect", str(write_message("xml"))])
    assert result.exit_code == 0, result.output
    for text in ("inspection-upload", "Equipment", "Inspection", "count and digest verified", "合计 / total"):
        assert text in result.output


def test_inspect_json_counts_per_type_and_operation(tmp_path: Path) -> None:
    result = runner.invoke(app, ["inspect", "--json", str(ROOT / "examples" / "messages" / "inspection-upload.jsonl")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["format"] == "jsonl"
    assert data["header"]["messageType"] == "inspection-upload"
    assert data["counts"] == [
        {"recordType": "Equipment", "operation": "update", "count": 1},
        {"recordType": "Inspection", "operation": "add", "count": 1},
        {"recordType": "Inspection", "operation": "delete", "count": 1},
    ]
    assert data["digest"]["verified"] is True
    assert data["digest"]["computed"] == data["header"]["digest"]
    assert data["problem"] is None


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "unknown-format"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "unsafe-xml"),
        (b'{"header": {"specVersion": "7.0.0"}}\n', "unknown-spec-version"),
        (b'{"header": {', "truncated"),
    ],
)
def test_bad_input_exits_2_with_a_bilingual_message(content: bytes, code: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    for command in (["inspect", str(path)], ["convert", str(path), str(tmp_path / "out.xml")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "错误" in result.output and "error" in result.output
        assert f"[{code}]" in result.output
        assert "Traceback" not in result.output
        assert not (tmp_path / "out.xml").exists()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["inspect", str(tmp_path / "nope.xml")])
    assert result.exit_code == 2
    assert "file-access" in result.output
