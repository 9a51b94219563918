"""KeyTable and the location columns: exact keys, dense rows, growth, any text."""

from __future__ import annotations

from array import array

from hypothesis import given
from hypothesis import strategies as st

from sedata.crossfile import FileNames, KeyTable, Location, Locations


def test_rows_are_dense_in_order_of_first_sight_and_survive_growth() -> None:
    table = KeyTable(capacity=2)
    keys = [f"3110{i:014d}" for i in range(5000)] + ["梯11闽E3622(16)", "", "91350603156120789F|2024-11-30"]
    for i, key in enumerate(keys):
        assert table.add(key) == (i, True)
    assert len(table) == len(keys)
    for i, key in enumerate(keys):
        assert table.add(key) == (i, False)
        assert table.find(key) == i and key in table and table.key(i) == key
    assert table.find("3110-not-there") == -1 and "3110-not-there" not in table and 3110 not in table
    assert table.nbytes > 0


@given(st.lists(st.text(max_size=30), max_size=200))
def test_the_table_agrees_with_a_dict(keys: list[str]) -> None:
    table, reference = KeyTable(capacity=1), {}
    for key in keys:
        row, added = table.add(key)
        assert added == (key not in reference)
        reference.setdefault(key, row)
        assert reference[key] == row
    assert all(table.key(row) == key for key, row in reference.items())


def test_locations_keep_file_index_and_line_or_none() -> None:
    files = FileNames()
    loc = Locations(files)
    loc.append(files.id("a.jsonl"), 0, 2)
    loc.extend(2)
    loc.set(2, files.id("b.xml"), 7, None)
    assert len(loc) == 3 and len(files) == 2 and list(files) == ["a.jsonl", "b.xml"]
    assert loc.get(0) == Location("a.jsonl", 0, 2)
    assert loc.get(1) == Location("a.jsonl", None, None)
    assert loc.get(2) == Location("b.xml", 7, None) and loc.file_id(2) == 1
    assert loc.nbytes >= 30


def test_locations_added_in_bulk_keep_unknown_lines_unknown() -> None:
    # Records of XML and JSON documents have no line: the columnar engine indexes their keys in bulk too.
    files = FileNames()
    loc = Locations(files)
    doc, lines = files.id("upload.xml"), files.id("upload.jsonl")
    loc.extend_at(doc, [0, 1], [None, None])
    loc.extend_at(lines, [5], [7])
    loc.extend_at(lines, array("i", [8, 9]), array("i", [10, 11]))  # typed columns, as the bulk path hands them
    assert [loc.get(row) for row in range(5)] == [
        Location("upload.xml", 0, None),
        Location("upload.xml", 1, None),
        Location("upload.jsonl", 5, 7),
        Location("upload.jsonl", 8, 10),
        Location("upload.jsonl", 9, 11),
    ]
