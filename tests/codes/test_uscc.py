"""GB 32100 unified social credit codes (domain.md §7.1), on top of python-stdnum."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError

from sedata.codes import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    admin_division,
    org_code,
    uscc,
)

from ._messages import is_bilingual

DATA = Path(__file__).parent / "data"
STDNUM_USCC = [
    line for line in (DATA / "stdnum_uscc.txt").read_text("utf-8").splitlines() if line and not line.startswith("#")
]
DOC_EXAMPLE = "91110000600037341L"  # stdnum.cn.uscc's own doc example, the §7.1 worked example
VALID = [DOC_EXAMPLE, *STDNUM_USCC]


def test_data_file_holds_the_200_stdnum_numbers() -> None:
    assert len(STDNUM_USCC) == len(set(STDNUM_USCC)) == 200


@pytest.mark.parametrize("value", VALID)
def test_stdnum_vectors(value: str) -> None:
    assert uscc.validate(value) == value
    assert uscc.calc_check_digit(value) == stdnum_uscc.calc_check_digit(value) == value[17]
    parsed = uscc.parse(value)
    assert parsed.assemble() == parsed.value == value


def test_worked_example() -> None:
    # §7.1: weights 3^(i-1) mod 31; 9,1,1,1,0,0,0,0,6,0,0,0,3,7,3,4,1 → Σ 538; 538 mod 31 = 11; 31 - 11 = 20 → L.
    assert uscc.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(uscc.ALPHABET.index(c) * w for c, w in zip(DOC_EXAMPLE, uscc.WEIGHTS, strict=False))
    assert total == 538 and uscc.ALPHABET[20] == "L" == uscc.calc_check_digit(DOC_EXAMPLE[:17])
    assert uscc.parse(DOC_EXAMPLE).segment("org_code").meaning == "60003734-1"


@pytest.mark.parametrize("value", [u for u in STDNUM_USCC if u.endswith("0")])
def test_outer_mod_31(value: str) -> None:
    # A sum ≡ 0 (mod 31) must give "0"; `31 - sum % 31` without the outer mod would give index 31 (§7.1, [S25b]).
    total = sum(uscc.ALPHABET.index(c) * w for c, w in zip(value, uscc.WEIGHTS, strict=False))
    assert total % 31 == 0 and 31 - total % 31 == len(uscc.ALPHABET)
    assert uscc.calc_check_digit(value) == "0"


@pytest.mark.parametrize(
    ("value", "error", "position"),
    [
        ("91110000600037341N", InvalidChecksum, 17),
        # stdnum raises InvalidFormat (it wants a digit first); §7.1 allows Y, A, N … there, so the first
        # character is accepted and the wrong check character is what rejects this one.
        ("A1110000600037341L", InvalidChecksum, 17),
        ("9111000060003IOZSV", InvalidFormat, 13),
        ("12345", InvalidLength, None),
        ("911100006000373410L", InvalidLength, None),
        ("91A10000600037341L", InvalidFormat, 2),  # division positions take digits only
    ],
)
def test_known_invalid(value: str, error: type[InvalidCode], position: int | None) -> None:
    with pytest.raises(error) as e:
        uscc.validate(value)
    assert type(e.value) is error
    assert e.value.position == position
    assert is_bilingual(e.value)
    assert not uscc.is_valid(value)
    assert not stdnum_uscc.is_valid(value)


def test_spec_value_domain_examples(spec) -> None:
    domain = spec.value_domains["uscc"]
    assert all(uscc.is_valid(v) for v in domain.examples)
    assert not any(uscc.is_valid(v) for v in domain.invalid_examples)


def _with_check(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def test_embedded_org_code_is_checked() -> None:
    # 91110000600037341L with the org code's check 1 → 2 and the USCC check recomputed: MOD 31 passes,
    # GB 11714 does not.
    value = _with_check("91110000600037342")
    assert stdnum_uscc.is_valid(value)
    with pytest.raises(InvalidComponent) as e:
        uscc.validate(value)
    assert (e.value.segment, e.value.position) == ("org_code", 16)
    assert "60003734-2" in e.value.zh and "60003734-2" in e.value.en


def test_division_is_checked() -> None:
    # 123456 is the region §9 ([S11b]) marks as not a division.
    value = _with_check("91123456600037341")
    assert stdnum_uscc.is_valid(value)
    with pytest.raises(InvalidComponent) as e:
        uscc.validate(value)
    assert (e.value.segment, e.value.position) == ("division", 4)  # province 12 exists, prefecture 1234 not


def test_retired_division_is_accepted() -> None:
    # Positions 3-8 need a code that ever existed: 110103 崇文区 was retired after 2010.
    assert uscc.is_valid(_with_check("91110103600037341"))


@pytest.mark.parametrize(
    ("value", "authority", "category", "division"),
    [
        (DOC_EXAMPLE, "工商（市场监管）", "企业", "北京市"),
        ("121200004013590816", "机构编制", "事业单位", "天津市"),
        ("92340602MA2PBQAH7E", "工商（市场监管）", "个体工商户", "安徽省 淮北市 杜集区"),
        ("91310115MA1K3BTP2B", "工商（市场监管）", "企业", "上海市 市辖区 浦东新区"),
    ],
)
def test_parse_meanings(value: str, authority: str, category: str, division: str) -> None:
    parsed = uscc.parse(value)
    assert [s.key for s in parsed.segments] == ["registration_authority", "category", "division", "org_code", "check"]
    assert [s.zh for s in parsed.segments] == [
        "登记管理部门代码",
        "机构类别代码",
        "登记管理机关行政区划码",
        "主体标识码（组织机构代码）",
        "校验码",
    ]
    assert parsed.segment("registration_authority").meaning == authority
    assert parsed.segment("category").meaning == category
    assert parsed.segment("division").meaning == division
    assert parsed.warnings == ()


def test_y_prefix_is_accepted_and_checked_here() -> None:
    # §7.1: Y = 其他 is CONFIRMED, but stdnum rejects any non-digit first character, so the check is ours.
    value = uscc.generate("Y", "1", "110105", "60003734")
    assert value == "Y1110105600037341" + value[17]
    assert not stdnum_uscc.is_valid(value)
    with pytest.raises(ValidationError):
        stdnum_uscc.validate(value)
    parsed = uscc.parse(value)
    assert parsed.segment("registration_authority").meaning == "其他"
    assert parsed.warnings == ()
    wrong = value[:17] + next(c for c in uscc.ALPHABET if c != value[17])
    with pytest.raises(InvalidChecksum):
        uscc.validate(wrong)


@pytest.mark.parametrize(
    ("authority", "category"),
    [("2", "1"), ("3", "5"), ("4", "9"), ("6", "2"), ("7", "1"), ("8", "9"), ("A", "1"), ("N", "3")],
)
def test_authorities_confirmed_in_1_1_0_parse_without_a_note(authority: str, category: str) -> None:
    # 2 外交 … N 农业 and their organisation types were UNCONFIRMED until spec 1.1.0 ([S44]).
    parsed = uscc.parse(uscc.generate(authority, category, "110105", "60003734"))
    assert parsed.warnings == ()
    entry = uscc.authority(authority)
    assert entry is not None and entry.status == "CONFIRMED"
    assert parsed.segment("registration_authority").meaning == entry.zh


def test_unknown_authority_and_category_warn() -> None:
    parsed = uscc.parse(uscc.generate("B", "1", "110105", "60003734"))
    assert [n.code for n in parsed.warnings] == ["unknown_authority"]
    assert parsed.segment("registration_authority").meaning is None
    parsed = uscc.parse(uscc.generate("9", "4", "110105", "60003734"))
    assert [(n.code, n.status) for n in parsed.warnings] == [("unknown_category", "PARTIAL")]
    assert parsed.segment("category").meaning is None


authorities = st.sampled_from(uscc.ALPHABET)
divisions = st.sampled_from(admin_division.codes())
org_bodies = st.text(alphabet=uscc.ALPHABET, min_size=8, max_size=8)


@given(authorities, authorities, divisions, org_bodies)
def test_round_trip(authority: str, category: str, division: str, body: str) -> None:
    value = uscc.generate(authority, category, division, body)
    assert uscc.validate(uscc.format(uscc.compact(value))) == value
    assert uscc.validate(" ".join([value[:2], value[2:8], value[8:]]).lower()) == value
    parsed = uscc.parse(value)
    assert parsed.assemble() == parsed.value == value
    assert uscc.calc_check_digit(value) == stdnum_uscc.calc_check_digit(value)
    # python-stdnum covers the codes whose first 8 characters are digits, and must agree on them.
    assert stdnum_uscc.is_valid(value) == value[:8].isdigit()


def _assert_mutations_caught(value: str) -> None:
    """Every single substitution and adjacent transposition is caught by the MOD 31 check.

    31 is prime and every weight 3^(i-1) is a unit mod 31, so changing one character (values 0-30, all
    distinct mod 31) always changes the sum; the check position holds 31 symbols for 31 residues. Adjacent
    weights satisfy w(i+1) = 3·w(i), so a swap changes the sum by 2·w(i)·(v(i+1) - v(i)) ≢ 0; the last swap
    (weight 28 against the check's effective weight 1) changes it by 27·(difference) ≢ 0. The undetectable
    set is therefore empty: each mutation fails on the check character, or earlier on the alphabet (a letter
    moved into the digit-only division positions 3-8).
    """
    subs = {(value[:i] + c + value[i + 1 :], i, c) for i in range(18) for c in uscc.ALPHABET if c != value[i]}
    swaps = {
        (value[:i] + value[i + 1] + value[i] + value[i + 2 :], i, "") for i in range(17) if value[i] != value[i + 1]
    }
    for mutated, i, c in subs | swaps:
        moved_letter = any(not ch.isdigit() for ch in mutated[2:8])
        expected = InvalidFormat if moved_letter else InvalidChecksum
        with pytest.raises(InvalidCode) as e:
            uscc.validate(mutated)
        assert type(e.value) is expected, (mutated, i, c)


@pytest.mark.parametrize("value", VALID)
def test_mutations_of_real_codes(value: str) -> None:
    _assert_mutations_caught(value)


@given(authorities, authorities, divisions, org_bodies)
def test_mutations_of_generated_codes(authority: str, category: str, division: str, body: str) -> None:
    _assert_mutations_caught(uscc.generate(authority, category, division, body))


def test_org_code_slices_are_org_codes() -> None:
    assert all(org_code.is_valid(v[8:17]) for v in VALID)
