"""Codes-layer behaviour the mutation run (bench/mutate.py) showed untested: identifiers inside nested records,
the expected value domain and the reasons each identifier rule gives, and personal data in a masked package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sedata.codes import citizen_id, uscc
from sedata.privacy.values import mask_value
from sedata.validate import validate_file
from sedata.validate.shapes import shapes

from .conftest import HEADER_FIELDS, SPEC, envelope, sample, write_jsonl

# A USCC of the right shape whose check character should be 3; and an 18-digit value both rules refuse for
# their own reason (USCC check character, citizen ID check digit).
BAD_USCC = "91350100M000100Y4X"
BAD_BOTH = "350102199001011235"


def _equipment(tmp: Path, **data: Any) -> list[Any]:
    envs = [envelope(r) for r in sample("inspection-upload", 20, 11, 0.0)[0][:2]]
    assert envs[0]["recordType"] == "Equipment"
    envs[0]["data"].update(data)
    return validate_file(write_jsonl(tmp / "m.jsonl", envs)).findings


def _codes(findings: list[Any]) -> list[Any]:
    return [f for f in findings if f.rule in ("SE-COD-002", "SE-COD-004")]


def test_a_unit_code_inside_a_related_unit_is_checked_where_it_is(tmp_path: Path) -> None:
    good = sample("inspection-upload", 20, 11, 0.0)[0][0].data["userUnitCode"]
    units = [
        {"unitRole": "1", "unitName": "福州某物业公司", "unitCode": good},
        {"unitRole": "1", "unitName": "福州某物业公司", "unitCode": BAD_USCC},
    ]
    (f,) = _codes(_equipment(tmp_path, relatedUnits=units))
    assert (f.rule, f.pointer) == ("SE-COD-002", "/records/0/data/relatedUnits/1/unitCode")


def test_an_identifier_given_as_an_object_is_a_schema_finding_only(tmp_path: Path) -> None:
    findings = _equipment(tmp_path, locationDivision={"code": "350102"})
    assert [(f.rule, f.pointer) for f in findings] == [("SE-SCH-003", "/records/0/data/locationDivision")]


def test_an_identifier_the_schema_refused_gives_no_second_finding(tmp_path: Path) -> None:
    findings = _equipment(tmp_path, locationDivision="35010X")
    assert [(f.rule, f.pointer) for f in findings] == [("SE-SCH-002", "/records/0/data/locationDivision")]


def test_a_refused_code_expects_its_value_domain_and_gives_the_specific_reason(tmp_path: Path) -> None:
    (f,) = _codes(_equipment(tmp_path, userUnitCode=BAD_USCC))
    name = SPEC.value_domains["unit-code"].name
    assert f.expected is not None and (f.expected.zh, f.expected.en) == (name.zh, name.en)
    # uscc refuses it for its check character, citizen_id only for its shape: the specific reason alone is given.
    assert f.message.en.endswith("number: USCC 913501********0Y4X has a wrong check character; expected 3")
    assert f.message.zh.endswith("：统一社会信用代码 913501********0Y4X 校验码错误，应为 3")


def test_a_value_two_rules_refuse_for_their_own_reasons_names_each_rule(tmp_path: Path) -> None:
    (f,) = _codes(_equipment(tmp_path, userUnitCode=BAD_BOTH))
    assert f.message.en.endswith(
        "number: uscc: USCC 350102********1235 has a wrong check character; expected E; "
        "citizen_id: citizen ID 350102********1235 has a wrong check digit"
    )
    assert "：uscc：" in f.message.zh and "；citizen_id：" in f.message.zh
    assert BAD_BOTH not in f.message.en  # a citizen ID is never shown whole
    assert not citizen_id.is_valid(BAD_BOTH) and not uscc.is_valid(BAD_BOTH)


def _operators(tmp: Path, whole: set[str]) -> list[Any]:
    """Two operator certificates in a package whose header says 'share', every personal value masked but ``whole``."""
    fields = shapes(SPEC)["OperatorCertificate"].fields
    envs = [envelope(r) for r in sample("operator-certificate-upload", 2, 11, 0.0)[0]]
    for env in envs:
        for name, value in env["data"].items():
            kind = fields[name].personal
            if kind is not None and name not in whole:
                env["data"][name] = mask_value(kind, value, "share")
        env["recordKey"] = env["data"]["certificateNo"]  # the key is the certificate number, masked with it
    masked = {HEADER_FIELDS.by_key("masking_profile").name: "share"}
    path = write_jsonl(tmp / "ops.jsonl", envs, message_type="operator-certificate-upload", header=masked)
    return validate_file(path).findings


def test_values_masked_as_the_header_says_are_not_identifier_findings(tmp_path: Path) -> None:
    assert _codes(_operators(tmp_path, set())) == []


def test_a_personal_value_left_whole_in_a_masked_package_is_a_leak(tmp_path: Path) -> None:
    # The certificate number is a citizen ID with no identifier rule of its own: visited for leaks only.
    found = [(f.rule, f.pointer) for f in _codes(_operators(tmp_path, {"certificateNo"}))]
    assert found == [
        ("SE-COD-004", "/records/0/data/certificateNo"),
        ("SE-COD-004", "/records/1/data/certificateNo"),
    ]
    found = [(f.rule, f.pointer) for f in _codes(_operators(tmp_path, {"holderCitizenId"}))]
    assert found == [
        ("SE-COD-004", "/records/0/data/holderCitizenId"),
        ("SE-COD-004", "/records/1/data/holderCitizenId"),
    ]
