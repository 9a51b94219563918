"""设备注册代码 (legacy registration code, before TSG 08-2017): 20 characters (domain.md §2).

class (4) + registering authority's GB/T 2260 division (6) + registration YYYYMM (6) + sequence (4).
The class is read against the catalogue in force at the registration month: the pre-2014 table
before 2014, the 2014 catalogue after; inside 2014 the switch-over date is unknown, so either table is
accepted with a note. Only the elevator part of the pre-2014 catalogue is known, so a class missing from
the known tables of a date whose tables are incomplete (e.g. Shanghai's ``2160`` 第二类低压容器 of 2006)
is accepted with an UNCONFIRMED note rather than rejected; against the complete 2014 table it is an error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

from sedata.codes import _tables, admin_division
from sedata.codes._base import (
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    Note,
    Parsed,
    Segment,
    ValidationError,
    as_text,
)
from sedata.codes._layout import Layout, domain_layouts, fixed_length

KIND = "legacy_registration"
VALUE_DOMAIN = "registration-code"
# The sequence counts registrations from 0001 ([S2]: "0001–9999"), so 0000 is never issued.
FIRST_SEQUENCE = 1

_LABELS = {
    "class": ("设备分类码", "equipment class code"),
    "division": ("注册机构行政区划代码", "registering authority's division code"),
    "registered": ("注册年月", "registration year and month"),
    "sequence": ("顺序码", "sequence number"),
}


@cache
def layout() -> Layout:
    """The code's segments, read from the spec pattern (the year and month form one segment)."""
    (only,) = domain_layouts(VALUE_DOMAIN, [("class", 1), ("division", 1), ("registered", 2), ("sequence", 1)])
    return only


@cache
def length() -> int:
    """The length of every registration code (the value domain's format)."""
    return fixed_length(VALUE_DOMAIN)


def max_sequence() -> int:
    """The largest numeric sequence (the letter overflow of the pressure-pipe variant is never generated)."""
    return int(10 ** layout().part("sequence").width) - 1


def compact(s: str) -> str:
    """The code without spaces or hyphens, full-width characters made ASCII, letters upper case."""
    s = as_text(s)
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", s)).upper()


def _class_meaning(code: str, year: int, month: int | None, start: int) -> tuple[str | None, list[Note]]:
    span = _tables.year_span(year, month)
    tables = _tables.in_force_during(_tables.CATALOGUE, *span)
    when = f"{year}-{month:02d}" if month else str(year)
    found = [(e, t) for t in tables if (e := _tables.find(t.codeset, code)) is not None]
    labels = "、".join(_tables.table_label(t.codeset) for t in tables) or "—"
    if not found:
        complete = bool(tables) and all(t.certain and t.codeset.status == "CONFIRMED" for t in tables)
        if complete:
            raise InvalidComponent(
                f"设备分类码 {code} 不在{when}适用的特种设备目录（{labels}）中",
                f"class {code} is not in the catalogue in force in {when} ({labels})",
                position=start,
                segment="class",
            )
        return None, [
            Note(
                "class_not_in_known_tables",
                f"设备分类码 {code} 不在{when}已知的目录（{labels}）中；"
                "当时的目录只部分可知（如2014年前仅知电梯部分），可能是地方或旧目录代码",
                f"class {code} is not in the known tables for {when} ({labels}); the tables of that date are only "
                "partly known (before 2014 only the elevator classes), so it may be a local or older code",
                "UNCONFIRMED",
            )
        ]
    notes: list[Note] = []
    if not any(t.certain for _, t in found):
        readings = "；".join(f"{_tables.table_label(t.codeset)}：{e.zh}" for e, t in found)
        readings_en = "; ".join(f"{_tables.table_label(t.codeset)}: {e.zh}" for e, t in found)
        notes.append(
            Note(
                "catalogue_uncertain",
                f"{when}适用哪一版目录不确定（2014年目录的生效日期未知），{code} 可能是 {readings}",
                f"which catalogue applied in {when} is uncertain (the 2014 catalogue's date is unknown); "
                f"{code} may be {readings_en}",
                "UNCONFIRMED",
            )
        )
    meaning = " / ".join(dict.fromkeys(f"{e.zh}（{_tables.table_label(t.codeset)}）" for e, t in found))
    return meaning, notes


def parse(s: str, *, today: dt.date | None = None) -> Parsed:
    """Segments, meanings and notes of a 20-character registration code."""
    today = today or dt.date.today()
    value = compact(s)
    if len(value) != length():
        raise InvalidLength(
            f"注册代码应为{length()}位，实为{len(value)}位",
            f"a registration code has {length()} characters, not {len(value)}",
        )
    parts = layout().split(value)
    if parts is None:
        pos, key = layout().diagnose(value) or (0, "class")
        zh, en = _LABELS[key]
        raise InvalidFormat(
            f"第{pos + 1}位“{value[pos]}”不符合注册代码格式（{zh}）",
            f"character {pos + 1} ({value[pos]!r}) does not fit the registration code ({en})",
            position=pos,
            segment=key,
        )
    got = {k: (start, v) for k, start, v in parts}
    notes: list[Note] = []
    meanings: dict[str, str] = {}

    reg_start, registered = got["registered"]
    year, month_number = int(registered[:4]), int(registered[4:])
    month: int | None = month_number
    if month_number == 0:
        month = None
        notes.append(
            Note(
                "month_00",
                f"注册年月 {registered} 的月份为00：有的地方未严格按年月编码（含义未经证实）",
                f"registration month 00 in {registered}: some places did not follow YYYYMM strictly (meaning "
                "unconfirmed)",
                "UNCONFIRMED",
            )
        )
    elif month_number > 12:
        raise InvalidComponent(
            f"注册年月 {registered} 的月份 {month_number:02d} 无效",
            f"month {month_number:02d} of {registered} does not exist",
            position=reg_start + 4,
            segment="registered",
        )
    if (year, month or 1) > (today.year, today.month):
        raise InvalidComponent(
            f"注册年月 {registered} 晚于今天",
            f"registration month {registered} is in the future",
            position=reg_start,
            segment="registered",
        )
    meanings["registered"] = f"{year}年{month}月 / {year}-{month:02d}" if month else f"{year}年 / {year}"

    div_start, division = got["division"]
    try:
        meanings["division"] = admin_division.full_name(division, year)
    except InvalidCode as exc:
        raise InvalidComponent(exc.zh, exc.en, position=div_start, segment="division") from exc

    class_start, class_code = got["class"]
    class_meaning, class_notes = _class_meaning(class_code, year, month, class_start)
    if class_meaning:
        meanings["class"] = class_meaning
    notes.extend(class_notes)

    seq_start, sequence = got["sequence"]
    if sequence.isdigit():
        if int(sequence) < FIRST_SEQUENCE:
            raise InvalidComponent(
                f"顺序码 {sequence} 无效（从0001起编）",
                f"sequence {sequence} is not issued (it starts at 0001)",
                position=seq_start,
                segment="sequence",
            )
        meanings["sequence"] = f"第{int(sequence)}号 / no. {int(sequence)}"
    elif re.fullmatch(r"[A-Z][0-9]+", sequence):
        notes.append(
            Note(
                "sequence_overflow",
                f"顺序码 {sequence} 首位为字母：压力管道登记代码超过9999后首位用字母（A002 = 10002），他处未经证实",
                f"sequence {sequence} starts with a letter: pressure-pipe codes past 9999 use a letter (A002 = "
                "10002); elsewhere unconfirmed",
                "PARTIAL",
            )
        )
    else:
        notes.append(
            Note(
                "sequence_letters",
                f"顺序码 {sequence} 含字母，且不是“首位字母”的溢出形式：无来源说明",
                f"sequence {sequence} has letters other than a leading overflow letter: no source describes this",
                "UNCONFIRMED",
            )
        )

    segments = tuple(Segment(key, *_LABELS[key], start, v, meanings.get(key)) for key, start, v in parts)
    return Parsed(KIND, value, segments, tuple(notes))


def validate(s: str, *, today: dt.date | None = None) -> str:
    """The compact code if it is a valid registration code, else raise."""
    return parse(s, today=today).value


def is_valid(s: str) -> bool:
    """Whether ``s`` is a valid registration code."""
    try:
        parse(s)
    except ValidationError:
        return False
    return True


def format(s: str) -> str:
    """The printed form: the 20 characters without separators."""
    return validate(s)


def generate(class_code: str, division: str, year: int, month: int, sequence: int) -> str:
    """Build a registration code from its parts (numeric sequence only)."""
    if not FIRST_SEQUENCE <= sequence <= max_sequence():
        raise InvalidComponent(
            f"顺序码 {sequence} 超出 {FIRST_SEQUENCE}-{max_sequence()}（字母溢出规则仅见于压力管道，不予生成）",
            f"sequence {sequence} is outside {FIRST_SEQUENCE}-{max_sequence()} (the letter overflow is known only "
            "for pressure pipes, so it is not generated)",
            segment="sequence",
        )
    if not 1 <= month <= 12:
        raise InvalidComponent(f"月份 {month} 无效", f"month {month} does not exist", segment="registered")
    width = layout().part("sequence").width
    return validate(f"{compact(class_code)}{compact(division)}{year:04d}{month:02d}{sequence:0{width}d}")
