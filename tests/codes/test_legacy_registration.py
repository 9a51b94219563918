"""20-digit 注册代码 (domain.md §2): the class against the catalogue of its month, the division of its year."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, admin_division, legacy_registration
from sedata.spec import current
from tests.codes._messages import is_bilingual

TODAY = dt.date.today()
CLASSES_2014 = [e.code for e in current().codesets["equipment-catalogue"]["2014"].entries]


def notes(value: str) -> dict[str, str | None]:
    return {n.code: n.status for n in legacy_registration.parse(value).warnings}


@pytest.mark.parametrize(
    ("value", "division", "when"),
    [
        ("31103506002016053337", "漳州", "2016-05"),  # [S8]
        ("31104331002017053117", "湘西", "2017-05"),  # [S9]
    ],
)
def test_real_codes_after_2014(value: str, division: str, when: str) -> None:
    p = legacy_registration.parse(value)
    assert [s.key for s in p.segments] == ["class", "division", "registered", "sequence"]
    assert division in (p.segment("division").meaning or "")
    assert when in (p.segment("registered").meaning or "")
    assert p.segment("class").meaning == "曳引驱动乘客电梯（equipment-catalogue@2014）"
    assert p.warnings == ()
    assert p.assemble() == p.value == value


def test_ningxia_code_of_2014_reads_against_both_tables() -> None:
    p = legacy_registration.parse("31106401052014080025")
    assert p.segment("class").meaning == (
        "曳引驱动乘客电梯（equipment-catalogue@2014） / 曳引式客梯（equipment-catalogue@pre2014-elevator）"
    )
    assert notes("31106401052014080025") == {"catalogue_uncertain": "UNCONFIRMED"}


def test_colliding_class_before_2014_uses_the_old_table() -> None:
    # 3130 was 无机房客梯 before the 2014 catalogue and is 强制驱动载货电梯 after it.
    assert legacy_registration.parse("31303506002012010001").segment("class").meaning == (
        "无机房客梯（equipment-catalogue@pre2014-elevator）"
    )
    assert legacy_registration.parse("31303506002016010001").segment("class").meaning == (
        "强制驱动载货电梯（equipment-catalogue@2014）"
    )


def test_shanghai_class_2160_is_accepted_with_an_unconfirmed_note() -> None:
    p = legacy_registration.parse("21603101012006010101")
    assert p.segment("class").meaning is None
    assert "黄浦区" in (p.segment("division").meaning or "")
    assert notes("21603101012006010101") == {"class_not_in_known_tables": "UNCONFIRMED"}


def test_unknown_class_against_the_complete_2014_table_is_an_error() -> None:
    with pytest.raises(InvalidComponent) as exc:
        legacy_registration.validate("21603101012018010101")
    assert (exc.value.segment, exc.value.position) == ("class", 0)
    assert is_bilingual(exc.value)


def test_synthetic_division_is_invalid() -> None:
    with pytest.raises(InvalidComponent) as exc:
        legacy_registration.validate("32201234562018090460")
    assert (exc.value.segment, exc.value.position) == ("division", 4)
    assert is_bilingual(exc.value)


def test_division_must_exist_in_the_registration_year() -> None:
    # 640105 西夏区 exists from 2002.
    assert legacy_registration.is_valid("31106401052014080025")
    assert not legacy_registration.is_valid("31106401051999080025")


def test_month_00_is_a_note_and_month_13_an_error() -> None:
    assert notes("31103506002016003337") == {"month_00": "UNCONFIRMED"}
    with pytest.raises(InvalidComponent) as exc:
        legacy_registration.validate("31103506002016133337")
    assert (exc.value.segment, exc.value.position) == ("registered", 14)
    assert is_bilingual(exc.value)


def test_future_month_is_an_error() -> None:
    nxt = TODAY.replace(day=1) + dt.timedelta(days=32)
    with pytest.raises(InvalidComponent):
        legacy_registration.validate(f"3110350600{nxt.year}{nxt.month:02d}0001")


def test_sequence_rules() -> None:
    with pytest.raises(InvalidComponent) as exc:
        legacy_registration.validate("31103506002016050000")
    assert exc.value.segment == "sequence"
    # Pressure-pipe overflow: 10002 → A002 [S4] (PARTIAL); other letters are not described anywhere.
    assert notes("81003101012013020A02") == {
        "class_not_in_known_tables": "UNCONFIRMED",
        "sequence_letters": "UNCONFIRMED",
    }
    assert notes("8100310101201602A002") == {"sequence_overflow": "PARTIAL"}


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("3110350600201605333", InvalidLength),
        ("31103506002016053337X", InvalidLength),
        ("311035060X2016053337", InvalidFormat),
        ("31103506003016053337", InvalidFormat),
    ],
)
def test_structure(value: str, error: type[Exception]) -> None:
    with pytest.raises(error) as exc:
        legacy_registration.validate(value)
    assert is_bilingual(exc.value)  # type: ignore[arg-type]


def test_compact() -> None:
    assert legacy_registration.validate("3110 350600 201605 3337") == "31103506002016053337"
    assert legacy_registration.format("3110-350600-201605-3337") == "31103506002016053337"


def test_generate() -> None:
    assert legacy_registration.generate("2160", "310101", 2006, 1, 101) == "21603101012006010101"
    assert legacy_registration.max_sequence() == 9999
    for bad in ((0, 1), (10000, 1), (1, 13)):
        with pytest.raises(InvalidComponent):
            legacy_registration.generate("3110", "350600", 2016, bad[1], bad[0])


@st.composite
def parts(draw: st.DrawFn) -> tuple[str, str, int, int, int]:
    year = draw(st.integers(2015, TODAY.year - 1))
    return (
        draw(st.sampled_from(CLASSES_2014)),
        draw(st.sampled_from(admin_division.codes(year))),
        year,
        draw(st.integers(1, 12)),
        draw(st.integers(1, legacy_registration.max_sequence())),
    )


@given(parts())
def test_every_generated_code_validates(p: tuple[str, str, int, int, int]) -> None:
    code = legacy_registration.generate(*p)
    parsed = legacy_registration.parse(code)
    assert parsed.assemble() == parsed.value == code
    assert parsed.warnings == ()
    assert legacy_registration.validate(" ".join(code)) == code


@given(st.text(max_size=24))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        p = legacy_registration.parse(text)
    except (InvalidFormat, InvalidLength, InvalidComponent) as exc:
        assert is_bilingual(exc)
    else:
        assert p.assemble() == p.value
