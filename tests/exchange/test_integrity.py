"""Count and digest: a record altered or lost on the way is detected, in every format."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app

from .conftest import WriteMessage

FORMATS = list(X.FORMATS)
# A value of the third record (an inspection report number), as it appears in every format.
VALUE, TAMPERED = "ZZ2026FTC00318", "ZZ2026FTC00319"


def _tamper(path: Path) -> None:
    data = path.read_bytes()
    assert data.count(VALUE.encode()) == 1
    path.write_bytes(data.replace(VALUE.encode(), TAMPERED.encode()))


def _drop_last_record(path: Path, fmt: str) -> None:
    text = path.read_text("utf-8")
    if fmt == "jsonl":
        lines = text.splitlines(keepends=True)
        path.write_text("".join(lines[:-1]), "utf-8")
    elif fmt == "xml":
        lines = text.splitlines(keepends=True)
        assert lines[-3].startswith("<Inspection>")
        path.write_text("".join(lines[:-3] + lines[-2:]), "utf-8")
    else:
        doc = json.loads(text)
        doc["records"].pop()
        path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_altered_value_is_a_digest_mismatch(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    declared = X.read(path).header.digest
    _tamper(path)
    with pytest.raises(X.DigestMismatchError) as caught:
        X.read(path)
    err = caught.value
    assert err.code == "digest-mismatch"
    assert err.expected == declared
    assert err.actual != declared and len(str(err.actual)) == 64
    assert declared in err.en and str(err.actual) in err.en and declared in err.zh


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lost_record_is_a_count_mismatch(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    _drop_last_record(path, fmt)
    with pytest.raises(X.CountMismatchError) as caught:
        X.read(path)
    assert (caught.value.expected, caught.value.actual) == (6, 5)
    assert "6" in caught.value.zh and "5" in caught.value.zh


def test_records_are_handed_out_before_the_check_fails(write_message: WriteMessage) -> None:
    path = write_message("jsonl")
    _tamper(path)
    seen = []
    with pytest.raises(X.DigestMismatchError):
        for record in X.iter_records(path):
            seen.append(record.index)
    assert seen == [0, 1, 2, 3, 4, 5]


def test_a_tampered_header_count_is_detected(write_message: WriteMessage) -> None:
    path = write_message("json")
    path.write_text(path.read_text("utf-8").replace('"recordCount":6', '"recordCount":7'), "utf-8")
    with pytest.raises(X.CountMismatchError):
        X.read(path)


@pytest.mark.skipif("sm3" not in hashlib.algorithms_available, reason="this OpenSSL has no SM3")
def test_sm3_digest_is_written_and_checked(write_message: WriteMessage) -> None:
    path = write_message("xml", digest_algorithm="sm3")
    header = X.read(path).header
    assert header.digest_algorithm == "sm3"
    _tamper(path)
    with pytest.raises(X.DigestMismatchError):
        X.read(path)


runner = CliRunner()


def test_cli_inspect_and_convert_exit_1_on_a_mismatch(write_message: WriteMessage, tmp_path: Path) -> None:
    path = write_message("jsonl")
    _tamper(path)
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 1
    assert "记录摘要不符" in result.output and "digest mismatch" in result.output
    assert "Traceback" not in result.output
    target = tmp_path / "out.xml"
    result = runner.invoke(app, ["convert", str(path), str(target)])
    assert result.exit_code == 1
    assert not target.exists()  # nothing is written from a message that failed its check
    assert sorted(p.name for p in tmp_path.iterdir()) == ["message.jsonl"]
