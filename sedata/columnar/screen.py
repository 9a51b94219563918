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

A batch is read in columns when it can be (:func:`_screen_columns`): per record type one query proves its lines
canonical and decodes only those, and one more runs every check, the record types side by side; otherwise
each line is parsed with orjson (:func:`_screen_rows`).

The function is pure (batch and plan in, flags out), so chunks can be screened anywhere.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import polars as pl

from sedata.columnar.business import BusinessScreen, business_flags
from sedata.columnar.compile import EntityScreen, FieldScreen, entity_screens
from sedata.columnar.read import LineBatch
from sedata.exchange.records import _in_order, _orders, spec_memo
from sedata.spec import Spec
from sedata.spec.envelope import DATA, KEY_SEPARATOR, VERSION_SEPARATOR, EnvelopeNames
from sedata.validate.layers.crossfile import _plans

LONG_LINE = 1 << 20
"""Lines longer than this are left to the strict reader (which also refuses overlong lines)."""
_WHOLE_BATCHES = 16
"""Batches a field whose values were mostly new is checked whole before its values are looked up again."""


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
    layout: Layout | None = None
    """How a batch is read into columns at once (None: row by row, see :func:`_screen_columns`)."""
    read: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    """Per record type, the data members the run's key index reads of a row keyed in bulk: those its references
    start from (:meth:`sedata.validate.layers.crossfile.CrossRecord.observe_keys`)."""

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
        layout = None
        if not confirm_all:
            kinds = tuple(sorted(k for k in allowed if k in screens))
            layout = spec_memo(
                spec,
                f"columnar.layout.{changes}.{names}.{kinds}.{sorted(operations)}.{delete}",
                lambda s: _layout(s, screens, names, kinds, frozenset(operations) - {delete}, changes),
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
            layout=layout,
            read=spec_memo(spec, "columnar.read", _referring),
        )


def _referring(spec: Spec) -> dict[str, tuple[str, ...]]:
    return {
        kind: tuple(dict.fromkeys(r.steps[0] for r in plan.references))
        for kind, plan in _plans(spec).items()
        if plan.references
    }


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
    datas: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per record type, beside ``keys``: each keyed row's data, or at least the members the key index reads."""

    def object(self, i: int, raw: bytes) -> dict[str, Any]:
        """The parsed object of unflagged row ``i`` (whose line is ``raw``): read again when the batch was screened
        in columns, which keeps no per-row object."""
        obj = self.objects[i]
        if obj is None:
            obj = orjson.loads(raw)
            assert type(obj) is dict and not self.flagged[i]
        return obj


def screen(batch: LineBatch, plan: Plan) -> Screened:
    """Parse and screen a batch; a flagged row goes to the row engine, an unflagged one cannot carry a finding."""
    n = len(batch.lines)
    if plan.confirm_all:
        return Screened([None] * n, [True] * n, [not raw.strip() for raw in batch.lines])
    if plan.layout is not None:
        with _no_cycle_collection():
            fast = _screen_columns(batch, plan, plan.layout)
        if fast is not None:
            return fast
    return _screen_rows(batch, plan)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a batch is screened in columns.

    The screen makes tens of thousands of small lists and dicts per batch (rows, keys, what the key index
    reads) and no reference cycle; each few hundred of them would start a collection pass over every object the
    process holds (the spec, compiled models, remembered verdicts): measured 2.75 ms against 0.24 ms for 4,096
    empty dicts. Anything cyclic is collected once the collector runs again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _screen_rows(batch: LineBatch, plan: Plan) -> Screened:
    """The screen parsing each line with orjson: for a batch the column reader cannot take whole (a blank line, a
    line that is no object, a member of an unexpected shape, an open last line)."""
    n = len(batch.lines)
    objects: list[dict[str, Any] | None] = [None] * n
    flagged = [True] * n
    blank = [False] * n
    by_type: dict[str, list[int]] = {}
    names = plan.names
    rt, op, rk, rv = names.record_type, names.operation, names.record_key, names.record_version
    wanted = (rt, op, rk, rv, DATA) if plan.changes else (rt, DATA)
    spec, screens, allowed, operations, delete = plan.spec, plan.screens, plan.allowed, plan.operations, plan.delete
    loads, dumps = orjson.loads, orjson.dumps
    opaque = False
    others: list[tuple[Any, Any, Any]] = []  # parsed rows the screen turned away: their keys still count
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
        in_order = _in_order(kind, tuple(data), spec)  # remembered per member list and spec
        if not in_order or None in data.values() or dumps(obj) != raw:
            others.append((kind, data, obj.get(rv)))
            continue
        objects[i] = obj
        flagged[i] = False
        by_type.setdefault(kind, []).append(i)
    if batch.ends_open and n:
        last = objects[-1]
        if last is not None:  # left to the strict reader: turned away, so out of its type's rows (its key counts)
            rows = by_type[last[rt]]
            rows.pop()
            if not rows:  # its type's only row: no empty column of that type is screened
                del by_type[last[rt]]
            others.append((last[rt], last[DATA], last.get(rv)))
        flagged[-1], objects[-1] = True, None
        opaque = True
    keyed: dict[str, tuple[list[int], list[str]]] = {}
    datas: dict[str, list[dict[str, Any]]] = {}
    taken = _other_keys(screens, others)
    for kind, rows in by_type.items():
        found = [objects[i] for i in rows]
        versions = [o.get(rv) for o in found if o] if plan.changes else None
        biz = plan.business.get(kind) if plan.business is not None else None
        bad, keys = _entity_flags(
            screens[kind], [o[DATA] for o in found if o], [o.get(rk) for o in found if o], biz, versions
        )
        mine = _keyed(rows, bad, keys, taken.get(kind, set()), flagged)
        for i in rows:
            if flagged[i]:
                objects[i] = None
        if mine[0]:
            keyed[kind] = mine
            datas[kind] = [objects[i][DATA] for i in mine[0]]  # type: ignore[index]
    return Screened(objects, flagged, blank, keyed, opaque, datas)


def _keyed(
    rows: list[int], bad: list[bool], keys: list[str | None], repeated: set[str], flagged: list[bool]
) -> tuple[list[int], list[str]]:
    """Flag the ``bad`` rows of one record type; the others whose key the index may take in bulk, with that key
    (none when a turned-away row's key is unknown, none repeating a turned-away row's key)."""
    trusted = _ANY not in repeated
    mine: tuple[list[int], list[str]] = ([], [])
    for i, b, key in zip(rows, bad, keys, strict=True):
        if b:
            flagged[i] = True
        elif trusted and key is not None and key not in repeated:
            mine[0].append(i)
            mine[1].append(key)
    return mine


_STRING_TEXT = r'"[^"\\\x00-\x1f]*"'
"""A string as orjson writes it when it needs no escape: no quote, backslash or control character inside."""
_WRITTEN = {
    "s": _STRING_TEXT,
    "i": r"-?(?:0|[1-9][0-9]*)",  # an integer as orjson writes it: no sign on zero, no leading zero, no fraction
    "l": r"\[(?:" + _STRING_TEXT + "(?:," + _STRING_TEXT + r")*)?\]",
}
_OPEN = '"data":{'
"""Where a record's data opens. For a record type without a mandatory member a comma is put after it before the
proof, so that every data member, the first too, is matched as ``,"name":value`` (one optional group per member,
in canonical order); otherwise the proof is anchored on the first mandatory member (see :func:`_layout`)."""


@dataclass(frozen=True)
class Reading:
    """How the lines of one record type are proved canonical and read into columns.

    A row is read in columns only when its line as written matches ``proof``: the canonical line of a record of
    this type, as orjson writes it (envelope members in order with an operation the message allows and a version
    from 1, data members known to the record type in canonical order, none repeated, none null, nothing nested,
    strings with no escape, integers in their one form, no space). That is the row path's proof
    (``orjson.dumps(obj) == raw`` over a known, ordered, null-free object) made by one regular expression per
    batch, on the bytes themselves; a row that does not match is only flagged.
    """

    fields: tuple[tuple[str, str], ...]
    """Its scalar and repeated data members in canonical order, each with how its value is written (``s``
    string, ``i`` integer, ``l`` list of strings)."""
    dtype: pl.Struct
    """The line's schema: envelope members and ``data`` as a struct of the members, every one read as text (a
    list of texts for a repeated field)."""
    proof: pl.Expr
    """True on the canonical lines of the record type (an expression over the batch's lines)."""
    pattern: str
    """The regular expression the proof matches lines against."""
    columns: tuple[pl.Expr, ...] = ()
    """Over a decoded line (``_DOC``): the row number, the members typed (integers as such), key and version."""
    fits: pl.Expr | None = None
    """Over a decoded line: false where a value does not fit its column (an integer beyond 64 bits)."""


@dataclass(frozen=True)
class Layout:
    """How a batch of a message's lines is read into columns at once: per record type, its :class:`Reading`."""

    kinds: dict[str, Reading]


def _layout(
    spec: Spec,
    screens: dict[str, EntityScreen],
    names: EnvelopeNames,
    kinds: tuple[str, ...],
    operations: frozenset[str],
    changes: bool,
) -> Layout | None:
    """The column reading of a message carrying ``kinds`` (None when none of them can be read in columns)."""
    orders = _orders(spec)
    envelope = (
        (names.record_type, names.operation, names.record_key, names.record_version)
        if changes
        else (names.record_type,)
    )
    head = ""
    if changes:
        allowed = "|".join(re.escape(op) for op in sorted(operations))
        head = (
            f',{_member(names.operation)}"(?:{allowed})"'
            f',{_member(names.record_key)}"[^"\\\\\\x00-\\x1f]+"'  # a key, not empty
            f",{_member(names.record_version)}[1-9][0-9]*"
        )
    by_kind: dict[str, Reading] = {}
    for kind in kinds:
        es = screens[kind]
        if es.required:
            continue  # a mandatory nested member is never read in columns: its rows are all flagged
        how = {fs.shape.name: "i" if fs.integer else "s" for fs in es.fields}
        how.update((ls.shape.name, "l") for ls in es.lists)
        order = orders[kind][0]
        if any(name not in order for name in how):
            continue
        fields = tuple(sorted(how.items(), key=lambda item: order[item[0]]))
        mandatory = {fs.shape.name for fs in es.fields if fs.shape.mandatory}
        mandatory.update(ls.shape.name for ls in es.lists if ls.shape.mandatory)
        members = [f"{_member(name)}{_WRITTEN[written]}" for name, written in fields]
        first = next((k for k, (name, _) in enumerate(fields) if name in mandatory), None)
        start = _member(names.record_type) + re.escape(_text(kind)) + head + "," + re.escape(_OPEN)
        line = pl.col(_RAW)
        if first is not None:
            # A mandatory member is in every row that can pass: the members before it are each followed by a
            # comma, those after it preceded by one, so the line is matched as it is, without a copy.
            body = "".join(f"(?:{m},)?" for m in members[:first]) + members[first]
            body += "".join(f"(?:,{m})?" for m in members[first + 1 :])
        else:
            # No member is always there: a comma is put after ``"data":{`` so that each is matched as ``,m``.
            body = "".join(f"(?:,{m})?" for m in members)
            line = line.str.replace(_OPEN, _OPEN + ",", literal=True)
        pattern = r"^\{" + start + body + r"\}\}$"
        data = pl.Struct({name: pl.List(pl.String) if w == "l" else pl.String() for name, w in fields})
        dtype = pl.Struct({**{name: pl.String() for name in envelope}, DATA: data})
        columns, fits = _typed(fields, {fs.shape.name for fs in es.fields if fs.integer}, names, changes)
        by_kind[kind] = Reading(fields, dtype, line.str.contains(pattern), pattern, columns, fits)
    return Layout(by_kind) if by_kind else None


def _member(name: str) -> str:
    """A member's name as the canonical line writes it, colon included, as a regular expression."""
    return re.escape(_text(name) + ":")


def _text(value: str) -> str:
    return orjson.dumps(value).decode()


_RAW = "\x00raw"
_ROW = "\x00row"
_DOC = "\x00doc"
_KEY = "\x00key"
_VERSION = "\x00version"
_BAD = "\x00bad"
_MADE = "\x00made"


def _screen_columns(batch: LineBatch, plan: Plan, layout: Layout) -> Screened | None:
    """The screen reading the whole batch into columns at once (None: the batch is left to :func:`_screen_rows`).

    Rows proved canonical (see :class:`Reading`) are checked in columns; the others are flagged, and parsed
    only to learn their keys (which rows the key index may take in bulk depends on them). The work is a few
    lazy queries per batch, each record type's run side by side (:func:`polars.collect_all`): reading, then
    the distinct values of the fields whose verdicts are remembered, then every check at once.
    """
    lines = batch.lines
    n = len(lines)
    if not n or batch.ends_open:
        return None
    try:
        raw = pl.Series(_RAW, lines, dtype=pl.Binary)
        if raw.bin.size().max() > LONG_LINE:  # type: ignore[operator]
            return None
        raw = raw.cast(pl.String)
        source = pl.DataFrame([raw]).with_row_index(_ROW).lazy()
        kinds = list(layout.kinds)
        read = _collect_all([_read(source, layout.kinds[k]) for k in kinds])
    except Exception:  # polars' own errors (bad UTF-8, a proved line it would not decode): left line by line
        return None
    names = plan.names
    rt, rv = names.record_type, names.record_version
    flagged = [True] * n
    found: dict[str, pl.DataFrame] = {}
    for kind, sub in zip(kinds, read, strict=True):
        if sub.height:
            for i in sub[_ROW].to_list():
                flagged[i] = False
            found[kind] = sub
    others: list[tuple[Any, Any, Any]] = []
    opaque = False
    blank = [False] * n
    for i in (i for i, f in enumerate(flagged) if f):
        try:
            obj = orjson.loads(lines[i])
        except orjson.JSONDecodeError:
            if lines[i].strip():
                opaque = True
            else:
                blank[i] = True
            continue
        if type(obj) is not dict:
            opaque = True
            continue
        others.append((obj.get(rt), obj.get(DATA), obj.get(rv)))
    taken = _other_keys(plan.screens, others)
    verdicts = _verdicts(plan, found)
    keyed: dict[str, tuple[list[int], list[str]]] = {}
    datas: dict[str, list[dict[str, Any]]] = {}
    for kind, result in verdicts.items():
        bad = result[_BAD]
        for i in result[_ROW].filter(bad).to_list():
            flagged[i] = True
        repeated = taken.get(kind, set())
        if _MADE not in result.columns or _ANY in repeated:
            continue
        # As _keyed does, in columns: unflagged rows with a key no turned-away row of the batch has.
        made = result[_MADE]
        ok = ~bad & made.is_not_null()
        if repeated:
            ok = ok & ~made.is_in(sorted(repeated))
        picked = result.filter(ok)
        if not picked.height:
            continue
        keyed[kind] = (picked[_ROW].to_list(), picked[_MADE].to_list())
        members = [name for name in plan.read.get(kind, ()) if name in picked.columns]
        if len(members) == 1:
            name = members[0]
            datas[kind] = [{name: v} for v in picked[name].to_list()]
        elif members:
            values = [picked[name].to_list() for name in members]
            datas[kind] = [dict(zip(members, v, strict=True)) for v in zip(*values, strict=True)]
        else:
            datas[kind] = [{} for _ in range(picked.height)]
    return Screened([None] * n, flagged, blank, keyed, opaque, datas)


def _collect_all(queries: list[pl.LazyFrame]) -> list[pl.DataFrame]:
    """Run the queries side by side, planned as Polars plans a DataFrame's own (eager) operations.

    The screen's queries are short chains over frames already in memory, where the lazy optimisations find
    nothing to push down and their planning costs more than it saves: the business rules' query ran in 31 ms
    with them and 13 ms without (one record type, 4,096 rows).
    """
    flags = getattr(getattr(pl, "QueryOptFlags", None), "_eager", None)
    if flags is None:  # a Polars without optimisation flags: its defaults
        return pl.collect_all(queries)
    return pl.collect_all(queries, optimizations=flags())


def _typed(
    fields: tuple[tuple[str, str], ...], integers: set[str], names: EnvelopeNames, changes: bool
) -> tuple[tuple[pl.Expr, ...], pl.Expr | None]:
    """The columns of a decoded line of a record type, and where its values fit them (see :class:`Reading`)."""
    doc = pl.col(_DOC)
    data = doc.struct.field(DATA)
    columns = [pl.col(_ROW)]
    fits: list[pl.Expr] = []
    for name, _ in fields:
        value = data.struct.field(name)
        if name in integers:
            number = value.cast(pl.Int64, strict=False)
            columns.append(number.alias(name))
            fits.append(value.is_null() | number.is_not_null())  # beyond 64 bits: orjson reads it, the screen cannot
        else:
            columns.append(value.alias(name))
    if changes:
        version = doc.struct.field(names.record_version).cast(pl.Int64, strict=False)
        columns += [doc.struct.field(names.record_key).alias(_KEY), version.alias(_VERSION)]
        fits.append(version.is_not_null())
    return tuple(columns), pl.all_horizontal(fits) if fits else None


def _read(source: pl.LazyFrame, reading: Reading) -> pl.LazyFrame:
    """The proved lines of one record type as typed columns: row number, data members, key and version."""
    # Only proved lines are decoded: a line that is not canonical costs its proof only.
    query = source.filter(reading.proof).select(pl.col(_ROW), pl.col(_RAW).str.json_decode(reading.dtype).alias(_DOC))
    if reading.fits is not None:
        query = query.filter(reading.fits)
    return query.select(reading.columns)


def _verdicts(plan: Plan, found: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Per record type read in columns: its rows' numbers, whether each could carry a finding (``_BAD``), its
    key as the index makes it (``_MADE``, when the key's fields are read) and the members the key index reads.

    The checks of a field depend on its value alone, so a field whose values repeat is checked on the distinct
    values no earlier batch had (its verdicts are remembered), and one whose values were mostly new on the
    distinct values of the batch, not remembered (:func:`_value_checks` does the same on the row path). A field
    several record types share with the same checks (an equipment code in the equipment and its inspection) is
    checked once on the values of all of them.
    """
    kinds = list(found)
    lookups: list[dict[str, FieldScreen]] = []
    wholes: list[set[str]] = []
    shared: dict[int, tuple[FieldScreen, list[str]]] = {}
    same = _same_checks(plan.screens)
    for kind in kinds:
        chosen: dict[str, FieldScreen] = {}
        whole: set[str] = set()
        for fs in plan.screens[kind].fields:
            if fs.vector and fs.probe > 0:
                fs.probe -= 1
                whole.add(fs.shape.name)  # values mostly new of late: checked on the batch's, not remembered
                shared.setdefault(same[id(fs)], (fs, []))[1].append(kind)
            if fs.slow or (fs.vector and fs.shape.name not in whole):
                chosen[fs.shape.name] = fs
        lookups.append(chosen)
        wholes.append(whole)
    distinct = _collect_all(
        [
            found[kind].lazy().select([pl.col(name).unique().implode() for name in chosen])
            for kind, chosen in zip(kinds, lookups, strict=True)
        ]
    )
    queries: list[pl.LazyFrame] = []
    fresh: list[dict[str, list[Any]]] = []
    for kind, chosen, whole, values in zip(kinds, lookups, wholes, distinct, strict=True):
        query, new = _checks(plan, kind, found[kind], chosen, whole, values.row(0) if chosen else ())
        queries.append(query)
        fresh.append(new)
    checked_new = [_fresh_checks(plan.screens[kind], new) for kind, new in zip(kinds, fresh, strict=True) if new]
    groups = list(shared.values())
    refusing = [
        pl.concat([found[kind].lazy().select(fs.shape.name) for kind in group])
        .unique()
        # Selected, not filtered on: Polars would push a filter below ``unique`` (onto every row of every record
        # type) and reorder the identifier expressions.
        .select(pl.col(fs.shape.name), fs.check.alias(_BAD))
        for fs, group in groups
    ]
    done = _collect_all(queries + checked_new + refusing)
    wrong: dict[str, dict[str, list[Any]]] = {kind: {} for kind in kinds}
    for (fs, group), verdict in zip(groups, done[len(queries) + len(checked_new) :], strict=True):
        refused_here = verdict.filter(pl.col(_BAD))[fs.shape.name].to_list()
        if refused_here:
            for kind in group:
                wrong[kind].setdefault(fs.shape.name, []).extend(refused_here)
    later = iter(done[len(kinds) : len(kinds) + len(checked_new)])
    out: dict[str, pl.DataFrame] = {}
    for kind, result, new in zip(kinds, done[: len(kinds)], fresh, strict=True):
        if new:
            checked = next(later)
            by_name = {fs.shape.name: fs for fs in plan.screens[kind].fields}
            for name, seen in new.items():
                verdicts = checked[name].to_list()[: len(seen)]
                by_name[name].remember(seen, verdicts)
                refused = [v for v, w in zip(seen, verdicts, strict=True) if w]
                if refused:
                    wrong[kind].setdefault(name, []).extend(refused)
        if wrong[kind]:
            hit = pl.any_horizontal([pl.col(name).is_in(v).fill_null(False) for name, v in wrong[kind].items()])
            result = result.with_columns(pl.col(_BAD) | found[kind].select(hit).to_series())
        out[kind] = result
    return out


def _same_checks(screens: dict[str, EntityScreen]) -> dict[int, int]:
    """Per field screen (by ``id``), the first field screen of any record type with the same name and checks."""
    memo = _SAME.get(id(screens))
    if memo is not None and memo[0] is screens:
        return memo[1]
    out: dict[int, int] = {}
    firsts: list[FieldScreen] = []
    for es in screens.values():
        for fs in es.fields:
            first = next((f for f in firsts if _same_vector(f, fs)), None)
            if first is None:
                firsts.append(fs)
                first = fs
            out[id(fs)] = id(first)
    _SAME[id(screens)] = (screens, out)
    return out


def _same_vector(a: FieldScreen, b: FieldScreen) -> bool:
    return (
        a.shape.name == b.shape.name
        and a.integer == b.integer
        and len(a.vector) == len(b.vector)
        and all(x.meta.eq(y) for x, y in zip(a.vector, b.vector, strict=True))
    )


_SAME: dict[int, tuple[dict[str, EntityScreen], dict[int, int]]] = {}


def _checks(
    plan: Plan,
    kind: str,
    sub: pl.DataFrame,
    chosen: dict[str, FieldScreen],
    whole: set[str],
    values: tuple[Any, ...],
) -> tuple[pl.LazyFrame, dict[str, list[Any]]]:
    """The query flagging the rows of one record type (all checks but those of values never seen before), and
    those values per field (to be checked apart: :func:`_fresh_checks`)."""
    es = plan.screens[kind]
    flags: list[pl.Expr] = []
    new: dict[str, list[Any]] = {}
    distinct = dict(zip(chosen, values, strict=True))
    for fs in es.fields:
        name = fs.shape.name
        column = pl.col(name)
        if fs.shape.mandatory:
            flags.append(column.is_null())
        refused: list[Any] = []
        if fs.vector and name not in whole:
            seen = [v for v in distinct[name] if v is not None]
            verdicts = list(map(fs.wrong.get, seen))  # None: not seen yet
            refused = [v for v, w in zip(seen, verdicts, strict=True) if w]
            fresh = [v for v, w in zip(seen, verdicts, strict=True) if w is None]
            if fresh:
                new[name] = fresh
                if 2 * len(fresh) > sub.height:
                    fs.probe = _WHOLE_BATCHES  # mostly new values: not worth remembering for a while
        if fs.slow:
            # The exact verdict, once per distinct value (of every row: a row already flagged stays flagged).
            refused += [v for v in distinct[name] if v is not None and not fs.clean(v)]
        if refused:
            flags.append(column.is_in(refused).fill_null(False))
    for ls in es.lists:
        mandatory = ls.shape.mandatory
        hurt = [mandatory if v is None else not ls.clean(v) for v in sub[ls.shape.name].to_list()]
        if any(hurt):
            flags.append(pl.lit(pl.Series(hurt)))
    query = sub.lazy()
    biz = plan.business.get(kind) if plan.business is not None else None
    if biz is not None:
        for stage in biz.derived:
            if stage:
                query = query.with_columns(**stage)
        flags.append(biz.flag.fill_null(False))
    made: pl.Expr | None = None
    fields = {fs.shape.name for fs in es.fields}
    parts = [pl.col(name).cast(pl.String) for name in es.key_names if name in fields]
    if es.key_names and len(parts) == len(es.key_names):
        base = parts[0] if len(parts) == 1 else pl.concat_str(parts, separator=KEY_SEPARATOR)
        made = base
        if plan.changes:
            made = pl.concat_str([base, pl.lit(VERSION_SEPARATOR), pl.col(_VERSION).cast(pl.String)])
            given = pl.col(_KEY)
            flags.append((given.is_not_null() & base.is_not_null() & (given != base)).fill_null(False))
    elif es.key_names and plan.changes:
        flags.append(pl.col(_KEY).is_not_null())
    if made is not None:
        # Repeats within the batch (SE-BIZ-010 or SE-XRF-001) go to the row engine, every one of them, in order.
        flags.append((made.is_not_null() & made.is_duplicated()).fill_null(False))
    bad = pl.any_horizontal(flags).fill_null(False) if flags else pl.lit(False)
    members = [pl.col(name) for name in plan.read.get(kind, ()) if name in sub.columns]
    out = [pl.col(_ROW), bad.alias(_BAD), *members]
    if made is not None:
        out.append(made.alias(_MADE))
    return query.select(out), new


def _fresh_checks(es: EntityScreen, new: dict[str, list[Any]]) -> pl.LazyFrame:
    """The checks of values no earlier batch had, per field (columns padded with their own first value)."""
    by_name = {fs.shape.name: fs for fs in es.fields}
    height = max(len(v) for v in new.values())
    dtypes = {fs.shape.name: pl.Int64 if fs.integer else pl.String for fs in es.fields}
    frame = pl.DataFrame(
        [pl.Series(name, v + [v[0]] * (height - len(v)), dtype=dtypes[name]) for name, v in new.items()]
    )
    return frame.lazy().select([by_name[name].check for name in new])


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
    bad = pl.Series("bad", [False] * n, dtype=pl.Boolean)
    if es.loose:
        # Any loose field there, or a mandatory one missing: the row engine decides.
        required = es.required
        bad = bad | pl.Series([not es.loose.isdisjoint(d) or not required.issubset(d) for d in datas])
    lists = {ls.shape.name: [d.get(ls.shape.name) for d in datas] for ls in es.lists}
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
    series = None
    if biz is not None:
        # Repeated codes as list columns for the business rules (a row whose list is not one is flagged below).
        series = {
            name: pl.Series(
                name,
                [v if type(v) is list and all(type(x) is str for x in v) else None for v in values],
                dtype=pl.List(pl.String),
            )
            for name, values in lists.items()
        }
    given = None
    if any(k is not None for k in keys):
        given = pl.Series("k", keys, dtype=pl.String, strict=False), pl.Series([k is not None for k in keys])
    version = pl.Series("v", versions, dtype=pl.Int64, strict=False) if versions is not None else None
    flags, made = _flags(es, bad, columns, lists, series, given, biz, version, odd_key)
    return flags.to_list(), made.to_list() if made is not None else [None] * n


def _flags(
    es: EntityScreen,
    bad: pl.Series,
    columns: dict[str, pl.Series],
    lists: dict[str, list[Any]],
    series: dict[str, pl.Series] | None,
    given: tuple[pl.Series, pl.Series] | None,
    biz: BusinessScreen | None,
    version: pl.Series | None,
    odd_key: bool = False,
) -> tuple[pl.Series, pl.Series | None]:
    """What :func:`_entity_flags` says, from the rows' typed columns (``columns``, scalar fields), their repeated
    fields (``lists`` as parsed; ``series`` as list columns, with ``biz``), the keys the rows give with where one
    is given (``given``) and their record versions (``version``, in a change set); ``bad`` already holds the rows
    whose JSON types are wrong."""
    n = len(bad)
    for ls in es.lists:
        mandatory = ls.shape.mandatory
        hurt = [mandatory if v is None else not ls.clean(v) for v in lists[ls.shape.name]]
        if any(hurt):
            bad = bad | pl.Series(hurt)
    bad = _value_checks(es, columns, bad)
    if biz is not None:
        assert series is not None
        frame_columns = {**columns, **series}
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
        # A one-field key is its column as it is; only a key of several fields is joined.
        base = (
            parts[0]
            if len(parts) == 1
            else pl.DataFrame(parts).select(pl.concat_str(pl.all(), separator=KEY_SEPARATOR)).to_series()
        )
        made = base
        if version is not None:
            made = (
                pl.DataFrame({"k": base, "v": version.cast(pl.String)})
                .select(pl.concat_str([pl.col("k"), pl.lit(VERSION_SEPARATOR), pl.col("v")]))
                .to_series()
            )
    if es.key_names and given is not None:
        keys, present = given
        if base is not None:
            bad = bad | (keys.is_not_null() & base.is_not_null() & (keys != base)).fill_null(False)
        else:
            bad = bad | present
    if made is None or odd_key:
        return bad, None  # keys fed row by row, in file order
    # Repeats within the batch (SE-BIZ-010 or SE-XRF-001) go to the row engine, every one of them, in order.
    bad = bad | (made.is_not_null() & made.is_duplicated()).fill_null(False)
    return bad, made


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
