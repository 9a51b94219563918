"""Identifier and code rules: one module per identifier, all with the same functions.

``compact``, ``validate``, ``is_valid``, ``format`` and ``parse`` everywhere, and ``generate`` where a code can be
made from its parts, after python-stdnum: ``is_valid`` never raises, and every error is a python-stdnum
``ValidationError`` in its tree (``InvalidLength`` is an ``InvalidFormat``).
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
    ValidationError,
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
    "ValidationError",
]
