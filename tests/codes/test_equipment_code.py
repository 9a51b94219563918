"""特种设备代码 (domain.md §1.1): both forms, the catalogue check, the licence rule, generation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, admin_division, equipment_code
from sedata.codes._tables import CATALOGUE, as_variety
from sedata.spec import current
from sedata.spec.codesets import InForce
from tests.codes._messages import is_bilingual

TODAY = dt.date.today()
CATALOGUE_2014 = current().codesets[CATALOGUE]["2014"]
VARIETIES = sorted(e.code for e in CATALOGUE_2014.entries if as_variety(InForce(CATALOGUE_2014, True), e.code))
PROVINCES = sorted({c[:2] for c in admin_division.codes() if c.endswith("0000")})


def notes(value: str, **kw: object) -> dict[str, str | None]:
    return {n.code: n.status for n in equipment_code.parse(value, **kw).warnings}  # type: ignore[arg-type]


# --- domain.md §1.1 / §9 values ------------------------------------------------------------------


def test_manufacturer_example_from_the_rule() -> None:
    p = equipment_code.parse("215010890201500098")
    assert equipment_code.form_of(p) == "manufacturer"
    assert [(s.key, s.value) for s in p.segments] == [
        ("variety", "2150"),
        ("maker", "10890"),
        ("year", "2015"),
        ("sequence", "00098"),
    ]
    assert p.segment("variety").meaning == "第二类压力容器"
    assert "national" in (p.segment("maker").meaning or "")
    assert p.warnings == ()
    assert p.assemble() == p.value


def test_authority_example_from_xiangxi() -> None:
    p = equipment_code.parse("312043310020190010")
    assert equipment_code.form_of(p) == "authority"
    assert [(s.key, s.value) for s in p.segments] == [
        ("variety", "3120"),
        ("division", "433100"),
        ("year", "2019"),
        ("sequence", "0010"),
    ]
    assert "湘西" in (p.segment("division").meaning or "")
    # The 4-digit sequence of this form is inferred from this one value.
    assert notes("312043310020190010") == {"authority_form": "PARTIAL"}


def test_seventeen_characters_is_a_length_error() -> None:
    with pytest.raises(InvalidLength) as exc:
        equipment_code.validate("41702156120190307")
    assert is_bilingual(exc.value)
    assert not equipment_code.is_valid("41702156120190307")


def test_licence_gives_the_maker_code() -> None:
    assert equipment_code.maker_code_from_licence("TS2210890-2015") == "10890"
    assert equipment_code.maker_code_from_licence("TS2223010-2015") == "23010"
    p = equipment_code.parse_licence(" ts2223010－2015 ")
    assert p.value == "TS2223010-2015" and p.assemble() == p.value
    assert "黑龙江" in (p.segment("maker").meaning or "")
    assert {n.code: n.status for n in p.warnings} == {"maker_from_licence": "PARTIAL"}


@pytest.mark.parametrize("licence", ["TS221089-2015", "XK2210890-2015", "TS2210890/2015", ""])
def test_malformed_licence(licence: str) -> None:
    with pytest.raises(InvalidFormat) as exc:
        equipment_code.maker_code_from_licence(licence)
    assert is_bilingual(exc.value)


# --- structure -----------------------------------------------------------------------------------


def test_compact_strips_separators_and_widths() -> None:
    assert equipment_code.compact("2150 10890 2015 00098") == "215010890201500098"
    assert equipment_code.validate("２１５０-10890-2015-00098") == "215010890201500098"
    assert equipment_code.validate("23t0230102015a0000") == "23T0230102015A0000"
    assert equipment_code.format("2150 10890 2015 00098") == "215010890201500098"


@pytest.mark.parametrize(
    ("value", "position", "segment"),
    [
        ("21501089X201500098", 8, "maker"),
        ("215010890301500098", 10, "year"),  # '3' fails the manufacturer year, '0' then the authority year
        ("2150108902015000!8", 16, "sequence"),
        ("2_5010890201500098", 1, "variety"),
    ],
)
def test_format_errors_name_the_position(value: str, position: int, segment: str) -> None:
    with pytest.raises(InvalidFormat) as exc:
        equipment_code.validate(value)
    assert (exc.value.position, exc.value.segment) == (position, segment)
    assert is_bilingual(exc.value)


@pytest.mark.parametrize("year", ["1899", "2999"])
def test_implausible_year(year: str) -> None:
    with pytest.raises(InvalidComponent) as exc:
        equipment_code.validate(f"215010890{year}00098")
    assert exc.value.segment == "year" and is_bilingual(exc.value)


def test_next_year_is_allowed_for_codes_assigned_ahead() -> None:
    assert equipment_code.is_valid(f"215010890{TODAY.year + 1}00098")
    assert not equipment_code.is_valid(f"215010890{TODAY.year + 2}00098")


def test_authority_form_needs_a_division_valid_in_that_year() -> None:
    # 640105 西夏区 exists from 2002 only; 123456 never.
    assert equipment_code.is_valid("311064010520140025")
    with pytest.raises(InvalidComponent) as exc:
        equipment_code.validate("311064010519990025")
    assert exc.value.segment == "division" and is_bilingual(exc.value)
    with pytest.raises(InvalidComponent):
        equipment_code.validate("311012345620190010")


def test_sequence_letters_are_accepted_with_an_unconfirmed_note() -> None:
    assert notes("23T0230102015A0000") == {"sequence_letters": "UNCONFIRMED"}


def test_maker_region_neither_national_nor_a_province_is_a_note() -> None:
    assert notes("215099890201500098") == {"maker_region_unknown": "UNCONFIRMED"}


def test_ambiguous_reading_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    # With plausible years 1900..next year the two forms never both fit (the manufacturer year would
    # start with the division's last digit and the authority year's first); widen the range to see it.
    value = "311011010120190010"  # division 110101 + 2019, or maker 11010 + year 1201
    assert equipment_code.form_of(equipment_code.parse(value)) == "authority"
    monkeypatch.setattr(equipment_code, "EARLIEST_YEAR", 1000)
    p = equipment_code.parse(value)
    assert equipment_code.form_of(p) == "manufacturer"
    assert {n.code: n.status for n in p.warnings}["ambiguous_form"] == "UNCONFIRMED"


# --- the variety against the catalogue in force ------------------------------------------------------


@pytest.mark.parametrize("variety", ["2100", "1000", "3000"])
def test_kind_or_category_with_varieties_is_not_a_variety(variety: str) -> None:
    with pytest.raises(InvalidComponent) as exc:
        equipment_code.validate(f"{variety}10890201500098")
    assert exc.value.segment == "variety" and exc.value.position == 0
    assert is_bilingual(exc.value)


def test_unknown_variety() -> None:
    with pytest.raises(InvalidComponent) as exc:
        equipment_code.validate("999910890201500098")
    assert exc.value.segment == "variety"


def test_category_without_varieties_is_used_as_its_own_variety() -> None:
    assert notes("4D0010890201500001") == {"category_as_variety": "PARTIAL"}
    assert equipment_code.parse("731010890201500001").segment("variety").meaning == "安全阀"


def test_catalogue_is_chosen_by_the_reading_date() -> None:
    # 3130 is 强制驱动载货电梯 in 2014 but 无机房客梯 before: inside 2014 both, with a note.
    p = equipment_code.parse("313010890201300001", on=dt.date(2014, 6, 1))
    assert p.segment("variety").meaning == "强制驱动载货电梯 / 无机房客梯"
    assert {n.code for n in p.warnings} == {"catalogue_uncertain"}
    assert equipment_code.parse("313010890201300001").segment("variety").meaning == "强制驱动载货电梯"
    # Before 2014 only the elevator classes are known: another variety is a note, not an error.
    p = equipment_code.parse("215010890201200098", on=dt.date(2013, 5, 1))
    assert {n.code: n.status for n in p.warnings} == {"variety_not_in_known_tables": "UNCONFIRMED"}


# --- generation ------------------------------------------------------------------------------------


def test_generate_examples() -> None:
    assert equipment_code.generate("2150", maker_code="10890", year=2015, sequence=98) == "215010890201500098"
    assert equipment_code.generate("3120", division="433100", year=2019, sequence=10) == "312043310020190010"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"maker_code": "10890", "division": "433100"},
        {},
        {"maker_code": "1089"},
        {"division": "123456"},
        {"maker_code": "10890", "sequence": 0},
        {"maker_code": "10890", "sequence": 100000},
        {"division": "433100", "sequence": 10000},
    ],
)
def test_generate_rejects_bad_parts(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"year": 2019, "sequence": 1, **kwargs}
    with pytest.raises((InvalidComponent, InvalidFormat)) as exc:
        equipment_code.generate("3120", **args)  # type: ignore[arg-type]
    assert is_bilingual(exc.value)


def test_max_sequence_comes_from_the_pattern() -> None:
    assert equipment_code.max_sequence("manufacturer") == 99999
    assert equipment_code.max_sequence("authority") == 9999


@st.composite
def manufacturer_parts(draw: st.DrawFn) -> tuple[str, str, int, int]:
    region = draw(st.sampled_from([equipment_code.NATIONAL_REGION, *PROVINCES]))
    unit = draw(st.integers(0, 999))
    return (
        draw(st.sampled_from(VARIETIES)),
        f"{region}{unit:03d}",
        draw(st.integers(equipment_code.EARLIEST_YEAR, TODAY.year)),
        draw(st.integers(1, equipment_code.max_sequence("manufacturer"))),
    )


@st.composite
def authority_parts(draw: st.DrawFn) -> tuple[str, str, int, int]:
    year = draw(st.integers(1990, TODAY.year))
    return (
        draw(st.sampled_from(VARIETIES)),
        draw(st.sampled_from(admin_division.codes(year))),
        year,
        draw(st.integers(1, equipment_code.max_sequence("authority"))),
    )


@given(manufacturer_parts())
def test_every_generated_manufacturer_code_validates(parts: tuple[str, str, int, int]) -> None:
    variety, maker, year, seq = parts
    code = equipment_code.generate(variety, maker_code=maker, year=year, sequence=seq)
    p = equipment_code.parse(code)
    assert equipment_code.form_of(p) == "manufacturer"
    assert p.assemble() == p.value == code
    assert (p.segment("variety").value, p.segment("maker").value, int(p.segment("year").value)) == (
        variety,
        maker,
        year,
    )
    assert int(p.segment("sequence").value) == seq
    assert equipment_code.validate(" ".join(code.lower())) == code


@given(authority_parts())
def test_every_generated_authority_code_validates(parts: tuple[str, str, int, int]) -> None:
    variety, division, year, seq = parts
    code = equipment_code.generate(variety, division=division, year=year, sequence=seq)
    p = equipment_code.parse(code)
    assert equipment_code.form_of(p) == "authority"
    assert p.assemble() == p.value == code
    assert p.segment("division").value == division
    assert equipment_code.format(code) == code


@given(st.text(max_size=24))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        p = equipment_code.parse(text)
    except (InvalidFormat, InvalidLength, InvalidComponent) as exc:
        assert is_bilingual(exc)
    else:
        assert p.assemble() == p.value
