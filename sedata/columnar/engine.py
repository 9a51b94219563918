"""The columnar engine for one file: screen each batch of records, let the row engine confirm flagged rows.

Per batch, :func:`sedata.columnar.screen.screen` (a pure function) says which rows could carry a finding of
the envelope, schema, codes or business layers. In file order, a flagged row is checked by the row engine's
``_record_findings``, the one place that makes findings; an unflagged row is a record whose canonical line
is the line as written (the digest takes it as is) and whose key goes to the run's key index, with the
batch's others in bulk (:mod:`sedata.columnar.keys`). JSON Lines are screened as read (:func:`check_lines`,
also the per-chunk work of ``--jobs``); XML and JSON documents through their own streaming readers
(:mod:`sedata.columnar.documents`). Count and digest are checked against the header at the end, as the
readers do. A large JSON Lines file checked by one process has its next batch screened in a worker thread
while this one is taken (Polars releases the GIL), so the second core is not left idle.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from itertools import compress
from typing import TYPE_CHECKING, Protocol

from sedata.columnar.keys import feed_keys
from sedata.columnar.read import LINE_BATCH_ROWS, LineBatch, exact_records, line_batches
from sedata.columnar.screen import Plan, Screened, screen
from sedata.exchange import ExchangeError, IntegrityError
from sedata.exchange.jsonl import JsonlReader
from sedata.exchange.reader import integrity_error
from sedata.exchange.records import Digester, Record, canonical_line
from sedata.spec.envelope import DATA, RECORDS
from sedata.validate.context import Where
from sedata.validate.layers import syntax
from sedata.validate.shapes import EntityShape, masked_key

if TYPE_CHECKING:
    from sedata.validate.engine import FileRun, Progress

BATCH_ROWS = LINE_BATCH_ROWS
"""Lines per screened batch (a chunk of ``--jobs`` numbers its batches by it too)."""
AHEAD_FROM_BYTES = 1 << 22
"""A file of this many bytes of records (a few batches) or more is checked by one process with the next batch
screened in a thread (see :func:`check_lines`): below it there is little to overlap."""


def plan_of(run: FileRun) -> Plan:
    """The screen's plan for the opened file ``run`` (its spec, envelope rules, masking and business rules)."""
    rules = run.rules
    return Plan.of(
        run.spec,
        rules.names,
        rules.allowed,
        rules.operations,
        rules.delete,
        rules.changes,
        run.ctx.masking is not None,
        message_type=run.biz.message_type,
        today=run.biz.today,
    )


class Checker:
    """The per-record work of one file, for rows the screen flagged and rows it let through."""

    def __init__(self, run: FileRun):
        from sedata.validate.engine import _record_findings  # the row engine: imported when a file is checked

        self.run = run
        self.plan = plan_of(run)
        self._record_findings = _record_findings

    def confirm(self, record: Record) -> None:
        """A flagged row: the row engine's every layer, as :meth:`FileRun.run` checks a record."""
        run = self.run
        run.report.records += 1
        run.sink.extend(self._record_findings(run.ctx, run.rules, record, run.biz, run.observer))

    def passed(self, record: Record, observe: bool = True) -> None:
        """A row the screen let through (``record.type`` a record type of the message, ``record.data`` an
        object): the key index only, unless its key was indexed in bulk (``observe`` False). The business rules
        run only where the screen did not cover them, and for repeats within the file when no run index sees
        every key (SE-BIZ-010)."""
        run = self.run
        run.report.records += 1
        observer = run.observer if observe else None
        business = self.plan.business is None or not run.biz.unique_elsewhere
        if observer is None and not business:
            return
        entity = run.ctx.shapes[record.type]
        where = Where(line=record.line, index=record.index, record_type=record.type, key_of=_key_of(entity, record))
        if observer is not None:
            observer.observe(run.ctx.file, record, where, set())
        if business:
            assert record.data is not None and record.index is not None
            found = run.biz.findings(entity, record.data, set(), (RECORDS, record.index, DATA), where, record.version)
            if found:
                run.sink.extend(found)

    @property
    def full(self) -> bool:
        """``--max-errors`` reached: the row engine stops reading here."""
        if self.run.sink.full:
            self.run.report.stopped = "max-errors"
            return True
        return False


def run_records(run: FileRun, progress: Progress | None = None) -> None:
    """Check every record of the opened file ``run`` (as :meth:`FileRun.run` does, same findings)."""
    if isinstance(run.reader, JsonlReader):
        run_columnar(run, progress)
    else:
        from sedata.columnar.documents import run_documents

        run_documents(run, progress)


def run_columnar(run: FileRun, progress: Progress | None = None) -> None:
    """Check every record of the opened JSON Lines file ``run``, then its count and digest."""
    reader = run.reader
    assert isinstance(reader, JsonlReader)
    digester = Digester(reader.header.digest_algorithm, run.spec)
    try:
        # One process: the second core screens ahead (the chunks of --jobs keep every core busy without it).
        ahead = os.path.getsize(reader.file) - reader._offset >= AHEAD_FROM_BYTES
        _, stopped = check_lines(run, reader._offset, None, 2, 0, digester, progress, ahead)
        if not stopped:
            problem = integrity_error(reader.header, digester.count, digester.hexdigest(), run.ctx.file)
            if problem is not None:
                raise problem
            reader.verified = True
    except ExchangeError as exc:
        reading_error(run, exc)
    except Exception as exc:  # as FileRun.run: the file gets its own finding, the run goes on
        run.internal_error(exc)
    run.report.verified = reader.verified


def reading_error(run: FileRun, exc: ExchangeError) -> None:
    """A reading error ends the file with one syntax finding (a count or digest mismatch reads to the end)."""
    run.sink.add(syntax.finding(run.ctx, exc, run.path))
    if not isinstance(exc, IntegrityError):
        run.report.stopped = "broken"


class LineSink(Protocol):
    """Where the canonical lines of the records go, in file order (a :class:`Digester`, or :class:`Canonical`)."""

    def add_line(self, line: bytes) -> object:
        """One record's canonical line (without its line feed)."""

    def add_lines(self, lines: bytes, count: int) -> object:
        """``count`` records' canonical lines, each followed by a line feed."""


class Canonical:
    """Canonical lines kept, each followed by a line feed (a chunk's, digested by the main process)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def add_line(self, line: bytes) -> None:
        """Keep one record's canonical line."""
        self.data += line
        self.data += b"\n"

    def add_lines(self, lines: bytes, count: int) -> None:
        """Keep ``count`` records' canonical lines, each already followed by a line feed."""
        self.data += lines


def check_lines(
    run: FileRun,
    start: int,
    end: int | None,
    first_line: int,
    first_index: int,
    canonical: LineSink,
    progress: Progress | None = None,
    ahead: bool = False,
) -> tuple[int | None, bool]:
    """Check the record lines of bytes ``[start, end)`` of the opened JSON Lines file ``run`` (to its end when
    ``end`` is None); line ``first_line`` holds record ``first_index``.

    Each record's canonical line goes to ``canonical``, a run of lines as written at once. With ``ahead`` the
    next batch is screened in a worker thread while this one is taken. Returns the first of the blank lines
    that end the range (None if it ends with a record) and whether ``--max-errors`` stopped it. Raises the
    reader's own error at the first line it cannot read.
    """
    reader = run.reader
    assert isinstance(reader, JsonlReader)
    checker = Checker(run)
    plan = checker.plan
    spec = run.spec
    names = run.rules.names
    rt, op, rk, rv = names.record_type, names.operation, names.record_key, names.record_version
    add_line, add_lines = canonical.add_line, canonical.add_lines
    index = first_index
    pending_blank: tuple[int, int] | None = None  # (offset, line) of the first of blank lines not yet followed
    bulk = run.sink.max_errors is None  # keys in bulk, unless the run may stop part-way through a batch
    # passed() would check no business rule, and no --max-errors can stop the run (a sink without one is never full)
    quiet = bulk and plan.business is not None and run.biz.unique_elsewhere
    unobserved = run.observer is None
    report = run.report
    batches = _screened(line_batches(reader.file, start, first_line, BATCH_ROWS, end=end), plan, ahead)
    with closing(batches):
        for batch, screened in batches:
            lines, offsets, flagged, blank = batch.lines, batch.offsets, screened.flagged, screened.blank
            n = len(lines)
            indexed = feed_keys(run.observer, run.ctx.file, batch, screened, index) if bulk else None
            rows: Iterable[int] = range(n)
            if quiet and pending_blank is None and not any(blank):
                # Rows that need nothing but counting (unflagged, key indexed or no index) are skipped over; only
                # the others are taken one by one, in order.
                taken = set(compress(rows, flagged))
                if not unobserved:
                    taken.update(rows if indexed is None else set(rows).difference(indexed))
                rows = sorted(taken)
            counted = 0  # rows before it are counted (those skipped over, a run at a time)
            digested = 0  # rows before it are in ``canonical`` (lines as written go there a run at a time)
            reached = 0  # rows before it would be there had each line gone there just before its row's check
            try:
                for i in rows:
                    if i > counted:
                        report.records += i - counted
                        index += i - counted
                    counted = reached = i + 1
                    raw = lines[i]
                    line = batch.first_line + i
                    if blank[i]:
                        digested = _add_written(add_lines, lines, digested, i) + 1
                        if pending_blank is None:
                            pending_blank = (offsets[i], line)
                        continue
                    if pending_blank is not None:
                        # A blank line between records: the reader says so, in its own words.
                        reached = i
                        at, first = pending_blank
                        for _ in exact_records(reader, at, offsets[i] + len(raw) + 1, first, index):
                            pass
                    if flagged[i]:
                        digested = _add_written(add_lines, lines, digested, i) + 1
                        record = next(exact_records(reader, offsets[i], offsets[i] + 1, line, index))
                        add_line(canonical_line(record, spec))
                        checker.confirm(record)
                    elif quiet and (unobserved or (indexed is not None and i in indexed)):
                        # What passed() would do for it: count it (its key is indexed, no business rule can fire).
                        # No finding is added, so --max-errors cannot be reached here either.
                        report.records += 1
                        index += 1
                        continue
                    else:
                        obj = screened.object(i, raw)
                        record = Record(obj[rt], obj[DATA], obj.get(op), obj.get(rk), obj.get(rv), index, line)
                        checker.passed(record, observe=indexed is None or i not in indexed)
                    index += 1
                    if checker.full:
                        _add_written(add_lines, lines, digested, counted)
                        return None, True
            except Exception:
                # ``canonical`` ends where the row engine's ends when a row's check fails (a chunk's canonical
                # lines are read again for the run's key index).
                _add_written(add_lines, lines, digested, reached)
                raise
            if n > counted:
                report.records += n - counted
                index += n - counted
            _add_written(add_lines, lines, digested, n)
            if progress is not None and offsets:
                progress(offsets[-1])
    return (None if pending_blank is None else pending_blank[1]), False


def _add_written(add_lines: Callable[[bytes, int], object], lines: list[bytes], first: int, stop: int) -> int:
    """``lines[first:stop]`` to ``add_lines`` at once, each followed by a line feed (none when ``stop <= first``)."""
    if stop > first:
        add_lines(b"\n".join([*lines[first:stop], b""]), stop - first)
    return stop


def _screened(
    batches: Generator[LineBatch, None, None], plan: Plan, ahead: bool
) -> Generator[tuple[LineBatch, Screened], None, None]:
    """Each batch with its screen; with ``ahead``, the next batch is screened in a worker thread while the caller
    takes this one (Polars releases the GIL), so one file keeps two cores busy.

    Batches are read here and screened one at a time, in order. An error reading a batch is raised when the
    caller asks for that batch, as without the thread, so a run that stops before it never sees it.
    """
    try:
        if not ahead:
            for batch in batches:
                yield batch, screen(batch, plan)
            return
        first = next(batches, None)
        if first is None:
            return
        batch = first
        with ThreadPoolExecutor(1, thread_name_prefix="sedata-screen") as pool:
            coming = pool.submit(screen, batch, plan)
            try:
                while True:
                    # The next batch is read while this one is screened.
                    try:
                        following, failed = next(batches, None), None
                    except Exception as exc:
                        following, failed = None, exc
                    screened = coming.result()
                    if following is not None:
                        coming = pool.submit(screen, following, plan)
                    yield batch, screened
                    if failed is not None:
                        raise failed
                    if following is None:
                        return
                    batch = following
            finally:
                coming.cancel()  # a screen not started is dropped; the pool waits for one running as it closes
    finally:
        batches.close()  # the file they are read from


def _key_of(entity: EntityShape, record: Record) -> Callable[[], str | None]:
    return lambda: masked_key(entity, record.key, record.data)
