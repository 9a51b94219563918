"""The masked shapes of spec/privacy.yaml as fast predicates, for validating a masked package.

A package whose header declares ``maskingProfile`` holds masked personal values (``110105********002X``,
``张*``, ``P:…``) that no longer fit their elements' real patterns or check digits. For such a package a
validator asks :func:`masked_ok` whether a personal element's value has the masked shape of its kind under
the declared profile (then it is no finding), and :func:`leaks` whether it still holds a valid citizen ID
(then it is one). A pseudonym is a masked form of every kind in every profile, because personal values in
business keys are always pseudonymised. The compiled table is built once per spec object.
"""

from __future__ import annotations

import re

from sedata.codes import citizen_id
from sedata.exchange.records import spec_memo
from sedata.spec import Spec, current

CITIZEN_ID = "citizen-id"


def _build(spec: Spec) -> dict[tuple[str, str], re.Pattern[str]]:
    privacy = spec.privacy
    if privacy is None:
        return {}
    pseudonym = privacy.pseudonym.pattern
    return {
        (kind, profile.id): re.compile(f"(?:{how.shape})|(?:{pseudonym})")
        for profile in privacy.profiles
        for kind, how in profile.kinds.items()
    }


def masked_shapes(spec: Spec | None = None) -> dict[tuple[str, str], re.Pattern[str]]:
    """(kind, profile) → the compiled masked shape (``fullmatch`` it), pseudonyms included; once per spec."""
    return spec_memo(spec or current(), "privacy.shapes", _build)


def _pseudonym_pattern(spec: Spec) -> re.Pattern[str] | None:
    return re.compile(spec.privacy.pseudonym.pattern) if spec.privacy else None


def masked_ok(kind: str, profile: str, value: str, spec: Spec | None = None) -> bool:
    """Whether ``value`` has the masked shape of personal-data ``kind`` under ``profile`` (unknown ones: False)."""
    pattern = masked_shapes(spec).get((kind, profile))
    if pattern is None or pattern.fullmatch(value) is None:
        return False
    # A shape is spec data; whatever it says, a valid citizen ID is never an acceptable masked value (a number
    # starts with 15 or 17 digits, so only such values need the full check).
    return not (kind == CITIZEN_ID and value[:15].isdigit() and citizen_id.is_valid(value))


def is_pseudonym(value: str, spec: Spec | None = None) -> bool:
    """Whether ``value`` is written as a pseudonym (``P:`` and 16 base32 characters)."""
    pattern = spec_memo(spec or current(), "privacy.pseudonym", _pseudonym_pattern)
    return pattern is not None and pattern.fullmatch(value) is not None


def leaks(kind: str | None, value: object) -> bool:
    """Whether a personal element (any ``kind``) of a masked package still holds a valid, unmasked citizen ID."""
    return kind is not None and isinstance(value, str) and citizen_id.is_valid(value)
