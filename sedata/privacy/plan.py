"""Where personal data sits in each entity, read from the spec's shapes (never from field names).

A field is personal when its element is marked ``personal_data``. With ``personal_when`` it is personal
only in an object (a record's data or a nested component) where one of the named elements holds a citizen
ID — the unit is an individual; the element itself may be one of them (a unit code that is an ID). When the
entity carries none of the deciding elements the field is treated as personal, since nothing shows that it
belongs to an organisation. A field that names another record's business key (``references``) links
records, as the business key itself does: masking pseudonymises both alike, so links survive. Free-text
string fields (no code set, identifier or pattern) are scanned for stray citizen IDs. Plans are built once
per spec object.
"""

from __future__ import annotations

from dataclasses import dataclass

from sedata.exchange.records import spec_memo
from sedata.spec import Spec
from sedata.spec.model import EntityField


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """One field of an entity as masking needs it."""

    name: str
    """Exchange name (JSON member, XML element)."""
    kind: str | None
    """The personal-data kind of its element, None for non-personal fields."""
    always: bool
    """Personal whatever the value (no ``personal_when``, or no deciding element in this entity)."""
    self_decides: bool
    """Personal when its own value is a citizen ID (unit codes, certificate numbers)."""
    deciders: tuple[str, ...]
    """Exchange names of fields of the same object whose citizen ID makes this one personal."""
    entity: str | None
    repeated: bool
    free_text: bool
    links: bool = False
    """Its values name another record's business key (``references``): pseudonymised like the key."""


@dataclass(frozen=True, slots=True)
class EntityPlan:
    """The fields of one entity that masking may change, and its business-key fields in key order."""

    fields: tuple[FieldPlan, ...]
    keys: tuple[FieldPlan, ...]

    @property
    def personal_key(self) -> bool:
        """Whether some business-key field may hold personal data."""
        return any(f.kind is not None for f in self.keys)


def _field(spec: Spec, entity_fields: list[EntityField], f: EntityField) -> FieldPlan:
    name = spec.field_exchange_name(f)
    if f.element is None:
        return FieldPlan(name, None, False, False, (), f.entity, f.repeated, False)
    element = spec.elements[f.element]
    domain = spec.domains[f.element]
    free_text = (
        domain.data_type == "string" and domain.codes is None and not domain.identifiers and domain.pattern is None
    )
    when = set(element.personal_when)
    deciders = tuple(
        spec.field_exchange_name(g) for g in entity_fields if g is not f and g.element is not None and g.element in when
    )
    self_decides = element.id in when
    always = element.personal_data is not None and not deciders and not self_decides
    # `references` is read with getattr: the cross-record checks define it, masking only follows it.
    links = getattr(f, "references", None) is not None
    return FieldPlan(name, element.personal_data, always, self_decides, deciders, None, f.repeated, free_text, links)


def _build(spec: Spec) -> dict[str, EntityPlan]:
    every: dict[str, tuple[FieldPlan, ...]] = {}
    keys: dict[str, tuple[FieldPlan, ...]] = {}
    for entity in spec.entities.values():
        fields = tuple(_field(spec, entity.fields, f) for f in entity.fields)
        by_key = {spec.field_key(f): plan for f, plan in zip(entity.fields, fields, strict=True)}
        every[entity.id] = fields
        keys[entity.id] = tuple(by_key[k] for k in entity.business_key)

    def relevant(entity_id: str, trail: frozenset[str]) -> tuple[FieldPlan, ...]:
        # Components never nest themselves (the loader checks), so the trail only guards against a broken spec.
        kept = []
        for f in every[entity_id]:
            if f.entity is not None:
                if f.entity not in trail and relevant(f.entity, trail | {f.entity}):
                    kept.append(f)
            elif f.kind is not None or f.free_text:
                kept.append(f)
        return tuple(kept)

    return {e: EntityPlan(relevant(e, frozenset({e})), keys[e]) for e in spec.entities}


def plans(spec: Spec) -> dict[str, EntityPlan]:
    """Every entity's masking plan (computed once per spec object)."""
    return spec_memo(spec, "privacy.plans", _build)
