"""Layer 2 (structure), the record's data: each error of the generated pydantic model becomes one finding.

Which rule an error belongs to is decided from the error and the element's domain, never from the
error's English text:

* ``missing``, or null for a mandatory element, or an empty list for a mandatory repeated one → SE-SCH-001;
* a value of the wrong JSON type (a number for a date, text for an integer, an object for a list) → SE-SCH-003;
* a value not in the element's code set → SE-COD-001;
* a member the entity does not define → SE-SCH-004;
* anything else (pattern, length, range, a date that does not exist such as 2023-02-29) → SE-SCH-002.

A date written as text that is not a real day is therefore SE-SCH-002 (right type, value outside the
``YYYY-MM-DD`` representation of GB/T 7408), not SE-SCH-003, which is kept for the wrong JSON type.
"""

from __future__ import annotations

from functools import cache

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sedata.elements import SPEC_VERSION
from sedata.elements._core import CODES_LAYER, SpecModel
from sedata.elements._versions import model_of
from sedata.exchange import Record
from sedata.exchange.rules import json_type
from sedata.privacy.shapes import masked_ok
from sedata.validate.context import FileContext, Where
from sedata.validate.hints import codeset_hint, representation
from sedata.validate.masking import show
from sedata.validate.report import Finding, Text
from sedata.validate.shapes import DataPath, EntityShape, FieldShape, record_pointer, shapes

_RANGE = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})
_CARDINALITY = frozenset({"too_short", "too_long"})


_SHAPE_ONLY = {CODES_LAYER: True}


@cache
def model(entity_id: str, version: str | None = None) -> type[SpecModel]:
    """The generated model class of an entity in spec ``version`` (the file's judging version; None: current)."""
    return model_of(version or SPEC_VERSION, entity_id)


def findings(
    ctx: FileContext, record: Record, entity: EntityShape, where: Where
) -> tuple[list[Finding], set[DataPath]]:
    """The findings of the record's data against its model, and the data paths that had an error."""
    try:
        # Identifiers are the codes layer's (SE-COD, with the status of the rule behind each).
        judged_by = model(entity.id, ctx.spec.info.spec_version)
        judged_by.model_validate(record.data, by_alias=True, by_name=False, context=_SHAPE_ONLY)
    except ValidationError as exc:
        out: list[Finding] = []
        bad: set[DataPath] = set()
        for error in exc.errors(include_url=False):
            loc: DataPath = tuple(error["loc"])
            bad.add(loc)
            if ctx.masking is not None and _masked(ctx, entity, error, loc):
                continue  # personal data in its masked form: checked against that form instead (codes layer)
            out.append(_finding(ctx, entity, error, loc, record_pointer(record.index, "data", *loc), where))
        return out, bad
    return [], set()


def _masked(ctx: FileContext, entity: EntityShape, error: ErrorDetails, loc: DataPath) -> bool:
    """Whether the error is a personal-data value of a masked package that has its kind's masked shape."""
    assert ctx.masking is not None
    value = error.get("input")
    if error["type"] == "missing" or not isinstance(value, str):
        return False
    owner, field = entity, None
    for part in loc:
        if isinstance(part, int):
            continue
        if field is not None:
            if field.entity is None:
                return False
            owner = ctx.shapes[field.entity]
        field = owner.fields.get(part)
        if field is None:
            return False
    return field is not None and field.personal is not None and masked_ok(field.personal, ctx.masking, value, ctx.spec)


def _finding(
    ctx: FileContext, entity: EntityShape, error: ErrorDetails, loc: DataPath, at: str | None, where: Where
) -> Finding:
    all_shapes = shapes(ctx.spec)
    owner, field, item = entity, None, False
    for part in loc:
        if isinstance(part, int):
            item = True
            continue
        if field is not None:
            if field.entity is None:
                break  # pydantic names no member below a scalar; keep the element found so far
            owner = all_shapes[field.entity]
        found = owner.fields.get(part)
        if found is None:
            return ctx.finding("SE-SCH-004", where, value=show(part, None), expected=owner.name, pointer=at)
        field, item = found, False
    assert field is not None  # every model error names a member (a non-object record is an envelope problem)
    kind, value = error["type"], error.get("input")
    shown = show(value, field.personal)
    if kind == "missing" or (value is None and not item and field.mandatory):
        return ctx.finding("SE-SCH-001", where, element=field.ref, pointer=at)
    if kind in _CARDINALITY and field.repeated and not item:
        if field.mandatory and value == []:
            return ctx.finding("SE-SCH-001", where, element=field.ref, pointer=at)
        return ctx.finding("SE-SCH-002", where, element=field.ref, pointer=at, value=shown, expected=field.cardinality)
    wanted = _wanted(field, item)
    if json_type(value) != wanted:
        return ctx.finding(
            "SE-SCH-003",
            where,
            element=field.ref,
            pointer=at,
            value=show(value, field.personal, literal=True),
            expected=_type_text(field, wanted),
        )
    if kind == "literal_error":
        expected = codeset_hint(ctx.spec, field, value) if field.domain and field.domain.codeset else field.cardinality
        return ctx.finding("SE-COD-001", where, element=field.ref, pointer=at, value=shown, expected=expected)
    return ctx.finding(
        "SE-SCH-002", where, element=field.ref, pointer=at, value=shown, expected=_format_text(ctx, field, kind)
    )


def _wanted(field: FieldShape, item: bool) -> str:
    if field.repeated and not item:
        return "array"
    if field.entity is not None:
        return "object"
    if field.domain is not None and field.domain.data_type == "integer":
        return "integer"
    return "string"


def _type_text(field: FieldShape, wanted: str) -> str:
    d = field.domain
    return wanted if d is None or wanted in ("array", "object") else f"{wanted} {d.format}"


def _format_text(ctx: FileContext, field: FieldShape, kind: str) -> Text | str:
    d = field.domain
    if d is None:
        return field.cardinality
    if kind == "string_pattern_mismatch" and d.pattern:
        return representation(ctx.spec, field)  # the spec's words, not the regular expression
    if kind in _RANGE and (d.minimum is not None or d.maximum is not None):
        low = "" if d.minimum is None else str(d.minimum)
        high = "" if d.maximum is None else str(d.maximum)
        return f"{d.format} [{low}, {high}]"
    return d.format
