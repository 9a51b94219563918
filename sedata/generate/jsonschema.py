"""Write the JSON Schema (draft 2020-12) bundle: one ``$defs`` entry per value type and per entity.

The bundle is written for stock validators with their default settings (Ajv 8 ``Ajv2020`` with
``strict: true``, jsonschema-rs, python-jsonschema; see docs/schemas.md):

* only standard keywords; sedata's own metadata (element, obligation, unit, business key) is in ``$comment``;
* ``type`` beside every ``properties``/``required``/``pattern``, and every required name declared in ``properties``;
* no ``format``: dates are checked by a pattern that knows the calendar, so no format assertion is needed;
* patterns anchored with ``^…$`` plus a ``not`` guard against a final newline (Python's ``$`` accepts one);
* record unions keyed on ``recordType`` with ``if``/``then``, so a validator reports the real error;
* a package whose header declares ``maskingProfile`` gets that profile's masked forms for personal data.
"""

from __future__ import annotations

import json
from typing import Any

from sedata.generate.naming import anchored, domain_type_name, domain_types, masked_suffix, personal_types
from sedata.spec.envelope import (
    CHANGES,
    DATA,
    HEADER,
    RECORDS,
    delete_operation,
    envelope_ids,
    envelope_names,
    message_class_name,
    upsert_operations,
)
from sedata.spec.loader import Spec
from sedata.spec.model import Entity, EntityField
from sedata.spec.resolved import Domain

DIALECT = "https://json-schema.org/draft/2020-12/schema"
MASKING_CODESET = "masking-profile"

# A date that exists in the proleptic Gregorian calendar, years 0001-9999 (what GB/T 7408 and Python's
# date accept): 31-day months, 30-day months, February to the 28th, and the 29th of February in leap years
# (every 4th year, but of the centuries only every 4th).
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
CALENDAR_DATE = (
    f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    f"|{_LEAP_YEAR}-02-29)"
)
# A time of day without leap second, and an offset within ±23:59 (what Python's datetime accepts).
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9]"
CALENDAR_DATETIME = f"{CALENDAR_DATE}T{_CLOCK}:[0-5][0-9](?:Z|[+\\-]{_CLOCK})"

# Python's re.search lets ``$`` match before a final "\n"; this guard refuses such a value in every engine.
NO_FINAL_NEWLINE = {"not": {"type": "string", "pattern": "\\n$"}}


def _number(value: Any) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _pattern(pattern: str) -> dict[str, Any]:
    """A whole-value pattern that ECMA-262, Rust and Python engines all read the same way."""
    return {"pattern": anchored(pattern), **NO_FINAL_NEWLINE}


def _comment(**facts: object) -> str:
    """sedata's metadata for a definition, as ``sedata:key=value;…`` (stock validators ignore ``$comment``)."""
    return "sedata:" + ";".join(f"{k.replace('_', '-')}={v}" for k, v in facts.items() if v is not None)


def domain_schema(d: Domain) -> dict[str, Any]:
    """The JSON Schema of one value domain, as the JSON data model carries it."""
    if d.codes is not None:
        return {"type": "string", "enum": list(d.codes)}
    if d.data_type == "string":
        out: dict[str, Any] = {"type": "string"}
        if d.min_length is not None:
            out["minLength"] = d.min_length
        if d.max_length is not None:
            out["maxLength"] = d.max_length
        if d.pattern:
            out.update(_pattern(d.pattern))
        return out
    if d.data_type == "integer":
        return {"type": "integer", "minimum": _number(d.minimum), "maximum": _number(d.maximum)}
    if d.data_type == "decimal":
        # Decimals travel as strings so that no JSON parser rounds them (12.50 stays 12.50).
        assert d.lexical_pattern
        return {"type": "string", **_pattern(d.lexical_pattern)}
    if d.data_type == "date":
        return {"type": "string", **_pattern(CALENDAR_DATE)}
    if d.data_type == "datetime":
        return {"type": "string", **_pattern(CALENDAR_DATETIME)}
    raise ValueError(d.data_type)  # pragma: no cover


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _field_type(spec: Spec, f: EntityField) -> str:
    return f.entity or domain_type_name(spec, f.element or "")


def _masked_entities(spec: Spec) -> set[str]:
    """Entities holding personal data, directly or in a component (these get a masked variant per profile)."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for entity in spec.entities.values():
            if entity.id in found:
                continue
            if any(
                (f.element and spec.elements[f.element].personal_data) or (f.entity and f.entity in found)
                for f in entity.fields
            ):
                found.add(entity.id)
                changed = True
    return found


def _masked_types(spec: Spec) -> dict[str, dict[str, Any]]:
    """Per personal value type and profile: ``<Type>Masked<Profile>``, the real value or a masked form."""
    privacy = spec.privacy
    if privacy is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for profile in privacy.profiles:
        for name, kind in personal_types(spec).items():
            shape = f"(?:{profile.kinds[kind].shape})|(?:{privacy.pseudonym.pattern})"
            out[f"{name}{masked_suffix(profile.id)}"] = {
                "title": f"{profile.name.zh}后的{name} / {name} as {profile.name.en} writes it",
                "$comment": _comment(personal_data=kind, masking_profile=profile.id),
                "anyOf": [_ref(name), {"type": "string", **_pattern(shape)}],
            }
    return out


def _entity_schema(
    spec: Spec, entity: Entity, suffix: str = "", masked: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """An entity as an object schema; with ``suffix``, personal fields and components take masked types."""
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in entity.fields:
        alias = spec.field_exchange_name(f)
        target = _field_type(spec, f)
        personal = f.element is not None and spec.elements[f.element].personal_data
        if suffix and (personal or target in masked):
            target += suffix
        ref = _ref(target)
        field_element: str | None
        if f.entity is not None:
            assert f.name is not None
            title, field_element, definition = f.name, None, spec.entities[f.entity].definition
        else:
            assert f.element is not None
            el = spec.elements[f.element]
            title, field_element, definition = f.name or el.name, el.id, el.definition
        value: dict[str, Any] = {"type": "array", "minItems": 1, "items": ref} if f.repeated else ref
        condition = f"{f.condition.zh} / {f.condition.en}" if f.condition else None
        prop: dict[str, Any] = {}
        if not suffix:  # a masked variant's fields are documented where the plain entity has them
            prop = {
                "title": f"{title.zh} / {title.en}",
                "description": f"{definition.zh} {definition.en}",
                "$comment": _comment(element=field_element, obligation=f.obligation, condition=condition),
            }
        if f.obligation == "M":
            required.append(alias)
            props[alias] = {**prop, **value}
        else:
            # An optional value may be absent or null; both mean "no value" (see spec/README.md).
            props[alias] = {**prop, "anyOf": [value, {"type": "null"}]}
    key = None
    if entity.business_key:
        key = ",".join(
            spec.field_exchange_name(next(f for f in entity.fields if spec.field_key(f) == k))
            for k in entity.business_key
        )
    out: dict[str, Any] = {
        "title": f"{entity.name.zh} / {entity.name.en}",
        "description": f"{entity.definition.zh} {entity.definition.en}",
        "$comment": _comment(business_key=key),
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }
    if out["$comment"] == "sedata:":
        del out["$comment"]
    return out


def schema_document(spec: Spec, released: bool = False) -> dict[str, Any]:
    """The whole bundle as a Python dict."""
    defs: dict[str, Any] = {}
    for name, element_id in domain_types(spec).items():
        element = spec.elements[element_id]
        d = spec.domains[element_id]
        title = spec.value_domains[element.value_domain].name if element.value_domain else element.name
        defs[name] = {"title": f"{title.zh} / {title.en}", **domain_schema(d)}
        if d.unit:
            defs[name]["$comment"] = _comment(unit=d.unit)
    masked_types = _masked_types(spec)
    defs.update(masked_types)
    masked = frozenset(_masked_entities(spec)) if masked_types else frozenset()
    for entity in spec.entities.values():
        defs[entity.id] = _entity_schema(spec, entity)
    for profile in spec.privacy.profiles if spec.privacy and masked_types else ():
        suffix = masked_suffix(profile.id)
        for entity in spec.entities.values():
            if entity.id in masked:
                one = _entity_schema(spec, entity, suffix, masked)
                one["title"] = f"{entity.name.zh}（{profile.name.zh}）/ {entity.name.en} ({profile.name.en})"
                one["description"] = (
                    f"{entity.id}，个人信息可按脱敏方式“{profile.id}”写出。"
                    f" {entity.id} with personal data as masking profile “{profile.id}” writes it."
                )
                defs[f"{entity.id}{suffix}"] = one
    defs.update(_message_defs(spec, masked))
    version = spec.info.spec_version
    return {
        "$comment": f"Generated by `sedata spec build` from sedata/spec/bundles/{version}.json "
        f"(spec version {version}, released). Do not edit."
        if released
        else f"Generated by `sedata spec build` from spec/ (spec version {version}). "
        "Do not edit: change spec/ and rebuild.",
        "$schema": DIALECT,
        "$id": f"{spec.info.namespace}:jsonschema",
        "title": f"{spec.info.title.zh} / {spec.info.title.en}",
        "$defs": defs,
    }


def _object(**keywords: Any) -> dict[str, Any]:
    return {"type": "object", **keywords}


def _record_union(spec: Spec, types: list[str], title: str, suffix: str, masked: frozenset[str]) -> dict[str, Any]:
    """One record line: the wrapper, and ``data`` checked against the entity ``recordType`` names."""
    names = envelope_names(spec)
    delete = delete_operation(spec)
    ids = envelope_ids(spec)
    key, version = _ref(domain_type_name(spec, ids.record_key)), _ref(domain_type_name(spec, ids.record_version))
    branches: list[dict[str, Any]] = [
        {
            # A delete names the record by key and version and carries no data; every other record has data.
            "if": _object(properties={names.operation: {"const": delete}}, required=[names.operation]),
            "then": _object(
                properties={DATA: False, names.operation: True, names.record_key: True, names.record_version: True},
                required=[names.operation, names.record_key, names.record_version],
            ),
            "else": _object(properties={DATA: True}, required=[DATA]),
        }
    ]
    for t in types:
        target = f"{t}{suffix}" if t in masked else t
        branches.append(
            {
                "if": _object(properties={names.record_type: {"const": t}}, required=[names.record_type]),
                "then": _object(properties={DATA: _ref(target)}),
            }
        )
    return {
        "title": title,
        "type": "object",
        "properties": {
            names.record_type: {"enum": types},
            names.operation: {"enum": [*upsert_operations(spec), delete]},
            names.record_key: key,
            names.record_version: version,
            DATA: {"type": "object"},
        },
        "required": [names.record_type],
        "additionalProperties": False,
        "allOf": branches,
    }


def _masking_field(spec: Spec) -> str | None:
    """The header's exchange name for the masking profile (the element coded by the masking-profile set)."""
    for f in spec.entities[envelope_ids(spec).header].fields:
        if f.element and spec.domains[f.element].codeset == MASKING_CODESET:
            return spec.field_exchange_name(f)
    return None


def _message_defs(spec: Spec, masked: frozenset[str]) -> dict[str, Any]:
    """Per message: the record lines (plain and per masking profile), the document, and the header line."""
    names = envelope_names(spec)
    masking = _masking_field(spec)
    profiles = [p for p in spec.privacy.profiles] if spec.privacy and masking and masked else []
    out: dict[str, Any] = {}
    for msg in spec.messages.values():
        cls = message_class_name(msg.id)
        types = [r.entity for r in msg.records]
        out[f"{cls}Record"] = _record_union(spec, types, f"{msg.name.zh}记录 / {msg.name.en} record", "", masked)
        for p in profiles:
            title = f"{msg.name.zh}记录（{p.name.zh}）/ {msg.name.en} record ({p.name.en})"
            out[f"{cls}Record{masked_suffix(p.id)}"] = _record_union(spec, types, title, masked_suffix(p.id), masked)
        header = {
            "allOf": [_ref(envelope_ids(spec).header), _object(properties={names.message_type: {"const": msg.id}})]
        }

        def header_says(member: str, value: str) -> dict[str, Any]:
            return _object(
                properties={HEADER: _object(properties={member: {"const": value}}, required=[member])},
                required=[HEADER],
            )

        def records_are(items: dict[str, Any]) -> dict[str, Any]:
            return _object(properties={RECORDS: {"type": "array", "items": items}})

        # Records are checked as the header's masking profile says (the plain records when there is none).
        chain: dict[str, Any] = records_are(_ref(f"{cls}Record"))
        for p in reversed(profiles):
            assert masking is not None
            chain = {
                "if": header_says(masking, p.id),
                "then": records_are(_ref(f"{cls}Record{masked_suffix(p.id)}")),
                "else": chain,
            }
        wrapper = (names.operation, names.record_key, names.record_version)
        out[cls] = {
            "title": f"{msg.name.zh} / {msg.name.en}",
            "description": f"{msg.definition.zh} {msg.definition.en}",
            "type": "object",
            "properties": {HEADER: header, RECORDS: {"type": "array"}},
            "required": [HEADER, RECORDS],
            "additionalProperties": False,
            "allOf": [
                {
                    # A change set names every record's operation, key and version; a snapshot names none.
                    "if": header_says(names.mode, CHANGES),
                    "then": records_are(_object(properties=dict.fromkeys(wrapper, True), required=list(wrapper))),
                    "else": records_are(_object(properties={names.operation: False})),
                },
                chain,
            ],
        }
        out[f"{cls}HeaderLine"] = {
            "title": f"{msg.name.zh} JSON Lines 首行 / {msg.name.en} JSON Lines header line",
            "type": "object",
            "properties": {HEADER: header},
            "required": [HEADER],
            "additionalProperties": False,
        }
    return out


def entity_schema(bundle: dict[str, Any], entity_id: str) -> dict[str, Any]:
    """A self-contained schema for one definition, cut from the bundle (for ``sedata schema export``)."""
    return {
        "$comment": bundle["$comment"],
        "$schema": DIALECT,
        "$id": f"{bundle['$id']}:{entity_id}",
        "$ref": f"#/$defs/{entity_id}",
        "$defs": bundle["$defs"],
    }


def schema_text(spec: Spec, released: bool = False) -> str:
    """The bundle as deterministic JSON text; its first line says it is generated (``released``: from a bundle)."""
    return json.dumps(schema_document(spec, released), ensure_ascii=False, indent=1) + "\n"
