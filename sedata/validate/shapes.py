"""Record fields in spec terms: for each entity and exchange name, the element, its names and its domain.

Findings name the data element (``SE.EQP.0001 设备代码``), not a Python attribute, so every location the
models or readers give (exchange names, list indexes) is resolved through these tables. They are built
once per spec object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sedata.exchange.records import spec_memo
from sedata.spec import Domain, Spec
from sedata.spec.envelope import KEY_SEPARATOR
from sedata.validate.masking import mask, redact_data
from sedata.validate.report import ElementRef, Text

DataPath = tuple[str | int, ...]
"""Where a value sits inside a record's data: member names and list indexes."""


@dataclass(frozen=True, slots=True)
class FieldShape:
    """One field of an entity as the validator needs it."""

    name: str
    """Exchange name (JSON member, XML element)."""
    key: str
    ref: ElementRef
    element: str | None
    entity: str | None
    repeated: bool
    mandatory: bool
    cardinality: str
    domain: Domain | None
    personal: str | None


@dataclass(frozen=True, slots=True)
class EntityShape:
    """An entity's fields by exchange name, its names and its business-key fields."""

    id: str
    name: Text
    fields: dict[str, FieldShape]
    key_fields: tuple[FieldShape, ...]

    def by_key(self, key: str) -> FieldShape:
        """The field whose Python name is ``key``."""
        return next(f for f in self.fields.values() if f.key == key)


def _build(spec: Spec) -> dict[str, EntityShape]:
    out: dict[str, EntityShape] = {}
    for entity in spec.entities.values():
        fields: dict[str, FieldShape] = {}
        for f in entity.fields:
            name = spec.field_exchange_name(f)
            element = spec.elements[f.element] if f.element else None
            label = f.name or (element.name if element else None)
            assert label is not None  # the loader requires a name on nested-entity fields
            ref_id = f.element or f.entity
            assert ref_id is not None
            fields[name] = FieldShape(
                name=name,
                key=spec.field_key(f),
                ref=ElementRef(ref_id, Text(label.zh, label.en), name),
                element=f.element,
                entity=f.entity,
                repeated=f.repeated,
                mandatory=f.obligation == "M",
                cardinality=f.cardinality or ("1..1" if f.obligation == "M" else "0..1"),
                domain=spec.domains[f.element] if f.element else None,
                personal=element.personal_data if element else None,
            )
        by_key = {f.key: f for f in fields.values()}
        out[entity.id] = EntityShape(
            entity.id,
            Text(entity.name.zh, entity.name.en),
            fields,
            tuple(by_key[k] for k in entity.business_key),
        )
    return out


def shapes(spec: Spec) -> dict[str, EntityShape]:
    """Every entity's shape (computed once per spec object)."""
    return spec_memo(spec, "validate.shapes", _build)


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from its reference tokens."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def record_pointer(index: int | None, *parts: str | int) -> str | None:
    """The pointer of a record (or a part of it) in the canonical document ``{"header", "records"}``."""
    return None if index is None else pointer("records", index, *parts)


def masked_key(entity: EntityShape | None, key: Any, data: Any) -> str | None:
    """The record's business key for display, each part masked as its element requires.

    The key written in the file (``recordKey``) is preferred; without one it is built from the data.
    """
    if entity is None or not entity.key_fields:
        return None if key is None else mask(str(key), "citizen-id")
    parts: Sequence[str]
    if isinstance(key, str) and key:
        parts = key.split(KEY_SEPARATOR)
    elif isinstance(data, dict) and all(data.get(f.name) is not None for f in entity.key_fields):
        parts = [str(data[f.name]) for f in entity.key_fields]
    else:
        return None
    if len(parts) != len(entity.key_fields):
        # Parts cannot be told apart, so mask as strictly as any key field requires.
        strict = next((f.personal for f in entity.key_fields if f.personal), None)
        return KEY_SEPARATOR.join(mask(p, strict) for p in parts)
    return KEY_SEPARATOR.join(mask(p, f.personal) for p, f in zip(parts, entity.key_fields, strict=True))


def masked_data(entity: EntityShape, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a header's or a record's) with each personal-data value masked, for a report."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        field = entity.fields.get(name)
        out[name] = mask(value, field.personal) if field is not None and isinstance(value, str) else value
    # An ID can stand in any member (or be a member name): mask by value as well as by field.
    masked: dict[str, Any] = redact_data(out)
    return masked
