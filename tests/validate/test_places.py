"""Finding places in JSON text: member names and array items by JSON pointer, lines and code-point columns."""

from __future__ import annotations

import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from sedata.validate.places import ancestors, json_places

TEXT = (
    '{"header": {"a\\"b": 1, "x/y~z": "s\\\\"},\n'
    ' "records": [\n'
    '  {"data": {"名称": "设备\\u0022", "list": [1, {"k": "v"}, [2]]}},\n'
    '  {"data": {}}\n'
    " ]}\n"
)


def test_members_and_items_are_found_with_code_point_columns() -> None:
    wanted = {'/header/a"b', "/header/x~1y~0z", "/records/0/data/名称", "/records/0/data/list/1/k", "/records/1"}
    found = json_places(TEXT.encode("utf-8"), wanted)
    assert found['/header/a"b'] == (1, 13)
    assert found["/header/x~1y~0z"] == (1, 24)
    line3 = TEXT.splitlines()[2]
    assert found["/records/0/data/名称"] == (3, line3.index('"名称"') + 1) == (3, 13)
    assert found["/records/0/data/list/1/k"] == (3, line3.index('"k"') + 1)
    assert found["/records/1"] == (4, 3)
    assert found["/records"] == (2, 2)  # ancestors are placed too


def test_ancestors() -> None:
    assert ancestors("/records/3/data/a") == ["/records/3/data/a", "/records/3/data", "/records/3", "/records"]


def test_depth_is_no_recursion_and_time_is_linear() -> None:
    deep = b'{"records": [' + b"[" * 200_000 + b"]" * 200_000 + b', {"a": 1}]}'
    start = time.perf_counter()
    found = json_places(deep, {"/records/1/a"})
    assert found["/records/1/a"][0] == 1
    assert time.perf_counter() - start < 5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.text(min_size=1, max_size=6), st.text(max_size=8) | st.integers(), min_size=1, max_size=4),
        min_size=1,
        max_size=5,
    ),
    st.booleans(),
)
def test_every_member_of_every_record_is_found_where_it_is(records: list[dict[str, object]], indent: bool) -> None:
    text = json.dumps({"records": records}, ensure_ascii=False, indent=2 if indent else None)
    wanted = {f"/records/{i}/{k.replace('~', '~0').replace('/', '~1')}" for i, r in enumerate(records) for k in r}
    found = json_places(text.encode("utf-8"), wanted)
    lines = text.split("\n")  # JSON ends lines at \n only (splitlines would also split at U+0085)
    for i, record in enumerate(records):
        for key in record:
            line, column = found[f"/records/{i}/{key.replace('~', '~0').replace('/', '~1')}"]
            assert lines[line - 1][column - 1 :].startswith(json.dumps(key, ensure_ascii=False) + ":")
