"""Personal data in reports: values of elements the spec marks ``personal_data`` are masked before display.

Reports travel further than the data (CI logs, tickets, mail), so a citizen ID, a name or a phone
number never appears whole in any rendering. Masking happens when a finding is made, so no renderer
can forget it.
"""

from __future__ import annotations

import json
from typing import Any

from sedata.codes import citizen_id

_MAX_SHOWN = 80  # a report line stays readable; the full value is in the file


def mask(value: str, kind: str | None) -> str:
    """``value`` masked as the spec's ``personal_data`` kind says (unchanged when ``kind`` is None)."""
    if kind is None or not value:
        return value
    if kind == "citizen-id":
        return citizen_id.mask(value)
    if kind == "name":
        return value[:1] + "*"
    if kind == "phone":
        if len(value) <= 7:
            return "*" * len(value)
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    # An address: the leading characters (province, city) locate the place without naming the door.
    return value[:6] + "*"


def shorten(text: str) -> str:
    """``text`` cut to a readable length, with ``…`` where it was cut."""
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def show(value: Any, kind: str | None, *, literal: bool = False) -> str:
    """A value for display: masked, shortened; ``literal`` writes it as JSON (so ``"3"`` differs from ``3``).

    Objects and arrays are never written out (they may hold personal data of nested elements); their
    JSON type is shown instead.
    """
    if isinstance(value, dict):
        return "{…}" if value else "{}"
    if isinstance(value, list):
        return "[…]" if value else "[]"
    if isinstance(value, str):
        masked = mask(value, kind)
        return shorten(json.dumps(masked, ensure_ascii=False) if literal else masked)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return shorten(str(value))


def scrub(text: str, value: Any, kind: str | None) -> str:
    """``text`` (e.g. a message from sedata.codes) with every occurrence of ``value`` masked."""
    if kind is None or not isinstance(value, str) or not value or value not in text:
        return text
    return text.replace(value, mask(value, kind))
