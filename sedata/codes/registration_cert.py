"""使用登记证编号 (use-registration certificate number), e.g. ``梯11闽E3622(16)`` (domain.md §1.2).

category character + digits 2-3 of the variety code + province abbreviation + city letter + serial
+ (YY). The TSG 08-2017 text of the rule was not found: the layout is reconstructed from real values
(PARTIAL), so only the structure (the ``registration-cert-no`` pattern) and the explicit cross-checks
raise; unknown category characters, provinces and city letters are reported as notes.

Decision on ``起17辽JG0033(24)`` (domain.md §9 "questionable"): it fits the spec pattern (辽, city ``J``,
serial ``G0033``), ``17`` is 电动单梁起重机 4170 and ``起`` is 起重机械, so no stated rule is broken. Only
the letter inside the serial is unattested (every confirmed serial is digits), which makes it a note
(UNCONFIRMED), not an error: rejecting it would invent a "digits only" rule no source states.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache, lru_cache

from sedata.codes import _tables
from sedata.codes import equipment_code as _equipment
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
from sedata.codes._layout import Layout, domain_layouts, domain_lengths
from sedata.spec import current
from sedata.spec.model import CodeEntry

KIND = "registration_cert"
VALUE_DOMAIN = "registration-cert-no"
CATEGORY_SET = "registration-cert-category"
PROVINCE_SET = "province-abbreviation"
CITY_SET = "registration-city-letter"
# The serial width used when generating: 5 digits as in the Hunan 2019 data and the Ningxia regex
# (Fujian 2016 data has 4); any width the spec pattern allows may be asked for.
DEFAULT_SERIAL_WIDTH = 5
# Where the two variety digits sit inside a 4-character variety code (3110 → 11, domain.md §1.2).
VARIETY_DIGITS = slice(1, 3)

_LABELS = {
    "category": ("类别字", "category character"),
    "variety": ("品种代码第2、3位", "variety digits 2-3"),
    "province": ("省级简称", "province abbreviation"),
    "city": ("城市代号", "city letter"),
    "serial": ("流水号", "serial number"),
    "year": ("发证年份", "year of issue"),
}


@cache
def layout() -> Layout:
    """The certificate number's segments, read from the spec pattern."""
    (only,) = domain_layouts(
        VALUE_DOMAIN,
        [("category", 1), ("variety", 1), ("province", 1), ("city", 1), ("serial", 1), ("year", 1)],
    )
    return only


@cache
def max_length() -> int | None:
    """The longest certificate number the value domain's format admits."""
    return domain_lengths(VALUE_DOMAIN)[1]


def compact(s: str) -> str:
    """Without spaces; full-width brackets, digits and letters made ASCII (half-width); letters upper case."""
    s = as_text(s)
    text = unicodedata.normalize("NFKC", s)
    return re.sub(r"\s", "", text).upper()


def _entry(codeset_id: str, code: str) -> CodeEntry | None:
    return _tables.find(_tables.only_version(codeset_id), code)


@cache
def _confirmed(codeset_id: str) -> tuple[str, ...]:
    """The codes of a (single-version) spec code set whose own status is CONFIRMED."""
    (cs,) = current().codesets[codeset_id].values()
    return tuple(e.code for e in cs.entries if e.status == "CONFIRMED")


def _full_year(yy: str, today: dt.date) -> int:
    # Two-digit years: the latest century that does not put the year more than one year ahead.
    year = today.year // 100 * 100 + int(yy)
    return year if year <= today.year + 1 else year - 100


def _unconfirmed(code: str, zh: str, en: str) -> Note:
    return Note(code, zh, en, "UNCONFIRMED")


def _known(
    codeset_id: str,
    char: str,
    segment: str,
    notes: list[Note],
    meanings: dict[str, str],
    *,
    unknown: tuple[str, str, str],
    unconfirmed: tuple[str, str, str],
) -> CodeEntry | None:
    """Look ``char`` up in a spec code set: note it when unknown or UNCONFIRMED, record its meaning when known.

    ``unconfirmed`` templates may use ``{zh}`` and ``{en}`` for the entry's names.
    """
    entry = _entry(codeset_id, char)
    if entry is None:
        notes.append(_unconfirmed(*unknown))
        return None
    meanings[segment] = _tables.named(entry)
    if entry.status == "UNCONFIRMED":
        code, zh, en = unconfirmed
        names = {"zh": entry.zh, "en": entry.en or entry.zh}
        notes.append(_unconfirmed(code, zh.format(**names), en.format(**names)))
    return entry


def _check_variety(
    variety: str, digits: str, category: CodeEntry | None, tables: list[_tables.InForce], start: int
) -> list[Note]:
    """Cross-check an explicit variety code against the digits and the category character."""
    if variety[VARIETY_DIGITS] != digits:
        raise InvalidComponent(
            f"品种代码 {variety} 的第2、3位是 {variety[VARIETY_DIGITS]}，登记证编号中却是 {digits}",
            f"variety {variety} has digits {variety[VARIETY_DIGITS]} at positions 2-3, the number has {digits}",
            position=start,
            segment="variety",
        )
    found = _tables.varieties(tables, variety)
    if not found:
        # Not a variety of the year's catalogue: still check the kind against any version that has it.
        every = [_tables.InForce(cs, False) for cs in current().codeset_versions(_tables.CATALOGUE)]
        found = _tables.varieties(every, variety)
    if not found:
        raise InvalidComponent(
            f"品种代码 {variety} 不在特种设备目录中", f"variety {variety} is not in the equipment catalogue"
        )
    if category is None:
        return [
            _unconfirmed(
                "category_unchecked",
                "类别字未知，无法核对其与品种是否一致",
                "the category character is unknown, so it cannot be checked against the variety",
            )
        ]
    allowed = set(category.applies_to)
    if not any(allowed & {e.code for e in v.lineage} for v in found):
        kinds = "、".join(dict.fromkeys(v.lineage[-1].zh for v in found))
        raise InvalidComponent(
            f"类别字“{category.code}”（{category.zh}）与品种 {variety}（属{kinds}）不符",
            f"category character {category.code} ({category.en or category.zh}) does not fit variety {variety} "
            f"(a {kinds})",
            position=0,
            segment="category",
        )
    return []


def _check_equipment(parsed_code: Parsed, province: CodeEntry | None, city: CodeEntry | None) -> list[Note]:
    """An authority-assigned equipment code names the registering division: compare it with the number."""
    if _equipment.form_of(parsed_code) != "authority":
        return []
    division = parsed_code.segment("division").value
    notes: list[Note] = []
    if province is not None and not any(division.startswith(p) for p in province.applies_to):
        notes.append(
            _unconfirmed(
                "province_mismatch",
                f"设备代码由行政区划 {division} 的登记机关赋码，而登记证省级简称为“{province.code}”（{province.zh}）",
                f"the equipment code was assigned in division {division}, the certificate's province is "
                f"{province.code} ({province.en or province.zh})",
            )
        )
    if city is not None and division not in city.applies_to:
        notes.append(
            _unconfirmed(
                "city_mismatch",
                f"设备代码由行政区划 {division} 的登记机关赋码，而登记证城市代号为 {city.code}（{city.zh}）",
                f"the equipment code was assigned in division {division}, the certificate's city is "
                f"{city.code} ({city.en or city.zh})",
            )
        )
    return notes


@lru_cache(maxsize=4096)
def _candidates(year: int, digits: str, allowed: frozenset[str] | None, _spec: int) -> tuple[_tables.Variety, ...]:
    """Varieties of the catalogues in force in ``year`` whose digits 2-3 are ``digits``, within ``allowed``.

    Scanning the catalogue for every number read dominated validation time; the answer depends only on these
    arguments (and the spec, whose identity is the last one).
    """
    tables = _tables.in_force_during(_tables.CATALOGUE, *_tables.year_span(year))
    return tuple(
        v
        for t in tables
        for e in t.codeset.entries
        if e.code[VARIETY_DIGITS] == digits
        and (v := _tables.as_variety(t, e.code)) is not None
        and (allowed is None or allowed & {a.code for a in v.lineage})
    )


def variety_lineages(year: int) -> dict[str, tuple[frozenset[str], ...]]:
    """Digits 2-3 → the catalogue codes of each variety with them (the variety and its ancestors), in the catalogues
    in force in ``year``: ``_candidates(year, digits, allowed, …)`` is non-empty exactly when ``allowed`` meets one.
    """
    tables = _tables.in_force_during(_tables.CATALOGUE, *_tables.year_span(year))
    return _lineages(tuple(t.codeset.version for t in tables), id(current()))


@lru_cache(maxsize=64)
def _lineages(versions: tuple[str, ...], _spec: int) -> dict[str, tuple[frozenset[str], ...]]:
    # Keyed by the catalogue versions, not the year: a century of years has a handful of them.
    out: dict[str, list[frozenset[str]]] = {}
    for version in versions:
        cs = current().codesets[_tables.CATALOGUE][version]
        table = _tables.InForce(cs, False)  # whether it is surely in force does not change what is a variety
        for e in cs.entries:
            v = _tables.as_variety(table, e.code)
            if v is not None:
                out.setdefault(e.code[VARIETY_DIGITS], []).append(frozenset(a.code for a in v.lineage))
    return {digits: tuple(found) for digits, found in out.items()}


def parse(
    s: str, equipment_code: str | None = None, variety: str | None = None, *, today: dt.date | None = None
) -> Parsed:
    """Segments, meanings and notes; with ``equipment_code`` or ``variety``, cross-check the digits and category."""
    today = today or dt.date.today()
    value = compact(s)
    limit = max_length()
    if limit is not None and len(value) > limit:
        raise InvalidLength(
            f"使用登记证编号最长{limit}个字符，实为{len(value)}个",
            f"a registration certificate number has at most {limit} characters, not {len(value)}",
        )
    parts = layout().split(value)
    if parts is None:
        pos, key = layout().diagnose(value) or (0, "category")
        zh, en = _LABELS[key]
        shown = value[pos] if pos < len(value) else "（结尾）"
        raise InvalidFormat(
            f"第{pos + 1}位“{shown}”不符合使用登记证编号格式（{zh}）",
            f"character {pos + 1} ({value[pos : pos + 1] or 'end'!r}) does not fit the registration certificate "
            f"number ({en})",
            position=pos,
            segment=key,
        )
    got = {k: (start, v) for k, start, v in parts}
    notes: list[Note] = []
    meanings: dict[str, str] = {}

    cat_char = got["category"][1]
    confirmed = _confirmed(CATEGORY_SET)
    category = _known(
        CATEGORY_SET,
        cat_char,
        "category",
        notes,
        meanings,
        unknown=(
            "category_unknown",
            f"类别字“{cat_char}”不在已知列表中（已证实：{'、'.join(confirmed)}）",
            f"category character {cat_char} is not a known one (confirmed: {', '.join(confirmed)})",
        ),
        unconfirmed=(
            "category_unconfirmed",
            f"类别字“{cat_char}”（{{zh}}）常见于引述，但未在来源中见到",
            f"category character {cat_char} ({{en}}) is often quoted but was not seen in a source",
        ),
    )

    yy = got["year"][1].strip("()")
    year = _full_year(yy, today)
    meanings["year"] = f"{year}年 / {year}"
    tables = _tables.in_force_during(_tables.CATALOGUE, *_tables.year_span(year))

    digits_start, digits = got["variety"]
    allowed = frozenset(category.applies_to) if category else None
    candidates = _candidates(year, digits, allowed, id(current()))
    if candidates:
        meanings["variety"] = "；".join(dict.fromkeys(f"{v.entry.code} {v.entry.zh}" for v in candidates))
    elif category is not None:
        notes.append(
            Note(
                "variety_digits_unknown",
                f"{category.zh}中没有第2、3位为 {digits} 的品种（该规则系由实例推断）",
                f"no variety of {category.en or category.zh} has {digits} at positions 2-3 (a rule inferred "
                "from samples)",
                "PARTIAL",
            )
        )

    prov_char = got["province"][1]
    province = _known(
        PROVINCE_SET,
        prov_char,
        "province",
        notes,
        meanings,
        unknown=(
            "province_unknown",
            f"“{prov_char}”不是已知的省级简称",
            f"{prov_char} is not a known province abbreviation",
        ),
        unconfirmed=(
            "province_unconfirmed",
            f"省级简称“{prov_char}”（{{zh}}）出自常识，未在来源数据中见到",
            f"province abbreviation {prov_char} ({{en}}) is common knowledge, not seen in source data",
        ),
    )

    city = _entry(CITY_SET, prov_char + got["city"][1])
    if city is not None:
        meanings["city"] = _tables.named(city)

    serial = got["serial"][1]
    if serial.isdigit():
        meanings["serial"] = f"第{int(serial)}号 / no. {int(serial)}"
    else:
        notes.append(
            _unconfirmed(
                "serial_letters",
                f"流水号 {serial} 含字母：已证实的实例均为数字（也可能是两位字母的城市代号）",
                f"serial {serial} contains letters: every confirmed sample is digits (the letters may also be a "
                "two-letter city code)",
            )
        )

    if equipment_code is not None:
        try:
            parsed_code = _equipment.parse(equipment_code)
        except InvalidCode as exc:
            raise InvalidComponent(
                f"用于核对的设备代码无效：{exc.zh}",
                f"the equipment code given for the cross-check is invalid: {exc.en}",
            ) from exc
        code_variety = parsed_code.segment("variety").value
        if variety is not None and _equipment.compact(variety) != code_variety:
            raise InvalidComponent(
                f"给出的品种 {variety} 与设备代码中的品种 {code_variety} 不一致",
                f"the variety given ({variety}) differs from the equipment code's ({code_variety})",
            )
        variety = code_variety
        notes.extend(_check_equipment(parsed_code, province, city))
    if variety is not None:
        notes.extend(_check_variety(variety.strip().upper(), digits, category, tables, digits_start))

    segments = tuple(Segment(key, *_LABELS[key], start, v, meanings.get(key)) for key, start, v in parts)
    return Parsed(KIND, value, segments, tuple(notes))


def validate(
    s: str, equipment_code: str | None = None, variety: str | None = None, *, today: dt.date | None = None
) -> str:
    """The compact number if valid (and consistent with ``equipment_code`` / ``variety`` when given), else raise."""
    return parse(s, equipment_code, variety, today=today).value


def is_valid(s: str, equipment_code: str | None = None, variety: str | None = None) -> bool:
    """Whether ``s`` is a valid registration certificate number (consistent with the cross-check inputs)."""
    try:
        parse(s, equipment_code, variety)
    except ValidationError:
        return False
    return True


def format(s: str) -> str:
    """The printed form: half-width brackets, no spaces."""
    return validate(s)


def serial_widths() -> tuple[int, int | None]:
    """The serial widths the spec pattern allows (min, max)."""
    part = layout().part("serial")
    return part.min_len, part.max_len


def generate(
    category: str,
    variety: str,
    province: str,
    city: str,
    serial: int,
    year: int,
    *,
    width: int = DEFAULT_SERIAL_WIDTH,
    today: dt.date | None = None,
) -> str:
    """Build a certificate number (e.g. ``梯``, ``3110``, ``闽``, ``E``, 3622, 2016, width=4 → ``梯11闽E3622(16)``).

    ``today`` (default: the current date) is the day its two-digit year is read back against."""
    low, high = serial_widths()
    if width < low or (high is not None and width > high):
        raise InvalidComponent(
            f"流水号位数 {width} 不在规范允许的 {low}-{high} 之间",
            f"serial width {width} is outside the {low}-{high} the spec allows",
            segment="serial",
        )
    if not 1 <= serial < 10**width:
        raise InvalidComponent(
            f"流水号 {serial} 超出 1-{10**width - 1}", f"serial {serial} is outside 1-{10**width - 1}", segment="serial"
        )
    if _entry(CATEGORY_SET, category) is None:
        raise InvalidComponent(
            f"未知的类别字“{category}”", f"unknown category character {category}", segment="category"
        )
    if _entry(PROVINCE_SET, province) is None:
        raise InvalidComponent(
            f"未知的省级简称“{province}”", f"unknown province abbreviation {province}", segment="province"
        )
    variety = variety.strip().upper()
    number = f"{category}{variety[VARIETY_DIGITS]}{province}{city.strip().upper()}{serial:0{width}d}({year % 100:02d})"
    return validate(number, variety=variety, today=today)
