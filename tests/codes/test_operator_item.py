"""作业项目代号 keyed by table version (domain.md §4), restrictions (注3) and the spec's statuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, operator_item
from sedata.spec import current
from tests.codes._messages import is_bilingual


def items(table: str) -> list[str]:
    cs = current().codesets["operator-item"][table]
    return [e.code for e in cs.entries if e.level == cs.levels[-1]]


@pytest.mark.parametrize(
    ("code", "table", "name", "category"),
    [
        ("G2", "2019", "电站锅炉司炉", "锅炉作业"),
        ("G2", "2011", "二级锅炉司炉", "锅炉作业"),
        ("Q2", "2019", "起重机司机", "起重机作业"),
        ("Q2", "2011", "起重机械电气安装维修", "起重机械作业"),
        ("N1", "2019", "叉车司机", "场（厂）内专用机动车辆作业"),
        ("R1", "2011", "固定式压力容器操作", "压力容器作业"),
        ("Q10", "2011", "机械式停车设备司机", "起重机械作业"),
    ],
)
def test_codes_mean_different_things_per_table(code: str, table: str, name: str, category: str) -> None:
    item = operator_item.lookup(code, table)
    assert (item.name, item.category) == (name, category)
    p = operator_item.parse(code, table)
    assert p.segment("item").meaning is not None and p.segment("item").meaning.startswith(f"{category} › {name}")


def test_default_table_is_2019() -> None:
    assert operator_item.validate("g2") == "G2"
    assert operator_item.lookup("G2").table == "2019"
    assert operator_item.tables() == ["2011", "2019"]


def test_no_pipeline_item_in_2019() -> None:
    assert operator_item.is_valid("D1", "2011")
    with pytest.raises(InvalidComponent) as exc:
        operator_item.validate("D1")
    assert is_bilingual(exc.value)


def test_category_rows_are_not_item_codes() -> None:
    assert not operator_item.is_valid("1")
    assert not operator_item.is_valid("01", "2011")


def test_2011_items_confirmed_by_the_public_form_carry_no_note() -> None:
    # Y1-Y4, N1-N5, F1, F2 were UNCONFIRMED until a public form listed them (spec 1.1.0, [S43]).
    for code in ("Y1", "Y4", "N2", "N5", "F1", "F2"):
        assert operator_item.parse(code, "2011").warnings == ()
    assert (operator_item.parse("N2", "2011").segment("item").meaning or "").endswith("叉车司机")
    assert operator_item.parse("T", "2019").warnings == ()


def test_restriction_from_note_3() -> None:
    p = operator_item.parse("Q2(限桥式起重机)")
    assert [(s.key, s.value) for s in p.segments] == [("item", "Q2"), ("restriction", "(限桥式起重机)")]
    assert (p.segment("restriction").meaning or "").startswith("限桥式起重机司机")
    assert p.warnings == ()
    assert p.assemble() == p.value


def test_restriction_forms() -> None:
    assert operator_item.validate("q2（限塔式）") == "Q2(限塔式)"
    assert [(n.code, n.status) for n in operator_item.parse("Q2(限门式起重机)").warnings] == [
        ("restriction_partial", "PARTIAL")
    ]
    # Not listed (the 2021 revision was not retrieved): accepted with a note.
    assert [(n.code, n.status) for n in operator_item.parse("Q2(限机械式停车设备)").warnings] == [
        ("restriction_unknown", "UNCONFIRMED")
    ]
    assert [n.code for n in operator_item.parse("G1(限桥式起重机)").warnings] == ["restriction_unknown"]


@pytest.mark.parametrize(
    ("value", "error"), [("(限桥式)", InvalidFormat), ("Q2(", InvalidFormat), ("Q2X9", InvalidLength)]
)
def test_malformed(value: str, error: type[Exception]) -> None:
    with pytest.raises(error) as exc:
        operator_item.validate(value)
    assert is_bilingual(exc.value)  # type: ignore[arg-type]


def test_unknown_table() -> None:
    with pytest.raises(InvalidComponent) as exc:
        operator_item.validate("Q2", "2021")
    assert is_bilingual(exc.value)


@given(st.sampled_from(["2011", "2019"]).flatmap(lambda t: st.tuples(st.just(t), st.sampled_from(items(t)))))
def test_every_item_of_every_table_validates(pair: tuple[str, str]) -> None:
    table, code = pair
    p = operator_item.parse(f" {code.lower()} ", table)
    assert p.value == code and p.assemble() == code
    assert operator_item.lookup(code, table).category is not None


@given(st.text(max_size=16))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        p = operator_item.parse(text)
    except (InvalidFormat, InvalidLength, InvalidComponent) as exc:
        assert is_bilingual(exc)
    else:
        assert p.assemble() == p.value
