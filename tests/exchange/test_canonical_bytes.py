"""The canonical line is the bytes of ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``.

Digests written by earlier releases must still verify, so the faster encoder (orjson) must give the
same bytes for every value a record can hold, and the canonical shortcut (data already in spec order)
must give what the full rebuild gives.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sedata.exchange.records import Record, canonical_data, canonical_line
from sedata.spec import current

SPEC = current()
# Any text, control characters, quotes, backslashes, line separators and astral characters included
# (lone surrogates cannot be encoded as UTF-8 by either encoder and are left out).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
INTEGERS = st.integers(min_value=-(2**70), max_value=2**70)  # beyond 64 bits the json module takes over
VALUES = st.recursive(
    st.none() | st.booleans() | INTEGERS | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)


def _reference(record: Record) -> bytes:
    return json.dumps(record.to_json_data(SPEC), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(TEXT, VALUES, max_size=6), st.integers(min_value=0, max_value=2**40) | st.none())
def test_canonical_line_is_the_json_modules_bytes(data: dict[str, Any], version: int | None) -> None:
    record = Record(type="NoSuchEntity", data=data, operation="add", key="k", version=version)
    assert canonical_line(record, SPEC) == _reference(record)


FIELDS = [name for name, _ in ((SPEC.field_exchange_name(f), f) for f in SPEC.entities["Equipment"].fields)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FIELDS), unique=True, max_size=12), st.randoms(use_true_random=False), st.data())
def test_the_in_order_shortcut_gives_the_full_rebuild(names: list[str], rnd: Any, draw: st.DataObject) -> None:
    data = {n: draw.draw(st.none() | TEXT) for n in names}
    if rnd.random() < 0.5:
        rnd.shuffle(names)
        data = {n: data[n] for n in names}
    expected = {name: data[name] for name in FIELDS if data.get(name) is not None}
    assert list(canonical_data("Equipment", data, SPEC).items()) == list(expected.items())
