"""The cross-record layer's findings of a file: kept in a spilling store, given back sorted by record, then rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sedata.validate.layers.crossfile import _in_order, _order
from sedata.validate.report import Finding, FindingStore, Text, findings_in_memory

RULES = ["SE-BIZ-010", "SE-XRF-001", "SE-XRF-002"]


def _finding(index: int | None, rule: str, n: int) -> Finding:
    return Finding(rule=rule, severity="error", layer="crossfile", message=Text(f"第 {n} 条", f"number {n}"),
                   file="a.jsonl", index=index)  # fmt: skip


findings = st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 30)), st.sampled_from(RULES)), max_size=40)


@given(findings, findings)
def test_the_findings_come_back_as_a_stable_sort_would_give_them(made: list, unresolved: list) -> None:
    repeats = [_finding(i, r, n) for n, (i, r) in enumerate(made)]
    waiting = [_finding(i, r, 1000 + n) for n, (i, r) in enumerate(unresolved)]
    with findings_in_memory(3):  # most of them spilled to the store's file
        store = FindingStore(repeats)
        out = list(_in_order(store, FindingStore(waiting)))
    assert out == sorted(repeats + waiting, key=_order)


def test_repeats_made_in_record_order_stay_in_a_store() -> None:
    with findings_in_memory(2):
        store = FindingStore(_finding(i, "SE-XRF-001", i) for i in range(10))
        out = _in_order(store, FindingStore([_finding(4, "SE-XRF-002", 99)]))
    assert isinstance(out, FindingStore) and out.spilled
    assert [f.index for f in out] == [0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9]
    assert out[5].rule == "SE-XRF-002"


def test_unresolved_references_made_in_record_order_are_merged_from_their_store() -> None:
    """A million unresolved references (each record naming an unknown unit) are spilled, not held as a list."""
    with findings_in_memory(2):
        store = FindingStore(_finding(i, "SE-XRF-001", i) for i in range(0, 10, 3))
        waiting = FindingStore(_finding(i, "SE-XRF-002", 100 + i) for i in range(8))
        assert waiting.spilled
        out = _in_order(store, waiting)
    assert isinstance(out, FindingStore)
    assert [(f.index, f.rule) for f in out] == sorted(
        [(i, "SE-XRF-001") for i in range(0, 10, 3)] + [(i, "SE-XRF-002") for i in range(8)]
    )
    assert not waiting.spilled  # its spill file was removed once merged
