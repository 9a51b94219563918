"""Sample data is valid, consistent, deterministic, and its injected defects are exactly the ones reported."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from pydantic import ValidationError

import sedata.elements as models
from sedata.codes import citizen_id, equipment_code, registration_cert, uscc
from sedata.exchange import record_key
from sedata.sample.generator import DEFECT_KINDS, sample_records
from sedata.spec import current

SPEC = current()
MESSAGES = sorted(SPEC.messages)


def _identifier_fields(entity_id: str) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for f in SPEC.entities[entity_id].fields:
        if f.element is not None and SPEC.domains[f.element].identifiers:
            out.append((SPEC.field_exchange_name(f), SPEC.domains[f.element].identifiers))
    return out


@pytest.mark.parametrize("message_type", MESSAGES)
def test_clean_samples_pass_the_models_and_the_identifier_rules(message_type):
    seen_keys: Counter[tuple[str, str]] = Counter()
    for record, defect in sample_records(message_type, 300, seed=7):
        assert defect is None
        assert record.type in {r.entity for r in SPEC.messages[message_type].records}
        getattr(models, record.type).model_validate_json(json.dumps(record.data), by_alias=True, by_name=False)
        assert record.data is not None
        for name, rules in _identifier_fields(record.type):
            values = record.data.get(name)
            for value in values if isinstance(values, list) else [values] if values else []:
                checks = {"uscc": uscc.is_valid, "citizen_id": citizen_id.is_valid}
                usable = [checks[r] for r in rules if r in checks]
                if usable:
                    assert any(check(value) for check in usable), (name, value)
                if "equipment_code" in rules:
                    equipment_code.validate(value)
        assert record.key == record_key(record.type, record.data)
        seen_keys[(record.type, record.key)] += 1
    duplicates = [k for k, n in seen_keys.items() if n > 1]
    assert duplicates == []


def test_same_seed_same_records_other_seed_other_records():
    first = [r.data for r, _ in sample_records("inspection-upload", 50, seed=3)]
    again = [r.data for r, _ in sample_records("inspection-upload", 50, seed=3)]
    other = [r.data for r, _ in sample_records("inspection-upload", 50, seed=4)]
    assert first == again
    assert first != other


def test_codes_in_an_equipment_record_agree_with_each_other():
    for record, _ in sample_records("inspection-upload", 400, seed=11):
        data = record.data
        assert data is not None
        if record.type != "Equipment" or "registrationCertNo" not in data:
            continue
        assert data["equipmentCode"][:4] == data["equipmentVariety"]
        registration_cert.validate(
            data["registrationCertNo"], equipment_code=data["equipmentCode"], variety=data["equipmentVariety"]
        )
        assert data["equipmentVariety"][:1] == data["equipmentKind"][:1]
        assert data["equipmentCategory"][:2] == data["equipmentVariety"][:2]


@pytest.mark.parametrize("message_type", MESSAGES)
def test_injected_defects_are_each_detected_as_declared(message_type):
    kinds: Counter[str] = Counter()
    broken = 0
    for record, defect in sample_records(message_type, 400, seed=5, invalid_rate=0.25):
        model = getattr(models, record.type)
        if defect is None:
            model.model_validate_json(json.dumps(record.data))
            continue
        broken += 1
        kinds[defect.kind] += 1
        assert defect.index == record.index and defect.record_type == record.type
        if defect.kind == "checksum":
            assert not uscc.is_valid(record.data[defect.field])
        with pytest.raises(ValidationError) as caught:
            model.model_validate_json(json.dumps(record.data))
        errors = caught.value.errors()
        assert len(errors) == 1, errors  # exactly the one injected defect
        assert errors[0]["loc"][0] == defect.field
        # The models check identifiers through sedata.codes, as the validator's codes layer does.
        assert (errors[0]["type"] == "identifier") == (defect.kind == "checksum")
    assert 60 <= broken <= 140  # about a quarter of 400
    assert set(kinds) <= set(DEFECT_KINDS)


def _spec_with(**changes: object):
    import dataclasses

    return dataclasses.replace(SPEC, **changes)


def test_record_types_come_from_the_spec_message_definitions() -> None:
    import itertools

    from sedata.sample.generator import Sampler

    for message_type, message in SPEC.messages.items():
        made = {t for t, _ in itertools.islice(Sampler(3).bodies(message_type), 40)}
        assert made and made <= {r.entity for r in message.records}, message_type
    upload = SPEC.messages["inspection-upload"]
    only = upload.model_copy(update={"records": [r for r in upload.records if r.entity == "Inspection"]})
    spec = _spec_with(messages={**SPEC.messages, "inspection-upload": only})
    types = [t for t, _ in itertools.islice(Sampler(3, spec=spec).bodies("inspection-upload"), 6)]
    assert types == ["Inspection"] * 6
    # The Inspections are those of the full message: the same devices, drawn the same way.
    full = [d for t, d in itertools.islice(Sampler(3).bodies("inspection-upload"), 12) if t == "Inspection"]
    assert [d for _, d in itertools.islice(Sampler(3, spec=spec).bodies("inspection-upload"), 6)] == full
    with pytest.raises(ValueError, match="unknown message type"):
        next(Sampler(3).bodies("inspection-uplaod"))


def test_certificate_expiry_follows_the_validity_in_the_spec() -> None:
    import datetime as dt

    from sedata.sample.generator import Sampler

    cert = Sampler(5).operator_certificate()
    issued, expiry = dt.date.fromisoformat(cert["issueDate"]), dt.date.fromisoformat(cert["expiryDate"])
    assert expiry == issued.replace(year=issued.year + 4) - dt.timedelta(days=1)  # TSG Z6001-2019: 4 years
    params = SPEC.rule_parameters["SE-BIZ-007"]
    longer = params.model_copy(update={"validities": [v.model_copy(update={"years": 6}) for v in params.validities]})
    spec = _spec_with(rule_parameters={**SPEC.rule_parameters, "SE-BIZ-007": longer})
    cert6 = Sampler(5, spec=spec).operator_certificate()
    assert cert6["issueDate"] == cert["issueDate"]
    assert dt.date.fromisoformat(cert6["expiryDate"]) == issued.replace(year=issued.year + 6) - dt.timedelta(days=1)
