"""GB 11643 citizen ID numbers (domain.md §7.3), on top of python-stdnum, and that they never leak."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric

from sedata.codes import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    admin_division,
    citizen_id,
)

from ._messages import is_bilingual

DATA = Path(__file__).parent / "data"
STDNUM_RIC = [
    line.split("\t") for line in (DATA / "stdnum_ric.txt").read_text("utf-8").splitlines() if line[:1].isalnum()
]
ERRORS: dict[str, type[InvalidCode]] = {
    "InvalidFormat": InvalidFormat,
    "InvalidComponent": InvalidComponent,
    "InvalidChecksum": InvalidChecksum,
    "InvalidLength": InvalidLength,
}
STANDARD_EXAMPLE = "11010519491231002X"
# §7.3 examples (the standard's own and python-stdnum's).
VALID = [
    STANDARD_EXAMPLE,
    "360426199101010071",
    "44011320141005001X",
    "412723199010050012",
    "110102199101010078",
    "120110198012010073",
    "120110199212010072",
]
# §7.3 known invalid numbers and the class each must raise.
INVALID = [
    ("36042619910102009X", InvalidChecksum),
    ("360426199113010079", InvalidComponent),
    ("T60426199101010078", InvalidFormat),
    ("990426199112010074", InvalidComponent),
    ("110105194912310021", InvalidChecksum),
    # Correct check digit, but 440524 潮阳县 existed 1983-1993 only, not in 1880 (python-stdnum agrees).
    ("440524188001010014", InvalidComponent),
]
WEIGHTS_11_2 = tuple(pow(2, 17 - i, 11) for i in range(17))


def _leaks(number: str, text: str) -> bool:
    return citizen_id.compact(number) in text.upper() or number in text


@pytest.mark.parametrize(("number", "outcome", "county"), [row[:3] for row in STDNUM_RIC])
def test_stdnum_vectors(number: str, outcome: str, county: str) -> None:
    assert len(STDNUM_RIC) == 12
    if outcome == "valid":
        assert citizen_id.validate(number) == number.upper()
        assert citizen_id.parse(number).segment("address").meaning.split()[-1] == county
    else:
        with pytest.raises(ERRORS[outcome]):
            citizen_id.validate(number)


@pytest.mark.parametrize("number", VALID)
def test_section_7_3_valid(number: str) -> None:
    assert citizen_id.validate(number) == number
    assert ric.is_valid(number)
    parsed = citizen_id.parse(number)
    assert parsed.assemble() == parsed.value == number
    assert parsed.warnings == ()


@pytest.mark.parametrize(("number", "error"), INVALID)
def test_section_7_3_invalid(number: str, error: type[InvalidCode]) -> None:
    with pytest.raises(error) as e:
        citizen_id.validate(number)
    assert type(e.value) is error
    assert not ric.is_valid(number)


def test_worked_example() -> None:
    # §7.3: weights 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2; Σ = 167; 167 mod 11 = 2 → X.
    assert WEIGHTS_11_2 == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(STANDARD_EXAMPLE[:17], WEIGHTS_11_2, strict=True))
    assert total == 167 and "10X98765432"[total % 11] == "X" == citizen_id.calc_check_digit(STANDARD_EXAMPLE)


def test_parse_segments() -> None:
    parsed = citizen_id.parse(STANDARD_EXAMPLE)
    assert [(s.key, s.zh, s.value, s.meaning) for s in parsed.segments] == [
        ("address", "地址码", "110105", "北京市 市辖区 朝阳区"),
        ("birth_date", "出生日期", "19491231", "1949-12-31"),
        ("sequence", "顺序码", "002", "女"),
        ("check", "校验码", "X", None),
    ]
    assert citizen_id.sex(STANDARD_EXAMPLE) == "女"
    assert citizen_id.sex("360426199101010071") == "男"
    assert citizen_id.birth_date("44011320141005001X") == dt.date(2014, 10, 5)


def test_address_named_as_of_birth_year() -> None:
    # loc.dat 120110: 东郊区 until 1991, 东丽区 from 1992 (python-stdnum's before/after pair).
    assert citizen_id.parse("120110198012010073").segment("address").meaning.endswith("东郊区")
    assert citizen_id.parse("120110199212010072").segment("address").meaning.endswith("东丽区")


def test_address_validity_years_are_named() -> None:
    # python-stdnum's vectors: 110111 房山区 only from 1986; 110201 retired (昌平县 until 1982).
    with pytest.raises(InvalidComponent) as e:
        citizen_id.validate("110111198012010078")
    assert e.value.segment == "address" and "1986" in e.value.zh and "1986" in e.value.en
    with pytest.raises(InvalidComponent) as e:
        citizen_id.validate("110201199312010077")
    assert "1982" in e.value.zh and "1982" in e.value.en


def test_province_without_own_row() -> None:
    # python-stdnum raises KeyError for 71xxxx codes that have no row of their own; ours is InvalidComponent.
    body = "71990019900101001"
    with pytest.raises(InvalidComponent):
        citizen_id.validate(body + citizen_id.calc_check_digit(body))


def test_birth_date_in_the_future() -> None:
    body = "11010520990101001"
    number = body + citizen_id.calc_check_digit(body)
    with pytest.raises(InvalidComponent) as e:
        citizen_id.validate(number, today=dt.date(2098, 12, 31))
    assert e.value.segment == "birth_date"
    assert citizen_id.validate(number, today=dt.date(2099, 1, 1)) == number


def test_legacy_15_digits() -> None:
    # The standard example in its 15-digit form: 19 inserted before 491231, check digit X recomputed.
    legacy = STANDARD_EXAMPLE[:6] + STANDARD_EXAMPLE[8:17]
    assert citizen_id.to_18(legacy) == STANDARD_EXAMPLE
    assert citizen_id.validate(legacy) == STANDARD_EXAMPLE
    parsed = citizen_id.parse(legacy)
    assert parsed.value == STANDARD_EXAMPLE == parsed.assemble()
    assert [(n.code, n.status) for n in parsed.warnings] == [("legacy_15", "UNCONFIRMED")]
    with pytest.raises(InvalidLength):
        citizen_id.validate(legacy, legacy=False)
    with pytest.raises(InvalidFormat):
        citizen_id.to_18(legacy[:-1] + "X")
    with pytest.raises(InvalidLength):
        citizen_id.to_18(STANDARD_EXAMPLE)


def test_spec_value_domain_examples(spec) -> None:
    domain = spec.value_domains["citizen-id"]
    assert all(citizen_id.is_valid(v) for v in domain.examples)
    assert not any(citizen_id.is_valid(v) for v in domain.invalid_examples)


def test_mask() -> None:
    assert citizen_id.mask(STANDARD_EXAMPLE) == "110105********002X"
    assert citizen_id.mask("110105 19491231 002x") == "110105********002X"
    assert citizen_id.mask("110105491231002") == "110105*****1002"
    assert citizen_id.mask("12345") == "*****"


# --- nothing shows a full number -----------------------------------------------------------------------

LEAK_CASES = [n for n, _ in INVALID] + [row[0] for row in STDNUM_RIC if row[1] != "valid"]


@pytest.mark.parametrize("number", LEAK_CASES)
def test_exceptions_are_masked(number: str) -> None:
    with pytest.raises(InvalidCode) as e:
        citizen_id.validate(number)
    err = e.value
    shown = [str(err), repr(err), err.zh, err.en, *map(str, err.args), "".join(traceback.format_exception(err))]
    assert not any(_leaks(number, text) for text in shown)
    assert citizen_id.mask(number) in err.zh and citizen_id.mask(number) in err.en
    assert is_bilingual(err)


@pytest.mark.parametrize("number", VALID)
def test_parsed_repr_is_masked(number: str) -> None:
    parsed = citizen_id.parse(number)
    assert not _leaks(number, repr(parsed)) and not _leaks(number, str(parsed))
    assert citizen_id.mask(number) in repr(parsed)
    assert parsed.to_dict()["value"] == number  # the data itself stays whole


# --- generated numbers ----------------------------------------------------------------------------------


@st.composite
def numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(dt.date(1950, 1, 1), dt.date(2020, 12, 31)))
    division = draw(st.sampled_from(admin_division.codes(born.year)))
    return citizen_id.generate(division, born, draw(st.integers(0, 999)))


@given(numbers())
def test_round_trip(number: str) -> None:
    assert citizen_id.validate(citizen_id.format(citizen_id.compact(number))) == number
    assert citizen_id.validate(f"{number[:6]} {number[6:14]} {number[14:]}".lower()) == number
    parsed = citizen_id.parse(number)
    assert parsed.assemble() == parsed.value == number
    assert parsed.segment("sequence").meaning == ("男" if int(number[16]) % 2 else "女")
    assert ric.is_valid(number)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_formulas_agree(body: str) -> None:
    # python-stdnum's (1 - 2·int(n, 13)) mod 11 equals §7.3's weighted sum with "10X98765432".
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS_11_2, strict=True))
    assert citizen_id.calc_check_digit(body) == "10X98765432"[total % 11]


def _assert_mutations_caught(number: str) -> None:
    """Every single substitution (digits and X) and adjacent transposition is caught, before any date check.

    ISO 7064 MOD 11-2 gives position i the weight 2^(18-i) mod 11 and the check weight 1; 11 is prime and
    2 a unit, so a one-digit change (digits 0-9 are distinct mod 11) always changes the sum, and the check
    position maps 11 symbols onto 11 residues. Adjacent weights satisfy w(i) = 2·w(i+1), so a swap changes
    the sum by w(i+1)·(difference) ≢ 0. The undetectable set is empty: each mutation fails the check digit,
    or the format when an X lands in positions 1-17.
    """
    subs = {number[:i] + c + number[i + 1 :] for i in range(18) for c in "0123456789X"}
    swaps = {number[:i] + number[i + 1] + number[i] + number[i + 2 :] for i in range(17)}
    for mutated in (subs | swaps) - {number}:
        expected = InvalidFormat if "X" in mutated[:17] else InvalidChecksum
        with pytest.raises(InvalidCode) as e:
            citizen_id.validate(mutated)
        assert type(e.value) is expected, citizen_id.mask(mutated)


@pytest.mark.parametrize("number", VALID)
def test_mutations_of_real_numbers(number: str) -> None:
    _assert_mutations_caught(number)


@given(numbers())
def test_mutations_of_generated_numbers(number: str) -> None:
    _assert_mutations_caught(number)


@given(numbers())
def test_legacy_round_trip(number: str) -> None:
    assume(number[6:8] == "19")
    legacy = number[:6] + number[8:17]
    assert citizen_id.to_18(legacy) == number
    assert citizen_id.parse(legacy).value == number
