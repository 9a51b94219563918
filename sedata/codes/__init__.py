"""Identifier and code rules: one module per identifier, all with the same functions.

``compact``, ``validate``, ``is_valid``, ``format`` and ``parse`` everywhere (after python-stdnum).
The tables they check against (catalogue, GB/T 2260, operator items) come from the spec, never
from Python literals.
"""

from sedata.codes._base import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    Note,
    Parsed,
    Segment,
)

# The identifier modules by the names spec/ uses for them (value domains' `identifier:`).
KINDS = (
    "equipment_code",
    "registration_cert",
    "legacy_registration",
    "uscc",
    "org_code",
    "citizen_id",
    "admin_division",
    "operator_item",
)

__all__ = [
    "KINDS",
    "InvalidChecksum",
    "InvalidCode",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "Note",
    "Parsed",
    "Segment",
]
