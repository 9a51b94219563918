"""JSON Lines read in batches, and checked with the next batch screened in a worker thread.

(a) ``line_batches`` gives every line of a byte range with its offset, in batches of exactly ``rows`` lines
(the last one shorter), whatever the block size reads cut them at;
(b) with the screen run ahead in a thread (forced on small files, batches of a few lines) or not, the
columnar report is still the row engine's: findings and their order, ``--max-errors`` stops, blank and
broken lines in a later batch, an open last line, the digest over runs of lines as written;
(c) an error of a batch (reading or screening) is raised where it would be without the thread;
(d) a chunk of ``--jobs`` keeps the row engine's canonical lines, also when a row's check fails.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sedata import exchange as X
from sedata.columnar import engine as columnar_engine
from sedata.columnar import read as columnar_read
from sedata.columnar.chunk import chunk as columnar_chunk
from sedata.columnar.read import LineBatch, line_batches
from sedata.sample.generator import sample_records
from sedata.spec import current
from sedata.validate import parallel, validate_files
from sedata.validate.layers.business import Business
from tests.columnar.helpers import TODAY, flagged_indexes, reports, write_lines

SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"

line_bytes = st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"x"))


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(line_bytes, max_size=30),
    closed=st.booleans(),
    rows=st.integers(1, 6),
    block=st.integers(1, 40),
    cut=st.data(),
)
def test_batches_hold_every_line_with_its_offset(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], closed: bool, rows: int, block: int, cut: Any
) -> None:
    data = b"\n".join(lines) + (b"\n" if closed and lines else b"")
    path = tmp_path_factory.mktemp("lines") / "f.jsonl"
    path.write_bytes(data)
    starts = [0] + [i + 1 for i, c in enumerate(data) if c == 10]  # line boundaries
    start = cut.draw(st.sampled_from(starts))
    end = cut.draw(st.sampled_from([None] + [s for s in starts if s >= start] + ([len(data)] if closed else [])))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columnar_read, "BLOCK_BYTES", block)
        batches = list(line_batches(str(path), start, 7, rows, end))
    piece = data[start:end]
    expected = piece.split(b"\n")
    if expected[-1] == b"":
        expected.pop()  # the line feed ends the last line
    assert [raw for b in batches for raw in b.lines] == expected
    offsets = [start + sum(len(x) + 1 for x in expected[:i]) for i in range(len(expected))]
    assert [o for b in batches for o in b.offsets] == offsets
    assert [len(b.lines) for b in batches[:-1]] == [rows] * (len(batches) - 1)
    assert all(0 < len(b.lines) <= rows for b in batches)
    assert [b.first_line for b in batches] == [7 + rows * k for k in range(len(batches))]
    assert [b.ends_open for b in batches] == [False] * (len(batches) - 1) + (
        [not piece.endswith(b"\n")] if piece else []
    )


def _sample(path: Path, count: int, seed: int, rate: float) -> Path:
    records = [r for r, _ in sample_records("inspection-upload", count, seed=seed, invalid_rate=rate)]
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    return path


@pytest.fixture(params=[False, True], ids=["in-turn", "ahead"])
def ahead(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Batches of 4 lines, screened in turn or ahead in a worker thread; yields the names of the threads that
    screened (so a test proves the thread ran)."""
    threads: set[str] = set()
    screen = columnar_engine.screen

    def spy(batch: LineBatch, plan: Any) -> Any:
        threads.add(threading.current_thread().name)
        return screen(batch, plan)

    monkeypatch.setattr(columnar_engine, "screen", spy)
    monkeypatch.setattr(columnar_engine, "BATCH_ROWS", 4)
    monkeypatch.setattr(columnar_engine, "AHEAD_FROM_BYTES", 0 if request.param else 1 << 62)
    yield threads
    if threads:
        assert (threads == {threading.main_thread().name}) != request.param


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _sample(tmp_path_factory.mktemp("ahead") / "bad.jsonl", 40, 11, 0.3)


@pytest.mark.parametrize("max_errors", [None, 1, 4, 9])
def test_findings_and_stops_are_the_row_engines(defective: Path, ahead: set[str], max_errors: int | None) -> None:
    row, col = reports([defective], max_errors=max_errors)
    found = json.loads(row)["files"][0]
    assert found["findings"] and (max_errors is None or found["stopped"] == "max-errors")
    assert col == row
    assert ahead


@pytest.mark.parametrize(
    "change",
    [
        lambda lines: [*lines[:9], b"", *lines[9:]],  # a blank line between records, in the third batch
        lambda lines: [*lines[:13], lines[13][:-4], *lines[14:]],  # a broken line in a later batch
        lambda lines: [*lines, b"", b""],  # blank lines at the end
        lambda lines: [*lines[:-1], lines[-1] + b"\r"],  # a CR on the last line
        lambda lines: [*lines[:10], lines[10].replace(b'"data":{', b'"data": {'), *lines[11:]],  # not canonical
        lambda lines: [*lines[:6], lines[6].replace(b"2", b"3", 1), *lines[7:]],  # the digest no longer matches
    ],
    ids=["blank", "broken", "trailing-blank", "cr", "spacing", "digest"],
)
def test_line_changes_in_later_batches(tmp_path: Path, ahead: set[str], change: Any) -> None:
    base = _sample(tmp_path / "base.jsonl", 18, 3, 0.0)
    lines = change(base.read_bytes().split(b"\n")[:-1])
    path = write_lines(tmp_path / "changed.jsonl", lines)
    row, col = reports([path])
    assert col == row
    assert ahead


@pytest.mark.parametrize(
    "cut",
    [
        1,
        9,
    ],
    ids=["whole", "broken"],
)
def test_an_open_last_line(tmp_path: Path, ahead: set[str], cut: int) -> None:
    """The last line without its line feed is read as the reader reads it: whole (and digested with one), or
    broken."""
    base = _sample(tmp_path / "base.jsonl", 13, 4, 0.2)
    path = tmp_path / "open.jsonl"
    path.write_bytes(base.read_bytes()[:-cut])
    row, col = reports([path])
    assert json.loads(row)["files"][0]["verified"] == (cut == 1)
    assert col == row
    assert ahead


@pytest.mark.parametrize("max_errors", [None, 2])
def test_a_failing_batch_fails_where_it_would_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_errors: int | None
) -> None:
    """A screen or read failing on the fifth batch gives the file its internal-error finding after the rows of the
    four batches before it, ahead or not; a run that stops before that batch never sees the failure."""
    path = _sample(tmp_path / "bad.jsonl", 30, 8, 0.2)
    monkeypatch.setattr(columnar_engine, "BATCH_ROWS", 4)
    screen, batches = columnar_engine.screen, columnar_engine.line_batches

    def failing_screen(batch: LineBatch, plan: Any) -> Any:
        if batch.first_line >= 2 + 4 * 4:
            raise RuntimeError("screen failed")
        return screen(batch, plan)

    def failing_read(*args: Any, **kw: Any) -> Iterator[LineBatch]:
        for batch in batches(*args, **kw):
            if batch.first_line >= 2 + 4 * 4:
                raise OSError("read failed")
            yield batch

    out = []
    for fails in ("screen", "read"):
        with monkeypatch.context() as patch:
            if fails == "screen":
                patch.setattr(columnar_engine, "screen", failing_screen)
            else:
                patch.setattr(columnar_engine, "line_batches", failing_read)
            for threshold in (1 << 62, 0):
                patch.setattr(columnar_engine, "AHEAD_FROM_BYTES", threshold)
                report = validate_files([path], today=TODAY, engine="columnar", max_errors=max_errors).files[0]
                out.append(report.to_data())
    in_turn, ahead_screen, read_in_turn, ahead_read = out
    assert in_turn == ahead_screen and read_in_turn == ahead_read
    if max_errors is None:
        assert in_turn["records"] == read_in_turn["records"] == 16
        assert "screen failed" in json.dumps(in_turn) and "read failed" in json.dumps(read_in_turn)
    else:
        assert in_turn["stopped"] == "max-errors" and "failed" not in json.dumps(in_turn) + json.dumps(read_in_turn)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 4 lines (a chunk of ``--jobs`` takes them in turn: its process has no core to spare)."""
    monkeypatch.setattr(columnar_engine, "BATCH_ROWS", 4)


@pytest.mark.parametrize("broken", [None, 17])
def test_a_chunk_keeps_the_canonical_lines_of_the_row_engine(
    tmp_path: Path, small_batches: None, broken: int | None
) -> None:
    """Per chunk of ``--jobs``: the canonical lines (runs of lines as written, confirmed rows rewritten) are the row
    engine's, also up to a broken line, whose chunk's lines are read again for the key index."""

    path = _sample(tmp_path / "chunks.jsonl", 30, 6, 0.2)
    if broken is not None:
        lines = path.read_bytes().split(b"\n")[:-1]
        lines[broken] = lines[broken][:-10]
        write_lines(path, lines)
    chunks = parallel._chunks(path, current(), 6000)
    assert chunks is not None and len(chunks) > 2
    options = parallel._Options(None, "error", None, TODAY, ("syntax", "schema", "codes", "business"), lite=True)
    for part in chunks:
        row = parallel._chunk(path, part, options)
        assert columnar_chunk(path, part, options) == row, part


def test_a_chunk_failing_on_a_row_keeps_the_lines_read_before(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A defect raised while checking a row the screen let through ends the chunk as it ends the row engine's:
    same finding, count and canonical lines (those up to that row, which the main process reads again)."""

    path = _sample(tmp_path / "chunks.jsonl", 30, 6, 0.0)
    flagged = flagged_indexes(path)
    assert flagged is not None
    failing = min(set(range(6, 30)) - flagged)  # a row let through, in a later batch
    findings = Business.findings

    def failing_findings(self: Business, *args: Any) -> Any:
        if args[4].index == failing:  # the row engine's and the columnar engine's call alike
            raise RuntimeError("defect")
        return findings(self, *args)

    monkeypatch.setattr(Business, "findings", failing_findings)
    part = next(p for p in parallel._chunks(path, current(), 6000) or [] if p.line - 2 <= failing < p.line - 2 + 9)
    options = parallel._Options(None, "error", None, TODAY, ("syntax", "schema", "codes", "business"))
    row, col = parallel._chunk(path, part, options), columnar_chunk(path, part, options)
    assert row.stopped == "unreadable" and row.records == failing - (part.line - 2) + 1
    assert (col.findings, col.records, col.canonical, col.stopped) == (
        row.findings,
        row.records,
        row.canonical,
        "unreadable",
    )
