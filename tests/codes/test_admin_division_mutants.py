"""Division-code behaviour the mutation run (bench/mutate.py) showed untested: validity years in words and as
written in loc.dat, the bounds of a validity, the messages' wording, the retirement note, the level an error names,
and the checks on the table's location and shape.

Codes and years are python-stdnum's loc.dat rows quoted in domain.md §7.4 and the existing tests (110103 崇文区
until 2010, 110111 房山区 from 1986, 120110 东郊区/东丽区, 110221 昌平县 1982-1999).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sedata.codes import InvalidComponent, InvalidFormat, admin_division
from sedata.codes.admin_division import Validity


@pytest.mark.parametrize(
    ("code", "written", "zh", "en"),
    [
        ("110103", ["-2010"], "崇文区（2010年及以前）", "崇文区 (until 2010)"),
        ("110111", ["1986-"], "房山区（1986年起）", "房山区 (from 1986)"),
        ("110221", ["1982-1999"], "昌平县（1982—1999年）", "昌平县 (1982-1999)"),
        ("110105", [""], "朝阳区（一直有效）", "朝阳区 (always)"),
        (
            "120110",
            ["-1991", "1992-"],
            "东郊区（1991年及以前）；东丽区（1992年起）",
            "东郊区 (until 1991); 东丽区 (from 1992)",
        ),
    ],
)
def test_validity_in_words_and_as_written(code: str, written: list[str], zh: str, en: str) -> None:
    assert [v.years() for v in admin_division.periods(code)] == written
    assert admin_division.validity(code) == (zh, en)


def test_validity_bounds_are_inclusive() -> None:
    v = Validity("昌平县", 1982, 1999)
    assert [v.covers(y) for y in (1981, 1982, 1999, 2000)] == [False, True, True, False]
    assert Validity("x").covers(1) and Validity("x", None, 2010).covers(2010) and not Validity("x", 2011).covers(2010)
    assert admin_division.is_valid("110221", 1982) and admin_division.is_valid("110221", 1999)
    assert not admin_division.is_valid("110221", 1981) and not admin_division.is_valid("110221", 2000)


def test_loc_dat_renamings_are_read_with_their_years() -> None:
    assert admin_division._validities("[-1991]东郊区,[1992-]东丽区") == (
        Validity("东郊区", None, 1991),
        Validity("东丽区", 1992, None),
    )
    assert admin_division._validities("朝阳区") == (Validity("朝阳区"),)
    assert admin_division._validities("[1982-1999]昌平县") == (Validity("昌平县", 1982, 1999),)


def test_a_code_not_valid_in_the_year_names_its_validity_and_own_level() -> None:
    with pytest.raises(InvalidComponent) as e:
        admin_division.validate("110103", 2011)
    assert e.value.zh == "行政区划代码 110103 在2011年无效，其有效年份为：崇文区（2010年及以前）"
    assert e.value.en == "division code 110103 was not valid in 2011; it was valid: 崇文区 (until 2010)"
    assert (e.value.segment, e.value.position) == ("county", 4)
    # 110200 北京市 县 (a prefecture row, until 2015) in 2020: its own level is the prefecture.
    assert admin_division.periods("110200") == (Validity("县", None, 2015),)
    with pytest.raises(InvalidComponent) as p:
        admin_division.validate("110200", 2020)
    assert (p.value.segment, p.value.position) == ("prefecture", 2)


def test_a_code_that_never_existed() -> None:
    with pytest.raises(InvalidComponent) as e:
        admin_division.validate("110199")
    assert e.value.en == "division code 110199 does not exist (never in GB/T 2260)"
    with pytest.raises(InvalidComponent) as p:
        admin_division.validate("119900")  # no prefecture 1199: its own level
    assert (p.value.segment, p.value.position) == ("prefecture", 2)


def test_province_of_an_unknown_code() -> None:
    assert admin_division.province("110105") == "北京市"
    with pytest.raises(InvalidComponent) as e:
        admin_division.province("990000")
    assert (e.value.zh, e.value.position, e.value.segment) == ("省级代码 99 不存在", 0, "province")


def test_names_and_full_names_as_of_a_year() -> None:
    assert admin_division.full_name("120110", 1980) == "天津市 市辖区 东郊区"
    assert admin_division.full_name("120110") == "天津市 市辖区 东丽区"
    assert admin_division.full_name("110000") == "北京市"
    assert admin_division.full_name("350600") == "福建省 漳州市"
    assert admin_division.name("110221", 1990) == "昌平县"


def test_retired_note_text() -> None:
    (note,) = admin_division.parse("110103").warnings
    assert note.zh == "行政区划代码 110103 于2010年后停用，请按记录年份核对"
    assert note.en == "division code 110103 was retired after 2010; check it against the year of the record"


def test_parse_segments_places() -> None:
    p = admin_division.parse("640105", 2014)
    assert p.kind == "admin_division"
    assert [(s.key, s.zh, s.en, s.start) for s in p.segments] == [
        ("province", "省级", "province", 0),
        ("prefecture", "地级", "prefecture", 2),
        ("county", "县级", "county", 4),
    ]


def test_compact_and_format() -> None:
    assert admin_division.compact(" 11 01 05 ") == "110105"
    assert admin_division.format("１１０１０５") == "110105"
    assert admin_division.is_valid("110105") is True and admin_division.is_valid("110199") is False


def test_codes_of_a_year() -> None:
    assert "110103" in admin_division.codes(2010) and "110103" not in admin_division.codes(2011)
    assert "110111" in admin_division.codes(1986) and "110111" not in admin_division.codes(1985)
    assert admin_division.codes() == tuple(sorted(admin_division.codes()))


def _spec_with(external: object) -> object:
    codeset = SimpleNamespace(external=external)
    return SimpleNamespace(codesets={"admin-division": {"gbt2260": codeset}})


@pytest.mark.parametrize(
    ("external", "says"),
    [
        (None, "names no python-stdnum table"),
        (SimpleNamespace(package="other", min_version="1", resource="stdnum/cn/loc.dat"), "names no python-stdnum"),
        (SimpleNamespace(package="python-stdnum", min_version="99.0", resource="stdnum/cn/loc.dat"), "99.0 or newer"),
        (SimpleNamespace(package="python-stdnum", min_version="1.0", resource="cn/loc.dat"), "unrecognised"),
        (SimpleNamespace(package="python-stdnum", min_version="1.0", resource="stdnum/cn/loc.txt"), "unrecognised"),
    ],
)
def test_the_table_location_is_checked(monkeypatch: pytest.MonkeyPatch, external: object, says: str) -> None:
    import sedata.spec

    monkeypatch.setattr(sedata.spec, "current", lambda: _spec_with(external))
    with pytest.raises(LookupError, match=says) as e:
        admin_division._numdb_name()
    if external is None:
        assert str(e.value) == (
            "行政区划代码集未声明 python-stdnum 外部表 / the admin-division code set names no python-stdnum table"
        )


def test_the_installed_stdnum_version_is_compared_as_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    import sedata.spec

    ok = SimpleNamespace(package="python-stdnum", min_version="1.9", resource="stdnum/cn/loc.dat")
    monkeypatch.setattr(sedata.spec, "current", lambda: _spec_with(ok))
    monkeypatch.setattr(admin_division.metadata, "version", lambda name: "1.10")
    assert admin_division._numdb_name() == "cn/loc"
    monkeypatch.setattr(admin_division.metadata, "version", lambda name: "1.9")  # exactly the minimum
    assert admin_division._numdb_name() == "cn/loc"
    assert admin_division._version_tuple("1.20.1rc2") == (1, 20, 1)


@pytest.mark.parametrize(
    "prefixes",
    [
        [(3, "110", "110", {}, [])],
        [(2, "11", "12", {}, [])],
        [(2, "11", "11", {"province": "北京市"}, [(3, "010", "010", {}, [])])],
        [(2, "11", "11", {"province": "北京市"}, [(4, "0101", "0102", {}, [])])],
    ],
)
def test_an_unexpected_table_shape_is_refused(monkeypatch: pytest.MonkeyPatch, prefixes: list[object]) -> None:
    monkeypatch.setattr(admin_division.numdb, "get", lambda name: SimpleNamespace(prefixes=prefixes))
    admin_division._tables.cache_clear()
    try:
        with pytest.raises(LookupError, match="unexpected division table row"):
            admin_division._tables()
    finally:
        admin_division._tables.cache_clear()


def test_a_row_without_a_name_is_no_code(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        (
            2,
            "11",
            "11",
            {"province": "北京市"},
            [(4, "0105", "0105", {"county": "朝阳区"}, []), (4, "0199", "0199", {}, [])],
        )
    ]
    monkeypatch.setattr(admin_division.numdb, "get", lambda name: SimpleNamespace(prefixes=rows))
    admin_division._tables.cache_clear()
    try:
        assert admin_division._tables() == ({"11": "北京市"}, {"110105": (Validity("朝阳区"),)})
    finally:
        admin_division._tables.cache_clear()


def test_describe_is_chinese_by_default() -> None:
    assert Validity("昌平县", 1982, 1999).describe() == "1982—1999年"
    assert Validity("朝阳区").describe() == "一直有效"


@pytest.mark.parametrize(("value", "position"), [("11010X", 5), ("X10105", 0)])
def test_an_x_is_no_digit_and_not_removed(value: str, position: int) -> None:
    with pytest.raises(InvalidFormat) as e:
        admin_division.validate(value)
    assert e.value.position == position


def test_an_unknown_province_is_named_before_its_prefecture() -> None:
    with pytest.raises(InvalidComponent) as e:
        admin_division.validate("991201")  # no province 99, so no prefecture 9912 either: the province is named
    assert (e.value.segment, e.value.position) == ("province", 0)
