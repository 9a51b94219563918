"""The screen compiled from the spec: per entity, what each field's column may hold.

Every fact comes from the spec through the same objects the models are generated from (the field's
resolved :class:`~sedata.spec.resolved.Domain`, its obligation) and, where a check does not vectorise,
from the generated model's own field type or the identifier rules themselves, applied once per distinct
value. A column check may be looser than the model (it then flags rows the row engine clears) but never
stricter in the other direction: a value the screen passes is a value the model and the codes layer pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Annotated, Any

import polars as pl
from pydantic import TypeAdapter, ValidationError

from sedata.columnar.identifiers import field_clean
from sedata.exchange.records import spec_memo
from sedata.spec import Spec
from sedata.spec.formats import DATE_PATTERN
from sedata.validate.layers import codes
from sedata.validate.layers.schema import model
from sedata.validate.shapes import EntityShape, FieldShape, shapes

_CACHE_LIMIT = 1 << 13
"""Distinct values remembered per field (verdicts of the slow checks); a file of ever-new values stays bounded."""


@dataclass
class FieldScreen:
    """How one scalar field's column is screened."""

    shape: FieldShape
    integer: bool
    vector: list[pl.Expr]
    """Expressions over the field's column (named by its exchange name) that are true where a non-null value is
    wrong (a null is wrong where the field is mandatory: ``shape.mandatory``)."""
    slow: bool
    """Values are also judged one distinct value at a time (the model's field type, the identifier rules)."""
    adapter: TypeAdapter[Any] | None
    verdicts: dict[Any, bool] = field(default_factory=dict)
    today: dt.date | None = None
    """The run's date the identifier rules judge against (as the codes layer does)."""
    wrong: dict[Any, bool] = field(default_factory=dict)
    """Per non-null value seen, whether ``vector`` holds on it: the checks are a function of the value alone, so
    a batch runs them on the values no earlier batch had (most fields repeat a few values row after row)."""
    probe: int = 0
    """Batches left in which the field is checked on its whole column (its values were mostly new)."""

    @cached_property
    def check(self) -> pl.Expr:
        """True where a non-null value is wrong (any of ``vector``), named by the field (made once: Polars
        expressions are immutable)."""
        return pl.any_horizontal(self.vector).fill_null(False).alias(self.shape.name)

    def remember(self, values: list[Any], verdicts: list[bool]) -> None:
        """Keep the verdicts of newly seen values (a file of ever-new values stays bounded)."""
        if len(self.wrong) + len(values) > _CACHE_LIMIT:
            self.wrong.clear()
        self.wrong.update(zip(values, verdicts, strict=True))

    def clean(self, value: Any) -> bool:
        """The exact verdict on one non-null value: the model's field type, then the identifier rules."""
        found = self.verdicts.get(value)
        if found is None:
            found = True
            if self.adapter is not None:
                try:
                    self.adapter.validate_python(value)
                except ValidationError:
                    found = False
            d = self.shape.domain
            if found and d is not None and d.identifiers and isinstance(value, str):
                notes, refusals = codes.check(self.shape, value, self.today)
                found = not notes and not refusals
            if len(self.verdicts) >= _CACHE_LIMIT:
                self.verdicts.clear()
            self.verdicts[value] = found
        return found


@dataclass
class ListScreen:
    """A repeated scalar field (a list of codes or identifiers): judged once per distinct list, exactly."""

    shape: FieldShape
    adapter: TypeAdapter[Any]
    verdicts: dict[tuple[Any, ...], bool] = field(default_factory=dict)
    today: dt.date | None = None

    def clean(self, value: Any) -> bool:
        """The model's verdict on the whole list (cardinality, items), then the identifier rules on each item."""
        if type(value) is not list or not all(type(v) is str for v in value):
            return False  # the row engine says what is wrong with it
        key = tuple(value)
        found = self.verdicts.get(key)
        if found is None:
            try:
                self.adapter.validate_python(value)
                found = True
            except ValidationError:
                found = False
            d = self.shape.domain
            if found and d is not None and d.identifiers:
                found = all(codes.check(self.shape, v, self.today) == ((), ()) for v in value)
            if len(self.verdicts) >= _CACHE_LIMIT:
                self.verdicts.clear()
            self.verdicts[key] = found
        return found


@dataclass
class EntityScreen:
    """The screen of one record type: its scalar fields, and the fields its business key is made of."""

    shape: EntityShape
    fields: list[FieldScreen]
    key_names: tuple[str, ...]
    loose: frozenset[str]
    """Fields the screen does not look into (nested entities, repeated values): a row holding one is flagged."""
    required: frozenset[str]
    """Mandatory fields among ``loose``: a row without one is flagged too."""
    lists: list[ListScreen]
    """Repeated scalar fields."""


@cache
def _rust_regex_ok(pattern: str) -> bool:
    try:
        pl.Series(["x"]).str.contains(pattern)
    except Exception:  # polars raises its own compute error for a pattern its engine does not take
        return False
    return True


def _field_screen(spec: Spec, entity: EntityShape, f: FieldShape, today: dt.date) -> FieldScreen:
    d = f.domain
    assert d is not None
    v = pl.col(f.name)
    vector: list[pl.Expr] = []
    slow = False
    if d.identifiers:
        # The codes layer parses with the catalogue in force on the run's date, and that date: so does the screen.
        clean = field_clean(d.identifiers, v, today)
        if clean is None:
            slow = True  # a kind without expressions: judged once per distinct value
        else:
            vector.append(v.is_not_null() & ~clean)
    integer = d.data_type == "integer"
    if d.codes is not None:
        vector.append(~v.is_in(list(d.codes)))
    elif d.data_type == "string":
        if d.min_length is not None:
            vector.append(v.str.len_chars() < d.min_length)
        if d.max_length is not None:
            vector.append(v.str.len_chars() > d.max_length)
        if d.pattern:
            anchored = f"^(?:{d.pattern})$"
            if _rust_regex_ok(anchored):
                # pydantic checks string patterns with the same Rust regex engine polars uses.
                vector.append(~v.str.contains(anchored))
            else:
                slow = True
    elif integer:
        if d.minimum is not None:
            vector.append(v < int(d.minimum))
        if d.maximum is not None:
            vector.append(v > int(d.maximum))
    elif d.data_type == "date":
        vector.append(~v.str.contains(f"^(?:{DATE_PATTERN})$"))
        vector.append(v.is_not_null() & v.str.to_date("%Y-%m-%d", strict=False).is_null())
        vector.append(v.str.starts_with("0000"))  # polars takes year 0, Python's dates (and so the model) do not
    else:
        slow = True  # decimals and date-times: the model's own field type decides, once per distinct value
    adapter = None
    if slow and not (d.data_type == "string" and d.codes is None and _all_vectorised(d)):
        adapter = _adapter(spec, entity.id, f.key)
    return FieldScreen(f, integer, vector, slow, adapter, today=today)


def _all_vectorised(d: Any) -> bool:
    return not d.pattern or _rust_regex_ok(f"^(?:{d.pattern})$")


def _adapter(spec: Spec, entity_id: str, key: str) -> TypeAdapter[Any]:
    # The model of the version the message is judged by (a message declaring 1.0.0: 1.0.0's), as the schema layer.
    info = model(entity_id, spec.info.spec_version).model_fields[key]
    # Constraints given to the field itself (a list's minimum length) are kept beside its type.
    kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(kind)  # type: ignore[arg-type]


def _build(spec: Spec, today: dt.date) -> dict[str, EntityScreen]:
    out: dict[str, EntityScreen] = {}
    for entity in shapes(spec).values():
        scalar = [f for f in entity.fields.values() if f.domain is not None and f.entity is None and not f.repeated]
        loose = frozenset(f.name for f in entity.fields.values() if f.entity is not None)
        lists = [
            ListScreen(f, _adapter(spec, entity.id, f.key), today=today)
            for f in entity.fields.values()
            if f.repeated and f.entity is None and f.domain is not None
        ]
        screens = [_field_screen(spec, entity, f, today) for f in scalar]
        out[entity.id] = EntityScreen(
            entity,
            screens,
            tuple(f.name for f in entity.key_fields),
            loose,
            frozenset(f.name for f in entity.fields.values() if f.name in loose and f.mandatory),
            lists,
        )
    return out


def entity_screens(spec: Spec, today: dt.date | None = None) -> dict[str, EntityScreen]:
    """The screen of every entity (compiled once per spec object and day: identifiers are read as of today)."""
    day = today or dt.date.today()
    return spec_memo(spec, f"columnar.screens.{day.isoformat()}", lambda s: _build(s, day))
