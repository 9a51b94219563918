"""Canonical form and digest behaviour the mutation run (bench/mutate.py) showed untested: unknown members are
kept, sorted after the spec's and never null; nested entities are ordered too; ``Digester``'s default and checks.

The digest must change whenever the canonical bytes would: every case below pins the exact bytes.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.exchange import records
from sedata.exchange.records import Digester, Record, canonical_data, canonical_line
from sedata.spec import current

CODE = "215010890201500098"  # domain.md §1.1


def _digest(*recs: Record) -> str:
    d = Digester()
    for r in recs:
        d.add(r)
    return d.hexdigest()


def test_unknown_members_are_kept_sorted_after_the_spec_members() -> None:
    data = {"zeta": 1, "equipmentCode": CODE, "alpha": "a", "equipmentKind": "2000"}
    out = canonical_data("Equipment", data)
    assert list(out) == ["equipmentCode", "equipmentKind", "alpha", "zeta"]
    assert out == data


def test_unknown_members_listed_first_still_go_last() -> None:
    assert list(canonical_data("Equipment", {"alpha": "a", "equipmentCode": CODE})) == ["equipmentCode", "alpha"]
    assert list(canonical_data("Equipment", {"alpha": "a"})) == ["alpha"]


def test_null_members_known_or_unknown_are_dropped() -> None:
    data = {"equipmentCode": CODE, "equipmentKind": None, "zeta": None, "alpha": "a"}
    assert list(canonical_data("Equipment", data).items()) == [("equipmentCode", CODE), ("alpha", "a")]
    # Null but already in spec order: the fast path must not keep the null either.
    assert canonical_data("Equipment", {"equipmentCode": CODE, "equipmentKind": None}) == {"equipmentCode": CODE}


def test_spec_order_restored_without_unknown_members() -> None:
    out = canonical_data("Equipment", {"equipmentKind": "2000", "equipmentCode": CODE})
    assert list(out) == ["equipmentCode", "equipmentKind"]


def test_in_order_data_is_returned_as_a_copy() -> None:
    data = {"equipmentCode": CODE, "equipmentKind": "2000"}
    out = canonical_data("Equipment", data)
    assert out == data and out is not data


def test_nested_entities_are_canonical_in_lists_and_alone() -> None:
    unit = {"unitCode": "91110000600037341L", "extra": None, "unitName": "某公司", "unitRole": "manufacturer"}
    out = canonical_data("Equipment", {"relatedUnits": [unit, "not a dict"], "equipmentCode": CODE})
    assert list(out) == ["equipmentCode", "relatedUnits"]
    assert [list(u) if isinstance(u, dict) else u for u in out["relatedUnits"]] == [
        ["unitRole", "unitName", "unitCode"],
        "not a dict",
    ]
    scope = {"scopeParameters": "p", "scopeEquipment": "e", "zz": 1}
    out = canonical_data("Licence", {"scope": scope})
    assert list(out["scope"]) == ["scopeEquipment", "scopeParameters", "zz"]
    # A nested entity alone, already in order, still goes through its own canonical form.
    assert list(canonical_data("Licence", {"scope": {"scopeParameters": "p", "scopeEquipment": "e"}})["scope"]) == [
        "scopeEquipment",
        "scopeParameters",
    ]


def test_unknown_entity_is_sorted_without_nulls() -> None:
    assert list(canonical_data("NoSuchEntity", {"b": 1, "a": 2, "c": None}).items()) == [("a", 2), ("b", 1)]


def test_canonical_line_bytes_with_unknown_members() -> None:
    rec = Record("Equipment", {"zeta": 1, "equipmentCode": CODE, "alpha": "甲"}, "upsert", "k1", 2)
    assert (
        canonical_line(rec)
        == (
            '{"recordType":"Equipment","operation":"upsert","recordKey":"k1","recordVersion":2,'
            f'"data":{{"equipmentCode":"{CODE}","alpha":"甲","zeta":1}}}}'
        ).encode()
    )


def test_absent_envelope_members_are_left_out() -> None:
    assert Record("Equipment", None).to_json_data() == {"recordType": "Equipment"}
    assert Record("Equipment", {}, version=0).to_json_data() == {
        "recordType": "Equipment",
        "recordVersion": 0,
        "data": {},
    }
    assert list(Record("Equipment", None, "delete", "k").to_json_data()) == ["recordType", "operation", "recordKey"]


def test_fallback_encoder_writes_the_same_form() -> None:
    # orjson refuses integers beyond 64 bits; the standard library's bytes must be the same compact UTF-8.
    rec = Record("NoSuchEntity", {"n": 2**70, "名": "值"})
    assert canonical_line(rec) == f'{{"recordType":"NoSuchEntity","data":{{"n":{2**70},"名":"值"}}}}'.encode()


def test_digest_changes_when_unknown_members_are_dropped_or_reordered() -> None:
    full = Record("Equipment", {"equipmentCode": CODE, "alpha": "a", "zeta": "z"})
    dropped = Record("Equipment", {"equipmentCode": CODE, "alpha": "a"})
    assert _digest(full) != _digest(dropped)
    # Reordering the input does not change the digest: the canonical form orders it.
    shuffled = Record("Equipment", {"zeta": "z", "alpha": "a", "equipmentCode": CODE})
    assert _digest(full) == _digest(shuffled)
    line = canonical_line(full)
    assert _digest(full) == hashlib.sha256(line + b"\n").hexdigest()


def test_digester_default_is_sha256_over_lines_and_counts() -> None:
    d = Digester()
    assert d.algorithm == "sha256" and d.count == 0
    assert d.hexdigest() == hashlib.sha256(b"").hexdigest()
    d.add_line(b"a")
    d.add_lines(b"b\nc\n", 2)
    assert d.count == 3
    assert d.hexdigest() == hashlib.sha256(b"a\nb\nc\n").hexdigest()


def test_digester_rejects_an_algorithm_the_spec_does_not_name() -> None:
    with pytest.raises(ValueError, match="unknown digest algorithm 'md5'"):
        Digester("md5")


def test_digester_rejects_an_algorithm_openssl_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records.hashlib, "algorithms_available", {"md5"})
    with pytest.raises(ValueError, match="not available"):
        Digester("sha256")


def test_sm3_when_available() -> None:
    if "sm3" not in hashlib.algorithms_available:
        pytest.skip("this Python's OpenSSL has no SM3")
    d = Digester("sm3", current())
    d.add(Record("Equipment", {"equipmentCode": CODE}))
    assert d.algorithm == "sm3" and d.count == 1


def test_spec_memo_builds_once_per_key() -> None:
    spec = current()
    calls: list[int] = []

    def build(_spec: object) -> int:
        calls.append(1)
        return len(calls)

    assert records.spec_memo(spec, "test-mutants-key", build) == 1
    assert records.spec_memo(spec, "test-mutants-key", build) == 1
    assert calls == [1]


@given(
    st.dictionaries(
        st.text("abcxyz", min_size=1, max_size=4), st.one_of(st.none(), st.integers(), st.text(max_size=3)), max_size=6
    )
)
def test_unknown_members_sorted_and_never_null(extra: dict[str, object]) -> None:
    data = {"equipmentCode": CODE, **extra}
    out = canonical_data("Equipment", data)
    assert list(out) == ["equipmentCode", *sorted(k for k, v in extra.items() if v is not None)]
    assert all(out[k] == data[k] for k in out)
