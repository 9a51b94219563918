"""The resolved value domain of an element: every constraint the artefacts must enforce, in one place.

Models, JSON Schema, XSD and the hypothesis strategies are all generated from a :class:`Domain`,
so they cannot disagree about what a value may be.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from sedata.spec.formats import FormatError, check_portable_pattern, decimal_bounds, parse_format

if TYPE_CHECKING:
    from sedata.spec.model import CodeSet, Constraints, ValueDomain


_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Domain:
    """Everything that constrains one element's values."""

    data_type: str
    format: str
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    lexical_pattern: str | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    codeset: str | None = None
    codeset_versions: tuple[str, ...] = ()
    level: str | None = None
    codes: tuple[str, ...] | None = None
    code_names: tuple[str, ...] = ()
    unit: str | None = None
    identifiers: tuple[str, ...] = ()
    value_domain: str | None = None

    def accepts_lexical(self, text: str) -> bool:
        """True when ``text`` (the value as written in JSON/XML) is permitted."""
        if self.codes is not None and text not in self.codes:
            return False
        if self.min_length is not None and len(text) < self.min_length:
            return False
        if self.max_length is not None and len(text) > self.max_length:
            return False
        for pat in (self.pattern, self.lexical_pattern):
            if pat and not re.fullmatch(pat, text):
                return False
        try:
            if self.data_type == "date":
                dt.date.fromisoformat(text)
            elif self.data_type == "datetime":
                dt.datetime.fromisoformat(text)
            elif self.data_type in ("integer", "decimal"):
                if self.data_type == "integer" and not _DIGITS.fullmatch(text):
                    return False
                value = Decimal(text)
                if self.minimum is not None and value < self.minimum:
                    return False
                if self.maximum is not None and value > self.maximum:
                    return False
        except (ValueError, InvalidOperation):
            return False
        return True


def resolve_domain(item: Constraints, named: ValueDomain | None, codesets: dict[str, dict[str, CodeSet]]) -> Domain:
    """Merge an element's inline constraints with its named value domain and check them."""
    source: Constraints = item
    if named is not None:
        inline = {k for k in ("data_type", "format", "pattern", "codeset", "identifier", "level") if getattr(item, k)}
        if inline:
            raise FormatError(f"uses value domain {named.id!r} and also sets {sorted(inline)}; put them in one place")
        source = named
    if not source.data_type or not source.format:
        raise FormatError("needs data_type and format (inline or through value_domain)")
    fmt = parse_format(source.data_type, source.format)
    if source.pattern:
        check_portable_pattern(source.pattern)
        if fmt.data_type != "string":
            raise FormatError("a pattern applies to string data only")
    minimum = maximum = None
    if fmt.data_type == "decimal" and (source.min is not None or source.max is not None):
        # Decimals travel as strings, so JSON Schema could only bound their digits, not their value.
        raise FormatError("a decimal is bounded by its format (n..p,s) only; min/max are for integers")
    if fmt.data_type in ("integer", "decimal"):
        minimum, maximum = decimal_bounds(fmt)
        if source.min is not None:
            minimum = max(minimum, source.min)
        if source.max is not None:
            maximum = min(maximum, source.max)
        if minimum > maximum:
            raise FormatError(f"empty range {minimum}..{maximum}")
    elif source.min is not None or source.max is not None:
        raise FormatError("min/max apply to integer and decimal data only")

    codes: tuple[str, ...] | None = None
    names: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    if source.codeset:
        if fmt.data_type != "string":
            raise FormatError("a coded element has data_type string")
        if source.codeset not in codesets:
            raise FormatError(f"unknown code set {source.codeset!r}")
        available = codesets[source.codeset]
        wanted = source.codeset_versions or sorted(available)
        missing = [v for v in wanted if v not in available]
        if missing:
            raise FormatError(f"code set {source.codeset} has no version(s) {missing}")
        versions = tuple(wanted)
        chosen = [available[v] for v in wanted]
        if any(cs.external for cs in chosen):
            if len(chosen) > 1:
                raise FormatError("an external code set cannot be combined with other versions")
            if not (source.pattern or fmt.char_pattern):
                raise FormatError("an external code set needs a pattern or fixed format for the schemas")
        else:
            seen: dict[str, str] = {}
            for cs in chosen:
                if source.level and source.level not in cs.levels:
                    raise FormatError(f"code set {cs.id}@{cs.version} has no level {source.level!r}")
                for e in cs.entries:
                    if source.level and e.level != source.level:
                        continue
                    seen.setdefault(e.code, e.zh)
            if not seen:
                raise FormatError("the code set selection is empty")
            codes, names = tuple(seen), tuple(seen.values())
            too_long = [c for c in codes if fmt.max_length and not (fmt.min_length or 0) <= len(c) <= fmt.max_length]
            if too_long:
                raise FormatError(f"codes {too_long[:5]} do not fit the format {source.format}")
    elif source.level or source.codeset_versions:
        raise FormatError("level / codeset_versions need a codeset")

    return Domain(
        data_type=fmt.data_type,
        format=source.format,
        min_length=fmt.min_length,
        max_length=fmt.max_length,
        pattern=source.pattern or fmt.char_pattern,
        lexical_pattern=fmt.lexical_pattern,
        minimum=minimum,
        maximum=maximum,
        total_digits=fmt.total_digits,
        fraction_digits=fmt.fraction_digits,
        codeset=source.codeset,
        codeset_versions=versions,
        level=source.level,
        codes=codes,
        code_names=names,
        unit=item.unit or source.unit,
        identifiers=tuple(source.identifier),
        value_domain=named.id if named else None,
    )
