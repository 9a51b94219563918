"""Every validation layer, listed once, in the order they run (see :mod:`sedata.validate.layers.base`).

The engine, ``--jobs``, the run, the conformance suite and the scorecard read this list: which layers always
run, what switches the others on, why their rules were not checked when they did not run, and which layers
compare records with one another. Its names are the spec's rule layers (a test holds them equal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from sedata.validate.layers import codes, envelope, schema, trust
from sedata.validate.layers.base import FileAt, FileLayer, Layer, RecordAt, RecordLayer, Scope, Switch
from sedata.validate.report import Finding, Text

if TYPE_CHECKING:
    from sedata.spec import Spec
    from sedata.validate.layers.consistency import Reconciler
    from sedata.validate.layers.crossfile import CrossRecord


_ACROSS_FILES = Text(
    "跨文件检查仅在一次运行（validate_files / sedata validate）中进行",
    "checked across the files of a run (validate_files, sedata validate), not file by file",
)
_NO_TRUST = Text("未指定 --trust，未检查签名", "no --trust certificates given; signatures were not checked")
_NO_LEDGER = Text("未指定 --ledger，未检查通道序号", "no --ledger given; the channel's sequence was not checked")
_RECONCILE = Text(
    "监管与检验数据的一致性由 sedata reconcile 检查",
    "supervision-inspection consistency is checked by sedata reconcile",
)


@dataclass(frozen=True)
class SyntaxLayer:
    """Reading the file: its findings are made where the reader fails (``layers.syntax.finding``), which ends
    the file (or, for a count or digest that does not match, comes after its records)."""

    name: str = "syntax"
    scope: Scope = "file"
    switch: Switch = "always"
    off: Text | None = None


@dataclass(frozen=True)
class SchemaLayer:
    """Structure: the record's envelope (record type, change-set attributes, key), then its data against the
    entity's model. The data paths whose values failed are left alone by the later layers."""

    name: str = "schema"
    scope: Scope = "record"
    switch: Switch = "always"
    off: Text | None = None

    def record_findings(self, at: RecordAt) -> list[Finding]:
        out = envelope.findings(at.ctx, at.rules, at.record, at.entity, at.where)
        if at.entity is None or at.data is None:
            return out  # no model to check against, or no data (a delete, or an envelope problem reported above)
        at.where.record_type = at.entity.id
        found, at.bad = schema.findings(at.ctx, at.record, at.entity, at.where)
        out.extend(found)
        return out


@dataclass(frozen=True)
class CodesLayer:
    """Identifiers: each coded value checked by its rule in :mod:`sedata.codes` (check characters, tables)."""

    name: str = "codes"
    scope: Scope = "record"
    switch: Switch = "always"
    off: Text | None = None

    def record_findings(self, at: RecordAt) -> list[Finding]:
        if at.entity is None or at.data is None:
            return []
        return codes.findings(at.ctx, at.entity, at.data, at.bad, at.prefix, at.where)


@dataclass(frozen=True)
class BusinessLayer:
    """Business rules of one record (dates, intervals, grades, keys repeated within the file)."""

    name: str = "business"
    scope: Scope = "record"
    switch: Switch = "always"
    off: Text | None = None

    def record_findings(self, at: RecordAt) -> list[Finding]:
        if at.entity is None or at.data is None:
            return []
        return at.business.findings(at.entity, at.data, at.bad, at.prefix, at.where, at.record.version)


@dataclass(frozen=True)
class CrossRecordLayer:
    """Keys unique and references resolved across the files of a run (and reference datasets)."""

    name: str = "cross-record"
    scope: Scope = "run"
    switch: Switch = "run"
    off: Text | None = _ACROSS_FILES

    def start(self, spec: Spec, today: dt.date) -> CrossRecord:
        """A fresh key index for one run (its rules compare keys, not dates: ``today`` is not used)."""
        from sedata.validate.layers.crossfile import CrossRecord

        return CrossRecord(spec)


@dataclass(frozen=True)
class TrustLayer:
    """Each package's detached signature, under the receiver's policy (:mod:`sedata.validate.layers.trust`)."""

    name: str = "trust"
    scope: Scope = "file"
    switch: Switch = "signatures"
    off: Text | None = _NO_TRUST

    @property
    def raises(self) -> tuple[type[Exception], ...]:
        return ()  # a certificate that cannot be loaded is refused before any file is read (run.py)

    def file_findings(self, at: FileAt) -> list[Finding]:
        return trust.file_findings(at)


@dataclass(frozen=True)
class SequenceLayer:
    """Each package against its channel's history in a ledger (:mod:`sedata.validate.layers.sequence`)."""

    name: str = "sequence"
    scope: Scope = "file"
    switch: Switch = "ledger"
    off: Text | None = _NO_LEDGER

    @property
    def raises(self) -> tuple[type[Exception], ...]:
        from sedata.ledger import LedgerError  # loaded when needed: a validation without --ledger has no use for it

        return (LedgerError,)  # a ledger that cannot be used is the caller's problem, not the file's

    def file_findings(self, at: FileAt) -> list[Finding]:
        from sedata.validate.layers import sequence

        return sequence.file_findings(at)


@dataclass(frozen=True)
class ConsistencyLayer:
    """Supervision (registration) data against inspection data (``sedata reconcile``)."""

    name: str = "consistency"
    scope: Scope = "run"
    switch: Switch = "reconcile"
    off: Text | None = _RECONCILE

    def start(self, spec: Spec, today: dt.date) -> Reconciler:
        """A fresh reconciliation, judging dates against ``today``."""
        from sedata.validate.layers.consistency import Reconciler

        return Reconciler(spec, today)


SYNTAX = SyntaxLayer()
SCHEMA = SchemaLayer()
CODES = CodesLayer()
BUSINESS = BusinessLayer()
CROSS_RECORD = CrossRecordLayer()
TRUST = TrustLayer()
SEQUENCE = SequenceLayer()
CONSISTENCY = ConsistencyLayer()

LAYERS: tuple[Layer, ...] = (SYNTAX, SCHEMA, CODES, BUSINESS, CROSS_RECORD, TRUST, SEQUENCE, CONSISTENCY)
"""Every layer, once, in the order they run; trust before sequence, which reads trust's findings."""


def _making(call: str) -> tuple[Layer, ...]:
    # Looked up on the class: an isinstance check against the protocol would evaluate properties (and imports).
    return tuple(x for x in LAYERS if callable(getattr(type(x), call, None)))


RECORD_LAYERS = cast(tuple[RecordLayer, ...], _making("record_findings"))
"""The layers called for each record, in order."""

FILE_LAYERS = cast(tuple[FileLayer, ...], _making("file_findings"))
"""The layers called once per file after its records were read, in order."""


def raises() -> tuple[type[Exception], ...]:
    """Errors of what the caller gave (a ledger that cannot be used), which end the run rather than the one file."""
    return tuple(e for x in FILE_LAYERS for e in x.raises)


def names() -> tuple[str, ...]:
    """Every layer's name, in order."""
    return tuple(x.name for x in LAYERS)


def active(on: Collection[Switch] = ()) -> tuple[str, ...]:
    """The layers that run, in order, when the caller gave what the switches ``on`` name."""
    return tuple(x.name for x in LAYERS if x.switch == "always" or x.switch in on)


def off_reasons() -> dict[str, Text]:
    """Why each layer that does not always run left its rules unchecked, by layer name."""
    return {x.name: x.off for x in LAYERS if x.off is not None}


def of_scope(scope: Scope) -> tuple[str, ...]:
    """The names of the layers of ``scope``, in order (``run``: the layers that compare records with each other)."""
    return tuple(x.name for x in LAYERS if x.scope == scope)
