"""Layer 5, cross-record (SE-XRF-…): business keys unique across the files of a run; references resolve.

Every record is seen once, as its file streams (:meth:`CrossRecord.observe`, or a screened batch at once:
:meth:`CrossRecord.observe_keys`); keys go into :class:`~sedata.crossfile.KeyIndex` tables of 64-bit digests
(30–40 bytes a key with its first location, 20–28 more for a key other records reference, the key texts
spilled to disk: ~55 bytes a record of an inspection upload), so memory grows with the number
of distinct keys and no two records are compared pairwise. A key first seen in another file
is reported at once (SE-XRF-001); a reference that no record seen so far resolves waits, one entry per distinct
value, and is reported by :meth:`CrossRecord.finish` if nothing in the run or the reference datasets resolves it
(SE-XRF-002). Which field references which entity is the spec's ``references:``, never Python's.

Engine hook: ``begin_file(file, message_type)`` once a file's header is read, ``observe(file, record, where,
bad)`` for each record (``bad``: the data paths that failed the schema layer), ``add_reference(path)`` for each
reference dataset (any time before ``finish``), and ``finish()`` for the findings per file.
"""

from __future__ import annotations

import heapq
import os
from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any

from sedata.crossfile import NONE, FileNames, KeyIndex, Locations
from sedata.exchange import Record
from sedata.spec import Spec, current
from sedata.spec.envelope import KEY_SEPARATOR, VERSION_SEPARATOR
from sedata.validate.context import FileContext, Where
from sedata.validate.layers._personal import kind_of
from sedata.validate.layers._stream import stream
from sedata.validate.layers.business import duplicate_finding
from sedata.validate.masking import show
from sedata.validate.report import ElementRef, Finding, FindingStore, Severity, Text
from sedata.validate.shapes import DataPath, record_pointer, shapes

if TYPE_CHECKING:
    import numpy as np

DUPLICATE, UNRESOLVED = "SE-XRF-001", "SE-XRF-002"
_PLAIN = frozenset({str, type(None)})
_NOTHING: tuple[()] = ()
_INT32_MAX = 0x7FFF_FFFF  # record indexes and lines are held as int32 (sedata.crossfile.columns)

NOT_CHECKED_REFERENCE = Text(
    "本次运行及参照数据中没有可携带被引用实体的报文，部分引用未检查",
    "no file of the run or the reference data has a message type that carries the referenced entity; "
    "some references were not checked",
)


@dataclass(frozen=True, slots=True)
class _Reference:
    """A field whose values name another entity's business key, as the spec's ``references:`` says."""

    steps: tuple[str, ...]
    """Exchange names from the record's data down to the field (nested components first)."""
    target: str
    ref: ElementRef


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the layer reads from records of one entity, derived once from the spec."""

    key_names: tuple[str, ...]
    key_label: Text
    references: tuple[_Reference, ...]
    is_target: bool


def _plans(spec: Spec) -> dict[str, _Plan]:
    table = shapes(spec)
    targets = {f.references for e in spec.entities.values() for f in e.fields if f.references}

    def refs(entity_id: str, prefix: tuple[str, ...]) -> Iterator[_Reference]:
        for f in spec.entities[entity_id].fields:
            name = spec.field_exchange_name(f)
            if f.entity is not None:
                yield from refs(f.entity, (*prefix, name))
            elif f.references is not None:
                shape = table[entity_id].fields[name]
                yield _Reference((*prefix, name), f.references, shape.ref)

    out: dict[str, _Plan] = {}
    for entity in spec.entities.values():
        if entity.component:
            continue
        shape = table[entity.id]
        keys = shape.key_fields
        label = Text(
            "、".join(f"{k.ref.name.zh}（{k.ref.id}）" for k in keys),
            ", ".join(f"{k.ref.name.en} ({k.ref.id})" for k in keys),
        )
        out[entity.id] = _Plan(tuple(k.name for k in keys), label, tuple(refs(entity.id, ())), entity.id in targets)
    return out


def members_read(spec: Spec) -> dict[str, frozenset[str]]:
    """Per entity, the members of a record's data this layer reads (key fields, and the fields holding references).

    A worker process validating part of a run sends only these to the process that holds the index.
    """
    return {
        entity: frozenset(plan.key_names) | {r.steps[0] for r in plan.references}
        for entity, plan in _plans(spec).items()
    }


def _target_ranks(plans: dict[str, _Plan]) -> dict[str, int]:
    """Referenced entities numbered so that none comes before an entity it references (a Unit before the
    Licence naming it); the others are not numbered."""
    ranks: dict[str, int] = {}
    left = [kind for kind, plan in plans.items() if plan.is_target]
    while left:
        ready = [k for k in left if all(r.target in ranks or r.target == k for r in plans[k].references)]
        for kind in ready or left[:1]:  # a cycle of references (none in the spec) is broken anywhere
            ranks[kind] = len(ranks)
        left = [k for k in left if k not in ranks]
    return ranks


def _versioned(keys: Sequence[str]) -> bool:
    """Whether some of ``keys`` carries a record version (a change set's keys do)."""
    return (bool(keys) and VERSION_SEPARATOR in keys[0]) or VERSION_SEPARATOR in "".join(keys)


def _picked(values: Sequence[int | None], taken: np.ndarray, whole: bool) -> Sequence[int | None]:
    """The ``taken`` of ``values`` (record indexes or lines); as an int32 column when they come as an int64 one
    (``array("q")``, as the columnar engine and ``--jobs`` hand them), which :class:`Locations` takes at once."""
    import numpy as np

    if isinstance(values, array) and values.typecode == "q":
        column = np.frombuffer(values, dtype=np.int64)
        if not whole:
            column = column[taken]
        if column.size and (int(column.min()) < NONE or int(column.max()) > _INT32_MAX):
            raise OverflowError("a record index or line beyond 2^31 / 记录序号或行号超出 2^31")
        return array("i", column.astype(np.int32).tobytes())
    return values if whole else [values[i] for i in taken.tolist()]


def _walk(data: Any, steps: tuple[str, ...], at: DataPath) -> Iterator[tuple[Any, DataPath]]:
    """The values at ``steps`` inside ``data`` (every item of a repeated field) with their data paths."""
    if not steps:
        yield data, at
        return
    if not isinstance(data, dict):
        return
    value = data.get(steps[0])
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, steps[1:], (*at, steps[0], i))
    elif value is not None:
        yield from _walk(value, steps[1:], (*at, steps[0]))


def _from_fields(key_names: tuple[str, ...], data: dict[str, Any]) -> bool:
    """Whether every key field has a value (the key is the data's, not the envelope's recordKey)."""
    return bool(key_names) and all(data.get(n) is not None for n in key_names)


def key_text(key_names: tuple[str, ...], record: Record) -> str | None:
    """The record's business key as text: its key fields' values joined by ``|``, else its ``recordKey``."""
    data = record.data
    if key_names and isinstance(data, dict):
        parts = [data.get(n) for n in key_names]
        if all(isinstance(p, str | int) and not isinstance(p, bool) for p in parts):
            return KEY_SEPARATOR.join(str(p) for p in parts)
    return record.key if isinstance(record.key, str) and record.key else None


@dataclass(slots=True)
class _Pending:
    """The first record naming a value no record seen so far resolves, and how many records name it."""

    file_id: int
    index: int | None
    line: int | None
    record_type: str | None
    key: str | None
    pointer: str | None
    reference: _Reference
    count: int = 1


@dataclass
class CrossRecord:
    """The cross-record layer for one run: the key indexes, the references waiting, the findings made."""

    spec: Spec = field(default_factory=current)

    def __post_init__(self) -> None:
        self._plan = _plans(self.spec)
        self._ranks = _target_ranks(self._plan)
        self.files = FileNames()
        self._keys: dict[str, tuple[KeyIndex, Locations]] = {}
        self._targets: dict[str, KeyIndex] = {e: KeyIndex() for e, p in self._plan.items() if p.is_target}
        self._pending: dict[tuple[str, str], _Pending] = {}
        self._carried: set[str] = set()
        self._packages: dict[tuple[str, str], str] = {}
        # A store, not a list: a run with a key repeated across files has a finding per record (667,000 at 2M
        # records, ~1 KB each, all held until finish); the store spills past its first 10,000.
        self._found: dict[int, FindingStore] = {}
        self._unresolved: dict[int, FindingStore] = {}  # a store: a million unresolved references spill
        self._contexts: dict[int, FileContext] = {}
        self.unchecked: set[tuple[str, str]] = set()
        """(field, referenced entity) pairs left unchecked by :meth:`finish`: nothing could carry the entity."""

    # --- feeding ------------------------------------------------------------------------------------
    def same_package(self, file: str, message_id: str, digest: str) -> str | None:
        """The file of the run that already holds this package (same message id and records digest), else None.

        The same message in two formats (a conversion) is one delivery, not two: its keys are indexed once.
        """
        first = self._packages.setdefault((message_id, digest), file)
        return None if first == file else first

    def begin_file(self, file: str, message_type: str | None) -> None:
        """A file of the run starts; its message type says which entities the run can resolve references to."""
        self.files.id(file)
        self._carry(message_type)

    def _carry(self, message_type: str | None) -> None:
        message = self.spec.messages.get(message_type or "")
        if message is not None:
            self._carried.update(r.entity for r in message.records)

    def observe(self, file: str, record: Record, where: Where, bad: Collection[DataPath] = _NOTHING) -> None:
        """Index one record of a run file: report a key first seen in another file; note its references."""
        data = record.data
        plan = self._plan.get(record.type) if isinstance(record.type, str) else None
        if plan is None or not isinstance(data, dict):
            return  # deletes name no data and resolve nothing; an unknown type was reported by the envelope
        file_id = self.files.id(file)
        self._carried.add(record.type)
        key = key_text(plan.key_names, record)
        if key is not None and not any((n,) in bad for n in plan.key_names):
            self._unique(file_id, plan, key, record, where, _from_fields(plan.key_names, data))
            if plan.is_target:
                self._targets[record.type].add(key)
        for reference in plan.references:
            self._refer(file_id, reference, record, where, bad)

    def bulk_order(self, record_types: Iterable[str]) -> list[str]:
        """The order to take a batch's record types in bulk: referenced entities before the records naming them
        (a Unit before the Licence naming it), so that references within a batch resolve in bulk rather than
        being left to :meth:`observe`. The findings are the same in any order."""
        ranks = self._ranks
        return sorted(record_types, key=lambda kind: ranks.get(kind, len(ranks)))

    def observe_keys(
        self,
        file: str,
        record_type: str,
        keys: Sequence[str],
        datas: Sequence[dict[str, Any]],
        indexes: Sequence[int | None],
        lines: Sequence[int | None],
    ) -> list[int]:
        """Index many records of one type at once (keys read from their key fields, version appended), as
        :meth:`observe` would one by one, when nothing is to be reported: a key new to the run whose record's
        references all resolve already or wait already. Returns the positions left for :meth:`observe`.

        The caller vouches that no two of ``keys`` are equal and that no record it observes separately in the
        same stretch of the file has one of them (the columnar screen groups a batch's keys for that).
        """
        import numpy as np  # only where batches come (the columnar engine): see sedata.crossfile.index

        plan = self._plan.get(record_type)
        if plan is None:
            return []
        file_id = self.files.id(file)
        self._carried.add(record_type)
        n = len(keys)
        if not n:
            return []
        table, first = self._table(record_type)
        ok = np.ones(n, dtype=bool)
        waits: list[tuple[int, _Pending]] = []
        for reference in plan.references:
            self._screen_references(reference, datas, ok, waits)
        # A key whose digest the index may hold is left to :meth:`observe`, which confirms it (a repeat, or not).
        candidates = np.flatnonzero(ok)
        chosen = keys if candidates.size == n else [keys[i] for i in candidates.tolist()]
        taken = candidates[table.add_new(chosen)]
        if not taken.size:
            return list(range(n))
        whole = taken.size == n
        first.extend_at(file_id, _picked(indexes, taken, whole), _picked(lines, taken, whole))
        if waits:
            indexed = set(taken.tolist())
            for pos, entry in waits:
                if pos in indexed:
                    entry.count += 1
        if plan.is_target:
            targets = self._targets[record_type]
            picked = keys if whole else [keys[i] for i in taken.tolist()]
            # The key without its version; a key set written without versions is its own (one digest less).
            bases = [k.partition(VERSION_SEPARATOR)[0] for k in picked] if _versioned(picked) else list(picked)
            for i in np.flatnonzero(~targets.add_new(bases)).tolist():
                targets.add(bases[i])  # already there, or a digest shared: the exact path decides
        if whole:
            return []
        done = np.zeros(n, dtype=bool)
        done[taken] = True
        return np.flatnonzero(~done).tolist()

    def _screen_references(
        self, reference: _Reference, datas: Sequence[dict[str, Any]], ok: np.ndarray, waits: list[tuple[int, _Pending]]
    ) -> None:
        """Clear ``ok`` for the records whose ``reference`` nothing resolves yet (or repeats); note in ``waits``
        the waiting entries the others add to, should they be indexed."""
        import numpy as np

        steps = reference.steps
        at: list[int] = []
        values: list[str] = []
        if len(steps) == 1:
            found: list[Any] = list(map(dict.get, datas, repeat(steps[0])))
            kinds = set(map(type, found))
            if kinds <= _PLAIN:  # strings or nothing, as in almost every batch: one pass in C each
                at = list(compress(range(len(found)), found))  # the non-empty strings, as ``filter`` keeps them
                values = list(filter(None, found))
            else:
                for pos, value in enumerate(found):
                    if isinstance(value, str):
                        if value:
                            at.append(pos)
                            values.append(value)
                    elif isinstance(value, list):
                        ok[pos] = False  # a repeated reference: left to :meth:`observe`
        else:
            for pos, data in enumerate(datas):
                for value, _where in _walk(data, steps, ()):
                    if isinstance(value, str):
                        if value:
                            at.append(pos)
                            values.append(value)
                    elif isinstance(value, list):
                        ok[pos] = False
        if not values:
            return
        pending = self._pending
        target = reference.target
        for i in np.flatnonzero(~self._targets[target].contains(values)).tolist():
            entry = pending.get((target, values[i]))
            if entry is None:
                ok[at[i]] = False  # a reference nothing resolves yet: :meth:`observe` notes where it is named
            else:
                waits.append((at[i], entry))

    def _table(self, record_type: str) -> tuple[KeyIndex, Locations]:
        found = self._keys.get(record_type)
        if found is None:
            found = self._keys[record_type] = (KeyIndex(), Locations(self.files))
        return found

    def _unique(self, file_id: int, plan: _Plan, key: str, record: Record, where: Where, fields: bool) -> None:
        if record.version is not None:
            key = f"{key}{VERSION_SEPARATOR}{record.version}"
        found = self._keys.get(record.type)
        table, first = found if found is not None else self._table(record.type)
        row, added = table.add(key)
        if added:
            first.append(file_id, record.index, record.line)
            return
        if first.file_id(row) == file_id:
            # A repeat inside one file is SE-BIZ-010, reported here for the business layer, which keeps no
            # index of its own in a run (one index of keys, not two). Only keys read from the key fields count.
            if fields:
                entity = shapes(self.spec)[record.type]
                self._add(
                    file_id,
                    duplicate_finding(self._ctx(file_id), entity, where, record_pointer(record.index, "data") or ""),
                )
            return
        seen = first.get(row)
        line = "?" if seen.line is None else str(seen.line)
        at = "" if seen.index is None else f"（records[{seen.index}]）"
        at_en = "" if seen.index is None else f" (records[{seen.index}])"
        detail = Text(
            f"{plan.key_label.zh} 与 {seen.file} 第 {line} 行{at}的记录相同",
            f"{plan.key_label.en} same as the record in {seen.file}, line {line}{at_en}",
        )
        self._add(
            file_id,
            self._ctx(file_id).finding(
                DUPLICATE, where, value=record.type, detail=detail, pointer=record_pointer(record.index)
            ),
        )

    def _refer(
        self, file_id: int, reference: _Reference, record: Record, where: Where, bad: Collection[DataPath]
    ) -> None:
        targets = self._targets[reference.target]
        for value, at in _walk(record.data, reference.steps, ()):
            if not isinstance(value, str) or not value or at in bad:
                continue  # a value of the wrong type or form is the schema layer's finding
            if value in targets:
                continue
            waiting = self._pending.get((reference.target, value))
            if waiting is not None:
                waiting.count += 1
                continue
            self._pending[reference.target, value] = _Pending(
                file_id,
                record.index,
                record.line,
                where.record_type,
                where.key,
                record_pointer(record.index, "data", *at),
                reference,
            )

    def add_reference(self, path: str | os.PathLike[str], fail_on: Severity = "error") -> list[Finding]:
        """Index a reference dataset (any exchange file): its keys resolve references; it is not checked itself.

        Returns the problems met reading it (syntax findings), so that an unreadable reference is reported.
        """
        targets = self._targets

        def begin(_file: str, message_type: str | None) -> None:
            self._carry(message_type)

        def observe(_file: str, record: Record, _where: Where, _bad: Collection[DataPath]) -> None:
            plan = self._plan.get(record.type) if isinstance(record.type, str) else None
            if plan is not None and plan.is_target and isinstance(record.data, dict):
                self._carried.add(record.type)
                key = key_text(plan.key_names, record)
                if key is not None:
                    targets[record.type].add(key)

        return stream(path, self.spec, begin, observe, fail_on).findings

    # --- results ------------------------------------------------------------------------------------
    def finish(self) -> dict[str, list[Finding]]:
        """The findings of the run per file (files without findings included), in record order."""
        for (target, value), waiting in self._pending.items():
            reference = waiting.reference
            if target not in self._carried:
                self.unchecked.add((reference.ref.field, target))
                continue
            if value in self._targets[target]:
                continue  # resolved by a record seen after the one naming it
            entity = shapes(self.spec)[target]
            expected = Text(f"{entity.name.zh}（{target}）", f"{entity.name.en} ({target})")
            if waiting.count == 1:
                detail = Text("仅此一条记录引用该值", "only this record names it")
            else:
                detail = Text(
                    f"共 {waiting.count} 条记录引用该值，此处为第一条",
                    f"{waiting.count} records name it; this is the first",
                )
            where = Where(line=waiting.line, index=waiting.index, record_type=waiting.record_type, key=waiting.key)
            self._unresolved.setdefault(waiting.file_id, FindingStore()).append(
                self._ctx(waiting.file_id).finding(
                    UNRESOLVED,
                    where,
                    element=reference.ref,
                    value=show(value, kind_of(self.spec, reference.ref.id, value, None)),
                    expected=expected,
                    detail=detail,
                    pointer=waiting.pointer,
                ),
            )
        self._pending.clear()
        out: dict[str, list[Finding]] = {}
        for file_id in range(len(self.files)):
            out[self.files.name(file_id)] = _in_order(self._found.pop(file_id, FindingStore()),
                                                      self._unresolved.pop(file_id, FindingStore()))  # fmt: skip
        return out

    def not_checked(self) -> dict[str, Text]:
        """Rules of this layer left (partly) unchecked by the last :meth:`finish`, with the reason."""
        return {UNRESOLVED: NOT_CHECKED_REFERENCE} if self.unchecked else {}

    @property
    def nbytes(self) -> int:
        """Bytes held by the key indexes (not counting references still waiting)."""
        return sum(t.nbytes + loc.nbytes for t, loc in self._keys.values()) + sum(
            t.nbytes for t in self._targets.values()
        )

    def _ctx(self, file_id: int) -> FileContext:
        ctx = self._contexts.get(file_id)
        if ctx is None:
            ctx = self._contexts[file_id] = FileContext(self.spec, self.files.name(file_id))
        return ctx

    def _add(self, file_id: int, finding: Finding) -> None:
        found = self._found.get(file_id)
        if found is None:
            found = self._found[file_id] = FindingStore()
        found.append(finding)


def _order(f: Finding) -> tuple[int, str]:
    return -1 if f.index is None else f.index, f.rule


def _in_order(found: FindingStore, unresolved: FindingStore) -> Any:
    """A file's findings sorted by record, then rule: the repeats were made in record order, and so mostly were
    the unresolved references (in the order their first record came), so both are merged without being read into
    memory; else sorted as a list."""
    if not _ordered(found):
        return sorted([*found, *unresolved], key=_order)
    late: Iterable[Finding] = unresolved if _ordered(unresolved) else sorted(unresolved, key=_order)
    out = FindingStore()
    out.extend(heapq.merge(found, late, key=_order))  # stable: repeats first on a tie
    found.close()
    unresolved.close()
    return out


def _ordered(findings: Iterable[Finding]) -> bool:
    """True when ``findings`` are already in :func:`_order` (then sorting them, which is stable, changes nothing)."""
    previous: tuple[int, str] | None = None
    for f in findings:
        now = _order(f)
        if previous is not None and now < previous:
            return False
        previous = now
    return True


def check_run(
    paths: Iterable[str | os.PathLike[str]],
    references: Iterable[str | os.PathLike[str]] = (),
    spec: Spec | None = None,
) -> dict[str, list[Finding]]:
    """The SE-XRF findings of one run over ``paths``, resolving references also in ``references`` datasets.

    Each file is read once. Files that cannot be read (run or reference) appear with their SE-SYN finding.
    """
    layer = CrossRecord(spec or current())
    problems: dict[str, list[Finding]] = {}
    for ref in references:
        found = layer.add_reference(ref)
        if found:
            problems[str(ref)] = found
    for path in paths:
        layer.files.id(str(path))
        report = stream(path, layer.spec, layer.begin_file, layer.observe, "error")
        if report.findings:
            problems.setdefault(str(path), []).extend(report.findings)
    out = layer.finish()
    for name, found in problems.items():
        out[name] = [*found, *out.get(name, [])]
    return out
