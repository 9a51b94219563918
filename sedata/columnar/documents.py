"""XML and JSON documents through the columnar screen: records from their streaming readers, in batches.

The readers (:mod:`sedata.exchange.xmldoc`, :mod:`sedata.exchange.jsondoc`) stay the one place that reads a
document: they find each record, note its envelope problems and compute, for the digest, its canonical line
— the very line a JSON Lines file carries for it. A batch of those lines is what the screen takes, so XML
and JSON records are screened by the same compiled expressions as JSON Lines, with no second copy of a rule.
A record is flagged when the reader noted an envelope problem for it, or when canonical form could hide
what the row engine would see (a null member, which canonical form drops), or when the screen flags its line.
Flagged records are checked by the row engine, the others by the business rules and the key index only, in
file order; a reading error ends the file after the records read before it, as in the row engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedata.columnar.engine import Checker, reading_error
from sedata.columnar.read import BATCH_ROWS, LineBatch
from sedata.columnar.screen import Plan, Screened, screen
from sedata.exchange import ExchangeError
from sedata.exchange.records import Record

if TYPE_CHECKING:
    from sedata.validate.engine import FileRun, Progress
    from sedata.validate.report import Text

Notes = list[tuple[str, "Text | None"]]
"""The envelope problems the reader noted for one record (see :class:`ReportingRules`)."""
_NONE: Notes = []  # no problem noted (shared: never changed, copied where a record's list is handed on)


def screen_records(records: list[Record], lines: list[bytes], notes: list[Notes], plan: Plan) -> list[bool]:
    """Per record of a batch read from a document: could it carry an envelope, schema or codes finding?

    ``lines`` are the records' canonical lines, ``notes`` the problems the reader noted for each.
    """
    return _screened(records, lines, notes, plan)[1]


def _screened(
    records: list[Record], lines: list[bytes], notes: list[Notes], plan: Plan, nulls: bool = True
) -> tuple[Screened, list[bool]]:
    """The screen's verdict on a batch, and each record's flag; ``nulls``: the reader can give a null member
    (JSON can, XML cannot: an element holds text, an absent one is no member)."""
    screened = screen(LineBatch(lines, [0] * len(lines), 0), plan)
    if nulls:
        flags = [
            flag or bool(noted) or (isinstance(r.data, dict) and None in r.data.values())
            for r, flag, noted in zip(records, screened.flagged, notes, strict=True)
        ]
    elif any(notes):
        flags = [flag or bool(noted) for flag, noted in zip(screened.flagged, notes, strict=True)]
    else:
        flags = list(screened.flagged)
    return screened, flags


def _index_keys(run: FileRun, records: list[Record], screened: Screened, flags: list[bool]) -> set[int]:
    """Index the keys the screen vouched for in bulk, as JSON Lines batches are; the batch positions indexed.

    Records flagged for a reason of their own (a noted envelope problem, a null member) are left out: the
    row engine observes them. Their keys are unique within the batch, so no bulk key repeats one of them.
    """
    bulk = getattr(run.observer, "observe_keys", None)
    if bulk is None or run.sink.max_errors is not None or screened.opaque:
        return set()  # with --max-errors the file may stop part-way through a batch: keys go row by row
    done: set[int] = set()
    flagged = any(flags)
    for kind, (rows, keys) in screened.keys.items():
        if flagged:
            kept = [(i, key) for i, key in zip(rows, keys, strict=True) if not flags[i]]
            rows, keys = [i for i, _ in kept], [key for _, key in kept]
        if not rows:
            continue
        picked = [records[i] for i in rows]
        left = bulk(
            run.ctx.file,
            kind,
            keys,
            [r.data for r in picked],
            [r.index for r in picked],
            [r.line for r in picked],
        )
        if left:
            skip = set(left)
            done.update(i for pos, i in enumerate(rows) if pos not in skip)
        else:
            done.update(rows)
    return done


def run_documents(run: FileRun, progress: Progress | None = None) -> None:
    """Check every record of the opened XML or JSON document ``run`` (as :meth:`FileRun.run` does)."""
    reader = run.reader
    assert reader is not None
    rules = run.rules
    checker = Checker(run)
    stopped = False
    error: Exception | None = None
    read = reader.with_canonical()
    report = run.report
    # As for JSON Lines: passed() would check no business rule and add no finding (so --max-errors cannot be
    # reached there), and with no run index it observes nothing; such a row is only counted.
    quiet = run.sink.max_errors is None and checker.plan.business is not None and run.biz.unique_elsewhere
    unobserved = run.observer is None
    nulls = reader.format != "xml"  # an XML element holds text: no member is null
    try:
        while not stopped:
            records: list[Record] = []
            lines: list[bytes] = []
            notes: list[Notes] = []
            try:
                for record, line in read:
                    records.append(record)
                    lines.append(line)
                    # The envelope problems noted while the reader read it (rarely any: then one shared empty list).
                    notes.append(rules.take() if rules.problems else _NONE)
                    if len(records) >= BATCH_ROWS:
                        break
            except Exception as exc:  # the records read before it are checked first, as the row engine does
                error = exc
            screened, flags = _screened(records, lines, notes, checker.plan, nulls)
            indexed = _index_keys(run, records, screened, flags)
            if quiet and not any(flags) and (unobserved or len(indexed) == len(records)):
                report.records += len(records)  # as the loop below would count them, one by one
            else:
                for i, (record, flag, noted) in enumerate(zip(records, flags, notes, strict=True)):
                    if flag:
                        rules.problems = list(noted)  # taken by the envelope layer for this record
                        checker.confirm(record)
                    elif quiet and (unobserved or i in indexed):
                        report.records += 1
                        continue
                    else:
                        checker.passed(record, observe=i not in indexed)
                    if checker.full:
                        stopped = True
                        break
            if progress is not None:
                progress(reader.position())
            if error is not None or len(records) < BATCH_ROWS:
                break
        if error is not None and not stopped:
            if isinstance(error, ExchangeError):
                reading_error(run, error)
            else:
                raise error
        completed = not stopped
    except Exception as exc:  # as FileRun.run: the file gets its own finding, the run goes on
        run.internal_error(exc)
        completed = False
    # The reader may have read to the end ahead of the records checked; the row engine, stopped at --max-errors
    # or by an unexpected error, has not, so the package is not verified.
    run.report.verified = reader.verified and completed
