"""Personal data in reports: values of elements the spec marks ``personal_data`` are masked before display.

Reports travel further than the data (CI logs, tickets, mail), so a citizen ID, a name or a phone
number never appears whole in any rendering. Masking happens when a finding is made, so no renderer
can forget it. How each kind is shown is the spec's: ``report_profile`` in ``spec/privacy.yaml`` names the
masking profile whose methods a report applies.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from sedata.codes import citizen_id
from sedata.privacy.values import apply
from sedata.spec import current
from sedata.spec.model import KindMasking

_MAX_SHOWN = 80  # a report line stays readable; the full value is in the file


@cache
def _report_methods() -> dict[str, KindMasking]:
    privacy = current().privacy
    if privacy is None:  # pragma: no cover - the packaged spec has privacy.yaml, and the loader checks the profile
        raise LookupError("the spec names no report_profile / 规范未指定报告脱敏方式")
    return {str(kind): how for kind, how in privacy.by_id[privacy.report_profile].kinds.items()}


def mask(value: str, kind: str | None) -> str:
    """``value`` masked as the spec's report profile masks its ``personal_data`` kind (unchanged for None)."""
    if kind is None or not value:
        return value
    return apply(_report_methods()[kind], kind, value, None)


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
    # A phone number or ID written as a JSON number is still personal data.
    return shorten(mask(str(value), kind))


def scrub(text: str, value: Any, kind: str | None) -> str:
    """``text`` (e.g. a message from sedata.codes) with every occurrence of ``value`` masked."""
    if kind is None or not isinstance(value, str) or not value or value not in text:
        return text
    return text.replace(value, mask(value, kind))


# A citizen ID is 18 characters (17 digits and a digit or X) or, legacy, 15 digits. It can hide inside a
# longer run of digits (a number, a member name), so every 15- and 18-character window of a run is tried.
_DIGIT_RUN = re.compile(r"[0-9]{15,}[Xx]?")
_LONGEST_RUN = 256  # longer runs (a hostile number) are masked whole rather than searched window by window


def _plausible(window: str) -> bool:
    # A cheap look at the division's first digit and the birth month and day before the tables are consulted.
    month, day = (window[10:12], window[12:14]) if len(window) == 18 else (window[8:10], window[10:12])
    if not ("1" <= window[0] <= "8" and "01" <= month <= "12" and "01" <= day <= "31"):
        return False
    return len(window) == 15 or window[6:8] in ("18", "19", "20")


def _mask_run(run: str) -> str:
    if len(run) > _LONGEST_RUN:
        return run[:6] + "*" * (len(run) - 10) + run[-4:]
    hidden = [False] * len(run)
    found = False
    for size in (18, 15):
        for start in range(len(run) - size + 1):
            window = run[start : start + size]
            if _plausible(window) and citizen_id.is_valid(window):
                found = True
                for i in range(start + 6, start + size - 4):
                    hidden[i] = True
    if not found:
        return run
    return "".join("*" if h else c for c, h in zip(run, hidden, strict=True))


def redact(text: str) -> str:
    """``text`` with every valid citizen ID in it masked, wherever it stands (masking by value, not by field).

    A report masks personal fields by their element; an ID can also arrive in any other field, in a member
    name, in a record type or as a JSON number, so every text a report shows passes through here too.
    """
    if len(text) < 15:
        return text
    return _DIGIT_RUN.sub(lambda m: _mask_run(m.group()), text)


def redact_data(value: Any) -> Any:
    """``value`` (JSON data) with :func:`redact` applied to every string, member name and integer in it."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        text = str(value) if abs(value) >= 10**14 else ""
        return redact(text) if text and redact(text) != text else value
    if isinstance(value, dict):
        return {redact(str(k)): redact_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_data(v) for v in value]
    return value
