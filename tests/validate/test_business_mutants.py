"""Business-layer behaviour the mutation run (bench/mutate.py) showed untested: the rules reach every entity the
spec names (UseRegistration too, not only Equipment and Inspection), and the certificate/variety fast path.

Registration numbers are domain.md §1.2's (梯11闽E3622(16)) and the code tests' variations of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sedata.validate.context import FileContext, Where
from sedata.validate.layers import business
from sedata.validate.layers.business import Business
from sedata.validate.report import Finding
from sedata.validate.shapes import shapes

from .conftest import SPEC

TODAY = dt.date(2026, 11, 25)
CERT = "梯11闽E3622(16)"


def run(entity: str, *records: dict[str, Any], message_type: str = "registration-download") -> list[Finding]:
    layer = Business(FileContext(SPEC, "t.jsonl"), message_type, TODAY)
    shape = shapes(SPEC)[entity]
    out: list[Finding] = []
    for i, data in enumerate(records):
        out += layer.findings(shape, data, set(), ("records", i, "data"), Where(index=i))
    return out


def use_registration(**more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "registrationCertNo": CERT,
        "equipmentKind": "3000",
        "equipmentVariety": "3110",
        "equipmentCode": "311064010520140025",
        "inspectionKind": "定期检验",
        "inspectionDate": "2025-06-01",
        "inspectionConclusion": "合格",
        "nextInspectionDate": "2026-06-01",
    }
    data.update(more)
    return data


def test_a_clean_use_registration_has_no_finding() -> None:
    assert run("UseRegistration", use_registration()) == []


@pytest.mark.parametrize(
    ("more", "rule", "field"),
    [
        ({"equipmentVariety": "3120"}, "SE-BIZ-001", "registrationCertNo"),
        ({"inspectionConclusion": "符合要求"}, "SE-BIZ-002", "inspectionConclusion"),
        ({"nextInspectionDate": "2025-06-01"}, "SE-BIZ-003", "nextInspectionDate"),
        ({"inspectionDate": "2021-05-10", "nextInspectionDate": "2024-05-10"}, "SE-BIZ-004", "nextInspectionDate"),
        ({"inspectionDate": "2026-11-26", "nextInspectionDate": "2027-11-26"}, "SE-BIZ-009", "inspectionDate"),
    ],
)
def test_use_registration_records_are_checked_by_their_rules(more: dict[str, Any], rule: str, field: str) -> None:
    # The rule table is keyed per entity from each rule's applies_to: UseRegistration must be in it.
    (f,) = run("UseRegistration", use_registration(**more))
    assert (f.rule, f.pointer) == (rule, f"/records/0/data/{field}")


def test_use_registration_keys_are_unique() -> None:
    found = run("UseRegistration", use_registration(), use_registration())
    assert [(f.rule, f.index) for f in found] == [("SE-BIZ-010", 1)]


def test_each_check_runs_once_per_record() -> None:
    # SE-BIZ-003, 004 and 005 share one check: it must be listed once per entity, else findings repeat.
    checks = business.params(SPEC).checks
    for entity, found in checks.items():
        assert len(found) == len(set(found)), entity
    assert business._next_inspection in checks["UseRegistration"]
    assert business._registration_cert in checks["UseRegistration"]
    assert business._registration_cert not in checks["Inspection"]
    # SE-BIZ-009 and 010 name no entity: they apply to all.
    assert all(business._future in found for found in checks.values())


@pytest.mark.parametrize("entity", ["Equipment", "UseRegistration"])
def test_certificate_category_must_agree_even_when_the_digits_do(entity: str) -> None:
    # 梯11… with variety 4110 (a crane): the digits 11 agree, the category character 梯 does not.
    data = {"registrationCertNo": CERT, "equipmentVariety": "4110", "equipmentCode": "X"}
    (f,) = run(entity, data)
    assert f.rule == "SE-BIZ-001" and f.value == CERT
    assert f.expected is not None and f.expected.zh == "4110"


@pytest.mark.parametrize(
    ("cert", "variety", "plain"),
    [
        (CERT, "3110", True),
        (CERT, " 3110 ", True),
        ("梯11", "3110", True),  # three characters are enough to compare
        ("瓶31闽E3622(16)", "2310", True),  # 瓶 is category 2300: the variety's category
        ("容31闽E3622(16)", "2310", True),  # 容 is kind 2000: the variety's kind
        (CERT, "4110", False),  # digits agree, category character does not
        (CERT, "3120", False),
        ("梯1", "3110", False),
        (CERT, "311", False),
        (CERT, "31100", False),
        ("X11闽E3622(16)", "3110", False),  # no such category character
    ],
)
def test_cert_agrees_fast_path(cert: str, variety: str, plain: bool) -> None:
    assert business._cert_agrees(business.params(SPEC), cert, variety) is plain


def test_certificate_findings_say_why() -> None:
    (f,) = run("Equipment", {"registrationCertNo": CERT, "equipmentVariety": "3120", "equipmentCode": "X"})
    assert "3120" in f.message.en and "3120" in f.message.zh
    # A malformed number is the codes layer's to report.
    assert run("Equipment", {"registrationCertNo": "梯1闽E3622(16)", "equipmentVariety": "3110"}) == []
