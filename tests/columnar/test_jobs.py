"""``--jobs N --engine columnar``: the columnar per-chunk function, folded by the same reducer as the row engine's.

The reference is always one process of the row engine. Chunks are made tiny so that every cross-chunk case
happens on small files: keys repeated in a later chunk, a broken or blank line in a later chunk,
``--max-errors`` reached inside a chunk, an altered record, and files of the other formats validated whole.
The chunk function itself is compared with the row engine's, chunk by chunk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app
from sedata.columnar.chunk import chunk as columnar_chunk
from sedata.columnar.chunk import whole as columnar_whole
from sedata.sample.generator import sample_records
from sedata.spec import current
from sedata.validate import parallel, validate_files

TODAY = dt.date(2030, 1, 1)
SPEC = current()
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"


def _write(path: Path, count: int, seed: int, rate: float, fmt: str = "jsonl") -> Path:
    records = [r for r, _ in sample_records("inspection-upload", count, seed=seed, invalid_rate=rate)]
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    return path


def _both(paths: list[Path], chunk_bytes: int = 3000, **kw: Any) -> tuple[list[Any], list[Any]]:
    """The row engine in one process, and the columnar engine with ``--jobs 2`` on tiny chunks."""
    one = validate_files(paths, spec=SPEC, today=TODAY, engine="row", **kw).files
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "CHUNK_BYTES", chunk_bytes)
        many = validate_files(paths, spec=SPEC, today=TODAY, jobs=2, engine="columnar", **kw).files
    return [r.to_data() for r in one], [r.to_data() for r in many]


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def _rewrite(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("jobs") / "bad.jsonl", 150, 5, 0.15)


def test_a_split_file_gives_the_findings_of_one_row_process(defective: Path) -> None:
    one, many = _both([defective])
    assert one[0]["findings"], "no findings: the comparison would prove nothing"
    assert many == one


@pytest.mark.parametrize("max_errors", [1, 4, 9])
def test_max_errors_stops_where_one_row_process_stops(defective: Path, max_errors: int) -> None:
    one, many = _both([defective], max_errors=max_errors)
    assert one[0]["stopped"] == "max-errors"
    assert many == one


def test_the_chunk_function_returns_what_the_row_engines_returns(defective: Path) -> None:
    """Per chunk: the same findings, count, canonical lines, trailing blank, stop and key-index rows."""
    chunks = parallel._chunks(defective, SPEC, 3000)
    assert chunks is not None and len(chunks) > 3
    options = parallel._Options(None, "error", None, TODAY, ("syntax", "schema", "codes", "business"), lite=True)
    for part in chunks:
        row = parallel._chunk(defective, part, options)
        col = columnar_chunk(defective, part, options)
        assert col == row, part


def test_keys_repeated_in_a_later_chunk_are_found(tmp_path: Path) -> None:
    path = _write(tmp_path / "dup.jsonl", 60, 7, 0.0)
    lines = _lines(path)
    _rewrite(path, lines + lines[1:4])  # the first records again, in another chunk
    one, many = _both([path])
    rules = [f["rule"] for f in one[0]["findings"]]
    assert rules.count("SE-BIZ-010") == 3 and "SE-SYN-008" in rules
    assert many == one


def test_a_broken_line_in_a_later_chunk_ends_the_file_there(tmp_path: Path) -> None:
    path = _write(tmp_path / "broken.jsonl", 60, 8, 0.0)
    lines = _lines(path)
    lines[45] = lines[45][:-10]
    _rewrite(path, lines)
    one, many = _both([path])
    assert one[0]["stopped"] == "broken"
    assert many == one


def test_a_blank_line_anywhere(tmp_path: Path) -> None:
    path = _write(tmp_path / "blank.jsonl", 30, 9, 0.0)
    lines = _lines(path)
    for at in range(2, len(lines) - 1, 3):  # at chunk ends and inside chunks
        _rewrite(path, [*lines[:at], b"", *lines[at:]])
        one, many = _both([path], chunk_bytes=2500)
        assert one[0]["stopped"] == "broken" and many == one, at
    _rewrite(path, [*lines, b"", b""])
    one, many = _both([path], chunk_bytes=2500)
    assert one[0]["findings"] == [] and many == one


def test_an_altered_record_fails_the_digest(tmp_path: Path) -> None:
    path = _write(tmp_path / "altered.jsonl", 50, 10, 0.0)
    lines = _lines(path)
    envelope = json.loads(lines[30])
    envelope["recordVersion"] = 9
    lines[30] = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    _rewrite(path, lines)
    one, many = _both([path])
    assert [f["rule"] for f in one[0]["findings"]] == ["SE-SYN-009"]
    assert many == one


def test_keys_repeated_across_files_of_every_format(tmp_path: Path, defective: Path) -> None:
    """Documents go whole to a worker (or, when large, stay in the main process) through the columnar engine."""
    again = [_write(tmp_path / f"again.{fmt}", 20, 5, 0.15, fmt) for fmt in ("xml", "json")]
    one, many = _both([defective, *again])
    assert sum(f["rule"] == "SE-XRF-001" for f in one[1]["findings"]) >= 10
    assert many == one
    one, many = _both([defective, *again], chunk_bytes=200)  # large documents: validated in the main process
    assert many == one


def test_the_whole_file_function_is_the_columnar_engine(tmp_path: Path) -> None:
    path = _write(tmp_path / "doc.xml", 40, 3, 0.2, "xml")
    options = parallel._Options(None, "error", None, TODAY, ("syntax", "schema", "codes", "business"))
    row, _ = parallel._whole(path, options)
    col, _ = columnar_whole(path, options)
    assert col.findings and col.to_data() == row.to_data()


def test_the_cli_jobs_2_columnar_writes_the_report_of_jobs_1_row(defective: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    outs = []
    for jobs, engine in (("1", "row"), ("2", "columnar")):
        out = tmp_path / f"r{jobs}.json"
        argv = ["validate", str(defective), "--jobs", jobs, "--engine", engine, "--today", "2030-01-01"]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(parallel, "CHUNK_BYTES", 4000)
            result = runner.invoke(app, [*argv, "--max-errors", "7", "-f", "json", "-o", str(out)])
        assert result.exit_code == 1, result.output
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    assert outs[0]["files"] == outs[1]["files"]
    assert outs[0]["files"][0]["stopped"] == "max-errors"


def _spaced(path: Path, every: int) -> list[int]:
    """Every ``every``-th record line written with spaces after its separators (not canonical, same digest), and
    the last line feed dropped: lines a chunk must send as canonical lines, not as spans of the file."""
    lines = _lines(path)
    changed = list(range(1, len(lines), every))
    for at in changed:
        lines[at] = json.dumps(json.loads(lines[at]), ensure_ascii=False).encode()
    path.write_bytes(b"\n".join(lines))
    return changed


def test_a_chunk_sent_as_written_is_its_canonical_lines(tmp_path: Path) -> None:
    """Spans of the file and the lines sent between them make exactly the canonical lines the chunk would send."""
    path = _write(tmp_path / "spaced.jsonl", 80, 11, 0.1)
    changed = _spaced(path, 7)
    chunks = parallel._chunks(path, SPEC, 3000)
    assert chunks is not None and len(chunks) > 3
    options = parallel._Options(None, "error", None, TODAY, ("syntax", "schema", "codes", "business"), lite=True)
    data = path.read_bytes()
    sent = 0
    for part in chunks:
        whole = columnar_chunk(path, part, options)
        written = columnar_chunk(path, part, dataclasses.replace(options, as_written=True))
        assert written.written is not None and written.canonical == b"" and whole.written is None
        pieces = written.written
        made = b"".join(data[p.start : p.end] if isinstance(p, parallel.Span) else p + b"\n" for p in pieces)
        assert made == whole.canonical, part
        lines = [p for p in pieces if isinstance(p, bytes)]
        sent += len(lines)
        assert sum(p.records for p in pieces if isinstance(p, parallel.Span)) + len(lines) == whole.records
        assert dataclasses.replace(written, written=None, canonical=whole.canonical) == whole
    assert len(changed) <= sent < 40  # the spaced lines, the flagged records and the last line; not the others


def test_a_file_of_lines_not_as_written_verifies_as_in_one_process(tmp_path: Path) -> None:
    path = _write(tmp_path / "spaced.jsonl", 60, 12, 0.0)
    _spaced(path, 5)
    one, many = _both([path])
    assert one[0]["verified"] and one[0]["findings"] == []
    assert many == one


@pytest.mark.parametrize("rows", [2, 3, 5])
def test_chunks_of_whole_batches_give_the_findings_of_one_row_process(defective: Path, rows: int) -> None:
    """Chunks made of whole batches of ``rows`` lines (as ``--jobs`` makes them for the columnar engine's batches):
    each starts at a line, numbered as in the file, and all but the last hold a multiple of ``rows`` lines."""
    data = defective.read_bytes()
    chunks = parallel._chunks(defective, SPEC, 3000, rows)
    assert chunks is not None and len(chunks) > 3
    assert chunks[0].start == data.index(b"\n") + 1 and chunks[-1].end == len(data)
    for part, after in itertools.pairwise(chunks):
        assert part.end == after.start and data[after.start - 1 : after.start] == b"\n"
        assert after.line == data.count(b"\n", 0, after.start) + 1
        assert (after.line - part.line) % rows == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sedata.validate.run._chunk_rows", lambda engine: rows)
        one, many = _both([defective])
    assert one[0]["findings"] and many == one
