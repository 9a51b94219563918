"""What records one message may carry, checked the same way by every reader and writer.

A :class:`MessageRules` is built once per message from its header, so the per-record checks are set
look-ups: the record type is one the message type carries, the change-set wrapper follows the mode
(a snapshot names no operation; a change set names operation, key and version for every record), and
a delete carries no data while any other record does. Writers also check that the data has the shape
of the JSON data model the spec defines (integers as ints, everything else as text, nested entities as
objects, repeated fields as non-empty lists), which is exactly what makes JSON ↔ XML conversion lossless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sedata.elements import MessageHeader
from sedata.elements._core import SpecModel
from sedata.exchange.errors import ExchangeError, StructureError, UnwritableRecordError
from sedata.exchange.records import Record, spec_memo
from sedata.spec import Spec, current
from sedata.spec.envelope import (
    DATA,
    KEY_SEPARATOR,
    SNAPSHOT,
    EnvelopeNames,
    delete_operation,
    envelope_ids,
    envelope_names,
)


@dataclass(frozen=True)
class _Field:
    name: str
    integer: bool
    entity: str | None
    repeated: bool


def _shapes(spec: Spec) -> dict[str, dict[str, _Field]]:
    out: dict[str, dict[str, _Field]] = {}
    for entity in spec.entities.values():
        fields: dict[str, _Field] = {}
        for f in entity.fields:
            name = spec.field_exchange_name(f)
            integer = f.element is not None and spec.domains[f.element].data_type == "integer"
            fields[name] = _Field(name, integer, f.entity, f.repeated)
        out[entity.id] = fields
    return out


class MessageRules:
    """The envelope rules of one message (its type and mode), for reading and for writing."""

    def __init__(self, header: MessageHeader, spec: Spec | None = None):
        self.spec = spec or current()
        self.header = header
        self.names: EnvelopeNames = envelope_names(self.spec)
        self.record_types: tuple[str, ...] = tuple(r.entity for r in self.spec.messages[header.message_type].records)
        self.operations: tuple[str, ...] = tuple(self.spec.domains[envelope_ids(self.spec).operation].codes or ())
        self.delete = delete_operation(self.spec)
        self.changes = header.mode != SNAPSHOT
        self.members = frozenset(
            (
                self.names.record_type,
                self.names.operation,
                self.names.record_key,
                self.names.record_version,
                DATA,
            )
        )
        self._shapes = _shapes(self.spec)

    # --- reading ------------------------------------------------------------------------------------

    def from_json(self, obj: Any, index: int, line: int | None = None) -> Record:
        """A record envelope as JSON data → :class:`Record`, checked against the message's rules."""
        record = self._unchecked(obj, index, line)
        self.check(record)
        return record

    def _unchecked(self, obj: Any, index: int | None, line: int | None) -> Record:
        if not isinstance(obj, dict):
            raise StructureError(
                "记录应为 JSON 对象", f"a record must be a JSON object, not {json_type(obj)}", index=index, line=line
            )
        unknown = obj.keys() - self.members
        if unknown:
            names = ", ".join(sorted(unknown))
            raise StructureError(
                f"记录中有未知成员：{names}", f"unknown record member(s): {names}", index=index, line=line
            )
        n = self.names
        return Record(
            type=obj.get(n.record_type),  # type: ignore[arg-type]  # check() refuses a non-string
            data=obj.get(DATA),
            operation=obj.get(n.operation),
            key=obj.get(n.record_key),
            version=obj.get(n.record_version),
            index=index,
            line=line,
        )

    def check(self, record: Record) -> None:
        """Raise :class:`StructureError` unless the record's envelope follows the message's rules."""
        n, index, line = self.names, record.index, record.line
        if not isinstance(record.type, str) or record.type not in self.record_types:
            raise StructureError(
                f"报文类型 {self.header.message_type} 不含记录类型 {record.type!r}"
                f"（可含：{', '.join(self.record_types)}）",
                f"message type {self.header.message_type} carries no record type {record.type!r} "
                f"(it carries: {', '.join(self.record_types)})",
                index=index,
                line=line,
            )
        if record.operation is not None and record.operation not in self.operations:
            raise StructureError(
                f"未知变更操作 {record.operation!r}（可用：{', '.join(self.operations)}）",
                f"unknown operation {record.operation!r} (use one of: {', '.join(self.operations)})",
                index=index,
                line=line,
            )
        if record.key is not None and not (isinstance(record.key, str) and record.key):
            raise StructureError(
                f"{n.record_key} 应为非空字符串", f"{n.record_key} must be a non-empty string", index=index, line=line
            )
        if record.version is not None and (type(record.version) is not int or record.version < 1):
            raise StructureError(
                f"{n.record_version} 应为不小于 1 的整数",
                f"{n.record_version} must be an integer of at least 1",
                index=index,
                line=line,
            )
        if self.changes:
            missing = [
                name
                for name, value in (
                    (n.operation, record.operation),
                    (n.record_key, record.key),
                    (n.record_version, record.version),
                )
                if value is None
            ]
            if missing:
                raise StructureError(
                    f"增量报文的每条记录须有 {', '.join(missing)}",
                    f"every record of a change set needs {', '.join(missing)}",
                    index=index,
                    line=line,
                )
        elif record.operation is not None:
            raise StructureError(
                f"全量报文的记录不带 {n.operation}",
                f"a snapshot's records carry no {n.operation}",
                index=index,
                line=line,
            )
        if record.operation == self.delete:
            if record.data is not None:
                raise StructureError("删除记录不带 data", "a delete record carries no data", index=index, line=line)
        elif not isinstance(record.data, dict):
            raise StructureError(
                "记录须有 data 对象",
                f"a record needs a data object, not {json_type(record.data)}",
                index=index,
                line=line,
            )

    def element_count(self, entity_id: str, data: dict[str, Any]) -> int:
        """How many XML elements below the record element ``data`` comes from (nested ones included)."""
        return _element_count(self._shapes, entity_id, data)

    # --- writing ------------------------------------------------------------------------------------

    def writable(self, item: Record | SpecModel | dict[str, Any], index: int) -> Record:
        """Turn what a caller passes to ``write`` into a checked :class:`Record` that every format can carry."""
        if isinstance(item, SpecModel):
            item = Record(type(item).__entity__, item.to_data())
        elif not isinstance(item, Record | dict):
            raise UnwritableRecordError(
                "记录应为 Record、模型实例或 JSON 记录对象",
                f"a record is a Record, a model instance or a JSON record object, not {type(item).__name__}",
                index=index,
            )
        if isinstance(item, dict):
            try:
                record = self._unchecked(item, index, None)
            except ExchangeError as exc:
                raise UnwritableRecordError(exc.zh, exc.en, index=index) from None
        else:
            record = Record(item.type, item.data, item.operation, item.key, item.version, index=index)
        self.check_writable(record)
        return record

    def check_writable(self, record: Record) -> None:
        """Raise :class:`UnwritableRecordError` unless every format can carry ``record`` losslessly."""
        index = record.index
        try:
            self.check(record)
        except ExchangeError as exc:
            raise UnwritableRecordError(exc.zh, exc.en, index=index) from None
        if record.data is not None:
            self._check_shape(record.type, record.data, record.type, index)

    def _check_shape(self, entity_id: str, data: dict[str, Any], path: str, index: int | None) -> None:
        fields = self._shapes[entity_id]
        for name, value in data.items():
            f = fields.get(name)
            if f is None:
                where = f"{path}.{name}"
                raise UnwritableRecordError(
                    f"{where}：{entity_id} 没有此字段", f"{where}: {entity_id} has no such field", index=index
                )
            if value is None:
                continue
            if f.repeated:
                if not (isinstance(value, list) and value):
                    where = f"{path}.{name}"
                    raise UnwritableRecordError(
                        f"{where}：重复字段应为非空数组（无值时省略）",
                        f"{where}: a repeated field is a non-empty array (leave it out when there is no value)",
                        index=index,
                    )
                items: list[Any] = value
            else:
                items = [value]
            for item in items:
                if f.entity is not None:
                    if not isinstance(item, dict):
                        where = f"{path}.{name}"
                        raise UnwritableRecordError(
                            f"{where}：应为对象", f"{where}: expected an object, got {json_type(item)}", index=index
                        )
                    self._check_shape(f.entity, item, f"{path}.{name}", index)
                elif f.integer:
                    if type(item) is not int:
                        where = f"{path}.{name}"
                        raise UnwritableRecordError(
                            f"{where}：整数数据元的值应为 JSON 整数",
                            f"{where}: an integer element takes a JSON integer, got {json_type(item)}",
                            index=index,
                        )
                elif type(item) is not str:
                    where = f"{path}.{name}"
                    raise UnwritableRecordError(
                        f"{where}：值应为字符串（小数、日期均以字符串书写）",
                        f"{where}: expected a string (decimals and dates are written as strings), "
                        f"got {json_type(item)}",
                        index=index,
                    )


def _element_count(shapes: dict[str, dict[str, _Field]], entity_id: str, data: dict[str, Any]) -> int:
    fields = shapes[entity_id]
    total = 0
    for name, value in data.items():
        f = fields.get(name)
        if value is None:
            continue
        if f is None:  # a member the reader's spec knows and this one does not (a 1.0.0 message read by 1.1.0)
            total += _any_count(value)
            continue
        for item in value if f.repeated and isinstance(value, list) else [value]:
            total += 1
            if f.entity is not None and isinstance(item, dict):
                total += _element_count(shapes, f.entity, item)
    return total


def _any_count(value: Any) -> int:
    """How many XML elements a member of no known shape comes from (one per item, and those below it)."""
    total = 0
    for item in value if isinstance(value, list) else [value]:
        total += 1
        if isinstance(item, dict):
            total += sum(_any_count(v) for v in item.values() if v is not None)
    return total


def json_type(value: Any) -> str:
    """The JSON type name of a decoded value (for messages about wrong types)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _key_names(spec: Spec) -> dict[str, tuple[str, ...]]:
    """Per entity, the exchange names of its business-key fields in key order."""
    out: dict[str, tuple[str, ...]] = {}
    for entity in spec.entities.values():
        names = {spec.field_key(f): spec.field_exchange_name(f) for f in entity.fields}
        out[entity.id] = tuple(names[k] for k in entity.business_key)
    return out


def record_key(entity_id: str, data: dict[str, Any], spec: Spec | None = None) -> str:
    """The business key of a record: its key fields' values joined by ``|`` in the entity's order."""
    spec = spec or current()
    names = spec_memo(spec, "key_names", _key_names)[entity_id]  # per record: derive once per spec
    if not names:
        raise ValueError(f"{entity_id} has no business key / {entity_id} 无业务键")
    return KEY_SEPARATOR.join(str(data[name]) for name in names)
