"""Every validation layer, listed once, in the order they run (see :mod:`sedata.validate.layers.base`).

The engine, ``--jobs``, the run, the conformance suite and the scorecard read this list: which layers always
run, what switches the others on, why their rules were not checked when they did not run, and which layers
compare records with one another. Its names are the spec's rule layers (a test holds them equal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sedata.validate.layers import codes, envelope, schema, sequence, trust
from sedata.validate.layers.base import FileLayer, Layer, RecordAt, RecordLayer, Scope, Switch
from sedata.validate.report import Finding, Text

if TYPE_CHECKING:
    from sedata.spec import Spec
    from sedata.validate.layers.consistency import Reconciler
    from sedata.validate.layers.crossfile import CrossRecord


_ACROSS_FILES = Text(
    "跨文件检查仅在一次运行（validate_files / sedata validate）中进行",
    "checked across the files of a run (validate_files, sedata validate), not file by file",
)
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
TRUST = trust.LAYER
SEQUENCE = sequence.LAYER
CONSISTENCY = ConsistencyLayer()

LAYERS: tuple[Layer, ...] = (SYNTAX, SCHEMA, CODES, BUSINESS, CROSS_RECORD, TRUST, SEQUENCE, CONSISTENCY)
"""Every layer, once, in the order they run; trust before sequence, which reads trust's findings."""

RECORD_LAYERS: tuple[RecordLayer, ...] = tuple(x for x in LAYERS if isinstance(x, RecordLayer))
"""The layers called for each record, in order."""

FILE_LAYERS: tuple[FileLayer, ...] = tuple(x for x in LAYERS if isinstance(x, FileLayer))
"""The layers called once per file after its records were read, in order."""

RAISES: tuple[type[Exception], ...] = tuple(e for x in FILE_LAYERS for e in x.raises)
"""Errors of what the caller gave, which end the run rather than the one file."""


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
