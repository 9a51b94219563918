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


def _findings(entity: str, data: dict[str, Any], bad: set[tuple[str, ...]], **layer: Any) -> list[Finding]:
    biz = Business(FileContext(SPEC, "t.jsonl"), "registration-download", TODAY, **layer)
    return biz.findings(shapes(SPEC)[entity], data, bad, ("records", 0, "data"), Where(index=0))  # type: ignore[arg-type]


def test_values_that_failed_the_schema_layer_are_not_judged_again() -> None:
    wrong = use_registration(equipmentVariety="3120", nextInspectionDate="2025-06-01", inspectionDate="2026-12-01")
    assert {f.rule for f in _findings("UseRegistration", wrong, set())} == {"SE-BIZ-001", "SE-BIZ-003", "SE-BIZ-009"}
    bad = {("equipmentVariety",), ("nextInspectionDate",), ("inspectionDate",)}
    assert _findings("UseRegistration", wrong, bad) == []
    # Only the listed member is skipped: the others are still judged.
    assert [f.rule for f in _findings("UseRegistration", wrong, {("equipmentVariety",), ("inspectionDate",)})] == []
    assert [f.rule for f in _findings("UseRegistration", wrong, {("equipmentVariety",), ("nextInspectionDate",)})] == [
        "SE-BIZ-009"
    ]


def test_duplicate_keys_left_to_the_run_or_unjudgeable() -> None:
    layer = Business(FileContext(SPEC, "t.jsonl"), "registration-download", TODAY, unique_elsewhere=True)
    shape = shapes(SPEC)["UseRegistration"]
    for i in range(2):
        assert layer.findings(shape, use_registration(), set(), ("records", i, "data"), Where(index=i)) == []
    # A key that failed the schema layer, or is absent, is no key to compare.
    layer = Business(FileContext(SPEC, "t.jsonl"), "registration-download", TODAY)
    for i in range(2):
        found = layer.findings(shape, use_registration(), {("registrationCertNo",)}, ("records", i), Where(index=i))
        assert found == []
    keyless = {k: v for k, v in use_registration().items() if k != "registrationCertNo"}
    assert run("UseRegistration", keyless, keyless) == []


def test_duplicate_finding_names_the_key_fields() -> None:
    (f,) = [f for f in run("UseRegistration", use_registration(), use_registration()) if f.rule == "SE-BIZ-010"]
    assert f.value == "UseRegistration" and f.pointer == "/records/1/data"
    assert "与前面的记录相同" in f.message.zh and "same as an earlier record" in f.message.en


def test_conclusion_finding_lists_the_allowed_conclusions() -> None:
    (f,) = run("UseRegistration", use_registration(inspectionConclusion="符合要求"))
    assert f.expected is not None and f.expected.zh.split("、")[0] == "合格" and "、" in f.expected.zh


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2025-06-01", dt.date(2025, 6, 1)),
        ("2025-06-01T23:30:00+08:00", dt.date(2025, 6, 1)),  # the date in its own offset
        ("2025-13-01", None),
        ("2025-06-01T", None),
        (20250601, None),
    ],
)
def test_dates_are_read_in_their_own_offset(value: object, day: dt.date | None) -> None:
    assert business._date(value) == day


@pytest.mark.parametrize(("value", "number"), [(3, 3), ("2.17", "2.17"), (True, None), (None, None), ("x", None)])
def test_numbers_never_take_a_boolean(value: object, number: object) -> None:
    from decimal import Decimal

    assert business._number(value) == (None if number is None else Decimal(str(number)))


def test_plus_years_turns_29_february_into_28() -> None:
    assert business.plus_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert business.plus_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert business.plus_years(dt.date(2024, 3, 1), -1) == dt.date(2023, 3, 1)


def test_years_between_counts_anniversaries_passed() -> None:
    assert business._years_between(dt.date(2020, 6, 1), dt.date(2024, 5, 31)) == 3
    assert business._years_between(dt.date(2020, 6, 1), dt.date(2024, 6, 1)) == 4


def test_a_boolean_death_count_reaches_no_grade() -> None:
    from .test_business import accident

    assert run("Accident", accident("较大事故", deaths=True)) == []


def test_a_future_date_on_today_is_not_in_the_future() -> None:
    today = TODAY.isoformat()
    assert run("UseRegistration", use_registration(inspectionDate=today, nextInspectionDate="2027-11-25")) == []
    late = f"{today}T23:59:00-12:00"  # still today where it was written, although tomorrow in Beijing
    assert run("UseRegistration", use_registration(inspectionDate=late, nextInspectionDate="2027-11-25")) == []


class _Moved:
    """The spec, except that one rule has been moved to another layer."""

    def __init__(self, rule_id: str, layer: str) -> None:
        self.rule_layers = {**SPEC.rule_layers, rule_id: layer}

    def __getattr__(self, name: str) -> Any:
        return getattr(SPEC, name)


def test_a_rule_the_spec_moves_to_another_layer_is_not_run_here() -> None:
    checks = business._build(_Moved("SE-BIZ-001", "codes")).checks  # type: ignore[arg-type]
    assert business._registration_cert not in checks["Equipment"]
    assert business._registration_cert not in checks["UseRegistration"]
    assert business._registration_cert in business._build(SPEC).checks["Equipment"]


def test_parameters_are_not_reused_for_another_spec_at_the_same_id(monkeypatch: pytest.MonkeyPatch) -> None:
    # A spec object freed and another allocated at its address: the memo must see it is not the same spec.
    moved = _Moved("SE-BIZ-001", "codes")
    monkeypatch.setitem(business._MEMO, id(moved), (SPEC, business.params(SPEC)))
    assert business._registration_cert not in business.params(moved).checks["Equipment"]  # type: ignore[arg-type]
    assert business.params(moved) is business.params(moved)  # type: ignore[arg-type]


def test_a_kind_or_variety_that_is_no_text_is_no_catalogue_code() -> None:
    # Values the schema layer refused are still in the record's data: the catalogue walk must skip them.
    from .test_business import inspection

    data = inspection("3000", "3110", "2025-06-01", "2026-06-01")
    for bad in (["3110"], {"code": "3110"}, 3110):
        assert run("Inspection", {**data, "equipmentVariety": bad, "equipmentKind": bad}) == []


def test_one_refused_value_does_not_silence_the_rules_on_the_others() -> None:
    wrong = use_registration(equipmentVariety="3120", nextInspectionDate="2025-06-01")
    assert [f.rule for f in _findings("UseRegistration", wrong, {("equipmentVariety",)})] == ["SE-BIZ-003"]
    assert [f.rule for f in _findings("UseRegistration", wrong, {("nextInspectionDate",)})] == ["SE-BIZ-001"]


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [("1000", "符合要求、基本符合要求、不符合要求"), ("3000", "合格、不合格、复检合格、复检不合格")],
)
def test_conclusion_is_read_against_the_kind_when_no_variety_is_given(kind: str, allowed: str) -> None:
    # The inspection-conclusion code set names kinds (1000 锅炉 … 3000 电梯): a record without a variety is judged
    # by its kind alone.
    from .test_business import inspection

    data = inspection(
        kind, "", "2025-06-01", "2026-06-01", inspectionConclusion="复检合格" if kind == "1000" else "符合要求"
    )
    del data["equipmentVariety"]
    (f,) = run("Inspection", data)
    assert (f.rule, f.pointer) == ("SE-BIZ-002", "/records/0/data/inspectionConclusion")
    assert f.expected is not None and f.expected.zh == allowed


def test_schedule_findings_say_which_years_of_use_are_inspected() -> None:
    # TSG T7001-2023: 定期检验 in years of use 1 4 7 9 11 13 15, then yearly; 2020-06-01 into service, inspected
    # 2024-05-10 (year 4): next in year 7, by 2027-06-01.
    from .test_business import inspection

    (f,) = run("Inspection", inspection("3000", "3110", "2024-05-10", "2027-06-02", commissioningDate="2020-06-01"))
    assert f.expected is not None and f.expected.zh == "2027-06-01"
    assert "本次为使用第 4 年，下次定期检验在使用第 7 年（第 1、4、7、9、11、13、15 年检验）" in f.message.zh
    assert "inspected in year of use 4, next in year of use 7" in f.message.en
    # Without the date put into service: the schedule's longest gap, 3 years.
    (g,) = run("Inspection", inspection("3000", "3110", "2024-05-10", "2027-05-11"))
    assert g.expected is not None and g.expected.zh == "2027-05-10"
    assert "按检验安排（使用第 1、4、7、9、11、13、15 年）的最长间隔 3 年" in g.message.zh


def test_an_elevator_inspected_on_the_day_it_was_put_into_service_is_in_its_first_year_of_use() -> None:
    # Year of use 1 → next in year 4, which ends four years after 2024-05-10 (not the 3-year longest gap).
    from .test_business import inspection

    data = inspection("3000", "3110", "2024-05-10", "2028-05-10", commissioningDate="2024-05-10")
    assert run("Inspection", data) == []
    (f,) = run("Inspection", {**data, "nextInspectionDate": "2028-05-11"})
    assert f.expected is not None and f.expected.zh == "2028-05-10"


def test_a_stranding_with_the_number_of_people_unknown_reaches_only_the_grades_that_need_one_person() -> None:
    # Ropeway (9000): 48 h reaches 特别重大 and 重大 only with ≥ 100 people; unknown people count as one, so 较大 (12 h,
    # ≥ 1 person) is the grade reached.
    from .test_business import accident

    facts = {"equipmentKind": "9000", "strandedHours": "48"}
    assert run("Accident", accident("较大事故", **facts)) == []
    (f,) = run("Accident", accident("一般事故", **facts))
    assert (f.rule, f.expected.zh if f.expected else None) == ("SE-BIZ-006", "较大事故")


def test_unknown_people_count_as_exactly_one_person() -> None:
    # The spec's grades need 100 or 1 people; a grading whose 重大 grade needed 2 must not be reached by a stranding
    # whose people are unknown (one person is all that is known), and must be with 2 people stranded.
    from decimal import Decimal

    from sedata.spec.rule_params import AccidentGrading

    from .test_business import accident

    grading = next(g for g in business.params(SPEC).accident.gradings if g.stranded_hours)
    assert isinstance(grading, AccidentGrading)
    two = grading.model_copy(update={"stranded_people": [Decimal(100), Decimal(2), Decimal(1), Decimal(1)]})
    layer = Business(FileContext(SPEC, "t.jsonl"), "accident-report", TODAY)
    shape = shapes(SPEC)["Accident"]

    def grade(**facts: Any) -> tuple[int | None, list[str]]:
        data = accident("一般事故", equipmentKind="9000", strandedHours="24", **facts)
        rec = business._Record(layer, shape, layer.fields(shape), data, set(), (), Where(index=0))
        best, why = business._grade_of(rec, two)
        return best, [w.en for w in why]

    assert grade() == (2, ["Stranding duration 24"])
    assert grade(strandedPeople=2)[0] == 1
    assert grade(strandedPeople=1)[0] == 2


@pytest.mark.parametrize(
    ("facts", "en", "zh"),
    [
        # domain.md §6: 2 deaths reach 一般, 12 serious injuries 较大: only the criterion of the grade found is named.
        ({"deaths": 2, "seriousInjuries": 12}, "Serious injuries 12", "重伤人数 12"),
        # 3 deaths and 10 serious injuries both reach 较大: both are named, in the spec's order.
        ({"deaths": 3, "seriousInjuries": 10}, "Deaths 3, Serious injuries 10", "死亡人数 3、重伤人数 10"),
    ],
)
def test_accident_findings_name_the_criteria_that_reached_the_grade(facts: dict[str, Any], en: str, zh: str) -> None:
    from .test_business import accident

    (f,) = run("Accident", accident("一般事故", **facts))
    assert f.expected is not None and f.expected.zh == "较大事故"
    assert f.message.en.endswith(f"reached by: {en})") and f.message.zh.endswith(f"依据：{zh}）")


def test_an_accident_without_a_declared_grade_or_a_date_is_not_graded() -> None:
    # 3 deaths reach 较大事故, but with no grade declared (the schema layer reports it) there is nothing to compare.
    from .test_business import accident

    data = accident("一般事故", deaths=3)
    assert [f.rule for f in run("Accident", data)] == ["SE-BIZ-006"]
    assert run("Accident", {k: v for k, v in data.items() if k != "accidentGrade"}) == []
    assert run("Accident", {k: v for k, v in data.items() if k != "occurredAt"}) == []
    assert run("Accident", {**data, "occurredAt": "2025-06-31T10:00:00+08:00"}) == []


def test_a_certificate_without_both_dates_is_not_judged() -> None:
    # SE-BIZ-007 compares the expiry with the issue date: with either absent (the schema layer's finding) or not a
    # date, there is nothing to compare.
    data = {"certificateNo": "C1", "issueDate": "2015-03-01", "expiryDate": "2018-03-01"}
    assert [f.rule for f in run("OperatorCertificate", data)] == ["SE-BIZ-007"]
    for gone in ("issueDate", "expiryDate"):
        assert run("OperatorCertificate", {k: v for k, v in data.items() if k != gone}) == []
    assert run("OperatorCertificate", {**data, "expiryDate": "2018-02-30"}) == []


def test_a_duplicate_names_every_field_of_a_two_field_key() -> None:
    # IdentifierChange's business key is [equipment_code, change_date] (spec/entities/IdentifierChange.yaml).
    data = {"equipmentCode": "311064010520140025", "changeDate": "2020-01-01"}
    (f,) = run("IdentifierChange", data, data)
    assert f.message.zh.endswith("设备代码（SE.EQP.0001）、变更日期（SE.REG.0008） 与前面的记录相同")
    assert f.message.en.endswith("Equipment code (SE.EQP.0001), Change date (SE.REG.0008) same as an earlier record")
    # Another change date is another key.
    assert run("IdentifierChange", data, {**data, "changeDate": "2020-01-02"}) == []


def test_a_refused_value_outside_the_key_does_not_hide_a_duplicate() -> None:
    layer = Business(FileContext(SPEC, "t.jsonl"), "registration-download", TODAY)
    shape = shapes(SPEC)["UseRegistration"]
    found: list[Finding] = []
    for i in range(2):
        found += layer.findings(shape, use_registration(), {("inspectionDate",)}, ("records", i), Where(index=i))
    assert [(f.rule, f.index) for f in found] == [("SE-BIZ-010", 1)]


@pytest.mark.parametrize(
    "value",
    [
        "20261125",  # today, in the ISO basic form Python also reads
        "2999-02-30",  # later than today as text, but no date: the schema layer's to report
        "2999-99",
    ],
)
def test_only_a_real_date_after_today_is_in_the_future(value: str) -> None:
    assert run("UseRegistration", use_registration(inspectionDate=value, nextInspectionDate="2027-11-25")) == []


def test_a_date_after_today_in_the_basic_form_is_in_the_future() -> None:
    (f,) = run("UseRegistration", use_registration(inspectionDate="20261126", nextInspectionDate="2027-11-26"))
    assert (f.rule, f.expected.zh if f.expected else None) == ("SE-BIZ-009", "2026-11-25")


class _MovedMany:
    """The spec, except that some rules have been moved to another layer."""

    def __init__(self, *rule_ids: str) -> None:
        self.rule_layers = {**SPEC.rule_layers, **{r: "consistency" for r in rule_ids}}

    def __getattr__(self, name: str) -> Any:
        return getattr(SPEC, name)


@pytest.mark.parametrize("kept", ["SE-BIZ-003", "SE-BIZ-004", "SE-BIZ-005"])
def test_each_interval_rule_alone_runs_the_shared_check(kept: str) -> None:
    # SE-BIZ-003, 004 and 005 share _next_inspection: any one of them left in this layer keeps it running.
    moved = [r for r in ("SE-BIZ-003", "SE-BIZ-004", "SE-BIZ-005") if r != kept]
    checks = business._build(_MovedMany(*moved)).checks  # type: ignore[arg-type]
    assert business._next_inspection in checks["Inspection"]
    none = business._build(_MovedMany("SE-BIZ-003", "SE-BIZ-004", "SE-BIZ-005")).checks  # type: ignore[arg-type]
    assert business._next_inspection not in none["Inspection"]
