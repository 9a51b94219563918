"""Run the layers over files: stream each message once, collect every finding, say what was not checked.

A file is read record by record (constant memory): the record layers of the registry
(:mod:`sedata.validate.layers.registry`: structure, codes, business) run on each record as it arrives; a reading
error ends the file with one syntax finding; record count and digest findings come after the records, then the
file layers the caller switched on (trust, sequence). Only ``max_errors`` stops a readable file early.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Protocol

from sedata.exchange import (
    ExchangeError,
    FileAccessError,
    IntegrityError,
    Record,
    UnknownFormatError,
    header_data,
    open_message,
)
from sedata.exchange.reader import MessageReader
from sedata.spec import Spec, current
from sedata.spec.envelope import HEADER, HEADER_ENTITY
from sedata.validate.context import FileContext, Where

if TYPE_CHECKING:
    from sedata.ledger import Ledger
from sedata.validate.layers import business, codes, envelope, registry, syntax
from sedata.validate.layers.base import FileAt, Given, RecordAt, Switch
from sedata.validate.layers.base import Signatures as Signatures  # callers import it from here too
from sedata.validate.report import FileReport, Finding, Severity, Text, store_of
from sedata.validate.shapes import DataPath, masked_data

LAYERS: tuple[str, ...] = registry.active()
"""The layers checked on every file; rules of other layers are reported as not checked unless switched on."""

OPTIONAL_LAYERS: dict[str, Text] = registry.off_reasons()
"""Layers that run when the caller gives what they need, with the reason given when they did not run."""

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


class RecordObserver(Protocol):
    """A run-wide layer fed every record as it passes (the cross-record index)."""

    def same_package(self, file: str, message_id: str, digest: str) -> str | None: ...

    def begin_file(self, file: str, message_type: str | None) -> None: ...

    def observe(self, file: str, record: Record, where: Where, bad: Collection[DataPath]) -> None: ...


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
        self.ctx = FileContext(spec, str(path), today=today)
        self.sink = _Sink(self.report.findings, max_errors)
        self.today = today
        self.reader: MessageReader | None = None
        self.observer: RecordObserver | None = None
        self.twin_of: str | None = None
        """The earlier file of the run holding the same package (same message id and digest), if any."""

    def open(self) -> bool:
        """Open the file and check its header; False (with the finding made) when it cannot be read."""
        try:
            self.reader = reader = open_message(self.path, self.spec)
        except ExchangeError as exc:
            self.sink.add(syntax.finding(self.ctx, exc, self.path))
            # An empty file or one that is no message at all is an input error, like a missing one (exit 2).
            unreadable = isinstance(exc, FileAccessError | UnknownFormatError)
            self.report.stopped = "unreadable" if unreadable else "broken"
            return False
        self.report.format = reader.format
        self._judge_by(reader.header.spec_version)
        self.ctx.masking = reader.header.masking_profile
        self.rules = envelope.ReportingRules(reader.header, self.spec)
        reader.rules, reader.spec = self.rules, self.spec  # its records are read and digested by that version too
        header_shape = self.ctx.shapes[HEADER_ENTITY]
        self.header = header_data(reader.header, self.spec)
        self.report.header = masked_data(header_shape, self.header)
        message_type = self.header.get(header_shape.by_key("message_type").name)
        self.biz = business.Business(self.ctx, message_type, self.today)
        # In a run, the cross-record index sees every key anyway and reports repeats within a file too.
        self.biz.unique_elsewhere = self.observer is not None
        if self.observer is not None:
            header = reader.header
            self.twin_of = self.observer.same_package(str(self.path), header.message_id, header.digest)
            if self.twin_of is None:
                self.observer.begin_file(str(self.path), header.message_type)
            else:
                self.observer = None  # the same package as an earlier file of the run: its keys are indexed
        return True

    def _judge_by(self, declared: str) -> None:
        """Judge the file by the rules of the spec version it declares (when this sedata ships that version)."""
        if declared == self.spec.info.spec_version:
            return
        from sedata.spec.versions import spec_for

        other = spec_for(declared)
        if other is not None:
            self.spec, self.ctx = other, FileContext(other, str(self.path), today=self.today)

    def header_findings(self) -> None:
        """The code findings of the header (made once per file, not per chunk)."""
        shape = self.ctx.shapes[HEADER_ENTITY]
        self.sink.extend(
            codes.findings(self.ctx, shape, self.header, set(), (HEADER,), Where(record_type=HEADER_ENTITY))
        )

    def run(self, records: Iterable[Record], progress: Progress | None = None) -> None:
        """Check each record; a reading error ends the run with one syntax finding."""
        report, sink, ctx, rules, biz, observer = self.report, self.sink, self.ctx, self.rules, self.biz, self.observer
        try:
            for record in records:
                report.records += 1
                sink.extend(_record_findings(ctx, rules, record, biz, observer))
                if sink.full:
                    report.stopped = "max-errors"
                    break
                if progress is not None and report.records % _PROGRESS_EVERY == 0 and self.reader is not None:
                    progress(self.reader.position())
        except ExchangeError as exc:
            sink.add(syntax.finding(ctx, exc, self.path))
            if not isinstance(exc, IntegrityError):
                report.stopped = "broken"
        except Exception as exc:  # a file no reader foresaw must not cost the run the other files' reports
            self.internal_error(exc)
        report.verified = self.reader is not None and self.reader.verified

    def internal_error(self, exc: Exception) -> None:
        """An unexpected error while reading: the file's own SE-SYN-001 finding; it counts as unreadable."""
        from sedata.validate.inputs import internal_finding

        self.report.findings.append(internal_finding(self.ctx, exc))
        self.report.stopped = "unreadable"

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()


RecordsRun = Callable[[FileRun, Progress | None], None]
"""Checks every record of an opened file, as :meth:`FileRun.run` does (an engine other than the row engine)."""


def validate_file(
    path: str | os.PathLike[str],
    *,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    ledger: Ledger | None = None,
    signatures: Signatures | None = None,
    observer: RecordObserver | None = None,
    records: RecordsRun | None = None,
) -> FileReport:
    """Validate one message file through every implemented layer and return its report.

    ``today`` is the date business and identifier rules compare with (dates, birth dates and years of manufacture
    must not be in the future); default: the local date.
    With a ``ledger``, the package is checked against its channel's history, and recorded if it was read whole.
    ``observer`` is fed every record (the run's cross-record index, see :func:`sedata.validate.run.validate_files`).
    ``records`` checks the records of the opened file instead of :meth:`FileRun.run` (the columnar engine).
    """
    spec = spec or current()
    run = FileRun(path, spec, fail_on, max_errors, today or dt.date.today())
    run.observer = observer
    given = Given(run=observer is not None, ledger=ledger, signatures=signatures)
    try:
        if run.open():
            assert run.reader is not None
            with run.reader:
                run.header_findings()
                if records is not None:
                    records(run, progress)
                else:
                    run.run(run.reader, progress)
            after_read(FileAt(run.ctx, path, run.report, given, run.reader.header))
    except registry.raises():  # evaluated only when something was raised
        raise  # what the caller gave cannot be used (a ledger): not this file's fault
    except Exception as exc:  # see FileRun.run: the file gets a finding, the run goes on
        run.internal_error(exc)
    finish(run.report, run.spec, registry.active(given.switches()))
    if run.twin_of is not None:
        same_package(run.report, spec, run.twin_of)
    return run.report


def after_read(at: FileAt) -> None:
    """Run the file layers ``at.given`` switches on (trust, then sequence) on a file whose records were read."""
    on = at.given.switches()
    for layer in registry.FILE_LAYERS:
        if layer.switch in on:
            at.report.findings.extend(layer.file_findings(at))


def same_package(report: FileReport, spec: Spec, first: str) -> None:
    """Say that the cross-record rules were checked on ``first``, which holds the same package."""
    reason = Text(
        f"与 {first} 为同一报文（报文标识与记录摘要相同），其记录按该文件做跨文件检查",
        f"the same package as {first} (same message id and records digest): checked across files as that file",
    )
    for rule_id in spec.rules:
        if spec.rule_layers[rule_id] == registry.CROSS_RECORD.name or rule_id == business.DUPLICATE:
            report.not_checked[rule_id] = reason  # the run's key index skipped the copy's keys


def active_layers(*, ledger: bool = False, signatures: bool = False, run: bool = False) -> tuple[str, ...]:
    """The layers a run checks, given what the caller supplied (``run``: files validated as one run)."""
    given: dict[Switch, bool] = {"run": run, "ledger": ledger, "signatures": signatures}
    return registry.active({switch for switch, on in given.items() if on})


def file_size(path: str | os.PathLike[str]) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _record_findings(
    ctx: FileContext,
    rules: envelope.ReportingRules,
    record: Record,
    biz: business.Business,
    observer: RecordObserver | None = None,
) -> list[Finding]:
    """The findings of the record layers for one record, in the registry's order; the run's index sees it too."""
    at = RecordAt.of(ctx, rules, biz, record, ctx.shapes.get(record.type) if isinstance(record.type, str) else None)
    out: list[Finding] = []
    for layer in _RECORD_LAYERS:
        out.extend(layer.record_findings(at))
    if observer is not None and at.data is not None:
        observer.observe(ctx.file, record, at.where, at.bad)
    return out


_RECORD_LAYERS = registry.RECORD_LAYERS


def finish(report: FileReport, spec: Spec, layers: Collection[str] = LAYERS) -> FileReport:
    """Add the rules that were not checked (manual, layer not run, file not read to its end)."""
    fired = store_of(report.findings).by_rule()  # counted as they came: no pass over (spilled) findings
    for rule_id, rule in spec.rules.items():
        layer = spec.rule_layers[rule_id]
        if rule.check == "manual":
            reason = NOT_CHECKED["manual"]
        elif layer not in layers:
            reason = OPTIONAL_LAYERS.get(layer, NOT_CHECKED["layer"])
        elif report.stopped is not None and rule_id not in fired:
            reason = NOT_CHECKED[report.stopped]
        else:
            continue
        report.not_checked[rule_id] = reason
    return report
