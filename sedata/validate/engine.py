"""Run the layers over files: stream each message once, collect every finding, say what was not checked.

A file is read record by record (constant memory): the envelope, schema, codes and business layers run on
each record as it arrives; a reading error ends the file with one syntax finding; record count and digest
findings come after the records. Only ``max_errors`` stops a readable file early.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

from sedata import __version__
from sedata.exchange import ExchangeError, FileAccessError, IntegrityError, Record, header_data, open_message
from sedata.spec import Spec, current
from sedata.spec.envelope import DATA, HEADER, HEADER_ENTITY, RECORDS
from sedata.validate.context import FileContext, Where
from sedata.validate.layers import business, codes, envelope, schema, syntax
from sedata.validate.masking import mask
from sedata.validate.report import FileReport, Finding, Report, Severity, Text
from sedata.validate.shapes import EntityShape, masked_key, shapes

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


def validate_file(
    path: str | os.PathLike[str],
    *,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
) -> FileReport:
    """Validate one message file through every implemented layer and return its report.

    ``today`` is the date business rules compare with (dates must not be in the future); default: the local date.
    """
    spec = spec or current()
    report = FileReport(str(path), fail_on=fail_on)
    ctx = FileContext(spec, str(path))
    sink = _Sink(report.findings, max_errors)
    try:
        reader = open_message(path, spec)
    except ExchangeError as exc:
        sink.add(syntax.finding(ctx, exc, path))
        report.stopped = "unreadable" if isinstance(exc, FileAccessError) else "broken"
        return _finish(report, spec)
    with reader:
        report.format = reader.format
        rules = envelope.ReportingRules(reader.header, spec)
        reader.rules = rules
        header_shape = shapes(spec)[HEADER_ENTITY]
        header = header_data(reader.header, spec)
        report.header = _masked(header_shape, header)
        sink.extend(codes.findings(ctx, header_shape, header, set(), (HEADER,), Where(record_type=HEADER_ENTITY)))
        biz = business.Business(ctx, header.get(header_shape.by_key("message_type").name), today or dt.date.today())
        try:
            for record in reader:
                report.records += 1
                sink.extend(_record_findings(ctx, rules, record, biz))
                if sink.full:
                    report.stopped = "max-errors"
                    break
        except ExchangeError as exc:
            sink.add(syntax.finding(ctx, exc, path))
            if not isinstance(exc, IntegrityError):
                report.stopped = "broken"
    return _finish(report, spec)


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
) -> Report:
    """Validate each file (``max_errors`` applies per file) and return the report of the run."""
    spec = spec or current()
    files = [validate_file(p, fail_on=fail_on, max_errors=max_errors, spec=spec, today=today) for p in paths]
    return Report(files, spec.info.spec_version, __version__, fail_on)


def _record_findings(
    ctx: FileContext, rules: envelope.ReportingRules, record: Record, biz: business.Business
) -> list[Finding]:
    out = envelope.findings(ctx, rules, record)
    entity = shapes(ctx.spec).get(record.type) if isinstance(record.type, str) else None
    if entity is None or not isinstance(record.data, dict) or record.index is None:
        return out  # no model to check against, or no data (a delete, or an envelope problem reported above)
    where = Where(
        line=record.line, index=record.index, record_type=entity.id, key=masked_key(entity, record.key, record.data)
    )
    found, bad = schema.findings(ctx, record, entity, where)
    out.extend(found)
    out.extend(codes.findings(ctx, entity, record.data, bad, (RECORDS, record.index, DATA), where))
    out.extend(biz.findings(entity, record.data, bad, (RECORDS, record.index, DATA), where, record.version))
    return out


def _masked(entity: EntityShape, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in data.items():
        field = entity.fields.get(name)
        out[name] = mask(value, field.personal) if field is not None and isinstance(value, str) else value
    return out


def _finish(report: FileReport, spec: Spec) -> FileReport:
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
