"""GB 11714 组织机构代码 (organisation code): 8-character body + 1 check character, shown ``XXXXXXXX-X``.

Body characters are digits or capital letters (``0``-``9`` = 0-9, ``A``-``Z`` = 10-35); weights 3, 7, 9, 10, 5,
8, 4, 2; check ``C = 11 - (sum mod 11)`` with 10 → ``X`` and 11 → ``0`` (domain.md §7.2). python-stdnum has
no module for it. Because values are taken mod 11, body characters whose values are congruent mod 11
(``0``/``B``/``M``/``X`` …) cannot be told apart by the check character.
"""

from __future__ import annotations

import string

from stdnum.util import clean

from sedata.codes._base import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    Parsed,
    Segment,
    ValidationError,
    as_text,
    deprecated_alias,
)

KIND = "org_code"
BODY_ALPHABET = string.digits + string.ascii_uppercase
CHECK_ALPHABET = string.digits + "X"
WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def compact(s: str) -> str:
    """The code without spaces or hyphens, upper-cased."""
    s = as_text(s)
    return clean(s, " -").upper().strip()


def _value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - 55


def _check_body(body: str) -> None:
    for i, c in enumerate(body):
        if c not in BODY_ALPHABET:
            raise InvalidFormat(
                f"组织机构代码第{i + 1}位“{c}”不是数字或大写字母",
                f"character {i + 1} ({c!r}) of an organisation code is not a digit or capital letter",
                position=i,
                segment="body",
            )


def calc_check_digit(body: str) -> str:
    """The check character for an 8-character body."""
    body = compact(body)
    if len(body) != 8:
        raise InvalidLength(
            f"组织机构代码本体应为8位，实为{len(body)}位",
            f"an organisation code body has 8 characters, not {len(body)}",
        )
    _check_body(body)
    c = 11 - sum(_value(ch) * w for ch, w in zip(body, WEIGHTS, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def validate(s: str) -> str:
    """The compact 9-character code if the check character matches, else raise."""
    code = compact(s)
    if len(code) != 9:
        raise InvalidLength(
            f"组织机构代码应为9位，实为{len(code)}位", f"an organisation code has 9 characters, not {len(code)}"
        )
    _check_body(code[:8])
    if code[8] not in CHECK_ALPHABET:
        raise InvalidFormat(
            f"组织机构代码校验码“{code[8]}”应为数字或X",
            f"the check character {code[8]!r} of an organisation code must be a digit or X",
            position=8,
            segment="check",
        )
    expected = calc_check_digit(code[:8])
    if code[8] != expected:
        raise InvalidChecksum(
            f"组织机构代码 {format(code)} 校验码错误，应为 {expected}",
            f"organisation code {format(code)} has a wrong check character; expected {expected}",
            position=8,
            segment="check",
        )
    return code


def is_valid(s: str) -> bool:
    """Whether ``s`` is a valid organisation code."""
    try:
        validate(s)
    except ValidationError:
        return False
    return True


def format(s: str) -> str:
    """The display form ``XXXXXXXX-X``."""
    code = compact(s)
    return f"{code[:8]}-{code[8:]}" if len(code) == 9 else code


def generate(body: str) -> str:
    """A valid code from an 8-character body: the body and its check character."""
    body = compact(body)
    return body + calc_check_digit(body)


def parse(s: str) -> Parsed:
    """The body (本体代码) and check character (校验码) segments."""
    code = validate(s)
    return Parsed(
        KIND,
        code,
        (
            Segment("body", "本体代码", "body", 0, code[:8]),
            Segment("check", "校验码", "check character", 8, code[8]),
        ),
    )


build = deprecated_alias(generate, "build")
