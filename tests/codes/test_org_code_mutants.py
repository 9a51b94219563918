"""Organisation-code behaviour the mutation run (bench/mutate.py) showed untested: the segment and position each
error names, the body-length check of ``calc_check_digit``, the display form of a value that is not 9 long and the
parsed segments' places.

Codes are domain.md §7.2's (60003734-1, MA1K3BTP-2, 71526726-X).
"""

from __future__ import annotations

import pytest

from sedata.codes import InvalidChecksum, InvalidFormat, InvalidLength, org_code


@pytest.mark.parametrize(
    ("value", "error", "position", "segment"),
    [
        ("6000373#1", InvalidFormat, 7, "body"),
        ("#00037341", InvalidFormat, 0, "body"),
        ("60003734A", InvalidFormat, 8, "check"),
        ("60003734#", InvalidFormat, 8, "check"),  # no body character either: still the check's error
        ("600037342", InvalidChecksum, 8, "check"),
        ("6000373", InvalidLength, None, None),
    ],
)
def test_errors_name_their_segment(value: str, error: type, position: int | None, segment: str | None) -> None:
    with pytest.raises(error) as e:
        org_code.validate(value)
    assert (type(e.value), e.value.position, e.value.segment) == (error, position, segment)


def test_wrong_check_names_the_expected_character() -> None:
    with pytest.raises(InvalidChecksum) as e:
        org_code.validate("60003734-2")
    assert e.value.zh.endswith("应为 1") and e.value.en.endswith("expected 1")
    assert "60003734-2" in e.value.zh and "60003734-2" in e.value.en


@pytest.mark.parametrize("body", ["6000373", "600037341", ""])
def test_calc_check_digit_needs_8_characters(body: str) -> None:
    with pytest.raises(InvalidLength) as e:
        org_code.calc_check_digit(body)
    assert str(len(body)) in e.value.en


def test_calc_check_digit_refuses_a_character_outside_the_alphabet() -> None:
    with pytest.raises(InvalidFormat) as e:
        org_code.calc_check_digit("6000373#")
    assert (e.value.position, e.value.segment) == (7, "body")


@pytest.mark.parametrize(
    ("body", "check"),
    [("60003734", "1"), ("MA1K3BTP", "2"), ("71526726", "X"), ("07837941", "X"), ("L0151012", "8")],
)
def test_check_characters_of_the_section_examples(body: str, check: str) -> None:
    assert org_code.calc_check_digit(body) == check
    assert org_code.generate(body.lower()) == body + check


def test_a_body_whose_sum_is_a_multiple_of_11_takes_check_0() -> None:
    # 00000000: Σ = 0, C = 11 - 0 = 11 → "0"; 10000000: Σ = 3, C = 8.
    assert org_code.calc_check_digit("00000000") == "0"
    assert org_code.validate("000000000") == "000000000"
    assert org_code.calc_check_digit("10000000") == "8"


def test_format_leaves_a_value_of_another_length_alone() -> None:
    assert org_code.format("60003734-1") == "60003734-1"
    assert org_code.format(" 600037341 ") == "60003734-1"
    assert org_code.format("6000373") == "6000373"
    assert org_code.format("600037341X") == "600037341X"


def test_compact_removes_spaces_and_hyphens_only() -> None:
    assert org_code.compact(" ma1k3btp-2 ") == "MA1K3BTP2"
    assert org_code.compact("MA1K.3BTP2") == "MA1K.3BTP2"


def test_parsed_segments_and_places() -> None:
    p = org_code.parse("ma1k3btp-2")
    assert p.kind == "org_code" and p.value == "MA1K3BTP2"
    assert [(s.key, s.zh, s.en, s.start, s.value) for s in p.segments] == [
        ("body", "本体代码", "body", 0, "MA1K3BTP"),
        ("check", "校验码", "check character", 8, "2"),
    ]
    assert p.warnings == ()


def test_is_valid_is_a_plain_boolean() -> None:
    assert org_code.is_valid("60003734-1") is True
    assert org_code.is_valid("60003734-2") is False
    assert org_code.is_valid("6000373") is False


def test_build_is_the_deprecated_name_of_generate() -> None:
    with pytest.warns(DeprecationWarning, match=r"sedata\.codes\.org_code\.build is deprecated; use generate"):
        assert org_code.build("60003734") == "600037341"
    assert org_code.build.__name__ == "build"
