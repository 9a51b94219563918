"""Layer 7, consistency (SE-CON-…): supervision (registration) data against inspection data, device by device.

Each file is read once and each record folded into per-device state as it arrives (:meth:`Reconciler.observe`):
devices are numbered by a :class:`~sedata.crossfile.KeyTable` and everything kept for a device sits in typed
columns indexed by that number — per side and compared element the latest value (interned once per distinct
text), its event date and record type, and where the inspection side's value came from; the latest registering
record, the latest inspection (date, next date, kind, location) and the latest dated status. Memory therefore
grows with the number of devices, never with the number of records (measured bytes per device: README).
:meth:`Reconciler.finish` walks the devices once and makes the findings.

Which entity identifies a device, which records register or inspect one, which elements are compared and
which status codes exempt a device or retire it are parameters of ``spec/rules/consistency.yaml``.

Engine hook: ``begin_file(file, side)`` per file (``side`` is ``"registration"`` or ``"inspection"``),
``observe(file, record, where, bad)`` per record, ``finish()`` for the findings per file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from array import array
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sedata import __version__
from sedata.crossfile import FileNames, KeyTable, Locations
from sedata.exchange import Record
from sedata.spec import Spec, current
from sedata.spec.rule_params import Dated, ReuseParams, in_force, severity_of
from sedata.validate.context import FileContext, Where
from sedata.validate.layers._personal import kind_of
from sedata.validate.layers._stream import stream
from sedata.validate.layers.crossfile import key_text
from sedata.validate.masking import show
from sedata.validate.report import ElementRef, FileReport, Finding, Report, Severity, Text, severity
from sedata.validate.shapes import DataPath, FieldShape, masked_key, record_pointer, shapes

Side = Literal["registration", "inspection"]
SIDES: tuple[Side, Side] = ("registration", "inspection")
REG, INS = 0, 1
NOT_INSPECTED = "SE-CON-001"  # registered, never inspected
NOT_REGISTERED = "SE-CON-002"  # inspected, not registered
AFTER_RETIREMENT = "SE-CON-003"  # inspected after 报废 / 注销
OVERDUE = "SE-CON-004"  # next inspection date passed, no later inspection
DISAGREE = "SE-CON-005"  # key fields differ between the sides
REUSED = "SE-CON-007"  # put back into use after a stop, inspection validity lapsed, no inspection since
_REGISTERED, _INSPECTED = 1, 2  # flag bits
_BLOCK = 4096  # rows added to every column at once
_ID_CACHE = 4096  # the first values seen also get their id from a dict (bounded: constant memory)
_NOTHING: tuple[()] = ()

OUT_OF_SCOPE = Text(
    "不属于登记与检验数据核对（sedata reconcile）的范围",
    "not part of reconciling registration with inspection data (sedata reconcile)",
)
MANUAL = Text("需人工检查，本程序不自动检查", "checked by people; this program does not check it")
UNREADABLE = Text(
    "有文件无法读取或未读完，核对结果不完整", "a file could not be read through; the reconciliation is incomplete"
)


# --- parameters from the spec --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Params:
    device: str
    registered_by: frozenset[str]
    inspected_by: frozenset[str]
    exempt_unregistered: dict[str, frozenset[str]]
    exempt_kinds: dict[str, frozenset[str]]
    retired: dict[str, frozenset[str]]
    grace_days: int
    next_inspection: str
    exempt_overdue: dict[str, frozenset[str]]
    compared: tuple[str, ...]
    reuse: ReuseParams | None
    """SE-CON-007 (None: a spec version before it)."""

    @property
    def tracked(self) -> tuple[str, ...]:
        """Every element whose latest value is kept per side: compared ones and those statuses are read from."""
        statuses = [*self.retired, *self.exempt_unregistered, *self.exempt_overdue]
        return tuple(dict.fromkeys([*self.compared, *statuses]))


def _sets(table: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    return {element: frozenset(codes) for element, codes in table.items()}


def params(spec: Spec) -> _Params:
    """The consistency rules' parameters (typed and checked when the spec was loaded)."""
    first, not_registered = spec.rule_parameters[NOT_INSPECTED], spec.rule_parameters[NOT_REGISTERED]
    overdue, compared = spec.rule_parameters[OVERDUE], spec.rule_parameters[DISAGREE]
    return _Params(
        device=first.device,
        registered_by=frozenset(first.registered_by),
        inspected_by=frozenset(first.inspected_by),
        exempt_unregistered=_sets(first.exempt),
        exempt_kinds=_sets(not_registered.exempt),
        retired=_sets(spec.rule_parameters[AFTER_RETIREMENT].retired),
        grace_days=overdue.grace_days,
        next_inspection=overdue.next_inspection,
        exempt_overdue=_sets(overdue.exempt),
        compared=tuple(compared.elements),
        reuse=spec.rule_parameters.get(REUSED),
    )


# --- per-entity plans ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Field:
    name: str
    ref: ElementRef


_Coded = tuple[tuple[_Field, frozenset[str]], ...]
"""Fields with the codes that matter in them."""


@dataclass(frozen=True)
class _Plan:
    """What the layer reads from records of one entity (built once per spec)."""

    id: str
    number: int
    device: _Field
    key_names: tuple[str, ...]
    key_is_device: bool
    event: _Field | None
    tracked: tuple[tuple[int, _Field], ...]
    statuses: tuple[tuple[int, _Field], ...]
    registers: bool
    inspects: bool
    next: _Field | None
    kind: _Field | None
    stops: _Coded
    reuses: _Coded


def _field_of(single: dict[str, FieldShape], element: str | None) -> _Field | None:
    f = single.get(element or "")
    return None if f is None else _Field(f.name, f.ref)


def _plans(spec: Spec, p: _Params) -> tuple[dict[str, _Plan], list[str]]:
    """Per entity that carries the device key as a single field, what to read; and the entities in number order."""
    table = shapes(spec)
    device_entity = spec.entities[p.device]
    (device_key,) = device_entity.business_key
    device_element = next(f.element for f in device_entity.fields if spec.field_key(f) == device_key)
    tracked = p.tracked
    plans: dict[str, _Plan] = {}
    order: list[str] = []
    for entity in spec.entities.values():
        if entity.component:
            continue
        shape = table[entity.id]
        single = {f.element: f for f in shape.fields.values() if f.element and not f.repeated}
        device = _field_of(single, device_element)
        if device is None:
            continue
        event_shape = shape.by_key(entity.event_date) if entity.event_date else None
        event = None if event_shape is None else _Field(event_shape.name, event_shape.ref)
        carried = tuple((t, f) for t, el in enumerate(tracked) if (f := _field_of(single, el)) is not None)
        order.append(entity.id)
        plans[entity.id] = _Plan(
            id=entity.id,
            number=len(order),
            device=device,
            key_names=tuple(k.name for k in shape.key_fields),
            key_is_device=tuple(k.element for k in shape.key_fields) == (device_element,),
            event=event,
            tracked=carried,
            statuses=tuple((t, f) for t, f in carried if tracked[t] in p.retired),
            registers=entity.id in p.registered_by,
            inspects=entity.id in p.inspected_by,
            next=_field_of(single, p.next_inspection),
            kind=next((f for el in p.exempt_kinds if (f := _field_of(single, el)) is not None), None),
            stops=_coded(single, p.reuse.stopped) if p.reuse else (),
            reuses=_coded(single, p.reuse.reused) if p.reuse else (),
        )
    return plans, order


def _coded(single: dict[str, FieldShape], table: dict[str, list[str]]) -> _Coded:
    """The fields of ``table``'s elements that the entity carries, each with its codes."""
    return tuple((f, frozenset(codes)) for el, codes in table.items() if (f := _field_of(single, el)) is not None)


def _ordinal(value: Any) -> int:
    """A date or date-time text as a day number (0: absent or not a date)."""
    if not isinstance(value, str) or len(value) < 10:
        return 0
    try:
        return dt.date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return 0


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


# --- the layer -----------------------------------------------------------------------------------------
class _SideColumns:
    """Per device, for one side: the latest value of each tracked element, its date and record type."""

    def __init__(self, tracked: int, with_locations: FileNames | None) -> None:
        self.value = [array("I") for _ in range(tracked)]
        self.date = [array("i") for _ in range(tracked)]
        self.type = [array("B") for _ in range(tracked)]
        self.where = [Locations(with_locations) for _ in range(tracked)] if with_locations is not None else []

    def grow(self, rows: int) -> None:
        """Add ``rows`` empty rows."""
        for columns in (self.value, self.date, self.type):
            for column in columns:
                column.frombytes(bytes(rows * column.itemsize))
        for loc in self.where:
            loc.extend(rows)

    @property
    def nbytes(self) -> int:
        arrays = [*self.value, *self.date, *self.type]
        return sum(a.buffer_info()[1] * a.itemsize for a in arrays) + sum(loc.nbytes for loc in self.where)


class Reconciler:
    """Registration against inspection data for one run: feed every record of both sides once, then finish."""

    def __init__(self, spec: Spec | None = None, today: dt.date | None = None) -> None:
        self.spec = spec or current()
        self.today = today or dt.date.today()
        self.p = params(self.spec)
        self._plans, self._types = _plans(self.spec, self.p)
        self.tracked = self.p.tracked
        self.files = FileNames()
        self._side: dict[int, int] = {}
        self.devices = KeyTable()
        self.values = KeyTable()  # interned texts of tracked values and inspection kinds; id = row + 1
        self._ids: dict[str, int] = {}  # the first values seen (statuses, unit names repeat): skip the table
        self._capacity = 0
        self.flags = array("B")
        self.sides = (_SideColumns(len(self.tracked), None), _SideColumns(len(self.tracked), self.files))
        # The latest registering record.
        self.reg_date, self.reg_type, self.reg_where = array("i"), array("B"), Locations(self.files)
        self.reg_key: list[str | None] = []
        # The latest inspection.
        self.ins_date, self.ins_next, self.ins_kind = array("i"), array("i"), array("I")
        self.ins_type, self.ins_where = array("B"), Locations(self.files)
        self.ins_key: list[str | None] = []
        # The latest dated status on the registration side: its date, record type, and the retired element (-1 none).
        self.status_date, self.status_type, self.retired = array("i"), array("B"), array("b")
        self.retired_sets = [self.p.retired.get(el) for el in self.tracked]
        # The latest stop and the latest return to use (registration side), and where the return was recorded.
        self.stop_date, self.reuse_date, self.reuse_type = array("i"), array("i"), array("B")
        self.reuse_where = Locations(self.files)
        self.reuse_key: list[str | None] = []

    # --- feeding ------------------------------------------------------------------------------------
    def begin_file(self, file: str, side: Side) -> None:
        """A file of ``side`` starts (every record of it is that side's)."""
        self._side[self.files.id(file)] = SIDES.index(side)

    def observe(
        self, file: str, record: Record, where: Where | None = None, bad: Collection[DataPath] = _NOTHING
    ) -> None:
        """Fold one record into its device's state (records of no device, and deletes, are skipped)."""
        data = record.data
        plan = self._plans.get(record.type) if isinstance(record.type, str) else None
        if plan is None or not isinstance(data, dict) or (plan.device.name,) in bad:
            return
        device = data.get(plan.device.name)
        if not isinstance(device, str) or not device.strip():
            return
        file_id = self.files.id(file)
        side = self._side.get(file_id, REG)
        row, _ = self.devices.add(device.strip())
        if row >= self._capacity:
            self._grow()
        when = _ordinal(data.get(plan.event.name)) if plan.event and (plan.event.name,) not in bad else 0
        columns = self.sides[side]
        for t, f in plan.tracked:
            value = data.get(f.name)
            if not isinstance(value, str) or not value.strip() or (f.name,) in bad:
                continue
            if when >= columns.date[t][row]:
                columns.value[t][row] = self._intern(value.strip())
                columns.date[t][row] = when
                columns.type[t][row] = plan.number
                if columns.where:
                    columns.where[t].set(row, file_id, record.index, record.line)
        if side == REG:
            self._registration(plan, record, data, row, when, file_id, bad)
        elif plan.inspects:
            self._inspection(plan, record, data, row, when, file_id, bad)

    def _registration(
        self,
        plan: _Plan,
        record: Record,
        data: dict[str, Any],
        row: int,
        when: int,
        file_id: int,
        bad: Collection[DataPath],
    ) -> None:
        if plan.registers:
            self.flags[row] |= _REGISTERED
            if when >= self.reg_date[row]:
                self.reg_date[row], self.reg_type[row] = when, plan.number
                self.reg_where.set(row, file_id, record.index, record.line)
                self.reg_key[row] = None if plan.key_is_device else key_text(plan.key_names, record)
        if when and (plan.stops or plan.reuses):
            self._stop_or_reuse(plan, record, data, row, when, file_id, bad)
        if not (when and plan.statuses) or when < self.status_date[row]:
            return  # only a dated status change can date a scrapping or a cancellation
        statuses = [(t, data.get(f.name)) for t, f in plan.statuses if (f.name,) not in bad]
        statuses = [(t, v.strip()) for t, v in statuses if isinstance(v, str) and v.strip()]
        if not statuses:
            return
        self.status_date[row], self.status_type[row] = when, plan.number
        sets = self.retired_sets
        self.retired[row] = next((t for t, v in statuses if (codes := sets[t]) is not None and v in codes), -1)

    def _stop_or_reuse(
        self,
        plan: _Plan,
        record: Record,
        data: dict[str, Any],
        row: int,
        when: int,
        file_id: int,
        bad: Collection[DataPath],
    ) -> None:
        if when >= self.stop_date[row] and _has_code(plan.stops, data, bad):
            self.stop_date[row] = when
        if when >= self.reuse_date[row] and _has_code(plan.reuses, data, bad):
            self.reuse_date[row], self.reuse_type[row] = when, plan.number
            self.reuse_where.set(row, file_id, record.index, record.line)
            self.reuse_key[row] = None if plan.key_is_device else key_text(plan.key_names, record)

    def _inspection(
        self,
        plan: _Plan,
        record: Record,
        data: dict[str, Any],
        row: int,
        when: int,
        file_id: int,
        bad: Collection[DataPath],
    ) -> None:
        self.flags[row] |= _INSPECTED
        if when < self.ins_date[row]:
            return
        self.ins_date[row], self.ins_type[row] = when, plan.number
        self.ins_next[row] = _ordinal(data.get(plan.next.name)) if plan.next and (plan.next.name,) not in bad else 0
        kind = data.get(plan.kind.name) if plan.kind else None
        self.ins_kind[row] = self._intern(kind.strip()) if isinstance(kind, str) and kind.strip() else 0
        self.ins_where.set(row, file_id, record.index, record.line)
        self.ins_key[row] = None if plan.key_is_device else key_text(plan.key_names, record)

    def _grow(self) -> None:
        # Columns grow by blocks: appending to some thirty arrays per new device cost more than the rest.
        rows = _BLOCK
        zeroed = (self.flags, self.reg_date, self.reg_type, self.ins_date, self.ins_next, self.ins_kind)
        reuse = (self.stop_date, self.reuse_date, self.reuse_type)
        for column in (*zeroed, self.ins_type, self.status_date, self.status_type, *reuse):
            column.frombytes(bytes(rows * column.itemsize))
        self.retired.extend(array("b", [-1]) * rows)
        for columns in self.sides:
            columns.grow(rows)
        for loc in (self.reg_where, self.ins_where, self.reuse_where):
            loc.extend(rows)
        self.reuse_key.extend([None] * rows)
        self.reg_key.extend([None] * rows)
        self.ins_key.extend([None] * rows)
        self._capacity += rows

    def _intern(self, text: str) -> int:
        """The id of ``text`` among the values kept (row + 1 of the value table)."""
        found = self._ids.get(text)
        if found is None:
            found = self.values.add(text)[0] + 1
            if len(self._ids) < _ID_CACHE:
                self._ids[text] = found
        return found

    # --- results ------------------------------------------------------------------------------------
    def finish(self) -> dict[str, list[Finding]]:
        """The findings per file (every file fed included), in record order."""
        found: dict[int, list[Finding]] = {i: [] for i in range(len(self.files))}
        contexts = {i: FileContext(self.spec, self.files.name(i)) for i in range(len(self.files))}
        _Finish(self, found, contexts).run()
        out: dict[str, list[Finding]] = {}
        for file_id, items in found.items():
            items.sort(key=lambda f: (-1 if f.index is None else f.index, f.rule, f.pointer or ""))
            out[self.files.name(file_id)] = items
        return out

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-device state (key tables and columns; record keys kept as str not counted)."""
        arrays = [
            self.flags,
            self.reg_date,
            self.reg_type,
            self.ins_date,
            self.ins_next,
            self.ins_kind,
            self.ins_type,
            self.status_date,
            self.status_type,
            self.retired,
            self.stop_date,
            self.reuse_date,
            self.reuse_type,
        ]
        return (
            self.devices.nbytes
            + self.values.nbytes
            + sum(a.buffer_info()[1] * a.itemsize for a in arrays)
            + sum(s.nbytes for s in self.sides)
            + self.reg_where.nbytes
            + self.ins_where.nbytes
            + self.reuse_where.nbytes
        )

    def plan(self, number: int) -> _Plan:
        """The plan of the entity numbered ``number`` in the type columns."""
        return self._plans[self._types[number - 1]]


@dataclass(frozen=True, slots=True)
class _At:
    """The record a finding is made on: its entity's plan, file, index, line and business key (raw text)."""

    plan: _Plan
    file_id: int
    index: int | None
    line: int | None
    key: str | None


class _Finish:
    """The walk over every device that turns the state into findings."""

    def __init__(self, r: Reconciler, found: dict[int, list[Finding]], contexts: dict[int, FileContext]) -> None:
        self.r = r
        self.found = found
        self.contexts = contexts
        self.shapes = shapes(r.spec)
        self.today = r.today.toordinal()
        self.exempt_unregistered = self._exemptions(r.p.exempt_unregistered)
        self.exempt_overdue = self._exemptions(r.p.exempt_overdue)
        self.exempt_kinds = frozenset(
            row + 1 for codes in r.p.exempt_kinds.values() for c in codes if (row := r.values.find(c)) >= 0
        )
        self.compared = [r.tracked.index(el) for el in r.p.compared]

    def _exemptions(self, table: dict[str, frozenset[str]]) -> list[tuple[int, frozenset[int]]]:
        """(tracked element, interned ids of its exempting codes); codes never seen need no id."""
        out = []
        for element, codes in table.items():
            ids = frozenset(row + 1 for c in codes if (row := self.r.values.find(c)) >= 0)
            out.append((self.r.tracked.index(element), ids))
        return out

    def exempt(self, row: int, table: list[tuple[int, frozenset[int]]]) -> bool:
        """Whether the device's latest status (registration side, else inspection side) exempts it."""
        reg, ins = self.r.sides
        for t, ids in table:
            value = reg.value[t][row] or ins.value[t][row]
            if value and value in ids:
                return True
        return False

    def run(self) -> None:
        """Every device once: registered, inspected, retired, overdue, disagreeing."""
        r = self.r
        flags = r.flags
        for row in range(len(r.devices)):
            flag = flags[row]
            if flag & _REGISTERED and not flag & _INSPECTED and not self.exempt(row, self.exempt_unregistered):
                self.not_inspected(row)
            if flag & _INSPECTED:
                self.inspected(row, flag)
                if r.reuse_date[row] > r.stop_date[row] > 0:
                    self.reused(row)
            self.disagreements(row)

    def device(self, row: int) -> str:
        return self.r.devices.key(row)

    def not_inspected(self, row: int) -> None:
        r = self.r
        loc = r.reg_where.get(row)
        at = _At(r.plan(r.reg_type[row]), r.reg_where.file_id(row), loc.index, loc.line, r.reg_key[row])
        date = r.reg_date[row]
        when_zh, when_en = (f"（{_iso(date)}）", f" ({_iso(date)})") if date else ("", "")
        detail = Text(f"登记数据：{at.plan.id}{when_zh}", f"registration record {at.plan.id}{when_en}")
        self.make(NOT_INSPECTED, row, at, at.plan.device, self.device(row), detail=detail)

    def inspected(self, row: int, flag: int) -> None:
        r = self.r
        loc = r.ins_where.get(row)
        at = _At(r.plan(r.ins_type[row]), r.ins_where.file_id(row), loc.index, loc.line, r.ins_key[row])
        date, kind = r.ins_date[row], r.ins_kind[row]
        last_zh = f"最近一次检验 {_iso(date)}" if date else "最近一次检验日期不详"
        last_en = f"latest inspection {_iso(date)}" if date else "latest inspection undated"
        if kind:
            kind_text = r.values.key(kind - 1)
            last_zh, last_en = f"{last_zh}（{kind_text}）", f"{last_en} ({kind_text})"
        if not flag & _REGISTERED and kind not in self.exempt_kinds:
            self.make(NOT_REGISTERED, row, at, at.plan.device, self.device(row), detail=Text(last_zh, last_en))
        label = at.plan.device.ref.name
        device = Text(f"{label.zh} {self.device(row)}", f"{label.en} {self.device(row)}")
        t = r.retired[row]
        if t >= 0 and date > r.status_date[row] and at.plan.event is not None:
            self.after_retirement(row, at, at.plan.event, t, device)
        next_day = r.ins_next[row]
        overdue = next_day and next_day + r.p.grace_days < self.today
        if overdue and at.plan.next is not None and not self.exempt(row, self.exempt_overdue):
            detail = Text(f"{device.zh}，{last_zh}", f"{device.en}, {last_en}")
            self.make(OVERDUE, row, at, at.plan.next, _iso(next_day), expected=r.today.isoformat(), detail=detail)

    def reused(self, row: int) -> None:
        """Put back into use after a stop, with the latest inspection's validity over and no inspection since."""
        r = self.r
        reuse, done, due = r.reuse_date[row], r.ins_date[row], r.ins_next[row]
        if not (done and due) or done > reuse or due >= reuse:
            return  # an inspection after the reuse, or validity left: nothing the data kept can fault
        live = in_force(r.p.reuse.texts if r.p.reuse else (), dt.date.fromordinal(reuse))
        if not live:
            return  # reused before TSG 08-2026 applied
        loc = r.reuse_where.get(row)
        at = _At(r.plan(r.reuse_type[row]), r.reuse_where.file_id(row), loc.index, loc.line, r.reuse_key[row])
        if at.plan.event is None:
            return
        label = at.plan.device.ref.name
        stopped = _iso(r.stop_date[row])
        detail = Text(
            f"{label.zh} {self.device(row)}，{stopped} 停用，最近一次检验 {_iso(done)}；{live[0].cited()}",
            f"{label.en} {self.device(row)}, stopped {stopped}, latest inspection {_iso(done)}; {live[0].cited()}",
        )
        self.make(REUSED, row, at, at.plan.event, _iso(reuse), expected=_iso(due), detail=detail, version=live[0])

    def after_retirement(self, row: int, at: _At, event: _Field, t: int, device: Text) -> None:
        r = self.r
        element = r.tracked[t]
        code = r.values.key(r.sides[REG].value[t][row] - 1)
        name_zh, name_en = _code_names(r.spec, element, code)
        since = _iso(r.status_date[row])
        source = r.plan(r.status_type[row]).id
        expected = Text(
            f"{name_zh}（{element} = {code}，{since} 起）", f"{name_en} ({element} = {code}, since {since})"
        )
        detail = Text(f"{device.zh}；状态依据 {source}（{since}）", f"{device.en}; status from {source} ({since})")
        self.make(AFTER_RETIREMENT, row, at, event, _iso(r.ins_date[row]), expected=expected, detail=detail)

    def disagreements(self, row: int) -> None:
        r = self.r
        reg, ins = r.sides
        for t in self.compared:
            mine, theirs = ins.value[t][row], reg.value[t][row]
            if not mine or not theirs or mine == theirs:
                continue
            plan = r.plan(ins.type[t][row])
            f = next(f for tt, f in plan.tracked if tt == t)
            loc = ins.where[t].get(row)
            # The record that gave the value is keyed by the device itself, or is the latest inspection.
            key = r.ins_key[row] if not plan.key_is_device and r.ins_where.get(row) == loc else None
            at = _At(plan, ins.where[t].file_id(row), loc.index, loc.line, key)
            source, date = r.plan(reg.type[t][row]).id, reg.date[t][row]
            when_zh, when_en = (f"（{_iso(date)}）", f" ({_iso(date)})") if date else ("", "")
            label = plan.device.ref.name
            detail = Text(
                f"{label.zh} {self.device(row)}；登记数据：{source}{when_zh}",
                f"{label.en} {self.device(row)}; registration record {source}{when_en}",
            )
            value, expected = r.values.key(mine - 1), r.values.key(theirs - 1)
            shown = show(expected, self.kind(REG, row, t, expected))
            self.make(DISAGREE, row, at, f, value, expected=shown, detail=detail, kind=self.kind(INS, row, t, value))

    def kind(self, side: int, row: int, t: int, value: str) -> str | None:
        """How to mask ``value`` of tracked element ``t``: decided by the same side's latest decider values."""
        r = self.r
        element = r.spec.elements[r.tracked[t]]
        deciders = [i for i, el in enumerate(r.tracked) if el in element.personal_when and i != t]
        values = r.sides[side].value
        known = [r.values.key(values[i][row] - 1) if values[i][row] else None for i in deciders]
        return kind_of(r.spec, element.id, value, known if deciders else None)

    def make(
        self,
        rule: str,
        row: int,
        at: _At,
        f: _Field,
        value: str,
        *,
        expected: Text | str | None = None,
        detail: Text | None = None,
        kind: str | None = None,
        version: Dated | None = None,
    ) -> None:
        """A finding of ``rule`` on the record ``at``, about its field ``f`` (``value`` masked here as ``kind``)."""
        key = self.device(row) if at.key is None and at.plan.key_is_device else at.key
        shape = self.shapes[at.plan.id]
        where = Where(line=at.line, index=at.index, record_type=at.plan.id, key=masked_key(shape, key, None))
        finding = self.contexts[at.file_id].finding(
            rule,
            where,
            element=f.ref,
            value=show(value, kind),
            expected=expected,
            detail=detail,
            pointer=record_pointer(at.index, "data", f.name),
        )
        if version is not None:  # a finding made with a dated version has the severity of its status
            level = severity(severity_of(self.r.spec.rules[rule], version))
            finding = finding if level == finding.severity else dataclasses.replace(finding, severity=level)
        self.found[at.file_id].append(finding)


def _has_code(fields: _Coded, data: dict[str, Any], bad: Collection[DataPath]) -> bool:
    """Whether one of ``fields`` holds one of its codes in ``data``."""
    for f, codes in fields:
        value = data.get(f.name)
        if isinstance(value, str) and value.strip() in codes and (f.name,) not in bad:
            return True
    return False


def _code_names(spec: Spec, element: str, code: str) -> tuple[str, str]:
    """The Chinese and English names of ``code`` in the code set of ``element``."""
    codeset = spec.domains[element].codeset
    for version in spec.codesets.get(codeset or "", {}).values():
        entry = version.by_code.get(code)
        if entry is not None:
            return entry.zh, entry.en or entry.zh
    return code, code


# --- stand-alone entry point ---------------------------------------------------------------------------
def _ignore(_file: str, _message_type: str | None) -> None:
    """Each file's side is given by the caller, not by its message type."""


def run_files(
    layer: Reconciler,
    registration_paths: Iterable[str | os.PathLike[str]],
    inspection_paths: Iterable[str | os.PathLike[str]],
    fail_on: Severity = "error",
) -> Report:
    """Feed every file to ``layer`` once, side by side, and return the one report of the reconciliation."""
    spec = layer.spec
    reports: list[FileReport] = []
    for side, paths in zip(SIDES, (registration_paths, inspection_paths), strict=True):
        for path in paths:
            layer.begin_file(str(path), side)
            reports.append(stream(path, spec, _ignore, layer.observe, fail_on))
    return finish_reports(reports, layer.finish(), spec, fail_on)


def finish_reports(
    reports: list[FileReport], found: dict[str, list[Finding]], spec: Spec, fail_on: Severity = "error"
) -> Report:
    """The reconciliation's report: each file's reading problems, then its SE-CON findings, and what was not
    checked (shared with the run on a Dask cluster, :mod:`sedata.distributed.reconcile`)."""
    incomplete = any(fr.stopped is not None for fr in reports)
    for fr in reports:
        fr.findings.extend(found.get(fr.file, []))
        for rule_id, rule in spec.rules.items():
            if spec.rule_layers[rule_id] not in ("consistency", "syntax"):
                fr.not_checked[rule_id] = OUT_OF_SCOPE
            elif incomplete and not any(f.rule == rule_id for f in fr.findings):
                fr.not_checked[rule_id] = UNREADABLE
            elif rule.check == "manual":
                fr.not_checked[rule_id] = MANUAL
    return Report(reports, spec.info.spec_version, __version__, fail_on)


def reconcile(
    registration_paths: Iterable[str | os.PathLike[str]],
    inspection_paths: Iterable[str | os.PathLike[str]],
    today: dt.date | None = None,
    spec: Spec | None = None,
    fail_on: Severity = "error",
) -> Report:
    """Reconcile registration data with inspection data; one :class:`Report` with a file report per input.

    Each file is read once. A file that cannot be read is reported by its SE-SYN finding (exit code 2 in the
    CLI); the SE-CON rules are then marked not checked in every file, since the result is incomplete.
    """
    return run_files(Reconciler(spec, today), registration_paths, inspection_paths, fail_on)
