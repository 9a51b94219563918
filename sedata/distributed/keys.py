"""The cross-record layer as partitioned tables: key and reference rows, shuffled on a key digest, checked per group.

One process keeps one index of every key of the run (:class:`~sedata.validate.layers.crossfile.CrossRecord`).
Here each partition of the run turns what its worker kept of each record into rows (:func:`key_rows`): a row
per business key and a row per reference value. The rows are shuffled on a 64-bit digest of (entity, key), so
that every row naming one key lands in one partition, and :func:`check_partition` makes, per key, the findings
the index would have made: SE-BIZ-010 (a key repeated within a file), SE-XRF-001 (a key first seen in an earlier
file) and SE-XRF-002 (a reference no key of the run or of the reference datasets resolves). Rows carry the
position of their record in the run (file, partition, record, reference) so "first" means what it means in one
process, and findings are equal to one process's, message for message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import pandas as pd

from sedata.exchange import Record
from sedata.spec import Spec, current
from sedata.spec.envelope import VERSION_SEPARATOR
from sedata.validate.context import FileContext, Where
from sedata.validate.layers._personal import kind_of
from sedata.validate.layers.business import duplicate_finding
from sedata.validate.layers.crossfile import DUPLICATE, UNRESOLVED, _from_fields, _plans, _walk, key_text
from sedata.validate.masking import show
from sedata.validate.report import Finding, Text
from sedata.validate.shapes import masked_key, record_pointer, shapes

KEY, NAMED, REFERENCE = 0, 1, 2
"""Row kinds: a record's business key, a value naming another entity's key, a key of a reference dataset."""

# The rows of a whole run wait on the workers for the shuffle, so a row is kept to numbers and the two texts only
# it carries (~100 bytes, against ~190 with every column a text): kinds and entities are small integers (entities
# numbered in the spec's order, the same on every worker), positions int32/int64 with -1 for "none", and the
# record's masked key and the reference's pointer are left null where they can be rebuilt from the row.
ROW_COLUMNS = {
    "digest": "int64",
    "kind": "int8",
    "entity": "int16",  # the record's entity (key rows) or the referenced entity (named rows): see entity_ids
    "value": "str",  # the key, or the value naming one
    "version": "str",  # the record's version as text, None when it has none (key rows)
    "fields": "bool",  # the key was read from the key fields (not only the envelope's recordKey)
    "target": "bool",  # some field references this entity
    "file": "int32",
    "part": "int32",
    "pos": "int32",
    "ref": "int16",
    "sub": "int32",
    "index": "int64",  # -1: none
    "line": "int64",  # -1: none
    "record_type": "int16",
    "masked": "str",  # the record's key as a report shows it; null when it is the row's value (see "keyless")
    "keyless": "bool",  # the record has no key to show (masked is None)
    "pointer": "str",  # where the value naming a key is, when not the reference's own path; null for a key row
}

FINDING_COLUMNS = {"file": "int64", "order": "object", "finding": "object", "unchecked": "bool"}

_HASHED = ("entity", "value")
"""The columns the digest is made of: equal keys meet in one partition."""


def entity_ids(spec: Spec) -> tuple[str, ...]:
    """The spec's entities in the order their numbers in the rows' ``entity`` and ``record_type`` columns say."""
    return tuple(spec.entities)


def key_digest(entity: str, value: str) -> int:
    """A 64-bit digest of (entity, key) to shuffle on: equal keys meet in one partition."""
    raw = hashlib.blake2b(f"{entity}\x1f{value}".encode(), digest_size=8).digest()
    return int.from_bytes(raw, "big", signed=True)


def empty_rows() -> pd.DataFrame:
    """The rows' schema (the ``meta`` of the Dask frame)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ROW_COLUMNS.items()})


def empty_findings() -> pd.DataFrame:
    """The findings' schema (the ``meta`` of :func:`check_partition`)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in FINDING_COLUMNS.items()})


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    """The rows from their columns, typed, with the digest made in one pass over the whole partition."""
    if not len(columns["value"]):
        return empty_rows()
    frame = pd.DataFrame({c: pd.Series(columns[c], dtype=t) for c, t in ROW_COLUMNS.items() if c != "digest"})
    # pandas' own hash (SipHash, fixed key): the same on every worker, and made in C, not per row in Python.
    digest = pd.util.hash_pandas_object(frame[list(_HASHED)], index=False).to_numpy().view("int64")
    frame.insert(0, "digest", digest)
    return frame


def _text(value: Any) -> str | None:
    """A text cell as Python: None where it is missing (NaN in a "str" column)."""
    return None if pd.isna(value) else value


def key_rows(lite: Iterable[Any], file: int, part: int, spec: Spec | None) -> pd.DataFrame:
    """The key and reference rows of one partition's records (as the index would read them, in file order).

    A row holds the record's masked key, not its members: the rows of a whole run wait on the workers for the
    shuffle (see :data:`ROW_COLUMNS`).
    """
    spec = spec or current()
    plans, table = _plans(spec), shapes(spec)
    number = {e: i for i, e in enumerate(entity_ids(spec))}
    names = ("kind", "entity", "value", "version", "fields", "target", "pos", "ref", "sub", "index", "line",
             "record_type", "masked", "keyless", "pointer")  # fmt: skip
    out: dict[str, list[Any]] = {n: [] for n in names}
    kind, entity, value, version_, fields_, target = (out[n] for n in names[:6])
    pos_, ref_, sub_, index_, line_, type_, masked_, keyless, pointer_ = (out[n] for n in names[6:])
    versions: dict[Any, str] = {}  # one text per version number: a partition has few
    for pos, (record_type, key, version, index, line, data, bad) in enumerate(lite):
        plan = plans.get(record_type)
        if plan is None:
            continue
        hurt = set(bad)
        before = len(kind)
        record = Record(type=record_type, data=data, key=key, version=version, index=index, line=line)
        text = key_text(plan.key_names, record)
        if text is not None and not any((n,) in hurt for n in plan.key_names):
            kind.append(KEY)
            entity.append(number[record_type])
            value.append(text)
            version_.append(None if version is None else versions.setdefault(version, str(version)))
            fields_.append(_from_fields(plan.key_names, data))
            target.append(plan.is_target)
            ref_.append(-1)
            sub_.append(-1)
            pointer_.append(None)
        for ref, reference in enumerate(plan.references):
            for sub, (named, at) in enumerate(_walk(data, reference.steps, ())):
                if not isinstance(named, str) or not named or at in hurt:
                    continue  # a value of the wrong type or form is the schema layer's finding
                kind.append(NAMED)
                entity.append(number[reference.target])
                value.append(named)
                version_.append(None)
                fields_.append(False)
                target.append(False)
                ref_.append(ref)
                sub_.append(sub)
                pointer_.append(None if at == reference.steps else record_pointer(index, "data", *at))
        added = len(kind) - before
        if not added:
            continue
        shown = masked_key(table[record_type], key, data)
        masked_.extend(None if shown == v else shown for v in value[before:])
        keyless.extend([shown is None] * added)
        pos_.extend([pos] * added)
        index_.extend([-1 if index is None else index] * added)
        line_.extend([-1 if line is None else line] * added)
        type_.extend([number[record_type]] * added)
    n = len(kind)
    return _frame({**out, "file": [file] * n, "part": [part] * n})


def reference_rows(keys: Iterable[tuple[str, str]], spec: Spec | None = None) -> pd.DataFrame:
    """Rows for the (entity, key) pairs of a reference dataset: they resolve references, nothing more."""
    number = {e: i for i, e in enumerate(entity_ids(spec or current()))}
    pairs = list(keys)
    n = len(pairs)
    columns: dict[str, list[Any]] = {
        "kind": [REFERENCE] * n,
        "entity": [number[e] for e, _v in pairs],
        "value": [v for _e, v in pairs],
        "version": [None] * n,
        "fields": [False] * n,
        "target": [True] * n,
        "record_type": [number[e] for e, _v in pairs],
        "masked": [None] * n,
        "keyless": [True] * n,
        "pointer": [None] * n,
    }
    for name in ("file", "part", "pos", "ref", "sub", "index", "line"):
        columns[name] = [-1] * n
    return _frame(columns)


def _int(value: int) -> int | None:
    return None if value < 0 else int(value)


def check_partition(rows: pd.DataFrame, names: list[str], carried: frozenset[str], spec: Spec | None) -> pd.DataFrame:
    """The findings of the keys in one shuffled partition (every row of a key is in the same partition).

    ``names``: the run's files by number; ``carried``: the entities some file of the run or reference dataset
    can carry (a reference to any other entity is not checked, as in one process).
    """
    spec = spec or current()
    if rows.empty:
        return empty_findings()
    plans, table, ids = _plans(spec), shapes(spec), entity_ids(spec)
    rows = rows.sort_values(["file", "part", "pos", "ref", "sub"], kind="stable")
    out: list[dict[str, Any]] = []
    contexts: dict[int, FileContext] = {}

    def ctx(file: int) -> FileContext:
        if file not in contexts:
            contexts[file] = FileContext(spec, names[file])
        return contexts[file]

    def where(row: Any) -> Where:
        return Where(
            line=_int(row.line),
            index=_int(row.index),
            record_type=ids[row.record_type],
            key=None if row.keyless else row.value if pd.isna(row.masked) else row.masked,
        )

    def add(row: Any, finding: Finding | None, unchecked: bool = False) -> None:
        order = (int(row.index), finding.rule if finding else "", int(row.part), int(row.pos))
        out.append({"file": int(row.file), "order": (*order, int(row.ref), int(row.sub)), "finding": finding})
        out[-1]["unchecked"] = unchecked

    # Per group, but iterating rows, not groups: pandas makes a frame per group, far too slow for millions of keys.
    keys = rows[rows["kind"] == KEY]
    with_version = keys["value"] + VERSION_SEPARATOR + keys["version"].fillna("")
    versioned = keys["value"].where(keys["version"].isna(), with_version)
    keys = keys.assign(unique=versioned)
    repeated = keys[keys.duplicated(["entity", "unique"], keep=False)].sort_values(["entity", "unique"], kind="stable")
    first: Any = None
    for row in repeated.itertuples(index=False):
        if first is None or (row.entity, row.unique) != (first.entity, first.unique):
            first = row  # the stable sort kept run order within a key: its first row is its first record
            continue
        if row.file == first.file:
            if row.fields:  # only keys read from the key fields are SE-BIZ-010
                pointer = record_pointer(_int(row.index), "data") or ""
                add(row, duplicate_finding(ctx(row.file), table[ids[row.entity]], where(row), pointer))
            continue
        plan = plans[ids[first.entity]]
        line = "?" if first.line < 0 else str(int(first.line))
        seen = _int(first.index)
        at, at_en = ("", "") if seen is None else (f"（records[{seen}]）", f" (records[{seen}])")
        detail = Text(
            f"{plan.key_label.zh} 与 {names[first.file]} 第 {line} 行{at}的记录相同",
            f"{plan.key_label.en} same as the record in {names[first.file]}, line {line}{at_en}",
        )
        at_record = record_pointer(_int(row.index))
        add(row, ctx(row.file).finding(DUPLICATE, where(row), value=ids[row.entity], detail=detail, pointer=at_record))

    resolved = rows[(rows["kind"] == REFERENCE) | ((rows["kind"] == KEY) & rows["target"])]
    named = rows[rows["kind"] == NAMED]
    known = pd.MultiIndex.from_arrays([resolved["entity"], resolved["value"]])
    waiting = named[~pd.MultiIndex.from_arrays([named["entity"], named["value"]]).isin(known)]
    counts = waiting.groupby(["entity", "value"], sort=False).size().to_dict()
    for first in waiting.drop_duplicates(["entity", "value"], keep="first").itertuples(index=False):
        target, value = ids[first.entity], first.value
        if target not in carried:
            add(first, None, unchecked=True)
            continue
        count = counts[first.entity, value]
        reference = plans[ids[first.record_type]].references[first.ref]
        entity = table[target]
        expected = Text(f"{entity.name.zh}（{target}）", f"{entity.name.en} ({target})")
        if count == 1:
            detail = Text("仅此一条记录引用该值", "only this record names it")
        else:
            detail = Text(f"共 {count} 条记录引用该值，此处为第一条", f"{count} records name it; this is the first")
        finding = ctx(first.file).finding(
            UNRESOLVED,
            where(first),
            element=reference.ref,
            value=show(value, kind_of(spec, reference.ref.id, value, None)),
            expected=expected,
            detail=detail,
            pointer=_text(first.pointer) or record_pointer(_int(first.index), "data", *reference.steps),
        )
        add(first, finding)
    if not out:
        return empty_findings()
    return pd.DataFrame(out, columns=list(FINDING_COLUMNS)).astype(FINDING_COLUMNS)
