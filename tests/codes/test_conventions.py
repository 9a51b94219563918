"""python-stdnum's conventions in every ``sedata.codes`` module: is_valid never raises, one error tree, generate."""

from __future__ import annotations

import datetime as dt
import importlib
import warnings
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc

from sedata.codes import (
    KINDS,
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
    citizen_id,
    org_code,
    uscc,
)

MODULES: list[ModuleType] = [importlib.import_module(f"sedata.codes.{kind}") for kind in KINDS]
NOT_TEXT = [None, 0, 215010890201500098, 1.5, b"91110000600037341L", ["91110000600037341L"], object()]


@pytest.mark.parametrize("module", MODULES, ids=KINDS)
@pytest.mark.parametrize("value", NOT_TEXT, ids=repr)
def test_is_valid_of_a_non_string_is_false_and_validate_says_why(module: ModuleType, value: object) -> None:
    assert module.is_valid(value) is False
    with pytest.raises(InvalidFormat) as caught:
        module.validate(value)
    assert isinstance(caught.value, stdnum_exceptions.InvalidFormat)
    assert type(value).__name__ in caught.value.en and type(value).__name__ in caught.value.zh


def test_python_stdnum_agrees_on_none() -> None:
    assert stdnum_uscc.is_valid(None) is False  # type: ignore[arg-type]
    assert uscc.is_valid(None) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("module", MODULES, ids=KINDS)
@given(value=st.text(max_size=30))
def test_is_valid_never_raises_on_any_text(module: ModuleType, value: str) -> None:
    assert module.is_valid(value) in (True, False)


def test_the_error_tree_is_python_stdnums() -> None:
    assert issubclass(InvalidLength, InvalidFormat)
    pairs = [
        (InvalidCode, stdnum_exceptions.ValidationError),
        (InvalidFormat, stdnum_exceptions.InvalidFormat),
        (InvalidLength, stdnum_exceptions.InvalidLength),
        (InvalidChecksum, stdnum_exceptions.InvalidChecksum),
        (InvalidComponent, stdnum_exceptions.InvalidComponent),
    ]
    for ours, theirs in pairs:
        assert issubclass(ours, theirs) and issubclass(ours, ValueError)
    assert ValidationError is stdnum_exceptions.ValidationError


def test_except_invalid_format_catches_a_length_error() -> None:
    with pytest.raises(InvalidFormat) as caught:
        uscc.validate("9111000060003734")
    assert type(caught.value) is InvalidLength
    assert caught.value.en == "a USCC has 18 characters, not 16"
    assert str(caught.value) == "统一社会信用代码应为18位，实为16位 / a USCC has 18 characters, not 16"


def test_one_generator_name() -> None:
    makers = [m for m in MODULES if hasattr(m, "generate") or hasattr(m, "build")]
    assert {m.__name__.rsplit(".", 1)[1] for m in makers} == {
        "equipment_code",
        "legacy_registration",
        "registration_cert",
        "uscc",
        "org_code",
        "citizen_id",
    }
    assert all(callable(m.generate) for m in makers)
    assert uscc.generate("9", "1", "110000", "60003734") == "91110000600037341L"
    assert org_code.generate("60003734") == "600037341"
    assert citizen_id.generate("110105", dt.date(1949, 12, 31), 2) == "11010519491231002X"


@pytest.mark.parametrize(
    ("module", "args"),
    [
        (uscc, ("9", "1", "110000", "60003734")),
        (org_code, ("60003734",)),
        (citizen_id, ("110105", dt.date(1949, 12, 31), 2)),
    ],
)
def test_build_is_a_deprecated_alias(module: ModuleType, args: tuple[object, ...]) -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert module.build(*args) == module.generate(*args)
    assert [w.category for w in seen] == [DeprecationWarning]
    assert f"{module.__name__}.build is deprecated; use generate" in str(seen[0].message)
