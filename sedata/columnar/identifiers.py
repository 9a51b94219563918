"""Identifier rules as Polars expressions: shapes, check characters and code tables, over whole columns.

For each identifier kind of :mod:`sedata.codes` whose rules vectorise, :func:`identifier` gives two
expressions over a string column: ``clean``, true only where the module's ``parse`` accepts the value with
no note (so the codes layer finds nothing), and ``accepts``, true wherever ``parse`` may accept it. A field
whose domain lists several kinds is clean when the first kind that accepts the value accepts it cleanly
(:func:`field_clean`), as the codes layer reads them.

Nothing is restated: alphabets, weights and layouts are the modules' own constants and spec layouts;
check characters are mapped from each weighted-sum residue by calling the module's own ``calc_check_digit``
on bodies built for that residue; code tables (divisions and their years, varieties, category and province
characters) are the modules' tables, and the verdict on each small component value (a variety, a
manufacturer region, a certificate's year, digits and category) is the module's own, computed once per
component value when the screen is compiled. Where a rule does not vectorise exactly the expression is
loose (``clean`` false, so the row goes to the row engine), never blind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import polars as pl
from stdnum.cn import ric

from sedata.codes import (
    _tables,
    admin_division,
    equipment_code,
    org_code,
    registration_cert,
    uscc,
)
from sedata.codes._base import ValidationError
from sedata.spec import current


@dataclass(frozen=True)
class IdentifierExpr:
    """What the screen knows of one identifier kind on a column: where it may accept, where it is clean."""

    accepts: pl.Expr
    """True wherever the module may accept the value (a superset of what it accepts; null-free)."""
    clean: pl.Expr
    """True only where the module accepts the value with no note (a subset; null-free)."""


_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _weighted(value: pl.Expr, start: int, values: dict[str, int], weights: tuple[int, ...]) -> pl.Expr:
    """Σ value(c)·w over the ``len(weights)`` characters from ``start`` (null when a character has no value).

    Each character is read as a base-36 digit and its value taken from a 36-entry table by position (no hash
    look-up per character), once the text is known to hold only characters that have a value.
    """
    n = len(weights)
    if not set(values) <= set(_BASE36):
        return _weighted_by_list(value, start, values, weights)
    table = pl.Series([values.get(c) for c in _BASE36], dtype=pl.Int64)
    alphabet = "".join(re.escape(c) for c in sorted(values))
    part = value.str.slice(start, n)
    terms = [
        pl.lit(table).gather(part.str.slice(i, 1).str.to_integer(base=36, strict=False)) * w
        for i, w in enumerate(weights)
    ]
    # Lower-case letters read as base-36 digits too: only a text of the alphabet's own characters is summed.
    return pl.when(part.str.contains(f"^[{alphabet}]{{{n}}}$")).then(pl.sum_horizontal(terms))


def _weighted_by_list(value: pl.Expr, start: int, values: dict[str, int], weights: tuple[int, ...]) -> pl.Expr:
    """:func:`_weighted` for an alphabet beyond ``0-9A-Z``: the characters as a list, each looked up."""
    n = len(weights)
    # Padded to ``n`` with a character that has no value, so that short texts keep the list lengths equal.
    chars = value.str.slice(start, n).str.pad_end(n, "\x00").str.split("")
    numbers = chars.list.eval(pl.element().replace_strict(values, default=None, return_dtype=pl.Int64))
    total = (numbers * pl.lit(pl.Series([list(weights)], dtype=pl.List(pl.Int64)))).list.sum()
    complete = (chars.list.len() == n) & ~numbers.list.eval(pl.element().is_null()).list.any()
    return pl.when(complete).then(total)


def _residue_checks(
    modulus: int, weights: tuple[int, ...], values: dict[str, int], check: Callable[[str], str]
) -> dict[int, str]:
    """Residue of the weighted sum → check character, each found by the module's own ``calc_check_digit``."""
    out: dict[int, str] = {}
    zero = next(c for c, v in values.items() if v == 0)
    for r in range(modulus):
        # A body whose weighted sum is ≡ r: one character at the first position whose weight reaches r.
        body = None
        for pos, w in enumerate(weights):
            hit = next((c for c, v in values.items() if (v * w - r) % modulus == 0), None)
            if hit is not None:
                body = zero * pos + hit + zero * (len(weights) - pos - 1)
                break
        if body is None:
            raise LookupError(f"no body reaches residue {r} (mod {modulus})")
        out[r] = check(body)
    return out


# --- divisions -------------------------------------------------------------------------------------
@cache
def _divisions() -> tuple[dict[str, int], dict[str, int], frozenset[str], frozenset[str]]:
    """Division codes → first and last year of the one unbroken span they were valid (loc.dat years), the
    codes that ever existed, and the codes not retired (no note when parsed alone)."""
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    live: set[str] = set()
    for code in admin_division.codes():
        found = admin_division.periods(code)
        if found[-1].end is None:
            live.add(code)
        spans = sorted((v.start if v.start is not None else 0, v.end if v.end is not None else 9999) for v in found)
        lo, hi = spans[0]
        contiguous = True
        for s, e in spans[1:]:
            if s > hi + 1:
                contiguous = False
            hi = max(hi, e)
        if contiguous:  # a code with a gap in its years is left to the row engine (loose)
            low[code], high[code] = lo, hi
    return low, high, frozenset(admin_division.codes()), frozenset(live)


@cache
def _division_tables() -> tuple[pl.Series, pl.Series, pl.Series] | None:
    """Dense tables indexed by a six-digit division code: its span of years (``first·10⁴ + last``, null where it
    has none), whether it ever existed, whether it is in use (None: some code is not six digits)."""
    low, high, ever, live = _divisions()
    if not all(len(code) == 6 and code.isdigit() for code in ever):
        return None
    span: list[int | None] = [None] * 10**6
    for code, lo in low.items():
        span[int(code)] = lo * 10**4 + high[code]
    existed, used = [False] * 10**6, [False] * 10**6
    for code in ever:
        existed[int(code)] = True
    for code in live:
        used[int(code)] = True
    # 32 bits hold first·10⁴ + last for any four-digit years (below 2³¹): 4 MB for the million codes, not 8.
    return pl.Series(span, dtype=pl.Int32), pl.Series(existed), pl.Series(used)


def _division_index(division: pl.Expr) -> pl.Expr:
    """The code as a table index: null unless it is six ASCII digits (so the index reads as the text does)."""
    return pl.when(division.str.contains("^[0-9]{6}$")).then(division.cast(pl.Int64, strict=False))


def _division_known(division: pl.Expr, which: frozenset[str], column: int) -> pl.Expr:
    """True where the code is one of ``which`` (the codes that ever existed, or those in use: ``column`` 1 or 2)."""
    tables = _division_tables()
    if tables is None:
        return division.is_in(list(which)).fill_null(False)
    return pl.lit(tables[column]).gather(_division_index(division)).fill_null(False)


def _valid_in(division: pl.Expr, year: pl.Expr) -> pl.Expr:
    """True where the division code was valid in ``year`` (false where unknown or with gaps: loose)."""
    tables = _division_tables()
    if tables is None:
        low, high, _, _ = _divisions()
        lo = division.replace_strict(low, default=None, return_dtype=pl.Int64)
        hi = division.replace_strict(high, default=None, return_dtype=pl.Int64)
    else:
        # One look-up by position in a dense table, not two hash look-ups of text per row.
        span = pl.lit(tables[0]).gather(_division_index(division))
        lo, hi = span // 10**4, span % 10**4
    return ((year >= lo) & (year <= hi)).fill_null(False)


def admin_division_expr(value: pl.Expr) -> IdentifierExpr:
    """GB/T 2260 codes: a code that ever existed is accepted; one still in use is clean (a retired one has a note)."""
    _, _, ever, live = _divisions()
    loose = ~value.str.contains("^[0-9]*$").fill_null(True)  # compact() strips spaces: the module may accept it
    return IdentifierExpr(_division_known(value, ever, 1) | loose, _division_known(value, live, 2))


# --- GB 11714 / GB 32100 ---------------------------------------------------------------------------
@cache
def _org_tables() -> tuple[dict[str, int], dict[int, str]]:
    values = {c: org_code._value(c) for c in org_code.BODY_ALPHABET}
    return values, _residue_checks(11, org_code.WEIGHTS, values, org_code.calc_check_digit)


def _org_ok(value: pl.Expr, start: int) -> pl.Expr:
    values, checks = _org_tables()
    n = len(org_code.WEIGHTS)
    total = _weighted(value, start, values, org_code.WEIGHTS)
    want = (total % 11).replace_strict(checks, default=None, return_dtype=pl.String)
    return (value.str.slice(start + n, 1) == want).fill_null(False)


def org_code_expr(value: pl.Expr) -> IdentifierExpr:
    """GB 11714: 8 body characters, a check character from the weighted sum mod 11."""
    canonical = value.str.contains(f"^[{org_code.BODY_ALPHABET}]{{8}}[{org_code.CHECK_ALPHABET}]$").fill_null(False)
    ok = canonical & _org_ok(value, 0)
    return IdentifierExpr(ok | ~value.str.contains("^[0-9A-Z]*$").fill_null(True), ok)


@cache
def _uscc_tables() -> tuple[dict[str, int], dict[int, str], frozenset[str], frozenset[str], frozenset[str]]:
    values = {c: i for i, c in enumerate(uscc.ALPHABET)}
    checks = _residue_checks(31, uscc.WEIGHTS, values, uscc.calc_check_digit)
    parts = uscc._parts()
    confirmed = frozenset(c for c, e in parts.items() if len(c) == 1 and e.status == "CONFIRMED")
    with_categories = frozenset(c for c in confirmed if any(e.parent == c for e in parts.values()))
    categories = frozenset(c for c in parts if len(c) == 2)
    return values, checks, confirmed, with_categories, categories


def uscc_expr(value: pl.Expr) -> IdentifierExpr:
    """GB 32100: alphabet, the mod-31 check character, the embedded organisation code and division; notes on
    authorities and categories the spec does not confirm."""
    values, checks, confirmed, with_categories, categories = _uscc_tables()
    _, _, ever, _ = _divisions()
    n = len(uscc.WEIGHTS)
    canonical = value.str.contains(f"^[{uscc.ALPHABET}]{{{n + 1}}}$").fill_null(False)
    total = _weighted(value, 0, values, uscc.WEIGHTS)
    want = (total % 31).replace_strict(checks, default=None, return_dtype=pl.String)
    ok = (
        canonical
        & (value.str.slice(n, 1) == want).fill_null(False)
        & _org_ok(value, 8)
        & _division_known(value.str.slice(2, 6), ever, 1)
    )
    first = value.str.slice(0, 1)
    noted = ~first.is_in(list(confirmed)) | (
        first.is_in(list(with_categories)) & ~value.str.slice(0, 2).is_in(list(categories))
    )
    loose = ~value.str.contains("^[0-9A-Z]*$").fill_null(True)  # compact() could still make a code of it
    return IdentifierExpr(ok | loose, ok & ~noted.fill_null(True))


# --- GB 11643 --------------------------------------------------------------------------------------
@cache
def _ric_tables() -> tuple[tuple[int, ...], dict[int, str]]:
    # python-stdnum reads the 17 digits as one base-13 number (ISO 7064 MOD 11-2): position weights 13^k mod 11.
    weights = tuple(pow(13, 16 - i, 11) for i in range(17))
    digits = {str(d): d for d in range(10)}
    checks = _residue_checks(11, weights, digits, lambda body: ric.calc_check_digit(body + "0"))
    return weights, checks


def citizen_id_expr(value: pl.Expr, today: dt.date) -> IdentifierExpr:
    """GB 11643, 18 digits: the check character, a real birth date not after ``today``, the address code valid in
    the birth year. A legacy 15-digit number always has a note, so it is never clean (but may be accepted)."""
    weights, checks = _ric_tables()
    canonical = value.str.contains("^[0-9]{17}[0-9X]$").fill_null(False)
    total = _weighted(value, 0, {str(d): d for d in range(10)}, weights)
    want = (total % 11).replace_strict(checks, default=None, return_dtype=pl.String)
    born = value.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    year = value.str.slice(6, 4).cast(pl.Int64, strict=False)
    ok = (
        canonical
        & (value.str.slice(17, 1) == want).fill_null(False)
        & (born.is_not_null() & (year >= 1) & (born <= pl.lit(today))).fill_null(False)
        & _valid_in(value.str.slice(0, 6), year)
    )
    loose = ~value.str.contains("^[0-9]{17}[0-9X]$").fill_null(True)  # 15 digits, lower-case x, separators
    return IdentifierExpr(ok | loose, ok)


# --- equipment code --------------------------------------------------------------------------------
def _starts(layout_parts: Iterable[object]) -> dict[str, tuple[int, int]]:
    out, pos = {}, 0
    for p in layout_parts:
        out[p.key] = (pos, p.width)  # type: ignore[attr-defined]
        pos += p.width  # type: ignore[attr-defined]
    return out


@cache
def _equipment_tables(today: dt.date) -> tuple[frozenset[str], frozenset[str]]:
    """Varieties read with no note in the catalogue in force ``today``, and manufacturer regions read with none."""
    codes = {e.code for cs in current().codeset_versions(_tables.CATALOGUE) for e in cs.entries}
    clean: set[str] = set()
    for code in codes:
        try:
            meaning, notes = equipment_code._variety(code, today)
        except ValidationError:  # the module refuses the code: never clean
            continue
        if meaning and not notes:
            clean.add(code)
    width = _starts(equipment_code.layouts()["manufacturer"].parts)["maker"][1]
    regions = set()
    for r in range(10**equipment_code.REGION_DIGITS):
        region = f"{r:0{equipment_code.REGION_DIGITS}d}"
        if not equipment_code._maker_meaning(region.ljust(width, "0"))[1]:
            regions.add(region)
    return frozenset(clean), frozenset(regions)


def equipment_code_expr(value: pl.Expr, today: dt.date) -> IdentifierExpr:
    """Equipment codes: clean only in the manufacturer form with a digit sequence, a variety of the catalogue in
    force, a known region, a plausible year, and no plausible authority-form reading (which would be a note)."""
    layouts = equipment_code.layouts()
    maker, authority = layouts["manufacturer"], layouts["authority"]
    m, a = _starts(maker.parts), _starts(authority.parts)
    varieties, regions = _equipment_tables(today)
    first, last = equipment_code.EARLIEST_YEAR, today.year + equipment_code.YEARS_AHEAD

    def seg(where: dict[str, tuple[int, int]], key: str) -> pl.Expr:
        return value.str.slice(*where[key])

    def plausible(where: dict[str, tuple[int, int]]) -> tuple[pl.Expr, pl.Expr]:
        year = seg(where, "year").cast(pl.Int64, strict=False)
        return ((year >= first) & (year <= last)).fill_null(False), year

    fits_m = value.str.contains(f"^{maker.regex.pattern}$").fill_null(False)
    fits_a = value.str.contains(f"^{authority.regex.pattern}$").fill_null(False)
    m_year_ok, _ = plausible(m)
    a_year_ok, a_year = plausible(a)
    ambiguous = fits_a & a_year_ok & _maybe_valid_in(seg(a, "division"), a_year)
    clean = (
        fits_m
        & m_year_ok
        & ~ambiguous
        & seg(m, "variety").is_in(list(varieties)).fill_null(False)
        & seg(m, "maker").str.slice(0, equipment_code.REGION_DIGITS).is_in(list(regions)).fill_null(False)
        & seg(m, "sequence").str.contains("^[0-9]+$").fill_null(False)
    )
    accepts = fits_m | fits_a | ~value.str.contains("^[0-9A-Z]*$").fill_null(True)
    return IdentifierExpr(accepts, clean)


def _maybe_valid_in(division: pl.Expr, year: pl.Expr) -> pl.Expr:
    """True wherever the division may have been valid in ``year`` (codes with gaps count as valid: loose)."""
    low, _, ever, _ = _divisions()
    gapped = [c for c in ever if c not in low]
    return _valid_in(division, year) | division.is_in(gapped).fill_null(False)


# --- registration certificate ----------------------------------------------------------------------
@cache
def _cert_tables(today: dt.date) -> frozenset[str]:
    """Keys ``YY|digits|category`` of the numbers the module reads with no note on their variety digits.

    Computed from the module itself (its categories, provinces and catalogue candidates) for every two-digit
    year, every pair of digits a catalogue variety has, and every category character without a note.
    """
    categories = [e for e in _tables.only_version(registration_cert.CATEGORY_SET).entries if e.status != "UNCONFIRMED"]
    digits = {
        e.code[registration_cert.VARIETY_DIGITS]
        for cs in current().codeset_versions(_tables.CATALOGUE)
        for e in cs.entries
        if len(e.code) >= 3
    }
    out: set[str] = set()
    for yy in range(100):
        lineages = registration_cert.variety_lineages(registration_cert._full_year(f"{yy:02d}", today))
        for category in categories:
            allowed = frozenset(category.applies_to)
            for d in digits:
                if any(allowed & codes for codes in lineages.get(d, ())):  # _candidates(year, d, allowed) ≠ ()
                    out.add(f"{yy:02d}|{d}|{category.code}")
    return frozenset(out)


def registration_cert_expr(value: pl.Expr, today: dt.date) -> IdentifierExpr:
    """Use-registration certificate numbers: the layout, a known category and province (not UNCONFIRMED), digit
    serials, and variety digits that name a variety of the category in the catalogues of the number's year."""
    layout = registration_cert.layout()
    provinces = [
        e.code for e in _tables.only_version(registration_cert.PROVINCE_SET).entries if e.status != "UNCONFIRMED"
    ]
    groups = value.str.extract_groups(f"^{layout.regex.pattern}$")
    cat = groups.struct.field("category")
    key = pl.concat_str(
        [groups.struct.field("year").str.slice(1, 2), groups.struct.field("variety"), cat], separator="|"
    )
    fits = value.str.contains(f"^{layout.regex.pattern}$").fill_null(False)
    clean = (
        fits
        & ~value.str.contains("[\\s（）]").fill_null(True)  # compact() would change it: the row engine reads it
        & groups.struct.field("province").is_in(provinces).fill_null(False)
        & groups.struct.field("serial").str.contains("^[0-9]+$").fill_null(False)
        & key.is_in(list(_cert_tables(today))).fill_null(False)
    )
    return IdentifierExpr(fits | ~value.str.contains(f"^{layout.regex.pattern}$").fill_null(True), clean)


# --- a field's kinds -------------------------------------------------------------------------------
VECTORISED = ("admin_division", "citizen_id", "equipment_code", "org_code", "registration_cert", "uscc")
"""Identifier kinds with expressions; any other kind leaves the field to the per-value check."""


def identifier(kind: str, value: pl.Expr, today: dt.date) -> IdentifierExpr | None:
    """The expressions of one identifier kind over ``value`` (None: the kind does not vectorise here)."""
    if kind == "uscc":
        return uscc_expr(value)
    if kind == "org_code":
        return org_code_expr(value)
    if kind == "citizen_id":
        return citizen_id_expr(value, today)
    if kind == "admin_division":
        return admin_division_expr(value)
    if kind == "equipment_code":
        return equipment_code_expr(value, today)
    if kind == "registration_cert":
        return registration_cert_expr(value, today)
    return None


def field_clean(kinds: Iterable[str], value: pl.Expr, today: dt.date) -> pl.Expr | None:
    """True where the codes layer finds nothing on ``value``: the first kind that accepts it accepts it with no
    note. None when a kind does not vectorise."""
    clean: pl.Expr = pl.lit(False)
    earlier_refuse: pl.Expr = pl.lit(True)
    for kind in kinds:
        found = identifier(kind, value, today)
        if found is None:
            return None
        clean = clean | (earlier_refuse & found.clean)
        earlier_refuse = earlier_refuse & ~found.accepts
    return clean
