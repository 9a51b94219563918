"""Representation formats (``an..50``, ``n6``, ``n..18,3``, ``YYYY-MM-DD``) and portable patterns.

A spec pattern must mean the same thing to Python/Rust (pydantic), ECMA-262 (JSON Schema) and
XSD 1.0. The three dialects differ (``\\d`` is Unicode-wide in XSD, XSD patterns are implicitly
anchored and know no ``(?:``), so the spec allows only their common core, written without
anchors and with whole-value match semantics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# Lexical forms shared by every artefact; JSON and XML carry these as text.
DATE_PATTERN = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATETIME_PATTERN = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+\\-][0-9]{2}:[0-9]{2})"
DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DDThh:mm:ss±hh:mm"

_TEXT_FORMAT = re.compile(r"^(?P<cls>an|a|n)(?P<var>\.\.)?(?P<len>[1-9]\d*)$", re.IGNORECASE)
_DECIMAL_FORMAT = re.compile(r"^n\.\.(?P<p>[1-9]\d*),(?P<s>\d+)$", re.IGNORECASE)
_CHAR_CLASS = {"a": "[A-Za-z]", "n": "[0-9]", "an": None}


class FormatError(ValueError):
    """A representation format or pattern the spec cannot express portably."""


@dataclass(frozen=True)
class Format:
    """What a representation format says about lexical values."""

    data_type: str
    min_length: int | None = None
    max_length: int | None = None
    char_pattern: str | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    lexical_pattern: str | None = None


def parse_format(data_type: str, fmt: str) -> Format:
    """Interpret ``fmt`` for ``data_type``; raise FormatError when they do not fit together."""
    if data_type == "date":
        if fmt != DATE_FORMAT:
            raise FormatError(f"a date is written {DATE_FORMAT}, got {fmt!r}")
        return Format("date", lexical_pattern=DATE_PATTERN)
    if data_type == "datetime":
        if fmt != DATETIME_FORMAT:
            raise FormatError(f"a date-time is written {DATETIME_FORMAT}, got {fmt!r}")
        return Format("datetime", lexical_pattern=DATETIME_PATTERN)
    if data_type == "decimal":
        m = _DECIMAL_FORMAT.match(fmt)
        if not m:
            raise FormatError(f"a decimal is written n..p,s (e.g. n..18,3), got {fmt!r}")
        p, s = int(m["p"]), int(m["s"])
        if s >= p:
            raise FormatError(f"{fmt!r}: decimals (s) must be fewer than digits (p)")
        frac = f"(\\.[0-9]{{1,{s}}})?" if s else ""
        return Format("decimal", total_digits=p, fraction_digits=s, lexical_pattern=f"[0-9]{{1,{p - s}}}{frac}")
    m = _TEXT_FORMAT.match(fmt)
    if not m:
        raise FormatError(f"expected a format such as an..50, n6 or n..4, got {fmt!r}")
    cls, length = m["cls"].lower(), int(m["len"])
    fixed = not m["var"]
    if data_type == "integer":
        if cls != "n" or fixed:
            raise FormatError(f"an integer is written n..L (at most L digits), got {fmt!r}")
        return Format("integer", total_digits=length)
    if data_type != "string":
        raise FormatError(f"unknown data type {data_type!r}")
    char = _CHAR_CLASS[cls]
    return Format(
        "string",
        min_length=length if fixed else 1,
        max_length=length,
        char_pattern=None if char is None else (f"{char}{{{length}}}" if fixed else f"{char}{{1,{length}}}"),
    )


_FORBIDDEN_ESCAPES = set("dDwWsSbBAZzGnrtfvux0123456789pPkK")
_ALLOWED_ESCAPES = set(".-()[]{}\\|?*+^")  # XSD 1.0 single-character escapes


def check_portable_pattern(pattern: str) -> None:
    """Raise FormatError unless ``pattern`` uses only the regex core shared by XSD, ECMA and Python."""
    depth = 0
    in_class = False
    after_quantifier = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if after_quantifier and ch in "?+":
            raise FormatError(f"lazy or possessive quantifier at {i} is not portable (XSD has neither)")
        after_quantifier = False
        if ch == "\\":
            nxt = pattern[i + 1 : i + 2]
            if not nxt or nxt in _FORBIDDEN_ESCAPES or nxt not in _ALLOWED_ESCAPES:
                raise FormatError(f"escape \\{nxt} at {i} is not portable; write an explicit class such as [0-9]")
            if nxt == "-" and not in_class:
                raise FormatError(f"'\\-' at {i} is portable only inside a class; write a plain '-'")
            i += 2
            continue
        if in_class:
            if ch == "[":
                raise FormatError(f"nested class at {i} is not portable")
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                raise FormatError(f"empty class at {i}")
        elif ch in "^$":
            raise FormatError("patterns are not anchored: they always match the whole value; drop ^ and $")
        elif ch == ".":
            raise FormatError(f"'.' at {i} differs between dialects; use an explicit class or \\.")
        elif ch == "(":
            if pattern[i + 1 : i + 2] == "?":
                raise FormatError(f"'(?' at {i}: XSD has no non-capturing groups or lookarounds")
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise FormatError(f"unbalanced ')' at {i}")
        elif ch == "{":
            close = pattern.find("}", i)
            if close < 0 or not re.fullmatch(r"\d+(,\d+)?", pattern[i + 1 : close]):
                raise FormatError(f"quantifier at {i} must be {{n}} or {{n,m}}")
            i = close
            after_quantifier = True
        elif ch in "?*+":
            after_quantifier = True
        elif ch in "]}":
            raise FormatError(f"unescaped {ch!r} at {i} outside a class is not portable; escape it")
        i += 1
    if in_class or depth:
        raise FormatError("unbalanced brackets in pattern")
    try:
        re.compile(pattern)
    except re.error as exc:  # pragma: no cover - the checks above catch most
        raise FormatError(f"pattern does not compile: {exc}") from exc


def decimal_bounds(fmt: Format) -> tuple[Decimal, Decimal]:
    """The range a non-negative n..p,s or n..L format can express."""
    assert fmt.total_digits is not None
    scale = fmt.fraction_digits or 0
    top = Decimal(10) ** (fmt.total_digits - scale) - Decimal(1).scaleb(-scale)
    return Decimal(0), top
