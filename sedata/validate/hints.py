"""What a finding tells the sender to do: the nearest allowed codes, and a format in the spec's own words.

A code that is not in its set names the codes closest to it (by spelling, over codes and their names in
both languages) and the command that lists the whole set. A value that does not fit its pattern is
explained by the value domain's definition and example from spec/value-domains.yaml, or by the
element's definition and its format in words, never by the raw regular expression.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from sedata.exchange.records import spec_memo
from sedata.spec import Domain, Spec
from sedata.validate.report import Text
from sedata.validate.shapes import FieldShape

Entry = tuple[str, str, str]
"""A code with its Chinese and English names."""

_NEAREST = 3
_CUTOFF = 0.5  # difflib ratio below which a code is no help (most codes share a few characters)


def _entries(spec: Spec) -> dict[tuple[str, tuple[str, ...], str | None], tuple[Entry, ...]]:
    out: dict[tuple[str, tuple[str, ...], str | None], tuple[Entry, ...]] = {}
    for domain in spec.domains.values():
        if domain.codeset is None or domain.codes is None:
            continue
        key = (domain.codeset, domain.codeset_versions, domain.level)
        if key in out:
            continue
        seen: dict[str, Entry] = {}
        for version in domain.codeset_versions:
            for e in spec.codesets[domain.codeset][version].entries:
                if domain.level and e.level != domain.level:
                    continue
                seen.setdefault(e.code, (e.code, e.zh, e.en or ""))
        out[key] = tuple(seen.values())
    return out


def code_entries(spec: Spec, domain: Domain) -> tuple[Entry, ...]:
    """The codes a coded domain allows, with their names (one table per spec, built once)."""
    table = spec_memo(spec, "validate.hints.entries", _entries)
    return table.get((domain.codeset or "", domain.codeset_versions, domain.level), ())


@lru_cache(maxsize=4096)
def _nearest(entries: tuple[Entry, ...], value: str) -> tuple[Entry, ...]:
    scored: dict[str, float] = {}
    folded = value.strip().casefold()
    for code, zh, en in entries:
        best = 0.0
        for candidate in (code, zh, en):
            if candidate:
                best = max(best, difflib.SequenceMatcher(None, folded, candidate.casefold()).ratio())
        if best >= _CUTOFF:
            scored[code] = best
    order = sorted(scored, key=lambda c: -scored[c])[:_NEAREST]
    by_code = {e[0]: e for e in entries}
    return tuple(by_code[c] for c in order)


def nearest_codes(spec: Spec, domain: Domain, value: str) -> tuple[Entry, ...]:
    """Up to three allowed codes closest to ``value`` (best first; none when nothing is close)."""
    entries = code_entries(spec, domain)
    return _nearest(entries, value) if entries and value else ()


def codeset_hint(spec: Spec, field: FieldShape, value: object) -> Text:
    """The code set a value is not in, with the nearest allowed codes and the command that lists them all."""
    d = field.domain
    assert d is not None and d.codeset is not None
    name = f"{d.codeset}@{'/'.join(d.codeset_versions)}" + (f" {d.level}" if d.level else "")
    show = f"sedata spec show {d.codeset}"
    near = nearest_codes(spec, d, value) if isinstance(value, str) else ()
    if not near:
        return Text(f"{name}（全部代码见 {show}）", f"{name} (all codes: {show})")
    zh = "、".join(code if zh_name == code else f"{code}（{zh_name}）" for code, zh_name, _ in near)
    en = ", ".join(f"{code} {en_name}" if en_name and en_name != code else code for code, _, en_name in near)
    return Text(f"{name}（最接近的代码：{zh}；全部代码见 {show}）", f"{name} (nearest: {en}; all codes: {show})")


_FORMAT = re.compile(r"^(an|a|n)(\.\.)?([0-9]+)$")
_KINDS = {"n": Text("数字", "digits"), "a": Text("字母", "letters"), "an": Text("字母或数字", "letters or digits")}


def format_words(fmt: str) -> Text:
    """A GB/T 7027-style format (``n4``, ``an..20``) in words; the format itself when it is another kind."""
    m = _FORMAT.match(fmt)
    if m is None:
        return Text(fmt, fmt)
    kind, up_to, size = _KINDS[m.group(1)], m.group(2), m.group(3)
    if up_to:
        return Text(f"至多 {size} 位{kind.zh}（{fmt}）", f"up to {size} {kind.en} ({fmt})")
    return Text(f"{size} 位{kind.zh}（{fmt}）", f"{size} {kind.en} ({fmt})")


def representation(spec: Spec, field: FieldShape) -> Text:
    """How a value of the field is written, in the spec's words (value domain definition and an example)."""
    d = field.domain
    assert d is not None
    if d.value_domain is not None:
        vd = spec.value_domains[d.value_domain]
        if vd.definition is not None:
            example = vd.examples[0] if vd.examples else None
            zh = f"{vd.name.zh}的写法：{vd.definition.zh.rstrip('。')}" + (f"（例如 {example}）" if example else "")
            en = f"the form of a {vd.name.en}: {vd.definition.en.rstrip('.')}" + (
                f" (e.g. {example})" if example else ""
            )
            return Text(zh, en)
    words = format_words(d.format)
    if field.element is not None:
        element = spec.elements[field.element]
        definition = element.definition
        return Text(f"{words.zh}：{definition.zh.rstrip('。')}", f"{words.en}: {definition.en.rstrip('.')}")
    return words
