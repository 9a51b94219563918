"""Reading files for the run-wide layers: stream each message once, hand every record to an observer.

The cross-record and consistency layers see every record of a run but make their findings at the end; the
stand-alone entry points (``check_run``, ``reconcile``) read files through :func:`stream`, which reports a file
it cannot read as the syntax layer does (SE-SYN-…) and never raises for bad input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from functools import partial

from sedata.elements import MessageHeader
from sedata.exchange import ExchangeError, FileAccessError, IntegrityError, Record, header_data, open_message
from sedata.spec import Spec
from sedata.spec.envelope import HEADER_ENTITY
from sedata.validate.context import FileContext, Where
from sedata.validate.layers import syntax
from sedata.validate.layers.envelope import ReportingRules
from sedata.validate.report import FileReport, Severity
from sedata.validate.shapes import DataPath, EntityShape, masked_data, masked_key, shapes

Begin = Callable[[str, str | None], None]
"""Called once a file's header is read: file name, message type."""
Observe = Callable[[str, Record, Where, Collection[DataPath]], None]
"""Called for every record: file name, record, where it is, data paths that failed the schema (none here)."""


def where_of(entity: EntityShape | None, record: Record) -> Where:
    """The location of ``record`` for findings; its masked business key is computed only if a finding asks."""
    return Where(
        line=record.line,
        index=record.index,
        record_type=record.type if isinstance(record.type, str) else None,
        key_of=partial(masked_key, entity, record.key, record.data),
    )


def stream(
    path: str | os.PathLike[str],
    spec: Spec,
    begin: Begin,
    observe: Observe,
    fail_on: Severity,
    *,
    on_header: Callable[[MessageHeader], None] | None = None,
) -> FileReport:
    """Read ``path`` once, calling ``begin`` then ``observe`` per record; the report holds any reading problem.

    As in the validator, a record's envelope problems (a record type the message does not carry …) do not end
    the reading: they are the validator's to report. ``report.verified`` says whether count and digest matched.
    """
    name = str(path)
    report = FileReport(name, fail_on=fail_on)
    ctx = FileContext(spec, name)
    try:
        reader = open_message(path, spec)
    except ExchangeError as exc:
        report.findings.append(syntax.finding(ctx, exc, path))
        report.stopped = "unreadable" if isinstance(exc, FileAccessError) else "broken"
        return report
    table = shapes(spec)
    with reader:
        report.format = reader.format
        report.header = masked_data(table[HEADER_ENTITY], header_data(reader.header, spec))
        reader.rules = ReportingRules(reader.header, spec)
        if on_header is not None:
            on_header(reader.header)
        begin(name, reader.header.message_type)
        try:
            for record in reader:
                report.records += 1
                entity = table.get(record.type) if isinstance(record.type, str) else None
                observe(name, record, where_of(entity, record), ())
        except ExchangeError as exc:
            report.findings.append(syntax.finding(ctx, exc, path))
            if not isinstance(exc, IntegrityError):
                report.stopped = "broken"
        report.verified = reader.verified
    return report
