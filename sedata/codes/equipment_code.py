"""特种设备代码 (equipment code, TSG 08-2017 / TSG 21-2016): 18 characters, two forms (domain.md §1.1).

* Manufacturer form: variety (4) + 制造单位代号 (5) + year of manufacture (4) + sequence (5).
* Registration-authority form, used when a product has no code: variety (4) + the authority's GB/T 2260
  division (6, "one digit longer than the 制造单位代号") + year (4) + sequence (4).

The widths and alphabets come from the ``equipment-code`` value domain's pattern; the varieties from
the ``equipment-catalogue`` code set in force. The two forms are told apart as §1.1 says: positions
5-10 must be a valid division *and* 11-14 a plausible year for the authority form.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Literal

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
from sedata.spec import current
from sedata.spec.codesets import entry, versions_at

KIND = "equipment_code"
VALUE_DOMAIN = "equipment-code"
Form = Literal["manufacturer", "authority"]

# The 制造单位代号 is the licensing authority's 2-digit region + the unit number from the licence;
# a licence issued by the national authority (国家质检总局) has region 10 ([S1], domain.md §1.1).
NATIONAL_REGION = "10"
REGION_DIGITS = 2
# A year is "plausible" for telling the forms apart (§1.1) when it is not before 1900 (an earlier year is a
# typo, not equipment) and not more than one year ahead (codes may be assigned to a batch planned for
# the coming year).
EARLIEST_YEAR = 1900
YEARS_AHEAD = 1

_LABELS = {
    "variety": ("设备品种代码", "variety code"),
    "maker": ("制造单位代号", "manufacturer code"),
    "division": ("登记机关行政区划代码", "registration authority's division code"),
    "year": ("年份", "year"),
    "sequence": ("顺序号", "sequence number"),
}
_FORM_LABELS = {
    "manufacturer": ("制造单位赋码", "manufacturer-assigned"),
    "authority": ("登记机关赋码", "authority-assigned"),
}

# Licence numbers TS + 2-digit licence type + 5 digits (region + unit) + "-" + year: the layout of both
# examples of §1.1 (TS2210890-2015, TS2223010-2015). Not in spec/: the licence format was not read.
_LICENCE = re.compile(r"(?P<prefix>TS)(?P<type>[0-9]{2})(?P<maker>[0-9]{5})(?P<dash>-)(?P<year>[0-9]{4})")
_LICENCE_LABELS = {
    "prefix": ("许可证前缀", "licence prefix"),
    "type": ("许可类型", "licence type"),
    "maker": ("制造单位代号（地区+单位序号）", "manufacturer code (region + unit number)"),
    "dash": ("分隔符", "separator"),
    "year": ("年份", "year"),
}


@cache
def layouts() -> dict[Form, Layout]:
    """The two forms, read from the spec pattern (manufacturer first, as the value domain lists them)."""
    maker, authority = domain_layouts(
        VALUE_DOMAIN,
        [("variety", 1), ("maker", 1), ("year", 2), ("sequence", 1)],
        [("variety", 1), ("division", 1), ("year", 2), ("sequence", 1)],
    )
    # TSG 08-2017 登记表 note [S12]: the division is one digit longer than the 制造单位代号.
    if authority.part("division").width != maker.part("maker").width + 1:
        raise LookupError("equipment-code pattern: the division must be one digit longer than the maker code")
    return {"manufacturer": maker, "authority": authority}


@cache
def length() -> int:
    """The length every equipment code has (the value domain's format)."""
    return fixed_length(VALUE_DOMAIN)


def max_sequence(form: Form) -> int:
    """The largest numeric sequence of a form (letters beyond it are UNCONFIRMED, so never generated)."""
    return int(10 ** layouts()[form].part("sequence").width) - 1


def compact(s: str) -> str:
    """The code without spaces or hyphens, full-width characters made ASCII, letters upper case."""
    s = as_text(s)
    text = unicodedata.normalize("NFKC", s)
    return re.sub(r"[\s\-]", "", text).upper()


def _plausible(year: int, on: dt.date) -> bool:
    return EARLIEST_YEAR <= year <= on.year + YEARS_AHEAD


def _check_shape(value: str) -> None:
    if len(value) != length():
        raise InvalidLength(
            f"设备代码应为{length()}位，实为{len(value)}位",
            f"an equipment code has {length()} characters, not {len(value)}",
        )
    if any(layout.regex.fullmatch(value) for layout in layouts().values()):
        return  # fits a form; only a value that fits neither needs the (slow) diagnosis of where it breaks
    misses = [layout.diagnose(value) for layout in layouts().values()]
    # The value stops being a prefix of either form at the furthest first mismatch.
    pos, key = max((m for m in misses if m is not None), key=lambda m: m[0])
    zh, en = _LABELS[key]
    raise InvalidFormat(
        f"第{pos + 1}位“{value[pos]}”不符合设备代码格式（{zh}）",
        f"character {pos + 1} ({value[pos]!r}) does not fit the equipment code ({en})",
        position=pos,
        segment=key,
    )


@lru_cache(maxsize=4096)
def _variety(code: str, on: dt.date) -> tuple[str | None, tuple[Note, ...]]:
    """Cached: the same varieties are read again and again (a file holds many devices of few kinds)."""
    meaning, notes = _variety_of(code, on)
    return meaning, tuple(notes)


def _variety_of(code: str, on: dt.date) -> tuple[str | None, list[Note]]:
    """The variety's meaning in the catalogue in force on ``on``, with notes; raise when a complete table lacks it."""
    tables = versions_at(current(), _tables.CATALOGUE, on)
    found = _tables.varieties(tables, code)
    labels = ", ".join(_tables.table_label(t.codeset) for t in tables) or "—"
    if not found:
        known = [e for t in tables if (e := entry(t.codeset, code)) is not None]
        complete = bool(tables) and all(t.certain and t.codeset.status == "CONFIRMED" for t in tables)
        if not known and not complete:
            # The tables of that date are only partly known (before 2014: elevators only): not a proof.
            return None, [
                Note(
                    "variety_not_in_known_tables",
                    f"品种代码 {code} 不在{on.isoformat()}已知的目录（{labels}）中；当时的目录只部分可知",
                    f"variety {code} is not in the known tables for {on.isoformat()} ({labels}); the tables of "
                    "that date are only partly known",
                    "UNCONFIRMED",
                )
            ]
        if known:
            kids = sorted({c.code for t in tables for c in _tables.children(t.codeset, code)})
            raise InvalidComponent(
                f"{code}（{known[0].zh}）是{known[0].level}，不是品种；应使用其下的品种代码（{'、'.join(kids)}）",
                f"{code} ({known[0].zh}) is at level {known[0].level}, not a variety; use one of its varieties "
                f"({', '.join(kids)})",
                position=0,
                segment="variety",
            )
        raise InvalidComponent(
            f"设备品种代码 {code} 不在{on.isoformat()}适用的特种设备目录（{labels}）中",
            f"variety code {code} is not in the catalogue in force on {on.isoformat()} ({labels})",
            position=0,
            segment="variety",
        )
    notes: list[Note] = []
    if not any(v.table.certain for v in found):
        notes.append(
            Note(
                "catalogue_uncertain",
                f"{on.isoformat()}适用哪一版目录不确定（生效日期仅知年份），按 "
                f"{'、'.join(_tables.table_label(v.table.codeset) for v in found)} 解释",
                f"which catalogue was in force on {on.isoformat()} is uncertain (its date is known only to "
                f"the year); read against {', '.join(_tables.table_label(v.table.codeset) for v in found)}",
                "UNCONFIRMED",
            )
        )
    if any(v.category_only for v in found):
        notes.append(
            Note(
                "category_as_variety",
                f"{code} 是没有品种的类别，按平台惯例作品种使用（也有平台在末位补1）",
                f"{code} is a category without varieties, used as its own variety as platforms do "
                "(some append 1 instead)",
                "PARTIAL",
            )
        )
    meaning = " / ".join(dict.fromkeys(v.entry.zh for v in found))
    return meaning, notes


@lru_cache(maxsize=4096)
def _maker_meaning(maker: str) -> tuple[str, tuple[Note, ...]]:
    """Cached: a file names the same manufacturers again and again."""
    meaning, notes = _maker_meaning_of(maker)
    return meaning, tuple(notes)


def _maker_meaning_of(maker: str) -> tuple[str, list[Note]]:
    region, unit = maker[:REGION_DIGITS], maker[REGION_DIGITS:]
    if region == NATIONAL_REGION:
        return f"国家级许可，单位序号 {unit} / national licence, unit {unit}", []
    # A province's own division code is its two digits padded with zeros (GB/T 2260, domain.md §7.4).
    division = region.ljust(layouts()["authority"].part("division").width, "0")
    if admin_division.is_valid(division):
        name = admin_division.province(division)
        return f"{name}许可，单位序号 {unit} / licensed by {name}, unit {unit}", []
    note = Note(
        "maker_region_unknown",
        f"制造单位代号的地区码 {region} 既不是10（国家级许可）也不是省级行政区划代码；"
        "无中国制造许可证的制造单位如何编号不详",
        f"the region {region} of the manufacturer code is neither 10 (national licence) nor a province code; "
        "how units without a Chinese licence are numbered is not known",
        "UNCONFIRMED",
    )
    return f"地区码 {region}，单位序号 {unit} / region {region}, unit {unit}", [note]


def _segments(form: Form, parts: list[tuple[str, int, str]], meanings: dict[str, str]) -> tuple[Segment, ...]:
    out = []
    for key, start, value in parts:
        zh, en = _LABELS[key]
        if key == "year" and form == "manufacturer":
            zh, en = "制造年份", "year of manufacture"
        if key == "sequence" and form == "manufacturer":
            zh, en = "制造顺序号", "manufacturing sequence number"
        out.append(Segment(key, zh, en, start, value, meanings.get(key)))
    return tuple(out)


def _read(value: str, on: dt.date) -> tuple[Form, list[tuple[str, int, str]], list[Note]]:
    """Choose the form (§1.1) and return it with its segments and any ambiguity note; raise if neither fits."""
    readings: dict[Form, list[tuple[str, int, str]]] = {}
    for form, layout in layouts().items():
        parts = layout.split(value)
        if parts is not None:
            readings[form] = parts
    fits: list[Form] = []
    problems: list[InvalidComponent] = []
    for form, parts in readings.items():
        got = {k: (s, v) for k, s, v in parts}
        start, year_text = got["year"]
        year = int(year_text)
        if not _plausible(year, on):
            problems.append(
                InvalidComponent(
                    f"按{_FORM_LABELS[form][0]}形式，年份 {year} 不合理"
                    f"（应在{EARLIEST_YEAR}至{on.year + YEARS_AHEAD}之间）",
                    f"read as {_FORM_LABELS[form][1]}, the year {year} is not plausible "
                    f"(expected {EARLIEST_YEAR}-{on.year + YEARS_AHEAD})",
                    position=start,
                    segment="year",
                )
            )
            continue
        if form == "authority":
            d_start, division = got["division"]
            try:
                admin_division.validate(division, year)
            except InvalidCode as exc:
                problems.append(
                    InvalidComponent(
                        f"按登记机关赋码形式，第5-10位不是有效的行政区划代码：{exc.zh}",
                        f"read as authority-assigned, positions 5-10 are not a valid division: {exc.en}",
                        position=d_start,
                        segment="division",
                    )
                )
                continue
        fits.append(form)
    if not fits:
        if len(problems) == 1:
            raise problems[0]
        raise InvalidComponent(
            "；".join(p.zh for p in problems), "; ".join(p.en for p in problems), position=problems[0].position
        )
    notes: list[Note] = []
    if len(fits) > 1:
        # Both readings are plausible: keep the manufacturer form (the rule's primary form) and say so.
        div = dict((k, v) for k, _, v in readings["authority"])
        notes.append(
            Note(
                "ambiguous_form",
                f"无法区分两种形式：也可读作登记机关赋码（行政区划 {div['division']}，年份 {div['year']}），"
                "按制造单位赋码解释",
                f"the two forms cannot be told apart: it also reads as authority-assigned (division "
                f"{div['division']}, year {div['year']}); read as manufacturer-assigned",
                "UNCONFIRMED",
            )
        )
    form = fits[0]
    return form, readings[form], notes


def parse(s: str, on: dt.date | None = None) -> Parsed:
    """Segments, meanings and notes of an equipment code, read against the catalogue in force on ``on`` (today).

    The catalogue is chosen by ``on``, not by the year in the code: that year is the year of manufacture,
    which may precede the coding rules and the 2014 catalogue the variety is taken from.
    """
    on = on or dt.date.today()
    value = compact(s)
    _check_shape(value)
    form, parts, notes = _read(value, on)
    got = {k: v for k, _, v in parts}
    meanings: dict[str, str] = {}
    variety_meaning, variety_notes = _variety(got["variety"], on)
    if variety_meaning:
        meanings["variety"] = variety_meaning
    notes.extend(variety_notes)
    year = int(got["year"])
    if form == "manufacturer":
        meanings["maker"], maker_notes = _maker_meaning(got["maker"])
        notes.extend(maker_notes)
    else:
        meanings["division"] = admin_division.full_name(got["division"], year)
        notes.append(
            Note(
                "authority_form",
                "登记机关赋码形式：4位顺序号系由一个实例推断",
                "authority-assigned form: the 4-digit sequence is inferred from one real value",
                "PARTIAL",
            )
        )
    meanings["year"] = f"{year}年 / {year}"
    sequence = got["sequence"]
    if sequence.isdigit():
        meanings["sequence"] = f"第{int(sequence)}号 / no. {int(sequence)}"
    else:
        notes.append(
            Note(
                "sequence_letters",
                f"顺序号 {sequence} 含字母：超出数字范围时以字母代替的规则未经证实",
                f"sequence {sequence} contains letters: the overflow rule (letters past the digits) is unconfirmed",
                "UNCONFIRMED",
            )
        )
    return Parsed(KIND, value, _segments(form, parts, meanings), tuple(notes))


def form_of(parsed: Parsed) -> Form:
    """Which form a parsed equipment code has."""
    return "authority" if any(s.key == "division" for s in parsed.segments) else "manufacturer"


def validate(s: str, on: dt.date | None = None) -> str:
    """The compact code if it is a valid equipment code (catalogue in force on ``on``), else raise."""
    return parse(s, on).value


def is_valid(s: str, on: dt.date | None = None) -> bool:
    """Whether ``s`` is a valid equipment code."""
    try:
        parse(s, on)
    except ValidationError:
        return False
    return True


def format(s: str) -> str:
    """The printed form: the 18 characters without separators (as TSG 08 writes it)."""
    return validate(s)


def parse_licence(licence: str) -> Parsed:
    """Split a manufacturing licence number ``TS2210890-2015``; the 制造单位代号 is its ``maker`` segment.

    PARTIAL: the rule (code = licence characters 5-9) is derived from the two examples of §1.1 only.
    """
    value = unicodedata.normalize("NFKC", licence).strip().upper().replace(" ", "")
    m = _LICENCE.fullmatch(value)
    if m is None:
        raise InvalidFormat(
            f"制造许可证编号 {licence!r} 不是 TS+2位类型+5位+“-”+4位年份 的形式（如 TS2210890-2015）",
            f"licence number {licence!r} is not TS + 2-digit type + 5 digits + '-' + 4-digit year "
            "(e.g. TS2210890-2015)",
        )
    maker_meaning, maker_notes = _maker_meaning(m["maker"])
    notes = list(maker_notes)
    segments = tuple(
        Segment(key, *_LICENCE_LABELS[key], m.start(key), m[key], maker_meaning if key == "maker" else None)
        for key in _LICENCE_LABELS
    )
    notes.insert(
        0,
        Note(
            "maker_from_licence",
            "由许可证编号取制造单位代号（第5-9位）的规则仅由两个实例推得",
            "taking the manufacturer code from licence characters 5-9 is derived from two examples only",
            "PARTIAL",
        ),
    )
    return Parsed("manufacturing_licence", value, segments, tuple(notes))


def maker_code_from_licence(licence: str) -> str:
    """The 5-digit 制造单位代号 in a licence number: ``TS2210890-2015`` → ``10890`` (PARTIAL rule)."""
    return parse_licence(licence).segment("maker").value


def scope_covers(scope: Iterable[str], variety: str) -> bool:
    """Whether a licence whose scope lists these catalogue codes (kind, category or variety) covers ``variety``.

    The catalogue versions are those the spec names for the licence-scope element (SE.LIC.0003).
    """
    spec = current()
    element = next(e for e in spec.elements.values() if e.key == "scope_equipment")
    assert element.codeset is not None
    tables = spec.codesets[element.codeset]
    wanted = {compact(c) for c in scope}
    for version in element.codeset_versions or list(tables):
        if wanted & {e.code for e in _tables.lineage(tables[version], compact(variety))}:
            return True
    return False


def generate(
    variety: str,
    *,
    year: int,
    sequence: int,
    maker_code: str | None = None,
    division: str | None = None,
    on: dt.date | None = None,
) -> str:
    """Build a valid code from its parts: ``maker_code`` (manufacturer form) or ``division`` (authority form)."""
    if (maker_code is None) == (division is None):
        raise InvalidComponent(
            "须且只能给出制造单位代号或行政区划代码之一",
            "give exactly one of maker_code or division",
        )
    form: Form = "manufacturer" if maker_code is not None else "authority"
    layout = layouts()[form]
    middle_key = "maker" if form == "manufacturer" else "division"
    middle = compact(maker_code if maker_code is not None else division or "")
    if not layout.part(middle_key).matches(middle):
        zh, en = _LABELS[middle_key]
        raise InvalidFormat(f"{zh} {middle!r} 格式不对", f"{en} {middle!r} has the wrong format", segment=middle_key)
    width = layout.part("sequence").width
    if not 1 <= sequence <= max_sequence(form):
        raise InvalidComponent(
            f"顺序号 {sequence} 超出 1-{max_sequence(form)}（超出后以字母代替的规则未经证实，不予生成）",
            f"sequence {sequence} is outside 1-{max_sequence(form)} (the letter overflow rule is unconfirmed, "
            "so it is not generated)",
            segment="sequence",
        )
    code = f"{compact(variety)}{middle}{year:04d}{sequence:0{width}d}"
    parsed = parse(code, on)
    if form_of(parsed) != form:
        raise InvalidComponent(
            f"生成的代码 {code} 会被读作另一种形式", f"the generated code {code} would read as the other form"
        )
    return parsed.value
