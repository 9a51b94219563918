"""GB/T 2260 行政区划代码 (administrative division code): 6 digits, dated.

Codes are retired, not reused (domain.md §7.4), so a code is checked against the years it was valid.
The table is the one python-stdnum ships (``stdnum/cn/loc.dat``, years from the Wikipedia lists); where
it lives is read from the spec's code set declaration, never typed into Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from stdnum import numdb
from stdnum.util import clean

from sedata.codes._base import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    Note,
    Parsed,
    Segment,
    ValidationError,
    as_text,
)

KIND = "admin_division"
CODESET = ("admin-division", "gbt2260")


@dataclass(frozen=True)
class Validity:
    """One name a code carried and the years (inclusive, ``None`` = open) it carried it."""

    name: str
    start: int | None = None
    end: int | None = None

    def covers(self, year: int) -> bool:
        """Whether the code carried this name in ``year``."""
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)

    def years(self) -> str:
        """The validity as written in loc.dat: ``1986-``, ``-2010``, ``1983-1994``, or ``''`` for always."""
        if self.start is None and self.end is None:
            return ""
        return f"{self.start or ''}-{self.end or ''}"

    def describe(self, lang: str = "zh") -> str:
        """The validity in words: ``1983—1994年`` / ``1983-1994``, ``2010年以前`` / ``until 2010`` …"""
        zh = lang == "zh"
        if self.start is None and self.end is None:
            return "一直有效" if zh else "always"
        if self.start is None:
            return f"{self.end}年及以前" if zh else f"until {self.end}"
        if self.end is None:
            return f"{self.start}年起" if zh else f"from {self.start}"
        return f"{self.start}—{self.end}年" if zh else f"{self.start}-{self.end}"


def _validities(text: str) -> tuple[Validity, ...]:
    # loc.dat writes renamings as `[-1991]东郊区,[1992-]东丽区`; an unbracketed name has always been valid.
    result = []
    for part in text.split(","):
        if not part.startswith("["):
            result.append(Validity(part))
            continue
        years, name = part[1:].split("]", 1)
        start, end = years.split("-")
        result.append(Validity(name, int(start) if start else None, int(end) if end else None))
    return tuple(result)


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def _numdb_name() -> str:
    from sedata.spec import current

    external = current().codesets[CODESET[0]][CODESET[1]].external
    if external is None or external.package != "python-stdnum":
        raise LookupError(
            "行政区划代码集未声明 python-stdnum 外部表 / the admin-division code set names no python-stdnum table"
        )
    installed = _version_tuple(metadata.version(external.package))
    if installed < _version_tuple(external.min_version):
        raise LookupError(
            f"需要 {external.package} {external.min_version} 或更高版本 / "
            f"{external.package} {external.min_version} or newer is needed"
        )
    resource = external.resource
    if not (resource.startswith("stdnum/") and resource.endswith(".dat")):
        raise LookupError(f"无法识别的外部表位置 {resource} / unrecognised external table location {resource}")
    return resource.removeprefix("stdnum/").removesuffix(".dat")


@cache
def _tables() -> tuple[dict[str, str], dict[str, tuple[Validity, ...]]]:
    # numdb nests loc.dat as province (2 digits) → rest of the code (4 digits); flatten it to 6-digit codes.
    provinces: dict[str, str] = {}
    codes: dict[str, tuple[Validity, ...]] = {}
    for length, low, high, props, children in numdb.get(_numdb_name()).prefixes:
        if length != 2 or low != high:
            raise LookupError(f"行政区划表结构异常: {low}-{high} / unexpected division table row {low}-{high}")
        if "province" in props:
            provinces[low] = props["province"]
        for clen, clow, chigh, cprops, _ in children:
            if clen != 4 or clow != chigh:
                raise LookupError(f"行政区划表结构异常: {low}{clow} / unexpected division table row {low}{clow}")
            if "county" in cprops:
                codes[low + clow] = _validities(cprops["county"])
    return provinces, codes


def compact(s: str) -> str:
    """The code without spaces (full-width digits made ASCII)."""
    s = as_text(s)
    return clean(s, " ").strip()


def periods(code: str) -> tuple[Validity, ...]:
    """Every name ``code`` carried, with its years; empty if the code never existed."""
    return _tables()[1].get(compact(code), ())


def validity(code: str) -> tuple[str, str]:
    """The names and years of ``code`` in words, Chinese and English (for messages)."""
    found = periods(code)
    zh = "；".join(f"{v.name}（{v.describe('zh')}）" for v in found)
    en = "; ".join(f"{v.name} ({v.describe('en')})" for v in found)
    return zh, en


def _own_level(code: str) -> tuple[str, int]:
    # §7.4: suffix 0000 is a province's own code, suffix 00 a prefecture's.
    if code[2:] == "0000":
        return "province", 0
    if code[4:] == "00":
        return "prefecture", 2
    return "county", 4


def _unknown_part(code: str) -> tuple[str, int]:
    # The first level, from the top, whose row the table lacks.
    if code[:2] not in _tables()[0]:
        return "province", 0
    if code[2:4] != "00" and not periods(code[:4] + "00"):
        return "prefecture", 2
    return _own_level(code)


def validate(s: str, year: int | None = None) -> str:
    """The compact code if it is a GB/T 2260 code (that existed in ``year`` when given), else raise."""
    code = compact(s)
    if len(code) != 6:
        raise InvalidLength(
            f"行政区划代码应为6位数字，实为{len(code)}位", f"a division code has 6 digits, not {len(code)}"
        )
    for i, c in enumerate(code):
        if not c.isascii() or not c.isdigit():
            raise InvalidFormat(
                f"行政区划代码第{i + 1}位“{c}”不是数字",
                f"character {i + 1} ({c!r}) of a division code is not a digit",
                position=i,
            )
    found = periods(code)
    if not found:
        segment, position = _unknown_part(code)
        raise InvalidComponent(
            f"行政区划代码 {code} 不存在（GB/T 2260 中从未有此代码）",
            f"division code {code} does not exist (never in GB/T 2260)",
            position=position,
            segment=segment,
        )
    if year is not None and not any(v.covers(year) for v in found):
        zh, en = validity(code)
        segment, position = _own_level(code)
        raise InvalidComponent(
            f"行政区划代码 {code} 在{year}年无效，其有效年份为：{zh}",
            f"division code {code} was not valid in {year}; it was valid: {en}",
            position=position,
            segment=segment,
        )
    return code


def is_valid(s: str, year: int | None = None) -> bool:
    """Whether ``s`` is a GB/T 2260 code (in ``year`` when given)."""
    try:
        validate(s, year)
    except ValidationError:
        return False
    return True


def format(s: str) -> str:
    """The display form: the 6 digits."""
    return compact(s)


def _name_in(found: tuple[Validity, ...], year: int | None) -> str | None:
    if year is None:
        return found[-1].name if found else None
    return next((v.name for v in found if v.covers(year)), None)


def name(code: str, year: int | None = None) -> str:
    """The name of the division ``code`` (as of ``year`` when given; else its latest name)."""
    code = validate(code, year)
    result = _name_in(periods(code), year)
    if result is None:  # validate() guarantees a name; kept for the type checker
        raise InvalidComponent(f"行政区划代码 {code} 无名称", f"division code {code} has no name", segment="county")
    return result


def province(code: str) -> str:
    """The name of the province (省级) the code belongs to, from its first two digits."""
    code = compact(code)
    found = _tables()[0].get(code[:2])
    if found is None:
        raise InvalidComponent(
            f"省级代码 {code[:2]} 不存在", f"province code {code[:2]} does not exist", position=0, segment="province"
        )
    return found


def _levels(code: str) -> list[str]:
    # §7.4: a code ending in 0000 is a province, one ending in 00 a prefecture; those levels are the code itself.
    levels = []
    if code[2:4] != "00":
        levels.append(code[:4] + "00")
    if code[4:] != "00":
        levels.append(code)
    return levels


def _named(code: str, year: int | None) -> str | None:
    found = periods(code)
    return _name_in(found, year) or _name_in(found, None)


def full_name(code: str, year: int | None = None) -> str:
    """The names of the province, prefecture and county rows the code sits under, joined by spaces."""
    code = validate(code, year)
    names = [province(code)] + [n for n in (_named(c, year) for c in _levels(code)) if n is not None]
    return " ".join(names)


def codes(year: int | None = None) -> tuple[str, ...]:
    """Every code in the table (valid in ``year`` when given), sorted."""
    table = _tables()[1]
    return tuple(sorted(c for c, found in table.items() if year is None or any(v.covers(year) for v in found)))


def parse(s: str, year: int | None = None) -> Parsed:
    """Province, prefecture and county segments with their names (as of ``year`` when given).

    A ``00`` prefecture or county segment has no meaning of its own: the code names the level above.
    """
    code = validate(s, year)
    prefecture = _named(code[:4] + "00", year) if code[2:4] != "00" else None
    county = _named(code, year) if code[4:] != "00" else None
    segments = (
        Segment("province", "省级", "province", 0, code[:2], province(code)),
        Segment("prefecture", "地级", "prefecture", 2, code[2:4], prefecture),
        Segment("county", "县级", "county", 4, code[4:], county),
    )
    warnings: list[Note] = []
    last_end = periods(code)[-1].end
    if year is None and last_end is not None:
        warnings.append(
            Note(
                "retired",
                f"行政区划代码 {code} 于{last_end}年后停用，请按记录年份核对",
                f"division code {code} was retired after {last_end}; check it against the year of the record",
            )
        )
    return Parsed(KIND, code, segments, tuple(warnings))
