"""Run the layers over files: stream each message once, collect every finding, say what was not checked.

A file is read record by record (constant memory): the envelope, schema, codes and business layers run on
each record as it arrives; a reading error ends the file with one syntax finding; record count and digest
findings come after the records. Only ``max_errors`` stops a readable file early.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import Any

from sedata import __version__
from sedata.exchange import ExchangeError, FileAccessError, IntegrityError, Record, header_data, open_message
from sedata.exchange.reader import MessageReader
from sedata.spec import Spec, current
from sedata.spec.envelope import DATA, HEADER, HEADER_ENTITY, RECORDS
from sedata.validate.context import FileContext, Where
from sedata.validate.layers import business, codes, envelope, schema, syntax
from sedata.validate.masking import mask
from sedata.validate.report import FileReport, Finding, Report, Severity, Text
from sedata.validate.shapes import EntityShape, masked_key

LAYERS: tuple[str, ...] = ("syntax", "schema", "codes", "business")
"""The layers this release checks; rules of other layers are reported as not checked."""

NOT_CHECKED: dict[str, Text] = {
    "manual": Text("需人工检查，本程序不自动检查", "checked by people; this program does not check it"),
    "layer": Text("本版本尚未实现该层的检查", "this release does not check this layer yet"),
    "unreadable": Text("文件无法读取，未检查", "the file could not be read; not checked"),
    "broken": Text("文件未能读完，其余部分未检查", "the file could not be read to its end; the rest was not checked"),
    "max-errors": Text("已达 --max-errors 上限，其余部分未检查", "stopped at --max-errors; the rest was not checked"),
}


class _Sink:
    """Collects findings until ``max_errors`` errors have been kept."""

    def __init__(self, findings: list[Finding], max_errors: int | None):
        self.findings = findings
        self.max_errors = max_errors
        self.errors = 0

    @property
    def full(self) -> bool:
        return self.max_errors is not None and self.errors >= self.max_errors

    def add(self, finding: Finding) -> None:
        if self.full:
            return
        self.findings.append(finding)
        if finding.severity == "error":
            self.errors += 1

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.add(finding)


Progress = Callable[[int], None]
"""Called now and then with the number of bytes of the file read so far (for a progress bar)."""
_PROGRESS_EVERY = 2048  # records between progress calls: often enough for a bar, rare enough to cost nothing


class FileRun:
    """Validating one file: the open reader and the per-file state of the layers."""

    def __init__(
        self, path: str | os.PathLike[str], spec: Spec, fail_on: Severity, max_errors: int | None, today: dt.date
    ):
        self.path = path
        self.spec = spec
        self.report = FileReport(str(path), fail_on=fail_on)
        self.ctx = FileContext(spec, str(path))
        self.sink = _Sink(self.report.findings, max_errors)
        self.today = today
        self.reader: MessageReader | None = None

    def open(self) -> bool:
        """Open the file and check its header; False (with the finding made) when it cannot be read."""
        try:
            self.reader = reader = open_message(self.path, self.spec)
        except ExchangeError as exc:
            self.sink.add(syntax.finding(self.ctx, exc, self.path))
            self.report.stopped = "unreadable" if isinstance(exc, FileAccessError) else "broken"
            return False
        self.report.format = reader.format
        self.rules = envelope.ReportingRules(reader.header, self.spec)
        reader.rules = self.rules
        header_shape = self.ctx.shapes[HEADER_ENTITY]
        self.header = header_data(reader.header, self.spec)
        self.report.header = _masked(header_shape, self.header)
        message_type = self.header.get(header_shape.by_key("message_type").name)
        self.biz = business.Business(self.ctx, message_type, self.today)
        return True

    def header_findings(self) -> None:
        """The code findings of the header (made once per file, not per chunk)."""
        shape = self.ctx.shapes[HEADER_ENTITY]
        self.sink.extend(
            codes.findings(self.ctx, shape, self.header, set(), (HEADER,), Where(record_type=HEADER_ENTITY))
        )

    def run(self, records: Iterable[Record], progress: Progress | None = None) -> None:
        """Check each record; a reading error ends the run with one syntax finding."""
        report, sink, ctx, rules, biz = self.report, self.sink, self.ctx, self.rules, self.biz
        try:
            for record in records:
                report.records += 1
                sink.extend(_record_findings(ctx, rules, record, biz))
                if sink.full:
                    report.stopped = "max-errors"
                    break
                if progress is not None and report.records % _PROGRESS_EVERY == 0 and self.reader is not None:
                    progress(self.reader.position())
        except ExchangeError as exc:
            sink.add(syntax.finding(ctx, exc, self.path))
            if not isinstance(exc, IntegrityError):
                report.stopped = "broken"

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()


def validate_file(
    path: str | os.PathLike[str],
    *,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> FileReport:
    """Validate one message file through every implemented layer and return its report.

    ``today`` is the date business rules compare with (dates must not be in the future); default: the local date.
    """
    spec = spec or current()
    run = FileRun(path, spec, fail_on, max_errors, today or dt.date.today())
    if run.open():
        assert run.reader is not None
        with run.reader:
            run.header_findings()
            run.run(run.reader, progress)
    return finish(run.report, spec)


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    jobs: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Validate each file (``max_errors`` applies per file) and return the report of the run.

    ``jobs`` > 1 validates in that many processes: files side by side, and large JSON Lines files split
    into chunks (the findings are the same as with one process). ``progress(file, done, total)`` is called
    now and then with bytes read.
    """
    spec = spec or current()
    paths = list(paths)
    day = today or dt.date.today()
    if jobs > 1:
        from sedata.validate.parallel import validate_parallel

        files = validate_parallel(
            paths, jobs, fail_on=fail_on, max_errors=max_errors, spec=spec, today=day, progress=progress
        )
    else:
        files = []
        for p in paths:
            total = _size(p)
            report_progress = (lambda done, name=str(p), total=total: progress(name, done, total)) if progress else None
            files.append(
                validate_file(p, fail_on=fail_on, max_errors=max_errors, spec=spec, today=day, progress=report_progress)
            )
            if progress is not None:
                progress(str(p), total, total)
    return Report(files, spec.info.spec_version, __version__, fail_on)


def _size(path: str | os.PathLike[str]) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _record_findings(
    ctx: FileContext, rules: envelope.ReportingRules, record: Record, biz: business.Business
) -> list[Finding]:
    entity = ctx.shapes.get(record.type) if isinstance(record.type, str) else None
    where = Where(
        line=record.line,
        index=record.index,
        record_type=str(record.type),
        key_of=lambda: masked_key(entity, record.key, record.data),
    )
    out = envelope.findings(ctx, rules, record, entity, where)
    if entity is None or not isinstance(record.data, dict) or record.index is None:
        return out  # no model to check against, or no data (a delete, or an envelope problem reported above)
    where.record_type = entity.id
    found, bad = schema.findings(ctx, record, entity, where)
    if found:
        out.extend(found)
    prefix = (RECORDS, record.index, DATA)
    out.extend(codes.findings(ctx, entity, record.data, bad, prefix, where))
    out.extend(biz.findings(entity, record.data, bad, prefix, where, record.version))
    return out


def _masked(entity: EntityShape, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in data.items():
        field = entity.fields.get(name)
        out[name] = mask(value, field.personal) if field is not None and isinstance(value, str) else value
    return out


def finish(report: FileReport, spec: Spec) -> FileReport:
    """Add the rules that were not checked (manual, unimplemented layer, file not read to its end)."""
    fired = {f.rule for f in report.findings}
    for rule_id, rule in spec.rules.items():
        if rule.check == "manual":
            reason = NOT_CHECKED["manual"]
        elif spec.rule_layers[rule_id] not in LAYERS:
            reason = NOT_CHECKED["layer"]
        elif report.stopped is not None and rule_id not in fired:
            reason = NOT_CHECKED[report.stopped]
        else:
            continue
        report.not_checked[rule_id] = reason
    return report
