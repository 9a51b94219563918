"""The columnar engine's per-partition functions, of the row engine's shape (``--jobs`` and Dask map them).

:func:`chunk` checks the lines of one byte range of a JSON Lines file and returns what the row engine's
chunk function returns — findings, record count, canonical lines for the digest (with ``as_written``, spans
of the file and only the lines that differ from theirs), the first of the blank lines
that end the range, why it stopped, and what the run's key index reads of each record — so the reducer
(:func:`sedata.validate.parallel._merge`, or the Dask client) folds either engine's results the same way:
digest and count per file, keys across chunks and files, ``--max-errors``, the order of findings.
:func:`whole` checks one whole file (an XML or JSON document, or a file too small to split).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from array import array
from collections.abc import Sequence
from typing import Any

from sedata.columnar.engine import BATCH_ROWS, Canonical, LineSink, check_lines, reading_error, run_records
from sedata.exchange import ExchangeError
from sedata.spec import Spec, current
from sedata.validate.engine import FileRun
from sedata.validate.layers.crossfile import _plans
from sedata.validate.parallel import Chunk, ChunkResult, KeyGroup, Span, _Collector, _Lite, _Options, _whole
from sedata.validate.report import FileReport


def chunk(path: str | os.PathLike[str], part: Chunk, options: _Options) -> ChunkResult:
    """Check the record lines of ``part`` of the JSON Lines file ``path`` (header read again, it is small)."""
    spec = options.spec or current()
    run = FileRun(path, spec, options.fail_on, options.max_errors, options.today)
    collector = (_Bulk(spec, part.line) if options.bulk else _Collector(spec)) if options.lite else None
    run.observer = collector  # before open: with an index, the business layer leaves repeated keys to it
    if not run.open():  # the main process read the header, so only a file changed meanwhile gets here
        return ChunkResult(run.report.findings, 0, b"", stopped=run.report.stopped)
    assert run.reader is not None
    written = _AsWritten(path, part.start) if options.as_written else None
    canonical: LineSink = written if written is not None else Canonical()
    trailing: int | None = None
    with run.reader, written or contextlib.nullcontext():
        try:
            # A chunk starts at a record line: its first record's index is its line number less the header's.
            trailing, _ = check_lines(run, part.start, part.end, part.line, part.line - 2, canonical)
        except ExchangeError as exc:
            reading_error(run, exc)
        except Exception as exc:  # as FileRun.run: the file gets its own finding, the run goes on
            run.internal_error(exc)
    report = run.report
    return ChunkResult(
        report.findings,
        report.records,
        bytes(canonical.data) if isinstance(canonical, Canonical) else b"",
        trailing,
        report.stopped,
        collector.lite if collector else [],
        collector.groups if isinstance(collector, _Bulk) else [],
        written.pieces if written else None,
    )


class _AsWritten:
    """The digest's input of a chunk told as the file's own bytes wherever a record's canonical line is its line
    as written (every row the screen let through), and as the canonical line only where it differs.

    Lines come in file order, one per record (a blank line before a record ends the chunk with an error), so
    each is compared with the file's next line: equal ones extend a span :class:`Span`, others are kept whole.
    The main process hashes the spans from the file, so a chunk sends back a few tuples, not all its lines.
    """

    def __init__(self, path: str | os.PathLike[str], start: int):
        self.file = open(path, "rb")  # closed by __exit__, with the chunk's reader
        self.file.seek(start)
        self.at = start
        self.pieces: list[Span | bytes] = []

    def __enter__(self) -> _AsWritten:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def add_lines(self, lines: bytes, count: int) -> None:
        """``count`` canonical lines, each followed by a line feed: one span when the file holds them as they are."""
        if self.file.read(len(lines)) == lines:
            self._span(len(lines), count)
        else:
            self.file.seek(self.at)
            for line in lines[:-1].split(b"\n"):
                self.add_line(line)

    def add_line(self, line: bytes) -> None:
        """One record's canonical line: part of a span when the file's next line is that line."""
        raw = self.file.readline()
        if len(raw) == len(line) + 1 and raw.startswith(line) and raw.endswith(b"\n"):
            self._span(len(raw), 1)
        else:  # rewritten (a flagged row), or the file's last line, which has no line feed
            self.pieces.append(line)
            self.at += len(raw)

    def _span(self, size: int, records: int) -> None:
        pieces, at = self.pieces, self.at
        last = pieces[-1] if pieces else None
        if isinstance(last, Span) and last.end == at:
            pieces[-1] = Span(last.start, at + size, last.records + records)
        else:
            pieces.append(Span(at, at + size, records))
        self.at = at + size


class _Bulk(_Collector):
    """The worker's stand-in for the run's key index that also takes the screen's keys in bulk, as
    :class:`KeyGroup` s for the main process to replay (it keeps no index, so it leaves no row to observe)."""

    def __init__(self, spec: Spec, first_line: int):
        super().__init__(spec)
        self.first_line = first_line
        self.groups: list[KeyGroup] = []
        plans = _plans(spec)
        self.referring = {
            kind: tuple(dict.fromkeys(r.steps[0] for r in plan.references))
            for kind, plan in plans.items()
            if plan.references
        }
        self.targets = {kind for kind, plan in plans.items() if plan.is_target}

    def observe_keys(
        self,
        file: str,
        record_type: str,
        keys: Sequence[str],
        datas: Sequence[dict[str, Any]],
        indexes: Sequence[int],
        lines: Sequence[int],
    ) -> list[int]:
        """Keep one batch's keys of one record type; none is left for row-by-row observing here."""
        if not keys:
            return []
        members = self.referring.get(record_type)
        kept = [{n: d[n] for n in members if n in d} for d in datas] if members else None
        # check_lines screens the chunk in batches of BATCH_ROWS lines from its first line: the batch a key's
        # line falls in tells which groups the main process must take together.
        batch = (lines[0] - self.first_line) // BATCH_ROWS
        group = KeyGroup(batch, len(self.lite), record_type, list(keys), kept, array("q", indexes), array("q", lines))
        at = len(self.groups)
        if record_type in self.targets:
            # Referenced entities first within a batch: references to them in the same batch then resolve in
            # bulk rather than each being left to the main process. The index ends the same either way (a
            # value found among the targets is resolved; the batch's rows are observed after all its groups).
            while at and self.groups[at - 1].batch == batch and self.groups[at - 1].kind not in self.targets:
                at -= 1
        self.groups.insert(at, group)
        return []


def whole(path: str | os.PathLike[str], options: _Options) -> tuple[FileReport, list[_Lite]]:
    """Check one whole file with the columnar engine (its finished report, what the key index reads)."""
    return _whole(path, dataclasses.replace(options, records=run_records))
