"""GB 11643 公民身份号码 (citizen ID number): 地址码(6) + 出生日期(8) + 顺序码(3) + 校验码(1).

Built on ``stdnum.cn.ric`` (ISO 7064 MOD 11-2 check, birth date, division valid in the birth year), adding:
the birth date must not be in the future, legacy 15-digit numbers are converted to 18 digits, and no
message or ``repr`` ever shows a full number (``mask`` keeps the first 6 and last 4 characters).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric
from stdnum.util import clean

from sedata.codes import admin_division
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
    as_text,
    deprecated_alias,
)

KIND = "citizen_id"


@dataclass(frozen=True, repr=False)
class MaskedParsed(Parsed):
    """A ``Parsed`` whose ``repr`` shows the number masked and no segment values, so logs never hold a full ID."""

    def __repr__(self) -> str:
        keys = ", ".join(seg.key for seg in self.segments)
        return f"Parsed(kind={self.kind!r}, value={mask(self.value)!r}, segments=({keys}), warnings={self.warnings!r})"


def compact(s: str) -> str:
    """The number without spaces or hyphens, upper-cased (a trailing ``x`` becomes ``X``)."""
    s = as_text(s)
    return clean(s, " -").upper().strip()


def mask(s: str) -> str:
    """The number with all but the first 6 and last 4 characters replaced by ``*`` (all masked if 10 or fewer)."""
    s = compact(s)
    if len(s) <= 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def calc_check_digit(s: str) -> str:
    """The MOD 11-2 check character for the first 17 digits (python-stdnum's computation)."""
    body = compact(s)[:17]
    if len(body) != 17 or not (body.isascii() and body.isdigit()):
        raise InvalidFormat("计算校验码需要17位数字", "the check needs 17 digits")
    # stdnum's calc_check_digit takes the whole number and ignores its last character.
    return ric.calc_check_digit(body + "0")


def _check_digits(number: str, upto: int) -> None:
    for i, c in enumerate(number[:upto]):
        if not (c.isascii() and c.isdigit()):
            raise InvalidFormat(
                f"公民身份号码 {mask(number)} 第{i + 1}位不是数字",
                f"character {i + 1} of citizen ID {mask(number)} is not a digit",
                position=i,
            )


def to_18(s: str) -> str:
    """A legacy 15-digit number as 18 digits: ``19`` inserted before YYMMDD and the check digit added."""
    number = compact(s)
    if len(number) != 15:
        raise InvalidLength(
            f"旧15位公民身份号码应为15位，实为{len(number)}位",
            f"a legacy citizen ID has 15 digits, not {len(number)}",
        )
    _check_digits(number, 15)
    body = number[:6] + "19" + number[6:]
    return body + calc_check_digit(body)


def _validate18(number: str, today: dt.date | None) -> str:
    _check_digits(number, 17)
    if number[17] not in "0123456789X":
        raise InvalidFormat(
            f"公民身份号码 {mask(number)} 校验码应为数字或X",
            f"the check character of citizen ID {mask(number)} must be a digit or X",
            position=17,
            segment="check",
        )
    if number[17] != calc_check_digit(number):
        raise InvalidChecksum(
            f"公民身份号码 {mask(number)} 校验码错误",
            f"citizen ID {mask(number)} has a wrong check digit",
            position=17,
            segment="check",
        )
    try:
        born = ric.get_birth_date(number)
    except stdnum_exceptions.ValidationError:
        raise InvalidComponent(
            f"公民身份号码 {mask(number)} 的出生日期不是真实日期",
            f"the birth date in citizen ID {mask(number)} is not a real date",
            position=6,
            segment="birth_date",
        ) from None
    if born > (today or dt.date.today()):
        raise InvalidComponent(
            f"公民身份号码 {mask(number)} 的出生日期在未来",
            f"the birth date in citizen ID {mask(number)} is in the future",
            position=6,
            segment="birth_date",
        )
    # stdnum raises KeyError for a code under a known province with no row of its own (e.g. 719900), so
    # existence is checked on the same table first; stdnum then decides validity in the birth year.
    try:
        admin_division.validate(number[:6])
    except InvalidCode as e:
        raise InvalidComponent(
            f"公民身份号码 {mask(number)} 的地址码不是行政区划代码",
            f"the address code of citizen ID {mask(number)} is not a division code",
            position=e.position or 0,
            segment="address",
        ) from None
    try:
        ric.get_birth_place(number)
    except stdnum_exceptions.ValidationError:
        zh, en = admin_division.validity(number[:6])
        raise InvalidComponent(
            f"公民身份号码 {mask(number)} 的地址码在出生年份无效，其有效年份为：{zh}",
            f"the address code of citizen ID {mask(number)} was not valid in the birth year; it was valid: {en}",
            position=0,
            segment="address",
        ) from None
    return number


def validate(s: str, *, legacy: bool = True, today: dt.date | None = None) -> str:
    """The 18-digit number if valid (a 15-digit legacy number is converted when ``legacy``), else raise.

    ``today`` (default: the current date) bounds the birth date.
    """
    number = compact(s)
    if len(number) == 15 and legacy:
        return _validate18(to_18(number), today)
    if len(number) != 18:
        raise InvalidLength(
            f"公民身份号码应为18位{'（或旧15位）' if legacy else ''}，实为{len(number)}位",
            f"a citizen ID has 18 digits{' (or 15, legacy)' if legacy else ''}, not {len(number)}",
        )
    return _validate18(number, today)


def is_valid(s: str, *, legacy: bool = True, today: dt.date | None = None) -> bool:
    """Whether ``s`` is a valid citizen ID (15-digit legacy numbers included when ``legacy``)."""
    try:
        validate(s, legacy=legacy, today=today)
    except ValidationError:
        return False
    return True


def format(s: str) -> str:
    """The display form: the 18 characters, unseparated (a 15-digit number stays as it is)."""
    return compact(s)


def birth_date(s: str) -> dt.date:
    """The birth date of a valid number."""
    return ric.get_birth_date(validate(s))


def sex(s: str) -> str:
    """``男`` for an odd sequence number, ``女`` for an even one (GB 11643)."""
    return "男" if int(validate(s)[16]) % 2 else "女"


def generate(division: str, born: dt.date, sequence: int, *, today: dt.date | None = None) -> str:
    """A valid 18-digit number from its parts (the check digit is computed); ``today`` (default: the current date)
    bounds the birth date, as in :func:`validate`."""
    body = f"{admin_division.compact(division)}{born:%Y%m%d}{sequence:03d}"
    return validate(body + calc_check_digit(body), legacy=False, today=today)


def parse(s: str, *, today: dt.date | None = None) -> Parsed:
    """地址码 (with the division's name in the birth year), 出生日期, 顺序码 (with sex) and 校验码.

    A 15-digit number is parsed as its 18-digit conversion, with an UNCONFIRMED Note (§7.3).
    """
    legacy = len(compact(s)) == 15
    number = validate(s, today=today)
    born = ric.get_birth_date(number)
    warnings: list[Note] = []
    if legacy:
        warnings.append(
            Note(
                "legacy_15",
                "旧15位号码已按“年份前加19、补校验码”转换为18位；该转换规则未经来源确认",
                "legacy 15-digit number converted to 18 digits by inserting 19 and adding the check digit; "
                "this rule is not confirmed by a source",
                "UNCONFIRMED",
            )
        )
    segments = (
        Segment("address", "地址码", "address code", 0, number[:6], admin_division.full_name(number[:6], born.year)),
        Segment("birth_date", "出生日期", "date of birth", 6, number[6:14], born.isoformat()),
        Segment("sequence", "顺序码", "sequence code", 14, number[14:17], "男" if int(number[16]) % 2 else "女"),
        Segment("check", "校验码", "check character", 17, number[17]),
    )
    return MaskedParsed(KIND, number, segments, tuple(warnings))


build = deprecated_alias(generate, "build")
