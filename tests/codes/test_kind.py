"""``kind.detect``: every identifier kind a value is valid as, most specific first."""

from __future__ import annotations

from types import ModuleType, SimpleNamespace

import pytest

from sedata.codes import KINDS, kind

MINE = ("uscc", "org_code", "citizen_id", "admin_division")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("91110000600037341L", "uscc"),  # §7.1
        ("91310115MA1K3BTP2B", "uscc"),  # §7.1
        ("600037341", "org_code"),  # §7.2
        ("MA1K3BTP-2", "org_code"),  # §7.2
        ("11010519491231002X", "citizen_id"),  # §7.3
        ("360426199101010071", "citizen_id"),  # §7.3
        ("110105", "admin_division"),  # §7.4
        ("350627", "admin_division"),  # §9 [S8] 南靖县
    ],
)
def test_detects_real_values(value: str, expected: str) -> None:
    found = kind.detect(value)
    assert expected in found
    assert [k for k in found if k in MINE] == [expected]
    assert found == [k for k in kind._ordered() if k in found]


@pytest.mark.parametrize(
    "value",
    ["91110000600037341N", "9111000060003IOZSV", "12345", "36042619910102009X", "990426199112010074", "999999", ""],
)
def test_known_invalid_values_are_none_of_mine(value: str) -> None:
    assert not set(kind.detect(value)) & set(MINE)


def test_specificity_ranks_every_kind() -> None:
    assert sorted(kind.SPECIFICITY) == sorted(KINDS)
    assert kind._ordered() == list(kind.SPECIFICITY)


def test_most_specific_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kind, "_checker", lambda k: lambda value: True)
    assert kind.detect("x") == list(kind.SPECIFICITY)


def test_unwritten_module_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kind, "KINDS", (*KINDS, "not_written_yet"))
    assert kind._checker("not_written_yet") is None
    assert kind._ordered()[-1] == "not_written_yet"
    assert kind.detect("91110000600037341L")[0] == "uscc"


def test_broken_module_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    # A module that exists but fails to import one of its own dependencies must surface, not be skipped.
    def broken(name: str) -> ModuleType:
        raise ModuleNotFoundError("No module named 'missing_dependency'", name="missing_dependency")

    monkeypatch.setattr(kind, "importlib", SimpleNamespace(import_module=broken))
    with pytest.raises(ModuleNotFoundError):
        kind.detect("110105")


def test_spec_examples(spec) -> None:
    # Every value domain naming one of these identifiers: its examples are detected as one of them, its
    # invalid examples as none.
    for domain in spec.value_domains.values():
        rules = [r for r in domain.identifier if r in MINE]
        if not rules:
            continue
        for value in domain.examples:
            assert set(kind.detect(value)) & set(rules), (domain.id, value)
        for value in domain.invalid_examples:
            assert not set(kind.detect(value)) & set(rules), (domain.id, value)
