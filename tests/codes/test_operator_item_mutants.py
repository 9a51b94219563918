"""Operator-item behaviour the mutation run (bench/mutate.py) showed untested: the place and segment of each error,
what the messages list, the restriction segment's place and meaning, the table a restriction is read against, and
the note an item the spec does not fully confirm gets.

Items and restrictions are the spec's own (2011 and 2019 tables, 2019 注3 restrictions; domain.md §4).
"""

from __future__ import annotations

import dataclasses

import pytest

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, operator_item


def test_the_longest_item_code_is_q10_of_2011() -> None:
    assert operator_item.max_code_length() == 3
    assert operator_item.validate("Q10", "2011") == "Q10"
    with pytest.raises(InvalidLength) as e:
        operator_item.validate("Q2X9")
    assert (e.value.position, e.value.segment) == (None, "item")
    assert "3" in e.value.zh and "at most 3 characters, Q2X9 has 4" in e.value.en


@pytest.mark.parametrize(("value", "position"), [("Q2(", 2), ("(限桥式)", 0), ("Q2-", 2), ("Q2(限桥式起重机))", 2)])
def test_a_malformed_item_names_its_first_character_that_is_no_letter_or_digit(value: str, position: int) -> None:
    with pytest.raises(InvalidFormat) as e:
        operator_item.validate(value)
    assert (e.value.position, e.value.segment) == (position, "item")


def test_an_item_the_table_lacks_is_named_with_the_items_it_has() -> None:
    with pytest.raises(InvalidComponent) as e:
        operator_item.validate("Z9")
    assert (e.value.position, e.value.segment) == (0, "item")
    assert e.value.zh.startswith("2019年作业项目表中没有项目代号 Z9（有：A、G1、G2、G3、R1")
    assert "(it has: A, G1, G2, G3, R1" in e.value.en and "、" not in e.value.en


def test_an_unknown_table_lists_the_known_ones() -> None:
    with pytest.raises(InvalidComponent) as e:
        operator_item.lookup("Q2", "2021")
    assert e.value.zh == "未知的作业项目表 2021（已知：2011、2019）"
    assert e.value.en == "unknown operator item table 2021 (known: 2011, 2019)"


def test_item_segment_and_meaning() -> None:
    p = operator_item.parse("q2")
    assert p.kind == "operator_item" and p.value == "Q2"
    assert [(s.key, s.zh, s.en, s.start, s.value, s.meaning) for s in p.segments] == [
        ("item", "作业项目代号", "operator item", 0, "Q2", "起重机作业 › 起重机司机 / Crane driving")
    ]
    # An item without an English name keeps the Chinese meaning alone.
    assert operator_item.parse("Q10", "2011").segment("item").meaning == "起重机械作业 › 机械式停车设备司机"


def test_restriction_segment_place_and_meaning() -> None:
    p = operator_item.parse("q2（限桥式起重机）")
    r = p.segment("restriction")
    assert (r.key, r.zh, r.en, r.start, r.value) == ("restriction", "限定范围", "restriction", 2, "(限桥式起重机)")
    assert r.meaning == "限桥式起重机司机 / Bridge cranes only"
    assert operator_item.format(" Q2 (限桥式起重机) ") == "Q2(限桥式起重机)"


def test_restrictions_are_read_against_the_table_named() -> None:
    # The 2011 table has no restriction list: Q2(限桥式起重机) of 2011 (起重机械电气安装维修) is an unknown restriction.
    (note,) = operator_item.parse("Q2(限桥式起重机)", "2011").warnings
    assert (note.code, note.status) == ("restriction_unknown", "UNCONFIRMED")
    assert "2011年表未列出项目 Q2 的限定范围“限桥式起重机”" in note.zh
    assert operator_item.parse("Q2(限桥式起重机)", "2011").segment("restriction").meaning is None
    # A restriction listed for Q2 only is unknown on another item.
    (other,) = operator_item.parse("Q1(限桥式起重机)").warnings
    assert other.code == "restriction_unknown" and "Q1" in other.en


def test_a_partial_restriction_note_says_so() -> None:
    (note,) = operator_item.parse("Q2(限塔式)").warnings
    assert (note.code, note.status) == ("restriction_partial", "PARTIAL")
    assert note.zh == "限定范围“限塔式”的写法未经来源完全证实"
    assert operator_item.parse("Q2(限塔式)").segment("restriction").meaning == "限塔式起重机司机 / Tower cranes only"


@pytest.mark.parametrize("status", ["UNCONFIRMED", "PARTIAL"])
def test_an_item_the_spec_does_not_fully_confirm_gets_a_note(monkeypatch: pytest.MonkeyPatch, status: str) -> None:
    # Every item of today's spec is CONFIRMED; an item a later spec marks otherwise must carry its status as a note.
    real = operator_item.lookup
    monkeypatch.setattr(
        operator_item, "lookup", lambda code, table: dataclasses.replace(real(code, table), status=status)
    )
    (note,) = operator_item.parse("N1").warnings
    assert (note.code, note.status) == (f"item_{status.lower()}", status)
    assert note.zh == "2019年表中的项目 N1（叉车司机）未经来源完全证实"


def test_confirmed_items_carry_no_note() -> None:
    assert operator_item.parse("N1").warnings == ()
    assert operator_item.lookup("N1").status is None  # the code set's own CONFIRMED status holds


def test_is_valid_is_a_plain_boolean() -> None:
    assert operator_item.is_valid("Q2(限桥式起重机)") is True
    assert operator_item.is_valid("D1") is False
    assert operator_item.is_valid("D1", "2011") is True


def test_compact_upper_cases_the_item_code_only() -> None:
    assert operator_item.compact(" q 2 (限桥式) ") == "Q2(限桥式)"
    assert operator_item.compact("（限桥式）") == "(限桥式)"


def test_an_empty_item_is_malformed_at_its_start() -> None:
    with pytest.raises(InvalidFormat) as e:
        operator_item.validate(" ")
    assert (e.value.position, e.value.segment) == (0, "item")


def test_an_unconfirmed_restriction_wording_gets_its_own_note(monkeypatch: pytest.MonkeyPatch) -> None:
    # Today's restrictions are CONFIRMED or PARTIAL; one a later spec marks UNCONFIRMED must say so.
    marked = []
    for cs in operator_item._restriction_sets("2019"):
        entries = [e.model_copy(update={"status": "UNCONFIRMED"}) for e in cs.entries]
        copy = type(cs).model_validate({**cs.model_dump(), "entries": [e.model_dump() for e in entries]})
        marked.append(copy)
    monkeypatch.setattr(operator_item, "_restriction_sets", lambda table: marked)
    (note,) = operator_item.parse("Q2(限桥式起重机)").warnings
    assert (note.code, note.status) == ("restriction_unconfirmed", "UNCONFIRMED")
