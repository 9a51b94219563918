"""The screen: per batch of lines, which rows could carry a finding of the record-level layers.

A row passes the screen only when all of these hold, so the row engine would find nothing in its
envelope, schema, codes and (with a plan made with ``today``) business layers on it:

* orjson parses it to an object whose members are envelope members in canonical order, none null, with a
  record type the message carries and the attributes its mode asks for (no delete: those are confirmed);
* its data members are known, in spec order, hold no nested entity and no null (so its canonical line is
  the line as written, which also rules out repeated members, escapes and odd spacing);
* every scalar column passes the checks compiled from the spec (:mod:`sedata.columnar.compile`, identifier
  rules from :mod:`sedata.columnar.identifiers`), mandatory fields are there, and ``recordKey`` is the key
  the data gives;
* no business rule could fire (:mod:`sedata.columnar.business`), and no other row of the batch has its key.

Keys of the cross-record layer depend on other batches: the screen hands over the unflagged rows' keys for
the run's index to take in bulk (:mod:`sedata.columnar.keys`).

The function is pure (batch and plan in, flags out), so chunks can be screened anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import orjson
import polars as pl

from sedata.columnar.business import BusinessScreen, business_flags
from sedata.columnar.compile import EntityScreen, FieldScreen, entity_screens
from sedata.columnar.read import LineBatch
from sedata.exchange.records import _in_order, spec_memo
from sedata.spec import Spec
from sedata.spec.envelope import DATA, KEY_SEPARATOR, VERSION_SEPARATOR, EnvelopeNames

LONG_LINE = 1 << 20
"""Lines longer than this are left to the strict reader (which also refuses overlong lines)."""
_WHOLE_BATCHES = 16
"""Batches a field whose values were mostly new is checked whole before its values are looked up again."""
_ORDERS_KEPT = 4096
"""Member lists whose order verdict a plan remembers."""


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
    masked form)."""
    business: dict[str, BusinessScreen] | None = None
    """Per record type, where a business rule (other than SE-BIZ-010) could fire; None: business rules are left
    to the caller for every row (the screen then flags only what the other layers could find)."""
    orders: dict[tuple[str, tuple[str, ...]], bool] = field(default_factory=dict, compare=False)
    """Per record type and member list, whether the members are known, in spec order, none nested (remembered:
    the lists repeat from row to row)."""

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
        *,
        message_type: str | None = None,
        today: dt.date | None = None,
    ) -> Plan:
        """The plan of a message with these envelope rules; with ``today`` (the run's date for business rules) a
        row that could carry a business finding is flagged too, so an unflagged row needs no business check."""
        # Compiled from the spec the message is judged by (its fields, domains, models and business rules), so a
        # message declaring an earlier version is screened by that version's own facts.
        screens = entity_screens(spec, today)  # identifiers too are read as of the run's date
        confirm_all = masked
        biz = None
        if today is not None and not confirm_all:
            # Built once per spec, message type and date (Polars expressions are immutable): every file and
            # chunk of a run shares them instead of rebuilding them per file.
            day = today
            biz = spec_memo(
                spec,
                f"columnar.business.{message_type}.{day.isoformat()}",
                lambda s: {kind: business_flags(s, es.shape, message_type, day) for kind, es in screens.items()},
            )
        return cls(
            spec,
            screens,
            names,
            frozenset(allowed),
            frozenset(operations),
            delete,
            changes,
            confirm_all,
            biz,
        )


@dataclass(slots=True)
class Screened:
    """A batch after the screen: each row's parsed object (None when flagged) and its flag."""

    objects: list[dict[str, Any] | None]
    flagged: list[bool]
    blank: list[bool]
    keys: dict[str, tuple[list[int], list[str]]] = field(default_factory=dict)
    """Per record type, the unflagged rows whose business key comes from their key fields, and that key (with
    the record version in a change set, as the key index writes it). Within the batch no other record has it."""
    opaque: bool = False
    """Some non-blank row could not be parsed here, so its key is unknown: keys are best fed row by row."""


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
    opaque = False
    others: list[tuple[Any, Any, Any]] = []  # parsed rows the screen turned away: their keys still count
    seen = plan.orders
    for i, raw in enumerate(batch.lines):
        if len(raw) > LONG_LINE:
            opaque = True
            continue
        try:
            obj = loads(raw)
        except orjson.JSONDecodeError:
            if raw.strip():
                opaque = True
            else:
                blank[i] = True  # orjson reads no value in a blank line: told apart only here, off the hot path
            continue
        if type(obj) is not dict:
            opaque = True
            continue
        kind = obj.get(rt)
        data = obj.get(DATA)
        if tuple(obj) != wanted or type(kind) is not str or kind not in allowed or type(data) is not dict:
            others.append((kind, data, obj.get(rv)))
            continue
        if plan.changes:
            version, key, operation = obj[rv], obj[rk], obj[op]
            if type(version) is not int or version < 1 or type(key) is not str or not key:
                continue
            if type(operation) is not str or operation not in operations or operation == delete:
                others.append((kind, data, obj.get(rv)))
                continue
        members = (kind, tuple(data))
        in_order = seen.get(members)
        if in_order is None:
            in_order = _in_order(kind, members[1], spec)
            if len(seen) < _ORDERS_KEPT:  # member lists repeat; a file of ever-new ones stays bounded
                seen[members] = in_order
        if not in_order or None in data.values() or dumps(obj) != raw:
            others.append((kind, data, obj.get(rv)))
            continue
        objects[i] = obj
        flagged[i] = False
        by_type.setdefault(kind, []).append(i)
    if batch.ends_open and n:
        flagged[-1], objects[-1] = True, None
        opaque = True
    keyed: dict[str, tuple[list[int], list[str]]] = {}
    taken = _other_keys(screens, others)
    for kind, rows in by_type.items():
        found = [objects[i] for i in rows]
        versions = [o.get(rv) for o in found if o] if plan.changes else None
        biz = plan.business.get(kind) if plan.business is not None else None
        bad, keys = _entity_flags(
            screens[kind], [o[DATA] for o in found if o], [o.get(rk) for o in found if o], biz, versions
        )
        repeated = taken.get(kind, set())
        trusted = _ANY not in repeated
        mine: tuple[list[int], list[str]] = ([], [])
        for i, b, key in zip(rows, bad, keys, strict=True):
            if b:
                flagged[i], objects[i] = True, None
            elif trusted and key is not None and key not in repeated:
                mine[0].append(i)
                mine[1].append(key)
        if mine[0]:
            keyed[kind] = mine
    return Screened(objects, flagged, blank, keyed, opaque)


def _other_keys(screens: dict[str, EntityScreen], others: list[tuple[Any, Any, Any]]) -> dict[str, set[str]]:
    """Keys of the parsed rows the screen turned away (the row engine indexes them), per record type."""
    out: dict[str, set[str]] = {}
    for kind, data, version in others:
        es = screens.get(kind) if type(kind) is str else None
        if es is None or type(data) is not dict or not es.key_names:
            continue
        parts = [data.get(n) for n in es.key_names]
        if all(isinstance(p, str | int) and not isinstance(p, bool) for p in parts):
            key = KEY_SEPARATOR.join(str(p) for p in parts)
            out.setdefault(kind, set()).add(key if version is None else f"{key}{VERSION_SEPARATOR}{version}")
        else:
            out.setdefault(kind, set()).add(_ANY)
    return out


_ANY = "\x00any"
"""Stands for a key the screen cannot tell (a turned-away row without key fields): keys are then not trusted."""


def _entity_flags(
    es: EntityScreen,
    datas: list[dict[str, Any]],
    keys: list[Any],
    biz: BusinessScreen | None = None,
    versions: list[Any] | None = None,
) -> tuple[list[bool], list[str | None]]:
    """Per row of one record type: could its data carry a schema, codes or (with ``biz``) business finding, or
    disagree with its key? And the row's business key (None when a key field is empty), repeats flagged."""
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
    odd_key = False  # a key field of the wrong JSON type: the row engine may still make a key of it
    names = [fs.shape.name for fs in es.fields]
    # One pass over the rows, the look-ups done by C loops (map, zip), then one list per field.
    by_field = list(zip(*(tuple(map(d.get, names)) for d in datas), strict=True)) if names and datas else []
    for k, fs in enumerate(es.fields):
        column, wrong = _column(fs, list(by_field[k]) if by_field else [None] * n)
        if wrong is not None:
            bad = bad | wrong
            odd_key = odd_key or fs.shape.name in es.key_names
        columns[fs.shape.name] = column.alias(fs.shape.name)
    bad = _value_checks(es, columns, bad)
    frame_columns = dict(columns)
    if biz is not None:
        for ls in es.lists:
            # Repeated codes as list columns for the business rules (a row whose list is not one is flagged above).
            name = ls.shape.name
            items = [
                v if type(v) is list and all(type(x) is str for x in v) else None for v in (d.get(name) for d in datas)
            ]
            frame_columns[name] = pl.Series(name, items, dtype=pl.List(pl.String))
        frame = pl.DataFrame(frame_columns) if frame_columns else pl.DataFrame({"_": [None] * n})
        for stage in biz.derived:
            if stage:
                frame = frame.with_columns(**stage)
        bad = bad | frame.select(biz.flag.fill_null(False)).to_series()
    for fs in es.fields:
        if fs.slow:
            column = columns[fs.shape.name]
            distinct = column.filter(~bad & column.is_not_null()).unique().to_list()
            refused = [v for v in distinct if not fs.clean(v)]
            if refused:
                bad = bad | column.is_in(refused).fill_null(False)
    made: pl.Series | None = None
    base: pl.Series | None = None
    parts = [columns[name].cast(pl.String).alias(name) for name in es.key_names if name in columns]
    if es.key_names and len(parts) == len(es.key_names):
        base = made = pl.DataFrame(parts).select(pl.concat_str(pl.all(), separator=KEY_SEPARATOR)).to_series()
        if versions is not None:
            version = pl.Series("v", versions, dtype=pl.Int64, strict=False).cast(pl.String)
            made = (
                pl.DataFrame({"k": base, "v": version})
                .select(pl.concat_str([pl.col("k"), pl.lit(VERSION_SEPARATOR), pl.col("v")]))
                .to_series()
            )
    if es.key_names and any(k is not None for k in keys):
        if base is not None:
            given = pl.Series("k", keys, dtype=pl.String, strict=False)
            bad = bad | (given.is_not_null() & base.is_not_null() & (given != base)).fill_null(False)
        else:
            bad = bad | pl.Series([k is not None for k in keys])
    if made is None or odd_key:
        return bad.to_list(), [None] * n  # keys fed row by row, in file order
    # Repeats within the batch (SE-BIZ-010 or SE-XRF-001) go to the row engine, every one of them, in order.
    bad = bad | (made.is_not_null() & made.is_duplicated()).fill_null(False)
    return bad.to_list(), made.to_list()


def _value_checks(es: EntityScreen, columns: dict[str, pl.Series], bad: pl.Series) -> pl.Series:
    """``bad``, and the rows where a field's value fails its compiled checks (or a mandatory field is null).

    The checks of a field depend on its value alone, so they run on the distinct values no earlier batch had,
    all fields in one query: planning and running them costs per new value, not per row (codes, units, dates
    and divisions repeat from row to row). A field whose values are mostly new in every batch (equipment codes,
    certificate numbers) is checked on its whole column in the same query, without remembering its values.
    """
    refused: dict[str, list[Any]] = {}
    new: dict[str, list[Any]] = {}
    whole: list[str] = []
    by_name: dict[str, FieldScreen] = {}
    for fs in es.fields:
        name = fs.shape.name
        column = columns[name]
        if fs.shape.mandatory and column.has_nulls():
            bad = bad | column.is_null()
        if not fs.vector:
            continue
        by_name[name] = fs
        if fs.probe > 0:
            fs.probe -= 1
            whole.append(name)
            continue
        distinct = column.unique().to_list()
        verdicts = list(map(fs.wrong.get, distinct))  # None: not seen yet
        if True in verdicts:
            refused[name] = [v for v, w in zip(distinct, verdicts, strict=True) if w]
        if None in verdicts:
            fresh = [v for v, w in zip(distinct, verdicts, strict=True) if w is None and v is not None]
            if fresh:
                new[name] = fresh
                if 2 * len(fresh) > len(column):
                    fs.probe = _WHOLE_BATCHES  # mostly new values: not worth remembering for a while
    if new or whole:
        height = max([len(v) for v in new.values()] + [len(columns[name]) for name in whole])
        # Shorter columns padded with their own first value, whose repeated verdicts are dropped.
        frame = pl.DataFrame(
            [pl.Series(name, v + [v[0]] * (height - len(v)), dtype=columns[name].dtype) for name, v in new.items()]
            + [columns[name] for name in whole]
        )
        checked = frame.select([by_name[name].check for name in (*new, *whole)])
        for name, fresh in new.items():
            found = checked[name].to_list()[: len(fresh)]
            by_name[name].remember(fresh, found)
            wrong = [v for v, w in zip(fresh, found, strict=True) if w]
            if wrong:
                refused.setdefault(name, []).extend(wrong)
        for name in whole:
            bad = bad | checked[name]
    for name, values in refused.items():
        bad = bad | columns[name].is_in(values).fill_null(False)
    return bad


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
