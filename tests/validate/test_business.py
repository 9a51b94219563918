"""The business layer (SE-BIZ-…): worked examples of the reference, boundaries, and cases that must not fire."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sedata.validate.context import FileContext, Where
from sedata.validate.layers.business import Business
from sedata.validate.report import Finding
from sedata.validate.shapes import shapes

from .conftest import SPEC

TODAY = dt.date(2026, 11, 25)


def run(
    entity: str, *records: dict[str, Any], message_type: str = "inspection-upload", versions: tuple[Any, ...] = ()
) -> list[Finding]:
    """The business findings of ``records`` (exchange-form data) read in order from one file."""
    layer = Business(FileContext(SPEC, "t.jsonl"), message_type, TODAY)
    shape = shapes(SPEC)[entity]
    out: list[Finding] = []
    for i, data in enumerate(records):
        version = versions[i] if versions else None
        out += layer.findings(shape, data, set(), ("records", i, "data"), Where(index=i), version)
    return out


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


# --- SE-BIZ-006 accident grade (domain.md §6) ---------------------------------------------------------
def accident(grade: str, **facts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "accidentId": "A1",
        "occurredAt": "2025-06-01T14:30:00+08:00",
        "equipmentKind": "3000",
        "accidentGrade": grade,
        "deaths": 0,
        "seriousInjuries": 0,
        "directEconomicLoss": "0",
    }
    data.update(facts)
    return data


WORKED = [
    # 2 deaths + 12 serious injuries: 一般 by deaths, 较大 by injuries → 较大事故.
    ("较大事故", {"deaths": 2, "seriousInjuries": 12}),
    # An elevator entrapment of 2 h 10 min, no casualties → 一般事故.
    ("一般事故", {"strandedPeople": 3, "strandedHours": "2.17", "accidentEvents": ["电梯轿厢滞留人员"]}),
    # A crane overturning as a whole, no casualties → 较大事故.
    ("较大事故", {"equipmentKind": "4000", "accidentEvents": ["起重机械整体倾覆"]}),
    # A loss of exactly 1 亿元 → 特别重大 (以上 is inclusive).
    ("特别重大事故", {"directEconomicLoss": "100000000.00"}),
    ("重大事故", {"directEconomicLoss": "99999999.99"}),
    ("特别重大事故", {"deaths": 30}),
    ("重大事故", {"deaths": 29}),
    ("一般事故", {"deaths": 1}),
    ("较大事故", {"deaths": 3}),
    ("重大事故", {"seriousInjuries": 50}),
    ("一般事故", {"directEconomicLoss": "10000"}),
    ("较大事故", {"equipmentKind": "2000", "peopleEvacuated": 10000}),
    # Ropeway: ≥100 people for ≥48 h → 特别重大; 99 people for 48 h only reach 较大 (≥12 h).
    ("特别重大事故", {"equipmentKind": "9000", "strandedPeople": 100, "strandedHours": "48"}),
    ("较大事故", {"equipmentKind": "9000", "strandedPeople": 99, "strandedHours": "48"}),
    ("一般事故", {"equipmentKind": "9000", "strandedPeople": 5, "strandedHours": "3.5"}),
    ("一般事故", {"equipmentKind": "6000", "strandedPeople": 5, "strandedHours": "1"}),
    ("特别重大事故", {"equipmentKind": "1000", "accidentEvents": ["600兆瓦以上锅炉爆炸"]}),
]


@pytest.mark.parametrize(("grade", "facts"), WORKED)
def test_accident_grade_worked_examples(grade: str, facts: dict[str, Any]) -> None:
    assert run("Accident", accident(grade, **facts)) == []
    wrong = "一般事故" if grade != "一般事故" else "较大事故"
    (f,) = run("Accident", accident(wrong, **facts))
    assert f.rule == "SE-BIZ-006" and f.severity == "error" and f.expected is not None
    assert f.expected.zh == grade and f.pointer == "/records/0/data/accidentGrade"


def test_an_elevator_entrapment_under_two_hours_reaches_no_grade_and_is_not_checked() -> None:
    # 1 h 59 min reaches no grade; the facts may be incomplete (an early report), so nothing is said.
    assert run("Accident", accident("一般事故", strandedPeople=3, strandedHours="1.98")) == []


# --- SE-BIZ-002 / 003 / 004 / 005 / 008 inspections -------------------------------------------------------
def inspection(kind: str, variety: str, done: str, due: str, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reportNo": "JY1",
        "equipmentKind": kind,
        "equipmentVariety": variety,
        "inspectionKind": "定期检验",
        "inspectionNature": "法定",
        "inspectionDate": done,
        "inspectionConclusion": "合格" if kind not in ("1000", "2000") else "符合要求",
        "nextInspectionDate": due,
    }
    data.update(more)
    return data


@pytest.mark.parametrize(
    ("kind", "variety", "done", "due", "more", "expected"),
    [
        # §5.3 worked example: a tower crane inspected 2025-06-01 is due 2026-06-01; a bridge crane 2027-06-01.
        ("4000", "4310", "2025-06-01", "2026-06-01", {}, []),
        ("4000", "4310", "2025-06-01", "2026-06-02", {}, ["SE-BIZ-004"]),
        ("4000", "4110", "2025-06-01", "2027-06-01", {}, []),
        ("4000", "4110", "2025-06-01", "2027-06-02", {}, ["SE-BIZ-004"]),
        ("4000", "4860", "2025-06-01", "2026-06-02", {}, ["SE-BIZ-004"]),
        ("3000", "3110", "2024-02-29", "2025-02-28", {}, []),
        ("3000", "3110", "2024-02-29", "2025-03-01", {}, ["SE-BIZ-004"]),
        ("3000", "3110", "2024-05-01", "2024-04-30", {}, ["SE-BIZ-003"]),
        # Fixed pressure vessels by safety grade: 1-2 ≤ 6 y, 3 ≤ 6 y, 4 ≤ 3 y; no grade: not checked.
        ("2000", "2150", "2024-02-20", "2030-02-20", {"safetyGrade": "2"}, []),
        ("2000", "2150", "2024-02-20", "2030-02-21", {"safetyGrade": "2"}, ["SE-BIZ-004"]),
        ("2000", "2150", "2024-02-20", "2030-02-21", {"safetyGrade": "3"}, ["SE-BIZ-004"]),
        ("2000", "2150", "2024-02-20", "2027-02-20", {"safetyGrade": "4"}, []),
        ("2000", "2150", "2024-02-20", "2027-02-21", {"safetyGrade": "4"}, ["SE-BIZ-004"]),
        ("2000", "2150", "2024-02-20", "2034-02-21", {}, []),
        # Boilers: only 外部检验 is checked.
        ("1000", "1110", "2024-02-20", "2025-02-21", {"inspectionKind": "外部检验"}, ["SE-BIZ-004"]),
        ("1000", "1110", "2024-02-20", "2026-02-21", {}, []),
        # UNCONFIRMED intervals are warnings.
        ("6000", "6110", "2024-02-20", "2025-02-21", {}, ["SE-BIZ-005"]),
        ("8000", "8100", "2024-02-20", "2025-02-21", {"inspectionKind": "年度检查"}, ["SE-BIZ-005"]),
        # Conclusions per kind; a safety valve (7310) has its own.
        ("3000", "3110", "2024-02-20", "2025-02-20", {"inspectionConclusion": "复检合格"}, []),
        ("3000", "3110", "2024-02-20", "2025-02-20", {"inspectionConclusion": "基本符合要求"}, ["SE-BIZ-002"]),
        ("7000", "7310", "2024-02-20", "2025-02-20", {"inspectionConclusion": "合格"}, ["SE-BIZ-002"]),
        ("7000", "7310", "2024-02-20", "2025-02-20", {"inspectionConclusion": "该安全阀经校验合格"}, []),
        ("3000", "3110", "2024-02-20", "2025-02-20", {"inspectionNature": "委托"}, ["SE-BIZ-008"]),
    ],
)
def test_inspection_rules(
    kind: str, variety: str, done: str, due: str, more: dict[str, Any], expected: list[str]
) -> None:
    found = run("Inspection", inspection(kind, variety, done, due, **more))
    assert rules(found) == expected
    for f in found:
        assert f.severity == SPEC.rules[f.rule].severity


def test_commissioned_inspections_are_only_refused_in_an_upload() -> None:
    data = inspection("3000", "3110", "2024-02-20", "2025-02-20", inspectionNature="委托")
    assert rules(run("Inspection", data, message_type="registration-download")) == []


# --- SE-BIZ-001 registration certificate ---------------------------------------------------------------
def test_registration_certificate_variety() -> None:
    ok = {"equipmentCode": "X", "equipmentVariety": "3110", "registrationCertNo": "梯11闽E3622(16)"}
    assert run("Equipment", ok) == []
    (f,) = run("Equipment", {**ok, "equipmentVariety": "3120"})
    assert f.rule == "SE-BIZ-001" and f.severity == "warning"
    (f,) = run("Equipment", {**ok, "equipmentVariety": "4170"})  # digits differ and 梯 is not a crane
    assert f.rule == "SE-BIZ-001"
    assert run("Equipment", {**ok, "registrationCertNo": "not a number"}) == []  # the codes layer's job


# --- SE-BIZ-007 operator certificates --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("issued", "expiry", "fires"),
    [
        ("2021-03-10", "2025-03-09", False),
        ("2021-03-10", "2025-03-10", False),
        ("2021-03-10", "2025-03-08", True),
        ("2021-03-10", "2024-03-09", True),
        ("2020-02-29", "2024-02-28", False),
    ],
)
def test_operator_certificate_validity(issued: str, expiry: str, fires: bool) -> None:
    data = {"certificateNo": "C1", "issueDate": issued, "expiryDate": expiry}
    found = run("OperatorCertificate", data, message_type="operator-certificate-upload")
    assert rules(found) == (["SE-BIZ-007"] if fires else [])
    assert all(f.severity == "warning" for f in found)


# --- SE-BIZ-009 dates not in the future ------------------------------------------------------------------
def test_dates_in_the_future_against_the_given_today() -> None:
    today = TODAY.isoformat()
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert run("Inspection", inspection("3000", "3110", today, tomorrow)) == []  # next date may lie ahead
    found = run("Inspection", inspection("3000", "3110", tomorrow, "2027-11-20"))
    assert rules(found) == ["SE-BIZ-009"] and found[0].value == tomorrow
    late = accident("一般事故", deaths=1, occurredAt=f"{tomorrow}T00:30:00+08:00")
    assert rules(run("Accident", late, message_type="accident-report")) == ["SE-BIZ-009"]


# --- SE-BIZ-010 unique business keys ---------------------------------------------------------------------
def test_business_keys_are_unique_within_a_file() -> None:
    a = inspection("3000", "3110", "2024-02-20", "2025-02-20")
    b = {**a, "reportNo": "JY2"}
    found = run("Inspection", a, b, a)
    assert rules(found) == ["SE-BIZ-010"] and found[0].index == 2
    # Successive versions of one record in a change set are not duplicates.
    assert run("Inspection", a, a, versions=(1, 2)) == []
    # Keys are kept per record type.
    assert run("Equipment", {"equipmentCode": "JY1"}) == []


# --- effective dating: the interval in force on the inspection date (issue 13) ------------------------------
ELEVATOR = ("3000", "3110")


def test_elevator_2020_inspected_2021_and_2024_next_2026_is_clean_under_tsg_t7001_2023() -> None:
    # Put into service 2020-06-01: 2021-05-10 is year of use 1, 2024-05-10 year 4; the schedule's next is year 7.
    first = inspection(*ELEVATOR, "2021-05-10", "2022-05-10", commissioningDate="2020-06-01")
    second = inspection(*ELEVATOR, "2024-05-10", "2026-05-10", commissioningDate="2020-06-01", reportNo="JY2")
    assert run("Inspection", first, second) == []


def test_the_same_interval_judged_by_the_pre_2024_rule_is_an_error_naming_that_rule() -> None:
    # 2021-05-10 with the next inspection three years out: TSG T7001-2009 (yearly) judges it.
    (f,) = run("Inspection", inspection(*ELEVATOR, "2021-05-10", "2024-05-10", commissioningDate="2020-06-01"))
    assert (f.rule, f.severity, f.expected.zh if f.expected else None) == ("SE-BIZ-004", "error", "2022-05-10")
    assert "TSG T7001-2009" in f.message.en and "TSGT7001-2009" in f.message.en


@pytest.mark.parametrize(
    ("done", "due", "fires"),
    [
        ("2024-04-01", "2025-04-01", False),  # the last day of the transition: still yearly
        ("2024-04-01", "2025-04-02", True),
        (
            "2024-04-02",
            "2027-04-02",
            False,
        ),  # the first day judged by TSG T7001-2023, no date put into service: 3 years
        ("2024-04-02", "2027-04-03", True),
    ],
)
def test_transition_day_and_unknown_commissioning(done: str, due: str, fires: bool) -> None:
    found = run("Inspection", inspection(*ELEVATOR, done, due))
    assert rules(found) == (["SE-BIZ-004"] if fires else [])


@pytest.mark.parametrize(
    ("since", "done", "due", "fires"),
    [
        ("2020-06-01", "2024-05-10", "2027-06-01", False),  # year of use 4 → 7, which ends 2027-06-01
        ("2020-06-01", "2024-05-10", "2027-06-02", True),
        ("2020-06-01", "2026-07-01", "2029-06-01", False),  # year 7 → 9
        ("2020-06-01", "2026-07-01", "2029-06-02", True),
        ("2018-06-01", "2024-07-01", "2027-06-01", False),  # year 7 → 9 ends 2027-06-01
        ("2008-06-01", "2024-07-01", "2026-06-01", False),  # year 17 (after 15 years): yearly → year 18
        ("2008-06-01", "2024-07-01", "2026-06-02", True),
        ("2009-06-01", "2024-07-01", "2025-06-01", False),  # year 16, just past year 15: yearly → year 17
        ("2009-06-01", "2024-07-01", "2026-06-02", True),
    ],
)
def test_elevator_schedule_by_year_of_use(since: str, done: str, due: str, fires: bool) -> None:
    found = run("Inspection", inspection(*ELEVATOR, done, due, commissioningDate=since))
    assert rules(found) == (["SE-BIZ-004"] if fires else [])


def test_a_railway_crane_is_in_the_two_year_group_not_its_yearly_category() -> None:
    # TSG Q7015-2016 art. 5: 铁路起重机 (4450) every 2 years although 流动式起重机 (4400) is yearly.
    assert run("Inspection", inspection("4000", "4450", "2025-06-01", "2027-06-01")) == []
    (f,) = run("Inspection", inspection("4000", "4450", "2025-06-01", "2027-06-02"))
    assert f.rule == "SE-BIZ-004" and "铁路起重机" in f.message.zh
    (g,) = run("Inspection", inspection("4000", "4410", "2025-06-01", "2026-06-02"))
    assert g.expected is not None and g.expected.zh == "2026-06-01"


def test_periodic_self_testing_is_an_inspection_kind_without_an_interval() -> None:
    assert run("Inspection", inspection(*ELEVATOR, "2025-05-10", "2028-05-10", inspectionKind="定期检测")) == []


def test_an_accident_before_the_2009_grading_is_not_judged_by_it() -> None:
    assert run("Accident", accident("一般事故", deaths=30, occurredAt="2008-06-01T10:00:00+08:00")) == []
    (f,) = run("Accident", accident("一般事故", deaths=30, occurredAt="2009-06-01T10:00:00+08:00"))
    assert "条例（2009）" in f.message.zh


def _certificate(issued: str, expiry: str) -> dict[str, Any]:
    return {"certificateNo": "C1", "issueDate": issued, "expiryDate": expiry}


def test_certificate_validity_names_the_text_in_force_on_the_issue_date() -> None:
    (old,) = run("OperatorCertificate", _certificate("2015-03-01", "2018-03-01"))
    assert "TSG Z6001-2013" in old.message.en
    assert old.severity == "error"  # the 2013 text is CONFIRMED: its finding is an error in a warning rule
    (new,) = run("OperatorCertificate", _certificate("2021-03-01", "2024-03-01"))
    assert "TSG Z6001-2019" in new.message.en
    assert new.severity == "warning"  # the 2019 text is PARTIAL
    (shared,) = run("OperatorCertificate", _certificate("2019-06-01", "2022-06-01"))
    assert "TSG Z6001-2019" in shared.message.en and shared.severity == "warning"  # the newer text wins 2019
    assert run("OperatorCertificate", _certificate("2010-03-01", "2012-03-01")) == []
    assert run("OperatorCertificate", _certificate("2015-03-01", "2019-02-28")) == []


@given(
    commissioned=st.dates(dt.date(1995, 1, 1), dt.date(2026, 1, 1)),
    after=st.integers(min_value=0, max_value=40 * 366),
)
def test_the_use_year_schedule_asks_for_the_next_inspection_between_one_and_four_years_out(
    commissioned: dt.date, after: int
) -> None:
    # Whatever the year of use, the next 定期检验 of TSG T7001-2023 lies 1-3 years of use ahead: never sooner
    # than a year after the inspection, never later than its longest gap plus the rest of the current year.
    from sedata.spec.rule_params import Interval
    from sedata.validate.layers.business import _due_by, plus_years

    (interval,) = [i for i in SPEC.rule_parameters["SE-BIZ-004"].intervals if i.id == "TSG T7001-2023"]
    assert isinstance(interval, Interval) and interval.schedule is not None
    done = commissioned + dt.timedelta(days=after)
    limit, _ = _due_by(interval, done, commissioned)
    assert plus_years(done, 1) <= limit <= plus_years(done, interval.schedule.longest_gap + 1)


def test_the_certificate_category_follows_the_catalogue_tree_not_the_code_digits() -> None:
    import dataclasses

    from sedata.spec import current
    from sedata.validate.layers.business import _build, _cert_agrees

    p = _build(current())
    assert p.parents["7310"] == "F000"  # 2014 catalogue: a variety of 安全附件, though its digits say 7000
    assert _cert_agrees(p, "梯32宁B50002(18)", "3320") and not _cert_agrees(p, "梯32宁B50002(18)", "4320")
    under_7000 = dataclasses.replace(p, cert_categories={**p.cert_categories, "管": frozenset({"7000"})})
    under_f000 = dataclasses.replace(p, cert_categories={**p.cert_categories, "管": frozenset({"F000"})})
    assert not _cert_agrees(under_7000, "管31宁B00001(18)", "7310")
    assert _cert_agrees(under_f000, "管31宁B00001(18)", "7310")
