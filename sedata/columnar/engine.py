"""The columnar engine for one file: screen each batch of records, let the row engine confirm flagged rows.

Per batch, :func:`sedata.columnar.screen.screen` (a pure function) says which rows could carry a finding of
the envelope, schema, codes or business layers. In file order, a flagged row is checked by the row engine's
``_record_findings``, the one place that makes findings; an unflagged row is a record whose canonical line
is the line as written (the digest takes it as is) and whose key goes to the run's key index, with the
batch's others in bulk (:mod:`sedata.columnar.keys`). JSON Lines are screened as read (:func:`check_lines`,
also the per-chunk work of ``--jobs``); XML and JSON documents through their own streaming readers
(:mod:`sedata.columnar.documents`). Count and digest are checked against the header at the end, as the
readers do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import compress
from typing import TYPE_CHECKING

from sedata.columnar.keys import feed_keys
from sedata.columnar.read import LINE_BATCH_ROWS, exact_records, line_batches
from sedata.columnar.screen import Plan, screen
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
        _, stopped = check_lines(
            run,
            reader._offset,
            None,
            2,
            0,
            digester.add_line,
            progress,
            lambda run: digester.add_lines(_joined(run), len(run)),
        )
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


def check_lines(
    run: FileRun,
    start: int,
    end: int | None,
    first_line: int,
    first_index: int,
    add_line: Callable[[bytes], object],
    progress: Progress | None = None,
    add_lines: Callable[[list[bytes]], object] | None = None,
) -> tuple[int | None, bool]:
    """Check the record lines of bytes ``[start, end)`` of the opened JSON Lines file ``run`` (to its end when
    ``end`` is None); line ``first_line`` holds record ``first_index``.

    Each record's canonical line goes to ``add_line`` (for the digest), or with others that follow it to
    ``add_lines`` (one call for a run of lines, when given). Returns the first of the blank lines
    that end the range (None if it ends with a record) and whether ``--max-errors`` stopped it. Raises the
    reader's own error at the first line it cannot read.
    """
    reader = run.reader
    assert isinstance(reader, JsonlReader)
    if add_lines is None:
        add_lines = partial(_each, add_line)
    checker = Checker(run)
    plan = checker.plan
    spec = run.spec
    names = run.rules.names
    rt, op, rk, rv = names.record_type, names.operation, names.record_key, names.record_version
    index = first_index
    pending_blank: tuple[int, int] | None = None  # (offset, line) of the first of blank lines not yet followed
    bulk = run.sink.max_errors is None  # keys in bulk, unless the run may stop part-way through a batch
    # passed() would check no business rule, and no --max-errors can stop the run (a sink without one is never full)
    quiet = bulk and plan.business is not None and run.biz.unique_elsewhere
    unobserved = run.observer is None
    report = run.report
    for batch in line_batches(reader.file, start, first_line, BATCH_ROWS, end=end):
        screened = screen(batch, plan)
        indexed = feed_keys(run.observer, run.ctx.file, batch, screened, index) if bulk else None
        lines = batch.lines
        if quiet and pending_blank is None and not any(screened.blank):
            # Rows that need nothing but counting and the digest (unflagged, key indexed or no index) are taken a
            # run at a time; only the others are taken one by one, in order, as below.
            special = set(compress(range(len(lines)), screened.flagged))
            if not unobserved:
                special.update(i for i in range(len(lines)) if indexed is None or i not in indexed)
            done = 0
            for i in sorted(special):
                if i > done:
                    add_lines(lines[done:i])
                    report.records += i - done
                    index += i - done
                raw = lines[i]
                line = batch.first_line + i
                if screened.flagged[i]:
                    record = next(exact_records(reader, batch.offsets[i], batch.offsets[i] + 1, line, index))
                    add_line(canonical_line(record, spec))
                    checker.confirm(record)
                else:
                    add_line(raw)
                    obj = screened.object(i, raw)
                    record = Record(obj[rt], obj[DATA], obj.get(op), obj.get(rk), obj.get(rv), index, line)
                    checker.passed(record, observe=indexed is None or i not in indexed)
                index += 1
                done = i + 1
                if checker.full:
                    return None, True
            if done < len(lines):
                add_lines(lines[done:])
                report.records += len(lines) - done
                index += len(lines) - done
            if progress is not None and batch.offsets:
                progress(batch.offsets[-1])
            continue
        for i, raw in enumerate(lines):
            line = batch.first_line + i
            if screened.blank[i]:
                if pending_blank is None:
                    pending_blank = (batch.offsets[i], line)
                continue
            if pending_blank is not None:
                # A blank line between records: the reader says so, in its own words.
                at, first = pending_blank
                for _ in exact_records(reader, at, batch.offsets[i] + len(raw) + 1, first, index):
                    pass
            if screened.flagged[i]:
                record = next(exact_records(reader, batch.offsets[i], batch.offsets[i] + 1, line, index))
                add_line(canonical_line(record, spec))
                checker.confirm(record)
            elif quiet and (unobserved or (indexed is not None and i in indexed)):
                # What passed() would do for it: count it (its key is indexed, no business rule can fire). No
                # finding is added, so --max-errors cannot be reached here either.
                add_line(raw)
                report.records += 1
                index += 1
                continue
            else:
                add_line(raw)
                obj = screened.object(i, raw)
                record = Record(obj[rt], obj[DATA], obj.get(op), obj.get(rk), obj.get(rv), index, line)
                checker.passed(record, observe=indexed is None or i not in indexed)
            index += 1
            if checker.full:
                return None, True
        if progress is not None and batch.offsets:
            progress(batch.offsets[-1])
    return (None if pending_blank is None else pending_blank[1]), False


def _joined(lines: list[bytes]) -> bytes:
    """Lines each followed by a line feed, as the digest takes them."""
    return b"\n".join(lines) + b"\n"


def _each(add_line: Callable[[bytes], object], lines: list[bytes]) -> None:
    for line in lines:
        add_line(line)


def _key_of(entity: EntityShape, record: Record) -> Callable[[], str | None]:
    return lambda: masked_key(entity, record.key, record.data)
