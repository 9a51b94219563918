"""feed_keys: what a screened batch hands the key index (record indexes counting non-blank lines only, lines,
typed columns), and which rows it says were indexed."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from sedata.columnar.keys import feed_keys
from sedata.columnar.read import LineBatch
from sedata.columnar.screen import Screened


class _Recorder:
    """Takes a batch's keys as the run's index would, leaving the positions it is told to."""

    def __init__(self, leave: dict[str, list[int]]) -> None:
        self.leave = leave
        self.calls: list[tuple[str, str, list[str], list[dict[str, Any]], list[int], list[int]]] = []

    def observe_keys(
        self,
        file: str,
        record_type: str,
        keys: Sequence[str],
        datas: Sequence[dict[str, Any]],
        indexes: Sequence[int],
        lines: Sequence[int],
    ) -> list[int]:
        assert isinstance(indexes, array) and isinstance(lines, array)  # int64 columns, no int per record
        assert indexes.typecode == lines.typecode == "q"
        self.calls.append((file, record_type, list(keys), list(datas), list(indexes), list(lines)))
        return self.leave.get(record_type, [])


def _screened(blank: list[bool], keys: dict[str, tuple[list[int], list[str]]], opaque: bool = False) -> Screened:
    datas = {kind: [{"n": i} for i in rows] for kind, (rows, _) in keys.items()}
    return Screened([None] * len(blank), [False] * len(blank), blank, keys, opaque, datas)


def test_indexes_count_records_not_blank_lines_and_lines_count_every_line() -> None:
    # Lines 10-16: records at batch rows 0, 2, 3, 5, 6; rows 1 and 4 are blank (the reader reports them).
    blank = [False, True, False, False, True, False, False]
    keys = {"Equipment": ([0, 3, 6], ["E0", "E3", "E6"]), "Inspection": ([2, 5], ["I2", "I5"])}
    observer = _Recorder({"Equipment": [1]})  # E3 left (a repeat, say): observed row by row
    done = feed_keys(observer, "a.jsonl", LineBatch([b""] * 7, [0] * 7, 10), _screened(blank, keys), 100)
    assert observer.calls == [
        ("a.jsonl", "Equipment", ["E0", "E3", "E6"], [{"n": 0}, {"n": 3}, {"n": 6}], [100, 102, 104], [10, 13, 16]),
        ("a.jsonl", "Inspection", ["I2", "I5"], [{"n": 2}, {"n": 5}], [101, 103], [12, 15]),
    ]
    assert done == {0, 6, 2, 5}


def test_without_blank_lines_the_index_is_the_row_offset() -> None:
    keys = {"Equipment": ([1, 4], ["E1", "E4"])}
    observer = _Recorder({})
    done = feed_keys(observer, "b.jsonl", LineBatch([b"{}"] * 5, [0] * 5, 2), _screened([False] * 5, keys), 8192)
    assert observer.calls[0][4:] == ([8193, 8196], [3, 6]) and done == {1, 4}


def test_nothing_is_fed_to_an_observer_without_bulk_or_from_an_opaque_batch() -> None:
    keys = {"Equipment": ([0], ["E0"])}
    batch = LineBatch([b"{}"], [0], 2)
    assert feed_keys(object(), "c.jsonl", batch, _screened([False], keys), 0) is None
    observer = _Recorder({})
    assert feed_keys(observer, "c.jsonl", batch, _screened([False], keys, opaque=True), 0) is None
    assert feed_keys(observer, "c.jsonl", batch, _screened([False], {}), 0) is None
    assert observer.calls == []


class _Ordering(_Recorder):
    def bulk_order(self, kinds: Sequence[str]) -> list[str]:
        return sorted(kinds, key=lambda kind: kind != "Unit")


def test_record_types_are_fed_in_the_order_the_observer_asks() -> None:
    # A Licence names its holder's Unit: Units first, so that a batch's references to its own Units resolve in bulk.
    keys = {"Licence": ([0], ["TS1"]), "Unit": ([1], ["U1"])}
    observer = _Ordering({})
    feed_keys(observer, "l.jsonl", LineBatch([b"{}"] * 2, [0] * 2, 2), _screened([False] * 2, keys), 0)
    assert [call[1] for call in observer.calls] == ["Unit", "Licence"]
