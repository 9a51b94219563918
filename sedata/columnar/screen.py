"""The screen: per batch of lines, which rows could carry a finding of the record-level layers.

A row passes the screen only when all of these hold, so the row engine would find nothing in its
envelope, schema and codes layers (business rules and the key index still see every row):

* orjson parses it to an object whose members are envelope members in canonical order, none null, with a
  record type the message carries and the attributes its mode asks for (no delete: those are confirmed);
* its data members are known, in spec order, hold no nested entity and no null (so its canonical line is
  the line as written, which also rules out repeated members, escapes and odd spacing);
* every scalar column passes the checks compiled from the spec (:mod:`sedata.columnar.compile`), mandatory
  fields are there, and ``recordKey`` is the key the data gives.

The function is pure (batch and plan in, flags out), so chunks can be screened anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import polars as pl

from sedata.columnar.compile import EntityScreen, FieldScreen, entity_screens
from sedata.columnar.read import LineBatch
from sedata.exchange.records import _in_order
from sedata.spec import Spec, current
from sedata.spec.envelope import DATA, KEY_SEPARATOR, EnvelopeNames

LONG_LINE = 1 << 20
"""Lines longer than this are left to the strict reader (which also refuses overlong lines)."""


@dataclass(frozen=True)
class Plan:
    """What the screen of one file needs: the spec's entity screens and the message's envelope rules."""

    spec: Spec
    screens: dict[str, EntityScreen]
    names: EnvelopeNames
    allowed: frozenset[str]
    operations: frozenset[str]
    delete: str
    changes: bool
    confirm_all: bool
    """Every row goes to the row engine: the package declares a masking profile (personal values are checked in
    masked form), or is judged by another spec version than the one the models were generated from."""

    @classmethod
    def of(
        cls,
        spec: Spec,
        names: EnvelopeNames,
        allowed: tuple[str, ...],
        operations: tuple[str, ...],
        delete: str,
        changes: bool,
        masked: bool,
    ) -> Plan:
        """The plan of a message with these envelope rules."""
        return cls(
            spec,
            entity_screens(spec),
            names,
            frozenset(allowed),
            frozenset(operations),
            delete,
            changes,
            masked or spec is not current(),
        )


@dataclass(slots=True)
class Screened:
    """A batch after the screen: each row's parsed object (None when flagged) and its flag."""

    objects: list[dict[str, Any] | None]
    flagged: list[bool]
    blank: list[bool]


def screen(batch: LineBatch, plan: Plan) -> Screened:
    """Parse and screen a batch; a flagged row goes to the row engine, an unflagged one cannot carry a finding."""
    n = len(batch.lines)
    objects: list[dict[str, Any] | None] = [None] * n
    flagged = [True] * n
    blank = [False] * n
    by_type: dict[str, list[int]] = {}
    if plan.confirm_all:
        return Screened(objects, flagged, [not raw.strip() for raw in batch.lines])
    names = plan.names
    rt, op, rk, rv = names.record_type, names.operation, names.record_key, names.record_version
    wanted = (rt, op, rk, rv, DATA) if plan.changes else (rt, DATA)
    spec, screens, allowed, operations, delete = plan.spec, plan.screens, plan.allowed, plan.operations, plan.delete
    loads, dumps = orjson.loads, orjson.dumps
    for i, raw in enumerate(batch.lines):
        if len(raw) > LONG_LINE:
            continue
        if not raw.strip():
            blank[i] = True
            continue
        try:
            obj = loads(raw)
        except orjson.JSONDecodeError:
            continue
        if type(obj) is not dict or tuple(obj) != wanted:
            continue
        kind = obj[rt]
        data = obj[DATA]
        if type(kind) is not str or kind not in allowed or type(data) is not dict:
            continue
        if plan.changes:
            version, key, operation = obj[rv], obj[rk], obj[op]
            if type(version) is not int or version < 1 or type(key) is not str or not key:
                continue
            if type(operation) is not str or operation not in operations or operation == delete:
                continue
        if not _in_order(kind, tuple(data), spec) or None in data.values() or dumps(obj) != raw:
            continue
        objects[i] = obj
        flagged[i] = False
        by_type.setdefault(kind, []).append(i)
    if batch.ends_open and n:
        flagged[-1], objects[-1] = True, None
    for kind, rows in by_type.items():
        found = [objects[i] for i in rows]
        bad = _entity_flags(screens[kind], [o[DATA] for o in found if o], [o.get(rk) for o in found if o])
        for i, b in zip(rows, bad, strict=True):
            if b:
                flagged[i], objects[i] = True, None
    return Screened(objects, flagged, blank)


def _entity_flags(es: EntityScreen, datas: list[dict[str, Any]], keys: list[Any]) -> list[bool]:
    """Per row of one record type: could its data carry a schema or codes finding, or disagree with its key?"""
    n = len(datas)
    bad = pl.Series("bad", [False] * n)
    if es.loose:
        # Any loose field there, or a mandatory one missing: the row engine decides.
        required = es.required
        bad = bad | pl.Series([not es.loose.isdisjoint(d) or not required.issubset(d) for d in datas])
    for ls in es.lists:
        name, mandatory = ls.shape.name, ls.shape.mandatory
        hurt = [mandatory if (v := d.get(name)) is None else not ls.clean(v) for d in datas]
        if any(hurt):
            bad = bad | pl.Series(hurt)
    columns: dict[str, pl.Series] = {}
    for fs in es.fields:
        column, wrong = _column(fs, [d.get(fs.shape.name) for d in datas])
        if wrong is not None:
            bad = bad | wrong
        columns[fs.shape.name] = column.alias(fs.shape.name)
    if es.vector:
        # One pass of the query engine over every column of the batch.
        bad = bad | pl.DataFrame(columns).select(pl.any_horizontal(es.vector).fill_null(False)).to_series()
    for fs in es.fields:
        if fs.slow:
            column = columns[fs.shape.name]
            distinct = column.filter(~bad & column.is_not_null()).unique().to_list()
            refused = [v for v in distinct if not fs.clean(v)]
            if refused:
                bad = bad | column.is_in(refused).fill_null(False)
    if es.key_names and any(k is not None for k in keys):
        parts = [columns[name].cast(pl.String).alias(name) for name in es.key_names if name in columns]
        if len(parts) == len(es.key_names):
            given = pl.Series("k", keys, dtype=pl.String, strict=False)
            made = pl.DataFrame(parts).select(pl.concat_str(pl.all(), separator=KEY_SEPARATOR)).to_series()
            bad = bad | (given.is_not_null() & made.is_not_null() & (given != made)).fill_null(False)
        else:
            bad = bad | pl.Series([k is not None for k in keys])
    return bad.to_list()


def _column(fs: FieldScreen, values: list[Any]) -> tuple[pl.Series, pl.Series | None]:
    """The field's values as a typed column, and the rows whose JSON type is wrong (None when there are none)."""
    if fs.integer:
        # JSON true/false are Python bools, which polars would quietly take for integers.
        ok = [v is None or (type(v) is int and -(1 << 63) <= v < (1 << 63)) for v in values]
        if all(ok):
            return pl.Series("v", values, dtype=pl.Int64), None
        return (
            pl.Series("v", [v if good else None for v, good in zip(values, ok, strict=True)], dtype=pl.Int64),
            ~pl.Series(ok),
        )
    try:
        return pl.Series("v", values, dtype=pl.String, strict=True), None
    except TypeError:
        ok = [v is None or type(v) is str for v in values]
        return (
            pl.Series("v", [v if good else None for v, good in zip(values, ok, strict=True)], dtype=pl.String),
            ~pl.Series(ok),
        )
