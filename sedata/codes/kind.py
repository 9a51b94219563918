"""Which identifier kinds a value is valid as.

Specificity: a check digit plus tables (citizen ID: date and dated division; USCC: embedded GB 11714
code and division) is harder to satisfy by chance than a check digit alone (org code), which is harder
than structure plus tables without a check digit (equipment, registration and operator codes), and a
6-digit division code is the weakest. ``detect`` lists the kinds in that order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from sedata.codes import KINDS

SPECIFICITY = (
    "citizen_id",
    "uscc",
    "org_code",
    "equipment_code",
    "legacy_registration",
    "registration_cert",
    "operator_item",
    "admin_division",
)


def _ordered() -> list[str]:
    # A kind added to KINDS but not ranked here still gets checked, after the ranked ones.
    return [k for k in SPECIFICITY if k in KINDS] + [k for k in KINDS if k not in SPECIFICITY]


def _checker(kind: str) -> Callable[[str], bool] | None:
    name = f"sedata.codes.{kind}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        # Only a module not written yet is skipped; a broken import inside an existing one is an error.
        if e.name == name:
            return None
        raise
    return cast(Callable[[str], bool], module.is_valid)


def detect(value: str) -> list[str]:
    """The names (from ``sedata.codes.KINDS``) of every kind ``value`` is valid as, most specific first."""
    found = []
    for kind in _ordered():
        is_valid = _checker(kind)
        if is_valid is not None and is_valid(value):
            found.append(kind)
    return found
