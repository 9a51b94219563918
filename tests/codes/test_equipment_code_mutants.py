"""Equipment-code behaviour the mutation run (bench/mutate.py) showed untested: the year-1900 bound, the error
when both forms fail, a category used where a variety belongs, and the segments' places and labels.

Codes are domain.md §1.1's (215010890201500098, 312043310020190010) and variations of them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, equipment_code

MAKER_EXAMPLE = "215010890201500098"
AUTHORITY_EXAMPLE = "312043310020190010"
ON = dt.date(2024, 6, 1)


def test_year_1900_is_the_first_plausible_year() -> None:
    assert equipment_code.validate("215010890190000098", ON) == "215010890190000098"
    with pytest.raises(InvalidComponent) as e:
        equipment_code.validate("215010890189900098", ON)
    assert (e.value.position, e.value.segment) == (9, "year")
    assert e.value.zh.startswith("按制造单位赋码形式，年份 1899 不合理")
    assert e.value.en.startswith("read as manufacturer-assigned, the year 1899") and "1900-2025" in e.value.en


def test_next_year_is_the_last_plausible_year() -> None:
    assert equipment_code.is_valid("215010890202500098", ON) is True
    assert equipment_code.is_valid("215010890202600098", ON) is False


def test_authority_year_error_points_at_its_own_year() -> None:
    with pytest.raises(InvalidComponent) as e:
        equipment_code.validate("311012345618990010", ON)
    assert (e.value.position, e.value.segment) == (10, "year")
    assert e.value.en.startswith("read as authority-assigned, the year 1899") and "按登记机关赋码形式" in e.value.zh


def test_authority_division_error_points_at_the_division() -> None:
    with pytest.raises(InvalidComponent) as e:
        equipment_code.validate("311064010519990025", ON)  # 640105 西夏区 exists from 2002 only
    assert (e.value.position, e.value.segment) == (4, "division")
    assert "2002" in e.value.en and "2002" in e.value.zh


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        # maker 11010 + year 1189 (too early), or division 110101 + year 1899 (too early)
        ("215011010118990010", ("1189", "1899")),
        # maker 12345 + year 1201 (too early), or division 123451 (never a division) + 2019
        ("215012345120190010", ("1201", "123451")),
    ],
)
def test_both_forms_fail(value: str, parts: tuple[str, str]) -> None:
    with pytest.raises(InvalidComponent) as e:
        equipment_code.validate(value, ON)
    # Both readings are reported, manufacturer first; the position is the first reading's.
    assert e.value.position == 9
    assert e.value.zh.count("；") == 1 and e.value.en.count("; ") == 1
    assert e.value.en.startswith("read as manufacturer-assigned, ") and "; read as authority-assigned, " in e.value.en
    assert e.value.zh.startswith("按制造单位赋码形式") and "；按登记机关赋码形式" in e.value.zh
    assert all(p in e.value.en and p in e.value.zh for p in parts)


@pytest.mark.parametrize(("variety", "level", "child"), [("2100", "类别", "2150"), ("2000", "种类", "2100")])
def test_category_with_varieties_used_as_variety(variety: str, level: str, child: str) -> None:
    with pytest.raises(InvalidComponent) as e:
        equipment_code.validate(f"{variety}10890201500098", ON)
    assert (e.value.position, e.value.segment) == (0, "variety")
    assert level in e.value.zh and "not a variety" in e.value.en
    # It names the codes to use instead.
    assert child in e.value.zh and child in e.value.en


def test_unknown_variety_names_the_catalogue() -> None:
    with pytest.raises(InvalidComponent) as e:
        equipment_code.validate("999910890201500098", ON)
    assert (e.value.position, e.value.segment) == (0, "variety")
    assert "9999" in e.value.en and ON.isoformat() in e.value.en and "—" not in e.value.en


def test_manufacturer_segments() -> None:
    p = equipment_code.parse(MAKER_EXAMPLE, ON)
    assert p.kind == "equipment_code"
    assert [(s.key, s.zh, s.en, s.start, s.end, s.meaning) for s in p.segments] == [
        ("variety", "设备品种代码", "variety code", 0, 4, "第二类压力容器"),
        ("maker", "制造单位代号", "manufacturer code", 4, 9, "国家级许可，单位序号 890 / national licence, unit 890"),
        ("year", "制造年份", "year of manufacture", 9, 13, "2015年 / 2015"),
        ("sequence", "制造顺序号", "manufacturing sequence number", 13, 18, "第98号 / no. 98"),
    ]


def test_authority_segments() -> None:
    p = equipment_code.parse(AUTHORITY_EXAMPLE, ON)
    assert [(s.key, s.zh, s.en, s.start, s.end, s.meaning) for s in p.segments] == [
        ("variety", "设备品种代码", "variety code", 0, 4, "曳引驱动载货电梯"),
        (
            "division",
            "登记机关行政区划代码",
            "registration authority's division code",
            4,
            10,
            "湖南省 湘西土家族苗族自治州",
        ),
        ("year", "年份", "year", 10, 14, "2019年 / 2019"),
        ("sequence", "顺序号", "sequence number", 14, 18, "第10号 / no. 10"),
    ]
    (note,) = p.warnings
    assert (note.code, note.status) == ("authority_form", "PARTIAL")
    assert note.zh == "登记机关赋码形式：4位顺序号系由一个实例推断"
    assert note.en == "authority-assigned form: the 4-digit sequence is inferred from one real value"


def test_maker_region_meanings() -> None:
    province = equipment_code.parse("215011890201500098", ON).segment("maker").meaning
    assert province == "北京市许可，单位序号 890 / licensed by 北京市, unit 890"
    p = equipment_code.parse("215099890201500098", ON)
    assert p.segment("maker").meaning == "地区码 99，单位序号 890 / region 99, unit 890"
    (note,) = p.warnings
    assert "99" in note.zh and "region 99" in note.en


def test_letter_sequence_note_names_the_sequence() -> None:
    p = equipment_code.parse("23T0230102015A0000", ON)
    assert p.segment("sequence").meaning is None
    (note,) = p.warnings
    assert "A0000" in note.zh and "A0000" in note.en


def test_category_as_variety_note_says_what_platforms_do() -> None:
    (note,) = equipment_code.parse("4D0010890201500001", ON).warnings
    assert (note.code, note.status) == ("category_as_variety", "PARTIAL")
    assert "4D00" in note.zh and "4D00" in note.en and "append 1" in note.en


def test_length_error() -> None:
    with pytest.raises(InvalidLength) as e:
        equipment_code.validate(MAKER_EXAMPLE + "1", ON)
    assert "18" in e.value.en and "19" in e.value.en
    assert equipment_code.length() == 18


def test_licence_segments() -> None:
    p = equipment_code.parse_licence("TS2210890-2015")
    assert p.kind == "manufacturing_licence"
    assert [(s.key, s.start, s.value) for s in p.segments] == [
        ("prefix", 0, "TS"),
        ("type", 2, "22"),
        ("maker", 4, "10890"),
        ("dash", 9, "-"),
        ("year", 10, "2015"),
    ]
    assert [(s.zh, s.en) for s in p.segments] == [
        ("许可证前缀", "licence prefix"),
        ("许可类型", "licence type"),
        ("制造单位代号（地区+单位序号）", "manufacturer code (region + unit number)"),
        ("分隔符", "separator"),
        ("年份", "year"),
    ]
    assert p.segment("maker").meaning == "国家级许可，单位序号 890 / national licence, unit 890"
    assert p.segment("prefix").meaning is None
    (note,) = p.warnings
    assert (note.code, note.status) == ("maker_from_licence", "PARTIAL")
    assert note.zh == "由许可证编号取制造单位代号（第5-9位）的规则仅由两个实例推得"
    assert note.en == "taking the manufacturer code from licence characters 5-9 is derived from two examples only"


def test_licence_spaces_inside_are_dropped_and_the_licence_note_comes_first() -> None:
    p = equipment_code.parse_licence("TS22 99890-2015")
    assert p.value == "TS2299890-2015"
    assert [n.code for n in p.warnings] == ["maker_from_licence", "maker_region_unknown"]


def test_format_error_segment_labels() -> None:
    with pytest.raises(InvalidFormat) as e:
        equipment_code.validate("21501089X201500098", ON)
    assert "（制造单位代号）" in e.value.zh and e.value.en.endswith(
        "('X') does not fit the equipment code (manufacturer code)"
    )


@given(st.integers(0, 17), st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXYZ-_!"))
def test_single_character_changes_never_crash(i: int, c: str) -> None:
    # The equipment code has no check character: a change is either caught or gives a code that parses whole.
    changed = MAKER_EXAMPLE[:i] + c + MAKER_EXAMPLE[i + 1 :]
    try:
        p = equipment_code.parse(changed, ON)
    except (InvalidComponent, InvalidFormat, InvalidLength) as e:
        assert e.zh and e.en
    else:
        assert p.assemble() == p.value == equipment_code.compact(changed)


def test_catalogue_uncertain_note_is_unconfirmed() -> None:
    p = equipment_code.parse("313010890201300001", on=dt.date(2014, 6, 1))
    assert [(n.code, n.status) for n in p.warnings] == [("catalogue_uncertain", "UNCONFIRMED")]


def test_generate_sequence_bounds() -> None:
    assert equipment_code.generate("2150", maker_code="10890", year=2015, sequence=1) == "215010890201500001"
    assert equipment_code.generate("2150", maker_code="10890", year=2015, sequence=99999) == "215010890201599999"
    assert equipment_code.generate("3120", division="433100", year=2019, sequence=9999) == "312043310020199999"


def test_generate_refuses_a_code_that_reads_as_the_other_form() -> None:
    # maker 11010 + year 1201 is implausible, so 311011010120190010 reads as division 110101 + 2019.
    with pytest.raises(InvalidComponent) as e:
        equipment_code.generate("3110", maker_code="11010", year=1201, sequence=90010)
    assert "311011010120190010" in e.value.en and "other form" in e.value.en


def test_generate_needs_exactly_one_middle_part() -> None:
    with pytest.raises(InvalidComponent) as e:
        equipment_code.generate("2150", year=2015, sequence=1)
    assert (e.value.zh, e.value.en) == (
        "须且只能给出制造单位代号或行政区划代码之一",
        "give exactly one of maker_code or division",
    )
    with pytest.raises(InvalidFormat) as f:
        equipment_code.generate("2150", maker_code="1089", year=2015, sequence=1)
    assert f.value.segment == "maker"
    with pytest.raises(InvalidComponent) as g:
        equipment_code.generate("2150", maker_code="10890", year=2015, sequence=0)
    assert g.value.segment == "sequence"


def test_variety_outside_partly_known_tables_names_every_table() -> None:
    # Inside 2014 both the 2014 catalogue and the pre-2014 elevator table may be in force: both are named.
    (note,) = equipment_code.parse("999910890201300098", on=dt.date(2014, 6, 1)).warnings
    assert (note.code, note.status) == ("variety_not_in_known_tables", "UNCONFIRMED")
    assert note.en == (
        "variety 9999 is not in the known tables for 2014-06-01 "
        "(equipment-catalogue@2014, equipment-catalogue@pre2014-elevator); "
        "the tables of that date are only partly known"
    )


def test_a_spec_pattern_whose_division_is_not_one_digit_longer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # TSG 08-2017 登记表 note [S12]: the division is one digit longer than the maker code; a spec that says
    # otherwise must stop the module rather than mis-read codes.
    import dataclasses

    real = equipment_code.domain_layouts

    def narrowed(*args: object) -> tuple[object, ...]:
        maker, authority = real(*args)  # type: ignore[arg-type]
        parts = tuple(
            dataclasses.replace(p, min_len=5, max_len=5) if p.key == "division" else p for p in authority.parts
        )
        return maker, dataclasses.replace(authority, parts=parts)

    assert equipment_code.layouts.__wrapped__() == equipment_code.layouts()
    monkeypatch.setattr(equipment_code, "domain_layouts", narrowed)
    with pytest.raises(LookupError, match=r"^equipment-code pattern: the division must be one digit longer than"):
        equipment_code.layouts.__wrapped__()


def test_a_date_without_any_catalogue_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # No table in force (none in today's spec, but a spec may start later): a note naming no table, not an error.
    monkeypatch.setattr(equipment_code, "versions_at", lambda *_args: [])
    meaning, (note,) = equipment_code._variety_of("2150", ON)
    assert meaning is None and (note.code, note.status) == ("variety_not_in_known_tables", "UNCONFIRMED")
    assert "（—）" in note.zh and "(—)" in note.en
