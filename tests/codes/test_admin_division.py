"""GB/T 2260 division codes against python-stdnum's dated table (domain.md §7.4, §9)."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, admin_division
from sedata.spec import current

from ._messages import is_bilingual

CJK = re.compile(r"[\u4e00-\u9fff]")

# §7.4 examples ("checked with stdnum's table") with the names the table gives each level.
EXAMPLES = {
    "110105": ("北京市", "朝阳区"),
    "310101": ("上海市", "黄浦区"),
    "310115": ("上海市", "浦东新区"),
    "350600": ("福建省", "漳州市"),
    "433100": ("湖南省", "湘西土家族苗族自治州"),
    "440300": ("广东省", "深圳市"),
    "640105": ("宁夏回族自治区", "银川市", "西夏区"),
}


@pytest.mark.parametrize(("code", "names"), EXAMPLES.items())
def test_section_7_4_examples(code: str, names: tuple[str, ...]) -> None:
    assert admin_division.validate(code) == code
    full = admin_division.full_name(code)
    assert full.split()[0] == names[0] == admin_division.province(code)
    assert full.split()[-1] == names[-1] == admin_division.name(code)
    assert all(n in full.split() for n in names)


@pytest.mark.parametrize(
    ("value", "division", "name"),
    [
        ("31106401052014080025", "640105", "西夏区"),  # [S7] 银川西夏区
        ("31104331002017053117", "433100", "湘西土家族苗族自治州"),  # [S9] 湘西
        ("21603101012006010101", "310101", "黄浦区"),  # [S2] 黄浦
        ("35062711", "350627", "南靖县"),  # [S8] EQP_AREA_COD = 350627 南靖县 + 2-digit sub-area
    ],
)
def test_section_9_divisions(value: str, division: str, name: str) -> None:
    code = value[4:10] if len(value) == 20 else value[:6]
    assert code == division
    assert admin_division.name(code) == name


def test_section_9_unknown_region() -> None:
    # [S11b] 32201234562018090460 is invalid because of its region 123456.
    with pytest.raises(InvalidComponent) as e:
        admin_division.validate("32201234562018090460"[4:10])
    # Province 12 exists, prefecture 1234 does not: the first missing level is named.
    assert (e.value.segment, e.value.position) == ("prefecture", 2)


@pytest.mark.parametrize(
    ("code", "year", "segment", "position"),
    [
        ("990000", None, "province", 0),  # no province 99
        ("110199", None, "county", 4),  # 110100 市辖区 exists, 110199 does not
        ("110103", 2015, "county", 4),  # 崇文区, retired after 2010
        ("810000", 1990, "province", 0),  # 香港特别行政区 from 1997
    ],
)
def test_offending_level(code: str, year: int | None, segment: str, position: int) -> None:
    with pytest.raises(InvalidComponent) as e:
        admin_division.validate(code, year)
    assert (e.value.segment, e.value.position) == (segment, position)


def test_spec_value_domain_examples(spec) -> None:
    domain = spec.value_domains["admin-division"]
    for value in domain.examples:
        assert admin_division.is_valid(value)
    for value in domain.invalid_examples:
        assert not admin_division.is_valid(value)


def test_validity_years() -> None:
    # loc.dat: 0103 county="[-2010]崇文区" (until 2010), 0111 county="[1986-]房山区" (from 1986).
    assert admin_division.validate("110103", 2010) == "110103"
    assert admin_division.validate("110103") == "110103"
    with pytest.raises(InvalidComponent) as e:
        admin_division.validate("110103", 2011)
    assert "2010" in e.value.zh and "2010" in e.value.en and "崇文区" in e.value.zh
    assert admin_division.validate("110111", 1986) == "110111"
    with pytest.raises(InvalidComponent) as e:
        admin_division.validate("110111", 1985)
    assert "1986" in e.value.zh and "1986" in e.value.en


def test_names_as_of_a_year() -> None:
    # loc.dat: 0110 county="[-1991]东郊区,[1992-]东丽区" (the stdnum RIC test's before/after 1991 pair).
    assert admin_division.name("120110", 1980) == "东郊区"
    assert admin_division.name("120110", 1992) == "东丽区"
    assert admin_division.name("120110") == "东丽区"
    assert admin_division.parse("120110", 1980).segment("county").meaning == "东郊区"
    assert admin_division.parse("120110").segment("county").meaning == "东丽区"


def test_retired_code_warns_without_year() -> None:
    assert [n.code for n in admin_division.parse("110103").warnings] == ["retired"]
    assert admin_division.parse("110103", 2000).warnings == ()
    assert admin_division.parse("110105").warnings == ()


def test_parse_segments() -> None:
    parsed = admin_division.parse("640105")
    assert [(s.key, s.value, s.meaning) for s in parsed.segments] == [
        ("province", "64", "宁夏回族自治区"),
        ("prefecture", "01", "银川市"),
        ("county", "05", "西夏区"),
    ]
    # A 00 segment is the level above itself (§7.4), so it carries no name of its own.
    assert admin_division.parse("350600").segment("county").meaning is None
    assert admin_division.parse("110000").segment("prefecture").meaning is None


@pytest.mark.parametrize(
    ("value", "error", "position"),
    [("11010", InvalidLength, None), ("1101050", InvalidLength, None), ("11010A", InvalidFormat, 5)],
)
def test_malformed(value: str, error: type[Exception], position: int | None) -> None:
    with pytest.raises(error) as e:
        admin_division.validate(value)
    assert getattr(e.value, "position", None) == position


@pytest.mark.parametrize(("code", "year"), [("11010A", None), ("999999", None), ("110103", 2015), ("12345", None)])
def test_messages_are_bilingual(code: str, year: int | None) -> None:
    with pytest.raises((InvalidComponent, InvalidFormat, InvalidLength)) as e:
        admin_division.validate(code, year)
    assert is_bilingual(e.value)


def test_table_location_comes_from_the_spec() -> None:
    external = current().codesets["admin-division"]["gbt2260"].external
    assert external is not None and external.resource == "stdnum/cn/loc.dat"
    assert admin_division._numdb_name() == "cn/loc"
    assert admin_division._tables() is admin_division._tables()  # parsed once


def test_every_loc_dat_row_is_a_code() -> None:
    # Read the shipped file directly, with a parser independent of numdb, and compare.
    package, _, path = current().codesets["admin-division"]["gbt2260"].external.resource.partition("/")
    text = resources.files(package).joinpath(path).read_text("utf-8")
    rows, province = set(), ""
    for line in text.splitlines():
        if m := re.match(r'^(\d\d) province="', line):
            province = m.group(1)
        elif m := re.match(r'^  (\d{4}) county="', line):
            rows.add(province + m.group(1))
    assert rows == set(admin_division.codes())
    assert len(rows) > 6000


@given(st.sampled_from(admin_division.codes()), st.integers(1950, 2030))
def test_year_check_agrees_with_stdnum(code: str, year: int) -> None:
    # stdnum.cn.ric decides the same question for citizen IDs; the two readings of loc.dat must agree.
    body = f"{code}{year}0101001"
    number = body + ric.calc_check_digit(body + "0")
    try:
        ric.get_birth_place(number)
        stdnum_says = True
    except ValidationError:
        stdnum_says = False
    assert admin_division.is_valid(code, year) == stdnum_says


@given(st.sampled_from(admin_division.codes()))
def test_round_trip(code: str) -> None:
    assert admin_division.validate(admin_division.format(admin_division.compact(code))) == code
    parsed = admin_division.parse(code)
    assert parsed.assemble() == parsed.value == code
    assert admin_division.name(code)
    assert admin_division.full_name(code).startswith(admin_division.province(code))


@given(st.integers(1980, 2030))
def test_codes_of_a_year_are_valid_that_year(year: int) -> None:
    valid = admin_division.codes(year)
    assert valid and all(admin_division.is_valid(c, year) for c in valid[::50])
