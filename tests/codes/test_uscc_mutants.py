"""USCC behaviour the mutation run (bench/mutate.py) showed untested: error positions and segments, the check
on a short body, ``build`` with a complete organisation code, the segments' places and the notes' wording.

Codes are domain.md §7.1's (python-stdnum's doc example 91110000600037341L) and the existing tests'.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.codes import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, uscc

DOC_EXAMPLE = "91110000600037341L"


@pytest.mark.parametrize(
    ("value", "error", "position", "segment"),
    [
        ("91A10000600037341L", InvalidFormat, 2, "division"),  # positions 3-8 take digits only
        ("9111A000600037341L", InvalidFormat, 4, "division"),
        ("911100006A0037341L", InvalidChecksum, 17, "check"),  # a letter at position 10 is allowed
        ("i1110000600037341L", InvalidFormat, 0, None),  # upper-cased to I: not in the alphabet
        ("9111000060003IOZSV", InvalidFormat, 13, None),
        ("91110000600037341N", InvalidChecksum, 17, "check"),  # digits first: python-stdnum's check
        ("A1110000600037341L", InvalidChecksum, 17, "check"),  # a letter first: our own check
        ("9111000060003734L", InvalidLength, None, None),
        # Divisions that do not exist: the position is where GB/T 2260 stops, shifted to the USCC's positions 3-8.
        ("91990000600037341B", InvalidComponent, 2, "division"),  # no province 99
        ("911101996000373417", InvalidComponent, 6, "division"),  # no county 99 in 北京市 市辖区
    ],
)
def test_error_class_position_and_segment(value: str, error: type, position: int | None, segment: str | None) -> None:
    with pytest.raises(error) as e:
        uscc.validate(value)
    assert (type(e.value), e.value.position, e.value.segment) == (error, position, segment)
    assert uscc.is_valid(value) is False


def test_wrong_check_names_the_expected_character() -> None:
    with pytest.raises(InvalidChecksum) as e:
        uscc.validate(DOC_EXAMPLE[:17] + "N")
    assert "L" in e.value.zh.split("应为")[-1] and e.value.en.endswith("expected L")


def test_letters_allowed_after_the_division() -> None:
    # 92340602MA2PBQAH7E (§7.1): positions 9-10 are letters, which the digit-only rule for 3-8 must not reach.
    assert uscc.validate("92340602ma2pbqah7e") == "92340602MA2PBQAH7E"
    assert uscc.is_valid(DOC_EXAMPLE) is True


@pytest.mark.parametrize("body", ["9111000060003734", "", "911100006000373411"[:16]])
def test_calc_check_digit_needs_17_characters(body: str) -> None:
    with pytest.raises(InvalidLength):
        uscc.calc_check_digit(body)


def test_calc_check_digit_rejects_a_character_outside_the_alphabet() -> None:
    with pytest.raises(InvalidFormat) as e:
        uscc.calc_check_digit("91110000600O37341")
    assert e.value.position == 11


def test_build_takes_a_complete_or_an_8_character_organisation_code() -> None:
    assert uscc.generate("9", "1", "110000", "600037341") == DOC_EXAMPLE
    assert uscc.generate("9", "1", "110000", "60003734") == DOC_EXAMPLE
    assert uscc.generate("9", "1", "110000", "60003734-1") == DOC_EXAMPLE
    assert uscc.generate("y", "1", "110105", "60003734") == "Y1110105600037341C"


def test_authority_lookup() -> None:
    entry = uscc.authority(DOC_EXAMPLE)
    assert entry is not None and (entry.code, entry.zh) == ("9", "工商（市场监管）")
    assert uscc.authority("B1") is None


def test_segments_places_and_english_names() -> None:
    parsed = uscc.parse(DOC_EXAMPLE)
    assert [(s.key, s.en, s.start, s.end, s.meaning) for s in parsed.segments] == [
        ("registration_authority", "registration authority", 0, 1, "工商（市场监管）"),
        ("category", "institution category", 1, 2, "企业"),
        ("division", "division of the registration authority", 2, 8, "北京市"),
        ("org_code", "subject identifier (organisation code)", 8, 17, "60003734-1"),
        ("check", "check character", 17, 18, None),
    ]
    assert parsed.kind == "uscc"


def test_unknown_authority_and_category_notes_say_which_character() -> None:
    (note,) = uscc.parse(uscc.generate("B", "1", "110105", "60003734")).warnings
    assert (note.code, note.status) == ("unknown_authority", "UNCONFIRMED")
    assert "“B”" in note.zh and "'B'" in note.en
    (note,) = uscc.parse("94110105600037341Q").warnings
    assert (note.code, note.status) == ("unknown_category", "PARTIAL")
    assert "“4”" in note.zh and "“9”" in note.zh and "'4'" in note.en and "'9'" in note.en
    # Y has a single category (Y1); an unknown one under it is noted too.
    y = uscc.generate("Y", "2", "110105", "60003734")
    assert [n.code for n in uscc.parse(y).warnings] == ["unknown_category"]
    assert (
        uscc.parse(uscc.generate("Y", "1", "110105", "60003734")).segment("category").meaning == "不再具体划分机构类别"
    )


def test_an_authority_the_spec_does_not_confirm_is_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every authority in today's spec is CONFIRMED; the note must follow the spec's status when one is not.
    parts = dict(uscc._parts())
    parts["9"] = parts["9"].model_copy(update={"status": "PARTIAL"})
    monkeypatch.setattr(uscc, "_parts", lambda: parts)
    (note,) = uscc.parse(DOC_EXAMPLE).warnings
    assert (note.code, note.status) == ("unconfirmed_authority", "PARTIAL")
    assert "工商（市场监管）" in note.zh and "Market regulation" in note.en


@given(st.integers(0, 17), st.sampled_from(uscc.ALPHABET))
def test_every_single_character_corruption_is_caught(i: int, c: str) -> None:
    corrupted = DOC_EXAMPLE[:i] + c + DOC_EXAMPLE[i + 1 :]
    if corrupted != DOC_EXAMPLE:
        with pytest.raises((InvalidChecksum, InvalidFormat, InvalidComponent)):
            uscc.validate(corrupted)
