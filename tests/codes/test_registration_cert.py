"""使用登记证编号 (domain.md §1.2): structure, the spec's tables, the cross-checks, generation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import InvalidComponent, InvalidFormat, InvalidLength, registration_cert
from sedata.codes._tables import CATALOGUE, as_variety, only_version
from sedata.spec import current
from sedata.spec.codesets import InForce
from tests.codes._messages import is_bilingual

SPEC = current()
CATALOGUE_2014 = SPEC.codesets[CATALOGUE]["2014"]
CATEGORIES = only_version("registration-cert-category").entries
PROVINCES = [e.code for e in only_version("province-abbreviation").entries]


def notes(value: str, **kw: str) -> dict[str, str | None]:
    return {n.code: n.status for n in registration_cert.parse(value, **kw).warnings}


def test_fujian_sample() -> None:
    p = registration_cert.parse("梯11闽E3622(16)")
    assert [(s.key, s.value) for s in p.segments] == [
        ("category", "梯"),
        ("variety", "11"),
        ("province", "闽"),
        ("city", "E"),
        ("serial", "3622"),
        ("year", "(16)"),
    ]
    assert p.segment("variety").meaning == "3110 曳引驱动乘客电梯"
    assert (p.segment("city").meaning or "").startswith("漳州市")
    assert p.warnings == ()
    assert registration_cert.validate("梯11闽E3622(16)", variety="3110") == "梯11闽E3622(16)"
    # The registration code of the same record is 31103506002016053337: 漳州 350600 is 闽E.


def test_hunan_sample_with_its_equipment_code() -> None:
    value = "梯12湘U00019(19)"
    assert registration_cert.validate(value, equipment_code="312043310020190010") == value
    assert notes(value, equipment_code="312043310020190010") == {}


def test_questionable_liaoning_sample_is_accepted_with_a_note() -> None:
    # §9 calls it questionable; the module docstring explains why it is a note, not an error.
    p = registration_cert.parse("起17辽JG0033(24)")
    assert (p.segment("city").value, p.segment("serial").value) == ("J", "G0033")
    assert p.segment("variety").meaning == "4170 电动单梁起重机"
    assert notes("起17辽JG0033(24)") == {"serial_letters": "UNCONFIRMED"}
    assert registration_cert.is_valid("起17辽JG0033(24)", variety="4170")


def test_full_width_brackets_are_normalised() -> None:
    assert registration_cert.compact("梯11宁A00025（14）") == "梯11宁A00025(14)"
    assert registration_cert.validate(" 梯11宁a 00025（１４）") == "梯11宁A00025(14)"
    assert registration_cert.format("梯11闽E3622（16）") == "梯11闽E3622(16)"


def test_ningxia_city_letters_come_from_the_spec() -> None:
    meanings = [registration_cert.parse(f"梯11宁{c}00025(14)").segment("city").meaning for c in "ABCDE"]
    assert [m.split(" / ")[0] if m else None for m in meanings] == ["银川市", "石嘴山市", "吴忠市", "固原市", "中卫市"]


def test_unknown_city_letter_is_not_an_error() -> None:
    p = registration_cert.parse("梯11宁Z00025(14)")
    assert p.segment("city").meaning is None
    assert "city" not in " ".join(n.code for n in p.warnings)


def test_province_abbreviations() -> None:
    assert notes("梯11京A00025(20)") == {"province_unconfirmed": "UNCONFIRMED"}
    assert notes("梯11黔A00025(20)") == {"province_unconfirmed": "UNCONFIRMED"}
    assert notes("梯11朝A00025(20)") == {"province_unknown": "UNCONFIRMED"}
    confirmed = {e.code for e in only_version("province-abbreviation").entries if e.status == "CONFIRMED"}
    assert confirmed == {"闽", "湘", "宁", "辽"}


def test_category_characters() -> None:
    assert notes("车11闽E3622(16)") == {}  # 5110 叉车
    assert notes("锅10闽E3622(16)") == {"category_unconfirmed": "UNCONFIRMED"}  # 1100 承压蒸汽锅炉
    assert set(notes("龙11闽E3622(16)")) == {"category_unknown"}
    assert set(notes("梯99闽E3622(16)")) == {"variety_digits_unknown"}


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("梯1闽E3622(16)", "variety"),
        ("11闽E3622(16)", "category"),
        ("梯11闽E3622(16", "year"),
        ("梯11闽E362(16)", "serial"),
        ("梯11闽E1234567(16)", "year"),  # the 7th serial digit stands where "(" is due
        ("梯11闽3622(16)", "city"),
        ("梯11EE3622(16)", "province"),
        ("梯11闽E3622[16]", "year"),
    ],
)
def test_malformed_numbers(value: str, segment: str) -> None:
    with pytest.raises(InvalidFormat) as exc:
        registration_cert.validate(value)
    assert exc.value.segment == segment
    assert is_bilingual(exc.value)


def test_too_long() -> None:
    with pytest.raises(InvalidLength):
        registration_cert.validate("梯11闽E3622(16)" + "0" * 20)


def test_variety_digits_must_match() -> None:
    with pytest.raises(InvalidComponent) as exc:
        registration_cert.validate("梯11闽E3622(16)", variety="3120")
    assert (exc.value.segment, exc.value.position) == ("variety", 1)
    assert is_bilingual(exc.value)


def test_category_must_fit_the_variety_kind() -> None:
    with pytest.raises(InvalidComponent) as exc:
        registration_cert.validate("起11闽E3622(16)", variety="3110")
    assert exc.value.segment == "category" and is_bilingual(exc.value)
    # 瓶 applies to 2300 气瓶, 容 to 2000 压力容器: a cylinder variety fits both.
    assert registration_cert.is_valid("瓶31闽E3622(16)", variety="2310")
    assert registration_cert.is_valid("容31闽E3622(16)", variety="2310")
    assert not registration_cert.is_valid("瓶15闽E3622(16)", variety="2150")


def test_cross_check_against_the_equipment_code() -> None:
    assert not registration_cert.is_valid("梯11湘U00019(19)", equipment_code="312043310020190010")
    with pytest.raises(InvalidComponent):
        registration_cert.validate("梯12湘U00019(19)", equipment_code="41702156120190307")
    with pytest.raises(InvalidComponent):
        registration_cert.validate("梯12湘U00019(19)", equipment_code="312043310020190010", variety="3110")
    # An authority-assigned code from another division: accepted, with notes.
    assert notes("梯12湘U00019(19)", equipment_code="312035060020190010") == {
        "province_mismatch": "UNCONFIRMED",
        "city_mismatch": "UNCONFIRMED",
    }


def test_unknown_cross_check_variety() -> None:
    with pytest.raises(InvalidComponent):
        registration_cert.validate("梯11闽E3622(16)", variety="9119")


def test_generate_the_samples() -> None:
    assert registration_cert.generate("梯", "3110", "闽", "E", 3622, 2016, width=4) == "梯11闽E3622(16)"
    assert registration_cert.generate("梯", "3120", "湘", "U", 19, 2019) == "梯12湘U00019(19)"


@pytest.mark.parametrize(
    "args",
    [
        ("梯", "3110", "闽", "E", 1, 2016, 3),
        ("梯", "3110", "闽", "E", 1, 2016, 7),
        ("梯", "3110", "闽", "E", 0, 2016, 5),
        ("梯", "3110", "闽", "E", 100000, 2016, 5),
        ("龙", "3110", "闽", "E", 1, 2016, 5),
        ("梯", "3110", "朝", "E", 1, 2016, 5),
        ("起", "3110", "闽", "E", 1, 2016, 5),
    ],
)
def test_generate_rejects_bad_parts(args: tuple[str, str, str, str, int, int, int]) -> None:
    *head, width = args
    with pytest.raises(InvalidComponent) as exc:
        registration_cert.generate(*head, width=width)  # type: ignore[arg-type]
    assert is_bilingual(exc.value)


def _pairs() -> list[tuple[str, str]]:
    """(category character, variety) pairs that fit: the variety lies under one of the category's kinds."""
    table = InForce(CATALOGUE_2014, True)
    out = []
    for cat in CATEGORIES:
        for e in CATALOGUE_2014.entries:
            v = as_variety(table, e.code)
            if v and e.code[1:3].isdigit() and set(cat.applies_to) & {a.code for a in v.lineage}:
                out.append((cat.code, e.code))
    return out


@given(
    st.sampled_from(_pairs()),
    st.sampled_from(PROVINCES),
    st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"),
    st.integers(4, 6).flatmap(lambda w: st.tuples(st.just(w), st.integers(1, 10**w - 1))),
    st.integers(2000, 2025),
)
def test_every_generated_number_validates(
    pair: tuple[str, str], province: str, city: str, serial: tuple[int, int], year: int
) -> None:
    category, variety = pair
    width, n = serial
    number = registration_cert.generate(category, variety, province, city, n, year, width=width)
    p = registration_cert.parse(number, variety=variety)
    assert p.assemble() == p.value == number
    assert int(p.segment("serial").value) == n and len(p.segment("serial").value) == width
    assert registration_cert.validate(number.replace("(", "（").replace(")", "）")) == number


@given(st.text(max_size=24))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        p = registration_cert.parse(text)
    except (InvalidFormat, InvalidLength, InvalidComponent) as exc:
        assert is_bilingual(exc)
    else:
        assert p.assemble() == p.value


def test_variety_lineages_answer_as_candidates_do_for_every_year_category_and_digits() -> None:
    """The columnar screen's certificate table is built from ``variety_lineages``: it must say "some variety fits"
    exactly where ``_candidates`` (what ``parse`` reads a number by) finds one."""
    import datetime as dt

    today = dt.date(2026, 12, 1)
    categories = only_version(registration_cert.CATEGORY_SET).entries
    digits = {
        e.code[registration_cert.VARIETY_DIGITS]
        for cs in current().codeset_versions(CATALOGUE)
        for e in cs.entries
        if len(e.code) >= 3
    } | {"00", "99"}
    fits = 0
    for yy in range(100):
        year = registration_cert._full_year(f"{yy:02d}", today)
        lineages = registration_cert.variety_lineages(year)
        for category in categories:
            allowed = frozenset(category.applies_to)
            for d in digits:
                found = registration_cert._candidates(year, d, allowed, id(current()))
                assert bool(found) == any(allowed & codes for codes in lineages.get(d, ())), (year, d, category.code)
                fits += bool(found)
    assert fits > 1000  # not a vacuous agreement: most years have varieties for most categories
