"""A file that is not well-formed: the syntax finding names the line and column where reading failed.

A receiver with a 50 MB single-line JSON document needs more than "line 1": the column (in characters, from
1) is where an editor's cursor goes. Each case breaks a real sample at a known place and checks both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sedata.validate import validate_file

from .conftest import sample, write_sample


def _broken(tmp_path: Path, fmt: str, marker: str, insert: str, *, after: str = "") -> tuple[Path, int, int]:
    """A sample with ``insert`` written just before the first ``marker`` past ``after``; its line and column."""
    records, _ = sample("inspection-upload", 3, 7, 0.0)
    path = write_sample(tmp_path / f"m.{fmt}", "inspection-upload", fmt, records)
    text = path.read_text(encoding="utf-8")
    at = text.index(marker, text.index(after) if after else 0)
    path.write_text(text[:at] + insert + text[at:], encoding="utf-8")
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)  # characters, not bytes: the sample has Chinese text before
    return path, line, column


@pytest.mark.parametrize(
    ("fmt", "after"),
    [("json", '"records"'), ("jsonl", '"recordType"')],
)
def test_json_syntax_error_has_line_and_column(tmp_path: Path, fmt: str, after: str) -> None:
    # A stray name with no quotes where a member name should be: the parser stops on its first character.
    path, line, column = _broken(tmp_path, fmt, '"data"', "x,", after=after)
    report = validate_file(path)
    first = report.findings[0]
    assert first.rule == "SE-SYN-003"
    assert (first.line, first.column) == (line, column)
    assert str(column) in first.message.en and f"第 {column} 列" in first.message.zh


def test_json_document_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    # The break comes after Chinese text (3 bytes a character in UTF-8): a byte count would overshoot.
    path, line, column = _broken(tmp_path, "json", '"userUnitName"', "x,", after='"records"')
    report = validate_file(path)
    first = report.findings[0]
    assert (first.line, first.column) == (line, column)
    text = path.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) > len(text)  # there is multi-byte text, so the two counts differ


def test_xml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path, line, _ = _broken(tmp_path, "xml", "</records>", "<", after="<records")
    report = validate_file(path)
    first = report.findings[0]
    assert first.rule == "SE-SYN-003"
    assert first.line == line
    assert first.column is not None and first.column >= 1


def test_column_survives_the_reading_buffer_sliding_on(tmp_path: Path) -> None:
    # A one-line document far longer than the scanner's buffer: the column is counted across dropped text.
    records, _ = sample("inspection-upload", 600, 11, 0.0)
    path = write_sample(tmp_path / "big.json", "inspection-upload", "json", records)
    text = path.read_text(encoding="utf-8")
    at = text.rindex('"data"')
    path.write_text(text[:at] + "x," + text[at:], encoding="utf-8")
    assert "\n" not in text[:at] and len(text[:at].encode("utf-8")) > 4 * 65536
    first = validate_file(path).findings[0]
    assert (first.rule, first.line, first.column) == ("SE-SYN-003", 1, at + 1)
