"""A record in a message, its canonical form, and the digest over all records.

The digest is computed over the canonical form, not over file bytes, so it survives conversion
between JSON, JSON Lines and XML: a converted file carries the same digest as its source, and a
receiver can prove that no record was lost or altered on the way.

Canonical form of one record: compact JSON (``,`` and ``:`` separators, no spaces, UTF-8, no ASCII
escaping) of ``{"recordType", "operation", "recordKey", "recordVersion", "data"}`` in that order with
absent members left out; inside ``data`` the fields follow the entity's order in the spec (nested
entities too), absent and null values are left out. The digest is the hash of every record's
canonical form followed by a line feed, in file order.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson

from sedata.spec import Spec, current
from sedata.spec.envelope import DATA, EnvelopeNames, digest_algorithms, envelope_names
from sedata.spec.model import EntityField

T = TypeVar("T")

# Per-spec tables of names derived from the spec; deriving them per record dominated the cost of
# reading and writing large messages. Dropped with the spec object.
_MEMO: dict[int, tuple[weakref.ref[Spec], dict[str, Any]]] = {}


def spec_memo(spec: Spec, key: str, build: Callable[[Spec], T]) -> T:
    """``build(spec)``, computed once per spec object and ``key`` (for tables derived from the spec)."""
    entry = _MEMO.get(id(spec))
    if entry is None or entry[0]() is not spec:
        ident = id(spec)
        entry = (weakref.ref(spec, lambda _ref: _MEMO.pop(ident, None)), {})
        _MEMO[ident] = entry
    table = entry[1]
    if key not in table:
        table[key] = build(spec)
    value: T = table[key]
    return value


def _all_exchange_fields(spec: Spec) -> dict[str, tuple[tuple[str, EntityField], ...]]:
    return {e.id: tuple((spec.field_exchange_name(f), f) for f in e.fields) for e in spec.entities.values()}


def exchange_fields(entity_id: str, spec: Spec) -> tuple[tuple[str, EntityField], ...]:
    """The fields of ``entity_id`` with their exchange names, in spec order."""
    return spec_memo(spec, "exchange_fields", _all_exchange_fields)[entity_id]


def _envelope_names(spec: Spec) -> EnvelopeNames:
    return spec_memo(spec, "envelope_names", envelope_names)


@dataclass(slots=True)
class Record:
    """One record of a message, with where it was read from (for error locations)."""

    type: str
    data: dict[str, Any] | None
    operation: str | None = None
    key: str | None = None
    version: int | None = None
    index: int | None = None
    line: int | None = None

    def to_json_data(self, spec: Spec | None = None) -> dict[str, Any]:
        """The record as the JSON data of its envelope, in canonical member order."""
        spec = spec or current()
        data = None if self.data is None else canonical_data(self.type, self.data, spec)
        return self.envelope(_envelope_names(spec), data)

    def envelope(self, names: EnvelopeNames, data: dict[str, Any] | None) -> dict[str, Any]:
        """The record's envelope members in canonical order around ``data`` (left out when None), as given."""
        out: dict[str, Any] = {names.record_type: self.type}
        if self.operation is not None:
            out[names.operation] = self.operation
        if self.key is not None:
            out[names.record_key] = self.key
        if self.version is not None:
            out[names.record_version] = self.version
        if data is not None:
            out[DATA] = data
        return out


def canonical_data(entity_id: str, data: dict[str, Any], spec: Spec | None = None) -> dict[str, Any]:
    """``data`` with its members in spec order and null members dropped (unknown members sorted last)."""
    if not isinstance(data, dict):
        return data  # not an object (a validator reports it and reads on): the digest covers what was sent
    spec = spec or current()
    entity = spec.entities.get(entity_id) if isinstance(entity_id, str) else None
    if entity is None:
        return {k: data[k] for k in sorted(data) if data[k] is not None}
    if _in_order(entity_id, tuple(data), spec) and None not in data.values():
        return dict(data)  # already canonical, as in every file sedata writes: a copy is cheaper than a rebuild
    out: dict[str, Any] = {}
    for name, f in exchange_fields(entity_id, spec):
        value = data.get(name)
        if value is None:
            continue
        if f.entity is not None:
            nested = f.entity
            if isinstance(value, list):
                value = [canonical_data(nested, v, spec) if isinstance(v, dict) else v for v in value]
            elif isinstance(value, dict):
                value = canonical_data(nested, value, spec)
        out[name] = value
    if len(out) == len(data):  # nothing unknown or null left over (the usual case)
        return out
    for name in sorted(set(data) - set(out)):
        if data[name] is not None and name not in out:
            out[name] = data[name]
    return out


def _orders(spec: Spec) -> dict[str, tuple[dict[str, int], frozenset[str]]]:
    return {
        e.id: (
            {name: i for i, (name, _f) in enumerate(exchange_fields(e.id, spec))},
            frozenset(name for name, f in exchange_fields(e.id, spec) if f.entity is not None),
        )
        for e in spec.entities.values()
    }


def _in_order(entity_id: str, names: tuple[str, ...], spec: Spec) -> bool:
    """Whether members ``names`` are known, in spec order and hold no nested entity (cached per member list)."""
    key = (entity_id, names)
    seen: dict[tuple[str, tuple[str, ...]], bool] = spec_memo(spec, "canonical_seen", lambda _spec: {})
    found = seen.get(key)
    if found is None:
        order, nested = spec_memo(spec, "canonical_orders", _orders)[entity_id]
        positions = [order.get(n, -1) for n in names]
        found = -1 not in positions and positions == sorted(positions) and nested.isdisjoint(names)
        if len(seen) < 4096:  # member lists repeat; a file of ever-new ones stays bounded
            seen[key] = found
    return found


def canonical_line(record: Record, spec: Spec | None = None) -> bytes:
    """The canonical bytes of one record (without the trailing line feed)."""
    data = record.to_json_data(spec)
    try:
        # orjson writes the same bytes as the json call below (compact, UTF-8, same escapes) five times faster.
        return orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):
        # Integers beyond 64 bits, lone surrogates: the standard library decides, as it always did.
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Digester:
    """Running digest and count over records, in constant memory."""

    def __init__(self, algorithm: str = "sha256", spec: Spec | None = None):
        spec = spec or current()
        if algorithm not in digest_algorithms(spec):
            raise ValueError(f"unknown digest algorithm {algorithm!r} / 未知摘要算法")
        if algorithm not in hashlib.algorithms_available:
            raise ValueError(f"{algorithm} is not available in this Python's OpenSSL / 本机 OpenSSL 不支持 {algorithm}")
        self.algorithm = algorithm
        self.count = 0
        self._hash = hashlib.new(algorithm)
        self._spec = spec

    def add(self, record: Record) -> None:
        """Fold one record into the digest."""
        self.add_line(canonical_line(record, self._spec))

    def add_line(self, line: bytes) -> None:
        """Fold one record given as its ``canonical_line`` (a writer that also writes those bytes)."""
        self._hash.update(line)
        self._hash.update(b"\n")
        self.count += 1

    def add_lines(self, lines: bytes, count: int) -> None:
        """Fold ``count`` records given as their canonical lines, each followed by a line feed."""
        self._hash.update(lines)
        self.count += count

    def hexdigest(self) -> str:
        """The digest so far, as lower-case hex."""
        return self._hash.hexdigest()
