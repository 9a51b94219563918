"""A run: files validated together, one after another or in processes, with the checks that need them all.

The per-file work is :func:`sedata.validate.engine.validate_file` (or, with ``jobs`` > 1,
:mod:`sedata.validate.parallel`, which calls it); this module sits above both, so neither imports the other
back. What needs every file — the cross-record key index, reference datasets, refused inputs, the lines
of the places findings name — is done here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import Any, Literal

from sedata import __version__
from sedata.spec import Spec, current
from sedata.validate.engine import FileRun, Progress, RecordsRun, active_layers, file_size, finish, validate_file
from sedata.validate.layers import registry
from sedata.validate.layers.base import Signatures
from sedata.validate.layers.trust import trust_store
from sedata.validate.places import locate_all
from sedata.validate.report import FileReport, Report, Severity, store_of

Engine = Literal["row", "columnar", "auto"]
"""How records are checked: one by one (``row``); screened in columns, flagged rows confirmed one by one
(``columnar``, same report); or by file size, columnar from :data:`COLUMNAR_FROM_BYTES` on (``auto``)."""

COLUMNAR_FROM_BYTES = 3 << 20
"""``auto`` checks a file this large or larger with the columnar engine, a smaller one with the row engine.

Measured with ``sedata validate`` on inspection-upload samples (CPU seconds, loaded 2-core machine): the
columnar engine costs ~0.3 s more to start (polars, the compiled screen) and saves ~0.07-0.08 ms per record,
so it is slower at 1,000 records (0.7 MB JSON Lines, 0.9 MB XML), about even near 3,000-4,000 and faster from
5,000 (3.3 MB JSON Lines: 1.6 s against 1.9 s; 20,000: 2.9 s against 4.2 s). See the README's performance section.
"""


def records_run(engine: Engine) -> RecordsRun | None:
    """The per-file records check of ``engine`` (None: the row engine's own)."""
    if engine == "row":
        return None
    if engine == "auto":
        return by_size
    if engine == "columnar":
        return columnar_records
    raise ValueError(f"unknown engine {engine!r}")


def columnar_records(run: FileRun, progress: Progress | None = None) -> None:
    """The columnar engine's records check (:func:`sedata.columnar.engine.run_records`), polars loaded when a file
    is checked: ``--jobs`` can then fork its workers from a process that has not loaded it."""
    import sedata.columnar.engine as columnar

    columnar.run_records(run, progress)


def by_size(run: FileRun, progress: Progress | None = None) -> None:
    """``auto``: the columnar engine for a file of :data:`COLUMNAR_FROM_BYTES` or more, else the row engine."""
    if file_size(run.path) >= COLUMNAR_FROM_BYTES:
        import sedata.columnar.engine as columnar

        columnar.run_records(run, progress)
    else:
        assert run.reader is not None
        run.run(run.reader, progress)


def _chunk_function(engine: Engine) -> Any:
    """The per-chunk function ``--jobs`` workers run for ``engine`` (None: the row engine's)."""
    # Only files of two chunks or more (16 MiB) are split, far above COLUMNAR_FROM_BYTES: auto's are columnar.
    return _columnar_chunk if engine in ("columnar", "auto") else None


def _chunk_rows(engine: Engine) -> int:
    """Lines per batch of ``engine``'s chunk function (1: it checks line by line)."""
    if engine in ("columnar", "auto"):
        from sedata.columnar.read import LINE_BATCH_ROWS  # loads no polars: workers are forked after this

        return LINE_BATCH_ROWS
    return 1


def _columnar_chunk(path: str | os.PathLike[str], chunk: Any, options: Any) -> Any:
    from sedata.columnar.chunk import chunk as check  # imported in the worker that checks a chunk

    return check(path, chunk, options)


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    jobs: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
    ledger: str | os.PathLike[str] | None = None,
    signatures: Signatures | None = None,
    references: Iterable[str | os.PathLike[str]] = (),
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    engine: Engine = "auto",
) -> Report:
    """Validate each file (``max_errors`` applies per file) and return the report of the run.

    ``jobs`` > 1 validates in that many processes: files side by side, and large JSON Lines files split
    into chunks (the findings are the same as with one process). ``engine`` is ``row``, ``columnar`` or
    ``auto`` (the default: by file size, see :data:`COLUMNAR_FROM_BYTES`); every engine gives the same report.
    ``progress(file, done, total)`` is called
    now and then with bytes read. ``ledger`` (a file, created if missing) switches on the sequence layer:
    packages are judged and recorded in the order given. Raises :class:`sedata.ledger.LedgerError` when the
    ledger cannot be used. ``signatures`` switches on the trust layer (raises
    :class:`sedata.trust.errors.TrustError` when a certificate cannot be loaded). Business keys must be unique
    across the files, and references resolve within them or in the ``references`` datasets (cross-record
    layer; a reference file that cannot be read is reported as a file of the run).

    A FIFO, a pipe or ``-`` (standard input) is read once into a private copy first; a FIFO nobody opens for
    writing within ``wait`` seconds (``on_wait(name)`` is called when it takes a while) and a device get a
    finding of their own. Every file gets its report, whatever another file holds.
    """
    from sedata.validate import inputs

    spec = spec or current()
    day = today or dt.date.today()
    checks = records_run(engine)
    xrf = registry.CROSS_RECORD.start(spec, day)
    unreadable = [_reference_report(r, xrf, spec, fail_on) for r in references]
    with contextlib.ExitStack() as stack:
        given = inputs.prepare(paths, stack, wait=inputs.DEFAULT_WAIT if wait is None else wait, on_wait=on_wait)
        readable: list[str | os.PathLike[str]] = [item.path for item in given if item.path is not None]
        book = None
        if signatures is not None:
            trust_store(signatures.trust)  # a bad certificate is a usage error before any file is read
        if ledger is not None:
            from sedata.ledger import Ledger

            book = stack.enter_context(Ledger(ledger))
        if jobs > 1:
            from sedata.validate.parallel import validate_parallel

            files = validate_parallel(
                readable,
                jobs,
                fail_on=fail_on,
                max_errors=max_errors,
                spec=spec,
                today=day,
                progress=progress,
                ledger=book,
                signatures=signatures,
                observer=xrf,
                records=checks,
                chunk_fn=_chunk_function(engine),
                chunk_rows=_chunk_rows(engine),
            )
        else:
            files = []
            for p in readable:
                total = file_size(p)
                files.append(
                    validate_file(
                        p,
                        fail_on=fail_on,
                        max_errors=max_errors,
                        spec=spec,
                        today=day,
                        ledger=book,
                        signatures=signatures,
                        observer=xrf,
                        records=checks,
                        progress=_bytes_of(progress, str(p), total) if progress is not None else None,
                    )
                )
                if progress is not None:
                    progress(str(p), total, total)
    read = iter(files)
    files = [
        next(read)
        if item.path is not None
        else finish(
            inputs.refused_report(item, spec, fail_on),
            spec,
            active_layers(ledger=ledger is not None, signatures=signatures is not None, run=True),
        )
        for item in given
    ]
    _run_findings(files, xrf)
    files = [inputs.shown_as(report, item.name) for report, item in zip(files, given, strict=True)]
    files += [r for r in unreadable if r is not None]
    locate_all(files)  # lines and columns of the fields findings name (JSON documents have none from the reader)
    return Report(files, spec.info.spec_version, __version__, fail_on)


def _reference_report(path: str | os.PathLike[str], xrf: Any, spec: Spec, fail_on: Severity) -> FileReport | None:
    """Index a reference dataset; a report only when it could not be read (else it is not part of the output)."""
    found = xrf.add_reference(path, fail_on)
    if not found:
        return None
    report = FileReport(str(path), fail_on=fail_on, findings=list(found))
    report.stopped = "unreadable" if any(f.rule == "SE-SYN-001" for f in found) else "broken"
    return finish(report, spec)


def _run_findings(files: list[FileReport], xrf: Any) -> None:
    """Add the cross-record findings, made once every file was read, to each file's report."""
    found = xrf.finish()
    partly = xrf.not_checked()
    for report in files:
        added = found.get(report.file, [])
        if report.stopped == "max-errors":  # keep to the records that were read
            added = [f for f in added if f.index is None or f.index < report.records]
        report.findings.extend(added)
        fired = store_of(report.findings).by_rule()  # from the store's counts, not a pass over its findings
        for finding in added:
            report.not_checked.pop(finding.rule, None)
        for rule, reason in partly.items():
            if rule not in fired:
                report.not_checked.setdefault(rule, reason)


def _bytes_of(progress: Callable[[str, int, int], None], name: str, total: int) -> Progress:
    def report(done: int) -> None:
        progress(name, done, total)

    return report
