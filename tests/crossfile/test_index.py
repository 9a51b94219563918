"""KeyIndex (digests in a numpy-probed table, texts spilled) against a plain dict; the bulk path of the
cross-record layer against its one-record path: same findings, repeats, references and files alike.

Digests are made to collide at will (a two-valued digest, a 3-bit one), and the text buffer is made tiny so
that confirmations read the spill file: a collision must never make a repeat or resolve a reference.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sedata.crossfile.index as index_module
from sedata.crossfile import KeyIndex
from sedata.exchange import Record
from sedata.validate.context import Where
from sedata.validate.layers.crossfile import CrossRecord
from sedata.validate.report import Finding

from .conftest import SPEC

DIGESTS: dict[str, Callable[[str], int]] = {
    "siphash": hash,
    "two values": lambda key: len(key) % 2,  # nearly every key collides with half the others
    "three bits": lambda key: hash(key) & 7,
}


@contextmanager
def digests_and_buffer(digest: Callable[[str], int], buffer: int) -> Iterator[None]:
    with mock.patch.object(index_module, "_digest", digest), mock.patch.object(index_module, "_BUFFER", buffer):
        yield


KEYS = st.text(alphabet="31E梯\x1e|0\ud800", max_size=4)  # few distinct keys: many repeats; non-ASCII; a surrogate
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), KEYS),
        st.tuples(st.just("add_new"), st.lists(KEYS, max_size=40)),
        st.tuples(st.just("contains"), st.lists(KEYS, max_size=40)),
    ),
    max_size=40,
)


@pytest.mark.parametrize("digest", DIGESTS, ids=list(DIGESTS))
@pytest.mark.parametrize("buffer", [1 << 20, 4])
@settings(max_examples=60, deadline=None)
@given(operations=OPERATIONS)
def test_the_index_agrees_with_a_dict(digest: str, buffer: int, operations: list[tuple[str, Any]]) -> None:
    with digests_and_buffer(DIGESTS[digest], buffer):
        table, model = KeyIndex(capacity=1), {}
        for op, arg in operations:
            if op == "add":
                row, added = table.add(arg)
                assert added == (arg not in model)
                row = model.setdefault(arg, row)
                assert table.add(arg) == (row, False)
            elif op == "add_new":
                added = table.add_new(arg)
                assert added.dtype == bool and len(added) == len(arg)
                for pos, (key, was) in enumerate(zip(arg, added.tolist(), strict=True)):
                    if was:  # only keys new to the index (and the first of their batch) are taken, in order
                        assert key not in model and arg.index(key) == pos
                        model[key] = len(model)
            else:
                assert table.contains(arg).tolist() == [key in model for key in arg]
            assert len(table) == len(model)
        for key, row in model.items():
            assert table.find(key) == row and key in table and table.key(row) == key
        assert "absent\x00" not in table and table.find("absent\x00") == -1 and 3110 not in table
        copy = pickle.loads(pickle.dumps(table))
        assert [copy.key(r) for r in range(len(copy))] == list(model) and all(
            copy.find(k) == r for k, r in model.items()
        )
        table.close()


def test_a_batch_of_new_keys_is_taken_whole_and_grows_the_table() -> None:
    table = KeyIndex(capacity=1)
    codes = [f"3110{i:014d}\x1e1" for i in range(20_000)]
    assert table.add_new(codes[:7_000]).all() and table.add_new(codes[7_000:]).all()
    assert len(table) == 20_000 and table.key(12_345) == codes[12_345] and table.find(codes[19_999]) == 19_999
    assert not table.add_new(codes[100:200]).any()  # present: left to the one-key path, which says so
    assert table.add(codes[150]) == (150, False)
    assert table.contains([codes[5], "3110x", codes[-1]]).tolist() == [True, False, True]
    # Memory: digests, slots and text offsets only (the texts are spilled or waiting in the 256 KiB buffer).
    assert table.nbytes - len(table._buffer) < 32 * len(table)


def test_texts_are_spilled_and_read_back() -> None:
    with digests_and_buffer(hash, 64):
        table = KeyIndex()
        keys = [f"ZZ2026FTC{i:08d}" for i in range(500)] + ["梯11闽E3622(16)"]
        for key in keys:
            table.add(key)
        assert len(table._buffer) < 64 and table._written > 0
        assert [table.key(i) for i in range(len(keys))] == keys
        assert table.contains(keys).all()


# --- the cross-record layer: bulk (observe_keys, as the columnar screen feeds it) vs one record at a time ----
CODES = [f"3110{i:014d}" for i in range(6)]
RECORD = st.tuples(
    st.sampled_from(["Equipment", "Inspection"]),
    st.integers(0, len(CODES) - 1),  # Equipment: its code; Inspection: the device it names
    st.integers(0, 5),  # Inspection: its report number
    st.sampled_from([None, 1, 2]),  # record version (a change set) or none
    # Inspection: how it names the device; a list, a blank or none fail the schema but reach this layer too
    st.sampled_from(["text", "text", "text", "list", "empty", "none"]),
)
FILES = st.lists(st.lists(RECORD, max_size=14), min_size=1, max_size=3)


_NAMED = {"text": lambda code: code, "list": lambda code: [code], "empty": lambda code: "", "none": lambda code: None}


def _record(kind: str, code: int, report: int, version: int | None, form: str, index: int) -> Record:
    if kind == "Equipment":
        data: dict[str, Any] = {"equipmentCode": CODES[code], "useStatus": "2"}
    else:
        data = {"reportNo": f"ZZ2026FTC{report:05d}", "equipmentCode": _NAMED[form](CODES[code])}
    return Record(kind, data, version=version, index=index, line=index + 2)


def _key(record: Record) -> str:
    assert record.data is not None
    key = record.data["equipmentCode" if record.type == "Equipment" else "reportNo"]
    return key if record.version is None else f"{key}\x1e{record.version}"


def _where(record: Record) -> Where:
    return Where(line=record.line, index=record.index, record_type=record.type)


def _findings(layer: CrossRecord) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[Finding]] = layer.finish()
    return {name: [f.to_data() for f in fs] for name, fs in found.items()}


def _one_by_one(files: list[list[Record]]) -> CrossRecord:
    layer = CrossRecord(SPEC)
    for n, records in enumerate(files):
        layer.begin_file(f"f{n}.jsonl", "inspection-upload")
        for record in records:
            layer.observe(f"f{n}.jsonl", record, _where(record))
    return layer


def _in_batches(files: list[list[Record]], size: int, typed: bool = False) -> CrossRecord:
    """As the columnar engine: per batch, the keys no other record of the batch has go in bulk (per record
    type), then the records left are observed one by one, in file order. ``typed``: indexes and lines come as
    int64 columns (``array("q")``), as the columnar engine and ``--jobs`` hand them, rather than lists."""
    layer = CrossRecord(SPEC)
    for n, records in enumerate(files):
        name = f"f{n}.jsonl"
        layer.begin_file(name, "inspection-upload")
        for start in range(0, len(records), size):
            batch = records[start : start + size]
            keys = [_key(r) for r in batch]
            indexed: set[int] = set()
            for kind in dict.fromkeys(r.type for r in batch):
                rows = [i for i, r in enumerate(batch) if r.type == kind and keys.count(keys[i]) == 1]
                indexes: list[int] = [batch[i].index for i in rows]  # type: ignore[misc]
                lines: list[int] = [batch[i].line for i in rows]  # type: ignore[misc]
                left = layer.observe_keys(
                    name,
                    kind,
                    [keys[i] for i in rows],
                    [batch[i].data for i in rows],  # type: ignore[misc]
                    array("q", indexes) if typed else indexes,
                    array("q", lines) if typed else lines,
                )
                indexed |= set(rows) - {rows[pos] for pos in left}
            for i, record in enumerate(batch):
                if i not in indexed:
                    layer.observe(name, record, _where(record))
    return layer


@pytest.mark.parametrize("digest", ["siphash", "two values"])
@settings(max_examples=80, deadline=None)
@given(files=FILES, size=st.integers(1, 8), typed=st.booleans())
def test_bulk_indexing_gives_the_findings_of_one_record_at_a_time(
    digest: str, files: list[list[tuple[str, int, int, int | None, str]]], size: int, typed: bool
) -> None:
    runs = [[_record(*r, index=i) for i, r in enumerate(records)] for records in files]
    with digests_and_buffer(DIGESTS[digest], 16):
        assert _findings(_in_batches(runs, size, typed)) == _findings(_one_by_one(runs))


def test_a_location_beyond_int32_is_refused_as_the_list_path_refuses_it() -> None:
    layer = CrossRecord(SPEC)
    layer.begin_file("big.jsonl", "inspection-upload")
    with pytest.raises(OverflowError):
        layer.observe_keys("big.jsonl", "Equipment", [CODES[0]], [{}], array("q", [0]), array("q", [1 << 31]))
    with pytest.raises(OverflowError):
        layer.observe_keys("big.jsonl", "Equipment", [CODES[1]], [{}], [0], [1 << 31])


def test_bulk_and_one_by_one_agree_on_repeats_and_unresolved_references() -> None:
    # f0: device 0 and 1, an inspection of device 5 (nowhere); f1: device 1 again (SE-XRF-001), device 0 inspected.
    runs = [
        [
            _record("Equipment", 0, 0, None, "text", 0),
            _record("Equipment", 1, 0, None, "text", 1),
            _record("Inspection", 5, 1, None, "text", 2),
        ],
        [
            _record("Equipment", 1, 0, None, "text", 0),
            _record("Inspection", 0, 2, None, "text", 1),
            _record("Inspection", 5, 3, None, "text", 2),
        ],
    ]
    bulk = _findings(_in_batches(runs, 3))
    assert bulk == _findings(_one_by_one(runs))
    rules = [(name, f["rule"], f["index"]) for name, fs in bulk.items() for f in fs]
    assert rules == [("f0.jsonl", "SE-XRF-002", 2), ("f1.jsonl", "SE-XRF-001", 0)]
    (unresolved,) = bulk["f0.jsonl"]
    assert "2 records name it" in unresolved["message"]["en"]


def test_digests_are_int64_and_as_the_index_computes_them() -> None:
    keys = ["3110", "梯11闽E3622(16)", ""]
    assert index_module.digests(keys).dtype == np.int64 and index_module.digests(keys).tolist() == list(map(hash, keys))


def test_referenced_record_types_are_taken_in_bulk_first() -> None:
    # From the spec's references: a Licence names a Unit; Equipment and Units name no other target.
    layer = CrossRecord(SPEC)
    kinds = ["Accident", "Inspection", "Licence", "Unit", "Equipment", "UseRegistration"]
    assert layer.bulk_order(kinds) == ["Equipment", "Unit", "Licence", "Accident", "Inspection", "UseRegistration"]
    assert layer.bulk_order(["Licence", "Unit"]) == ["Unit", "Licence"]


def test_an_inspection_of_a_device_in_its_own_batch_resolves_in_bulk_when_devices_come_first() -> None:
    layer = CrossRecord(SPEC)
    layer.begin_file("f0.jsonl", "inspection-upload")
    equipment = [_record("Equipment", 0, 0, None, "text", 1)]
    inspection = [_record("Inspection", 0, 3, None, "text", 0)]  # before its device in the file
    for kind in layer.bulk_order(["Inspection", "Equipment"]):
        batch = equipment if kind == "Equipment" else inspection
        left = layer.observe_keys("f0.jsonl", kind, [_key(r) for r in batch], [r.data for r in batch],  # type: ignore[misc]
                                  [r.index for r in batch], [r.line for r in batch])  # type: ignore[misc]  # fmt: skip
        assert left == []  # nothing for the row-by-row path: the device is known when its inspection comes
    assert _findings(layer) == _findings(_one_by_one([[*inspection, *equipment]])) == {"f0.jsonl": []}
