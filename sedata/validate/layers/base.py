"""What a validation layer is: its name, its scope, what switches it on, and the call that makes its findings.

Every layer is one rule layer of the spec (``layer:`` of a ``spec/rules/*.yaml`` file): its findings are of
that file's rules. Layers are listed once, in :mod:`sedata.validate.layers.registry`; the engine, the run,
``--jobs``, the conformance suite and the scorecard read that list.

A layer's **scope** says what it looks at and so where its call is made:

* ``record`` — one record at a time, as the file is read (:class:`RecordLayer`, called with a :class:`RecordAt`);
* ``file`` — one file as a whole: reading it (syntax), or once its records were read (trust, sequence)
  (:class:`FileLayer`, called with a :class:`FileAt`);
* ``run`` — every file of a run together (:class:`RunLayer`: an index fed each record, whose findings come when
  the run ends).

Its **switch** says what turns it on: ``always``, or what the caller gives — files validated as one run
(``run``), a channel ledger (``ledger``), certificates to check signatures against (``signatures``), or
registration data to reconcile with (``reconcile``). A layer that did not run has its rules reported as not
checked, with the layer's bilingual reason (``off``).

How to add a layer
------------------
1. Write its rules in ``spec/rules/<name>.yaml`` with ``layer: <name>`` (add the name to
   ``sedata.spec.model.Layer`` and a prefix to ``LAYER_PREFIX``), then ``sedata spec build``.
2. Write the module ``sedata/validate/layers/<name>.py`` that makes the findings, with ``FileContext.finding``.
3. Give it a layer object in :mod:`~sedata.validate.layers.registry` — ``name``, ``scope``, ``switch``, ``off``
   and the call of its scope (``record_findings``, ``file_findings`` or ``start``), handing over to the module
   (imported inside the call when it is heavy) — and list it once in ``registry.LAYERS`` where it runs: layers
   of one scope run in the order listed, and a later one may read what earlier ones found (sequence reads
   trust's findings). ``tests/validate/test_registry.py`` fails until the spec's rule layers and the registry
   name the same layers.
4. A new switch is a field of :class:`Given` and a parameter of the callers that supply it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from sedata.spec.envelope import DATA, RECORDS
from sedata.validate.context import FileContext, Where
from sedata.validate.report import FileReport, Finding, Text
from sedata.validate.shapes import DataPath, EntityShape, masked_key

if TYPE_CHECKING:
    from sedata.elements import MessageHeader
    from sedata.exchange import Record
    from sedata.ledger import Ledger
    from sedata.spec import Spec
    from sedata.validate.layers.business import Business
    from sedata.validate.layers.envelope import ReportingRules

Scope = Literal["file", "record", "run"]
"""What a layer looks at: one file, one record at a time, or every file of a run together."""

Switch = Literal["always", "run", "ledger", "signatures", "reconcile"]
"""What turns a layer on: nothing (always), or what the caller gives (see :class:`Given`)."""


@dataclass(frozen=True)
class Signatures:
    """Check each package's detached signature (``FILE.sig``) against these certificates or public keys."""

    trust: tuple[str, ...]
    """PEM files, or folders of them, whose signatures are accepted."""
    required: bool = True
    """An unsigned package is a finding (SE-SIG-001); else only signatures that are there are checked."""


@dataclass(frozen=True)
class Given:
    """What the caller of a validation gave: each switches on the layers whose ``switch`` names it."""

    run: bool = False
    """The files are validated as one run (the cross-record layer)."""
    ledger: Ledger | None = None
    """The channel ledger packages are judged against and recorded in (the sequence layer)."""
    signatures: Signatures | None = None
    """The certificates signatures are checked against (the trust layer)."""
    reconcile: bool = False
    """Registration data reconciled with inspection data (the consistency layer, ``sedata reconcile``)."""

    def switches(self) -> frozenset[Switch]:
        """The switches this turns on (``always`` among them)."""
        on: set[Switch] = {"always"}
        if self.run:
            on.add("run")
        if self.ledger is not None:
            on.add("ledger")
        if self.signatures is not None:
            on.add("signatures")
        if self.reconcile:
            on.add("reconcile")
        return frozenset(on)


@dataclass(slots=True)
class RecordAt:
    """One record as the record layers see it, with the file's state they keep between records."""

    ctx: FileContext
    rules: ReportingRules
    """The message's envelope rules, with the problems the reader noted for this record."""
    business: Business
    """The business layer's state for the file (keys seen, the message type, today)."""
    record: Record
    entity: EntityShape | None
    """The record's shape (None: a record type the spec does not define)."""
    where: Where
    data: dict[str, Any] | None
    """The record's data when there is data of a known entity to check (None: a delete, an unknown record type,
    or data the envelope layer already found wrong)."""
    prefix: DataPath
    """Where the record's data sits in the message (``records/i/data``), when there is data to check."""
    bad: set[DataPath] = field(default_factory=set)
    """Data paths whose values failed the structure check: later layers leave them alone."""

    @classmethod
    def of(
        cls, ctx: FileContext, rules: ReportingRules, business: Business, record: Record, entity: EntityShape | None
    ) -> RecordAt:
        """``record`` (of shape ``entity``, if known) as the record layers see it."""
        where = Where(
            line=record.line,
            index=record.index,
            record_type=str(record.type),
            key_of=lambda: masked_key(entity, record.key, record.data),
        )
        data, index = record.data, record.index
        if entity is None or not isinstance(data, dict) or index is None:
            return cls(ctx, rules, business, record, entity, where, None, ())
        return cls(ctx, rules, business, record, entity, where, data, (RECORDS, index, DATA))


@dataclass(slots=True)
class FileAt:
    """One file as the file layers see it: read (or not), with its report so far."""

    ctx: FileContext
    path: str | os.PathLike[str]
    report: FileReport
    given: Given
    header: MessageHeader | None = None
    """The file's header, when it could be read."""


class Layer(Protocol):
    """A validation layer: one rule layer of the spec, with its scope and what switches it on."""

    @property
    def name(self) -> str:
        """The spec's rule layer (``layer:`` of its ``spec/rules/*.yaml``)."""
        ...

    @property
    def scope(self) -> Scope: ...

    @property
    def switch(self) -> Switch: ...

    @property
    def off(self) -> Text | None:
        """Why its rules were not checked when it did not run (None for a layer that always runs)."""
        ...


@runtime_checkable
class RecordLayer(Layer, Protocol):
    """A layer called for each record as the file is read."""

    def record_findings(self, at: RecordAt) -> list[Finding]:
        """The layer's findings for ``at.record``; a layer that finds a value unusable adds its path to ``at.bad``."""
        ...


@runtime_checkable
class FileLayer(Layer, Protocol):
    """A layer called once per file, after its records were read."""

    @property
    def raises(self) -> tuple[type[Exception], ...]:
        """Errors of what the caller gave (a ledger that cannot be used): they end the run, not just the file."""
        ...

    def file_findings(self, at: FileAt) -> list[Finding]:
        """The layer's findings for the file; it may also name rules it could not check in ``at.report``."""
        ...


class RunIndex(Protocol):
    """What a run layer keeps while the files of a run are read: its findings, by file, once all were read."""

    def finish(self) -> dict[str, list[Finding]]: ...


@runtime_checkable
class RunLayer(Layer, Protocol):
    """A layer over every file of a run: an index fed each record, whose findings come when the run ends."""

    def start(self, spec: Spec, today: dt.date) -> RunIndex:
        """A fresh index for one run, judging dates against ``today``."""
        ...


def names(layers: Collection[Layer]) -> tuple[str, ...]:
    """The names of ``layers``, in their order."""
    return tuple(layer.name for layer in layers)
