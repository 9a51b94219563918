"""Layer 3, codes: identifier rules from ``sedata.codes`` for every element whose domain names them.

A value is valid when ANY identifier its domain lists accepts it (a unit code is a USCC or, for a
person, a citizen ID). A value no identifier accepts is SE-COD-002; the Notes of an accepted value
(rules the sources confirm only partly) are SE-COD-003 warnings. Values that already failed the
schema layer are skipped, so one defect gives one finding.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import Any

from sedata.codes import InvalidChecksum, InvalidCode, InvalidComponent, Note, Parsed
from sedata.exchange.records import spec_memo
from sedata.privacy.shapes import leaks, masked_ok
from sedata.spec import Spec
from sedata.validate.context import FileContext, Where
from sedata.validate.masking import scrub, show
from sedata.validate.report import Finding, Text
from sedata.validate.shapes import DataPath, EntityShape, FieldShape, pointer, shapes

# A value that fails one of these looks like that kind of identifier: its message is the useful one.
_SPECIFIC = (InvalidChecksum, InvalidComponent)


# The keyword by which an identifier module's ``parse`` takes the date it judges against (a birth date
# not after it, a year of manufacture at most one year ahead, the catalogue in force on it).
_DATE_KEYWORDS = ("today", "on")


@cache
def _parser(kind: str) -> Callable[[str, dt.date], Parsed]:
    """The module's ``parse``, given the run's date under the keyword it takes one by (if it takes one)."""
    parse = importlib.import_module(f"sedata.codes.{kind}").parse
    keyword = next((k for k in _DATE_KEYWORDS if k in inspect.signature(parse).parameters), None)
    if keyword is None:
        return lambda value, _today: parse(value)
    return lambda value, today: parse(value, **{keyword: today})


def check(
    field: FieldShape, value: str, today: dt.date | None = None
) -> tuple[tuple[Note, ...], tuple[tuple[str, InvalidCode], ...]]:
    """Run the field's identifier rules as of ``today`` (default: the local date): the Notes of the first that
    accepts ``value``, else every refusal."""
    assert field.domain is not None
    return _check_on(field.domain.identifiers, value, today or dt.date.today())


def _check(
    kinds: tuple[str, ...], value: str, today: dt.date | None = None
) -> tuple[tuple[Note, ...], tuple[tuple[str, InvalidCode], ...]]:
    """:func:`check` by the kinds' names (tests compare the columnar expressions with it)."""
    return _check_on(kinds, value, today or dt.date.today())


# Unit codes, divisions and certificate numbers repeat across a file's records, and parsing is pure. The verdict
# (notes, or refused) is cached for many values; a refusal's exceptions (~1.4 KB with their bilingual messages,
# against ~80 bytes a verdict) only for a few, else a file of a million defective identifiers held ~90 MB of them.
_VERDICTS_KEPT = 1 << 16
_REFUSALS_KEPT = 1 << 10


def _check_on(
    kinds: tuple[str, ...], value: str, today: dt.date
) -> tuple[tuple[Note, ...], tuple[tuple[str, InvalidCode], ...]]:
    notes = _verdict(kinds, value, today)
    if notes is not None:
        return notes, ()
    return (), _refusals(kinds, value, today)


@lru_cache(maxsize=_VERDICTS_KEPT)
def _verdict(kinds: tuple[str, ...], value: str, today: dt.date) -> tuple[Note, ...] | None:
    """The notes of the first kind that accepts ``value``; None when every kind refuses it."""
    for kind in kinds:
        try:
            parsed = _parser(kind)(value, today)
        except InvalidCode:
            continue
        return tuple(parsed.warnings)
    return None


@lru_cache(maxsize=_REFUSALS_KEPT)
def _refusals(kinds: tuple[str, ...], value: str, today: dt.date) -> tuple[tuple[str, InvalidCode], ...]:
    """Every kind's refusal of ``value`` (parsed again: a value refused once is rarely met again)."""
    refusals: list[tuple[str, InvalidCode]] = []
    for kind in kinds:
        try:
            _parser(kind)(value, today)
        except InvalidCode as exc:
            refusals.append((kind, _bare(exc)))
    return tuple(refusals)


def clear_caches() -> None:
    """Forget every cached verdict and refusal (tests; a spec reloaded in place)."""
    _verdict.cache_clear()
    _refusals.cache_clear()


def _bare(exc: InvalidCode) -> InvalidCode:
    """``exc`` and the exceptions it was raised from, without tracebacks: a cached traceback keeps its frames
    alive, and through them the whole run that first met the value (its records, lines and findings: about
    20 MB a Dask partition of 12,000 records, never freed)."""
    link: BaseException | None = exc
    while link is not None:
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return exc


def findings(
    ctx: FileContext,
    entity: EntityShape,
    data: dict[str, Any],
    bad: set[DataPath],
    prefix: tuple[str | int, ...],
    where: Where,
) -> list[Finding]:
    """The identifier findings for ``data`` (a record's data or the header), skipping paths in ``bad``."""
    out: list[Finding] = []
    masking = ctx.masking
    today = ctx.today or dt.date.today()
    plans = _plans(ctx.spec)[1 if masking is not None else 0]
    for field, value, path in _values(plans, entity.id, data, ()):
        if bad and any(path[:k] in bad for k in range(1, len(path) + 1)):
            continue
        if masking is not None and field.personal is not None:
            if masked_ok(field.personal, masking, value, ctx.spec):
                continue  # masked as the header says: its own identifier rules no longer apply
            if leaks(field.personal, value):
                shown = show(value, field.personal)
                out.append(
                    ctx.finding("SE-COD-004", where, element=field.ref, value=shown, pointer=pointer(*prefix, *path))
                )
                continue
        if field.domain is None or not field.domain.identifiers:
            continue  # a personal element without identifier rules, visited only for SE-COD-004
        notes, refusals = check(field, value, today)
        if not notes and not refusals:
            continue
        at = pointer(*prefix, *path)
        shown = show(value, field.personal)
        for note in notes:
            detail = Text(scrub(note.zh, value, field.personal), scrub(note.en, value, field.personal))
            out.append(ctx.finding("SE-COD-003", where, element=field.ref, value=shown, detail=detail, pointer=at))
        if refusals:
            out.append(
                ctx.finding(
                    "SE-COD-002",
                    where,
                    element=field.ref,
                    value=shown,
                    expected=_domain_name(ctx.spec, field),
                    detail=_refusal_text(refusals, value, field.personal),
                    pointer=at,
                )
            )
    return out


# Per entity, the fields worth visiting: those with identifier rules, and nested entities that hold some.
_Plan = tuple[tuple[str, FieldShape, bool], ...]


def _build_plans(spec: Spec, personal: bool) -> dict[str, _Plan]:
    all_shapes = shapes(spec)
    plans: dict[str, _Plan] = {}

    def wanted(f: FieldShape) -> bool:
        return bool(f.domain is not None and f.domain.identifiers) or (personal and f.personal is not None)

    def plan(entity_id: str) -> _Plan:
        if entity_id not in plans:
            plans[entity_id] = ()  # entities do not nest recursively; this only guards the recursion
            plans[entity_id] = tuple(
                (name, f, f.entity is not None)
                for name, f in all_shapes[entity_id].fields.items()
                if (f.entity is not None and plan(f.entity)) or (f.entity is None and wanted(f))
            )
        return plans[entity_id]

    for entity_id in all_shapes:
        plan(entity_id)
    return plans


def _plans(spec: Spec) -> tuple[dict[str, _Plan], dict[str, _Plan]]:
    """The fields to visit: with identifier rules; and, for a masked package, personal-data ones too."""
    return spec_memo(spec, "validate.codes.plans", lambda s: (_build_plans(s, False), _build_plans(s, True)))


def _values(
    plans: dict[str, _Plan], entity_id: str, data: dict[str, Any], path: DataPath
) -> Iterator[tuple[FieldShape, str, DataPath]]:
    for name, field, nested in plans[entity_id]:
        value = data.get(name)
        if value is None:
            continue
        items: list[tuple[DataPath, Any]] = (
            [((*path, name, i), v) for i, v in enumerate(value)]
            if field.repeated and isinstance(value, list)
            else [((*path, name), value)]
        )
        for at, item in items:
            if nested and isinstance(item, dict):
                assert field.entity is not None
                yield from _values(plans, field.entity, item, at)
            elif not nested and isinstance(item, str):
                yield field, item, at


def _domain_name(spec: Spec, field: FieldShape) -> Text:
    d = field.domain
    if d is not None and d.value_domain is not None:
        name = spec.value_domains[d.value_domain].name
        return Text(name.zh, name.en)
    return field.ref.name


def _refusal_text(refusals: tuple[tuple[str, InvalidCode], ...], value: str, personal: str | None) -> Text:
    chosen = [r for r in refusals if isinstance(r[1], _SPECIFIC)] or refusals
    if len(chosen) == 1:
        exc = chosen[0][1]
        return Text(scrub(exc.zh, value, personal), scrub(exc.en, value, personal))
    # Several rules refused for their own reasons: name each rule with its reason.
    zh = "；".join(f"{kind}：{scrub(exc.zh, value, personal)}" for kind, exc in chosen)
    en = "; ".join(f"{kind}: {scrub(exc.en, value, personal)}" for kind, exc in chosen)
    return Text(zh, en)
