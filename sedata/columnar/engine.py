"""The columnar engine for one JSON Lines file: screen each batch, let the row engine confirm flagged rows.

Per batch, :func:`sedata.columnar.screen.screen` (a pure function) says which rows could carry a finding of
the envelope, schema, codes or business layers. In file order, a flagged row is read again by the JSON Lines
reader and checked by the row engine's ``_record_findings``, the one place that makes findings; an unflagged
row is a record whose canonical line is the line as written (the digest takes it as is), whose key goes to
the run's key index with the batch's others in bulk (:mod:`sedata.columnar.keys`). Count and digest are
checked against the header at the end, as the reader does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sedata.columnar.keys import feed_keys
from sedata.columnar.read import exact_records, line_batches
from sedata.columnar.screen import BATCH_ROWS, Plan, screen
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


def supports(run: FileRun) -> bool:
    """Whether the columnar engine can check this opened file (JSON Lines; other formats stay on the row path)."""
    return isinstance(run.reader, JsonlReader)


def run_records(run: FileRun, progress: Progress | None = None) -> None:
    """The records of the opened file ``run``: in columns when it is JSON Lines, else by the row engine."""
    if supports(run):
        run_columnar(run, progress)
    else:
        assert run.reader is not None
        run.run(run.reader, progress)


def run_columnar(run: FileRun, progress: Progress | None = None) -> None:
    """Check every record of the opened JSON Lines file ``run`` (as :meth:`FileRun.run` does, same findings)."""
    from sedata.validate.engine import _record_findings

    reader = run.reader
    assert isinstance(reader, JsonlReader)
    report, sink, ctx, rules, biz, observer = run.report, run.sink, run.ctx, run.rules, run.biz, run.observer
    spec = run.spec
    plan = Plan.of(
        spec,
        rules.names,
        rules.allowed,
        rules.operations,
        rules.delete,
        rules.changes,
        ctx.masking is not None,
        message_type=biz.message_type,
        today=biz.today,
    )
    digester = Digester(reader.header.digest_algorithm, spec)
    file = ctx.file
    shapes = ctx.shapes
    names = rules.names
    rt, op, rk, rv = names.record_type, names.operation, names.record_key, names.record_version
    index = 0
    pending_blank: tuple[int, int] | None = None  # (offset, line) of the first of blank lines not yet followed
    stopped = False
    try:
        for batch in line_batches(reader.file, reader._offset, 2, BATCH_ROWS):
            screened = screen(batch, plan)
            # Keys in bulk, unless the run may stop part-way through the batch (max-errors).
            indexed = feed_keys(observer, file, batch, screened, index) if sink.max_errors is None else None
            for i, raw in enumerate(batch.lines):
                line = batch.first_line + i
                if screened.blank[i]:
                    if pending_blank is None:
                        pending_blank = (batch.offsets[i], line)
                    continue
                if pending_blank is not None:
                    # A blank line between records: the reader says so, in its own words.
                    start, first = pending_blank
                    for _ in exact_records(reader, start, batch.offsets[i] + len(raw) + 1, first, index):
                        pass
                obj = screened.objects[i]
                if obj is None:
                    record = next(exact_records(reader, batch.offsets[i], batch.offsets[i] + 1, line, index))
                    report.records += 1
                    digester.add_line(canonical_line(record, spec))
                    sink.extend(_record_findings(ctx, rules, record, biz, observer))
                else:
                    # Unflagged: no finding of any record layer, business rules included (the screen is sure),
                    # except keys: fed in bulk above, else here; SE-BIZ-010 without a run index is per file.
                    report.records += 1
                    digester.add_line(raw)
                    observe = observer is not None and (indexed is None or i not in indexed)
                    if observe or not biz.unique_elsewhere:
                        data = obj[DATA]
                        kind = obj[rt]
                        record = Record(kind, data, obj.get(op), obj.get(rk), obj.get(rv), index, line)
                        entity = shapes[kind]
                        where = Where(line=line, index=index, record_type=kind, key_of=_key_of(entity, record))
                        if observer is not None and observe:
                            observer.observe(file, record, where, set())
                        if not biz.unique_elsewhere:
                            found = biz.findings(entity, data, set(), (RECORDS, index, DATA), where, record.version)
                            if found:
                                sink.extend(found)
                index += 1
                if sink.full:
                    report.stopped = "max-errors"
                    stopped = True
                    break
            if stopped:
                break
            if progress is not None and batch.offsets:
                progress(batch.offsets[-1])
        if not stopped:
            problem = integrity_error(reader.header, digester.count, digester.hexdigest(), file)
            if problem is not None:
                raise problem
            reader.verified = True
    except ExchangeError as exc:
        sink.add(syntax.finding(ctx, exc, run.path))
        if not isinstance(exc, IntegrityError):
            report.stopped = "broken"
    report.verified = reader.verified


def _key_of(entity: EntityShape, record: Record) -> Callable[[], str | None]:
    return lambda: masked_key(entity, record.key, record.data)
