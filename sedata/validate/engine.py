"""Run the layers over files: stream each message once, collect every finding, say what was not checked.

A file is read record by record (constant memory): the envelope, schema, codes and business layers run on
each record as it arrives; a reading error ends the file with one syntax finding; record count and digest
findings come after the records. Only ``max_errors`` stops a readable file early.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

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
from sedata.spec.envelope import DATA, HEADER, HEADER_ENTITY, RECORDS
from sedata.validate.context import FileContext, Where

if TYPE_CHECKING:
    from sedata.elements import MessageHeader
    from sedata.ledger import Ledger
from sedata.validate.layers import business, codes, envelope, schema, syntax
from sedata.validate.report import FileReport, Finding, Severity, Text
from sedata.validate.shapes import DataPath, masked_data, masked_key

LAYERS: tuple[str, ...] = ("syntax", "schema", "codes", "business")
"""The layers checked on every file; rules of other layers are reported as not checked unless switched on."""

OPTIONAL_LAYERS: dict[str, Text] = {
    "cross-record": Text(
        "跨文件检查仅在一次运行（validate_files / sedata validate）中进行",
        "checked across the files of a run (validate_files, sedata validate), not file by file",
    ),
    "consistency": Text(
        "监管与检验数据的一致性由 sedata reconcile 检查",
        "supervision-inspection consistency is checked by sedata reconcile",
    ),
    "sequence": Text("未指定 --ledger，未检查通道序号", "no --ledger given; the channel's sequence was not checked"),
    "trust": Text("未指定 --trust，未检查签名", "no --trust certificates given; signatures were not checked"),
}
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
        self.ctx = FileContext(spec, str(path))
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
            self.spec, self.ctx = other, FileContext(other, str(self.path))

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

    ``today`` is the date business rules compare with (dates must not be in the future); default: the local date.
    With a ``ledger``, the package is checked against its channel's history, and recorded if it was read whole.
    ``observer`` is fed every record (the run's cross-record index, see :func:`sedata.validate.run.validate_files`).
    ``records`` checks the records of the opened file instead of :meth:`FileRun.run` (the columnar engine).
    """
    spec = spec or current()
    run = FileRun(path, spec, fail_on, max_errors, today or dt.date.today())
    run.observer = observer
    try:
        opened = run.open()
        if opened:
            assert run.reader is not None
            with run.reader:
                run.header_findings()
                if records is not None:
                    records(run, progress)
                else:
                    run.run(run.reader, progress)
            if signatures is not None:
                signature_findings(run.report, run.ctx, path, signatures)
    except Exception as exc:  # see FileRun.run: the file gets a finding, the run goes on
        run.internal_error(exc)
        opened = False
    if opened:
        assert run.reader is not None
        if ledger is not None:
            sequence_findings(run.report, run.ctx, ledger, run.reader.header, path)
    layers = active_layers(ledger=ledger is not None, signatures=signatures is not None, run=observer is not None)
    finish(run.report, run.spec, layers)
    if run.twin_of is not None:
        same_package(run.report, spec, run.twin_of)
    return run.report


def same_package(report: FileReport, spec: Spec, first: str) -> None:
    """Say that the cross-record rules were checked on ``first``, which holds the same package."""
    reason = Text(
        f"与 {first} 为同一报文（报文标识与记录摘要相同），其记录按该文件做跨文件检查",
        f"the same package as {first} (same message id and records digest): checked across files as that file",
    )
    for rule_id in spec.rules:
        if spec.rule_layers[rule_id] == "cross-record" or rule_id == business.DUPLICATE:
            report.not_checked[rule_id] = reason  # the run's key index skipped the copy's keys


@dataclass(frozen=True)
class Signatures:
    """Check each package's detached signature (``FILE.sig``) against these certificates or public keys."""

    trust: tuple[str, ...]
    """PEM files, or folders of them, whose signatures are accepted."""
    required: bool = True
    """An unsigned package is a finding (SE-SIG-001); else only signatures that are there are checked."""


def active_layers(*, ledger: bool = False, signatures: bool = False, run: bool = False) -> tuple[str, ...]:
    """The layers a run checks, given what the caller supplied (``run``: files validated as one run)."""
    optional = (("cross-record", run), ("sequence", ledger), ("trust", signatures))
    return LAYERS + tuple(layer for layer, on in optional if on)


def signature_findings(report: FileReport, ctx: FileContext, path: str | os.PathLike[str], check: Signatures) -> None:
    """Check the package's signature (the file is read again, streaming) and add the findings."""
    from sedata.trust.policy import SignaturePolicy, not_checked
    from sedata.trust.policy import signature_findings as findings

    store = _trust_store(check.trust)
    found = findings(ctx, path, store, SignaturePolicy(required=check.required))
    report.findings.extend(found)
    report.not_checked.update(not_checked(ctx, found))  # no signature: the other SE-SIG rules were not checked


_STORES: dict[tuple[str, ...], Any] = {}


def _trust_store(paths: tuple[str, ...]) -> Any:
    # Loaded once per process and list of paths: a run checks many files against the same certificates.
    if paths not in _STORES:
        from sedata.trust.policy import TrustStore

        _STORES[paths] = TrustStore.load(paths)
    return _STORES[paths]


def sequence_findings(
    report: FileReport, ctx: FileContext, ledger: Ledger, header: MessageHeader, path: str | os.PathLike[str]
) -> None:
    """Check the package against the ledger (recorded when it passed, else logged rejected) and add the findings."""
    from sedata.validate.layers import sequence

    found = sequence.findings(ctx, ledger, header, whole=report.verified, path=path, prior=report.findings)
    report.findings.extend(found)


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
    if observer is not None:
        observer.observe(ctx.file, record, where, bad)
    prefix = (RECORDS, record.index, DATA)
    out.extend(codes.findings(ctx, entity, record.data, bad, prefix, where))
    out.extend(biz.findings(entity, record.data, bad, prefix, where, record.version))
    return out


def finish(report: FileReport, spec: Spec, layers: Collection[str] = LAYERS) -> FileReport:
    """Add the rules that were not checked (manual, layer not run, file not read to its end)."""
    fired = {f.rule for f in report.findings}
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
