"""The model, the JSON Schema and the XSD agree: what one accepts the others accept, what one
rejects the others reject, and each names the offending element.

Records are drawn from the spec's own value domains (sedata.testing), then corrupted one field at
a time in a targeted way: a value outside its pattern, an unknown code, a missing mandatory
element, an impossible date, a decimal in exponent form, an integer past its format.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from pydantic import ValidationError

import sedata.elements as models
from sedata.exchange.xmlrecord import from_element, to_element
from sedata.spec import current
from sedata.testing import records

SPEC = current()
ENTITIES = [e.id for e in SPEC.entities.values() if not e.component]
ALL_ENTITIES = list(SPEC.entities)


def _xml_roundtrip(entity_id: str, record: dict[str, Any]) -> etree._Element:
    """Serialise and re-parse, as a real exchange would (CR, CJK and entities included)."""
    data = etree.tostring(to_element(entity_id, record), encoding="utf-8", xml_declaration=True)
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


@pytest.mark.parametrize("entity_id", ALL_ENTITIES)
@given(data=st.data())
def test_valid_records_pass_model_and_json_schema(entity_id, data, json_validator):
    record = data.draw(records(entity_id))
    model = getattr(models, entity_id).model_validate_json(json.dumps(record), by_alias=True, by_name=False)
    assert model.to_data() == record  # canonical JSON data survives the model exactly
    assert list(json_validator(entity_id).iter_errors(record)) == []


@pytest.mark.parametrize("entity_id", ENTITIES)
@given(data=st.data())
def test_valid_records_pass_both_xsd_validators_and_read_back(entity_id, data, lxml_schema, xmlschema_schema):
    record = data.draw(records(entity_id))
    element = _xml_roundtrip(entity_id, record)
    assert lxml_schema.validate(etree.ElementTree(element)), lxml_schema.error_log.last_error
    errors = list(xmlschema_schema.iter_errors(etree.ElementTree(element)))
    assert errors == [], errors[0]
    assert from_element(entity_id, element) == record


def _targets(entity_id: str) -> list[tuple[str, str, Any]]:
    """Every (field, kind of corruption, bad value) that the spec says must be rejected."""
    out: list[tuple[str, str, Any]] = []
    for f in SPEC.entities[entity_id].fields:
        name = SPEC.field_exchange_name(f)
        if f.obligation == "M":
            out.append((name, "missing", None))
        if f.element is None:
            continue
        d = SPEC.domains[f.element]
        bad: list[tuple[str, Any]] = []
        if d.codes is not None:
            bad.append(("unknown code", "未知代码"))
        elif d.pattern:
            bad.append(("pattern", "!"))
        if d.data_type == "date":
            bad += [("impossible date", "2023-02-29"), ("date format", "2023/01/01")]
        if d.data_type == "datetime":
            bad.append(("no offset", "2025-06-01T14:30:00"))
        if d.data_type == "decimal":
            bad.append(("exponent", "1E3"))
        if d.data_type == "integer":
            bad.append(("too large", int(d.maximum or 0) + 1))
        if d.max_length and d.codes is None and d.data_type == "string":
            bad.append(("too long", "9" * (d.max_length + 1)))
        for kind, value in bad:
            out.append((name, kind, [value] if f.repeated else value))
    return out


CASES = [(e, *t) for e in ENTITIES for t in _targets(e)]


@pytest.mark.parametrize(("entity_id", "field", "kind", "bad"), CASES, ids=[f"{c[0]}.{c[1]}:{c[2]}" for c in CASES])
@settings(max_examples=8)  # the corruption is fixed; the draws only vary the rest of the record
@given(data=st.data())
def test_corrupted_records_are_rejected_by_all_three_naming_the_element(
    entity_id, field, kind, bad, data, json_validator, lxml_schema, xmlschema_schema
):
    record = copy.deepcopy(data.draw(records(entity_id)))
    if kind == "missing":
        record.pop(field, None)
    else:
        record[field] = bad

    model = getattr(models, entity_id)
    with pytest.raises(ValidationError) as caught:
        model.model_validate_json(json.dumps(record), by_alias=True, by_name=False)
    assert any(err["loc"][0] == field for err in caught.value.errors()), caught.value

    errors = list(json_validator(entity_id).iter_errors(record))
    assert errors, f"JSON Schema accepted {field}={bad!r}"
    assert any(field in list(e.absolute_path) or field in e.message for e in errors), [e.message for e in errors]

    element = _xml_roundtrip(entity_id, record)
    assert not lxml_schema.validate(etree.ElementTree(element)), f"lxml XSD accepted {field}={bad!r}"
    assert any(field in e.message for e in lxml_schema.error_log), [e.message for e in lxml_schema.error_log]
    xerrors = list(xmlschema_schema.iter_errors(etree.ElementTree(element)))
    assert xerrors, f"xmlschema accepted {field}={bad!r}"
    assert any(field in str(e) for e in xerrors), str(xerrors[0])


def test_every_corruption_kind_is_exercised():
    kinds = {c[2] for c in CASES}
    assert {"missing", "unknown code", "pattern", "impossible date", "exponent", "too large", "too long"} <= kinds


@pytest.mark.parametrize(
    ("value", "ok"),
    [("12.50", True), ("0", True), (12.5, False), ("+1", False), ("1.234", False), (" 1", False), ("1e2", False)],
)
def test_decimals_travel_as_exact_strings(value, ok, spec):
    """JSON numbers would be rounded by float parsers, so a decimal is only ever its string form."""
    record = {
        "accidentId": "SG-2025-001",
        "occurredAt": "2025-06-01T14:30:00+08:00",
        "accidentPlace": "福建省漳州市芗城区胜利西路12号",
        "accidentDivision": "350602",
        "equipmentKind": "3000",
        "accidentGrade": "一般事故",
        "deaths": 0,
        "seriousInjuries": 0,
        "directEconomicLoss": value,
        "accidentSummary": "电梯困人2小时10分钟",
    }
    if ok:
        loaded = models.Accident.model_validate_json(json.dumps(record))
        assert loaded.to_data()["directEconomicLoss"] == value
    else:
        with pytest.raises(ValidationError):
            models.Accident.model_validate_json(json.dumps(record))


def test_null_means_absent_for_optional_and_is_rejected_for_mandatory(json_validator):
    record = {
        "unitCode": "91110000600037341L",
        "unitName": "北京某电梯有限公司",
        "unitRoles": ["制造"],
        "orgCode": None,
    }
    unit = models.Unit.model_validate_json(json.dumps(record))
    assert "orgCode" not in unit.to_data()
    assert list(json_validator("Unit").iter_errors(record)) == []
    record["unitName"] = None
    with pytest.raises(ValidationError):
        models.Unit.model_validate_json(json.dumps(record))
    assert list(json_validator("Unit").iter_errors(record))
