"""Citizen ID behaviour the mutation run (bench/mutate.py) showed untested: where an error points, the mask
boundary, the check-character test, the legacy note and the segments' positions.

Numbers are domain.md §7.3's (the standard's example 11010519491231002X and python-stdnum's vectors).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, citizen_id

STANDARD_EXAMPLE = "11010519491231002X"
LEGACY_EXAMPLE = "110105491231002"  # the standard example in its 15-digit form


@pytest.mark.parametrize(
    ("number", "error", "position", "segment"),
    [
        ("T60426199101010078", InvalidFormat, 0, None),  # §7.3: a letter in the address code
        ("11010A19491231002X", InvalidFormat, 5, None),
        ("1101051949123100AX", InvalidFormat, 16, None),  # the last body digit is still checked
        ("11010519491231002A", InvalidFormat, 17, "check"),  # only a digit or X may be the check character
        ("36042619910102009X", InvalidChecksum, 17, "check"),
        ("360426199113010079", InvalidComponent, 6, "birth_date"),  # month 13, right check digit
        ("990426199112010074", InvalidComponent, 0, "address"),  # no province 99
        ("110111198012010078", InvalidComponent, 0, "address"),  # 房山区 only from 1986
        ("71990019900101001", InvalidComponent, 2, "address"),  # 17 digits (check appended): 7199 has no row
    ],
)
def test_error_class_position_and_segment(number: str, error: type, position: int, segment: str | None) -> None:
    if len(number) == 17:
        number += citizen_id.calc_check_digit(number)
    with pytest.raises(error) as e:
        citizen_id.validate(number)
    assert (type(e.value), e.value.position, e.value.segment) == (error, position, segment)


@pytest.mark.parametrize("digit", ["١", "²", "३"])
def test_non_ascii_digits_are_format_errors_at_their_position(digit: str) -> None:
    # str.isdigit() accepts Arabic-Indic, superscript and Devanagari digits; GB 11643 wants ASCII 0-9.
    # (Full-width digits are made ASCII by compact, as python-stdnum's clean does.)
    assert citizen_id.validate("１" + STANDARD_EXAMPLE[1:]) == STANDARD_EXAMPLE
    for i in (0, 9, 16):
        with pytest.raises(InvalidFormat) as e:
            citizen_id.validate(STANDARD_EXAMPLE[:i] + digit + STANDARD_EXAMPLE[i + 1 :])
        assert e.value.position == i


def test_check_character_a_is_a_format_error_not_a_checksum_error() -> None:
    # Without the "digit or X" test, an A would reach the check-digit comparison and raise InvalidChecksum.
    for bad in "AYZ*":
        with pytest.raises(InvalidFormat) as e:
            citizen_id.validate(STANDARD_EXAMPLE[:17] + bad)
        assert type(e.value) is InvalidFormat
        assert not citizen_id.is_valid(STANDARD_EXAMPLE[:17] + bad)
    assert citizen_id.is_valid(STANDARD_EXAMPLE) is True


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("1234567890", "**********"),  # 10 characters: nothing kept, else the whole value would show
        ("123456789", "*********"),
        ("12345678901", "123456*8901"),  # 11: the first 6 and the last 4 around one star
        ("12345678901X", "123456**901X"),
        ("", ""),
    ],
)
def test_mask_boundary(value: str, masked: str) -> None:
    assert citizen_id.mask(value) == masked


def test_compact_removes_spaces_and_hyphens_only() -> None:
    assert citizen_id.compact(" 110105-19491231-002x ") == STANDARD_EXAMPLE
    assert citizen_id.format("110105 19491231 002x") == STANDARD_EXAMPLE
    assert citizen_id.validate("110105-19491231-002x") == STANDARD_EXAMPLE


@pytest.mark.parametrize("body", ["1101051949123100", "1101051949123100A", "11010519491231002X"[:-2] + "."])
def test_calc_check_digit_needs_17_digits(body: str) -> None:
    with pytest.raises(InvalidFormat) as e:
        citizen_id.calc_check_digit(body)
    assert (e.value.zh, e.value.en) == ("计算校验码需要17位数字", "the check needs 17 digits")


def test_calc_check_digit_ignores_what_follows_17_digits() -> None:
    assert citizen_id.calc_check_digit(STANDARD_EXAMPLE) == "X"
    assert citizen_id.calc_check_digit(STANDARD_EXAMPLE[:17]) == "X"
    assert citizen_id.calc_check_digit("36042619910101007") == "1"


def test_legacy_errors_point_at_the_character() -> None:
    with pytest.raises(InvalidFormat) as e:
        citizen_id.to_18(LEGACY_EXAMPLE[:13] + "A" + LEGACY_EXAMPLE[14:])
    assert e.value.position == 13
    with pytest.raises(InvalidLength):
        citizen_id.to_18(LEGACY_EXAMPLE[:-1])
    with pytest.raises(InvalidLength):
        citizen_id.validate(LEGACY_EXAMPLE[:-1])
    with pytest.raises(InvalidLength):
        citizen_id.validate(STANDARD_EXAMPLE + "1")


def test_legacy_only_when_asked() -> None:
    assert citizen_id.is_valid(LEGACY_EXAMPLE) is True
    assert citizen_id.is_valid(LEGACY_EXAMPLE, legacy=False) is False
    assert citizen_id.validate(STANDARD_EXAMPLE, legacy=False) == STANDARD_EXAMPLE


def test_birth_date_on_today_is_accepted() -> None:
    assert citizen_id.validate(STANDARD_EXAMPLE, today=dt.date(1949, 12, 31)) == STANDARD_EXAMPLE
    with pytest.raises(InvalidComponent) as e:
        citizen_id.validate(STANDARD_EXAMPLE, today=dt.date(1949, 12, 30))
    assert (e.value.position, e.value.segment) == (6, "birth_date")
    assert citizen_id.is_valid(STANDARD_EXAMPLE, today=dt.date(1949, 12, 31)) is True
    assert citizen_id.is_valid(STANDARD_EXAMPLE, today=dt.date(1949, 12, 30)) is False


def test_segments_positions_and_english_names() -> None:
    parsed = citizen_id.parse(STANDARD_EXAMPLE)
    assert [(s.key, s.en, s.start, s.end) for s in parsed.segments] == [
        ("address", "address code", 0, 6),
        ("birth_date", "date of birth", 6, 14),
        ("sequence", "sequence code", 14, 17),
        ("check", "check character", 17, 18),
    ]
    assert parsed.kind == "citizen_id"
    assert repr(parsed) == (
        "Parsed(kind='citizen_id', value='110105********002X', "
        "segments=(address, birth_date, sequence, check), warnings=())"
    )


def test_legacy_note_says_what_was_done_and_that_it_is_unconfirmed() -> None:
    (note,) = citizen_id.parse(LEGACY_EXAMPLE).warnings
    assert (note.code, note.status) == ("legacy_15", "UNCONFIRMED")
    assert note.zh == "旧15位号码已按“年份前加19、补校验码”转换为18位；该转换规则未经来源确认"
    assert note.en == (
        "legacy 15-digit number converted to 18 digits by inserting 19 and adding the check digit; "
        "this rule is not confirmed by a source"
    )
    assert citizen_id.parse(LEGACY_EXAMPLE, today=dt.date(2000, 1, 1)).value == STANDARD_EXAMPLE
    with pytest.raises(InvalidComponent):
        citizen_id.parse(STANDARD_EXAMPLE, today=dt.date(1900, 1, 1))


def test_build_and_sex_from_the_sequence_digit() -> None:
    assert citizen_id.generate("110105", dt.date(1949, 12, 31), 2) == STANDARD_EXAMPLE
    assert citizen_id.sex(citizen_id.generate("110105", dt.date(1949, 12, 31), 1)) == "男"
    assert citizen_id.sex(citizen_id.generate("110105", dt.date(1949, 12, 31), 10)) == "女"
    with pytest.deprecated_call():  # the old name still answers, and says which to use
        assert citizen_id.build("110105", dt.date(1949, 12, 31), 2) == STANDARD_EXAMPLE
    assert citizen_id.birth_date(LEGACY_EXAMPLE) == dt.date(1949, 12, 31)


@given(st.integers(0, 17), st.characters(codec="ascii", categories=["L", "N", "P"]))
def test_every_single_character_corruption_is_caught(i: int, c: str) -> None:
    corrupted = STANDARD_EXAMPLE[:i] + c.upper() + STANDARD_EXAMPLE[i + 1 :]
    if corrupted != STANDARD_EXAMPLE:
        assert not citizen_id.is_valid(corrupted)
