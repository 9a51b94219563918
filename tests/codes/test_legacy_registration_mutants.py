"""Registration-code behaviour the mutation run (bench/mutate.py) showed untested: the place and segment of each
error, the month and future-month bounds against a given day, the meanings of every segment and the notes' text.

Codes are domain.md §2's ([S8] 31103506002016053337 漳州, [S9] 31104331002017053117, the Ningxia and Shanghai
samples of the existing tests).
"""

from __future__ import annotations

import datetime as dt

import pytest

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, legacy_registration

ZHANGZHOU = "31103506002016053337"


def test_segments_places_and_meanings() -> None:
    p = legacy_registration.parse(ZHANGZHOU)
    assert p.kind == "legacy_registration"
    assert [(s.key, s.zh, s.start, s.value, s.meaning) for s in p.segments] == [
        ("class", "设备分类码", 0, "3110", "曳引驱动乘客电梯（equipment-catalogue@2014）"),
        ("division", "注册机构行政区划代码", 4, "350600", "福建省 漳州市"),
        ("registered", "注册年月", 10, "201605", "2016年5月 / 2016-05"),
        ("sequence", "顺序码", 16, "3337", "第3337号 / no. 3337"),
    ]
    assert [s.en for s in p.segments] == [
        "equipment class code",
        "registering authority's division code",
        "registration year and month",
        "sequence number",
    ]


@pytest.mark.parametrize(
    ("value", "error", "position", "segment"),
    [
        ("311035060X2016053337", InvalidFormat, 9, "division"),
        ("31103506003016053337", InvalidFormat, 10, "registered"),
        ("3110350600201605333", InvalidLength, None, None),
        ("31103506002016050000", InvalidComponent, 16, "sequence"),
        ("31103506002016133337", InvalidComponent, 14, "registered"),
        ("A1103506002016053337", InvalidComponent, 0, "class"),
    ],
)
def test_errors_name_their_place(value: str, error: type, position: int | None, segment: str | None) -> None:
    with pytest.raises(error) as e:
        legacy_registration.validate(value)
    assert (type(e.value), e.value.position, e.value.segment) == (error, position, segment)


def test_error_messages_name_what_was_found() -> None:
    with pytest.raises(InvalidLength) as e:
        legacy_registration.validate(ZHANGZHOU[:19])
    assert (e.value.zh, e.value.en) == ("注册代码应为20位，实为19位", "a registration code has 20 characters, not 19")
    with pytest.raises(InvalidFormat) as f:
        legacy_registration.validate("311035060X2016053337")
    assert f.value.zh == "第10位“X”不符合注册代码格式（注册机构行政区划代码）"
    with pytest.raises(InvalidComponent) as c:
        legacy_registration.validate("A1103506002016053337")
    assert c.value.en == "class A110 is not in the catalogue in force in 2016-05 (equipment-catalogue@2014)"


def test_month_12_exists_and_month_13_does_not() -> None:
    assert legacy_registration.parse("31103506002016123337").segment("registered").meaning == "2016年12月 / 2016-12"
    with pytest.raises(InvalidComponent) as e:
        legacy_registration.validate("31103506002016133337")
    assert e.value.zh == "注册年月 201613 的月份 13 无效"


def test_the_current_month_is_not_in_the_future() -> None:
    today = dt.date(2026, 5, 15)
    assert legacy_registration.validate("31103506002026053337", today=today) == "31103506002026053337"
    assert legacy_registration.validate("31103506002026003337", today=today)  # month 00 of this year: January
    with pytest.raises(InvalidComponent) as e:
        legacy_registration.validate("31103506002026063337", today=today)
    assert (e.value.position, e.value.segment) == (10, "registered")
    assert e.value.en == "registration month 202606 is in the future"
    with pytest.raises(InvalidComponent):
        legacy_registration.validate("31103506002027013337", today=today)
    with pytest.raises(InvalidComponent):
        legacy_registration.validate("31103506002027003337", today=today)


def test_month_00_reads_as_the_year() -> None:
    p = legacy_registration.parse("31103506002016003337")
    assert p.segment("registered").meaning == "2016年 / 2016"
    (note,) = p.warnings
    assert (note.code, note.status) == ("month_00", "UNCONFIRMED")
    assert note.zh.startswith("注册年月 201600 的月份为00")


def test_sequence_0001_is_the_first() -> None:
    p = legacy_registration.parse("31103506002016050001")
    assert p.segment("sequence").meaning == "第1号 / no. 1"
    assert legacy_registration.FIRST_SEQUENCE == 1


def test_sequence_notes() -> None:
    (overflow,) = legacy_registration.parse("8100310101201602A002").warnings
    assert (overflow.code, overflow.status) == ("sequence_overflow", "PARTIAL")
    assert overflow.zh.startswith("顺序码 A002 首位为字母")
    assert legacy_registration.parse("8100310101201602A002").segment("sequence").meaning is None
    (letters,) = legacy_registration.parse("81003101012016020A02").warnings
    assert (letters.code, letters.status) == ("sequence_letters", "UNCONFIRMED")
    (two,) = legacy_registration.parse("8100310101201602AB02").warnings
    assert two.code == "sequence_letters"


def test_class_notes_name_the_tables() -> None:
    (note,) = legacy_registration.parse("21603101012006010101").warnings
    assert (note.code, note.status) == ("class_not_in_known_tables", "UNCONFIRMED")
    assert note.en.startswith(
        "class 2160 is not in the known tables for 2006-01 (equipment-catalogue@pre2014-elevator)"
    )
    (both,) = legacy_registration.parse("31106401052014080025").warnings
    assert (both.code, both.status) == ("catalogue_uncertain", "UNCONFIRMED")
    assert both.zh.endswith(
        "3110 可能是 equipment-catalogue@2014：曳引驱动乘客电梯；equipment-catalogue@pre2014-elevator：曳引式客梯"
    )
    assert both.en.endswith(
        "3110 may be equipment-catalogue@2014: 曳引驱动乘客电梯; equipment-catalogue@pre2014-elevator: 曳引式客梯"
    )


def test_generate_bounds() -> None:
    assert legacy_registration.generate("3110", "350600", 2016, 12, 9999) == "31103506002016129999"
    assert legacy_registration.generate("3110", "350600", 2016, 1, 1) == "31103506002016010001"
    for month in (0, 13):
        with pytest.raises(InvalidComponent) as e:
            legacy_registration.generate("3110", "350600", 2016, month, 1)
        assert (e.value.segment, e.value.zh, e.value.en) == (
            "registered",
            f"月份 {month} 无效",
            f"month {month} does not exist",
        )
    for sequence in (0, 10000):
        with pytest.raises(InvalidComponent) as e:
            legacy_registration.generate("3110", "350600", 2016, 5, sequence)
        assert e.value.segment == "sequence" and "1-9999" in e.value.zh


def test_compact_and_length() -> None:
    assert legacy_registration.length() == 20
    assert legacy_registration.compact(" 3110-350600 ２０１６０５3337 ") == ZHANGZHOU
    assert legacy_registration.is_valid(ZHANGZHOU) is True
    assert legacy_registration.is_valid(ZHANGZHOU[:19]) is False


def test_a_class_in_neither_table_of_2014_names_both() -> None:
    (note,) = legacy_registration.parse("21606401052014080025").warnings
    assert note.code == "class_not_in_known_tables"
    assert "（equipment-catalogue@2014、equipment-catalogue@pre2014-elevator）" in note.zh


def test_a_date_with_no_table_in_force_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # Today the pre-2014 table has no start, so some table is always in force; without one the class is only noted.
    monkeypatch.setattr(legacy_registration._tables, "in_force_during", lambda *args: [])
    p = legacy_registration.parse(ZHANGZHOU)
    (note,) = p.warnings
    assert note.code == "class_not_in_known_tables" and "（—）" in note.zh and "(—)" in note.en
    assert p.segment("class").meaning is None


def test_month_00_of_this_year_is_not_in_the_future_in_january() -> None:
    # Month 00 counts as January: in January of that year it is the current month, not a later one.
    today = dt.date(2026, 1, 10)
    assert legacy_registration.validate("31103506002026003337", today=today) == "31103506002026003337"
    assert legacy_registration.validate("31103506002026013337", today=today) == "31103506002026013337"
    with pytest.raises(InvalidComponent):
        legacy_registration.validate("31103506002026023337", today=today)
