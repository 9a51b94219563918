"""Registration-certificate behaviour the mutation run (bench/mutate.py) showed untested: the two-digit year's
century, the segments' meanings and places, the notes' wording and status, the error each cross-check raises and
where, and ``generate``'s bounds.

Numbers are domain.md §1.2's (梯11闽E3622(16), Fujian; 梯12湘U00019(19) with 312043310020190010, Hunan) and the
existing tests' variations of them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, registration_cert

TODAY = dt.date(2026, 11, 25)
FUJIAN = "梯11闽E3622(16)"


@pytest.mark.parametrize(
    ("yy", "year"),
    [("16", 2016), ("26", 2026), ("27", 2027), ("28", 1928), ("99", 1999), ("00", 2000)],
)
def test_two_digit_years_are_at_most_one_year_ahead(yy: str, year: int) -> None:
    # The latest century that does not put the year more than one year after today (2026): 27 is 2027, 28 is 1928.
    p = registration_cert.parse(f"梯11闽E3622({yy})", today=TODAY)
    assert p.segment("year").meaning == f"{year}年 / {year}"


@pytest.mark.parametrize(
    ("today", "yy", "year"),
    [(dt.date(2019, 6, 1), "16", 2016), (dt.date(2019, 6, 1), "20", 2020), (dt.date(2019, 6, 1), "21", 1921)],
)
def test_the_century_is_today_s(today: dt.date, yy: str, year: int) -> None:
    # In 2019 (the Hunan sample's year) a 16 is 2016 and a 21 is 1921, more than one year ahead otherwise.
    assert registration_cert.parse(f"梯11闽E3622({yy})", today=today).segment("year").meaning == f"{year}年 / {year}"


def test_segments_places_and_meanings() -> None:
    p = registration_cert.parse(FUJIAN, today=TODAY)
    assert p.kind == "registration_cert" and p.value == FUJIAN
    assert [(s.key, s.zh, s.en, s.start) for s in p.segments] == [
        ("category", "类别字", "category character", 0),
        ("variety", "品种代码第2、3位", "variety digits 2-3", 1),
        ("province", "省级简称", "province abbreviation", 3),
        ("city", "城市代号", "city letter", 4),
        ("serial", "流水号", "serial number", 5),
        ("year", "发证年份", "year of issue", 9),
    ]
    assert p.segment("serial").meaning == "第3622号 / no. 3622"
    assert p.segment("category").meaning is not None and p.segment("category").meaning.startswith("电梯")
    assert p.segment("province").meaning is not None and p.segment("province").meaning.startswith("福建")


def test_unknown_category_note_lists_the_confirmed_characters() -> None:
    (note,) = registration_cert.parse("龙11闽E3622(16)", today=TODAY).warnings
    assert (note.code, note.status) == ("category_unknown", "UNCONFIRMED")
    assert note.zh == "类别字“龙”不在已知列表中（已证实：梯、起、车）"
    assert note.en == "category character 龙 is not a known one (confirmed: 梯, 起, 车)"


def test_unknown_category_cannot_be_checked_against_a_variety() -> None:
    notes = registration_cert.parse("龙11闽E3622(16)", variety="3110", today=TODAY).warnings
    assert [(n.code, n.status) for n in notes] == [
        ("category_unknown", "UNCONFIRMED"),
        ("category_unchecked", "UNCONFIRMED"),
    ]
    assert notes[1].zh == "类别字未知，无法核对其与品种是否一致"
    assert notes[1].en == "the category character is unknown, so it cannot be checked against the variety"


def test_variety_digits_unknown_is_a_partial_note_naming_the_category() -> None:
    p = registration_cert.parse("梯99闽E3622(16)", today=TODAY)
    (note,) = p.warnings
    assert (note.code, note.status) == ("variety_digits_unknown", "PARTIAL")
    assert note.zh == "电梯中没有第2、3位为 99 的品种（该规则系由实例推断）"
    assert note.en.startswith("no variety of Elevator has 99 at positions 2-3")
    assert p.segment("variety").meaning is None


def test_unconfirmed_category_note_names_the_entry() -> None:
    (note,) = registration_cert.parse("锅10闽E3622(16)", today=TODAY).warnings
    assert note.code == "category_unconfirmed"
    assert note.zh == "类别字“锅”（锅炉）常见于引述，但未在来源中见到"
    assert note.en == "category character 锅 (Boiler) is often quoted but was not seen in a source"
    (province,) = registration_cert.parse("梯11京A00025(20)", today=TODAY).warnings
    assert province.en == "province abbreviation 京 (Beijing) is common knowledge, not seen in source data"


def test_structure_errors_say_where() -> None:
    with pytest.raises(InvalidFormat) as e:
        registration_cert.validate("梯11闽E3622(16", today=TODAY)
    assert (e.value.position, e.value.segment) == (9, "year")
    assert e.value.zh == "第10位“(”不符合使用登记证编号格式（发证年份）"
    with pytest.raises(InvalidFormat) as end:
        registration_cert.validate("梯11闽E", today=TODAY)
    assert end.value.position == 5 and end.value.zh == "第6位“（结尾）”不符合使用登记证编号格式（流水号）"
    assert end.value.en == "character 6 ('end') does not fit the registration certificate number (serial number)"
    # 20 characters are not too long (the value domain's an..20), only malformed here; 21 are.
    with pytest.raises(InvalidFormat) as twenty:
        registration_cert.validate(FUJIAN + "0" * 7, today=TODAY)
    assert (twenty.value.position, twenty.value.segment) == (13, "year")
    with pytest.raises(InvalidLength):
        registration_cert.validate(FUJIAN + "0" * 8, today=TODAY)
    with pytest.raises(InvalidLength) as long:
        registration_cert.validate(FUJIAN + "0" * 20, today=TODAY)
    assert long.value.en == "a registration certificate number has at most 20 characters, not 33"
    assert registration_cert.max_length() == 20
    # 20 characters exactly is not too long (6-digit serial, the widest).
    assert registration_cert.validate("梯11闽E123456(16)", today=TODAY) == "梯11闽E123456(16)"


def test_cross_check_errors() -> None:
    with pytest.raises(InvalidComponent) as bad_code:
        registration_cert.validate(FUJIAN, equipment_code="123", today=TODAY)
    assert bad_code.value.zh.startswith("用于核对的设备代码无效：")
    assert bad_code.value.en.startswith("the equipment code given for the cross-check is invalid: ")
    with pytest.raises(InvalidComponent) as digits:
        registration_cert.validate(FUJIAN, variety="3190", today=TODAY)
    assert (digits.value.position, digits.value.segment) == (1, "variety")
    assert digits.value.en == "variety 3190 has digits 19 at positions 2-3, the number has 11"
    with pytest.raises(InvalidComponent) as category:
        registration_cert.validate("起11闽E3622(16)", variety="3110", today=TODAY)
    assert (category.value.position, category.value.segment) == (0, "category")
    assert category.value.zh == "类别字“起”（起重机械）与品种 3110（属电梯）不符"
    with pytest.raises(InvalidComponent) as differs:
        registration_cert.validate("梯12湘U00019(19)", equipment_code="312043310020190010", variety="3110", today=TODAY)
    assert differs.value.en == "the variety given (3110) differs from the equipment code's (3120)"
    # The same variety as the code's, written loosely, is no difference.
    assert registration_cert.validate(
        "梯12湘U00019(19)", equipment_code="312043310020190010", variety=" 3120", today=TODAY
    )


def test_a_variety_outside_the_catalogue_is_an_error() -> None:
    with pytest.raises(InvalidComponent) as e:
        registration_cert.validate("梯19闽E3622(16)", variety="3190", today=TODAY)
    assert e.value.en == "variety 3190 is not in the equipment catalogue"


def test_a_variety_of_an_earlier_catalogue_is_read_against_it() -> None:
    # 3130 is 无机房客梯 in the pre-2014 elevator table only; a 2016 number takes it from that version.
    assert registration_cert.validate("梯13闽E3622(16)", variety="3130", today=TODAY)


def test_authority_codes_name_the_division_in_notes() -> None:
    p = registration_cert.parse("梯12湘U00019(19)", equipment_code="312035060020190010", today=TODAY)
    province, city = p.warnings
    assert province.zh.startswith("设备代码由行政区划 350600 的登记机关赋码，而登记证省级简称为“湘”")
    assert city.en.startswith(
        "the equipment code was assigned in division 350600, the certificate's city is 湘U (Xiangxi"
    )
    # The code of the number's own division: no note.
    assert registration_cert.parse("梯12湘U00019(19)", equipment_code="312043310020190010", today=TODAY).warnings == ()


def test_generate_bounds() -> None:
    assert registration_cert.serial_widths() == (4, 6)
    assert registration_cert.DEFAULT_SERIAL_WIDTH == 5
    assert registration_cert.generate("梯", "3110", "闽", "e", 1, 2016) == "梯11闽E00001(16)"
    assert registration_cert.generate("梯", "3110", "闽", "E", 9999, 2016, width=4) == "梯11闽E9999(16)"
    assert registration_cert.generate("梯", "3110", "闽", "E", 1, 2016, width=6) == "梯11闽E000001(16)"
    cases = [
        ({"width": 3}, "serial", "流水号位数 3 不在规范允许的 4-6 之间"),
        ({"width": 7}, "serial", "流水号位数 7 不在规范允许的 4-6 之间"),
        ({"serial": 0, "width": 4}, "serial", "流水号 0 超出 1-9999"),
        ({"serial": 10000, "width": 4}, "serial", "流水号 10000 超出 1-9999"),
        ({"category": "龙"}, "category", "未知的类别字“龙”"),
        ({"province": "朝"}, "province", "未知的省级简称“朝”"),
    ]
    for change, segment, zh in cases:
        args = {"category": "梯", "variety": "3110", "province": "闽", "city": "E", "serial": 1, "year": 2016}
        args.update(change)  # type: ignore[arg-type]
        with pytest.raises(InvalidComponent) as e:
            registration_cert.generate(**args)  # type: ignore[arg-type]
        assert (e.value.segment, e.value.zh) == (segment, zh)


def test_a_manufacturer_assigned_code_names_no_division_to_compare() -> None:
    # 215010890201500098 (the rule's manufacturer example: variety 2150, maker 10890, 2015): no division notes.
    p = registration_cert.parse("容15闽E3622(16)", equipment_code="215010890201500098", today=TODAY)
    assert [n.code for n in p.warnings] == ["category_unconfirmed"]  # 容 itself, nothing about a division


def test_a_number_of_2014_reads_its_digits_in_both_catalogues() -> None:
    # In 2014 the 2014 catalogue and the pre-2014 elevator table may both apply: 11 is 3110 in each.
    p = registration_cert.parse("梯11闽E3622(14)", today=TODAY)
    assert p.segment("variety").meaning == "3110 曳引驱动乘客电梯；3110 曳引式客梯"


def test_is_valid_is_a_plain_boolean() -> None:
    assert registration_cert.is_valid(FUJIAN) is True
    assert registration_cert.is_valid("梯1闽E3622(16)") is False
    assert registration_cert.is_valid(FUJIAN, variety="3120") is False
