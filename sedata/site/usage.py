"""Where each spec item is used: the reverse links the pages show (element → entities → messages, sources → items)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sedata.spec import Spec
from sedata.spec.model import EntityField, SourceRef


@dataclass
class Usage:
    """Reverse references of one spec version."""

    element_in: dict[str, list[tuple[str, EntityField]]] = field(default_factory=lambda: defaultdict(list))
    """Element id → (entity id, field) that hold it."""
    entity_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Entity id → entities that nest it."""
    entity_messages: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Entity id → messages that carry it (directly or nested)."""
    codeset_elements: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    domain_elements: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    element_rules: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Element id → rules whose parameters name it."""
    cited_by: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=lambda: defaultdict(list))
    """Source id → (kind, item id, clause) citing it."""


def _nested(spec: Spec, entity_id: str, seen: set[str]) -> set[str]:
    """The entity and every entity nested in it."""
    if entity_id in seen or entity_id not in spec.entities:
        return seen
    seen.add(entity_id)
    for f in spec.entities[entity_id].fields:
        if f.entity:
            _nested(spec, f.entity, seen)
    return seen


def usage(spec: Spec) -> Usage:
    """Compute the reverse references of ``spec``."""
    out = Usage()
    for entity in spec.entities.values():
        for f in entity.fields:
            if f.element:
                out.element_in[f.element].append((entity.id, f))
            if f.entity:
                out.entity_in[f.entity].append(entity.id)
    for message in spec.messages.values():
        carried: set[str] = set()
        for record in message.records:
            _nested(spec, record.entity, carried)
        for entity_id in sorted(carried):
            out.entity_messages[entity_id].append(message.id)
    for element_id, domain in spec.domains.items():
        if domain.codeset:
            out.codeset_elements[domain.codeset].append(element_id)
        if domain.value_domain:
            out.domain_elements[domain.value_domain].append(element_id)
    for rule in spec.rules.values():
        text = " ".join(str(v) for v in _parameter_values(rule.parameters))
        for element_id in spec.elements:
            if element_id in text:
                out.element_rules[element_id].append(rule.id)

    def cite(kind: str, item: str, refs: list[SourceRef]) -> None:
        for ref in refs:
            out.cited_by[ref.ref].append((kind, item, ref.clause))

    for e in spec.elements.values():
        cite("elements", e.id, e.sources)
    for vd in spec.value_domains.values():
        cite("domains", vd.id, vd.sources)
    for versions in spec.codesets.values():
        for cs in versions.values():
            cite("codesets", cs.id, cs.sources)
    for ent in spec.entities.values():
        cite("entities", ent.id, ent.sources)
    for m in spec.messages.values():
        cite("messages", m.id, m.sources)
    for r in spec.rules.values():
        cite("rules", r.id, r.sources)
    return out


def _parameter_values(parameters: object) -> list[object]:
    """Every value of a rule's parameters, whatever their shape (text today, typed values later)."""
    if isinstance(parameters, dict):
        return [v for value in parameters.values() for v in _parameter_values(value)] + list(parameters)
    if isinstance(parameters, list | tuple):
        return [v for value in parameters for v in _parameter_values(value)]
    dump = getattr(parameters, "model_dump", None)
    if dump is not None:
        return _parameter_values(dump(mode="json"))
    return [parameters]
