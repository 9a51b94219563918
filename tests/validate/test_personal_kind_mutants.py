"""Which values of run-wide findings are personal (layers/_personal.py), as spec/elements/*.yaml say.

A unit's code, name, address and phone are personal data only where the unit is an individual: its code is
a citizen ID (``personal_when``); a valid USCC, even an individual business's, is not (spec/elements/unit.yaml,
SE.UNT.0002 note). The cross-record and consistency layers decide from the values they kept; when nothing
tells, the value is treated as personal.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sedata.codes import citizen_id, uscc
from sedata.spec import current
from sedata.validate.layers._personal import individual, kind_of

SPEC = current()
ID = citizen_id.generate("350602", dt.date(1986, 3, 14), 37)  # 芗城区: a valid number with its check digit
LEGACY = ID[:6] + ID[8:17]  # the same person's 15-digit number
USCC = "91110000600037341L"  # GB 32100's example (domain.md §7.1)
NOT_A_CODE = "ABC-123"  # neither: nothing shows it is an organisation's

USER_CODE, USER_NAME, UNIT_PHONE = "SE.UNT.0102", "SE.UNT.0101", "SE.UNT.0006"
PERSON_NAME, UNIT_ROLE = "SE.PSN.0001", "SE.UNT.0007"


def test_the_elements_these_tests_rely_on_are_as_the_spec_says() -> None:
    # Guard: the cases below are chosen from these spec facts, so a spec change must revisit them.
    elements = SPEC.elements
    assert (elements[USER_CODE].personal_data, elements[USER_CODE].personal_when) == ("citizen-id", [USER_CODE])
    assert (elements[USER_NAME].personal_data, elements[USER_NAME].personal_when) == ("name", [USER_CODE])
    assert elements[UNIT_PHONE].personal_when == ["SE.UNT.0002", USER_CODE]
    assert (elements[PERSON_NAME].personal_data, elements[PERSON_NAME].personal_when) == ("name", [])
    assert elements[UNIT_ROLE].personal_data is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(ID, True), (LEGACY, True), (USCC, False), (NOT_A_CODE, True), ("", True), (USCC[:-1] + "X", True)],
)
def test_a_unit_code_is_an_individuals_unless_it_is_a_valid_uscc(value: str, expected: bool) -> None:
    assert uscc.is_valid(USCC) and citizen_id.is_valid(ID)
    assert individual(value) is expected


def test_elements_that_are_not_personal_or_not_known_are_never_masked() -> None:
    assert kind_of(SPEC, UNIT_ROLE, "01", [ID]) is None
    assert kind_of(SPEC, None, ID, [ID]) is None
    assert kind_of(SPEC, "SE.XXX.9999", ID, [ID]) is None


def test_an_element_personal_everywhere_is_masked_whatever_the_deciders() -> None:
    assert kind_of(SPEC, PERSON_NAME, "张三", [USCC]) == "name"
    assert kind_of(SPEC, PERSON_NAME, "张三", None) == "name"


@pytest.mark.parametrize(
    ("own", "deciders", "expected"),
    [
        (ID, None, "citizen-id"),
        (USCC, None, None),
        (NOT_A_CODE, None, "citizen-id"),
        (USCC, [ID], None),  # the code decides for itself: other values are not asked
        (ID, [USCC], "citizen-id"),
        (None, [USCC], None),  # its own value unknown: the deciders (itself, elsewhere) decide
        (None, [ID], "citizen-id"),
        (None, None, "citizen-id"),
    ],
)
def test_a_unit_code_decides_for_itself(own: str | None, deciders: list[str] | None, expected: str | None) -> None:
    assert kind_of(SPEC, USER_CODE, own, deciders) == expected


@pytest.mark.parametrize(
    ("deciders", "expected"),
    [
        ([USCC], None),
        ([ID], "name"),
        ([NOT_A_CODE], "name"),
        ([USCC, ID], "name"),  # any decider that is an individual's makes the name personal
        ([ID, USCC], "name"),
        ([None, USCC], None),  # an unknown decider does not count
        ([None], "name"),  # nothing known: personal, since nothing shows it is an organisation's
        ([], "name"),
        (None, "name"),
    ],
)
def test_a_unit_name_is_personal_when_a_known_decider_is_an_individuals(
    deciders: list[str | None] | None, expected: str | None
) -> None:
    assert kind_of(SPEC, USER_NAME, USCC, deciders) == expected  # the name's own value never decides
    assert kind_of(SPEC, USER_NAME, ID, deciders) == expected


def test_a_phone_decided_by_two_codes_is_personal_if_either_is_an_individuals() -> None:
    assert kind_of(SPEC, UNIT_PHONE, "0591-1234567", [USCC, USCC]) is None
    assert kind_of(SPEC, UNIT_PHONE, "0591-1234567", [USCC, ID]) == "phone"
