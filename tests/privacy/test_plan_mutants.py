"""Masking plans the mutation run (bench/mutate.py) showed untested: which fields of the spec's entities are
personal always, by their own value or by another field's, which are free text or links, the business keys in
key order, nested components, and the plan built once per spec.

Every expectation follows from the spec's markings (``personal_data``, ``personal_when``, ``references``,
``business_key``) of the entities named.
"""

from __future__ import annotations

from sedata.privacy.plan import EntityPlan, FieldPlan, plans
from sedata.spec import current

SPEC = current()


def _by_name(entity: str) -> dict[str, FieldPlan]:
    return {f.name: f for f in plans(SPEC)[entity].fields}


def test_a_person_is_personal_throughout() -> None:
    person = plans(SPEC)["Person"]
    assert [(f.name, f.kind, f.always) for f in person.fields] == [
        ("citizenId", "citizen-id", True),
        ("personName", "name", True),
        ("mobilePhone", "phone", True),
        ("employerName", "name", True),
    ]
    assert [k.name for k in person.keys] == ["citizenId"] and person.personal_key


def test_a_unit_is_personal_when_its_code_is_a_citizen_id() -> None:
    unit = _by_name("Unit")
    code = unit["unitCode"]
    assert (code.kind, code.always, code.self_decides, code.deciders, code.free_text) == (
        "citizen-id",
        False,
        True,
        (),
        False,
    )
    for name in ("unitName", "unitAddress", "unitPhone"):
        assert (unit[name].always, unit[name].self_decides, unit[name].deciders) == (False, False, ("unitCode",))
    assert unit["unitName"].free_text and not unit["unitPhone"].free_text
    assert plans(SPEC)["Unit"].personal_key


def test_without_a_deciding_field_in_the_entity_a_name_is_always_personal() -> None:
    # OperatorCertificate has no unit code: the holder's name is personal whatever the values.
    cert = _by_name("OperatorCertificate")
    assert cert["holderName"].always and cert["holderName"].deciders == ()
    assert cert["certificateNo"].self_decides and cert["certificateNo"].free_text and not cert["certificateNo"].always
    # Accident names its user unit without a code: always personal.
    assert _by_name("Accident")["userUnitName"].always


def test_links_follow_references() -> None:
    assert _by_name("Licence")["holderCode"].links
    assert _by_name("UseRegistration")["userUnitCode"].links
    assert _by_name("ConstructionNotice")["installerLicenceNo"].links
    assert not _by_name("Equipment")["userUnitCode"].links
    assert not _by_name("Person")["citizenId"].links


def test_only_personal_or_free_text_fields_and_components_holding_them_are_kept() -> None:
    inspection = plans(SPEC)["Inspection"]
    assert [f.name for f in inspection.fields] == ["reportNo", "inspectionBodyName"]
    assert not inspection.personal_key
    related = _by_name("Equipment")["relatedUnits"]
    assert (related.entity, related.repeated, related.kind, related.always) == ("RelatedUnit", True, None, False)
    assert not related.links and not related.free_text and not related.self_decides and related.deciders == ()
    assert "equipmentCode" not in _by_name("Equipment")  # an identifier with a pattern, not personal
    assert plans(SPEC)["MessageHeader"] == EntityPlan((), ())


def test_keys_in_key_order_even_when_no_field_is_kept() -> None:
    change = plans(SPEC)["IdentifierChange"]
    assert [k.name for k in change.keys] == ["equipmentCode", "changeDate"]
    assert [f.name for f in change.fields] == ["changeReason"]
    assert not change.personal_key
    assert plans(SPEC)["OperatorCertificate"].personal_key


def test_plans_are_built_once_per_spec() -> None:
    assert plans(SPEC) is plans(SPEC)
    assert set(plans(SPEC)) == set(SPEC.entities)


class _WithoutFreeText:
    """The spec, except that LicenceScope keeps only its coded field (scopeEquipment, a catalogue code)."""

    def __init__(self) -> None:
        scope = SPEC.entities["LicenceScope"]
        coded = [f for f in scope.fields if SPEC.field_exchange_name(f) == "scopeEquipment"]
        self.entities = {**SPEC.entities, "LicenceScope": scope.model_copy(update={"fields": coded})}

    def __getattr__(self, name: str) -> object:
        return getattr(SPEC, name)


def test_a_component_with_nothing_to_mask_is_left_out() -> None:
    from sedata.privacy.plan import _build

    built = _build(_WithoutFreeText())  # type: ignore[arg-type]
    assert built["LicenceScope"].fields == ()
    assert "scope" not in [f.name for f in built["Licence"].fields]
    assert "scope" in [f.name for f in plans(SPEC)["Licence"].fields]
