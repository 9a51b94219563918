"""The structure layer's record check (sedata/validate/layers/schema.py), finding by finding: which rule each
pydantic error becomes, where it points, what it shows and what it expects (bench/mutate.py showed what the
sample-defect tests left open: nulls in lists, nested members, ranges, masked packages, the judging version).

Records are the example 漳州 elevator (examples/entities/Equipment.json) and the spec's sample messages, changed
one member at a time; the layer is called as the engine calls it, on record index 2 at line 4.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sedata.exchange import Record
from sedata.spec import current
from sedata.spec.versions import spec_for
from sedata.validate.context import FileContext, Where
from sedata.validate.layers.schema import _format_text, findings, model
from sedata.validate.report import Finding, Text

from .conftest import sample

SPEC = current()
ENTITIES = Path(__file__).resolve().parents[2] / "examples" / "entities"
ZZ_ELEVATOR = "311010523201500318"  # 漳州 曳引驱动乘客电梯 (examples/entities/Equipment.json)
PSEUDONYM = "P:ABCDEFGHIJKLMNOP"


@cache
def _examples(name: str) -> str:
    return (ENTITIES / f"{name}.json").read_text("utf-8")


def entity(name: str, index: int, **changes: Any) -> dict[str, Any]:
    """A copy of examples/entities/<name>.json[index] with ``changes`` applied (None removes a member)."""
    data = copy.deepcopy(json.loads(_examples(name))[index])
    for k, v in changes.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    return data


def equipment(code: str, **changes: Any) -> dict[str, Any]:
    """The example Equipment record of device ``code``."""
    index = next(i for i, r in enumerate(json.loads(_examples("Equipment"))) if r["equipmentCode"] == code)
    return entity("Equipment", index, **changes)


def check(record_type: str, data: Any, masking: str | None = None, spec: Any = SPEC) -> tuple[list[Finding], set]:
    ctx = FileContext(spec, "m.jsonl")
    ctx.masking = masking
    where = Where(line=4, index=2, record_type=record_type, key="K")
    return findings(ctx, Record(record_type, data, index=2, line=4), ctx.shapes[record_type], where)


def seen(found: list[Finding]) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
    """Rule, pointer, element id, value and expected (English) of each finding."""
    return [(f.rule, f.pointer, f.element and f.element.id, f.value, f.expected and f.expected.en) for f in found]


def test_a_clean_record_has_no_finding_and_no_bad_path() -> None:
    assert check("Equipment", equipment(ZZ_ELEVATOR)) == ([], set())


def test_each_kind_of_error_becomes_its_rule() -> None:
    data = equipment(
        ZZ_ELEVATOR,
        designLifeYears=0,
        useStatus="99",
        manufactureDate="2023-02-29",
        locationDivision="35060",
        colour="x",
        productName=None,
    )
    found, bad = check("Equipment", data)
    assert seen(found) == [
        ("SE-SCH-001", "/records/2/data/productName", "SE.EQP.0007", None, None),
        ("SE-SCH-002", "/records/2/data/manufactureDate", "SE.EQP.0012", "2023-02-29", "YYYY-MM-DD"),
        ("SE-SCH-002", "/records/2/data/designLifeYears", "SE.EQP.0009", "0", "n..3 [1, 999]"),
        ("SE-SCH-002", "/records/2/data/locationDivision", "SE.EQP.0014", "35060", "n6"),
        (
            "SE-COD-001",
            "/records/2/data/useStatus",
            "SE.EQP.0016",
            "99",
            "use-status@S14 (nearest: 9 In use, not registered; all codes: sedata spec show use-status)",
        ),
        ("SE-SCH-004", "/records/2/data/colour", None, "colour", "Special equipment"),
    ]
    assert bad == {(n,) for n in ("productName", "manufactureDate", "designLifeYears", "locationDivision")} | {
        ("useStatus",),
        ("colour",),
    }
    f = found[0]
    assert (f.severity, f.layer, f.file, f.line, f.index, f.record_type, f.key) == (
        "error",
        "schema",
        "m.jsonl",
        4,
        2,
        "Equipment",
        "K",
    )
    assert f.message.en == "mandatory element “Product name” (SE.EQP.0007) is missing"


def test_check_characters_are_left_to_the_codes_layer() -> None:
    # Right shape, wrong check character: the codes layer's SE-COD finding, with its rule's status, not a model error.
    data = equipment(ZZ_ELEVATOR, userUnitCode="913506026875032798", equipmentCode="311010523201500319")
    assert check("Equipment", data) == ([], set())


def test_members_are_read_by_their_exchange_names_only() -> None:
    data = equipment(ZZ_ELEVATOR, productName=None, product_name="曳引驱动乘客电梯")  # the model's Python name
    found, _ = check("Equipment", data)
    assert [(f.rule, f.pointer) for f in found] == [
        ("SE-SCH-001", "/records/2/data/productName"),
        ("SE-SCH-004", "/records/2/data/product_name"),
    ]


def test_null_for_an_optional_element_is_no_finding_for_a_mandatory_one_missing() -> None:
    assert check("Equipment", equipment(ZZ_ELEVATOR, registrationStatus=None) | {"registrationStatus": None}) == (
        [],
        set(),
    )
    found, _ = check("Equipment", equipment(ZZ_ELEVATOR) | {"productName": None})
    assert seen(found) == [("SE-SCH-001", "/records/2/data/productName", "SE.EQP.0007", None, None)]


def test_wrong_json_types_name_the_type_and_format_expected() -> None:
    found, bad = check("Equipment", equipment(ZZ_ELEVATOR, designLifeYears="20", relatedUnits={}, equipmentCode=123))
    assert seen(found) == [
        ("SE-SCH-003", "/records/2/data/equipmentCode", "SE.EQP.0001", "123", "string an18"),
        ("SE-SCH-003", "/records/2/data/designLifeYears", "SE.EQP.0009", '"20"', "integer n..3"),
        ("SE-SCH-003", "/records/2/data/relatedUnits", "RelatedUnit", "{}", "array"),
    ]
    assert bad == {("designLifeYears",), ("relatedUnits",), ("equipmentCode",)}


def test_errors_inside_a_repeated_component_point_at_the_item() -> None:
    units = [{"unitRole": "zz", "unitName": None, "x": 1}, "s", None, {"unitName": "a", "unitRole": "使用"}]
    found, bad = check("Equipment", equipment(ZZ_ELEVATOR, relatedUnits=units))
    assert seen(found) == [
        (
            "SE-COD-001",
            "/records/2/data/relatedUnits/0/unitRole",
            "SE.UNT.0007",
            "zz",
            "unit-role@1 (all codes: sedata spec show unit-role)",
        ),
        ("SE-SCH-001", "/records/2/data/relatedUnits/0/unitName", "SE.UNT.0001", None, None),
        ("SE-SCH-004", "/records/2/data/relatedUnits/0/x", None, "x", "Related unit"),
        ("SE-SCH-003", "/records/2/data/relatedUnits/1", "RelatedUnit", '"s"', "object"),
        ("SE-SCH-003", "/records/2/data/relatedUnits/2", "RelatedUnit", "null", "object"),
    ]
    assert ("relatedUnits", 1) in bad and ("relatedUnits", 0, "x") in bad and len(bad) == 5


def test_a_repeated_code_element_checks_each_item() -> None:
    cert = sample("operator-certificate-upload", 1, 5, 0.0)[0][0].data
    found, _ = check("OperatorCertificate", dict(cert, operatorItems=["Q1", None, 7]))
    assert [(f.rule, f.pointer, f.value, f.expected and f.expected.en) for f in found] == [
        ("SE-SCH-003", "/records/2/data/operatorItems/1", "null", "string an..3"),
        ("SE-SCH-003", "/records/2/data/operatorItems/2", "7", "string an..3"),
    ]


def test_a_single_value_for_a_repeated_element_expects_an_array() -> None:
    cert = sample("operator-certificate-upload", 1, 5, 0.0)[0][0].data
    found, bad = check("OperatorCertificate", dict(cert, operatorItems="Q1"))
    assert seen(found) == [("SE-SCH-003", "/records/2/data/operatorItems", "SE.OPC.0002", '"Q1"', "array")]
    assert bad == {("operatorItems",)}


@pytest.mark.parametrize("empty", [[], None])
def test_an_empty_or_null_mandatory_list_is_missing(empty: list[str] | None) -> None:
    unit = entity("Unit", 0)
    found, bad = check("Unit", dict(unit, unitRoles=empty))
    assert seen(found) == [("SE-SCH-001", "/records/2/data/unitRoles", "SE.UNT.0007", None, None)]
    assert bad == {("unitRoles",)}
    assert check("Unit", dict(unit, unitRoles=["使用"]))[0] == []


def test_an_optional_list_present_but_empty_breaks_its_cardinality() -> None:
    accident = sample("accident-report", 1, 4, 0.0)[0][0].data
    found, bad = check("Accident", dict(accident, equipmentCodes=[], accidentEvents=[]))
    assert seen(found) == [
        ("SE-SCH-002", "/records/2/data/equipmentCodes", "SE.EQP.0001", "[]", "0..n"),
        ("SE-SCH-002", "/records/2/data/accidentEvents", "SE.ACC.0012", "[]", "0..n"),
    ]
    assert bad == {("equipmentCodes",), ("accidentEvents",)}
    assert (
        check("Accident", {k: v for k, v in accident.items() if k not in ("equipmentCodes", "accidentEvents")})[0] == []
    )


def test_a_pattern_mismatch_expects_the_spec_words_not_the_expression() -> None:
    found, _ = check("Equipment", equipment(ZZ_ELEVATOR, equipmentCode="ABCDEFGHIJKLMNOPQR"))
    (f,) = found
    assert (f.rule, f.value) == ("SE-SCH-002", "ABCDEFGHIJKLMNOPQR")
    assert f.expected is not None and f.expected.en.startswith("the form of a Equipment code: 18 characters: variety")
    assert f.expected.zh.startswith("特种设备代码的写法：18位特种设备代码")
    found, _ = check("Equipment", equipment(ZZ_ELEVATOR, equipmentCode="31101052320150031"))  # too short: the format
    assert seen(found) == [("SE-SCH-002", "/records/2/data/equipmentCode", "SE.EQP.0001", "31101052320150031", "an18")]


def test_personal_values_are_masked_in_what_is_shown() -> None:
    found, _ = check("Equipment", equipment(ZZ_ELEVATOR, userUnitCode=350102199001011234))
    (f,) = found
    assert (f.rule, f.expected and f.expected.en) == ("SE-SCH-003", "string an18")
    assert f.value is not None and "350102199001011234" not in f.value


def test_the_range_text_leaves_an_open_end_empty() -> None:
    ctx = FileContext(SPEC, "m.jsonl")
    field = ctx.shapes["Equipment"].fields["designLifeYears"]
    assert field.domain is not None
    only_low = dataclasses.replace(field, domain=dataclasses.replace(field.domain, maximum=None))
    only_high = dataclasses.replace(field, domain=dataclasses.replace(field.domain, minimum=None))
    neither = dataclasses.replace(field, domain=dataclasses.replace(field.domain, minimum=None, maximum=None))
    assert _format_text(ctx, only_low, "greater_than_equal") == "n..3 [1, ]"
    assert _format_text(ctx, only_high, "less_than_equal") == "n..3 [, 999]"
    assert _format_text(ctx, field, "less_than") == "n..3 [1, 999]"
    assert _format_text(ctx, field, "greater_than") == "n..3 [1, 999]"
    assert _format_text(ctx, neither, "greater_than") == "n..3"
    assert _format_text(ctx, field, "int_parsing") == "n..3"
    assert _format_text(ctx, dataclasses.replace(field, domain=None), "x") == "0..1"
    code = ctx.shapes["Equipment"].fields["equipmentCode"]
    assert code.domain is not None
    no_pattern = dataclasses.replace(code, domain=dataclasses.replace(code.domain, pattern=None))
    assert _format_text(ctx, no_pattern, "string_pattern_mismatch") == "an18"
    assert _format_text(ctx, code, "string_too_short") == "an18"
    assert isinstance(_format_text(ctx, code, "string_pattern_mismatch"), Text)


# --- a masked package: personal values in their masked form are the codes layer's ---------------------
def test_masked_personal_values_are_left_to_the_codes_layer_but_marked_bad() -> None:
    cert = sample("operator-certificate-upload", 1, 5, 0.0)[0][0].data
    masked = dict(cert, holderCitizenId=PSEUDONYM)
    found, bad = check("OperatorCertificate", masked, masking="share")
    assert found == [] and bad == {("holderCitizenId",)}
    found, _ = check("OperatorCertificate", masked)  # no masking declared: the real pattern applies
    assert [(f.rule, f.pointer) for f in found] == [("SE-SCH-002", "/records/2/data/holderCitizenId")]


def test_masking_excuses_only_personal_string_values_of_their_masked_shape() -> None:
    cert = sample("operator-certificate-upload", 1, 5, 0.0)[0][0].data
    cases = {
        "holderCitizenId": 12345,  # not text
        "itemTable": "P:ABCDEFGHIJKLMNOP",  # not personal data
        "holderName": None,  # missing
    }
    for name, value in cases.items():
        found, bad = check("OperatorCertificate", dict(cert, **{name: value}), masking="share")
        assert [f.pointer for f in found] == [f"/records/2/data/{name}"], name
        assert bad == {(name,)}
    found, _ = check("OperatorCertificate", dict(cert, holderCitizenId="not masked"), masking="share")
    assert [f.rule for f in found] == ["SE-SCH-002"]
    found, _ = check("OperatorCertificate", dict(cert, bogus=PSEUDONYM), masking="share")
    assert [f.rule for f in found] == ["SE-SCH-004"]


def test_masking_follows_components_down_to_the_personal_element() -> None:
    units = [{"unitRole": "维保", "unitName": "某单位", "unitCode": PSEUDONYM, "x": PSEUDONYM}]
    found, bad = check("Equipment", equipment(ZZ_ELEVATOR, relatedUnits=units), masking="share")
    assert [(f.rule, f.pointer) for f in found] == [("SE-SCH-004", "/records/2/data/relatedUnits/0/x")]
    assert bad == {("relatedUnits", 0, "unitCode"), ("relatedUnits", 0, "x")}
    found, _ = check("Equipment", equipment(ZZ_ELEVATOR, relatedUnits=units))
    assert [f.pointer for f in found] == ["/records/2/data/relatedUnits/0/unitCode", "/records/2/data/relatedUnits/0/x"]


# --- the version a file is judged by -------------------------------------------------------------------
def test_a_record_is_judged_by_the_models_of_its_spec_version() -> None:
    assert model("Inspection") is model("Inspection", SPEC.info.spec_version)
    assert model("Inspection", "1.0.0") is not model("Inspection")
    data = entity("Inspection", 0, commissioningDate="2016-05-06")
    assert check("Inspection", data)[0] == []
    found, _ = check("Inspection", data, spec=spec_for("1.0.0"))
    assert [(f.rule, f.pointer) for f in found] == [("SE-SCH-004", "/records/2/data/commissioningDate")]
