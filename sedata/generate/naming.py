"""Names the generated artefacts give spec things: one rule, used by every generator."""

from __future__ import annotations

import re

from sedata.spec.loader import Spec
from sedata.spec.model import PersonalData


def camel(text: str) -> str:
    """``equipment-code`` / ``equipment_code`` → ``EquipmentCode``."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[-_]", text) if p)


def snake(entity_id: str) -> str:
    """``UseRegistration`` → ``use_registration``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", entity_id).lower()


def domain_type_name(spec: Spec, element_id: str) -> str:
    """The name of the value type of an element: its value domain's, else the element's own."""
    element = spec.elements[element_id]
    return camel(element.value_domain) if element.value_domain else camel(element.key)


def domain_types(spec: Spec) -> dict[str, str]:
    """Map each type name to one element that has it (the type's definition is taken from there)."""
    names: dict[str, str] = {}
    for element_id, element in spec.elements.items():
        name = domain_type_name(spec, element_id)
        if name in spec.entities:
            raise ValueError(f"type name {name} of {element_id} collides with an entity name")
        other = names.get(name)
        if other is not None and not element.value_domain:
            raise ValueError(f"type name {name} of {element_id} collides with {other}")
        names.setdefault(name, element_id)
    return dict(sorted(names.items()))


def personal_types(spec: Spec) -> dict[str, PersonalData]:
    """Value types that carry personal data, with its kind (a masked variant is made of each, per profile)."""
    kinds: dict[str, PersonalData] = {}
    for element_id, element in spec.elements.items():
        if element.personal_data:
            name = domain_type_name(spec, element_id)
            if kinds.setdefault(name, element.personal_data) != element.personal_data:
                raise ValueError(f"value type {name} is personal data of two kinds")
    return dict(sorted(kinds.items()))


def masked_suffix(profile_id: str) -> str:
    """``share`` → ``MaskedShare``: the suffix of a definition that admits that masking profile's masked forms."""
    return f"Masked{camel(profile_id)}"


def anchored(pattern: str) -> str:
    """A whole-value spec pattern as a search pattern for Python/Rust and ECMA-262."""
    return f"^(?:{pattern})$"
