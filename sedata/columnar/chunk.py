"""The columnar engine's per-partition functions, of the row engine's shape (``--jobs`` and Dask map them).

:func:`chunk` checks the lines of one byte range of a JSON Lines file and returns what the row engine's
chunk function returns — findings, record count, canonical lines for the digest, the first of the blank lines
that end the range, why it stopped, and what the run's key index reads of each record — so the reducer
(:func:`sedata.validate.parallel._merge`, or the Dask client) folds either engine's results the same way:
digest and count per file, keys across chunks and files, ``--max-errors``, the order of findings.
:func:`whole` checks one whole file (an XML or JSON document, or a file too small to split).
"""

from __future__ import annotations

import dataclasses
import os

from sedata.columnar.engine import check_lines, reading_error, run_records
from sedata.exchange import ExchangeError
from sedata.spec import current
from sedata.validate.engine import FileRun
from sedata.validate.parallel import Chunk, ChunkResult, _Collector, _Lite, _Options, _whole
from sedata.validate.report import FileReport


def chunk(path: str | os.PathLike[str], part: Chunk, options: _Options) -> ChunkResult:
    """Check the record lines of ``part`` of the JSON Lines file ``path`` (header read again, it is small)."""
    spec = options.spec or current()
    run = FileRun(path, spec, options.fail_on, options.max_errors, options.today)
    collector = _Collector(spec) if options.lite else None
    run.observer = collector  # before open: with an index, the business layer leaves repeated keys to it
    if not run.open():  # the main process read the header, so only a file changed meanwhile gets here
        return ChunkResult(run.report.findings, 0, b"", stopped=run.report.stopped)
    assert run.reader is not None
    lines: list[bytes] = []
    trailing: int | None = None
    with run.reader:
        try:
            # A chunk starts at a record line: its first record's index is its line number less the header's.
            trailing, _ = check_lines(run, part.start, part.end, part.line, part.line - 2, lines.append)
        except ExchangeError as exc:
            reading_error(run, exc)
        except Exception as exc:  # as FileRun.run: the file gets its own finding, the run goes on
            run.internal_error(exc)
    report = run.report
    return ChunkResult(
        report.findings,
        report.records,
        b"\n".join(lines) + b"\n" if lines else b"",
        trailing,
        report.stopped,
        collector.lite if collector else [],
    )


def whole(path: str | os.PathLike[str], options: _Options) -> tuple[FileReport, list[_Lite]]:
    """Check one whole file with the columnar engine (its finished report, what the key index reads)."""
    return _whole(path, dataclasses.replace(options, records=run_records))
